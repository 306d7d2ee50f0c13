//! The operator's JSON routes beyond merchants and the FX rate: the tax-class table
//! (with the listing check of the class's products), the freight tariff, and every
//! order by status.

use crate::buying::{cart_with, checkout, product, shopper};
use crate::common::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// The seeded `agri` class as a PUT body, with `changes` over it.
pub(crate) fn agri(changes: Value) -> Value {
    let mut body = json!({
        "name": {"en": "Agricultural products (nuts, dried fruit, grains, honey, maple syrup)",
                 "zh": "农产品（坚果、果干、谷物、蜂蜜、枫糖浆）"},
        "vat_rate": "0.09",
        "consumption_tax_rate": "0",
        "mfn_duty_rate": "0.15",
        "food": true,
        "positive_list": true
    });
    for (k, v) in changes.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// Polls the search API until `q` finds `expected` hits (the index follows the
/// outbox a moment after a change).
async fn wait_for_hits(s: &TestServer, query: &str, expected: u64) {
    let started = Instant::now();
    loop {
        let total = s.get(&format!("/api/v1/search?{query}"), None).await.ok(200)["total"].as_u64().unwrap();
        if total == expected {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "search {query}: {total} hits, expected {expected}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_class_off_the_positive_list_blocks_its_products_and_back_on_lists_them() {
    let s = spawn().await;
    s.set_fx("7.1").await;
    let (registered, with_reg) = s.merchant("farm@example.com", true, true).await;
    let (unregistered, without_reg) = s.merchant("shop@example.com", false, true).await;
    let honey = product(&s, &registered, &with_reg, json!({})).await;
    let pan = product(&s, &unregistered, &without_reg, json!({"tax_class": "household", "hs_code": "73211100"})).await;
    // A food product of a merchant without a registration is blocked from the start.
    let body = product_body("NO-REG-HONEY");
    let blocked = s.post(&format!("/api/v1/merchants/{without_reg}/products"), Some(&unregistered), &body).await;
    let blocked_id = blocked.ok(201)["id"].as_str().unwrap().to_string();
    assert_eq!(blocked.body["status"], "blocked");
    wait_for_hits(&s, "tax_class=agri", 1).await;

    let admin = s.admin().await;
    let off = s.put("/api/v1/admin/tax-classes/agri", Some(&admin), &agri(json!({"positive_list": false}))).await;
    let class = off.ok(200);
    assert_eq!((class["code"].as_str(), class["positive_list"].as_bool()), (Some("agri"), Some(false)));
    assert_eq!(class["vat_rate"], "0.09");
    let listed = s.get("/api/v1/tax-classes", None).await;
    let agri_row = listed.ok(200).as_array().unwrap().iter().find(|c| c["code"] == "agri").unwrap().clone();
    assert_eq!(&agri_row, class, "the table shows the saved class");

    let p = s.get(&format!("/api/v1/products/{honey}"), None).await;
    assert_eq!(p.ok(200)["status"], "blocked", "{}", p.text);
    let codes: Vec<&str> = p.body["problems"].as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["not_on_positive_list"]);
    let b = s.get(&format!("/api/v1/products/{blocked_id}"), None).await;
    let codes: Vec<&str> =
        b.ok(200)["problems"].as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["not_on_positive_list", "food_registration_missing"], "every reason, per merchant");
    assert_eq!(s.get(&format!("/api/v1/products/{pan}"), None).await.ok(200)["status"], "listed", "other classes");
    wait_for_hits(&s, "tax_class=agri", 0).await;

    // A cart holding the product can no longer check out.
    let buyer = shopper(&s).await;
    let cart = cart_with(&s, &buyer, &[(&honey, 1)]).await;
    let quote = s.get(&format!("/api/v1/carts/{cart}/quote"), Some(&buyer)).await;
    assert!(
        quote.ok(200)["problems"].as_array().unwrap().iter().any(|p| p["code"] == "not_for_sale"),
        "{}",
        quote.text
    );

    let on = s.put("/api/v1/admin/tax-classes/agri", Some(&admin), &agri(json!({}))).await;
    assert_eq!(on.ok(200)["positive_list"], true);
    assert_eq!(s.get(&format!("/api/v1/products/{honey}"), None).await.ok(200)["status"], "listed");
    let b = s.get(&format!("/api/v1/products/{blocked_id}"), None).await;
    assert_eq!(b.ok(200)["status"], "blocked", "still without a registration");
    wait_for_hits(&s, "tax_class=agri", 1).await;
    assert_eq!(checkout(&s, &buyer, &cart, "after-relisting").await.status.as_u16(), 201);
}

#[tokio::test]
async fn new_rates_price_the_next_quote() {
    let s = spawn().await;
    s.set_fx("7").await;
    let (token, merchant) = s.merchant("farm@example.com", true, true).await;
    let honey = product(&s, &token, &merchant, json!({"price_usd": "10.00", "weight_g": 400})).await;
    let buyer = shopper(&s).await;
    let cart = cart_with(&s, &buyer, &[(&honey, 1)]).await;
    // Goods 70.00 + freight 40.00: VAT 9% × 70% of 110.00 = 6.93.
    let before = s.get(&format!("/api/v1/carts/{cart}/quote"), Some(&buyer)).await;
    assert_eq!(before.ok(200)["orders"][0]["vat"], "6.93");
    let admin = s.admin().await;
    // 13% instead: 0.13 × 0.7 × 110.00 = 10.01.
    let body = agri(json!({"vat_rate": 0.13, "consumption_tax_threshold": null}));
    s.put("/api/v1/admin/tax-classes/agri", Some(&admin), &body).await.ok(200);
    let after = s.get(&format!("/api/v1/carts/{cart}/quote"), Some(&buyer)).await;
    assert_eq!(after.ok(200)["orders"][0]["vat"], "10.01");
    // The cosmetics threshold round-trips, and can be removed.
    let cosmetics = json!({
        "name": {"en": "High-end cosmetics", "zh": "高档化妆品"}, "vat_rate": "0.13", "consumption_tax_rate": "0.15",
        "consumption_tax_threshold": {"per_g_or_ml": "12.50", "per_piece": 20}, "mfn_duty_rate": "0.01",
        "food": false, "positive_list": true
    });
    let saved = s.put("/api/v1/admin/tax-classes/cosmetics", Some(&admin), &cosmetics).await;
    assert_eq!(saved.ok(200)["consumption_tax_threshold"], json!({"per_g_or_ml": "12.50", "per_piece": "20.00"}));
    let mut without = cosmetics.clone();
    without.as_object_mut().unwrap().remove("consumption_tax_threshold");
    let saved = s.put("/api/v1/admin/tax-classes/cosmetics", Some(&admin), &without).await;
    assert_eq!(saved.ok(200)["consumption_tax_threshold"], Value::Null);
}

#[tokio::test]
async fn tax_class_edits_are_validated_and_for_operators_only() {
    let s = spawn().await;
    let admin = s.admin().await;
    let bad = json!({
        "name": {"en": "  ", "zh": "x".repeat(121)},
        "vat_rate": "0.31",
        "consumption_tax_rate": "-0.1",
        "consumption_tax_threshold": {"per_g_or_ml": "abc"},
        "mfn_duty_rate": "1",
        "food": "yes"
    });
    let a = s.put("/api/v1/admin/tax-classes/agri", Some(&admin), &bad).await;
    // "food": "yes" is not a boolean: the body's shape is refused first, naming it.
    a.problem(422, "validation_failed");
    assert_eq!(a.error_fields(), ["food"]);
    let mut bad = bad;
    bad["food"] = json!(true);
    let a = s.put("/api/v1/admin/tax-classes/agri", Some(&admin), &bad).await;
    a.problem(422, "validation_failed");
    assert_eq!(
        a.error_fields(),
        [
            "consumption_tax_rate",
            "consumption_tax_threshold.per_g_or_ml",
            "consumption_tax_threshold.per_piece",
            "mfn_duty_rate",
            "name.en",
            "name.zh",
            "positive_list",
            "vat_rate"
        ]
    );
    let unchanged = s.get("/api/v1/tax-classes", None).await;
    assert_eq!(unchanged.ok(200)[0]["vat_rate"], "0.09", "nothing saved");

    s.put("/api/v1/admin/tax-classes/tobacco", Some(&admin), &agri(json!({}))).await.problem(404, "not_found");
    let merchant = s.signup("m@example.com", "merchant").await;
    let consumer = s.signup("c@example.com", "consumer").await;
    for token in [&merchant, &consumer] {
        s.put("/api/v1/admin/tax-classes/agri", Some(token), &agri(json!({"positive_list": false})))
            .await
            .problem(403, "forbidden");
        // Who may act comes first: a stranger learns nothing from field errors.
        s.put("/api/v1/admin/tax-classes/agri", Some(token), &json!({})).await.problem(403, "forbidden");
    }
    s.put("/api/v1/admin/tax-classes/agri", None, &agri(json!({}))).await.problem(401, "unauthorized");
    assert_eq!(s.get("/api/v1/tax-classes", None).await.ok(200)[0]["positive_list"], true);
}

#[tokio::test]
async fn freight_is_public_and_set_by_operators_for_the_next_quote() {
    let s = spawn().await;
    let f = s.get("/api/v1/freight", None).await;
    let v = f.ok(200);
    assert_eq!(
        (v["direct_first_500g"].as_str(), v["direct_each_further_500g"].as_str(), v["bonded_flat"].as_str()),
        (Some("40.00"), Some("20.00"), Some("10.00")),
        "SPEC 5's tariff"
    );
    assert!(v["updated_at"].as_str().unwrap().ends_with('Z'));

    let admin = s.admin().await;
    let bad = json!({"direct_first_500g": "-1", "direct_each_further_500g": "1000.01", "bonded_flat": "1.234"});
    let a = s.put("/api/v1/admin/freight", Some(&admin), &bad).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.error_fields(), ["bonded_flat", "direct_each_further_500g", "direct_first_500g"]);
    let a = s.put("/api/v1/admin/freight", Some(&admin), &json!({})).await;
    assert_eq!(a.error_fields(), ["bonded_flat", "direct_each_further_500g", "direct_first_500g"], "all required");

    s.set_fx("7").await;
    let (token, merchant) = s.merchant("farm@example.com", true, true).await;
    let honey = product(&s, &token, &merchant, json!({"weight_g": 1200})).await;
    let buyer = shopper(&s).await;
    let cart = cart_with(&s, &buyer, &[(&honey, 1)]).await;
    let quote = s.get(&format!("/api/v1/carts/{cart}/quote"), Some(&buyer)).await;
    assert_eq!(quote.ok(200)["orders"][0]["freight"], "80.00", "1.2 kg: 40 + 2 × 20");

    let new = json!({"direct_first_500g": "35.5", "direct_each_further_500g": 15, "bonded_flat": "8.00"});
    let saved = s.put("/api/v1/admin/freight", Some(&admin), &new).await;
    let v = saved.ok(200);
    assert_eq!(
        (v["direct_first_500g"].as_str(), v["direct_each_further_500g"].as_str(), v["bonded_flat"].as_str()),
        (Some("35.50"), Some("15.00"), Some("8.00"))
    );
    assert_eq!(&s.get("/api/v1/freight", None).await.ok(200).clone(), v);
    let quote = s.get(&format!("/api/v1/carts/{cart}/quote"), Some(&buyer)).await;
    assert_eq!(quote.ok(200)["orders"][0]["freight"], "65.50", "1.2 kg: 35.50 + 2 × 15.00");

    s.put("/api/v1/admin/freight", Some(&buyer), &new).await.problem(403, "forbidden");
    s.put("/api/v1/admin/freight", Some(&token), &new).await.problem(403, "forbidden");
    s.put("/api/v1/admin/freight", None, &new).await.problem(401, "unauthorized");
}

#[tokio::test]
async fn operators_list_every_order_newest_first_by_status() {
    let s = spawn().await;
    s.set_fx("7.1").await;
    let (token, merchant) = s.merchant("farm@example.com", true, true).await;
    let honey = product(&s, &token, &merchant, json!({})).await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let buyer = shopper(&s).await;
        let cart = cart_with(&s, &buyer, &[(&honey, 1)]).await;
        let placed = checkout(&s, &buyer, &cart, &format!("k{n}")).await;
        ids.push(placed.ok(201)["orders"][0]["id"].as_str().unwrap().to_string());
    }
    s.post(&format!("/api/v1/orders/{}/ship", ids[1]), Some(&token), &json!({"carrier": "EMS", "tracking_no": "EA1"}))
        .await
        .ok(200);

    let admin = s.admin().await;
    let all = s.get("/api/v1/admin/orders", Some(&admin)).await;
    let got: Vec<&str> = all.ok(200)["items"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(got, [ids[2].as_str(), ids[1].as_str(), ids[0].as_str()], "newest first");
    assert_eq!(all.body["next"], Value::Null);
    assert_eq!(all.body["items"][1]["carrier"], "EMS", "whole orders");

    let shipped = s.get("/api/v1/admin/orders?status=shipped", Some(&admin)).await;
    let got: Vec<&str> =
        shipped.ok(200)["items"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(got, [ids[1].as_str()]);

    let first = s.get("/api/v1/admin/orders?status=paid&limit=1", Some(&admin)).await;
    assert_eq!(first.ok(200)["items"][0]["id"], ids[2]);
    let next = first.body["next"].as_str().unwrap().to_string();
    let second = s.get(&format!("/api/v1/admin/orders?status=paid&limit=1&cursor={next}"), Some(&admin)).await;
    assert_eq!(second.ok(200)["items"][0]["id"], ids[0]);
    assert_eq!(second.body["next"], Value::Null);

    let a = s.get("/api/v1/admin/orders?status=lost&limit=0", Some(&admin)).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.error_fields(), ["status"]);
    s.get("/api/v1/admin/orders?limit=0", Some(&admin)).await.problem(422, "validation_failed");
    s.get("/api/v1/admin/orders", Some(&token)).await.problem(403, "forbidden");
    s.get("/api/v1/admin/orders", None).await.problem(401, "unauthorized");
}

#[tokio::test]
async fn odd_requests_to_the_admin_routes_never_make_a_5xx() {
    let s = spawn().await;
    let (token, _) = s.merchant("farm@example.com", true, true).await;
    let admin = s.admin().await;
    let paths = [
        "/api/v1/admin/tax-classes/agri",
        "/api/v1/admin/tax-classes/%00",
        "/api/v1/admin/tax-classes/x?y=1",
        "/api/v1/admin/freight",
        "/api/v1/freight",
        "/api/v1/admin/orders?cursor=zz&limit=-1",
        "/api/v1/admin/orders?status=%FF",
    ];
    let bodies = [
        json!(null),
        json!([]),
        json!({"name": "agri", "vat_rate": {"a": 1}}),
        json!({"vat_rate": "1e3", "consumption_tax_rate": 1e300, "mfn_duty_rate": "0.0000001",
               "consumption_tax_threshold": {"per_g_or_ml": "99999999999999999999", "per_piece": -1},
               "name": {"en": "\u{0}", "zh": "x"}, "food": true, "positive_list": false}),
        json!({"direct_first_500g": "9223372036854775807", "direct_each_further_500g": 1e308, "bonded_flat": "0.001"}),
    ];
    for path in paths {
        for method in [reqwest::Method::GET, reqwest::Method::POST, reqwest::Method::PUT, reqwest::Method::PATCH] {
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
    // The table is as it was.
    let classes = s.get("/api/v1/tax-classes", None).await;
    assert_eq!(classes.ok(200)[0]["vat_rate"], "0.09");
    assert_eq!(s.get("/api/v1/freight", None).await.ok(200)["bonded_flat"], "10.00");
}
