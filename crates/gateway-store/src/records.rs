//! What the stores take and give back. Inputs are validated domain types; outputs are
//! rebuilt from rows through the same parsers.

use chrono::{DateTime, Utc};
use gateway_core::ids::RawUuid;
use gateway_core::merchant::{Fulfilment, MerchantKind, MerchantStatus, UsState};
use gateway_core::product::{ContentUnit, ListingProblem, ProductStatus};
use gateway_core::user::{Email, Role};
use gateway_core::{FxRate, MerchantId, ProductId, Usd, UserId};

#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: UserId,
    pub email: Email,
    pub role: Role,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub role: Role,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 of the bearer token: the token itself is never stored.
    pub token_hash: Vec<u8>,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What a merchant says about its business: every field of its profile, the same
/// when it signs up and when it edits (`NewMerchant` and `Merchant` share it).
#[derive(Debug, Clone)]
pub struct MerchantProfile {
    pub legal_name: String,
    pub display_name_en: String,
    pub display_name_zh: Option<String>,
    pub kind: MerchantKind,
    pub state: UsState,
    pub city: String,
    pub zip: String,
    pub employees: i64,
    pub exported_before: bool,
    pub fulfilment: Fulfilment,
    pub food_registration_no: Option<String>,
    /// The business's story for shoppers, in English and optionally Chinese.
    pub story_en: Option<String>,
    pub story_zh: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewMerchant {
    pub id: MerchantId,
    pub owner_id: UserId,
    pub profile: MerchantProfile,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Merchant {
    pub id: MerchantId,
    pub owner_id: UserId,
    pub profile: MerchantProfile,
    pub status: MerchantStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Every stored field of a product. `NewProduct` and `Product` share it so a change
/// to the product's shape is made once.
#[derive(Debug, Clone)]
pub struct ProductFields {
    pub sku: String,
    pub title_en: String,
    pub title_zh: Option<String>,
    pub description_en: String,
    pub description_zh: Option<String>,
    pub tax_class: String,
    pub hs_code: String,
    pub origin_country: String,
    pub price: Usd,
    pub weight_g: i64,
    pub net_content_milli: i64,
    pub net_content_unit: ContentUnit,
    pub stock: i64,
    pub status: ProductStatus,
    pub problems: Vec<ListingProblem>,
    /// The positive list's yearly cap per buyer on these goods, as the listing check
    /// found it (kept with the verdict so that pricing needs no lookup).
    pub annual_cap: Option<gateway_core::positive_list::AnnualCap>,
}

#[derive(Debug, Clone)]
pub struct NewProduct {
    pub id: ProductId,
    pub merchant_id: MerchantId,
    pub fields: ProductFields,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Product {
    pub id: ProductId,
    pub merchant_id: MerchantId,
    pub fields: ProductFields,
    /// The merchant's status when read: only an active merchant's listed products
    /// are for sale.
    pub merchant_status: MerchantStatus,
    /// Bumped by every update; `update_product` writes only over the version it read.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Product {
    pub fn for_sale(&self) -> bool {
        self.fields.status == ProductStatus::Listed && self.merchant_status == MerchantStatus::Active
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FxQuote {
    pub rate: FxRate,
    pub as_of: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct OutboxEvent {
    pub id: i64,
    pub topic: String,
    pub aggregate_id: RawUuid,
    pub payload: String,
    pub created_at: DateTime<Utc>,
}

impl OutboxEvent {
    /// The topic's family, the part before its dot: "order" for "order.placed".
    pub fn family(&self) -> &str {
        self.topic.split('.').next().unwrap_or_default()
    }
}

/// Keyset pagination: items after `after` (an id), at most `limit`.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub after: Option<RawUuid>,
    pub limit: u32,
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The cursor for the next page, or None on the last one.
    pub next: Option<RawUuid>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row only proves there is
    /// a next page.
    pub fn from_rows(mut rows: Vec<T>, limit: u32, id_of: impl Fn(&T) -> RawUuid) -> Self {
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next = if more { rows.last().map(&id_of) } else { None };
        Page { items: rows, next }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next: self.next }
    }
}
