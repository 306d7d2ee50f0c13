//! What the merchant portal reads beyond single records: a merchant's orders in one
//! status (the queue of orders to ship), and the figures of its sales summary. Kept
//! apart from `OrderStore` because the portal's pages, not the API, need them.
//!
//! Goods value here is in US cents, from what each order line kept at checkout:
//! `unit_price_usd_cents × quantity` (the price the merchant set, whatever the rate).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::order::OrderStatus;
use gateway_core::product::ProductStatus;
use gateway_core::{MerchantId, OrderId, ProductId};

use crate::{Order, Page, PageRequest, StoreResult};

/// A merchant's orders in one status: how many, how many units, what goods value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusSales {
    pub status: OrderStatus,
    pub orders: i64,
    pub units: i64,
    pub goods_usd_cents: i64,
}

/// One order, reduced to what the monthly figures need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderSales {
    pub id: OrderId,
    pub status: OrderStatus,
    pub created_at: DateTime<Utc>,
    pub units: i64,
    pub goods_usd_cents: i64,
}

/// One product's sales over a merchant's standing orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductSales {
    pub product_id: ProductId,
    /// Orders holding the product.
    pub orders: i64,
    pub units: i64,
    pub goods_usd_cents: i64,
}

/// What the export-ready checklist reads of one product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductReadiness {
    pub status: ProductStatus,
    pub tax_class: String,
    pub hs_code: String,
    /// It has a Chinese title (not blank).
    pub has_title_zh: bool,
}

/// What the export-ready checklist reads of one merchant beyond its profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportData {
    pub merchant_id: MerchantId,
    /// Its products, in id order.
    pub products: Vec<ProductReadiness>,
    /// Its orders that left it: shipped, delivered, or returned after delivery.
    pub orders_shipped: i64,
}

#[async_trait]
pub trait MerchantPortalStore: Send + Sync {
    /// The merchant's orders in `status`, a page at a time by id: oldest first when
    /// `oldest_first` (the queue of orders to ship: who waited longest comes first),
    /// else newest first.
    async fn merchant_orders_in_status(
        &self,
        merchant: MerchantId,
        status: OrderStatus,
        oldest_first: bool,
        page: PageRequest,
    ) -> StoreResult<Page<Order>>;

    /// The merchant's orders grouped by status, one entry per status it has orders
    /// in, by status code.
    async fn sales_by_status(&self, merchant: MerchantId) -> StoreResult<Vec<StatusSales>>;

    /// The merchant's orders placed at or after `since`, oldest first.
    async fn order_sales_since(&self, merchant: MerchantId, since: DateTime<Utc>) -> StoreResult<Vec<OrderSales>>;

    /// The merchant's `limit` best-selling products by goods value, over its standing
    /// orders (neither cancelled nor returned); ties by more units, then product id.
    async fn top_products(&self, merchant: MerchantId, limit: u32) -> StoreResult<Vec<ProductSales>>;

    /// The export-ready data of each of `merchants` (in the order given; a merchant
    /// without products or orders has empty data): two queries for any number of
    /// merchants, so the operator's aggregate reads a page of merchants at a time.
    async fn export_data(&self, merchants: &[MerchantId]) -> StoreResult<Vec<ExportData>>;
}
