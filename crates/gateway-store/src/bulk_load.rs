//! Bulk loading (`gateway seed`): many rows written in few round trips, bypassing the
//! one-use-case-per-transaction methods, for synthetic catalogs of millions of rows.
//!
//! The caller builds every row the way the use cases would (listing verdict, password
//! hash, sealed identity), so what is loaded is indistinguishable from data made
//! through the API. What the loader skips is the outbox: one product event per row
//! would be millions of rows nobody needs. Instead the load ends with a single
//! `catalog.reloaded` event, and every server's search follower rebuilds its index
//! from the catalog when it reads it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::merchant::MerchantStatus;

use crate::{IdentityRecord, NewMerchant, NewProduct, NewUser, StoreResult};

/// The outbox topic that asks every search index for a rebuild from the catalog.
pub const CATALOG_RELOADED: &str = "catalog.reloaded";

/// A merchant as loaded: its profile and the status it already has (an approved
/// merchant is loaded active, not pending then approved).
#[derive(Debug, Clone)]
pub struct BulkMerchant {
    pub merchant: NewMerchant,
    pub status: MerchantStatus,
}

/// One batch, written in one transaction, in the order the foreign keys need: users,
/// merchants, products, identities.
#[derive(Debug, Clone, Default)]
pub struct BulkBatch {
    pub users: Vec<NewUser>,
    pub merchants: Vec<BulkMerchant>,
    pub products: Vec<NewProduct>,
    pub identities: Vec<IdentityRecord>,
}

impl BulkBatch {
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.merchants.is_empty() && self.products.is_empty() && self.identities.is_empty()
    }
}

#[async_trait]
pub trait BulkLoadStore: Send + Sync {
    /// Writes the batch in one transaction (PostgreSQL: COPY; SQLite: multi-row
    /// INSERTs). A batch may commit without waiting for its WAL flush: only
    /// [`Self::bulk_load_finished`] promises durability, for every batch before it.
    async fn bulk_load(&self, batch: &BulkBatch) -> StoreResult<()>;
    /// Ends a load: writes the `catalog.reloaded` outbox event with `payload`,
    /// committed durably (which makes the batches before it durable too), and
    /// refreshes the planner's statistics of the loaded tables.
    async fn bulk_load_finished(&self, payload: String, at: DateTime<Utc>) -> StoreResult<()>;
}
