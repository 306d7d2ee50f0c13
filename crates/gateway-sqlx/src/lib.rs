//! The part of Gateway's storage that is the same on SQLite and PostgreSQL.
//!
//! Both engines accept the same SQL here (`$1` placeholders, `RETURNING`, `LIMIT`),
//! and sqlx maps the same Rust types onto each engine's columns (UUID as BLOB or
//! `uuid`, timestamps as text or `timestamptz`). So the store is written once, as
//! [`SqlStore`], generic over an [`Engine`] that each backend crate implements with
//! what differs: its connections, how a write transaction begins, and the few clauses
//! only it speaks (row locks, the UTC month, a read snapshot). Statements are
//! [`sql::Sql`], which runs on either engine's connection. Migrations and pool
//! options stay in the backend crates.

mod account_store;
mod admin_store;
pub mod bulk_load;
pub mod buy_rows;
mod buy_store;
mod catalog_store;
pub mod engine;
pub mod event_store;
mod food_readiness_store;
mod impact_store;
mod import_store;
pub mod listing_store;
mod merchant_portal_store;
mod merchant_store;
mod outbox_store;
mod payment_store;
pub mod rows;
pub mod search_feed_store;
pub mod sourcing_rows;
mod sourcing_store;
pub mod sql;
mod storefront_store;
mod writes;

pub use engine::{Engine, SqlStore};
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
