//! Products (`CatalogStore`) and the FX rate (`FxStore`).

use crate::engine::{DbConn, Engine, SqlStore};
use crate::rows::*;
use crate::sql::{Value, sql};
use crate::{backend, fetch_limit, map_err};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::tax_class::TaxClass;
use gateway_core::{FxRate, MerchantId, ProductId, UserId};
use gateway_store::*;

/// The product's own columns, `sku` to `annual_cap_g`: creating, editing and bulk
/// loading bind them alike.
pub(crate) fn product_values(f: &ProductFields) -> StoreResult<[Value<'_>; 17]> {
    Ok([
        (&f.sku).into(),
        (&f.title_en).into(),
        (&f.title_zh).into(),
        (&f.description_en).into(),
        (&f.description_zh).into(),
        (&f.tax_class).into(),
        (&f.hs_code).into(),
        (&f.origin_country).into(),
        f.price.minor().into(),
        f.weight_g.into(),
        f.net_content_milli.into(),
        f.net_content_unit.as_str().into(),
        f.stock.into(),
        f.status.as_str().into(),
        problems_json(&f.problems)?.into(),
        f.annual_cap.as_ref().map(|c| c.hs_prefix.as_str()).into(),
        f.annual_cap.as_ref().map(|c| c.grams).into(),
    ])
}

impl<E: Engine> SqlStore<E> {
    pub(crate) async fn fetch_product(conn: &mut DbConn<E>, id: ProductId) -> StoreResult<Option<Product>> {
        let row: Option<ProductRow> = sql(concat!(crate::product_select!(), "WHERE p.id = $1"))
            .bind(id.as_uuid())
            .fetch_optional(&mut *conn)
            .await
            .map_err(backend)?;
        row.map(Product::try_from).transpose()
    }
}

#[async_trait]
impl<E: Engine> CatalogStore for SqlStore<E> {
    async fn tax_classes(&self) -> StoreResult<Vec<TaxClass>> {
        let rows: Vec<TaxClassRow> =
            sql(concat!("SELECT ", crate::tax_class_columns!(), " FROM tax_classes ORDER BY position, code"))
                .fetch_all(self.reads())
                .await
                .map_err(backend)?;
        Ok(rows.into_iter().map(TaxClass::from).collect())
    }

    async fn tax_class(&self, code: &str) -> StoreResult<Option<TaxClass>> {
        let row: Option<TaxClassRow> =
            sql(concat!("SELECT ", crate::tax_class_columns!(), " FROM tax_classes WHERE code = $1"))
                .bind(code)
                .fetch_optional(self.reads())
                .await
                .map_err(backend)?;
        Ok(row.map(TaxClass::from))
    }

    async fn positive_list_entry_for(
        &self,
        hs_code: &str,
    ) -> StoreResult<Option<gateway_core::positive_list::PositiveListEntry>> {
        let row: Option<PositiveListRow> = sql(concat!(
            "SELECT ",
            crate::positive_list_columns!(),
            " FROM positive_list WHERE ($1 LIKE (hs_prefix || '%')) ORDER BY length(hs_prefix) DESC LIMIT 1"
        ))
        .bind(hs_code)
        .fetch_optional(self.reads())
        .await
        .map_err(backend)?;
        row.map(TryFrom::try_from).transpose()
    }

    async fn create_product(&self, p: NewProduct) -> StoreResult<Product> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let f = &p.fields;
        sql("INSERT INTO products (id, merchant_id, sku, title_en, title_zh, description_en, description_zh, \
             tax_class, hs_code, origin_country, price_usd_cents, weight_g, net_content_milli, \
             net_content_unit, stock, status, problems, annual_cap_prefix, annual_cap_g, version, \
             created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 1, \
             $20, $20)")
        .bind(p.id.as_uuid())
        .bind(p.merchant_id.as_uuid())
        .bind_all(product_values(f)?)
        .bind(p.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| map_err(e, "sku"))?;
        Self::insert_outbox(&mut *tx, "product.created", p.id.as_uuid(), product_event(&p.id, f), p.created_at).await?;
        let product = Self::fetch_product(&mut *tx, p.id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(backend)?;
        Ok(product)
    }

    async fn product(&self, id: ProductId) -> StoreResult<Option<Product>> {
        let mut conn = self.reads().acquire().await.map_err(backend)?;
        Self::fetch_product(&mut *conn, id).await
    }

    async fn update_product(&self, p: Product) -> StoreResult<Product> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let f = &p.fields;
        let now = gateway_core::clock::now();
        let updated = sql("UPDATE products SET sku = $1, title_en = $2, title_zh = $3, description_en = $4, \
             description_zh = $5, tax_class = $6, hs_code = $7, origin_country = $8, price_usd_cents = $9, \
             weight_g = $10, net_content_milli = $11, net_content_unit = $12, stock = $13, status = $14, \
             problems = $15, annual_cap_prefix = $16, annual_cap_g = $17, version = version + 1, \
             updated_at = $18 WHERE id = $19 AND version = $20")
        .bind_all(product_values(f)?)
        .bind(now)
        .bind(p.id.as_uuid())
        .bind(p.version)
        .execute(&mut *tx)
        .await
        .map_err(|e| map_err(e, "sku"))?;
        if updated == 0 {
            return match Self::fetch_product(&mut *tx, p.id).await? {
                Some(_) => Err(StoreError::Stale),
                None => Err(StoreError::NotFound),
            };
        }
        Self::insert_outbox(&mut *tx, "product.updated", p.id.as_uuid(), product_event(&p.id, f), now).await?;
        let product = Self::fetch_product(&mut *tx, p.id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(backend)?;
        Ok(product)
    }

    async fn list_products(
        &self,
        merchant: MerchantId,
        for_sale_only: bool,
        page: PageRequest,
    ) -> StoreResult<Page<Product>> {
        let rows: Vec<ProductRow> = sql(concat!(
            crate::product_select!(),
            "WHERE p.merchant_id = $1 AND ($2 = FALSE OR (p.status = 'listed' AND m.status = 'active')) \
             AND ($3 IS NULL OR p.id > $3) ORDER BY p.id LIMIT $4"
        ))
        .bind(merchant.as_uuid())
        .bind(for_sale_only)
        .bind(page.after)
        .bind(fetch_limit(page.limit))
        .fetch_all(self.reads())
        .await
        .map_err(backend)?;
        let products = rows.into_iter().map(Product::try_from).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_rows(products, page.limit, |p| p.id.as_uuid()))
    }
}

#[async_trait]
impl<E: Engine> FxStore for SqlStore<E> {
    async fn set_fx_rate(&self, rate: FxRate, set_by: UserId, as_of: DateTime<Utc>) -> StoreResult<FxQuote> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        sql("INSERT INTO fx_rates (base, quote, rate_micros, set_by, as_of) VALUES ('USD', 'CNY', $1, $2, $3)")
            .bind(rate.micros())
            .bind(set_by.as_uuid())
            .bind(as_of)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        let payload = serde_json::json!({ "rate": rate.to_string() }).to_string();
        Self::insert_outbox(&mut tx, FX_RATE_SET, uuid::Uuid::nil(), payload, as_of).await?;
        tx.commit().await.map_err(backend)?;
        Ok(FxQuote { rate, as_of })
    }

    async fn current_fx_rate(&self) -> StoreResult<Option<FxQuote>> {
        let row: Option<FxRow> = sql(
            "SELECT rate_micros, as_of FROM fx_rates WHERE base = 'USD' AND quote = 'CNY' ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(self.reads())
        .await
        .map_err(backend)?;
        row.map(FxQuote::try_from).transpose()
    }
}
