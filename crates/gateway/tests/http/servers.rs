//! Issue 7: several servers on one database. Each event of the outbox is delivered
//! once, by one of them; every server answers searches from its own index, with what
//! was written through the others; the last unit sells once across them.

use crate::common::*;
use crate::shop::{cart_with, checkout, product, shopper};
use async_trait::async_trait;
use gateway_app::dispatch::EventSink;
use gateway_store::OutboxEvent;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Records the ids of the events one server delivered.
#[derive(Default)]
struct Recorder(Mutex<Vec<i64>>);

#[async_trait]
impl EventSink for Recorder {
    async fn deliver(&self, event: &OutboxEvent) -> Result<(), String> {
        self.0.lock().unwrap().push(event.id);
        Ok(())
    }
}

/// A second server on the first one's database and identity key, with its own data
/// directory (and search index), delivering to `sink`.
async fn another_server(first: &TestServer, sink: Arc<Recorder>) -> TestServer {
    let database = first.settings.database_url.clone().unwrap_or_else(|| first.settings.effective_database_url());
    let key = std::fs::read_to_string(first.settings.data_dir.join("identity.key")).unwrap();
    spawn_custom(
        move |settings| {
            settings.database_url = Some(database);
            settings.identity_key = Some(key);
        },
        move |app| app.with_event_sink(sink),
    )
    .await
}

async fn backlog(s: &TestServer, admin: &str) -> i64 {
    let text = s.get("/metrics", Some(admin)).await.text;
    let line = text.lines().find(|l| l.starts_with("gateway_outbox_backlog ")).expect("the backlog in /metrics");
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn servers_on_one_database_share_deliveries_search_alike_and_sell_once() {
    let (first_sink, second_sink) = (Arc::new(Recorder::default()), Arc::new(Recorder::default()));
    let a = spawn_custom(|_| {}, {
        let sink = first_sink.clone();
        move |app| app.with_event_sink(sink)
    })
    .await;
    let b = another_server(&a, second_sink.clone()).await;
    a.set_fx("7.10").await;

    // Writes through both servers: merchants, products, orders.
    let (token_a, merchant_a) = a.merchant("first-farm@example.com", true, true).await;
    let (token_b, merchant_b) = b.merchant("second-farm@example.com", true, true).await;
    let mut products = Vec::new();
    for i in 0..10 {
        products.push(product(&a, &token_a, &merchant_a, json!({"stock": 50 + i})).await);
    }
    let cherries = json!({"title": {"en": "Dried Montmorency Cherries", "zh": "蒙莫朗西樱桃干"},
        "description": {"en": "Tart cherries, dried in Michigan."}, "stock": 1});
    let last_one = product(&b, &token_b, &merchant_b, cherries).await;

    // The last unit, bought through both servers at once, sells once.
    let (buyer_a, buyer_b) = (shopper(&a).await, shopper(&b).await);
    let (cart_a, cart_b) =
        (cart_with(&a, &buyer_a, &[(&last_one, 1)]).await, cart_with(&b, &buyer_b, &[(&last_one, 1)]).await);
    let (one, two) = tokio::join!(checkout(&a, &buyer_a, &cart_a, "race-a"), checkout(&b, &buyer_b, &cart_b, "race-b"));
    let mut statuses = vec![one.status.as_u16(), two.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, vec![201, 409], "{} / {}", one.text, two.text);

    // Every event is delivered, once, by one server or the other.
    let admin = a.admin().await;
    let mut waited = 0;
    while backlog(&a, &admin).await > 0 {
        assert!(waited < 100, "the outbox was not drained in 10 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += 1;
    }
    let mut delivered: Vec<i64> =
        first_sink.0.lock().unwrap().iter().chain(second_sink.0.lock().unwrap().iter()).copied().collect();
    let count = delivered.len();
    delivered.sort_unstable();
    delivered.dedup();
    assert_eq!(delivered.len(), count, "an event was delivered twice");
    assert!(count >= 14, "11 products, 2 merchants, 1 order at least: {count} events delivered");
    assert_eq!(backlog(&b, &admin).await, 0, "both servers see the same backlog");

    // Both indexes follow both servers' writes.
    for server in [&a, &b] {
        let mut found = 0;
        for _ in 0..50 {
            let answer = server.get("/api/v1/search?q=%E6%A8%B1%E6%A1%83%E5%B9%B2", None).await;
            found = answer.ok(200)["total"].as_i64().unwrap_or(0);
            if found >= 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(found, 1, "樱桃干 through {}", server.base);
        let honey = server.get("/api/v1/search?q=honey&per_page=50", None).await;
        assert_eq!(honey.ok(200)["total"], 10, "the ten honey jars through {}", server.base);
    }
}

/// Each server keeps a copy of the FX rate, the tax classes and the freight tariff
/// (`gateway_app::reference`). A change made through one server reaches the other's
/// quotes through the outbox, well before the copy would expire on its own.
#[tokio::test]
async fn a_price_table_changed_through_one_server_prices_the_others_quotes() {
    let a = spawn().await;
    let b = another_server(&a, Arc::new(Recorder::default())).await;
    a.set_fx("7").await;
    let (token, merchant) = a.merchant("farm@example.com", true, true).await;
    let honey = product(&a, &token, &merchant, json!({"price_usd": "10.00", "weight_g": 400})).await;
    let buyer = shopper(&b).await;
    let cart = cart_with(&b, &buyer, &[(&honey, 1)]).await;
    let quote = || async { b.get(&format!("/api/v1/carts/{cart}/quote"), Some(&buyer)).await.ok(200).clone() };
    let priced = |q: &serde_json::Value| {
        let order = &q["orders"][0];
        (q["fx_rate"].clone(), order["freight"].clone(), order["vat"].clone())
    };
    // Goods 70.00 + freight 40.00: VAT 9% × 70% of 110.00 = 6.93. Now in b's copy.
    assert_eq!(priced(&quote().await), (json!("7"), json!("40.00"), json!("6.93")));

    let admin = a.admin().await;
    a.set_fx("8").await;
    let vat = crate::admin::agri(json!({"vat_rate": "0.13"}));
    a.put("/api/v1/admin/tax-classes/agri", Some(&admin), &vat).await.ok(200);
    let freight = json!({"direct_first_500g": "35.50", "direct_each_further_500g": "15", "bonded_flat": "8"});
    a.put("/api/v1/admin/freight", Some(&admin), &freight).await.ok(200);

    // Goods 80.00 + freight 35.50: VAT 13% × 70% of 115.50 = 10.5105.
    let expected = (json!("8"), json!("35.50"), json!("10.51"));
    let patience = gateway_app::reference::MAX_AGE / 2;
    let started = std::time::Instant::now();
    let mut seen = priced(&quote().await);
    while seen != expected && started.elapsed() < patience {
        tokio::time::sleep(Duration::from_millis(50)).await;
        seen = priced(&quote().await);
    }
    assert_eq!(seen, expected, "b's quote {patience:?} after the changes through a");
}
