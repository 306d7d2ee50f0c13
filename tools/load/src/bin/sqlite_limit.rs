//! The SQLite limit: the statements of one Gateway order (tools/bench/checkout.sqlite.json,
//! generated from a capture by tools/bench/gen_pgbench.py --sqlite), executed directly
//! with rusqlite by N worker threads, each on its own connection opened as Gateway's
//! SQLite store opens its writer (WAL, synchronous NORMAL, foreign keys, 10 s busy
//! timeout, a checkpoint every 10,000 pages), against a copy of a Gateway database
//! file. Each worker reads and writes on its one connection; Gateway reads on others.
//!
//! sqlite_limit --db COPY.db --plan checkout.sqlite.json --workers 8 --seconds 20
//!
//! Prints `SQLITE_LIMIT workers=8 seconds=20.0 orders=… failed=… per_s=… p50_ms=… p99_ms=…`.

use anyhow::{Context, anyhow, bail};
use rand::Rng;
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[derive(Deserialize)]
struct Plan {
    statements: Vec<Statement>,
}

#[derive(Deserialize)]
struct Statement {
    sql: String,
    params: Vec<Param>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Param {
    Var { var: String },
    Fixed { r#type: String, value: Option<String> },
}

struct Args {
    db: PathBuf,
    plan: PathBuf,
    workers: usize,
    seconds: f64,
}

fn args() -> anyhow::Result<Args> {
    let mut a = Args { db: PathBuf::new(), plan: PathBuf::new(), workers: 1, seconds: 20.0 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| anyhow!("{flag} needs a value"))?;
        match flag.as_str() {
            "--db" => a.db = value.into(),
            "--plan" => a.plan = value.into(),
            "--workers" => a.workers = value.parse()?,
            "--seconds" => a.seconds = value.parse()?,
            _ => bail!("unknown flag {flag}; see the comment at the top of sqlite_limit.rs"),
        }
    }
    if a.db.as_os_str().is_empty() || a.plan.as_os_str().is_empty() {
        bail!("usage: sqlite_limit --db COPY.db --plan checkout.sqlite.json [--workers N] [--seconds S]");
    }
    Ok(a)
}

fn open(path: &PathBuf) -> anyhow::Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // As crates/gateway-sqlite opens its writer.
    conn.pragma_update(None, "wal_autocheckpoint", 10_000)?;
    conn.set_prepared_statement_cache_capacity(100);
    Ok(conn)
}

/// What stays the same for every order: the consumer (its user id and session token
/// hash) and the load merchant's products.
struct Fixed {
    uid: Vec<u8>,
    tok: Vec<u8>,
    mid: Vec<u8>,
    products: Vec<Vec<u8>>,
}

fn fixed(conn: &Connection) -> anyhow::Result<Fixed> {
    let now = timestamp();
    let (uid, tok): (Vec<u8>, Vec<u8>) = conn
        .query_row(
            "SELECT s.user_id, s.token_hash FROM sessions s JOIN identities i ON i.user_id = s.user_id \
             JOIN users u ON u.id = s.user_id WHERE u.role = 'consumer' AND s.expires_at > ?1 LIMIT 1",
            [&now],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .context("no consumer with an identity and a live session: run gateway-load --scenarios checkout first")?;
    let mid: Vec<u8> = conn
        .query_row(
            "SELECT m.id FROM merchants m JOIN users u ON u.id = m.owner_id WHERE u.email = 'load-merchant@load.gateway.test'",
            [],
            |r| r.get(0),
        )
        .context("no load merchant: run gateway-load first")?;
    let mut stmt = conn.prepare("SELECT id FROM products WHERE merchant_id = ?1 ORDER BY id LIMIT 100")?;
    let products = stmt.query_map([&mid], |r| r.get::<_, Vec<u8>>(0))?.collect::<Result<Vec<_>, _>>()?;
    if products.len() < 2 {
        bail!("the load merchant has fewer than 2 products");
    }
    Ok(Fixed { uid, tok, mid, products })
}

/// sqlx's text form of a `DateTime<Utc>` in SQLite.
fn timestamp() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:06}+00:00",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_micros()
    )
}

/// Days since 1970-01-01 → (year, month, day), H. Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A UUIDv7-like id as Gateway makes them: 48 bits of milliseconds, then random.
fn uuid7(rng: &mut impl Rng) -> [u8; 16] {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as u64;
    let mut b: [u8; 16] = rng.random();
    b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    b[6] = 0x70 | (b[6] & 0x0f);
    b[8] = 0x80 | (b[8] & 0x3f);
    b
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn uuid_text(b: &[u8; 16]) -> String {
    let h = hex(b);
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

fn fixed_value(kind: &str, value: Option<&str>) -> anyhow::Result<Value> {
    let v = value.unwrap_or_default();
    Ok(match kind {
        "null" => Value::Null,
        "int" => Value::Integer(v.parse()?),
        "text" => Value::Text(v.to_string()),
        "uuid" => Value::Blob(
            (0..16).map(|i| u8::from_str_radix(&v.replace('-', "")[2 * i..2 * i + 2], 16)).collect::<Result<_, _>>()?,
        ),
        "blob" => {
            let h = v.trim_start_matches("\\x");
            Value::Blob(
                (0..h.len() / 2).map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16)).collect::<Result<_, _>>()?,
            )
        }
        other => bail!("unknown parameter type {other}"),
    })
}

/// The variables of one order.
fn order_vars(fixed: &Fixed, rng: &mut impl Rng) -> HashMap<&'static str, Value> {
    let (cart, pay, ord) = (uuid7(rng), uuid7(rng), uuid7(rng));
    let a = rng.random_range(0..fixed.products.len());
    let b = (a + rng.random_range(1..fixed.products.len())) % fixed.products.len();
    let idh: [u8; 32] = rng.random();
    HashMap::from([
        ("uid", Value::Blob(fixed.uid.clone())),
        ("tok", Value::Blob(fixed.tok.clone())),
        ("mid", Value::Blob(fixed.mid.clone())),
        ("p1", Value::Blob(fixed.products[a].clone())),
        ("p2", Value::Blob(fixed.products[b].clone())),
        ("cart", Value::Blob(cart.to_vec())),
        ("pay", Value::Blob(pay.to_vec())),
        ("ord", Value::Blob(ord.to_vec())),
        ("idem", Value::Text(format!("sql-{}", hex(&cart)))),
        ("pref", Value::Text(format!("sbx_{}", hex(&pay)))),
        ("payload", Value::Text(format!("{{\"order_id\":\"{}\",\"status\":\"paid\"}}", uuid_text(&ord)))),
        ("idh", Value::Blob(idh.to_vec())),
        ("ts", Value::Text(timestamp())),
    ])
}

fn run_order(conn: &Connection, plan: &Plan, vars: &HashMap<&'static str, Value>) -> anyhow::Result<()> {
    for s in &plan.statements {
        let mut stmt = conn.prepare_cached(&s.sql).with_context(|| s.sql.clone())?;
        for (i, p) in s.params.iter().enumerate() {
            let name = format!("${}", i + 1);
            let Some(index) = stmt.parameter_index(&name)? else { continue };
            let value = match p {
                Param::Var { var } => vars.get(var.as_str()).cloned().ok_or_else(|| anyhow!("no variable {var}"))?,
                Param::Fixed { r#type, value } => fixed_value(r#type, value.as_deref())?,
            };
            stmt.raw_bind_parameter(index, value)?;
        }
        let columns = stmt.column_count();
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next()? {
            for c in 0..columns {
                let _ = row.get_ref(c)?;
            }
        }
    }
    Ok(())
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    f64::from(sorted[i]) / 1000.0
}

fn main() -> anyhow::Result<()> {
    let args = args()?;
    let plan: Plan = serde_json::from_str(&std::fs::read_to_string(&args.plan)?)?;
    let fixed = std::sync::Arc::new(fixed(&open(&args.db)?)?);
    let plan = std::sync::Arc::new(plan);
    let deadline = Instant::now() + Duration::from_secs_f64(args.seconds);
    let started = Instant::now();
    let handles: Vec<_> = (0..args.workers)
        .map(|_| {
            let (fixed, plan, db) = (fixed.clone(), plan.clone(), args.db.clone());
            std::thread::spawn(move || -> anyhow::Result<(Vec<u32>, usize, Option<String>)> {
                let conn = open(&db)?;
                let mut rng = rand::rng();
                let (mut times, mut failed, mut first_error) = (Vec::new(), 0, None);
                while Instant::now() < deadline {
                    let vars = order_vars(&fixed, &mut rng);
                    let t = Instant::now();
                    match run_order(&conn, &plan, &vars) {
                        Ok(()) => times.push(t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32),
                        Err(e) => {
                            failed += 1;
                            first_error.get_or_insert_with(|| format!("{e:#}"));
                            let _ = conn.execute_batch("ROLLBACK");
                        }
                    }
                }
                Ok((times, failed, first_error))
            })
        })
        .collect();
    let (mut times, mut failed) = (Vec::new(), 0);
    for h in handles {
        let (t, f, e) = h.join().map_err(|_| anyhow!("a worker panicked"))??;
        times.extend(t);
        failed += f;
        if let Some(e) = e {
            eprintln!("sqlite_limit: a failed order: {e}");
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    times.sort_unstable();
    println!(
        "SQLITE_LIMIT workers={} seconds={seconds:.1} statements_per_order={} orders={} failed={failed} per_s={:.1} p50_ms={:.2} p99_ms={:.2}",
        args.workers,
        plan.statements.len(),
        times.len(),
        times.len() as f64 / seconds,
        percentile(&times, 0.50),
        percentile(&times, 0.99),
    );
    Ok(())
}
