//! The two migration sets describe one schema: the same files, and — when
//! `GATEWAY_TEST_DATABASE_URL` names a PostgreSQL server — the same tables and
//! columns, nullability and corresponding types once both are applied to fresh
//! databases. Integers are i64 on both sides: a PostgreSQL `integer` or `smallint`
//! column fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gateway_postgres::PgStore;
use gateway_sqlite::SqliteStore;
use gateway_store_conformance::pg;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One column as the comparison sees it: its declared type and whether it admits NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    ty: String,
    nullable: bool,
}

/// Table name → column name → column.
type Schema = BTreeMap<String, BTreeMap<String, Column>>;

/// sqlx's bookkeeping and SQLite's AUTOINCREMENT table are not part of the schema.
const IGNORED_TABLES: [&str; 2] = ["_sqlx_migrations", "sqlite_sequence"];

/// The PostgreSQL types (`information_schema.columns.data_type`) that store what a
/// SQLite declared type stores in Gateway.
fn postgres_types_for(sqlite_type: &str) -> Option<&'static [&'static str]> {
    match sqlite_type.trim().to_ascii_uppercase().as_str() {
        "BLOB" => Some(&["uuid", "bytea"]),
        "INTEGER" => Some(&["bigint"]),
        "TEXT" => Some(&["text"]),
        "BOOLEAN" => Some(&["boolean"]),
        "DATETIME" => Some(&["timestamp with time zone"]),
        _ => None,
    }
}

/// Every difference between the two schemas, one line each.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut diffs = Vec::new();
    let tables: BTreeSet<&String> = sqlite.keys().chain(postgres.keys()).collect();
    for table in tables {
        let (Some(lite), Some(pg)) = (sqlite.get(table), postgres.get(table)) else {
            let only = if sqlite.contains_key(table) { "SQLite" } else { "PostgreSQL" };
            diffs.push(format!("table {table}: only on {only}"));
            continue;
        };
        let columns: BTreeSet<&String> = lite.keys().chain(pg.keys()).collect();
        for column in columns {
            let (Some(l), Some(p)) = (lite.get(column), pg.get(column)) else {
                let only = if lite.contains_key(column) { "SQLite" } else { "PostgreSQL" };
                diffs.push(format!("{table}.{column}: only on {only}"));
                continue;
            };
            match postgres_types_for(&l.ty) {
                None => diffs.push(format!(
                    "{table}.{column}: SQLite type {:?} is none of BLOB, INTEGER, TEXT, BOOLEAN, DATETIME",
                    l.ty
                )),
                Some(allowed) if !allowed.contains(&p.ty.as_str()) => {
                    let hint = if matches!(p.ty.as_str(), "integer" | "smallint") {
                        " (integers are i64: use BIGINT)"
                    } else {
                        ""
                    };
                    diffs.push(format!(
                        "{table}.{column}: SQLite {} but PostgreSQL {}, expected one of {allowed:?}{hint}",
                        l.ty, p.ty
                    ));
                }
                Some(_) => {}
            }
            if l.nullable != p.nullable {
                let word = |nullable: bool| if nullable { "NULL" } else { "NOT NULL" };
                diffs.push(format!(
                    "{table}.{column}: {} on SQLite but {} on PostgreSQL",
                    word(l.nullable),
                    word(p.nullable)
                ));
            }
        }
    }
    diffs
}

async fn sqlite_schema(store: &SqliteStore) -> Schema {
    let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.pk \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' ORDER BY m.name, p.cid",
    )
    .fetch_all(store.pool())
    .await
    .expect("read the SQLite schema");
    let mut primary_keys: BTreeMap<String, usize> = BTreeMap::new();
    for (table, _, _, _, pk) in &rows {
        if *pk > 0 {
            *primary_keys.entry(table.clone()).or_default() += 1;
        }
    }
    let mut schema = Schema::new();
    for (table, column, ty, not_null, pk) in rows {
        if IGNORED_TABLES.contains(&table.as_str()) {
            continue;
        }
        // An INTEGER PRIMARY KEY is the rowid: never NULL, whatever the declaration
        // says (other SQLite primary keys do admit NULL unless declared NOT NULL).
        let rowid = pk == 1 && ty.eq_ignore_ascii_case("INTEGER") && primary_keys.get(&table) == Some(&1);
        let nullable = not_null == 0 && !rowid;
        schema.entry(table).or_default().insert(column, Column { ty, nullable });
    }
    schema
}

async fn postgres_schema(store: &PgStore) -> Schema {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
         FROM information_schema.columns WHERE table_schema = current_schema() \
         ORDER BY table_name, ordinal_position",
    )
    .fetch_all(store.pool())
    .await
    .expect("read the PostgreSQL schema");
    let mut schema = Schema::new();
    for (table, column, ty, is_nullable) in rows {
        if IGNORED_TABLES.contains(&table.as_str()) {
            continue;
        }
        schema.entry(table).or_default().insert(column, Column { ty, nullable: is_nullable == "YES" });
    }
    schema
}

fn render(schema: &Schema) -> String {
    let mut out = String::new();
    for (table, columns) in schema {
        out.push_str(&format!("  {table}\n"));
        for (name, c) in columns {
            out.push_str(&format!("    {name} {}{}\n", c.ty, if c.nullable { "" } else { " NOT NULL" }));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrated_schemas_match() {
    let Some(base_url) = pg::test_database_url() else {
        return;
    };

    let dir = tempfile::TempDir::new().expect("a temporary directory");
    let sqlite_url = format!("sqlite://{}", dir.path().join("parity.db").display());
    let lite = gateway_sqlite::connect(&sqlite_url).await.expect("open SQLite");
    lite.migrate().await.expect("migrate SQLite");

    let (pg_url, guard) = pg::fresh_database(&base_url).await.expect("create a PostgreSQL test database");
    let postgres = gateway_postgres::connect(&pg_url, 2).await.expect("connect to PostgreSQL");
    postgres.migrate().await.expect("migrate PostgreSQL");

    let sqlite_schema = sqlite_schema(&lite).await;
    let postgres_schema = postgres_schema(&postgres).await;
    postgres.pool().close().await;
    lite.close().await;
    guard.drop_database().await;

    assert!(!sqlite_schema.is_empty(), "the SQLite migrations created no table");
    let diffs = differences(&sqlite_schema, &postgres_schema);
    assert!(
        diffs.is_empty(),
        "the SQLite and PostgreSQL schemas differ:\n  {}\n\nSQLite:\n{}\nPostgreSQL:\n{}",
        diffs.join("\n  "),
        render(&sqlite_schema),
        render(&postgres_schema)
    );
}

fn migration_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn migration_folders_hold_the_same_files() {
    let postgres_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let sqlite_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../gateway-sqlite/migrations");
    let postgres = migration_files(&postgres_dir);
    let sqlite = migration_files(&sqlite_dir);
    assert!(!postgres.is_empty(), "no migrations in {}", postgres_dir.display());
    assert_eq!(
        sqlite, postgres,
        "crates/gateway-sqlite/migrations (left) and crates/gateway-postgres/migrations (right) must hold the same file names"
    );
}

/// The comparison itself catches what it is for, without a database.
#[test]
fn differences_are_found() {
    let col = |ty: &str, nullable: bool| Column { ty: ty.into(), nullable };
    let schema = |tables: &[(&str, &[(&str, Column)])]| -> Schema {
        tables
            .iter()
            .map(|(t, cols)| (t.to_string(), cols.iter().map(|(c, col)| (c.to_string(), col.clone())).collect()))
            .collect()
    };
    let lite = schema(&[
        (
            "items",
            &[
                ("id", col("BLOB", false)),
                ("n", col("INTEGER", false)),
                ("at", col("DATETIME", true)),
                ("flag", col("BOOLEAN", false)),
                ("gone", col("TEXT", false)),
                ("odd", col("REAL", false)),
            ],
        ),
        ("lonely", &[("id", col("BLOB", false))]),
    ]);
    let same = lite.clone();
    let postgres = schema(&[(
        "items",
        &[
            ("id", col("uuid", false)),
            ("n", col("integer", false)),
            ("at", col("timestamp with time zone", false)),
            ("flag", col("boolean", false)),
            ("extra", col("text", true)),
            ("odd", col("double precision", false)),
        ],
    )]);
    let diffs = differences(&lite, &postgres);
    let expect = [
        "items.n: SQLite INTEGER but PostgreSQL integer",
        "items.at: NULL on SQLite but NOT NULL on PostgreSQL",
        "items.gone: only on SQLite",
        "items.extra: only on PostgreSQL",
        "items.odd: SQLite type \"REAL\"",
        "table lonely: only on SQLite",
    ];
    for wanted in expect {
        assert!(diffs.iter().any(|d| d.starts_with(wanted)), "missing {wanted:?} in {diffs:#?}");
    }
    assert_eq!(diffs.len(), expect.len(), "{diffs:#?}");

    let matching = schema(&[
        (
            "items",
            &[
                ("id", col("bytea", false)),
                ("n", col("bigint", false)),
                ("at", col("timestamp with time zone", true)),
                ("flag", col("boolean", false)),
                ("gone", col("text", false)),
            ],
        ),
        ("lonely", &[("id", col("uuid", false))]),
    ]);
    let mut lite_without_odd = same;
    if let Some(items) = lite_without_odd.get_mut("items") {
        items.remove("odd");
    }
    assert_eq!(differences(&lite_without_odd, &matching), Vec::<String>::new());
}
