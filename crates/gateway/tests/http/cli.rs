//! The real binary, as an operator runs it: settings from flags and environment,
//! `migrate`, and a graceful stop on SIGTERM.

use crate::common::*;
use gateway_store_conformance::pg::fresh_database;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The database for a child process: a fresh PostgreSQL one when the suite runs on
/// PostgreSQL, else the SQLite default in the data directory.
async fn database_env() -> (Vec<(&'static str, String)>, Option<gateway_store_conformance::pg::DatabaseGuard>) {
    match std::env::var("GATEWAY_TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            let (url, guard) = fresh_database(&base).await.unwrap();
            (vec![("GATEWAY_DATABASE_URL", url)], Some(guard))
        }
        _ => (Vec::new(), None),
    }
}

#[tokio::test]
async fn serve_from_flags_and_environment_then_stop_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (db_env, _guard) = database_env().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_gateway"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("GATEWAY_ADMIN_EMAIL", "ops@gateway.test")
        .env("GATEWAY_ADMIN_PASSWORD", "ops-password-1")
        .env_remove("GATEWAY_DATABASE_URL")
        .envs(db_env)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut banner = Vec::new();
    let url = loop {
        let line = rx.recv_timeout(Duration::from_secs(60)).expect("the server printed its URL");
        banner.push(line.clone());
        if let Some(url) = line.strip_prefix("Gateway is running at ") {
            break url.to_string();
        }
    };
    // The demo loads into the empty database, with the configured operator.
    let client = reqwest::Client::new();
    let login = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"email": "ops@gateway.test", "password": "ops-password-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let products = client.get(format!("{url}/api/v1/tax-classes")).send().await.unwrap();
    assert_eq!(products.status(), 200);
    while let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
        banner.push(line);
    }
    let banner = banner.join("\n");
    assert!(banner.contains("Demo data loaded: 12 merchants"), "{banner}");
    assert!(banner.contains("ops@gateway.test"), "{banner}");
    assert!(!banner.contains("ops-password-1"), "the banner must not print the configured password");

    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = tokio::task::spawn_blocking(move || child.wait()).await.unwrap().unwrap();
    assert!(exit.success(), "gateway exits cleanly on SIGTERM: {exit:?}");
    if std::env::var("GATEWAY_TEST_DATABASE_URL").map_or(true, |u| u.is_empty()) {
        assert!(dir.path().join("gateway.db").exists(), "the embedded database lives in the data directory");
    }
}

#[tokio::test]
async fn migrate_runs_alone_and_bad_settings_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let (db_env, _guard) = database_env().await;
    let out = Command::new(env!("CARGO_BIN_EXE_gateway"))
        .args(["migrate", "--data-dir"])
        .arg(dir.path())
        .env_remove("GATEWAY_DATABASE_URL")
        .envs(db_env)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("migrations applied"));

    let out = Command::new(env!("CARGO_BIN_EXE_gateway"))
        .args(["serve", "--addr", "not-an-address", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--addr"), "{}", String::from_utf8_lossy(&out.stderr));

    let out = Command::new(env!("CARGO_BIN_EXE_gateway"))
        .args(["migrate"])
        .env("GATEWAY_DATABASE_URL", "mysql://nope")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sqlite: or postgres://"));
    let _ = ADMIN_EMAIL;
}

#[tokio::test]
async fn search_reindex_rebuilds_an_index_from_the_database() {
    // A server with the demo catalog; then the command builds another data
    // directory's index from the same database, as an operator would on a new host.
    let s = spawn_with(|settings| settings.demo = true).await;
    let for_sale = s.get("/api/v1/search?per_page=1", None).await.ok(200)["total"].as_u64().unwrap();
    assert!(for_sale >= 40, "the demo has products for sale: {for_sale}");
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gateway"))
        .args(["search", "reindex", "--data-dir"])
        .arg(dir.path())
        .env("GATEWAY_DATABASE_URL", s.settings.effective_database_url())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "reindex failed: {stdout} {}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&format!("search index rebuilt: {for_sale} products for sale")), "{stdout}");
    assert!(dir.path().join("search-index").is_dir(), "the index is in the data directory");
}

#[tokio::test]
async fn import_shopify_previews_then_applies_beside_a_running_server() {
    let s = spawn().await;
    let (token, merchant) = s.merchant("shop@example.com", false, true).await;
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../gateway-app/testdata/shopify/product_template.csv");
    let import = |apply: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_gateway"));
        command.args(["import", "shopify", fixture, "--merchant", &merchant]);
        if apply {
            command.arg("--apply");
        }
        // The server holds its data directory's search index: the command runs beside it.
        command
            .arg("--data-dir")
            .arg(&s.settings.data_dir)
            .env("GATEWAY_DATABASE_URL", s.settings.effective_database_url())
            .env("GATEWAY_LOG", "warn")
            .output()
            .unwrap()
    };
    let products = || async {
        let page = s.get(&format!("/api/v1/merchants/{merchant}/products?limit=200"), Some(&token)).await;
        page.ok(200)["items"].as_array().unwrap().len()
    };

    let out = import(false);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout} {}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("17 rows: 16 products to create, 0 to update, 0 rows failed, 1 image-only rows skipped."));
    assert!(
        stdout.lines().any(|l| l.starts_with("create row 2 ") && l.contains("SRT_COT_111") && l.contains("apparel"))
    );
    assert!(stdout.contains("Nothing was changed."));
    assert_eq!(products().await, 0);

    let out = import(true);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout} {}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("17 rows: 16 products created, 0 updated, 0 rows failed"), "{stdout}");
    assert_eq!(products().await, 16);

    let out = Command::new(env!("CARGO_BIN_EXE_gateway"))
        .args(["import", "shopify", "/nonexistent.csv", "--merchant", &merchant])
        .env("GATEWAY_DATABASE_URL", s.settings.effective_database_url())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent.csv"));
}

/// docs/OPERATIONS.md's backup and restore, as written there: `gateway backup` of a
/// running server on SQLite (pg_dump / pg_restore on PostgreSQL), then a new server on
/// the restored copy answers with the same accounts, orders, stock and identities.
#[tokio::test]
async fn a_backup_taken_while_serving_restores_every_order() {
    use crate::shop::{cart_with, checkout, product, shopper};
    let s = spawn().await;
    s.set_fx("7.10").await;
    let (token, merchant) = s.merchant("backup-farm@example.com", true, true).await;
    let honey = product(&s, &token, &merchant, json!({"stock": 10})).await;
    let buyer = shopper(&s).await;
    let cart = cart_with(&s, &buyer, &[(&honey, 3)]).await;
    let order =
        checkout(&s, &buyer, &cart, "before-backup").await.ok(201)["orders"][0]["id"].as_str().unwrap().to_string();
    let identity = s.get("/api/v1/me/identity", Some(&buyer)).await.ok(200).clone();

    let copy = tempfile::tempdir().unwrap();
    let restored_dir = tempfile::tempdir().unwrap();
    let (restored_url, _restored_guard) = match &s.settings.database_url {
        None => {
            // The server keeps running while the copy is taken.
            let out = Command::new(env!("CARGO_BIN_EXE_gateway"))
                .arg("backup")
                .arg("--data-dir")
                .arg(&s.settings.data_dir)
                .arg(copy.path().join("backup"))
                .env_remove("GATEWAY_DATABASE_URL")
                .env_remove("GATEWAY_IDENTITY_KEY")
                .output()
                .unwrap();
            assert!(out.status.success(), "gateway backup: {}", String::from_utf8_lossy(&out.stderr));
            assert!(String::from_utf8_lossy(&out.stdout).contains("identity key copied"));
            // Restore: the two files into an empty data directory.
            for file in ["gateway.db", "identity.key"] {
                std::fs::copy(copy.path().join("backup").join(file), restored_dir.path().join(file)).unwrap();
            }
            assert_eq!(
                std::fs::read(restored_dir.path().join("identity.key")).unwrap(),
                std::fs::read(s.settings.data_dir.join("identity.key")).unwrap()
            );
            (None, None)
        }
        Some(url) => {
            let dump = copy.path().join("gateway.dump");
            let out = Command::new("pg_dump").args(["--format=custom", "--file"]).arg(&dump).arg(url).output().unwrap();
            assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
            let base = std::env::var("GATEWAY_TEST_DATABASE_URL").unwrap();
            let (restored, guard) = fresh_database(&base).await.unwrap();
            let out = Command::new("pg_restore")
                .args(["--no-owner", "--exit-on-error", "--dbname"])
                .arg(&restored)
                .arg(&dump)
                .output()
                .unwrap();
            assert!(out.status.success(), "pg_restore: {}", String::from_utf8_lossy(&out.stderr));
            // The key comes from the data directory here too (no GATEWAY_IDENTITY_KEY).
            std::fs::copy(s.settings.data_dir.join("identity.key"), restored_dir.path().join("identity.key")).unwrap();
            (Some(restored), Some(guard))
        }
    };
    // An order placed after the backup is not in it.
    let cart = cart_with(&s, &buyer, &[(&honey, 1)]).await;
    checkout(&s, &buyer, &cart, "after-backup").await.ok(201);
    drop(s);

    let restored_path = restored_dir.path().to_path_buf();
    let r = spawn_with(move |settings| {
        settings.data_dir = restored_path;
        settings.database_url = restored_url;
    })
    .await;
    // The same session token, order, stock and identity.
    let orders = r.get("/api/v1/me/orders", Some(&buyer)).await;
    let ids: Vec<&str> =
        orders.ok(200)["items"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![order.as_str()]);
    assert_eq!(r.get(&format!("/api/v1/products/{honey}"), None).await.ok(200)["stock"], 7);
    assert_eq!(r.get("/api/v1/me/identity", Some(&buyer)).await.ok(200), &identity);
    // The restored server takes orders.
    let cart = cart_with(&r, &buyer, &[(&honey, 2)]).await;
    checkout(&r, &buyer, &cart, "after-restore").await.ok(201);
}
