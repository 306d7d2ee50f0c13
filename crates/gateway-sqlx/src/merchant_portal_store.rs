//! The merchant portal's queries (`MerchantPortalStore`): the same SQL on both
//! engines. Sums are cast to BIGINT because PostgreSQL's SUM of a bigint is a numeric.

use crate::backend;
use crate::buy_rows::OrderRow;
use crate::engine::{Engine, SqlStore};
use crate::sql::{Sql, sql};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::order::OrderStatus;
use gateway_core::{MerchantId, OrderId, ProductId};
use gateway_store::*;
use uuid::Uuid;

fn status(text: &str) -> StoreResult<OrderStatus> {
    StoreError::decode("orders.status", OrderStatus::parse(text))
}

#[async_trait]
impl<E: Engine> MerchantPortalStore for SqlStore<E> {
    async fn merchant_orders_in_status(
        &self,
        merchant: MerchantId,
        status: OrderStatus,
        oldest_first: bool,
        page: PageRequest,
    ) -> StoreResult<Page<Order>> {
        let text = if oldest_first {
            concat!(
                crate::order_select!(),
                "WHERE o.merchant_id = $1 AND o.status = $2 AND ($3 IS NULL OR o.id > $3) \
                 ORDER BY o.id LIMIT $4"
            )
        } else {
            concat!(
                crate::order_select!(),
                "WHERE o.merchant_id = $1 AND o.status = $2 AND ($3 IS NULL OR o.id < $3) \
                 ORDER BY o.id DESC LIMIT $4"
            )
        };
        let mut conn = self.reads().acquire().await.map_err(backend)?;
        let rows: Vec<OrderRow> = sql(text)
            .bind(merchant.as_uuid())
            .bind(status.as_str())
            .bind(page.after)
            .bind(crate::fetch_limit(page.limit))
            .fetch_all(&mut *conn)
            .await
            .map_err(backend)?;
        let orders = Self::fetch_orders(&mut conn, rows).await?;
        Ok(Page::from_rows(orders, page.limit, |o| o.id.as_uuid()))
    }

    async fn sales_by_status(&self, merchant: MerchantId) -> StoreResult<Vec<StatusSales>> {
        let rows: Vec<(String, i64, i64, i64)> =
            sql("SELECT o.status, COUNT(DISTINCT o.id), CAST(SUM(l.quantity) AS BIGINT), \
             CAST(SUM(l.quantity * l.unit_price_usd_cents) AS BIGINT) \
             FROM orders o JOIN order_lines l ON l.order_id = o.id \
             WHERE o.merchant_id = $1 GROUP BY o.status ORDER BY o.status")
            .bind(merchant.as_uuid())
            .fetch_all(self.reads())
            .await
            .map_err(backend)?;
        rows.into_iter()
            .map(|(s, orders, units, goods_usd_cents)| {
                Ok(StatusSales { status: status(&s)?, orders, units, goods_usd_cents })
            })
            .collect()
    }

    async fn order_sales_since(&self, merchant: MerchantId, since: DateTime<Utc>) -> StoreResult<Vec<OrderSales>> {
        let rows: Vec<(Uuid, String, DateTime<Utc>, i64, i64)> =
            sql("SELECT o.id, o.status, o.created_at, CAST(SUM(l.quantity) AS BIGINT), \
             CAST(SUM(l.quantity * l.unit_price_usd_cents) AS BIGINT) \
             FROM orders o JOIN order_lines l ON l.order_id = o.id \
             WHERE o.merchant_id = $1 AND o.created_at >= $2 \
             GROUP BY o.id, o.status, o.created_at ORDER BY o.created_at, o.id")
            .bind(merchant.as_uuid())
            .bind(since)
            .fetch_all(self.reads())
            .await
            .map_err(backend)?;
        rows.into_iter()
            .map(|(id, s, created_at, units, goods_usd_cents)| {
                Ok(OrderSales { id: OrderId::from_uuid(id), status: status(&s)?, created_at, units, goods_usd_cents })
            })
            .collect()
    }

    async fn top_products(&self, merchant: MerchantId, limit: u32) -> StoreResult<Vec<ProductSales>> {
        let rows: Vec<(Uuid, i64, i64, i64)> =
            sql("SELECT l.product_id, COUNT(DISTINCT o.id), CAST(SUM(l.quantity) AS BIGINT) AS units, \
             CAST(SUM(l.quantity * l.unit_price_usd_cents) AS BIGINT) AS goods \
             FROM orders o JOIN order_lines l ON l.order_id = o.id \
             WHERE o.merchant_id = $1 AND o.status NOT IN ('cancelled', 'returned') \
             GROUP BY l.product_id ORDER BY goods DESC, units DESC, l.product_id LIMIT $2")
            .bind(merchant.as_uuid())
            .bind(i64::from(limit))
            .fetch_all(self.reads())
            .await
            .map_err(backend)?;
        Ok(rows
            .into_iter()
            .map(|(id, orders, units, goods_usd_cents)| ProductSales {
                product_id: ProductId::from_uuid(id),
                orders,
                units,
                goods_usd_cents,
            })
            .collect())
    }

    async fn export_data(&self, merchants: &[MerchantId]) -> StoreResult<Vec<ExportData>> {
        if merchants.is_empty() {
            return Ok(Vec::new());
        }
        let list = crate::buy_rows::placeholders(1, merchants.len());
        let text = format!(
            "SELECT merchant_id, status, tax_class, hs_code, \
             CASE WHEN TRIM(COALESCE(title_zh, '')) = '' THEN 0 ELSE 1 END \
             FROM products WHERE merchant_id IN ({list}) ORDER BY merchant_id, id"
        );
        let mut query = Sql::new(sqlx::AssertSqlSafe(text));
        for m in merchants {
            query = query.bind(m.as_uuid());
        }
        let products: Vec<(Uuid, String, String, String, i32)> =
            query.fetch_all(self.reads()).await.map_err(backend)?;
        let text = format!(
            "SELECT merchant_id, COUNT(*) FROM orders WHERE merchant_id IN ({list}) \
             AND status IN ('shipped', 'delivered', 'returned') GROUP BY merchant_id"
        );
        let mut query = Sql::new(sqlx::AssertSqlSafe(text));
        for m in merchants {
            query = query.bind(m.as_uuid());
        }
        let shipped: Vec<(Uuid, i64)> = query.fetch_all(self.reads()).await.map_err(backend)?;

        let mut data: Vec<ExportData> = merchants
            .iter()
            .map(|&merchant_id| ExportData { merchant_id, products: Vec::new(), orders_shipped: 0 })
            .collect();
        let index: std::collections::HashMap<Uuid, usize> =
            merchants.iter().enumerate().map(|(i, m)| (m.as_uuid(), i)).collect();
        for (merchant, status, tax_class, hs_code, has_title_zh) in products {
            let Some(&i) = index.get(&merchant) else { continue };
            data[i].products.push(ProductReadiness {
                status: StoreError::decode("products.status", gateway_core::product::ProductStatus::parse(&status))?,
                tax_class,
                hs_code,
                has_title_zh: has_title_zh == 1,
            });
        }
        for (merchant, orders) in shipped {
            if let Some(&i) = index.get(&merchant) {
                data[i].orders_shipped = orders;
            }
        }
        Ok(data)
    }
}
