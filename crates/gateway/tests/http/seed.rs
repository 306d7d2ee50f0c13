//! `gateway seed` beside a running server: the counts, every product's status as the
//! listing check decides it, a seeded consumer who signs in with the documented
//! password and checks out, and the server's search index rebuilt from the load.

use crate::buying::{cart_with, checkout};
use crate::common::*;
use crate::search::search_path;
use gateway_core::positive_list::ListingFacts;
use gateway_core::product::{ProductStatus, listing_verdict};
use gateway_store::{PageRequest, Store};
use serde_json::json;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn seed(s: &TestServer, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gateway"))
        .arg("seed")
        .args(args)
        .arg("--data-dir")
        .arg(&s.settings.data_dir)
        .env("GATEWAY_DATABASE_URL", s.settings.effective_database_url())
        .env("GATEWAY_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("GATEWAY_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("GATEWAY_LOG", "warn")
        .output()
        .unwrap()
}

/// The number in "(N for sale)" of the seed's summary.
fn for_sale_in(stdout: &str) -> u64 {
    let (_, rest) = stdout.split_once(" products (").unwrap();
    rest.split_once(' ').unwrap().0.parse().unwrap()
}

async fn every_product(store: &dyn Store) -> Vec<(gateway_store::Merchant, gateway_store::Product)> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = store.list_merchants(None, PageRequest { after, limit: 100 }).await.unwrap();
        for merchant in page.items {
            let products = store.list_products(merchant.id, false, PageRequest { after: None, limit: 500 }).await;
            for product in products.unwrap().items {
                all.push((merchant.clone(), product));
            }
        }
        match page.next {
            Some(next) => after = Some(next),
            None => return all,
        }
    }
}

#[tokio::test]
async fn seed_loads_a_consistent_marketplace_that_a_running_server_sells_and_finds() {
    let s = spawn().await;
    let out = seed(&s, &["--merchants", "30", "--products", "120", "--consumers", "10", "--seed", "7"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stdout} {}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("seeded 30 merchants, 120 products ("), "{stdout}");
    assert!(stdout.contains("10 consumers"), "{stdout}");
    assert!(stdout.contains("Exchange rate set to 7.10"), "{stdout}");
    let for_sale = for_sale_in(&stdout);
    assert!(for_sale > 0, "{stdout}");

    // Counts, and every product's status is the one the listing check gives it.
    let store = gateway::open_store(&s.settings.effective_database_url(), 2).await.unwrap();
    let products = every_product(store.as_ref()).await;
    let merchants: std::collections::HashSet<_> = products.iter().map(|(m, _)| m.id).collect();
    assert_eq!(products.len(), 120);
    assert!(merchants.len() > 10, "products spread over the merchants: {}", merchants.len());
    let mut statuses = std::collections::HashMap::new();
    for (merchant, product) in &products {
        let f = &product.fields;
        let class = store.tax_class(&f.tax_class).await.unwrap().unwrap();
        let entry = store.positive_list_entry_for(&f.hs_code).await.unwrap();
        let facts = ListingFacts {
            class: &class,
            entry: entry.as_ref(),
            hs_code: &f.hs_code,
            merchant_has_food_registration: merchant.profile.food_registration_no.is_some(),
            fulfilment: merchant.profile.fulfilment,
        };
        let verdict = listing_verdict(&facts, f.status == ProductStatus::Delisted);
        assert_eq!((f.status, &f.problems, &f.annual_cap), (verdict.status, &verdict.problems, &verdict.annual_cap));
        assert!(entry.is_some_and(|e| e.tax_class == f.tax_class) || f.tax_class == "meat", "{}", f.hs_code);
        assert!(f.price.minor() > 0 && f.weight_g > 0 && f.net_content_milli > 0 && f.stock >= 0);
        *statuses.entry(f.status).or_insert(0) += 1;
    }
    let chinese = products.iter().filter(|(_, p)| p.fields.title_zh.is_some()).count();
    assert!(chinese * 10 >= products.len() * 9, "most titles have Chinese: {chinese} of {}", products.len());
    assert!(statuses.get(&ProductStatus::Listed).copied().unwrap_or(0) > 0, "{statuses:?}");
    let counted = products.iter().filter(|(_, p)| p.for_sale()).count() as u64;
    assert_eq!(counted, for_sale);

    // The server notices the load and rebuilds its index from the catalog.
    let started = Instant::now();
    loop {
        let total = s.get("/api/v1/search?per_page=1", None).await.ok(200)["total"].as_u64().unwrap();
        if total == for_sale {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the index has {total} of {for_sale} products");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (_, sold) = products
        .iter()
        .find(|(_, p)| p.for_sale() && p.fields.stock > 0 && p.fields.price.minor() < 20_000)
        .expect("a product for sale under 200 USD");
    let title = sold.fields.title_en.clone();
    let hits = s.get(&search_path(&[("q", &title), ("per_page", "100")]), None).await;
    let ids: Vec<&str> = hits.ok(200)["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&sold.id.to_string().as_str()), "searching {title:?} finds the product");
    s.get(&format!("/products/{}", sold.id), None).await.ok(200);

    // A seeded consumer signs in with the documented password and buys it.
    let login = s
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "consumer-7-0@seed.gateway.test", "password": gateway_app::seed::SEED_PASSWORD}),
        )
        .await;
    let token = login.ok(200)["token"].as_str().unwrap().to_string();
    let identity = s.get("/api/v1/me/identity", Some(&token)).await;
    assert!(identity.ok(200)["id_number_masked"].as_str().unwrap().contains("**********"));
    let cart = cart_with(&s, &token, &[(&sold.id.to_string(), 1)]).await;
    checkout(&s, &token, &cart, "seeded-1").await.ok(201);
    let merchant_login = s
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "merchant-7-0@seed.gateway.test", "password": gateway_app::seed::SEED_PASSWORD}),
        )
        .await;
    merchant_login.ok(200);

    // A database with data is refused without --append; with it, another seed adds.
    let again = seed(&s, &["--merchants", "2", "--products", "3", "--seed", "7"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--append"), "{}", String::from_utf8_lossy(&again.stderr));
    let more = seed(&s, &["--merchants", "2", "--products", "3", "--seed", "8", "--append"]);
    assert!(more.status.success(), "{}", String::from_utf8_lossy(&more.stderr));
    assert_eq!(every_product(store.as_ref()).await.len(), 123);
}

#[tokio::test]
async fn the_same_seed_makes_the_same_catalog() {
    let catalog = |s: TestServer| async move {
        let out = seed(&s, &["--merchants", "5", "--products", "12", "--seed", "3"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let store = gateway::open_store(&s.settings.effective_database_url(), 2).await.unwrap();
        let mut rows: Vec<String> = every_product(store.as_ref())
            .await
            .into_iter()
            .map(|(m, p)| {
                format!("{} {} {} {} {}", m.id, m.profile.display_name_en, p.id, p.fields.sku, p.fields.price)
            })
            .collect();
        rows.sort();
        rows
    };
    let first = catalog(spawn().await).await;
    assert_eq!(first.len(), 12);
    assert_eq!(first, catalog(spawn().await).await);
}
