//! Merchants and their approval (`MerchantStore`).

use crate::engine::{Engine, SqlStore};
use crate::rows::*;
use crate::sql::{Sql, Value, sql};
use crate::{backend, fetch_limit, map_err};
use async_trait::async_trait;
use gateway_core::merchant::MerchantStatus;
use gateway_core::{MerchantId, UserId};
use gateway_store::*;

/// The profile's columns in `merchant_columns!` order, `legal_name` to `story_zh`:
/// signing up and editing bind them alike.
pub(crate) fn profile_values(p: &MerchantProfile) -> [Value<'_>; 13] {
    [
        (&p.legal_name).into(),
        (&p.display_name_en).into(),
        (&p.display_name_zh).into(),
        p.kind.as_str().into(),
        p.state.as_str().into(),
        (&p.city).into(),
        (&p.zip).into(),
        p.employees.into(),
        p.exported_before.into(),
        p.fulfilment.as_str().into(),
        (&p.food_registration_no).into(),
        (&p.story_en).into(),
        (&p.story_zh).into(),
    ]
}

#[async_trait]
impl<E: Engine> MerchantStore for SqlStore<E> {
    async fn create_merchant(&self, m: NewMerchant) -> StoreResult<Merchant> {
        let row: MerchantRow = sql(concat!(
            "INSERT INTO merchants (",
            crate::merchant_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING ",
            crate::merchant_columns!()
        ))
        .bind(m.id.as_uuid())
        .bind(m.owner_id.as_uuid())
        .bind_all(profile_values(&m.profile))
        .bind(MerchantStatus::Pending.as_str())
        .bind(m.created_at)
        .fetch_one(&mut *self.writer().await.map_err(backend)?)
        .await
        .map_err(|e| map_err(e, "owner"))?;
        Merchant::try_from(row)
    }

    async fn merchant(&self, id: MerchantId) -> StoreResult<Option<Merchant>> {
        let row: Option<MerchantRow> =
            sql(concat!("SELECT ", crate::merchant_columns!(), " FROM merchants WHERE id = $1"))
                .bind(id.as_uuid())
                .fetch_optional(self.reads())
                .await
                .map_err(backend)?;
        row.map(Merchant::try_from).transpose()
    }

    async fn merchants_by_ids(&self, ids: &[MerchantId]) -> StoreResult<Vec<Merchant>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let text = format!(
            concat!("SELECT ", crate::merchant_columns!(), " FROM merchants WHERE id IN ({})"),
            crate::buy_rows::placeholders(1, ids.len())
        );
        let mut query = Sql::new(sqlx::AssertSqlSafe(text));
        for id in ids {
            query = query.bind(id.as_uuid());
        }
        let rows: Vec<MerchantRow> = query.fetch_all(self.reads()).await.map_err(backend)?;
        rows.into_iter().map(Merchant::try_from).collect()
    }

    async fn update_merchant(&self, m: Merchant) -> StoreResult<Merchant> {
        let now = gateway_core::clock::now();
        let mut tx = self.begin_write().await.map_err(backend)?;
        let row: Option<MerchantRow> = sql(concat!(
            "UPDATE merchants SET legal_name = $1, display_name_en = $2, display_name_zh = $3, kind = $4, \
             state = $5, city = $6, zip = $7, employees = $8, exported_before = $9, fulfilment = $10, \
             food_registration_no = $11, story_en = $12, story_zh = $13, updated_at = $14 \
             WHERE id = $15 RETURNING ",
            crate::merchant_columns!()
        ))
        .bind_all(profile_values(&m.profile))
        .bind(now)
        .bind(m.id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        let merchant = row.map(Merchant::try_from).transpose()?.ok_or(StoreError::NotFound)?;
        Self::insert_outbox(&mut tx, "merchant.updated", m.id.as_uuid(), merchant_event(&merchant), now).await?;
        let scope = crate::listing_store::RecheckScope::Merchant(m.id.as_uuid());
        Self::recheck_listings(&mut tx, scope, now).await?;
        tx.commit().await.map_err(backend)?;
        Ok(merchant)
    }

    async fn merchant_by_owner(&self, owner: UserId) -> StoreResult<Option<Merchant>> {
        let row: Option<MerchantRow> =
            sql(concat!("SELECT ", crate::merchant_columns!(), " FROM merchants WHERE owner_id = $1"))
                .bind(owner.as_uuid())
                .fetch_optional(self.reads())
                .await
                .map_err(backend)?;
        row.map(Merchant::try_from).transpose()
    }

    async fn set_merchant_status(
        &self,
        id: MerchantId,
        from: MerchantStatus,
        to: MerchantStatus,
    ) -> StoreResult<Merchant> {
        let now = gateway_core::clock::now();
        let mut tx = self.begin_write().await.map_err(backend)?;
        let row: Option<MerchantRow> = sql(concat!(
            "UPDATE merchants SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4 RETURNING ",
            crate::merchant_columns!()
        ))
        .bind(to.as_str())
        .bind(now)
        .bind(id.as_uuid())
        .bind(from.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        let Some(row) = row else {
            drop(tx);
            return match self.merchant(id).await? {
                Some(_) => Err(StoreError::Stale),
                None => Err(StoreError::NotFound),
            };
        };
        let merchant = Merchant::try_from(row)?;
        // Every product of the merchant goes on or off sale with it.
        Self::insert_outbox(&mut tx, "merchant.status_changed", id.as_uuid(), merchant_event(&merchant), now).await?;
        tx.commit().await.map_err(backend)?;
        Ok(merchant)
    }

    async fn list_merchants(&self, status: Option<MerchantStatus>, page: PageRequest) -> StoreResult<Page<Merchant>> {
        let rows: Vec<MerchantRow> = sql(concat!(
            "SELECT ",
            crate::merchant_columns!(),
            " FROM merchants WHERE ($1 IS NULL OR status = $1) AND ($2 IS NULL OR id > $2) \
             ORDER BY id LIMIT $3"
        ))
        .bind(status.map(MerchantStatus::as_str))
        .bind(page.after)
        .bind(fetch_limit(page.limit))
        .fetch_all(self.reads())
        .await
        .map_err(backend)?;
        let merchants = rows.into_iter().map(Merchant::try_from).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_rows(merchants, page.limit, |m| m.id.as_uuid()))
    }
}
