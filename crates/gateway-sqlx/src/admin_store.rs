//! The operator console's queries (`AdminStore`): the same SQL on both engines.

/// Implements `AdminStore`; called by `impl_store!`.
#[macro_export]
#[doc(hidden)]
macro_rules! impl_admin_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::async_trait::async_trait;
            use $crate::buy_rows::*;
            use $crate::chrono::{DateTime, Utc};
            use $crate::gateway_core::Cny;
            use $crate::gateway_core::freight::FreightRates;
            use $crate::gateway_core::merchant::MerchantStatus;
            use $crate::gateway_core::order::OrderStatus;
            use $crate::gateway_core::tax_class::TaxClass;
            use $crate::gateway_store::*;
            use $crate::rows::*;
            use $crate::sqlx;
            use $crate::{backend, fetch_limit};

            impl $store {
                /// Applies one verdict to the class's products of merchants with
                /// (`registered`) or without a food registration, where it changes
                /// something; writes an outbox event per product changed.
                async fn apply_verdict(
                    tx: &mut <$db as sqlx::Database>::Connection,
                    code: &str,
                    registered: bool,
                    verdict: &ListingVerdict,
                    at: DateTime<Utc>,
                ) -> StoreResult<u64> {
                    // A product its merchant withdrew stays withdrawn: only its
                    // problems follow the class.
                    let rows: Vec<($crate::uuid::Uuid, String, i64)> = sqlx::query_as(
                        "UPDATE products SET \
                         status = CASE WHEN status = 'delisted' THEN 'delisted' ELSE $1 END, \
                         problems = $2, version = version + 1, updated_at = $3 \
                         WHERE tax_class = $4 \
                         AND merchant_id IN (SELECT id FROM merchants WHERE (food_registration_no IS NOT NULL) = $5) \
                         AND (problems <> $2 OR status <> CASE WHEN status = 'delisted' THEN 'delisted' ELSE $1 END) \
                         RETURNING id, status, stock",
                    )
                    .bind(verdict.status.as_str())
                    .bind(problems_json(&verdict.problems)?)
                    .bind(at)
                    .bind(code)
                    .bind(registered)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(backend)?;
                    for (id, status, stock) in &rows {
                        let payload = $crate::serde_json::json!({
                            "product_id": id.to_string(), "status": status, "stock": stock
                        })
                        .to_string();
                        Self::insert_outbox(&mut *tx, "product.updated", *id, payload, at).await?;
                    }
                    Ok(rows.len() as u64)
                }
            }

            #[async_trait]
            impl AdminStore for $store {
                async fn update_tax_class(
                    &self,
                    class: TaxClass,
                    verdicts: ClassVerdicts,
                    at: DateTime<Utc>,
                ) -> StoreResult<TaxClassUpdate> {
                    let mut tx = self.begin_write().await.map_err(backend)?;
                    let (per_unit, per_piece) = match class.ct_threshold {
                        Some(t) => (Some(t.per_g_or_ml.minor()), Some(t.per_piece.minor())),
                        None => (None, None),
                    };
                    let updated = sqlx::query(
                        "UPDATE tax_classes SET name_en = $1, name_zh = $2, vat_ppm = $3, ct_ppm = $4, \
                         ct_threshold_per_unit_fen = $5, ct_threshold_per_piece_fen = $6, mfn_duty_ppm = $7, \
                         food = $8, positive_list = $9 WHERE code = $10",
                    )
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
                    if updated.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    let mut changed = 0;
                    changed += Self::apply_verdict(&mut tx, &class.code, true, &verdicts.registered, at).await?;
                    changed += Self::apply_verdict(&mut tx, &class.code, false, &verdicts.unregistered, at).await?;
                    let row: TaxClassRow = sqlx::query_as(concat!(
                        "SELECT ",
                        $crate::tax_class_columns!(),
                        " FROM tax_classes WHERE code = $1"
                    ))
                    .bind(&class.code)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
                    tx.commit().await.map_err(backend)?;
                    Ok(TaxClassUpdate { class: TaxClass::from(row), products_changed: changed })
                }

                async fn freight_settings(&self) -> StoreResult<FreightSettings> {
                    let (first, further, bonded, updated_at): (i64, i64, i64, DateTime<Utc>) = sqlx::query_as(
                        "SELECT direct_first_500g_fen, direct_each_further_500g_fen, bonded_flat_fen, updated_at \
                         FROM freight_rates WHERE id = 1",
                    )
                    .fetch_one(&self.pool)
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
                    let changed = sqlx::query(
                        "UPDATE freight_rates SET direct_first_500g_fen = $1, direct_each_further_500g_fen = $2, \
                         bonded_flat_fen = $3, updated_at = $4 WHERE id = 1",
                    )
                    .bind(rates.direct_first_500g.minor())
                    .bind(rates.direct_each_further_500g.minor())
                    .bind(rates.bonded_flat.minor())
                    .bind(at)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    if changed.rows_affected() == 0 {
                        // The migration seeds the one row; without it the database is broken.
                        return Err(StoreError::NotFound);
                    }
                    Ok(FreightSettings { rates, updated_at: at })
                }

                async fn all_orders(&self, status: Option<OrderStatus>, page: PageRequest) -> StoreResult<Page<Order>> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    let rows: Vec<OrderRow> = sqlx::query_as(concat!(
                        $crate::order_select!(),
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
                    let rows: Vec<(String, i64)> =
                        sqlx::query_as("SELECT status, COUNT(*) FROM orders GROUP BY status ORDER BY status")
                            .fetch_all(&self.pool)
                            .await
                            .map_err(backend)?;
                    rows.into_iter()
                        .map(|(status, n)| Ok((StoreError::decode("orders.status", OrderStatus::parse(&status))?, n)))
                        .collect()
                }

                async fn merchant_counts(&self) -> StoreResult<Vec<(MerchantStatus, i64)>> {
                    let rows: Vec<(String, i64)> =
                        sqlx::query_as("SELECT status, COUNT(*) FROM merchants GROUP BY status ORDER BY status")
                            .fetch_all(&self.pool)
                            .await
                            .map_err(backend)?;
                    rows.into_iter()
                        .map(|(status, n)| {
                            Ok((StoreError::decode("merchants.status", MerchantStatus::parse(&status))?, n))
                        })
                        .collect()
                }
            }
        };
    };
}
