//! What the operator console needs beyond the other traits: editing the tax-class
//! table and the positive list (each with the listing check of the products it
//! touches, in the same transaction), the freight tariff, every order by status, and
//! the counts of the overview.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::freight::FreightRates;
use gateway_core::merchant::MerchantStatus;
use gateway_core::order::OrderStatus;
use gateway_core::positive_list::{HsPrefix, PositiveListEntry};
use gateway_core::tax_class::TaxClass;

use crate::{Order, Page, PageRequest, StoreResult};

/// What saving a tax class did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxClassUpdate {
    pub class: TaxClass,
    /// Products whose status or problems changed (each with a `product.updated`
    /// outbox event, so the search index follows).
    pub products_changed: u64,
}

/// The freight tariff and when it last changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreightSettings {
    pub rates: FreightRates,
    pub updated_at: DateTime<Utc>,
}

#[async_trait]
pub trait AdminStore: Send + Sync {
    /// Saves every editable field of the class `class.code` (names, rates,
    /// thresholds, flags; not its code or position) and, in the same transaction,
    /// re-runs the listing check of the class's products (see `recheck_listings`) and
    /// writes a `TAX_CLASS_UPDATED` event. `NotFound` when there is no such class.
    async fn update_tax_class(&self, class: TaxClass, at: DateTime<Utc>) -> StoreResult<TaxClassUpdate>;
    /// The positive list, by prefix.
    async fn positive_list(&self) -> StoreResult<Vec<PositiveListEntry>>;
    /// Adds or replaces the line for `entry.hs_prefix` and re-runs the listing check of
    /// every product whose HS code it covers, in one transaction. `NotFound` when its
    /// tax class does not exist. Returns the products whose verdict changed.
    async fn put_positive_list_entry(&self, entry: PositiveListEntry, at: DateTime<Utc>) -> StoreResult<u64>;
    /// Removes a line and re-checks the products it covered; `NotFound` when absent.
    async fn delete_positive_list_entry(&self, prefix: &HsPrefix, at: DateTime<Utc>) -> StoreResult<u64>;
    /// Re-runs the listing check of every product (after an upgrade that changed the
    /// rules, or to repair): the products whose verdict changed.
    async fn recheck_all_listings(&self, at: DateTime<Utc>) -> StoreResult<u64>;
    async fn freight_settings(&self) -> StoreResult<FreightSettings>;
    /// Replaces the tariff and writes a `FREIGHT_RATES_SET` event.
    async fn set_freight_rates(&self, rates: FreightRates, at: DateTime<Utc>) -> StoreResult<FreightSettings>;
    /// Every order, newest first, optionally only those in `status`.
    async fn all_orders(&self, status: Option<OrderStatus>, page: PageRequest) -> StoreResult<Page<Order>>;
    /// How many orders are in each status (statuses with none are absent).
    async fn order_counts(&self) -> StoreResult<Vec<(OrderStatus, i64)>>;
    /// How many merchants are in each status (statuses with none are absent).
    async fn merchant_counts(&self) -> StoreResult<Vec<(MerchantStatus, i64)>>;
}
