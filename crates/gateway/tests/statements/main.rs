//! The SQL one checkout runs (issue 7): every statement the server sends to the
//! database while it answers `POST /api/v1/checkout`, recorded from sqlx's own
//! statement log. The count must not grow with the cart, and the statements of a
//! one-line checkout are kept in `tools/bench/checkout-statements-<engine>.sql`, the
//! reference the pgbench script and the raw SQLite loop are checked against.
//!
//! Its own test binary (process): it installs a global tracing subscriber, which hears
//! every thread of the process, and its server runs without the search follower, so
//! what it records is the request's SQL and nothing else.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

#[path = "../http/common.rs"]
mod common;
#[path = "../http/shop.rs"]
mod shop;

use common::*;
use serde_json::json;
use shop::*;
use std::sync::Mutex;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

static RECORDED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records the SQL of every `sqlx::query` event: sqlx logs each statement it runs,
/// its full text in `db.statement` when the one-line `summary` shortens it.
struct StatementRecorder;

#[derive(Default)]
struct StatementFields {
    summary: String,
    statement: String,
}

impl Visit for StatementFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "summary" => self.summary = value.to_string(),
            "db.statement" => self.statement = value.to_string(),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if matches!(field.name(), "summary" | "db.statement") {
            let text = format!("{value:?}");
            self.record_str(field, text.trim_matches('"'));
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for StatementRecorder {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut fields = StatementFields::default();
        event.record(&mut fields);
        let sql = if fields.statement.trim().is_empty() { fields.summary } else { fields.statement };
        RECORDED.lock().unwrap().push(sql.split_whitespace().collect::<Vec<_>>().join(" "));
    }
}

/// What was recorded since the last call, without the PRAGMAs a new SQLite
/// connection runs once when the pool opens it (not part of any request).
fn take_recorded() -> Vec<String> {
    let recorded = std::mem::take(&mut *RECORDED.lock().unwrap());
    recorded.into_iter().filter(|sql| !sql.starts_with("PRAGMA ")).collect()
}

/// The statement with every list of placeholders (`$1, $2` in an IN list, or the rows
/// of a VALUES list) reduced to one mark: the shape, whatever the cart's size.
fn shape(sql: &str) -> String {
    let mut out = String::new();
    let mut rest = sql;
    while let Some(open) = rest.find('(') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        // A run of "($n, …)" groups separated by ", ", or one "(" + "$n, …" + ")".
        let list_end = placeholder_list_end(after);
        match list_end {
            Some(end) => {
                out.push_str("(…)");
                rest = &after[end..];
            }
            None => {
                out.push('(');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// If `s` starts with "(" followed by only placeholders, commas, spaces and nested
/// parentheses of the same, up to its matching ")" and any further ", (…)" groups,
/// the byte length of that run.
fn placeholder_list_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut end = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    end = Some(i + 1);
                    // Another group follows: ", (" (the loop takes its "(").
                    if s[i + 1..].starts_with(", (") {
                        i += 3;
                        continue;
                    }
                    break;
                }
            }
            b'$' | b'0'..=b'9' | b',' | b' ' => {}
            _ => return None,
        }
        i += 1;
    }
    end
}

#[test]
fn shapes_reduce_lists_of_any_length() {
    assert_eq!(shape("WHERE id IN ($1, $2, $3) ORDER BY id"), "WHERE id IN (…) ORDER BY id");
    assert_eq!(shape("VALUES ($2, $3), ($4, $5) AS l"), "VALUES (…) AS l");
    assert_eq!(shape("VALUES ($2, $3) AS l"), "VALUES (…) AS l");
    assert_eq!(shape("SELECT 1 FROM m WHERE (a = $1)"), "SELECT 1 FROM m WHERE (a = $1)");
    assert_eq!(shape("INSERT INTO t (a, b) VALUES ($1, $2)"), "INSERT INTO t (a, b) VALUES (…)");
}

fn engine() -> &'static str {
    match std::env::var("GATEWAY_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => "postgres",
        _ => "sqlite",
    }
}

#[tokio::test]
async fn a_checkout_runs_the_same_statements_whatever_the_cart_size() {
    let subscriber = tracing_subscriber::registry().with(StatementRecorder);
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber of this process");

    let s = spawn_quiet().await;
    s.set_fx("7.20").await;
    // Twelve products of three merchants: the 12-line cart is three orders.
    let mut products = Vec::new();
    for m in 0..3 {
        let (token, merchant) = s.merchant(&format!("farm{m}@example.com"), true, true).await;
        for _ in 0..4 {
            products.push(product(&s, &token, &merchant, json!({"price_usd": "2.00"})).await);
        }
    }
    let buyer = shopper(&s).await;

    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    take_recorded();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        take_recorded(),
        Vec::<String>::new(),
        "the server runs SQL while idle: the counts below would be wrong"
    );

    let mut runs: Vec<(usize, Vec<String>)> = Vec::new();
    for lines in [1, 4, 12] {
        let items: Vec<(&str, i64)> = products[..lines].iter().map(|p| (p.as_str(), 1)).collect();
        let cart = cart_with(&s, &buyer, &items).await;
        // The quote puts the FX rate, tax classes and freight tariff in the server's
        // copy (`gateway_app::reference`), where a server under load has them.
        s.get(&format!("/api/v1/carts/{cart}/quote"), Some(&buyer)).await.ok(200);
        take_recorded();
        let placed = checkout(&s, &buyer, &cart, &format!("statements-{lines}")).await;
        let statements = take_recorded();
        placed.ok(201);
        assert_eq!(placed.body["orders"].as_array().unwrap().len(), lines.div_ceil(4), "{}", placed.text);
        runs.push((lines, statements));
    }

    let (_, one_line) = &runs[0];
    println!("{} statements per checkout on {}:", one_line.len(), engine());
    for sql in one_line {
        println!("  {sql}");
    }
    assert!(one_line.len() >= 10, "too few statements recorded to be a checkout: {one_line:#?}");
    let one_line_shapes: Vec<String> = one_line.iter().map(|sql| shape(sql)).collect();
    for (lines, statements) in &runs[1..] {
        let shapes: Vec<String> = statements.iter().map(|sql| shape(sql)).collect();
        if shapes != one_line_shapes {
            let at = shapes.iter().zip(&one_line_shapes).take_while(|(a, b)| a == b).count();
            panic!(
                "a {lines}-line checkout ran other statements than a one-line one ({} against {}); from statement \
                 {at} on:\n{:#?}\nagainst\n{:#?}",
                shapes.len(),
                one_line_shapes.len(),
                &shapes[at..],
                &one_line_shapes[at.min(one_line_shapes.len())..]
            );
        }
    }

    let reference = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../tools/bench/checkout-statements-{}.sql", engine()));
    let text: String = one_line.iter().map(|sql| format!("{sql};\n")).collect();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&reference, &text).unwrap();
    }
    let kept = std::fs::read_to_string(&reference).unwrap_or_default();
    assert_eq!(
        kept,
        text,
        "{} is not the SQL of one checkout any more: regenerate it with UPDATE_SNAPSHOTS=1 cargo test \
         --workspace --test statements (on both engines) and bring tools/bench up to date",
        reference.display()
    );
}

/// `sql` with every parameter, `$3` or pgbench's `:name` with its `::type` cast,
/// written `?`.
fn unparameterized(sql: &str) -> String {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut chars = sql.chars().peekable();
    let mut previous = ' ';
    while let Some(c) = chars.next() {
        let starts_parameter = match c {
            '$' => chars.peek().is_some_and(char::is_ascii_digit),
            // Not the second colon of a cast ("x::text").
            ':' => previous != ':' && chars.peek().is_some_and(|&n| ident(n)),
            _ => false,
        };
        previous = c;
        if !starts_parameter {
            out.push(c);
            continue;
        }
        while chars.peek().is_some_and(|&n| ident(n)) {
            chars.next();
        }
        // A cast after the parameter: "::uuid", "::timestamptz".
        let mut ahead = chars.clone();
        if ahead.next() == Some(':') && ahead.next() == Some(':') {
            chars.next();
            chars.next();
            while chars.peek().is_some_and(|&n| ident(n)) {
                chars.next();
            }
        }
        out.push('?');
    }
    out
}

#[test]
fn parameters_are_written_alike() {
    assert_eq!(unparameterized("WHERE id = $12 AND t = $1"), "WHERE id = ? AND t = ?");
    assert_eq!(unparameterized("WHERE id = :cart::uuid AND t = :ts"), "WHERE id = ? AND t = ?");
    assert_eq!(unparameterized("status = 'paid' AND x::text = y"), "status = 'paid' AND x::text = y");
}

/// tools/bench/checkout.pgbench, the limit Gateway is measured against, runs the very
/// statements of a checkout: those the server was recorded sending, in order, with
/// pgbench variables in place of the parameters (and `BEGIN`, which sqlx sends
/// without logging it).
#[test]
fn the_pgbench_script_runs_the_checkouts_statements() {
    let bench = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/bench");
    let script = std::fs::read_to_string(bench.join("checkout.pgbench")).unwrap();
    let reference = std::fs::read_to_string(bench.join("checkout-statements-postgres.sql")).unwrap();
    let (_, checkout) = script.split_once("-- POST /api/v1/checkout").expect("the checkout's section in the script");
    let scripted: Vec<String> = checkout
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("--") && !l.starts_with('\\') && *l != "BEGIN;")
        .map(unparameterized)
        .collect();
    let recorded: Vec<String> = reference.lines().filter(|l| !l.is_empty()).map(unparameterized).collect();
    assert_eq!(scripted, recorded, "tools/bench/checkout.pgbench has drifted from the checkout's SQL");
}
