//! Gateway's embedded default store: SQLite in the data directory, in WAL mode, with
//! foreign keys on and every write transaction taking the write lock up front
//! (`BEGIN IMMEDIATE`), so concurrent writers queue instead of failing half-way with
//! SQLITE_BUSY: in this process on its write turns, across processes on
//! `busy_timeout`.
//!
//! Writes have a connection of their own and reads a pool that cannot write
//! (`query_only`). In WAL mode a connection forgets its whole page cache when it
//! sees that another connection wrote, and reads every page it needs again from the
//! file. With one connection doing all of this process's writes, the writer's cache
//! stays warm from one transaction to the next.

use gateway_sqlx::{Engine, SqlStore, WriteTurns, WriteTx, Writer};
use gateway_store::StoreError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Sqlite, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Gateway's store on SQLite.
pub type SqliteStore = SqlStore<SqliteEngine>;

/// Opens (creating if needed) the database at `url` (`sqlite://path` or
/// `sqlite::memory:`) without migrating it.
pub async fn connect(url: &str) -> Result<SqliteStore, StoreError> {
    Ok(SqlStore::new(SqliteEngine::connect(url).await?))
}

/// SQLite's connections: one writer and a pool of readers.
#[derive(Clone)]
pub struct SqliteEngine {
    /// Reads; `query_only`, so a write sent here by mistake fails instead of
    /// emptying the writer's cache.
    pool: SqlitePool,
    /// The one connection that writes, on the write turns.
    writes: SqlitePool,
    write_turns: WriteTurns,
    options: SqliteConnectOptions,
}

impl SqliteEngine {
    async fn connect(url: &str) -> Result<Self, StoreError> {
        let busy_timeout = Duration::from_secs(10);
        let options = SqliteConnectOptions::from_str(url)
            .map_err(StoreError::backend)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(busy_timeout)
            // Copy the WAL back into the database every 10,000 pages (about 40 MiB)
            // instead of SQLite's 1,000: a page that every order rewrites (stock, the
            // outbox's tail) is copied and synced once per checkpoint however often it
            // was written, and the committing writer does the checkpoint, holding the
            // write turn. 20–35% more orders per second at 8 users (BENCHMARKS.md).
            .pragma("wal_autocheckpoint", "10000");
        // The writer first: it creates the file and switches it to WAL.
        let writes = pool(1).connect_with(options.clone()).await.map_err(StoreError::backend)?;
        let pool = pool(readers())
            .connect_with(options.clone().pragma("query_only", "ON"))
            .await
            .map_err(StoreError::backend)?;
        Ok(Self { pool, writes, write_turns: WriteTurns::new(busy_timeout), options })
    }

    /// Applies the pending migrations.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.writes).await.map_err(StoreError::backend)
    }

    /// Writes a consistent copy of the whole database to `path`, a file that must not
    /// exist yet, while the servers go on: `VACUUM INTO` reads one snapshot (WAL mode
    /// lets writers continue) and writes it compacted, without the WAL beside it. It
    /// runs on a connection of its own: the readers may not write a file, and the
    /// writer must not wait for a backup.
    pub async fn backup_into(&self, path: &std::path::Path) -> Result<(), StoreError> {
        let path = path.to_str().ok_or_else(|| StoreError::Backend("the backup path is not UTF-8".into()))?;
        let mut conn = self.options.connect().await.map_err(StoreError::backend)?;
        sqlx::query("VACUUM INTO $1").bind(path).execute(&mut conn).await.map_err(StoreError::backend)?;
        conn.close().await.map_err(StoreError::backend)
    }

    /// The readers' pool.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes the readers and the writer, waiting for the connections in use.
    pub async fn close(&self) {
        self.pool.close().await;
        self.writes.close().await;
    }
}

impl Engine for SqliteEngine {
    type Db = Sqlite;

    const NAME: &'static str = "sqlite";

    // A write transaction holds the database's one write lock (`BEGIN IMMEDIATE`):
    // no other writer can touch any row until it ends.
    const FOR_UPDATE: Option<&'static str> = None;
    const SKIP_LOCKED: Option<&'static str> = None;

    // A read transaction sees the database as of its first read.
    const BEGIN_SNAPSHOT: &'static str = "BEGIN";

    /// sqlx writes timestamps as RFC 3339 text, always in UTC: the first seven
    /// characters are the month.
    fn utc_month(column: &str) -> String {
        format!("substr({column}, 1, 7)")
    }

    fn reads(&self) -> &SqlitePool {
        &self.pool
    }

    async fn begin_write(&self) -> Result<WriteTx<Sqlite>, sqlx::Error> {
        let turn = self.write_turns.take().await?;
        Ok(WriteTx::new(self.writes.begin_with("BEGIN IMMEDIATE").await?, Some(turn)))
    }

    async fn writer(&self) -> Result<Writer<Sqlite>, sqlx::Error> {
        let turn = self.write_turns.take().await?;
        Ok(Writer::new(self.writes.acquire().await?, Some(turn)))
    }
}

fn pool(size: u32) -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        .max_connections(size)
        // An embedded database has no network link to go stale, and the patched
        // driver no worker thread (vendor/sqlx-sqlite/GATEWAY.md) that could stop.
        .test_before_acquire(false)
}

/// As many reading connections as the process has threads to run statements on (the
/// patched driver runs them on the async threads, one per core), at least 2 so that a
/// long read (the search index rebuild streams the whole catalog) never holds the only
/// one, at most 8. More would run nothing more at once, and each write empties every
/// reader's page cache (WAL), which it then reads back from the file: 8 connections
/// instead of 2 cost up to a fifth more CPU per order on 2 cores (BENCHMARKS.md).
fn readers() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    u32::try_from(cores.clamp(2, 8)).unwrap_or(8)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use sqlx::Executor;

    async fn store(dir: &tempfile::TempDir) -> SqliteStore {
        let url = format!("sqlite://{}", dir.path().join("gateway.db").display());
        crate::connect(&url).await.expect("open the store")
    }

    async fn count(pool: &SqlitePool) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM t").fetch_one(pool).await.expect("count")
    }

    #[tokio::test]
    async fn the_readers_cannot_write_and_the_writer_can() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = store(&dir).await;
        let refused = store.pool().execute("CREATE TABLE t (n INTEGER)").await.expect_err("a reader wrote");
        assert!(refused.to_string().contains("readonly"), "{refused}");
        store.writer().await.unwrap().execute("CREATE TABLE t (n INTEGER)").await.expect("the writer writes");
        let mut tx = store.begin_write().await.unwrap();
        tx.execute("INSERT INTO t VALUES (1), (2)").await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(count(store.pool()).await, 2, "the readers see what the writer committed");
        store.close().await;
    }

    #[tokio::test]
    async fn the_writer_checkpoints_every_10000_pages() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = store(&dir).await;
        let pages: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
            .fetch_one(&mut *store.writer().await.unwrap())
            .await
            .unwrap();
        assert_eq!(pages, 10_000);
        store.close().await;
    }

    #[tokio::test]
    async fn a_backup_does_not_wait_for_the_writer() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = store(&dir).await;
        store.writer().await.unwrap().execute("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1)").await.unwrap();
        let mut open = store.begin_write().await.unwrap();
        open.execute("INSERT INTO t VALUES (2)").await.unwrap();
        let copy = dir.path().join("copy.db");
        tokio::time::timeout(Duration::from_secs(5), store.backup_into(&copy))
            .await
            .expect("the backup waited for the open write transaction")
            .expect("backup");
        open.commit().await.unwrap();
        let backup = crate::connect(&format!("sqlite://{}", copy.display())).await.unwrap();
        assert_eq!(count(backup.pool()).await, 1, "the copy holds what was committed when it began");
        backup.close().await;
        store.close().await;
    }
}
