//! What differs between SQLite and PostgreSQL, as one trait each backend crate
//! implements, and the store written once over it.

use crate::bulk_load::BulkEngine;
use crate::sql::Conn;
use crate::{WriteTx, Writer};
use sqlx::{Database, Pool};
use std::future::Future;
use std::ops::Deref;

/// An engine's connections and the SQL that only it speaks. Everything else the store
/// says is the same text on both (`$1` placeholders, `RETURNING`, `ON CONFLICT`,
/// `LIMIT`), so it is written once, in [`SqlStore`].
pub trait Engine: Send + Sync + 'static {
    /// The sqlx driver; its connections run [`crate::sql::Sql`].
    type Db: Database<Connection: Conn> + BulkEngine;

    /// The engine's name, as `Store::backend` reports it.
    const NAME: &'static str;

    /// The clause that locks the rows a `SELECT` returns until the transaction ends
    /// (`FOR UPDATE`), or `None` where a write transaction already excludes every
    /// other writer.
    const FOR_UPDATE: Option<&'static str>;

    /// The clause a queue's claim adds so that claimers skip the rows another one is
    /// taking instead of waiting for them (`FOR UPDATE SKIP LOCKED`), or `None` as for
    /// [`Engine::FOR_UPDATE`].
    const SKIP_LOCKED: Option<&'static str>;

    /// The statement that begins a read-only transaction whose every query sees the
    /// same snapshot.
    const BEGIN_SNAPSHOT: &'static str;

    /// SQL for the UTC month, `YYYY-MM`, of the timestamp `column`.
    fn utc_month(column: &str) -> String;

    /// The pool for reads.
    fn reads(&self) -> &Pool<Self::Db>;

    /// A write transaction, taking the engine's write turn first if it has one.
    fn begin_write(&self) -> impl Future<Output = Result<WriteTx<Self::Db>, sqlx::Error>> + Send;

    /// A connection for one write statement on its own (autocommit), on the write turn
    /// if the engine has one.
    fn writer(&self) -> impl Future<Output = Result<Writer<Self::Db>, sqlx::Error>> + Send;
}

/// A connection of `E`'s driver.
pub type DbConn<E> = <<E as Engine>::Db as Database>::Connection;

/// `sql` followed by `E`'s row-locking clause `lock`, when the engine has one.
pub fn with_lock(sql: &str, lock: Option<&str>) -> String {
    match lock {
        Some(clause) => format!("{sql} {clause}"),
        None => sql.to_owned(),
    }
}

/// Every `gateway_store` trait, implemented once for both engines over `E`.
#[derive(Clone)]
pub struct SqlStore<E> {
    engine: E,
}

impl<E: Engine> SqlStore<E> {
    pub fn new(engine: E) -> Self {
        Self { engine }
    }
}

/// The engine's own methods (migrations, backups, its pools) stay reachable on the
/// store.
impl<E> Deref for SqlStore<E> {
    type Target = E;

    fn deref(&self) -> &E {
        &self.engine
    }
}
