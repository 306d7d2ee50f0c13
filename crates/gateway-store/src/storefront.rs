//! What the storefront's pages read beyond single records: the newest products for
//! sale, and how many are for sale from each US state. Kept apart from the other
//! traits because the pages, not the API, need them.

use async_trait::async_trait;
use gateway_core::merchant::UsState;

use crate::{Product, StoreResult};

/// How many products are for sale from the merchants of one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateCount {
    pub state: UsState,
    pub products: i64,
}

#[async_trait]
pub trait StorefrontStore: Send + Sync {
    /// Up to `limit` products for sale (listed, of an active merchant), newest first
    /// (ids are UUIDv7, so id order is creation order).
    async fn newest_for_sale(&self, limit: u32) -> StoreResult<Vec<Product>>;
    /// The states with at least one product for sale, by state code.
    async fn for_sale_by_state(&self) -> StoreResult<Vec<StateCount>>;
}
