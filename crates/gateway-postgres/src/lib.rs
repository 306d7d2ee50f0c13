//! Gateway's production store: PostgreSQL at read committed. Writes that must not race
//! are conditional updates inside one transaction, so several `gateway serve`
//! processes can share one database, and PostgreSQL-compatible distributed engines
//! remain a configuration change.

use gateway_sqlx::{Engine, SqlStore, WriteTx, Writer};
use gateway_store::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgPool, Postgres};
use std::str::FromStr;
use std::time::Duration;

/// A pooled connection idle this long is pinged before it is handed out again.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(5);

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Gateway's store on PostgreSQL.
pub type PgStore = SqlStore<PgEngine>;

/// Connects to `url` (`postgres://…`) with at most `max_connections`, without
/// migrating.
pub async fn connect(url: &str, max_connections: u32) -> Result<PgStore, StoreError> {
    Ok(SqlStore::new(PgEngine::connect(url, max_connections).await?))
}

/// PostgreSQL's connection pool.
#[derive(Clone)]
pub struct PgEngine {
    pool: PgPool,
}

impl PgEngine {
    async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(StoreError::backend)?.application_name("gateway");
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings every connection it hands out, a round trip to the server per
            // store call; only one idle long enough to have been dropped (a server
            // restart, a firewall's timeout) is worth asking.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_WHEN_IDLE_FOR {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options)
            .await
            .map_err(StoreError::backend)?;
        Ok(Self { pool })
    }

    /// Applies the pending migrations (sqlx takes an advisory lock, so several servers
    /// starting at once migrate once).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await.map_err(StoreError::backend)
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

impl Engine for PgEngine {
    type Db = Postgres;

    const NAME: &'static str = "postgres";

    const FOR_UPDATE: Option<&'static str> = Some("FOR UPDATE");
    const SKIP_LOCKED: Option<&'static str> = Some("FOR UPDATE SKIP LOCKED");

    // Read committed takes a new snapshot per statement; repeatable read keeps the
    // first one for the whole transaction.
    const BEGIN_SNAPSHOT: &'static str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

    fn utc_month(column: &str) -> String {
        format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')")
    }

    fn reads(&self) -> &PgPool {
        &self.pool
    }

    async fn begin_write(&self) -> Result<WriteTx<Postgres>, sqlx::Error> {
        Ok(WriteTx::new(self.pool.begin().await?, None))
    }

    async fn writer(&self) -> Result<Writer<Postgres>, sqlx::Error> {
        Ok(Writer::new(self.pool.acquire().await?, None))
    }
}
