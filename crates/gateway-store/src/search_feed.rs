//! What the search index needs from the database: the outbox read as a log, and the
//! catalog read in the shape of a search document.
//!
//! Every server keeps its own index and follows the outbox from its own position,
//! so the outbox is read here without claiming or marking rows: other consumers of
//! the same events are not disturbed.

use crate::{OutboxEvent, Product, StoreResult};
use async_trait::async_trait;
use gateway_core::merchant::Fulfilment;
use gateway_core::{MerchantId, OrderId, ProductId};

/// A product with the merchant fields a search document carries.
#[derive(Debug, Clone)]
pub struct CatalogEntry {
    pub product: Product,
    /// The merchant's USPS state code.
    pub merchant_state: String,
    pub merchant_name_en: String,
    pub merchant_name_zh: Option<String>,
    /// How the merchant ships, which sets the freight of a unit (SPEC 5).
    pub merchant_fulfilment: Fulfilment,
}

#[async_trait]
pub trait SearchFeedStore: Send + Sync {
    /// Outbox events with an id above `after`, in id order, at most `limit`.
    async fn outbox_after(&self, after: i64, limit: u32) -> StoreResult<Vec<OutboxEvent>>;
    /// The highest outbox id written so far (0 when none).
    async fn outbox_head(&self) -> StoreResult<i64>;
    /// Products for sale (listed, merchant active) with ids above `after`, in id order.
    async fn catalog_for_sale(&self, after: Option<ProductId>, limit: u32) -> StoreResult<Vec<CatalogEntry>>;
    /// These products, whatever their state; missing ids are simply absent.
    async fn catalog_entries(&self, ids: &[ProductId]) -> StoreResult<Vec<CatalogEntry>>;
    /// Every product of these merchants, whatever its state.
    async fn catalog_of_merchants(&self, merchants: &[MerchantId]) -> StoreResult<Vec<CatalogEntry>>;
    /// The products on these orders (their stock changed with the order).
    async fn order_products(&self, orders: &[OrderId]) -> StoreResult<Vec<ProductId>>;
}
