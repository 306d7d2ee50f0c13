//! Bulk loading (`BulkLoadStore`): each table's rows as cells, written by COPY on
//! PostgreSQL and by multi-row INSERTs on SQLite, in one transaction per batch.
//!
//! The cells are encoded the way the ordinary statements bind them (UUIDs as `uuid`
//! or BLOB, timestamps as `timestamptz` or sqlx's text), so the store reads loaded
//! rows exactly like the ones its use cases wrote.

use crate::backend;
use crate::buy_rows::value_rows;
use crate::catalog_store::product_values;
use crate::engine::{Engine, SqlStore};
use crate::merchant_store::profile_values;
use crate::sql::{Sql, Value, sql};
use async_trait::async_trait;
use chrono::{DateTime, Datelike, Timelike, Utc};
use gateway_store::*;
use gateway_store::{BulkBatch, StoreError, StoreResult};
use std::fmt::Write as _;
use uuid::Uuid;

/// A table and the columns its cells fill, in order.
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [&'static str],
}

pub const USERS: Table = Table { name: "users", columns: &["id", "email", "role", "password_hash", "created_at"] };

pub const MERCHANTS: Table = Table {
    name: "merchants",
    columns: &[
        "id",
        "owner_id",
        "legal_name",
        "display_name_en",
        "display_name_zh",
        "kind",
        "state",
        "city",
        "zip",
        "employees",
        "exported_before",
        "fulfilment",
        "food_registration_no",
        "story_en",
        "story_zh",
        "status",
        "created_at",
        "updated_at",
    ],
};

pub const PRODUCTS: Table = Table {
    name: "products",
    columns: &[
        "id",
        "merchant_id",
        "sku",
        "title_en",
        "title_zh",
        "description_en",
        "description_zh",
        "tax_class",
        "hs_code",
        "origin_country",
        "price_usd_cents",
        "weight_g",
        "net_content_milli",
        "net_content_unit",
        "stock",
        "status",
        "problems",
        "annual_cap_prefix",
        "annual_cap_g",
        "version",
        "created_at",
        "updated_at",
    ],
};

pub const IDENTITIES: Table = Table {
    name: "identities",
    columns: &[
        "user_id",
        "real_name",
        "id_number_cipher",
        "id_number_hash",
        "id_number_masked",
        "phone",
        "created_at",
        "updated_at",
    ],
};

/// A table's rows of cells.
pub type Rows<'a> = Vec<Vec<Value<'a>>>;

/// The batch as rows of cells, table by table in foreign-key order.
pub fn batch_rows(batch: &BulkBatch) -> StoreResult<Vec<(&'static Table, Rows<'_>)>> {
    let users = batch
        .users
        .iter()
        .map(|u| {
            vec![
                Value::from(u.id.as_uuid()),
                Value::from(u.email.as_str()),
                Value::from(u.role.as_str()),
                Value::from(&u.password_hash),
                Value::from(u.created_at),
            ]
        })
        .collect();
    let merchants = batch
        .merchants
        .iter()
        .map(|b| {
            let m = &b.merchant;
            let mut cells = vec![Value::from(m.id.as_uuid()), Value::from(m.owner_id.as_uuid())];
            cells.extend(profile_values(&m.profile));
            cells.extend([Value::from(b.status.as_str()), Value::from(m.created_at), Value::from(m.created_at)]);
            cells
        })
        .collect();
    let mut products = Vec::with_capacity(batch.products.len());
    for p in &batch.products {
        let mut cells = vec![Value::from(p.id.as_uuid()), Value::from(p.merchant_id.as_uuid())];
        cells.extend(product_values(&p.fields)?);
        cells.extend([Value::from(1_i64), Value::from(p.created_at), Value::from(p.created_at)]);
        products.push(cells);
    }
    let identities = batch
        .identities
        .iter()
        .map(|i| {
            vec![
                Value::from(i.user_id.as_uuid()),
                Value::from(&i.real_name),
                Value::from(&i.id_number_cipher),
                Value::from(&i.id_number_hash),
                Value::from(&i.id_number_masked),
                Value::from(&i.phone),
                Value::from(i.created_at),
                Value::from(i.updated_at),
            ]
        })
        .collect();
    Ok([(&USERS, users), (&MERCHANTS, merchants), (&PRODUCTS, products), (&IDENTITIES, identities)]
        .into_iter()
        .filter(|(_, rows)| !rows.is_empty())
        .collect())
}

/// What differs between the engines when loading.
#[async_trait]
pub trait BulkEngine: sqlx::Database {
    /// Session settings for a load transaction, run first in it.
    async fn relax_durability(conn: &mut Self::Connection) -> Result<(), sqlx::Error>;
    async fn load_rows(conn: &mut Self::Connection, table: &Table, rows: &[Vec<Value<'_>>]) -> Result<(), sqlx::Error>;
    /// Refreshes the planner's statistics after a load.
    async fn analyze(conn: &mut Self::Connection) -> Result<(), sqlx::Error>;
}

/// Maps a load error: a duplicate key means the rows (derived from the seed) exist.
pub fn load_err(error: sqlx::Error) -> StoreError {
    crate::map_err(error, "seed")
}

/// Writes the batch's tables on `conn` (inside the caller's transaction).
pub async fn load_batch<DB: BulkEngine>(conn: &mut DB::Connection, batch: &BulkBatch) -> StoreResult<()> {
    for (table, rows) in batch_rows(batch)? {
        DB::load_rows(conn, table, &rows).await.map_err(load_err)?;
    }
    Ok(())
}

/// COPY text format: a value with backslash, tab, newline and carriage return escaped.
fn copy_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// One row in COPY text format, ending with a newline.
pub fn copy_row(out: &mut String, row: &[Value<'_>]) {
    for (i, cell) in row.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        match cell {
            Value::Uuid(None)
            | Value::Text(None)
            | Value::Int(None)
            | Value::Bool(None)
            | Value::Time(None)
            | Value::Bytes(None) => out.push_str("\\N"),
            Value::Uuid(Some(u)) => out.push_str(u.hyphenated().encode_lower(&mut Uuid::encode_buffer())),
            Value::Text(Some(t)) => copy_text(out, t),
            Value::Int(Some(n)) => {
                let _ = write!(out, "{n}");
            }
            Value::Bool(Some(b)) => out.push(if *b { 't' } else { 'f' }),
            Value::Time(Some(t)) => {
                // Written by hand: chrono's format() parses its pattern on every call.
                let _ = write!(
                    out,
                    "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}+00",
                    t.year(),
                    t.month(),
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second(),
                    t.timestamp_subsec_micros()
                );
            }
            Value::Bytes(Some(bytes)) => {
                // bytea hex input, its backslash escaped for the COPY text format.
                out.push_str("\\\\x");
                for b in bytes.iter() {
                    let _ = write!(out, "{b:02x}");
                }
            }
        }
    }
    out.push('\n');
}

/// COPY data is sent in pieces of about this size.
const COPY_CHUNK: usize = 1 << 20;

#[async_trait]
impl BulkEngine for sqlx::Postgres {
    async fn relax_durability(conn: &mut sqlx::PgConnection) -> Result<(), sqlx::Error> {
        // The batch commits without waiting for its WAL flush; the durable commit that
        // ends the load flushes the WAL up to it, so every batch before it as well.
        sql("SET LOCAL synchronous_commit = off").execute(&mut *conn).await?;
        Ok(())
    }

    async fn load_rows(
        conn: &mut sqlx::PgConnection,
        table: &Table,
        rows: &[Vec<Value<'_>>],
    ) -> Result<(), sqlx::Error> {
        let text = format!("COPY {} ({}) FROM STDIN", table.name, table.columns.join(", "));
        let mut copy = conn.copy_in_raw(&text).await?;
        let mut buffer = String::with_capacity(COPY_CHUNK + 4096);
        for row in rows {
            copy_row(&mut buffer, row);
            if buffer.len() >= COPY_CHUNK {
                copy.send(std::mem::take(&mut buffer).into_bytes()).await?;
                buffer.reserve(COPY_CHUNK + 4096);
            }
        }
        if !buffer.is_empty() {
            copy.send(buffer.into_bytes()).await?;
        }
        copy.finish().await?;
        Ok(())
    }

    async fn analyze(conn: &mut sqlx::PgConnection) -> Result<(), sqlx::Error> {
        sql("ANALYZE users, merchants, products, identities").execute(&mut *conn).await?;
        Ok(())
    }
}

/// SQLite binds at most 32,766 parameters per statement; rows per INSERT stay below.
const SQLITE_MAX_PARAMS: usize = 32_000;
const SQLITE_MAX_ROWS: usize = 500;

#[async_trait]
impl BulkEngine for sqlx::Sqlite {
    async fn relax_durability(_conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
        // WAL with synchronous = NORMAL already commits without an fsync; the
        // checkpoint syncs. Nothing to relax.
        Ok(())
    }

    async fn load_rows(
        conn: &mut sqlx::SqliteConnection,
        table: &Table,
        rows: &[Vec<Value<'_>>],
    ) -> Result<(), sqlx::Error> {
        let per_statement = (SQLITE_MAX_PARAMS / table.columns.len()).clamp(1, SQLITE_MAX_ROWS);
        let head = format!("INSERT INTO {} ({}) ", table.name, table.columns.join(", "));
        for chunk in rows.chunks(per_statement) {
            // The same text for every full chunk: sqlx prepares it once per connection.
            let text = format!("{head}VALUES {}", value_rows(1, chunk.len(), table.columns.len()));
            Sql::new(sqlx::AssertSqlSafe(text)).bind_all(chunk.iter().flatten().cloned()).execute(&mut *conn).await?;
        }
        Ok(())
    }

    async fn analyze(conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
        sql("PRAGMA optimize").execute(&mut *conn).await?;
        Ok(())
    }
}

#[async_trait]
impl<E: Engine> BulkLoadStore for SqlStore<E> {
    async fn bulk_load(&self, batch: &BulkBatch) -> StoreResult<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await.map_err(backend)?;
        <E::Db as BulkEngine>::relax_durability(&mut *tx).await.map_err(backend)?;
        load_batch::<E::Db>(&mut *tx, batch).await?;
        tx.commit().await.map_err(backend)
    }

    async fn bulk_load_finished(&self, payload: String, at: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        Self::insert_outbox(&mut tx, CATALOG_RELOADED, uuid::Uuid::nil(), payload, at).await?;
        tx.commit().await.map_err(backend)?;
        // ANALYZE writes the planner's statistics, so it is a write too.
        let mut conn = self.writer().await.map_err(backend)?;
        <E::Db as BulkEngine>::analyze(&mut *conn).await.map_err(backend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_rows_escape_text_and_encode_each_type() {
        let mut out = String::new();
        let id = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        let at = DateTime::parse_from_rfc3339("2026-01-02T03:04:05.5Z").map(|t| t.with_timezone(&Utc));
        let at = at.unwrap_or_else(|e| panic!("{e}"));
        copy_row(
            &mut out,
            &[
                Value::from(id),
                Value::from("a\tb\\c\nd"),
                Value::Text(None),
                Value::from(Some(-3_i64)),
                Value::from(true),
                Value::from(at),
                Value::from(&[0_u8, 255][..]),
            ],
        );
        assert_eq!(
            out,
            "01234567-89ab-cdef-0123-456789abcdef\ta\\tb\\\\c\\nd\t\\N\t-3\tt\t2026-01-02 03:04:05.500000+00\t\\\\x00ff\n"
        );
    }
}
