//! The error contract of SPEC 9: every refusal is problem+json with a stable code,
//! never a 5xx, whatever the client sends.

use crate::common::*;
use reqwest::Method;
use serde_json::json;

async fn raw(
    s: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Answer {
    let mut request = s.client.request(method, format!("{}{}", s.base, path)).body(body);
    if let Some(ct) = content_type {
        request = request.header("content-type", ct);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    TestServer::answer(request.send().await.unwrap()).await
}

#[tokio::test]
async fn malformed_json_is_400() {
    let s = spawn().await;
    for body in [&b"{"[..], b"{\"email\": }", b"", b"[1, 2", b"{} {}", b"\xff\xfe"] {
        let a = raw(&s, Method::POST, "/api/v1/auth/signup", None, Some("application/json"), body.to_vec()).await;
        a.problem(400, "validation_failed");
    }
}

#[tokio::test]
async fn wrong_types_are_422_naming_the_field() {
    let s = spawn().await;
    let (token, merchant) = s.merchant("farm@example.com", true, true).await;
    let path = format!("/api/v1/merchants/{merchant}/products");
    let cases = [
        ("weight_g", json!("heavy"), "weight_g"),
        ("stock", json!(1.5), "stock"),
        ("title", json!("Honey"), "title"),
        ("title", json!({"en": 5}), "title.en"),
        ("net_content", json!({"value": "500", "unit": 3}), "net_content.unit"),
        ("price_usd", json!(true), "price_usd"),
        ("stock", json!(99999999999999999999u128.to_string().parse::<f64>().unwrap()), "stock"),
    ];
    for (field, value, path_at_fault) in cases {
        let mut body = product_body("T-1");
        body[field] = value.clone();
        let a = s.post(&path, Some(&token), &body).await;
        a.problem(422, "validation_failed");
        assert_eq!(a.error_fields(), [path_at_fault], "{field} = {value}");
    }
    let a = s.post("/api/v1/auth/signup", None, &json!(["not", "an", "object"])).await;
    a.problem(422, "validation_failed");
    let a = s
        .post("/api/v1/auth/signup", None, &json!({"email": 42, "password": "password-123", "role": "consumer"}))
        .await;
    assert_eq!(a.error_fields(), ["email"]);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let s = spawn().await;
    let body = br#"{"email": "a@example.com", "password": "password-123", "role": "consumer"}"#.to_vec();
    for ct in [None, Some("text/plain"), Some("application/x-www-form-urlencoded"), Some("application/jsonp")] {
        let a = raw(&s, Method::POST, "/api/v1/auth/signup", None, ct, body.clone()).await;
        a.problem(415, "unsupported_media_type");
    }
    // Parameters and +json suffixes are JSON.
    let a =
        raw(&s, Method::POST, "/api/v1/auth/signup", None, Some("application/json; charset=utf-8"), body.clone()).await;
    a.ok(201);
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_413() {
    let s = spawn().await;
    let big = format!(r#"{{"email": "a@example.com", "password": "{}", "role": "consumer"}}"#, "x".repeat(1024 * 1024));
    let a = raw(&s, Method::POST, "/api/v1/auth/signup", None, Some("application/json"), big.into_bytes()).await;
    a.problem(413, "payload_too_large");
    // Just under the limit is parsed (and refused for what it says, not its size).
    let fits =
        format!(r#"{{"email": "a@example.com", "password": "{}", "role": "consumer"}}"#, "x".repeat(1000 * 1000));
    let a = raw(&s, Method::POST, "/api/v1/auth/signup", None, Some("application/json"), fits.into_bytes()).await;
    assert_eq!(a.error_fields(), ["password"]);
}

#[tokio::test]
async fn unknown_and_malformed_ids_and_routes_are_404() {
    let s = spawn().await;
    for path in [
        "/api/v1/products/0190f000-0000-7000-8000-000000000000",
        "/api/v1/products/not-a-uuid",
        "/api/v1/products/1",
        "/api/v1/merchants/0190f000-0000-7000-8000-000000000000",
        "/api/v1/merchants/%00",
        "/api/v1/merchants/0190f000-0000-7000-8000-000000000000/products",
        "/api/v1/nothing-here",
        "/api/nothing-here",
    ] {
        s.get(path, None).await.problem(404, "not_found");
    }
    let a = s.send(Method::DELETE, "/api/v1/tax-classes", None, None).await;
    a.problem(405, "method_not_allowed");
}

#[tokio::test]
async fn no_input_above_makes_a_5xx() {
    // A sweep of odd requests over every route: whatever they get, it is not a 5xx.
    let s = spawn().await;
    let (token, merchant) = s.merchant("farm@example.com", true, true).await;
    let admin = s.admin().await;
    let paths = [
        "/api/v1/auth/signup".to_string(),
        "/api/v1/auth/login".to_string(),
        "/api/v1/merchants".to_string(),
        format!("/api/v1/merchants/{merchant}"),
        format!("/api/v1/merchants/{merchant}/products"),
        format!("/api/v1/admin/merchants/{merchant}/approve"),
        "/api/v1/admin/fx/USD/CNY".to_string(),
        "/api/v1/products/0190f000-0000-7000-8000-000000000000".to_string(),
        "/api/v1/me/identity".to_string(),
        "/api/v1/carts".to_string(),
        "/api/v1/carts/0190f000-0000-7000-8000-000000000000/items/x".to_string(),
        "/api/v1/checkout".to_string(),
        "/api/v1/orders/0190f000-0000-7000-8000-000000000000/cancel".to_string(),
    ];
    let bodies =
        [json!(null), json!(1), json!("x"), json!({"sku": {"a": 1}}), json!({"title": null, "price_usd": "NaN"})];
    for path in &paths {
        for method in [Method::GET, Method::POST, Method::PUT, Method::PATCH] {
            for body in &bodies {
                for who in [None, Some(token.as_str()), Some(admin.as_str())] {
                    let a = s.send(method.clone(), path, who, Some(body)).await;
                    assert!(a.status.as_u16() < 500, "{method} {path} {body} → {}", a.text);
                    if !a.status.is_success() {
                        assert_eq!(a.content_type, "application/problem+json", "{method} {path}: {}", a.text);
                    }
                }
            }
        }
    }
}
