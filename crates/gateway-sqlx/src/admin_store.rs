//! The operator console's queries (`AdminStore`): the same SQL on both engines.

use crate::buy_rows::*;
use crate::engine::{Engine, SqlStore};
use crate::listing_store::RecheckScope;
use crate::rows::*;
use crate::sql::sql;
use crate::{backend, fetch_limit};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::Cny;
use gateway_core::freight::FreightRates;
use gateway_core::merchant::MerchantStatus;
use gateway_core::order::OrderStatus;
use gateway_core::positive_list::{HsPrefix, PositiveListEntry};
use gateway_core::tax_class::TaxClass;
use gateway_store::*;

#[async_trait]
impl<E: Engine> AdminStore for SqlStore<E> {
    async fn update_tax_class(&self, class: TaxClass, at: DateTime<Utc>) -> StoreResult<TaxClassUpdate> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let (per_unit, per_piece) = match class.ct_threshold {
            Some(t) => (Some(t.per_g_or_ml.minor()), Some(t.per_piece.minor())),
            None => (None, None),
        };
        let updated = sql("UPDATE tax_classes SET name_en = $1, name_zh = $2, vat_ppm = $3, ct_ppm = $4, \
             ct_threshold_per_unit_fen = $5, ct_threshold_per_piece_fen = $6, mfn_duty_ppm = $7, \
             food = $8, positive_list = $9 WHERE code = $10")
        .bind(&class.name_en)
        .bind(&class.name_zh)
        .bind(class.vat_ppm)
        .bind(class.ct_ppm)
        .bind(per_unit)
        .bind(per_piece)
        .bind(class.mfn_duty_ppm)
        .bind(class.food)
        .bind(class.positive_list)
        .bind(&class.code)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if updated == 0 {
            return Err(StoreError::NotFound);
        }
        let changed = Self::recheck_listings(&mut tx, RecheckScope::TaxClass(&class.code), at).await?;
        let row: TaxClassRow =
            sql(concat!("SELECT ", crate::tax_class_columns!(), " FROM tax_classes WHERE code = $1"))
                .bind(&class.code)
                .fetch_one(&mut *tx)
                .await
                .map_err(backend)?;
        let payload = serde_json::json!({ "code": class.code }).to_string();
        Self::insert_outbox(&mut tx, TAX_CLASS_UPDATED, uuid::Uuid::nil(), payload, at).await?;
        tx.commit().await.map_err(backend)?;
        Ok(TaxClassUpdate { class: TaxClass::from(row), products_changed: changed })
    }

    async fn positive_list(&self) -> StoreResult<Vec<PositiveListEntry>> {
        let mut conn = self.reads().acquire().await.map_err(backend)?;
        Self::load_positive_list(&mut conn).await
    }

    async fn put_positive_list_entry(&self, e: PositiveListEntry, at: DateTime<Utc>) -> StoreResult<u64> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let class_exists: Option<String> = sql("SELECT code FROM tax_classes WHERE code = $1")
            .bind(&e.tax_class)
            .fetch_optional_scalar(&mut *tx)
            .await
            .map_err(backend)?;
        if class_exists.is_none() {
            return Err(StoreError::NotFound);
        }
        sql("INSERT INTO positive_list (hs_prefix, tax_class, bonded_only, annual_cap_g, description_en, \
             description_zh, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (hs_prefix) DO UPDATE SET tax_class = excluded.tax_class, \
             bonded_only = excluded.bonded_only, annual_cap_g = excluded.annual_cap_g, \
             description_en = excluded.description_en, description_zh = excluded.description_zh, \
             updated_at = excluded.updated_at")
        .bind(e.hs_prefix.as_str())
        .bind(&e.tax_class)
        .bind(e.bonded_only)
        .bind(e.annual_cap_g)
        .bind(&e.description_en)
        .bind(&e.description_zh)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        let changed = Self::recheck_listings(&mut tx, RecheckScope::HsPrefix(e.hs_prefix.as_str()), at).await?;
        tx.commit().await.map_err(backend)?;
        Ok(changed)
    }

    async fn delete_positive_list_entry(&self, prefix: &HsPrefix, at: DateTime<Utc>) -> StoreResult<u64> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let deleted = sql("DELETE FROM positive_list WHERE hs_prefix = $1")
            .bind(prefix.as_str())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        let changed = Self::recheck_listings(&mut tx, RecheckScope::HsPrefix(prefix.as_str()), at).await?;
        tx.commit().await.map_err(backend)?;
        Ok(changed)
    }

    async fn recheck_all_listings(&self, at: DateTime<Utc>) -> StoreResult<u64> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let changed = Self::recheck_listings(&mut tx, RecheckScope::All, at).await?;
        tx.commit().await.map_err(backend)?;
        Ok(changed)
    }

    async fn freight_settings(&self) -> StoreResult<FreightSettings> {
        let (first, further, bonded, updated_at): (i64, i64, i64, DateTime<Utc>) =
            sql("SELECT direct_first_500g_fen, direct_each_further_500g_fen, bonded_flat_fen, updated_at \
             FROM freight_rates WHERE id = 1")
            .fetch_one(self.reads())
            .await
            .map_err(backend)?;
        Ok(FreightSettings {
            rates: FreightRates {
                direct_first_500g: Cny::from_minor(first),
                direct_each_further_500g: Cny::from_minor(further),
                bonded_flat: Cny::from_minor(bonded),
            },
            updated_at,
        })
    }

    async fn set_freight_rates(&self, rates: FreightRates, at: DateTime<Utc>) -> StoreResult<FreightSettings> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let changed = sql("UPDATE freight_rates SET direct_first_500g_fen = $1, direct_each_further_500g_fen = $2, \
             bonded_flat_fen = $3, updated_at = $4 WHERE id = 1")
        .bind(rates.direct_first_500g.minor())
        .bind(rates.direct_each_further_500g.minor())
        .bind(rates.bonded_flat.minor())
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if changed == 0 {
            // The migration seeds the one row; without it the database is broken.
            return Err(StoreError::NotFound);
        }
        let payload = serde_json::json!({
            "direct_first_500g_fen": rates.direct_first_500g.minor(),
            "direct_each_further_500g_fen": rates.direct_each_further_500g.minor(),
            "bonded_flat_fen": rates.bonded_flat.minor(),
        })
        .to_string();
        Self::insert_outbox(&mut tx, FREIGHT_RATES_SET, uuid::Uuid::nil(), payload, at).await?;
        tx.commit().await.map_err(backend)?;
        Ok(FreightSettings { rates, updated_at: at })
    }

    async fn all_orders(&self, status: Option<OrderStatus>, page: PageRequest) -> StoreResult<Page<Order>> {
        let mut conn = self.reads().acquire().await.map_err(backend)?;
        let rows: Vec<OrderRow> = sql(concat!(
            crate::order_select!(),
            "WHERE ($1 IS NULL OR o.status = $1) AND ($2 IS NULL OR o.id < $2) ORDER BY o.id DESC LIMIT $3"
        ))
        .bind(status.map(OrderStatus::as_str))
        .bind(page.after)
        .bind(fetch_limit(page.limit))
        .fetch_all(&mut *conn)
        .await
        .map_err(backend)?;
        let orders = Self::fetch_orders(&mut conn, rows).await?;
        Ok(Page::from_rows(orders, page.limit, |o| o.id.as_uuid()))
    }

    async fn order_counts(&self) -> StoreResult<Vec<(OrderStatus, i64)>> {
        let rows: Vec<(String, i64)> = sql("SELECT status, COUNT(*) FROM orders GROUP BY status ORDER BY status")
            .fetch_all(self.reads())
            .await
            .map_err(backend)?;
        rows.into_iter()
            .map(|(status, n)| Ok((StoreError::decode("orders.status", OrderStatus::parse(&status))?, n)))
            .collect()
    }

    async fn merchant_counts(&self) -> StoreResult<Vec<(MerchantStatus, i64)>> {
        let rows: Vec<(String, i64)> = sql("SELECT status, COUNT(*) FROM merchants GROUP BY status ORDER BY status")
            .fetch_all(self.reads())
            .await
            .map_err(backend)?;
        rows.into_iter()
            .map(|(status, n)| Ok((StoreError::decode("merchants.status", MerchantStatus::parse(&status))?, n)))
            .collect()
    }
}
