//! What the Decree 248 readiness checklist reads and writes: a merchant's products
//! and the checklist steps its owner confirmed (`food_readiness_acks`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::food_registration::StepId;
use gateway_core::{MerchantId, UserId};

use crate::{Product, StoreResult};

/// A step of the checklist the merchant's owner confirmed, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadinessAck {
    pub merchant_id: MerchantId,
    pub step: StepId,
    pub acknowledged_by: UserId,
    pub acknowledged_at: DateTime<Utc>,
}

/// Everything the checklist is computed from, read in one transaction.
#[derive(Debug, Clone)]
pub struct FoodReadinessData {
    /// Every product of the merchant, in id order.
    pub products: Vec<Product>,
    /// Its confirmed steps, in step order.
    pub acks: Vec<ReadinessAck>,
}

#[async_trait]
pub trait FoodReadinessStore: Send + Sync {
    async fn food_readiness_data(&self, merchant: MerchantId) -> StoreResult<FoodReadinessData>;
    /// Records the confirmation (again: keeps the first one), or with `confirmed` false
    /// withdraws it. `NotFound` when the merchant does not exist.
    async fn set_readiness_ack(&self, ack: ReadinessAck, confirmed: bool) -> StoreResult<()>;
}
