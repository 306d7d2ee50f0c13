//! Gateway's embedded default store: SQLite in the data directory, in WAL mode, with
//! foreign keys on and every write transaction taking the write lock up front
//! (`BEGIN IMMEDIATE`), so concurrent writers queue instead of failing half-way with
//! SQLITE_BUSY: in this process on its write turns, across processes on
//! `busy_timeout`.

use gateway_sqlx::{WriteTurns, WriteTx, Writer};
use gateway_store::StoreError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    write_turns: WriteTurns,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite://path` or
    /// `sqlite::memory:`) without migrating it.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let busy_timeout = Duration::from_secs(10);
        let options = SqliteConnectOptions::from_str(url)
            .map_err(StoreError::backend)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(busy_timeout);
        let pool = SqlitePoolOptions::new()
            .max_connections(pool_size())
            // An embedded database has no network link to go stale, and the patched
            // driver no worker thread (vendor/sqlx-sqlite/GATEWAY.md) that could stop.
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(StoreError::backend)?;
        Ok(Self { pool, write_turns: WriteTurns::new(busy_timeout) })
    }

    /// Applies the pending migrations.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await.map_err(StoreError::backend)
    }

    /// Writes a consistent copy of the whole database to `path`, a file that must not
    /// exist yet, while the servers go on: `VACUUM INTO` reads one snapshot (WAL mode
    /// lets writers continue) and writes it compacted, without the WAL beside it.
    pub async fn backup_into(&self, path: &std::path::Path) -> Result<(), StoreError> {
        let path = path.to_str().ok_or_else(|| StoreError::Backend("the backup path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1").bind(path).execute(&self.pool).await.map_err(StoreError::backend)?;
        Ok(())
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn begin_write(&self) -> Result<WriteTx<Sqlite>, sqlx::Error> {
        let turn = self.write_turns.take().await?;
        Ok(WriteTx::new(self.pool.begin_with("BEGIN IMMEDIATE").await?, Some(turn)))
    }

    async fn writer(&self) -> Result<Writer<Sqlite>, sqlx::Error> {
        let turn = self.write_turns.take().await?;
        Ok(Writer::new(self.pool.acquire().await?, Some(turn)))
    }
}

/// As many connections as the process has threads to run statements on (the patched
/// driver runs them on the async threads, one per core), at least 2 so that a read
/// need not wait for a write, at most 8. More would run nothing more at once, and each
/// write by one connection empties the others' page caches (WAL), which they then read
/// back from the file: 8 connections instead of 2 cost up to a fifth more CPU per order
/// on 2 cores (BENCHMARKS.md).
fn pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    u32::try_from(cores.clamp(2, 8)).unwrap_or(8)
}

gateway_sqlx::impl_store!(SqliteStore, Sqlite, "sqlite");
