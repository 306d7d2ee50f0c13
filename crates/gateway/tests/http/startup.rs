//! Start-up as `gateway serve` does it: the first operator and the demo data.

use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn demo_data_fills_an_empty_database_once() {
    let s = spawn_with(|settings| settings.demo = true).await;
    let admin = s.admin().await;
    let merchants = s.get("/api/v1/admin/merchants?limit=200", Some(&admin)).await;
    let items = merchants.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 12);
    assert_eq!(items.iter().filter(|m| m["status"] == "pending").count(), 2);
    let states: std::collections::BTreeSet<&str> = items.iter().map(|m| m["state"].as_str().unwrap()).collect();
    assert!(states.len() >= 8, "Midwest states: {states:?}");
    let mut products = 0;
    let mut classes = std::collections::BTreeSet::new();
    for m in &items {
        let id = m["id"].as_str().unwrap();
        let page = s.get(&format!("/api/v1/merchants/{id}/products?limit=200"), Some(&admin)).await;
        for p in page.ok(200)["items"].as_array().unwrap() {
            products += 1;
            classes.insert(p["tax_class"].as_str().unwrap().to_string());
            assert!(p["price_cny"].is_string(), "the demo sets an FX rate");
        }
    }
    assert!((50..=60).contains(&products), "{products} demo products");
    assert_eq!(classes.len(), 8);
    // The configured operator was used, and the demo accounts can sign in.
    let login = s
        .post("/api/v1/auth/login", None, &json!({"email": "shopper@demo.gateway.test", "password": "gateway-demo"}))
        .await;
    assert_eq!(login.ok(200)["user"]["role"], "consumer");
    let demo_operator = s
        .post("/api/v1/auth/login", None, &json!({"email": "operator@demo.gateway.test", "password": "gateway-demo"}))
        .await;
    demo_operator.problem(401, "unauthorized");

    // A second start over the same database adds nothing.
    let (settings, _dir) = another_server(&s);
    let again = gateway::prepare(&settings).await.unwrap();
    assert!(again.demo.is_none());
    let merchants = s.get("/api/v1/admin/merchants?limit=200", Some(&admin)).await;
    assert_eq!(merchants.body["items"].as_array().unwrap().len(), 12);
}

#[tokio::test]
async fn no_demo_means_an_empty_catalog() {
    let s = spawn().await;
    let admin = s.admin().await;
    assert_eq!(s.get("/api/v1/admin/merchants", Some(&admin)).await.ok(200)["items"], json!([]));
}

#[tokio::test]
async fn without_configured_operator_the_demo_brings_its_own() {
    let s = spawn_with(|settings| {
        settings.demo = true;
        settings.admin_email = None;
        settings.admin_password = None;
    })
    .await;
    let login = s
        .post("/api/v1/auth/login", None, &json!({"email": "operator@demo.gateway.test", "password": "gateway-demo"}))
        .await;
    assert_eq!(login.ok(200)["user"]["role"], "operator");
}

#[tokio::test]
async fn the_first_operator_is_created_only_when_none_exists() {
    let s = spawn().await;
    let (mut later, _dir) = another_server(&s);
    later.admin_email = Some("second@gateway.test".into());
    later.admin_password = Some("another-password".into());
    let prepared = gateway::prepare(&later).await.unwrap();
    assert!(prepared.demo.is_none());
    let login = s
        .post("/api/v1/auth/login", None, &json!({"email": "second@gateway.test", "password": "another-password"}))
        .await;
    login.problem(401, "unauthorized");
    s.admin().await;

    let (mut half, _half_dir) = another_server(&s);
    half.admin_password = None;
    assert!(gateway::prepare(&half).await.is_err(), "e-mail without password is a start-up error");
    let (mut weak, _weak_dir) = another_server(&s);
    weak.admin_password = Some("short".into());
    weak.admin_email = Some("weak@gateway.test".into());
    let err = gateway::prepare(&weak).await.err().unwrap().to_string();
    assert!(err.contains("GATEWAY_ADMIN_PASSWORD"), "{err}");
}

/// Settings of another server over the same database: a data directory of its own,
/// since each server keeps its own search index there.
fn another_server(s: &TestServer) -> (gateway::config::Settings, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = s.settings.clone();
    settings.database_url = Some(s.settings.effective_database_url());
    settings.data_dir = dir.path().to_path_buf();
    (settings, dir)
}

#[tokio::test]
async fn a_data_directory_serves_one_process_at_a_time() {
    let s = spawn().await;
    let Err(error) = gateway::prepare(&s.settings).await else {
        panic!("a second process on the same data directory must be refused")
    };
    let message = format!("{error:#}");
    assert!(message.contains("search index") && message.contains("another gateway process"), "{message}");
}
