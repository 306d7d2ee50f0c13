//! The part of Gateway's storage that is the same on SQLite and PostgreSQL.
//!
//! Both engines accept the same SQL here (`$1` placeholders, `RETURNING`, `LIMIT`),
//! and sqlx maps the same Rust types onto each engine's columns (UUID as BLOB or
//! `uuid`, timestamps as text or `timestamptz`). So the store is written once, in
//! [`impl_store!`], and instantiated by each backend crate for its own `sqlx::Database`.
//! What differs — migrations, how a write transaction begins, pool options — stays in
//! the backend crates.

mod admin_store;
pub mod bulk_load;
pub mod buy_rows;
mod buy_store;
pub mod event_store;
mod food_readiness_store;
mod impact_store;
mod import_store;
pub mod listing_store;
mod merchant_portal_store;
pub mod rows;
pub mod search_feed_store;
pub mod sourcing_rows;
mod sourcing_store;
mod storefront_store;
mod writes;

pub use writes::{WriteTurn, WriteTurns, WriteTx, Writer};

#[doc(hidden)]
pub use {async_trait, chrono, gateway_core, gateway_store, serde_json, sqlx, uuid};

use gateway_store::StoreError;

/// Maps a driver error, turning a unique-key violation into `Conflict(on)`.
pub fn map_err(error: sqlx::Error, on: &'static str) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(on),
        _ => StoreError::backend(error),
    }
}

/// Maps a driver error that cannot be a conflict.
pub fn backend(error: sqlx::Error) -> StoreError {
    StoreError::backend(error)
}

/// Page sizes reach SQL as `LIMIT limit + 1` (the extra row tells whether a next page
/// exists).
pub fn fetch_limit(limit: u32) -> i64 {
    i64::from(limit) + 1
}

/// The product columns, joined with the merchant's status that decides "for sale".
#[macro_export]
#[doc(hidden)]
macro_rules! product_select {
    () => {
        "SELECT p.id, p.merchant_id, p.sku, p.title_en, p.title_zh, p.description_en, p.description_zh, \
         p.tax_class, p.hs_code, p.origin_country, p.price_usd_cents, p.weight_g, p.net_content_milli, \
         p.net_content_unit, p.stock, p.status, p.problems, p.annual_cap_prefix, p.annual_cap_g, p.version, \
         p.created_at, p.updated_at, \
         m.status AS merchant_status \
         FROM products p JOIN merchants m ON m.id = p.merchant_id "
    };
}

#[macro_export]
#[doc(hidden)]
macro_rules! merchant_columns {
    () => {
        "id, owner_id, legal_name, display_name_en, display_name_zh, kind, state, city, zip, employees, \
         exported_before, fulfilment, food_registration_no, story_en, story_zh, status, created_at, updated_at"
    };
}

#[macro_export]
#[doc(hidden)]
macro_rules! tax_class_columns {
    () => {
        "code, name_en, name_zh, vat_ppm, ct_ppm, ct_threshold_per_unit_fen, ct_threshold_per_piece_fen, \
         mfn_duty_ppm, food, positive_list"
    };
}

#[macro_export]
#[doc(hidden)]
macro_rules! user_columns {
    () => {
        "u.id, u.email, u.role, u.password_hash, u.created_at"
    };
}

/// The outbox claim, with PostgreSQL's row-locking clause or none: $1 worker,
/// $2 claimed until, $3 now, $4 limit.
#[macro_export]
#[doc(hidden)]
macro_rules! claim_outbox_sql {
    ($locking:literal) => {
        concat!(
            "UPDATE outbox SET claimed_by = $1, claimed_until = $2, attempts = attempts + 1 WHERE id IN \
             (SELECT id FROM outbox WHERE processed_at IS NULL AND (claimed_until IS NULL OR claimed_until < $3) \
             ORDER BY id LIMIT $4",
            $locking,
            ") RETURNING id, topic, aggregate_id, payload, created_at"
        )
    };
}

/// Implements every `gateway_store` trait for `$store`, a struct with a field
/// `pool: sqlx::Pool<$db>` and an inherent
/// `async fn begin_write(&self) -> Result<gateway_sqlx::WriteTx<$db>, sqlx::Error>`
/// for write transactions and
/// `async fn writer(&self) -> Result<gateway_sqlx::Writer<$db>, sqlx::Error>` for a
/// write statement on its own: every write goes through one of the two, so that
/// SQLite's writers take turns in the process (and SQLite takes its write lock up
/// front); on PostgreSQL they are a transaction and a pooled connection. Reads use
/// the pool.
#[macro_export]
macro_rules! impl_store {
    ($store:ty, $db:ty, $backend:literal) => {
        $crate::impl_buy_store!($store, $db, $backend);
        $crate::impl_search_feed_store!($store, $db);
        $crate::impl_storefront_store!($store, $db);
        $crate::impl_impact_store!($store, $db, $backend);
        $crate::impl_admin_store!($store, $db);
        $crate::impl_listing_recheck!($store, $db, $backend);
        $crate::impl_merchant_portal_store!($store, $db);
        $crate::impl_food_readiness_store!($store, $db);
        $crate::impl_import_store!($store, $db);
        $crate::impl_event_store!($store, $db);
        $crate::impl_sourcing_store!($store, $db);
        $crate::impl_bulk_load_store!($store, $db);

        const _: () = {
            use $crate::async_trait::async_trait;
            use $crate::chrono::{DateTime, Utc};
            use $crate::gateway_core::merchant::MerchantStatus;
            use $crate::gateway_core::tax_class::TaxClass;
            use $crate::gateway_core::user::{Email, Role};
            use $crate::gateway_core::{FxRate, MerchantId, ProductId, UserId};
            use $crate::gateway_store::*;
            use $crate::rows::*;
            use $crate::sqlx;
            use $crate::{backend, fetch_limit, map_err};

            impl $store {
                async fn fetch_product(
                    conn: &mut <$db as sqlx::Database>::Connection,
                    id: ProductId,
                ) -> StoreResult<Option<Product>> {
                    let row: Option<ProductRow> =
                        sqlx::query_as(concat!($crate::product_select!(), "WHERE p.id = $1"))
                            .bind(id.as_uuid())
                            .fetch_optional(&mut *conn)
                            .await
                            .map_err(backend)?;
                    row.map(Product::try_from).transpose()
                }

                async fn insert_outbox(
                    conn: &mut <$db as sqlx::Database>::Connection,
                    topic: &str,
                    aggregate: $crate::uuid::Uuid,
                    payload: String,
                    at: DateTime<Utc>,
                ) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO outbox (topic, aggregate_id, payload, created_at, attempts) \
                         VALUES ($1, $2, $3, $4, 0)",
                    )
                    .bind(topic)
                    .bind(aggregate)
                    .bind(payload)
                    .bind(at)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                    Ok(())
                }
            }

            #[async_trait]
            impl AccountStore for $store {
                async fn create_user(&self, user: NewUser) -> StoreResult<User> {
                    sqlx::query(
                        "INSERT INTO users (id, email, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(user.id.as_uuid())
                    .bind(user.email.as_str())
                    .bind(user.role.as_str())
                    .bind(&user.password_hash)
                    .bind(user.created_at)
                    .execute(&mut *self.writer().await.map_err(backend)?)
                    .await
                    .map_err(|e| map_err(e, "email"))?;
                    Ok(User {
                        id: user.id,
                        email: user.email.as_str().to_string(),
                        role: user.role,
                        password_hash: user.password_hash,
                        created_at: user.created_at,
                    })
                }

                async fn user_by_email(&self, email: &Email) -> StoreResult<Option<User>> {
                    let row: Option<UserRow> =
                        sqlx::query_as(concat!("SELECT ", $crate::user_columns!(), " FROM users u WHERE u.email = $1"))
                            .bind(email.as_str())
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(backend)?;
                    row.map(User::try_from).transpose()
                }

                async fn create_first_operator(&self, user: NewUser) -> StoreResult<bool> {
                    let mut tx = self.begin_write().await.map_err(backend)?;
                    // Serialise concurrent first starts: the count below is only
                    // meaningful while no other transaction can insert an operator.
                    sqlx::query("UPDATE app_locks SET name = name WHERE name = 'first_operator'")
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    let operators: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = $1")
                        .bind(Role::Operator.as_str())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(backend)?;
                    if operators > 0 {
                        return Ok(false);
                    }
                    sqlx::query(
                        "INSERT INTO users (id, email, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(user.id.as_uuid())
                    .bind(user.email.as_str())
                    .bind(Role::Operator.as_str())
                    .bind(&user.password_hash)
                    .bind(user.created_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| map_err(e, "email"))?;
                    tx.commit().await.map_err(backend)?;
                    Ok(true)
                }

                async fn create_session(&self, session: NewSession) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(&session.token_hash)
                    .bind(session.user_id.as_uuid())
                    .bind(session.created_at)
                    .bind(session.expires_at)
                    .execute(&mut *self.writer().await.map_err(backend)?)
                    .await
                    .map_err(|e| map_err(e, "token"))?;
                    // Sessions expire rather than being logged out: sweep this user's
                    // dead ones here, where the table is being written anyway.
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2")
                        .bind(session.user_id.as_uuid())
                        .bind(session.created_at)
                        .execute(&mut *self.writer().await.map_err(backend)?)
                        .await
                        .map_err(backend)?;
                    Ok(())
                }

                async fn session_user(&self, token_hash: &[u8], now: DateTime<Utc>) -> StoreResult<Option<User>> {
                    let row: Option<UserRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        $crate::user_columns!(),
                        " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2"
                    ))
                    .bind(token_hash)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    row.map(User::try_from).transpose()
                }

                async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()> {
                    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                        .bind(token_hash)
                        .execute(&mut *self.writer().await.map_err(backend)?)
                        .await
                        .map_err(backend)?;
                    Ok(())
                }
            }

            #[async_trait]
            impl MerchantStore for $store {
                async fn create_merchant(&self, m: NewMerchant) -> StoreResult<Merchant> {
                    let row: MerchantRow = sqlx::query_as(concat!(
                        "INSERT INTO merchants (",
                        $crate::merchant_columns!(),
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING ",
                        $crate::merchant_columns!()
                    ))
                    .bind(m.id.as_uuid())
                    .bind(m.owner_id.as_uuid())
                    .bind(&m.legal_name)
                    .bind(&m.display_name_en)
                    .bind(&m.display_name_zh)
                    .bind(m.kind.as_str())
                    .bind(m.state.as_str())
                    .bind(&m.city)
                    .bind(&m.zip)
                    .bind(m.employees)
                    .bind(m.exported_before)
                    .bind(m.fulfilment.as_str())
                    .bind(&m.food_registration_no)
                    .bind(&m.story_en)
                    .bind(&m.story_zh)
                    .bind(MerchantStatus::Pending.as_str())
                    .bind(m.created_at)
                    .fetch_one(&mut *self.writer().await.map_err(backend)?)
                    .await
                    .map_err(|e| map_err(e, "owner"))?;
                    Merchant::try_from(row)
                }

                async fn merchant(&self, id: MerchantId) -> StoreResult<Option<Merchant>> {
                    let row: Option<MerchantRow> =
                        sqlx::query_as(concat!("SELECT ", $crate::merchant_columns!(), " FROM merchants WHERE id = $1"))
                            .bind(id.as_uuid())
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(backend)?;
                    row.map(Merchant::try_from).transpose()
                }

                async fn merchants_by_ids(&self, ids: &[MerchantId]) -> StoreResult<Vec<Merchant>> {
                    if ids.is_empty() {
                        return Ok(Vec::new());
                    }
                    let sql = format!(
                        concat!("SELECT ", $crate::merchant_columns!(), " FROM merchants WHERE id IN ({})"),
                        $crate::buy_rows::placeholders(1, ids.len())
                    );
                    let mut query = sqlx::query_as::<_, MerchantRow>(sqlx::AssertSqlSafe(sql));
                    for id in ids {
                        query = query.bind(id.as_uuid());
                    }
                    let rows = query.fetch_all(&self.pool).await.map_err(backend)?;
                    rows.into_iter().map(Merchant::try_from).collect()
                }

                async fn update_merchant(&self, m: Merchant) -> StoreResult<Merchant> {
                    let now = $crate::gateway_core::clock::now();
                    let mut tx = self.begin_write().await.map_err(backend)?;
                    let row: Option<MerchantRow> = sqlx::query_as(concat!(
                        "UPDATE merchants SET legal_name = $1, display_name_en = $2, display_name_zh = $3, kind = $4, \
                         state = $5, city = $6, zip = $7, employees = $8, exported_before = $9, fulfilment = $10, \
                         food_registration_no = $11, story_en = $12, story_zh = $13, updated_at = $14 \
                         WHERE id = $15 RETURNING ",
                        $crate::merchant_columns!()
                    ))
                    .bind(&m.legal_name)
                    .bind(&m.display_name_en)
                    .bind(&m.display_name_zh)
                    .bind(m.kind.as_str())
                    .bind(m.state.as_str())
                    .bind(&m.city)
                    .bind(&m.zip)
                    .bind(m.employees)
                    .bind(m.exported_before)
                    .bind(m.fulfilment.as_str())
                    .bind(&m.food_registration_no)
                    .bind(&m.story_en)
                    .bind(&m.story_zh)
                    .bind(now)
                    .bind(m.id.as_uuid())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let merchant = row.map(Merchant::try_from).transpose()?.ok_or(StoreError::NotFound)?;
                    Self::insert_outbox(&mut tx, "merchant.updated", m.id.as_uuid(), merchant_event(&merchant), now)
                        .await?;
                    let scope = $crate::listing_store::RecheckScope::Merchant(m.id.as_uuid());
                    Self::recheck_listings(&mut tx, scope, now).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(merchant)
                }

                async fn merchant_by_owner(&self, owner: UserId) -> StoreResult<Option<Merchant>> {
                    let row: Option<MerchantRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        $crate::merchant_columns!(),
                        " FROM merchants WHERE owner_id = $1"
                    ))
                    .bind(owner.as_uuid())
                    .fetch_optional(&self.pool)
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
                    let now = $crate::gateway_core::clock::now();
                    let mut tx = self.begin_write().await.map_err(backend)?;
                    let row: Option<MerchantRow> = sqlx::query_as(concat!(
                        "UPDATE merchants SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4 RETURNING ",
                        $crate::merchant_columns!()
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
                    Self::insert_outbox(&mut tx, "merchant.status_changed", id.as_uuid(), merchant_event(&merchant), now)
                        .await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(merchant)
                }

                async fn list_merchants(
                    &self,
                    status: Option<MerchantStatus>,
                    page: PageRequest,
                ) -> StoreResult<Page<Merchant>> {
                    let rows: Vec<MerchantRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        $crate::merchant_columns!(),
                        " FROM merchants WHERE ($1 IS NULL OR status = $1) AND ($2 IS NULL OR id > $2) \
                         ORDER BY id LIMIT $3"
                    ))
                    .bind(status.map(MerchantStatus::as_str))
                    .bind(page.after)
                    .bind(fetch_limit(page.limit))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    let merchants = rows.into_iter().map(Merchant::try_from).collect::<StoreResult<Vec<_>>>()?;
                    Ok(Page::from_rows(merchants, page.limit, |m| m.id.as_uuid()))
                }
            }

            #[async_trait]
            impl CatalogStore for $store {
                async fn tax_classes(&self) -> StoreResult<Vec<TaxClass>> {
                    let rows: Vec<TaxClassRow> =
                        sqlx::query_as(concat!("SELECT ", $crate::tax_class_columns!(), " FROM tax_classes ORDER BY position, code"))
                            .fetch_all(&self.pool)
                            .await
                            .map_err(backend)?;
                    Ok(rows.into_iter().map(TaxClass::from).collect())
                }

                async fn tax_class(&self, code: &str) -> StoreResult<Option<TaxClass>> {
                    let row: Option<TaxClassRow> =
                        sqlx::query_as(concat!("SELECT ", $crate::tax_class_columns!(), " FROM tax_classes WHERE code = $1"))
                            .bind(code)
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(backend)?;
                    Ok(row.map(TaxClass::from))
                }

                async fn positive_list_entry_for(
                    &self,
                    hs_code: &str,
                ) -> StoreResult<Option<$crate::gateway_core::positive_list::PositiveListEntry>> {
                    let row: Option<PositiveListRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        $crate::positive_list_columns!(),
                        " FROM positive_list WHERE ($1 LIKE (hs_prefix || '%')) ORDER BY length(hs_prefix) DESC LIMIT 1"
                    ))
                    .bind(hs_code)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    row.map(TryFrom::try_from).transpose()
                }

                async fn create_product(&self, p: NewProduct) -> StoreResult<Product> {
                    let mut tx = self.begin_write().await.map_err(backend)?;
                    let f = &p.fields;
                    sqlx::query(
                        "INSERT INTO products (id, merchant_id, sku, title_en, title_zh, description_en, description_zh, \
                         tax_class, hs_code, origin_country, price_usd_cents, weight_g, net_content_milli, \
                         net_content_unit, stock, status, problems, annual_cap_prefix, annual_cap_g, version, \
                         created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 1, \
                         $20, $20)",
                    )
                    .bind(p.id.as_uuid())
                    .bind(p.merchant_id.as_uuid())
                    .bind(&f.sku)
                    .bind(&f.title_en)
                    .bind(&f.title_zh)
                    .bind(&f.description_en)
                    .bind(&f.description_zh)
                    .bind(&f.tax_class)
                    .bind(&f.hs_code)
                    .bind(&f.origin_country)
                    .bind(f.price.minor())
                    .bind(f.weight_g)
                    .bind(f.net_content_milli)
                    .bind(f.net_content_unit.as_str())
                    .bind(f.stock)
                    .bind(f.status.as_str())
                    .bind(problems_json(&f.problems)?)
                    .bind(f.annual_cap.as_ref().map(|c| c.hs_prefix.as_str()))
                    .bind(f.annual_cap.as_ref().map(|c| c.grams))
                    .bind(p.created_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| map_err(e, "sku"))?;
                    Self::insert_outbox(&mut *tx, "product.created", p.id.as_uuid(), product_event(&p.id, f), p.created_at)
                        .await?;
                    let product = Self::fetch_product(&mut *tx, p.id).await?.ok_or(StoreError::NotFound)?;
                    tx.commit().await.map_err(backend)?;
                    Ok(product)
                }

                async fn product(&self, id: ProductId) -> StoreResult<Option<Product>> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    Self::fetch_product(&mut *conn, id).await
                }

                async fn update_product(&self, p: Product) -> StoreResult<Product> {
                    let mut tx = self.begin_write().await.map_err(backend)?;
                    let f = &p.fields;
                    let now = $crate::gateway_core::clock::now();
                    let updated = sqlx::query(
                        "UPDATE products SET sku = $1, title_en = $2, title_zh = $3, description_en = $4, \
                         description_zh = $5, tax_class = $6, hs_code = $7, origin_country = $8, price_usd_cents = $9, \
                         weight_g = $10, net_content_milli = $11, net_content_unit = $12, stock = $13, status = $14, \
                         problems = $15, annual_cap_prefix = $16, annual_cap_g = $17, version = version + 1, \
                         updated_at = $18 WHERE id = $19 AND version = $20",
                    )
                    .bind(&f.sku)
                    .bind(&f.title_en)
                    .bind(&f.title_zh)
                    .bind(&f.description_en)
                    .bind(&f.description_zh)
                    .bind(&f.tax_class)
                    .bind(&f.hs_code)
                    .bind(&f.origin_country)
                    .bind(f.price.minor())
                    .bind(f.weight_g)
                    .bind(f.net_content_milli)
                    .bind(f.net_content_unit.as_str())
                    .bind(f.stock)
                    .bind(f.status.as_str())
                    .bind(problems_json(&f.problems)?)
                    .bind(f.annual_cap.as_ref().map(|c| c.hs_prefix.as_str()))
                    .bind(f.annual_cap.as_ref().map(|c| c.grams))
                    .bind(now)
                    .bind(p.id.as_uuid())
                    .bind(p.version)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| map_err(e, "sku"))?;
                    if updated.rows_affected() == 0 {
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
                    let rows: Vec<ProductRow> = sqlx::query_as(concat!(
                        $crate::product_select!(),
                        "WHERE p.merchant_id = $1 AND ($2 = FALSE OR (p.status = 'listed' AND m.status = 'active')) \
                         AND ($3 IS NULL OR p.id > $3) ORDER BY p.id LIMIT $4"
                    ))
                    .bind(merchant.as_uuid())
                    .bind(for_sale_only)
                    .bind(page.after)
                    .bind(fetch_limit(page.limit))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    let products = rows.into_iter().map(Product::try_from).collect::<StoreResult<Vec<_>>>()?;
                    Ok(Page::from_rows(products, page.limit, |p| p.id.as_uuid()))
                }
            }

            #[async_trait]
            impl FxStore for $store {
                async fn set_fx_rate(&self, rate: FxRate, set_by: UserId, as_of: DateTime<Utc>) -> StoreResult<FxQuote> {
                    let mut tx = self.begin_write().await.map_err(backend)?;
                    sqlx::query(
                        "INSERT INTO fx_rates (base, quote, rate_micros, set_by, as_of) VALUES ('USD', 'CNY', $1, $2, $3)",
                    )
                    .bind(rate.micros())
                    .bind(set_by.as_uuid())
                    .bind(as_of)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let payload = $crate::serde_json::json!({ "rate": rate.to_string() }).to_string();
                    Self::insert_outbox(&mut tx, FX_RATE_SET, $crate::uuid::Uuid::nil(), payload, as_of).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(FxQuote { rate, as_of })
                }

                async fn current_fx_rate(&self) -> StoreResult<Option<FxQuote>> {
                    let row: Option<FxRow> = sqlx::query_as(
                        "SELECT rate_micros, as_of FROM fx_rates WHERE base = 'USD' AND quote = 'CNY' ORDER BY id DESC LIMIT 1",
                    )
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    row.map(FxQuote::try_from).transpose()
                }
            }

            #[async_trait]
            impl OutboxStore for $store {
                async fn pending_outbox(&self, limit: u32) -> StoreResult<Vec<OutboxEvent>> {
                    let rows: Vec<OutboxRow> = sqlx::query_as(
                        "SELECT id, topic, aggregate_id, payload, created_at FROM outbox \
                         WHERE processed_at IS NULL ORDER BY id LIMIT $1",
                    )
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(rows.into_iter().map(OutboxEvent::from).collect())
                }

                async fn claim_outbox(
                    &self,
                    worker: &str,
                    limit: u32,
                    now: DateTime<Utc>,
                    until: DateTime<Utc>,
                ) -> StoreResult<Vec<OutboxEvent>> {
                    // The queue pattern: PostgreSQL locks the rows it picks and skips
                    // those another server is picking, so claimers never wait on each
                    // other or take the same event. SQLite's one writer needs neither.
                    let sql = if $backend == "postgres" {
                        $crate::claim_outbox_sql!(" FOR UPDATE SKIP LOCKED")
                    } else {
                        $crate::claim_outbox_sql!("")
                    };
                    let mut rows: Vec<OutboxRow> = sqlx::query_as(sql)
                        .bind(worker)
                        .bind(until)
                        .bind(now)
                        .bind(i64::from(limit))
                        .fetch_all(&mut *self.writer().await.map_err(backend)?)
                        .await
                        .map_err(backend)?;
                    rows.sort_by_key(OutboxRow::id);
                    Ok(rows.into_iter().map(OutboxEvent::from).collect())
                }

                async fn complete_outbox(&self, worker: &str, ids: &[i64], now: DateTime<Utc>) -> StoreResult<u64> {
                    if ids.is_empty() {
                        return Ok(0);
                    }
                    let sql = format!(
                        "UPDATE outbox SET processed_at = $1, processed_by = $2, claimed_until = NULL \
                         WHERE claimed_by = $2 AND processed_at IS NULL AND id IN ({})",
                        $crate::buy_rows::placeholders(3, ids.len())
                    );
                    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now).bind(worker);
                    for id in ids {
                        query = query.bind(*id);
                    }
                    Ok(query.execute(&mut *self.writer().await.map_err(backend)?).await.map_err(backend)?.rows_affected())
                }

                async fn outbox_backlog(&self) -> StoreResult<i64> {
                    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE processed_at IS NULL")
                        .fetch_one(&self.pool)
                        .await
                        .map_err(backend)
                }
            }

            #[async_trait]
            impl Store for $store {
                fn backend(&self) -> &'static str {
                    $backend
                }

                async fn is_pristine(&self) -> StoreResult<bool> {
                    let count: i64 = sqlx::query_scalar(
                        "SELECT (SELECT COUNT(*) FROM merchants) + (SELECT COUNT(*) FROM products) \
                         + (SELECT COUNT(*) FROM users WHERE role <> 'operator')",
                    )
                    .fetch_one(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(count == 0)
                }

                async fn ping(&self) -> StoreResult<()> {
                    sqlx::query("SELECT 1").execute(&self.pool).await.map_err(backend)?;
                    Ok(())
                }
            }
        };
    };
}
