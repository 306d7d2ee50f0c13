//! Gateway's patch of sqlx-sqlite 0.9.0 (see vendor/sqlx-sqlite/GATEWAY.md): a connection
//! runs its statements on the task that awaits them, under the connection's mutex,
//! instead of handing each one to a thread of its own over channels. Upstream's thread
//! costs about five thread switches per statement (the command there, each row and the
//! acknowledgement back); SQLite's calls are short, in-process and never wait on the
//! network, so running them where they are awaited is cheaper than any hand-off.
//!
//! The calls block the calling thread while SQLite works, as upstream's thread did: a
//! statement that waits for another process's write lock waits here (`busy_timeout`).
//!
//! The type keeps upstream's name and methods so that the rest of the crate is unchanged.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use futures_core::stream::BoxStream;
use futures_intrusive::sync::{Mutex, MutexGuard};
use sqlx_core::error::Error;
use sqlx_core::sql_str::SqlStr;
use sqlx_core::transaction::{
    begin_ansi_transaction_sql, commit_ansi_transaction_sql, rollback_ansi_transaction_sql,
};
use sqlx_core::Either;

use crate::connection::establish::EstablishParams;
use crate::connection::execute;
use crate::connection::ConnectionState;
use crate::{SqliteArguments, SqliteQueryResult, SqliteRow, SqliteStatement};

#[cfg(feature = "deserialize")]
use crate::connection::deserialize::{deserialize, serialize, SchemaName, SqliteOwnedBuf};

/// Rows a statement steps before its task lets others run on its thread.
const ROWS_BETWEEN_YIELDS: usize = 256;

pub(crate) struct ConnectionWorker {
    /// Mutex for locking access to the database.
    pub(crate) shared: Arc<WorkerSharedState>,
}

pub(crate) struct WorkerSharedState {
    transaction_depth: AtomicUsize,
    cached_statements_size: AtomicUsize,
    /// A dropped transaction's rollback that could not run at once (the connection was
    /// locked); it runs before anything else on the connection.
    rollback_pending: AtomicBool,
    pub(crate) conn: Mutex<ConnectionState>,
}

impl WorkerSharedState {
    pub(crate) fn get_transaction_depth(&self) -> usize {
        self.transaction_depth.load(Ordering::Acquire)
    }

    pub(crate) fn get_cached_statements_size(&self) -> usize {
        self.cached_statements_size.load(Ordering::Acquire)
    }

    /// Locks the connection, first running a rollback left pending by a dropped
    /// transaction so that nothing runs inside a transaction its owner abandoned.
    async fn lock(&self) -> Result<MutexGuard<'_, ConnectionState>, Error> {
        let mut conn = self.conn.lock().await;
        if self.rollback_pending.swap(false, Ordering::AcqRel) {
            self.rollback(&mut conn)?;
        }
        Ok(conn)
    }

    fn rollback(&self, conn: &mut ConnectionState) -> Result<(), Error> {
        let depth = self.transaction_depth.load(Ordering::Acquire);
        if depth > 0 {
            conn.handle.exec(rollback_ansi_transaction_sql(depth).as_str())?;
            self.transaction_depth.fetch_sub(1, Ordering::Release);
        }
        Ok(())
    }
}

impl ConnectionWorker {
    pub(crate) async fn establish(params: EstablishParams) -> Result<Self, Error> {
        // Opening may recover a WAL or wait on a lock: off the async threads.
        let conn = sqlx_core::rt::spawn_blocking(move || params.establish()).await?;
        Ok(Self {
            shared: Arc::new(WorkerSharedState {
                transaction_depth: AtomicUsize::new(0),
                cached_statements_size: AtomicUsize::new(0),
                rollback_pending: AtomicBool::new(false),
                // Fair, so that a task waiting on `lock_handle` is not starved.
                conn: Mutex::new(conn, true),
            }),
        })
    }

    pub(crate) async fn prepare(&mut self, query: SqlStr) -> Result<SqliteStatement, Error> {
        let mut conn = self.shared.lock().await?;
        let statement = prepare(&mut conn, query);
        update_cached_statements_size(&conn, &self.shared.cached_statements_size);
        statement
    }

    #[cfg(feature = "offline")]
    pub(crate) async fn describe(
        &mut self,
        query: SqlStr,
    ) -> Result<sqlx_core::describe::Describe<crate::Sqlite>, Error> {
        let mut conn = self.shared.lock().await?;
        crate::connection::describe::describe(&mut conn, query)
    }

    /// The results of `query`, each row stepped when the stream is polled for it; the
    /// connection stays locked until the stream ends or is dropped. With `limit`, the
    /// statement stops after that many rows.
    pub(crate) fn execute(
        &mut self,
        query: SqlStr,
        arguments: Option<SqliteArguments>,
        persistent: bool,
        limit: Option<usize>,
    ) -> BoxStream<'_, Result<Either<SqliteQueryResult, SqliteRow>, Error>> {
        let shared = &*self.shared;
        Box::pin(sqlx_core::try_stream! {
            let mut conn = shared.lock().await?;
            let mut rows_returned = 0;
            {
                let iter = execute::iter(&mut conn, query, arguments, persistent)?;
                for res in iter {
                    let res = res?;
                    let is_row = res.is_right();
                    r#yield!(res);
                    if is_row {
                        rows_returned += 1;
                        if limit.is_some_and(|limit| rows_returned >= limit) {
                            break;
                        }
                        // A row is handed over without going back to the scheduler, so
                        // a long scan would keep its thread to the end: give it back now
                        // and then (the connection stays locked meanwhile).
                        if rows_returned % ROWS_BETWEEN_YIELDS == 0 {
                            sqlx_core::rt::yield_now().await;
                        }
                    }
                }
            }
            update_cached_statements_size(&conn, &shared.cached_statements_size);
            Ok(())
        })
    }

    pub(crate) async fn begin(&mut self, statement: Option<SqlStr>) -> Result<(), Error> {
        let mut conn = self.shared.lock().await?;
        let depth = self.shared.transaction_depth.load(Ordering::Acquire);
        let is_custom_statement = statement.is_some();
        let statement = match statement {
            // custom `BEGIN` statements are not allowed if we're already in a transaction
            // (we need to issue a `SAVEPOINT` instead)
            Some(_) if depth > 0 => return Err(Error::InvalidSavePointStatement),
            Some(statement) => statement,
            None => begin_ansi_transaction_sql(depth),
        };
        conn.handle.exec(statement.as_str())?;
        if is_custom_statement && !conn.handle.in_transaction() {
            return Err(Error::BeginFailed);
        }
        self.shared.transaction_depth.fetch_add(1, Ordering::Release);
        Ok(())
    }

    pub(crate) async fn commit(&mut self) -> Result<(), Error> {
        let mut conn = self.shared.lock().await?;
        let depth = self.shared.transaction_depth.load(Ordering::Acquire);
        if depth > 0 {
            conn.handle.exec(commit_ansi_transaction_sql(depth).as_str())?;
            self.shared.transaction_depth.fetch_sub(1, Ordering::Release);
        }
        Ok(())
    }

    pub(crate) async fn rollback(&mut self) -> Result<(), Error> {
        let mut conn = self.shared.lock().await?;
        self.shared.rollback(&mut conn)
    }

    /// The rollback of a transaction dropped uncommitted (no await is possible there):
    /// at once if the connection is free, else before anything else runs on it.
    pub(crate) fn start_rollback(&mut self) -> Result<(), Error> {
        match self.shared.conn.try_lock() {
            Some(mut conn) => self.shared.rollback(&mut conn),
            None => {
                self.shared.rollback_pending.store(true, Ordering::Release);
                Ok(())
            }
        }
    }

    /// Nothing to ask: there is no thread that could have stopped.
    pub(crate) async fn ping(&mut self) -> Result<(), Error> {
        Ok(())
    }

    #[cfg(feature = "deserialize")]
    pub(crate) async fn deserialize(
        &mut self,
        schema: Option<SchemaName>,
        data: SqliteOwnedBuf,
        read_only: bool,
    ) -> Result<(), Error> {
        let mut conn = self.shared.lock().await?;
        deserialize(&mut conn, schema, data, read_only)
    }

    #[cfg(feature = "deserialize")]
    pub(crate) async fn serialize(
        &mut self,
        schema: Option<SchemaName>,
    ) -> Result<SqliteOwnedBuf, Error> {
        let mut conn = self.shared.lock().await?;
        serialize(&mut conn, schema)
    }

    pub(crate) async fn clear_cache(&mut self) -> Result<(), Error> {
        let mut conn = self.shared.lock().await?;
        conn.statements.clear();
        update_cached_statements_size(&conn, &self.shared.cached_statements_size);
        Ok(())
    }

    pub(crate) async fn unlock_db(&mut self) -> Result<MutexGuard<'_, ConnectionState>, Error> {
        self.shared.lock().await
    }

    /// The database closes when the connection's state drops, with the connection.
    pub(crate) fn shutdown(&mut self) -> impl Future<Output = Result<(), Error>> {
        std::future::ready(Ok(()))
    }
}

fn prepare(conn: &mut ConnectionState, query: SqlStr) -> Result<SqliteStatement, Error> {
    // prepare statement object (or checkout from cache)
    let statement = conn.statements.get(query.as_str(), true)?;

    let mut parameters = 0;
    let mut columns = None;
    let mut column_names = None;

    while let Some(statement) = statement.prepare_next(&mut conn.handle)? {
        parameters += statement.handle.bind_parameter_count();

        // the first non-empty statement is chosen as the statement we pull columns from
        if !statement.columns.is_empty() && columns.is_none() {
            columns = Some(Arc::clone(statement.columns));
            column_names = Some(Arc::clone(statement.column_names));
        }
    }

    Ok(SqliteStatement {
        sql: query,
        columns: columns.unwrap_or_default(),
        column_names: column_names.unwrap_or_default(),
        parameters,
    })
}

fn update_cached_statements_size(conn: &ConnectionState, size: &AtomicUsize) {
    size.store(conn.statements.len(), Ordering::Release);
}

