//! What the scenarios draw from, prepared once before any user starts (goose's
//! test_start, against the first host):
//!
//! - catalog: product ids for sale, read from the search API (newest first);
//! - checkout products: the load merchant's own products, `household` under HS
//!   7323 (positive list, no yearly weight cap), $1.00, shipped from a bonded
//!   warehouse (10.00 CNY flat freight), so a consumer's 26,000 CNY annual limit lasts
//!   about a thousand orders; each with stock topped up to 100,000,000 so it never
//!   runs out during a run.

use crate::config::Config;
use crate::http::{call, str_field};
use goose::prelude::*;
use serde_json::{Value, json};
use std::sync::OnceLock;

pub const MERCHANT_EMAIL: &str = "load-merchant@load.gateway.test";
pub const MERCHANT_PASSWORD: &str = "load-merchant-password";
/// Stock each checkout product is topped up to before a run (the API's maximum).
pub const FULL_STOCK: i64 = 100_000_000;
/// A product with less than this left is topped up.
const TOP_UP_BELOW: i64 = 90_000_000;

#[derive(Debug)]
pub struct Fixtures {
    pub catalog: Vec<String>,
    pub checkout_products: Vec<String>,
}

static FIXTURES: OnceLock<Fixtures> = OnceLock::new();

pub fn get() -> &'static Fixtures {
    FIXTURES.get().unwrap_or_else(|| panic!("the fixtures are prepared in test_start, before any user"))
}

/// goose's test_start: prepares the fixtures once.
pub async fn setup(user: &mut GooseUser) -> TransactionResult {
    let config = Config::get();
    user.set_base_url(&config.hosts[0])?;
    let operator = login(user, &config.operator_email, &config.operator_password).await.map_err(|e| {
        format!("signing in the operator {} (LOAD_OPERATOR_EMAIL/PASSWORD): {e}", config.operator_email)
    })?;
    ensure_fx_rate(user, &operator).await?;
    let checkout_products = checkout_products(user, &operator, config.checkout_products).await?;
    let catalog = catalog(user, config.catalog).await?;
    eprintln!(
        "load: {} checkout products of {MERCHANT_EMAIL} (stock topped up to {FULL_STOCK}), {} catalog products",
        checkout_products.len(),
        catalog.len()
    );
    let _ = FIXTURES.set(Fixtures { catalog, checkout_products });
    Ok(())
}

async fn login(user: &mut GooseUser, email: &str, password: &str) -> Result<String, Box<TransactionError>> {
    let body = json!({ "email": email, "password": password });
    let answer = call(user, GooseMethod::Post, "/api/v1/auth/login", "setup: login", None, Some(&body), 200).await?;
    Ok(str_field(&answer, "/token")?.to_string())
}

async fn ensure_fx_rate(user: &mut GooseUser, operator: &str) -> TransactionResult {
    let path = "/api/v1/fx/USD/CNY";
    let request = GooseRequest::builder().path(path).name("setup: fx").build();
    let status = user.request(request).await?.response.map(|r| r.status().as_u16()).unwrap_or(0);
    if status == 404 {
        let body = json!({ "rate": "7.1" });
        call(user, GooseMethod::Put, "/api/v1/admin/fx/USD/CNY", "setup: fx", Some(operator), Some(&body), 200).await?;
    }
    Ok(())
}

/// The load merchant (created, registered and approved on first use) and its products.
async fn checkout_products(
    user: &mut GooseUser,
    operator: &str,
    wanted: usize,
) -> Result<Vec<String>, Box<TransactionError>> {
    let token = match login(user, MERCHANT_EMAIL, MERCHANT_PASSWORD).await {
        Ok(token) => token,
        Err(_) => {
            let body = json!({ "email": MERCHANT_EMAIL, "password": MERCHANT_PASSWORD, "role": "merchant" });
            let answer =
                call(user, GooseMethod::Post, "/api/v1/auth/signup", "setup: signup", None, Some(&body), 201).await?;
            str_field(&answer, "/token")?.to_string()
        }
    };
    let merchant = merchant_profile(user, &token).await?;
    let merchant_id = str_field(&merchant, "/id")?.to_string();
    if str_field(&merchant, "/status")? == "pending" {
        let path = format!("/api/v1/admin/merchants/{merchant_id}/approve");
        call::<Value>(user, GooseMethod::Post, &path, "setup: approve", Some(operator), None, 200).await?;
    }

    let mut products = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/merchants/{merchant_id}/products?limit=200");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={}", crate::http::encode(c)));
        }
        let page = call::<Value>(user, GooseMethod::Get, &path, "setup: products", Some(&token), None, 200).await?;
        for p in page["items"].as_array().into_iter().flatten() {
            products.push(p.clone());
        }
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    let mut ids = Vec::new();
    for p in products.iter().filter(|p| p["for_sale"] == json!(true)).take(wanted) {
        let id = str_field(p, "/id")?.to_string();
        if p["stock"].as_i64().unwrap_or(0) < TOP_UP_BELOW {
            let body = json!({ "stock": FULL_STOCK });
            let path = format!("/api/v1/products/{id}");
            call(user, GooseMethod::Patch, &path, "setup: top up stock", Some(&token), Some(&body), 200).await?;
        }
        ids.push(id);
    }
    for n in products.len()..products.len() + wanted.saturating_sub(ids.len()) {
        let body = json!({
            "sku": format!("LOAD-{n:04}"),
            "title": { "en": format!("Load Test Cast Iron Trivet {n}"), "zh": format!("压测铸铁锅垫 {n}") },
            "description": { "en": "A product of the load tool (tools/load): big stock, one dollar.",
                             "zh": "压测工具的商品：库存充足，一美元。" },
            "tax_class": "household",
            "hs_code": "73239300",
            "price_usd": "1.00",
            "weight_g": 100,
            "net_content": { "value": 1, "unit": "piece" },
            "stock": FULL_STOCK,
        });
        let path = format!("/api/v1/merchants/{merchant_id}/products");
        let answer = call(user, GooseMethod::Post, &path, "setup: product", Some(&token), Some(&body), 201).await?;
        if answer["for_sale"] != json!(true) {
            return Err(format!("the load product is not for sale: {}", answer["problems"]).into());
        }
        ids.push(str_field(&answer, "/id")?.to_string());
    }
    Ok(ids)
}

async fn merchant_profile(user: &mut GooseUser, token: &str) -> Result<Value, Box<TransactionError>> {
    // 404 until the account registered its business.
    let builder = user.get_request_builder(&GooseMethod::Get, "/api/v1/me/merchant")?.bearer_auth(token);
    let request = GooseRequest::builder()
        .path("/api/v1/me/merchant")
        .name("setup: merchant")
        .set_request_builder(builder)
        .build();
    let response = user.request(request).await?.response?;
    if response.status().as_u16() == 200 {
        return Ok(response.json().await?);
    }
    let body = json!({
        "legal_name": "Load Test Trading LLC",
        "display_name": { "en": "Load Test Trading", "zh": "压测贸易" },
        "kind": "retailer",
        "state": "OR",
        "city": "Portland",
        "zip": "97201",
        "employees": 3,
        "exported_before": false,
        "fulfilment": "bonded",
    });
    call(user, GooseMethod::Post, "/api/v1/merchants", "setup: merchant", Some(token), Some(&body), 201).await
}

/// Up to `wanted` product ids for sale, from the search API (empty query: everything,
/// newest first), 100 a page.
async fn catalog(user: &mut GooseUser, wanted: usize) -> Result<Vec<String>, Box<TransactionError>> {
    let mut ids = Vec::new();
    let mut page = 1;
    while ids.len() < wanted && page * 100 <= 10_000 {
        let path = format!("/api/v1/search?per_page=100&page={page}");
        let answer = call::<Value>(user, GooseMethod::Get, &path, "setup: catalog", None, None, 200).await?;
        let hits = answer["hits"].as_array().cloned().unwrap_or_default();
        if hits.is_empty() {
            break;
        }
        ids.extend(hits.iter().filter_map(|h| h["id"].as_str().map(str::to_string)));
        page += 1;
    }
    ids.truncate(wanted);
    if ids.is_empty() {
        return Err("the search API lists no product for sale: load demo data or a seed first".into());
    }
    Ok(ids)
}
