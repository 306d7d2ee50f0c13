//! The search index's feed: the outbox read as a log, and catalog entries.

use crate::backend;
use crate::buy_rows::placeholders;
use crate::engine::{Engine, SqlStore};
use crate::rows::*;
use crate::sql::{Sql, sql};
use async_trait::async_trait;
use gateway_core::{MerchantId, OrderId, ProductId};
use gateway_store::*;

#[macro_export]
#[doc(hidden)]
macro_rules! catalog_select {
    () => {
        "SELECT p.id, p.merchant_id, p.sku, p.title_en, p.title_zh, p.description_en, p.description_zh, \
         p.tax_class, p.hs_code, p.origin_country, p.price_usd_cents, p.weight_g, p.net_content_milli, \
         p.net_content_unit, p.stock, p.status, p.problems, p.annual_cap_prefix, p.annual_cap_g, p.version, \
         p.created_at, p.updated_at, \
         m.status AS merchant_status, m.state AS merchant_state, m.display_name_en AS merchant_name_en, \
         m.display_name_zh AS merchant_name_zh, m.fulfilment AS merchant_fulfilment \
         FROM products p JOIN merchants m ON m.id = p.merchant_id "
    };
}

/// Id lists are bound in chunks of this many, well under both engines' limits on
/// bound parameters.
pub const ID_CHUNK: usize = 500;

impl<E: Engine> SqlStore<E> {
    /// Catalog entries whose `column` is one of `ids`, chunk by chunk.
    pub(crate) async fn catalog_where_in(
        &self,
        column: &'static str,
        ids: Vec<uuid::Uuid>,
    ) -> StoreResult<Vec<CatalogEntry>> {
        let mut entries = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ID_CHUNK) {
            let text = format!(
                "{} WHERE {column} IN ({}) ORDER BY p.id",
                crate::catalog_select!(),
                placeholders(1, chunk.len())
            );
            let mut query = Sql::new(sqlx::AssertSqlSafe(text));
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all::<CatalogRow, _>(self.reads()).await.map_err(backend)? {
                entries.push(CatalogEntry::try_from(row)?);
            }
        }
        Ok(entries)
    }
}

#[async_trait]
impl<E: Engine> SearchFeedStore for SqlStore<E> {
    async fn outbox_after(&self, after: i64, limit: u32) -> StoreResult<Vec<OutboxEvent>> {
        let rows: Vec<OutboxRow> = sql("SELECT id, topic, aggregate_id, payload, created_at FROM outbox \
             WHERE id > $1 ORDER BY id LIMIT $2")
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(self.reads())
        .await
        .map_err(backend)?;
        Ok(rows.into_iter().map(OutboxEvent::from).collect())
    }

    async fn outbox_head(&self) -> StoreResult<i64> {
        let head: Option<i64> = sql("SELECT MAX(id) FROM outbox").fetch_scalar(self.reads()).await.map_err(backend)?;
        Ok(head.unwrap_or(0))
    }

    async fn catalog_for_sale(&self, after: Option<ProductId>, limit: u32) -> StoreResult<Vec<CatalogEntry>> {
        let rows: Vec<CatalogRow> = sql(concat!(
            crate::catalog_select!(),
            "WHERE p.status = 'listed' AND m.status = 'active' AND p.id > $1 ORDER BY p.id LIMIT $2"
        ))
        // The first page starts after the nil id (below every UUIDv7) rather
        // than at `$1 IS NULL OR …`: a generic plan of that OR cannot use the
        // primary key's range, and scanned a million-row table per page.
        .bind(after.map_or(uuid::Uuid::nil(), |id| id.as_uuid()))
        .bind(i64::from(limit))
        .fetch_all(self.reads())
        .await
        .map_err(backend)?;
        rows.into_iter().map(CatalogEntry::try_from).collect()
    }

    async fn catalog_entries(&self, ids: &[ProductId]) -> StoreResult<Vec<CatalogEntry>> {
        self.catalog_where_in("p.id", ids.iter().map(|id| id.as_uuid()).collect()).await
    }

    async fn catalog_of_merchants(&self, merchants: &[MerchantId]) -> StoreResult<Vec<CatalogEntry>> {
        self.catalog_where_in("p.merchant_id", merchants.iter().map(|id| id.as_uuid()).collect()).await
    }

    async fn order_products(&self, orders: &[OrderId]) -> StoreResult<Vec<ProductId>> {
        let mut products = Vec::new();
        for chunk in orders.chunks(ID_CHUNK) {
            let text = format!(
                "SELECT DISTINCT product_id FROM order_lines WHERE order_id IN ({})",
                placeholders(1, chunk.len())
            );
            let mut query = Sql::new(sqlx::AssertSqlSafe(text));
            for id in chunk {
                query = query.bind(id.as_uuid());
            }
            let ids = query.fetch_scalars::<uuid::Uuid, _>(self.reads()).await.map_err(backend)?;
            products.extend(ids.into_iter().map(ProductId::from_uuid));
        }
        Ok(products)
    }
}
