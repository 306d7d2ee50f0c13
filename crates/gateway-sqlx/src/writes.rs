//! Writes — a transaction, or one statement on its own — and the turn to write that an
//! engine with one writer hands out in the process before asking the database.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Whose turn it is to write, for an engine that lets one writer in at a time (SQLite).
/// Writers wait here in order, woken as the one before them finishes, instead of
/// meeting at the database's lock, where a writer that finds it taken sleeps in the
/// busy handler (1, 2, 5, 10… ms) however soon the lock frees. Other processes on the
/// same file still meet at the database's lock.
#[derive(Clone)]
pub struct WriteTurns {
    turn: Arc<Mutex<()>>,
    patience: Duration,
}

impl WriteTurns {
    /// Turns that a writer waits for at most `patience`, as it would for the
    /// database's lock (`busy_timeout`).
    pub fn new(patience: Duration) -> Self {
        Self { turn: Arc::default(), patience }
    }

    /// Waits for this process's turn to write; the turn ends when the guard drops.
    pub async fn take(&self) -> Result<WriteTurn, sqlx::Error> {
        match tokio::time::timeout(self.patience, Arc::clone(&self.turn).lock_owned()).await {
            Ok(guard) => Ok(WriteTurn { _guard: guard }),
            Err(_) => Err(sqlx::Error::PoolTimedOut),
        }
    }
}

/// A turn to write, held for one transaction or one write statement; it ends when
/// dropped.
pub struct WriteTurn {
    _guard: OwnedMutexGuard<()>,
}

/// A write transaction that may hold a [`WriteTurn`]. It reads as the connection it
/// runs on (`&mut *tx` is an executor), commits like a `sqlx::Transaction`, and rolls
/// back when dropped uncommitted; the turn ends after the transaction.
pub struct WriteTx<DB: sqlx::Database> {
    // Dropped in this order: the transaction (its rollback queued) before the turn.
    tx: sqlx::Transaction<'static, DB>,
    _turn: Option<WriteTurn>,
}

impl<DB: sqlx::Database> WriteTx<DB> {
    pub fn new(tx: sqlx::Transaction<'static, DB>, turn: Option<WriteTurn>) -> Self {
        Self { tx, _turn: turn }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl<DB: sqlx::Database> Deref for WriteTx<DB> {
    type Target = DB::Connection;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl<DB: sqlx::Database> DerefMut for WriteTx<DB> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// A pooled connection for one write statement on its own (autocommit), holding the
/// write turn if the engine has turns; `&mut *writer` is an executor.
pub struct Writer<DB: sqlx::Database> {
    // Returned to the pool before the turn ends.
    conn: sqlx::pool::PoolConnection<DB>,
    _turn: Option<WriteTurn>,
}

impl<DB: sqlx::Database> Writer<DB> {
    pub fn new(conn: sqlx::pool::PoolConnection<DB>, turn: Option<WriteTurn>) -> Self {
        Self { conn, _turn: turn }
    }
}

impl<DB: sqlx::Database> Deref for Writer<DB> {
    type Target = DB::Connection;

    fn deref(&self) -> &Self::Target {
        &self.conn
    }
}

impl<DB: sqlx::Database> DerefMut for Writer<DB> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.conn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writers_take_turns_and_give_up_after_their_patience() {
        let turns = WriteTurns::new(Duration::from_millis(200));
        let first = turns.take().await.unwrap();
        assert!(matches!(turns.take().await, Err(sqlx::Error::PoolTimedOut)), "the turn is taken");
        let next = tokio::spawn({
            let turns = turns.clone();
            async move { turns.take().await.map(drop) }
        });
        drop(first);
        next.await.unwrap().expect("the next writer's turn once the first ends");
        turns.take().await.expect("and the one after");
    }
}
