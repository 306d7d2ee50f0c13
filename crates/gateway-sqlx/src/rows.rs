//! Rows as both engines return them, and their conversion into store records through
//! the domain parsers: a stored value that no longer parses is `StoreError::Corrupt`,
//! never a panic.

use chrono::{DateTime, Utc};
use gateway_core::merchant::{Fulfilment, MerchantKind, MerchantStatus, UsState};
use gateway_core::positive_list::{HsPrefix, PositiveListEntry};
use gateway_core::product::{ContentUnit, ListingProblem, ProductStatus};
use gateway_core::tax_class::{CtThreshold, TaxClass};
use gateway_core::user::Role;
use gateway_core::{Cny, FxRate, MerchantId, ProductId, Usd, UserId};
use gateway_store::{
    CatalogEntry, FxQuote, Merchant, MerchantProfile, OutboxEvent, Product, ProductFields, StoreError, StoreResult,
    User,
};
use uuid::Uuid;

#[derive(sqlx::FromRow)]
pub struct UserRow {
    id: Uuid,
    email: String,
    role: String,
    password_hash: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> StoreResult<Self> {
        Ok(User {
            id: UserId::from_uuid(r.id),
            email: r.email,
            role: StoreError::decode("users.role", r.role.parse::<Role>())?,
            password_hash: r.password_hash,
            created_at: r.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct MerchantRow {
    id: Uuid,
    owner_id: Uuid,
    legal_name: String,
    display_name_en: String,
    display_name_zh: Option<String>,
    kind: String,
    state: String,
    city: String,
    zip: String,
    employees: i64,
    exported_before: bool,
    fulfilment: String,
    food_registration_no: Option<String>,
    story_en: Option<String>,
    story_zh: Option<String>,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<MerchantRow> for Merchant {
    type Error = StoreError;
    fn try_from(r: MerchantRow) -> StoreResult<Self> {
        Ok(Merchant {
            id: MerchantId::from_uuid(r.id),
            owner_id: UserId::from_uuid(r.owner_id),
            profile: MerchantProfile {
                legal_name: r.legal_name,
                display_name_en: r.display_name_en,
                display_name_zh: r.display_name_zh,
                kind: StoreError::decode("merchants.kind", MerchantKind::parse(&r.kind))?,
                state: StoreError::decode("merchants.state", UsState::parse(&r.state))?,
                city: r.city,
                zip: r.zip,
                employees: r.employees,
                exported_before: r.exported_before,
                fulfilment: StoreError::decode("merchants.fulfilment", Fulfilment::parse(&r.fulfilment))?,
                food_registration_no: r.food_registration_no,
                story_en: r.story_en,
                story_zh: r.story_zh,
            },
            status: StoreError::decode("merchants.status", MerchantStatus::parse(&r.status))?,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct ProductRow {
    id: Uuid,
    merchant_id: Uuid,
    sku: String,
    title_en: String,
    title_zh: Option<String>,
    description_en: String,
    description_zh: Option<String>,
    tax_class: String,
    hs_code: String,
    origin_country: String,
    price_usd_cents: i64,
    weight_g: i64,
    net_content_milli: i64,
    net_content_unit: String,
    stock: i64,
    status: String,
    problems: String,
    annual_cap_prefix: Option<String>,
    annual_cap_g: Option<i64>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    merchant_status: String,
}

impl TryFrom<ProductRow> for Product {
    type Error = StoreError;
    fn try_from(r: ProductRow) -> StoreResult<Self> {
        Ok(Product {
            id: ProductId::from_uuid(r.id),
            merchant_id: MerchantId::from_uuid(r.merchant_id),
            fields: ProductFields {
                sku: r.sku,
                title_en: r.title_en,
                title_zh: r.title_zh,
                description_en: r.description_en,
                description_zh: r.description_zh,
                tax_class: r.tax_class,
                hs_code: r.hs_code,
                origin_country: r.origin_country,
                price: Usd::from_minor(r.price_usd_cents),
                weight_g: r.weight_g,
                net_content_milli: r.net_content_milli,
                net_content_unit: StoreError::decode(
                    "products.net_content_unit",
                    ContentUnit::parse(&r.net_content_unit),
                )?,
                stock: r.stock,
                status: StoreError::decode("products.status", ProductStatus::parse(&r.status))?,
                problems: StoreError::decode("products.problems", serde_json::from_str(&r.problems))?,
                annual_cap: r
                    .annual_cap_prefix
                    .zip(r.annual_cap_g)
                    .map(|(hs_prefix, grams)| gateway_core::positive_list::AnnualCap { hs_prefix, grams }),
            },
            merchant_status: StoreError::decode("merchants.status", MerchantStatus::parse(&r.merchant_status))?,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// The listing problems are stored as a JSON array of `{code, field, message}`.
pub fn problems_json(problems: &[ListingProblem]) -> StoreResult<String> {
    serde_json::to_string(problems).map_err(StoreError::backend)
}

/// The outbox payload of a product event: what a consumer (the search index) needs
/// to decide whether to fetch the product again.
pub fn merchant_event(m: &Merchant) -> String {
    serde_json::json!({ "merchant_id": m.id.to_string(), "status": m.status.as_str() }).to_string()
}

pub fn product_event(id: &ProductId, f: &ProductFields) -> String {
    serde_json::json!({ "product_id": id.to_string(), "status": f.status.as_str(), "stock": f.stock }).to_string()
}

#[derive(sqlx::FromRow)]
pub struct TaxClassRow {
    code: String,
    name_en: String,
    name_zh: String,
    vat_ppm: i64,
    ct_ppm: i64,
    ct_threshold_per_unit_fen: Option<i64>,
    ct_threshold_per_piece_fen: Option<i64>,
    mfn_duty_ppm: i64,
    food: bool,
    positive_list: bool,
}

impl From<TaxClassRow> for TaxClass {
    fn from(r: TaxClassRow) -> Self {
        let ct_threshold = match (r.ct_threshold_per_unit_fen, r.ct_threshold_per_piece_fen) {
            (Some(unit), Some(piece)) => {
                Some(CtThreshold { per_g_or_ml: Cny::from_minor(unit), per_piece: Cny::from_minor(piece) })
            }
            _ => None,
        };
        TaxClass {
            code: r.code,
            name_en: r.name_en,
            name_zh: r.name_zh,
            vat_ppm: r.vat_ppm,
            ct_ppm: r.ct_ppm,
            ct_threshold,
            mfn_duty_ppm: r.mfn_duty_ppm,
            food: r.food,
            positive_list: r.positive_list,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct FxRow {
    rate_micros: i64,
    as_of: DateTime<Utc>,
}

impl TryFrom<FxRow> for FxQuote {
    type Error = StoreError;
    fn try_from(r: FxRow) -> StoreResult<Self> {
        Ok(FxQuote {
            rate: StoreError::decode("fx_rates.rate_micros", FxRate::from_micros(r.rate_micros))?,
            as_of: r.as_of,
        })
    }
}

/// A product row with the merchant columns a search document carries.
#[derive(sqlx::FromRow)]
pub struct CatalogRow {
    #[sqlx(flatten)]
    product: ProductRow,
    merchant_state: String,
    merchant_name_en: String,
    merchant_name_zh: Option<String>,
    merchant_fulfilment: String,
}

impl TryFrom<CatalogRow> for CatalogEntry {
    type Error = StoreError;
    fn try_from(r: CatalogRow) -> StoreResult<Self> {
        Ok(CatalogEntry {
            product: Product::try_from(r.product)?,
            merchant_state: r.merchant_state,
            merchant_name_en: r.merchant_name_en,
            merchant_name_zh: r.merchant_name_zh,
            merchant_fulfilment: StoreError::decode("merchants.fulfilment", Fulfilment::parse(&r.merchant_fulfilment))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct OutboxRow {
    id: i64,
    topic: String,
    aggregate_id: Uuid,
    payload: String,
    created_at: DateTime<Utc>,
}

impl OutboxRow {
    pub fn id(&self) -> i64 {
        self.id
    }
}

impl From<OutboxRow> for OutboxEvent {
    fn from(r: OutboxRow) -> Self {
        OutboxEvent {
            id: r.id,
            topic: r.topic,
            aggregate_id: r.aggregate_id,
            payload: r.payload,
            created_at: r.created_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct PositiveListRow {
    hs_prefix: String,
    tax_class: String,
    bonded_only: bool,
    annual_cap_g: Option<i64>,
    description_en: String,
    description_zh: String,
}

impl TryFrom<PositiveListRow> for PositiveListEntry {
    type Error = StoreError;
    fn try_from(r: PositiveListRow) -> StoreResult<Self> {
        Ok(PositiveListEntry {
            hs_prefix: StoreError::decode("positive_list.hs_prefix", HsPrefix::parse(&r.hs_prefix))?,
            tax_class: r.tax_class,
            bonded_only: r.bonded_only,
            annual_cap_g: r.annual_cap_g,
            description_en: r.description_en,
            description_zh: r.description_zh,
        })
    }
}
