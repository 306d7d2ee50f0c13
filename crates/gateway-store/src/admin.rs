//! What the operator console needs beyond the other traits: editing the tax-class
//! table (with the listing check of the class's products in the same transaction),
//! the freight tariff, every order by status, and the counts of the overview.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::freight::FreightRates;
use gateway_core::merchant::MerchantStatus;
use gateway_core::order::OrderStatus;
use gateway_core::product::{ListingProblem, ProductStatus};
use gateway_core::tax_class::TaxClass;

use crate::{Order, Page, PageRequest, StoreResult};

/// The listing check's verdict for one kind of merchant: the status a product of the
/// class gets (listed or blocked; a product its merchant withdrew stays `delisted`)
/// and the problems it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingVerdict {
    pub status: ProductStatus,
    pub problems: Vec<ListingProblem>,
}

/// The verdicts for a class's products. The listing check depends only on the class
/// and on whether the product's merchant holds a food registration, so two verdicts
/// cover every product of the class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassVerdicts {
    /// For products of merchants with a food facility registration number.
    pub registered: ListingVerdict,
    /// For products of merchants without one.
    pub unregistered: ListingVerdict,
}

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
    /// applies `verdicts` to the class's products whose status or problems differ:
    /// their version is bumped (a concurrent edit of one retries over it) and a
    /// `product.updated` event is written for each. `NotFound` when there is no such
    /// class.
    async fn update_tax_class(
        &self,
        class: TaxClass,
        verdicts: ClassVerdicts,
        at: DateTime<Utc>,
    ) -> StoreResult<TaxClassUpdate>;
    async fn freight_settings(&self) -> StoreResult<FreightSettings>;
    async fn set_freight_rates(&self, rates: FreightRates, at: DateTime<Utc>) -> StoreResult<FreightSettings>;
    /// Every order, newest first, optionally only those in `status`.
    async fn all_orders(&self, status: Option<OrderStatus>, page: PageRequest) -> StoreResult<Page<Order>>;
    /// How many orders are in each status (statuses with none are absent).
    async fn order_counts(&self) -> StoreResult<Vec<(OrderStatus, i64)>>;
    /// How many merchants are in each status (statuses with none are absent).
    async fn merchant_counts(&self) -> StoreResult<Vec<(MerchantStatus, i64)>>;
}
