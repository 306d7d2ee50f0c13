//! The shopper's side of the suite: identities, products, carts and checkouts. Shared
//! by the HTTP suite and the statement-count test (`tests/statements`).

use crate::common::*;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A valid resident ID number (MOD 11-2 check character), different per `n`.
pub fn id_number(n: usize) -> String {
    let first17 = format!("110105198{}{:02}{:02}{:03}", n % 10, 1 + n % 12, 1 + n % 28, n % 1000);
    let first17 = &first17[..17];
    let check = gateway_core::identity::check_character(first17).unwrap();
    format!("{first17}{check}")
}

static NEXT: AtomicUsize = AtomicUsize::new(1);

/// A consumer with a verified identity; returns the token.
pub(crate) async fn shopper(s: &TestServer) -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let token = s.signup(&format!("shopper{n}@example.com"), "consumer").await;
    let body = json!({"real_name": "张三", "id_number": id_number(n), "phone": "13800138000"});
    s.put("/api/v1/me/identity", Some(&token), &body).await.ok(200);
    token
}

pub(crate) fn address() -> Value {
    json!({"recipient": "张三", "phone": "13800138000", "province": "上海市", "city": "上海市",
           "district": "浦东新区", "street": "世纪大道100号", "postal_code": "200120"})
}

/// A product of `merchant` from overrides over a base; returns its id.
pub(crate) async fn product(s: &TestServer, token: &str, merchant: &str, overrides: Value) -> String {
    let mut body = product_body(&format!("SKU-{}", NEXT.fetch_add(1, Ordering::Relaxed)));
    for (k, v) in overrides.as_object().unwrap() {
        body[k] = v.clone();
    }
    let a = s.post(&format!("/api/v1/merchants/{merchant}/products"), Some(token), &body).await;
    assert_eq!(a.body["status"], "listed", "{}", a.text);
    a.body["id"].as_str().unwrap().to_string()
}

pub(crate) async fn cart_with(s: &TestServer, token: &str, items: &[(&str, i64)]) -> String {
    let cart = s.post("/api/v1/carts", Some(token), &json!({})).await.ok(201)["id"].as_str().unwrap().to_string();
    for (product, quantity) in items {
        s.put(&format!("/api/v1/carts/{cart}/items/{product}"), Some(token), &json!({"quantity": quantity}))
            .await
            .ok(200);
    }
    cart
}

pub(crate) async fn checkout(s: &TestServer, token: &str, cart: &str, key: &str) -> Answer {
    let request = s
        .client
        .post(format!("{}/api/v1/checkout", s.base))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&json!({"cart_id": cart, "address": address()}));
    TestServer::answer(request.send().await.unwrap()).await
}

/// A bonded merchant (freight 10.00 flat), approved.
pub(crate) async fn bonded_merchant(s: &TestServer, email: &str) -> (String, String) {
    let token = s.signup(email, "merchant").await;
    let mut body = merchant_body();
    body["fulfilment"] = json!("bonded");
    let id = s.post("/api/v1/merchants", Some(&token), &body).await.ok(201)["id"].as_str().unwrap().to_string();
    let admin = s.admin().await;
    s.post(&format!("/api/v1/admin/merchants/{id}/approve"), Some(&admin), &json!({})).await.ok(200);
    (token, id)
}
