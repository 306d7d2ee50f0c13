//! Product imports (`ImportStore`): the same SQL on both engines.

use crate::backend;
use crate::engine::{Engine, SqlStore};
use crate::rows::ProductRow;
use crate::sql::sql;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::{ImportId, MerchantId, UserId};
use gateway_store::*;
use uuid::Uuid;

#[async_trait]
impl<E: Engine> ImportStore for SqlStore<E> {
    async fn product_by_sku(&self, merchant: MerchantId, sku: &str) -> StoreResult<Option<Product>> {
        let row: Option<ProductRow> = sql(concat!(crate::product_select!(), "WHERE p.merchant_id = $1 AND p.sku = $2"))
            .bind(merchant.as_uuid())
            .bind(sku)
            .fetch_optional(self.reads())
            .await
            .map_err(backend)?;
        row.map(Product::try_from).transpose()
    }

    async fn save_product_import(&self, import: ProductImport, expire_before: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        sql("DELETE FROM product_imports WHERE created_at < $1")
            .bind(expire_before)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        sql("INSERT INTO product_imports (id, merchant_id, created_by, format, size_bytes, bytes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(import.id.as_uuid())
        .bind(import.merchant_id.as_uuid())
        .bind(import.created_by.as_uuid())
        .bind(&import.format)
        .bind(i64::try_from(import.bytes.len()).unwrap_or(i64::MAX))
        .bind(&import.bytes)
        .bind(import.created_at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }

    async fn product_import(&self, merchant: MerchantId, id: ImportId) -> StoreResult<Option<ProductImport>> {
        let row: Option<(Uuid, Uuid, Uuid, String, Vec<u8>, DateTime<Utc>)> =
            sql("SELECT id, merchant_id, created_by, format, bytes, created_at FROM product_imports \
             WHERE id = $1 AND merchant_id = $2")
            .bind(id.as_uuid())
            .bind(merchant.as_uuid())
            .fetch_optional(self.reads())
            .await
            .map_err(backend)?;
        Ok(row.map(|(id, merchant_id, created_by, format, bytes, created_at)| ProductImport {
            id: ImportId::from_uuid(id),
            merchant_id: MerchantId::from_uuid(merchant_id),
            created_by: UserId::from_uuid(created_by),
            format,
            bytes,
            created_at,
        }))
    }

    async fn delete_product_import(&self, merchant: MerchantId, id: ImportId) -> StoreResult<bool> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let done = sql("DELETE FROM product_imports WHERE id = $1 AND merchant_id = $2")
            .bind(id.as_uuid())
            .bind(merchant.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(done == 1)
    }
}
