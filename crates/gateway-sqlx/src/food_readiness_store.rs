//! The Decree 248 readiness checklist's store (`FoodReadinessStore`): the same SQL on
//! both engines.

use crate::engine::{Engine, SqlStore};
use crate::rows::ProductRow;
use crate::sql::sql;
use crate::{backend, map_err};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::food_registration::StepId;
use gateway_core::{MerchantId, UserId};
use gateway_store::*;
use uuid::Uuid;

#[async_trait]
impl<E: Engine> FoodReadinessStore for SqlStore<E> {
    async fn food_readiness_data(&self, merchant: MerchantId) -> StoreResult<FoodReadinessData> {
        // One transaction, so that the products and the confirmations are
        // read from the same state.
        let mut tx = self.reads().begin().await.map_err(backend)?;
        let rows: Vec<ProductRow> = sql(concat!(crate::product_select!(), "WHERE p.merchant_id = $1 ORDER BY p.id"))
            .bind(merchant.as_uuid())
            .fetch_all(&mut *tx)
            .await
            .map_err(backend)?;
        let acks: Vec<(String, Uuid, DateTime<Utc>)> =
            sql("SELECT step, acknowledged_by, acknowledged_at FROM food_readiness_acks WHERE merchant_id = $1")
                .bind(merchant.as_uuid())
                .fetch_all(&mut *tx)
                .await
                .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        let products = rows.into_iter().map(Product::try_from).collect::<StoreResult<Vec<_>>>()?;
        let mut acks = acks
            .into_iter()
            .map(|(step, by, at)| {
                Ok(ReadinessAck {
                    merchant_id: merchant,
                    step: StoreError::decode("food_readiness_acks.step", StepId::parse(&step))?,
                    acknowledged_by: UserId::from_uuid(by),
                    acknowledged_at: at,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        acks.sort_by_key(|a| StepId::ALL.iter().position(|s| *s == a.step));
        Ok(FoodReadinessData { products, acks })
    }

    async fn set_readiness_ack(&self, ack: ReadinessAck, confirmed: bool) -> StoreResult<()> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let found: Option<(Uuid,)> = sql("SELECT id FROM merchants WHERE id = $1")
            .bind(ack.merchant_id.as_uuid())
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        let query = if confirmed {
            sql("INSERT INTO food_readiness_acks (merchant_id, step, acknowledged_by, acknowledged_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (merchant_id, step) DO NOTHING")
            .bind(ack.merchant_id.as_uuid())
            .bind(ack.step.as_str())
            .bind(ack.acknowledged_by.as_uuid())
            .bind(ack.acknowledged_at)
        } else {
            sql("DELETE FROM food_readiness_acks WHERE merchant_id = $1 AND step = $2")
                .bind(ack.merchant_id.as_uuid())
                .bind(ack.step.as_str())
        };
        query.execute(&mut *tx).await.map_err(|e| map_err(e, "food_readiness_acks"))?;
        tx.commit().await.map_err(backend)?;
        Ok(())
    }
}
