//! The outbox (`OutboxStore`) and the store as a whole (`Store`).

use crate::backend;
use crate::buy_rows::value_rows;
use crate::engine::{DbConn, Engine, SqlStore, with_lock};
use crate::rows::*;
use crate::sql::{Sql, sql};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_store::*;
use uuid::Uuid;

impl<E: Engine> SqlStore<E> {
    /// Writes one event to the outbox, in the caller's transaction.
    pub(crate) async fn insert_outbox(
        conn: &mut DbConn<E>,
        topic: &'static str,
        aggregate: Uuid,
        payload: String,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        Self::insert_outbox_events(conn, topic, [(aggregate, payload)], at).await
    }

    /// Writes events of one topic to the outbox in one statement, however many
    /// there are, in the caller's transaction: `(aggregate id, payload)` each. The
    /// topic, a constant of the code, is part of the statement's text, so that each
    /// kind of event has its own prepared statement.
    pub(crate) async fn insert_outbox_events(
        conn: &mut DbConn<E>,
        topic: &'static str,
        events: impl IntoIterator<Item = (Uuid, String)>,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let events: Vec<(Uuid, String)> = events.into_iter().collect();
        if events.is_empty() {
            return Ok(());
        }
        let text = format!(
            "INSERT INTO outbox (topic, aggregate_id, payload, created_at, attempts) \
             SELECT '{}', e.column1, e.column2, $1, 0 FROM (VALUES {}) AS e",
            topic.replace('\'', "''"),
            value_rows(2, events.len(), 2)
        );
        let mut insert = Sql::new(sqlx::AssertSqlSafe(text)).bind(at);
        for (aggregate, payload) in events {
            insert = insert.bind(aggregate).bind(payload);
        }
        insert.execute(&mut *conn).await.map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl<E: Engine> OutboxStore for SqlStore<E> {
    async fn pending_outbox(&self, limit: u32) -> StoreResult<Vec<OutboxEvent>> {
        let rows: Vec<OutboxRow> = sql("SELECT id, topic, aggregate_id, payload, created_at FROM outbox \
             WHERE processed_at IS NULL ORDER BY id LIMIT $1")
        .bind(i64::from(limit))
        .fetch_all(self.reads())
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
        // The queue pattern: an engine with row locks (PostgreSQL) locks the
        // rows it picks and skips those another server is picking, so claimers
        // never wait on each other or take the same event. SQLite's one writer
        // needs neither.
        let claim = with_lock(
            "UPDATE outbox SET claimed_by = $1, claimed_until = $2, attempts = attempts + 1 WHERE id IN \
             (SELECT id FROM outbox WHERE processed_at IS NULL AND (claimed_until IS NULL OR claimed_until < $3) \
             ORDER BY id LIMIT $4",
            E::SKIP_LOCKED,
        ) + ") RETURNING id, topic, aggregate_id, payload, created_at";
        let mut rows: Vec<OutboxRow> = Sql::new(sqlx::AssertSqlSafe(claim))
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
        let text = format!(
            "UPDATE outbox SET processed_at = $1, processed_by = $2, claimed_until = NULL \
             WHERE claimed_by = $2 AND processed_at IS NULL AND id IN ({})",
            crate::buy_rows::placeholders(3, ids.len())
        );
        let mut query = Sql::new(sqlx::AssertSqlSafe(text)).bind(now).bind(worker);
        for id in ids {
            query = query.bind(*id);
        }
        Ok(query.execute(&mut *self.writer().await.map_err(backend)?).await.map_err(backend)?)
    }

    async fn outbox_backlog(&self) -> StoreResult<i64> {
        sql("SELECT COUNT(*) FROM outbox WHERE processed_at IS NULL").fetch_scalar(self.reads()).await.map_err(backend)
    }
}

#[async_trait]
impl<E: Engine> Store for SqlStore<E> {
    fn backend(&self) -> &'static str {
        E::NAME
    }

    async fn is_pristine(&self) -> StoreResult<bool> {
        let count: i64 = sql("SELECT (SELECT COUNT(*) FROM merchants) + (SELECT COUNT(*) FROM products) \
             + (SELECT COUNT(*) FROM users WHERE role <> 'operator')")
        .fetch_scalar(self.reads())
        .await
        .map_err(backend)?;
        Ok(count == 0)
    }

    async fn ping(&self) -> StoreResult<()> {
        sql("SELECT 1").execute(self.reads()).await.map_err(backend)?;
        Ok(())
    }
}
