//! Product imports (SPEC 7): finding a merchant's product by SKU, and keeping an
//! uploaded file between its preview and its apply.
//!
//! Why the file is kept in the database: a merchant previews on one server and may
//! apply on another (several `gateway serve` behind one balancer share one
//! database, and the web tier keeps no state of its own). The bytes are stored once,
//! bounded by the app's size limit, and deleted when applied; saving a new import
//! deletes the ones older than a day, so an abandoned preview does not linger.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::{ImportId, MerchantId, UserId};

use crate::{Product, StoreResult};

/// An uploaded file awaiting its apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductImport {
    pub id: ImportId,
    pub merchant_id: MerchantId,
    pub created_by: UserId,
    /// `shopify`.
    pub format: String,
    pub bytes: Vec<u8>,
    pub created_at: DateTime<Utc>,
}

#[async_trait]
pub trait ImportStore: Send + Sync {
    /// The merchant's product with this SKU, if any.
    async fn product_by_sku(&self, merchant: MerchantId, sku: &str) -> StoreResult<Option<Product>>;
    /// Saves an upload, and deletes every upload created before `expire_before`.
    async fn save_product_import(&self, import: ProductImport, expire_before: DateTime<Utc>) -> StoreResult<()>;
    /// The upload `id` of `merchant`; None when unknown, applied, expired or another's.
    async fn product_import(&self, merchant: MerchantId, id: ImportId) -> StoreResult<Option<ProductImport>>;
    /// Deletes an upload; true when it was there (so of two applies at once, one wins).
    async fn delete_product_import(&self, merchant: MerchantId, id: ImportId) -> StoreResult<bool>;
}
