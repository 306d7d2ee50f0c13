//! The positive list as data over HTTP (SPEC 3, 7): public to read, kept by the
//! operator; its lines decide the listing check (HS code off the list, filed in
//! another class, bonded only) with the reasons in English and Chinese; its yearly
//! weight caps limit what one buyer imports, at the quote and at checkout.

use crate::buying::{cart_with, checkout, product, shopper};
use crate::common::*;
use crate::pages::Browser;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn line(class: &str, bonded_only: bool, cap: Option<i64>) -> Value {
    json!({"tax_class": class, "bonded_only": bonded_only, "annual_cap_g": cap,
           "description": {"en": "Natural honey", "zh": "天然蜂蜜"}})
}

async fn product_of(s: &TestServer, id: &str) -> Value {
    s.get(&format!("/api/v1/products/{id}"), None).await.ok(200).clone()
}

fn codes(p: &Value) -> Vec<&str> {
    p["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_list_decides_the_listing_check_with_reasons_in_both_languages() {
    let s = spawn().await;
    let list = s.get("/api/v1/positive-list", None).await;
    let sugar = list.ok(200).as_array().unwrap().iter().find(|l| l["hs_prefix"] == "1701").cloned().unwrap();
    assert_eq!((sugar["tax_class"].as_str(), sugar["annual_cap_g"].as_i64()), (Some("agri"), Some(2000)));
    assert_eq!(sugar["description"]["zh"], "蔗糖或甜菜糖");

    let (token, m) = s.merchant("farm@example.com", true, true).await;
    let post = |body: Value| {
        let (s, token, m) = (&s, token.clone(), m.clone());
        async move { s.post(&format!("/api/v1/merchants/{m}/products"), Some(&token), &body).await }
    };
    // Fireworks (3604) are on no line.
    let mut body = product_body("FIREWORKS");
    body["tax_class"] = json!("household");
    body["hs_code"] = json!("36041000");
    let blocked = post(body).await;
    let blocked = blocked.ok(201);
    assert_eq!((blocked["status"].as_str(), codes(blocked)), (Some("blocked"), vec!["hs_not_on_positive_list"]));
    assert_eq!(blocked["problems"][0]["field"], "hs_code");
    assert!(blocked["problems"][0]["message"].as_str().unwrap().contains("HS code 36041000"));
    assert_eq!(blocked["problems"][0]["message_zh"], "HS编码36041000不在跨境电商零售进口商品清单内");
    // Barbecue sauce (2103) filed as agri to pay 9% VAT instead of 13%: refused.
    let mut body = product_body("BBQ");
    body["hs_code"] = json!("21039000");
    let mismatch = post(body).await;
    assert_eq!(codes(mismatch.ok(201)), vec!["hs_class_mismatch"]);
    assert!(
        mismatch.body["problems"][0]["message"].as_str().unwrap().contains("listed in the food tax class, not agri")
    );
    // Honey (0409, agri): listed, no cap.
    let honey = post(product_body("HONEY")).await.ok(201).clone();
    assert_eq!((honey["status"].as_str(), honey["annual_cap_g"].as_i64()), (Some("listed"), None));
    let honey_id = honey["id"].as_str().unwrap();

    // The operator makes honey bonded-only: this direct-mail merchant's jar is blocked.
    let admin = s.admin().await;
    let put = s.put("/api/v1/admin/positive-list/0409", Some(&admin), &line("agri", true, None)).await;
    assert_eq!(put.ok(200)["products_changed"], 1);
    assert_eq!(put.body["entry"]["bonded_only"], true);
    let p = product_of(&s, honey_id).await;
    assert_eq!(
        (p["status"].as_str(), codes(&p), p["for_sale"].as_bool()),
        (Some("blocked"), vec!["bonded_only"], Some(false))
    );
    assert!(p["problems"][0]["message_zh"].as_str().unwrap().contains("仅限网购保税进口"));
    // The merchant moves to a bonded warehouse: its products are checked again.
    let moved = s
        .send(Method::PATCH, &format!("/api/v1/merchants/{m}"), Some(&token), Some(&json!({"fulfilment": "bonded"})))
        .await;
    moved.ok(200);
    assert_eq!(product_of(&s, honey_id).await["status"], "listed");
    // Removing the line takes honey off the list altogether.
    let removed = s.send(Method::DELETE, "/api/v1/admin/positive-list/0409", Some(&admin), None).await;
    assert_eq!(removed.ok(200)["products_changed"], 1);
    assert_eq!(codes(&product_of(&s, honey_id).await), vec!["hs_not_on_positive_list"]);
    s.put("/api/v1/admin/positive-list/0409", Some(&admin), &line("agri", false, None)).await.ok(200);
    assert_eq!(product_of(&s, honey_id).await["status"], "listed");
    // Nothing is stale: a full re-check changes nothing.
    assert_eq!(s.post("/api/v1/admin/listing-check", Some(&admin), &json!({})).await.ok(200)["products_changed"], 0);
}

#[tokio::test]
async fn only_operators_edit_the_list_and_bad_lines_are_refused() {
    let s = spawn().await;
    let consumer = s.signup("c@example.com", "consumer").await;
    let good = line("agri", false, Some(2000));
    assert_eq!(s.put("/api/v1/admin/positive-list/1701", None, &good).await.status, StatusCode::UNAUTHORIZED);
    s.put("/api/v1/admin/positive-list/1701", Some(&consumer), &good).await.problem(403, "forbidden");
    s.send(Method::DELETE, "/api/v1/admin/positive-list/1701", Some(&consumer), None).await.problem(403, "forbidden");
    s.post("/api/v1/admin/listing-check", Some(&consumer), &json!({})).await.problem(403, "forbidden");

    let admin = s.admin().await;
    let empty = s.put("/api/v1/admin/positive-list/1701", Some(&admin), &json!({})).await;
    empty.problem(422, "validation_failed");
    assert_eq!(empty.error_fields(), ["description.en", "description.zh", "tax_class"]);
    let bad = json!({"tax_class": "Agri", "annual_cap_g": 0, "description": {"en": "x", "zh": "y"}});
    let bad = s.put("/api/v1/admin/positive-list/1701", Some(&admin), &bad).await;
    assert_eq!(bad.error_fields(), ["annual_cap_g", "tax_class"]);
    let prefix = s.put("/api/v1/admin/positive-list/17a1", Some(&admin), &good).await;
    prefix.problem(422, "validation_failed");
    assert_eq!(prefix.error_fields(), ["hs_prefix"]);
    let unknown = s.put("/api/v1/admin/positive-list/1701", Some(&admin), &line("tobacco", false, None)).await;
    assert_eq!(unknown.error_fields(), ["tax_class"]);
    s.send(Method::DELETE, "/api/v1/admin/positive-list/9999", Some(&admin), None).await.problem(404, "not_found");
    s.send(Method::DELETE, "/api/v1/admin/positive-list/x%00", Some(&admin), None).await.problem(404, "not_found");
    let sugar = s.get("/api/v1/positive-list", None).await;
    let sugar = sugar.body.as_array().unwrap().iter().find(|l| l["hs_prefix"] == "1701").cloned().unwrap();
    assert_eq!(sugar["annual_cap_g"], 2000, "the refused edits changed nothing");
}

/// Honey capped at 1,200 g a year per buyer; a jar holds 500 g net (the test
/// product's net content), so two jars fit and a third does not.
#[tokio::test]
async fn yearly_weight_caps_hold_at_quote_and_checkout_and_come_back_on_cancel() {
    let s = spawn().await;
    s.set_fx("7.0").await;
    let admin = s.admin().await;
    let put = s.put("/api/v1/admin/positive-list/0409", Some(&admin), &line("agri", false, Some(1200))).await;
    put.ok(200);
    let (token, m) = s.merchant("farm@example.com", true, true).await;
    let honey = product(&s, &token, &m, json!({})).await;
    assert_eq!(product_of(&s, &honey).await["annual_cap_g"], 1200);
    let buyer = shopper(&s).await;

    let three = cart_with(&s, &buyer, &[(&honey, 3)]).await;
    let quote = s.get(&format!("/api/v1/carts/{three}/quote"), Some(&buyer)).await;
    let problem = &quote.ok(200)["problems"][0];
    assert_eq!((problem["code"].as_str(), problem["remaining_g"].as_i64()), (Some("weight_cap_exceeded"), Some(1200)));
    assert!(problem["message"].as_str().unwrap().contains("1200 g remain and the cart holds 1500 g"));
    checkout(&s, &buyer, &three, "three-jars").await.problem(422, "weight_cap_exceeded");

    let two = cart_with(&s, &buyer, &[(&honey, 2)]).await;
    let placed = checkout(&s, &buyer, &two, "two-jars").await;
    let order = placed.ok(201)["orders"][0]["id"].as_str().unwrap().to_string();
    let one = cart_with(&s, &buyer, &[(&honey, 1)]).await;
    let quote = s.get(&format!("/api/v1/carts/{one}/quote"), Some(&buyer)).await;
    assert_eq!(quote.ok(200)["problems"][0]["remaining_g"], 200, "1,200 − 1,000 g");
    checkout(&s, &buyer, &one, "one-more").await.problem(422, "weight_cap_exceeded");
    // Another buyer has a cap of their own.
    let other = shopper(&s).await;
    let theirs = cart_with(&s, &other, &[(&honey, 2)]).await;
    checkout(&s, &other, &theirs, "theirs").await.ok(201);

    s.post(&format!("/api/v1/orders/{order}/cancel"), Some(&buyer), &json!({})).await.ok(200);
    let again = cart_with(&s, &buyer, &[(&honey, 2)]).await;
    assert_eq!(s.get(&format!("/api/v1/carts/{again}/quote"), Some(&buyer)).await.ok(200)["problems"], json!([]));
    checkout(&s, &buyer, &again, "after-cancel").await.ok(201);
}

#[tokio::test]
async fn the_console_page_lists_adds_and_removes_lines() {
    let s = spawn().await;
    let mut b = Browser::new(&s);
    b.submit("/login", "/login", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)]).await;
    let page = b.get("/operator/positive-list").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"line-1701\"") && page.body.contains("2000 g a year"), "{}", page.body);
    let zh = b.get("/operator/positive-list?lang=zh-CN").await;
    assert!(zh.body.contains("每年 2000 克") && zh.body.contains("蔗糖或甜菜糖"));
    b.get("/operator/positive-list?lang=en").await;

    let no_csrf = b.post("/operator/positive-list", &[("hs_prefix", "0901")]).await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let form = [
        ("hs_prefix", "251010"),
        ("tax_class", "household"),
        ("bonded_only", "1"),
        ("annual_cap_g", "abc"),
        ("description_en", "Natural calcium phosphates"),
        ("description_zh", "天然磷酸钙"),
    ];
    let refused = b.submit("/operator/positive-list", "/operator/positive-list", &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.error_of("annual_cap_g").contains("whole number of grams"), "{}", refused.body);
    assert!(refused.body.contains("value=\"251010\""), "the typed values come back");
    let mut form = form.to_vec();
    form[3] = ("annual_cap_g", "500");
    let saved = b.submit("/operator/positive-list", "/operator/positive-list", &form).await;
    assert_eq!(
        (saved.status, saved.location()),
        (StatusCode::SEE_OTHER, "/operator/positive-list?saved=251010&changed=0")
    );
    let after = b.get(saved.location()).await;
    assert!(after.body.contains("Saved line 251010; 0 products") && after.body.contains("id=\"line-251010\""));
    let removed = b.submit("/operator/positive-list", "/operator/positive-list/251010/delete", &[]).await;
    assert_eq!(removed.location(), "/operator/positive-list?removed=251010&changed=0");
    assert!(!b.get("/operator/positive-list").await.body.contains("id=\"line-251010\""));
}
