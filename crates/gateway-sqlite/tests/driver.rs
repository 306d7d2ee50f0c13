//! What the store relies on from the patched SQLite driver (vendor/sqlx-sqlite, see its
//! GATEWAY.md): statements run on the awaiting task, with no worker thread, and the
//! things upstream's thread did for us still happen: a dropped transaction rolls back,
//! a dropped stream lets the connection go on, another process's lock ends in an error.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::StreamExt;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, Executor, Row, SqliteConnection};
use std::time::Duration;

async fn open(dir: &tempfile::TempDir, busy_timeout: Duration) -> SqliteConnection {
    let options = SqliteConnectOptions::new()
        .filename(dir.path().join("driver.db"))
        .create_if_missing(true)
        .busy_timeout(busy_timeout);
    SqliteConnection::connect_with(&options).await.expect("open the database")
}

async fn with_rows(rows: i64) -> (tempfile::TempDir, SqliteConnection) {
    let dir = tempfile::TempDir::new().expect("a temporary directory");
    let mut conn = open(&dir, Duration::from_secs(1)).await;
    conn.execute("CREATE TABLE t (n INTEGER NOT NULL)").await.expect("create");
    sqlx::query(
        "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < $1) INSERT INTO t SELECT n FROM c",
    )
    .bind(rows)
    .execute(&mut conn)
    .await
    .expect("insert");
    (dir, conn)
}

async fn count(conn: &mut SqliteConnection) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM t").fetch_one(conn).await.expect("count")
}

/// The names of this process's threads (Linux), to see which the driver started.
fn thread_names() -> Vec<String> {
    let tasks = std::fs::read_dir("/proc/self/task").expect("/proc/self/task");
    tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_owned())
        .collect()
}

#[tokio::test]
async fn statements_run_without_a_worker_thread() {
    let (_dir, mut conn) = with_rows(3).await;
    assert_eq!(count(&mut conn).await, 3);
    // Upstream names each connection's thread sqlx-sqlite-worker-N; without the patch
    // (`[patch.crates-io]` in Cargo.toml) this finds one.
    let workers: Vec<String> = thread_names().into_iter().filter(|name| name.starts_with("sqlx-sqlite")).collect();
    assert!(workers.is_empty(), "driver threads: {workers:?}");
}

#[tokio::test]
async fn a_transaction_dropped_uncommitted_rolls_back_before_the_next_statement() {
    let (_dir, mut conn) = with_rows(2).await;
    {
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.expect("begin");
        tx.execute("INSERT INTO t VALUES (99)").await.expect("insert");
        assert_eq!(count(&mut tx).await, 3, "the transaction sees its own row");
    }
    assert_eq!(count(&mut conn).await, 2, "the row is gone with the transaction");
    // A transaction still open would refuse this BEGIN.
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.expect("a new transaction");
    tx.execute("INSERT INTO t VALUES (7)").await.expect("insert");
    tx.commit().await.expect("commit");
    assert_eq!(count(&mut conn).await, 3);
}

#[tokio::test]
async fn a_stream_dropped_half_way_lets_the_connection_go_on() {
    let (_dir, mut conn) = with_rows(100).await;
    {
        let mut rows = sqlx::query("SELECT n FROM t ORDER BY n").fetch(&mut conn);
        for expected in 1..=3_i64 {
            let row = rows.next().await.expect("a row").expect("no error");
            assert_eq!(row.get::<i64, _>("n"), expected);
        }
    }
    sqlx::query("DELETE FROM t WHERE n > 10").execute(&mut conn).await.expect("delete after the stream");
    assert_eq!(count(&mut conn).await, 10);
}

#[tokio::test]
async fn fetch_optional_reads_the_first_row_only() {
    let (_dir, mut conn) = with_rows(50).await;
    let first: Option<i64> =
        sqlx::query_scalar("SELECT n FROM t ORDER BY n DESC").fetch_optional(&mut conn).await.expect("one row");
    assert_eq!(first, Some(50));
    let none: Option<i64> =
        sqlx::query_scalar("SELECT n FROM t WHERE n > 1000").fetch_optional(&mut conn).await.expect("no row");
    assert_eq!(none, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_connections_write_lock_ends_in_an_error_after_the_busy_timeout() {
    let (dir, mut holder) = with_rows(1).await;
    let mut waiter = open(&dir, Duration::from_millis(100)).await;
    let mut held = holder.begin_with("BEGIN IMMEDIATE").await.expect("the write lock");
    held.execute("INSERT INTO t VALUES (2)").await.expect("insert");
    let refused = waiter.begin_with("BEGIN IMMEDIATE").await.expect_err("the lock is taken");
    assert!(refused.to_string().contains("locked"), "{refused}");
    held.commit().await.expect("commit");
    let mut tx = waiter.begin_with("BEGIN IMMEDIATE").await.expect("the lock is free");
    assert_eq!(count(&mut tx).await, 2);
    tx.commit().await.expect("commit");
}

#[tokio::test] // one thread: what runs during the scan runs because the scan gave way
async fn a_long_scan_lets_other_tasks_run_on_its_thread() {
    let (_dir, mut conn) = with_rows(5_000).await;
    let other_ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let other = tokio::spawn({
        let other_ran = other_ran.clone();
        async move { other_ran.store(true, std::sync::atomic::Ordering::SeqCst) }
    });
    let mut rows = sqlx::query("SELECT n FROM t ORDER BY n").fetch(&mut conn);
    let mut seen_before_the_other_ran = 0;
    while let Some(row) = rows.next().await {
        row.expect("a row");
        if other_ran.load(std::sync::atomic::Ordering::SeqCst) {
            break;
        }
        seen_before_the_other_ran += 1;
    }
    assert!(other_ran.load(std::sync::atomic::Ordering::SeqCst), "the other task never ran during the scan");
    assert!(seen_before_the_other_ran < 1_000, "it ran only after {seen_before_the_other_ran} rows");
    other.await.expect("the other task");
}
