//! The export-ready checklist over HTTP (issue 8): a farm goes from sign-up to
//! export-ready, each step flipping from todo to done as its data changes; who may
//! see it; the portal page in both languages.

use crate::buying::{cart_with, checkout, shopper};
use crate::common::*;
use crate::merchant_pages::{PROFILE, portal_merchant};
use serde_json::{Value, json};

fn path(merchant: &str) -> String {
    format!("/api/v1/merchants/{merchant}/export-ready")
}

/// (id, status) of every step.
fn statuses(v: &Value) -> Vec<(String, String)> {
    v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap().to_string(), s["status"].as_str().unwrap().to_string()))
        .collect()
}

fn owned(expected: [&str; 5]) -> Vec<(String, String)> {
    ["profile", "products_listed", "chinese_titles", "food_registration", "first_order_shipped"]
        .iter()
        .zip(expected)
        .map(|(id, status)| (id.to_string(), status.to_string()))
        .collect()
}

fn step<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["steps"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap()
}

#[tokio::test]
async fn a_farm_goes_from_sign_up_to_export_ready() {
    let s = spawn().await;
    s.set_fx("7.10").await;
    // Signed up through the portal without a Chinese name or a registration number.
    let mut profile = PROFILE.to_vec();
    for (name, value) in profile.iter_mut() {
        if *name == "display_name_zh" || *name == "food_registration_no" {
            *value = "";
        }
    }
    let (mut b, id) = portal_merchant(&s, "export@example.com", &profile).await;
    let token = b.token();

    let v = s.get(&path(&id), Some(&token)).await.ok(200).clone();
    assert_eq!(statuses(&v), owned(["todo", "todo", "todo", "not_applicable", "todo"]));
    assert_eq!((v["done"].as_u64(), v["applicable"].as_u64(), v["ready"].as_bool()), (Some(0), Some(4), Some(false)));
    assert_eq!(v["merchant_id"], id.as_str());
    assert_eq!(step(&v, "profile")["missing"], json!(["display_name_zh", "approval"]));
    assert_eq!(step(&v, "profile")["link"], "/merchant/profile");
    assert_eq!(step(&v, "products_listed")["counts"], json!({"listed": 0, "blocked": 0}));
    assert_eq!(step(&v, "first_order_shipped")["counts"], json!({"orders_shipped": 0}));

    let page = b.get("/merchant/export-ready").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.by_id("export-summary"), "0 of 4 steps done.");
    assert!(page.body.contains("id=\"step-profile\" data-status=\"todo\""));
    assert!(page.body.contains("Still missing: a Chinese display name (中文店名), the operator&#39;s approval."));
    assert!(page.body.contains("<a href=\"/merchant/profile\">Complete your profile</a>"));

    // The Chinese name and the operator's approval complete the profile.
    let name = json!({"display_name": {"en": "Maple Ridge Sugarhouse", "zh": "枫岭糖坊"}});
    s.patch(&format!("/api/v1/merchants/{id}"), Some(&token), &name).await.ok(200);
    let admin = s.admin().await;
    s.post(&format!("/api/v1/admin/merchants/{id}/approve"), Some(&admin), &json!({})).await.ok(200);
    let v = s.get(&path(&id), Some(&token)).await.ok(200).clone();
    assert_eq!(statuses(&v), owned(["done", "todo", "todo", "not_applicable", "todo"]));
    assert_eq!(step(&v, "profile")["missing"], json!([]));

    // Honey without the registration number is blocked; a mug without a Chinese title
    // is listed.
    let honey = s.post(&format!("/api/v1/merchants/{id}/products"), Some(&token), &product_body("HONEY-1")).await;
    assert_eq!(honey.ok(201)["status"], "blocked", "{}", honey.text);
    let mut mug = product_body("MUG-1");
    mug["title"] = json!({"en": "Stoneware Mug"});
    mug["tax_class"] = json!("household");
    mug["hs_code"] = json!("69120010");
    mug["net_content"] = json!({"value": 1, "unit": "piece"});
    let mug = s.post(&format!("/api/v1/merchants/{id}/products"), Some(&token), &mug).await;
    assert_eq!(mug.ok(201)["status"], "listed", "{}", mug.text);
    let mug = mug.body["id"].as_str().unwrap().to_string();
    let v = s.get(&path(&id), Some(&token)).await.ok(200).clone();
    assert_eq!(statuses(&v), owned(["done", "todo", "todo", "todo", "todo"]));
    assert_eq!(step(&v, "products_listed")["counts"], json!({"listed": 1, "blocked": 1}));
    assert_eq!(step(&v, "chinese_titles")["counts"], json!({"listed": 1, "missing_chinese_title": 1}));
    assert_eq!(step(&v, "food_registration")["link"], "/merchant/food-readiness");

    // The registration number lists the honey; the mug's Chinese title closes the
    // titles step.
    let number = json!({"food_registration_no": "CUSA20240001"});
    s.patch(&format!("/api/v1/merchants/{id}"), Some(&token), &number).await.ok(200);
    let v = s.get(&path(&id), Some(&token)).await.ok(200).clone();
    assert_eq!(statuses(&v), owned(["done", "done", "todo", "done", "todo"]));
    assert_eq!(step(&v, "products_listed")["counts"], json!({"listed": 2, "blocked": 0}));
    assert_eq!(step(&v, "chinese_titles")["counts"], json!({"listed": 2, "missing_chinese_title": 1}));
    let title = json!({"title": {"en": "Stoneware Mug", "zh": "粗陶马克杯"}});
    s.patch(&format!("/api/v1/products/{mug}"), Some(&token), &title).await.ok(200);
    let v = s.get(&path(&id), Some(&token)).await.ok(200).clone();
    assert_eq!(statuses(&v), owned(["done", "done", "done", "done", "todo"]));
    assert_eq!((v["done"].as_u64(), v["applicable"].as_u64(), v["ready"].as_bool()), (Some(4), Some(5), Some(false)));

    // An order bought: not yet; shipped: ready.
    let buyer = shopper(&s).await;
    let cart = cart_with(&s, &buyer, &[(&mug, 1)]).await;
    let order = checkout(&s, &buyer, &cart, "export-1").await.ok(201)["orders"][0]["id"].as_str().unwrap().to_string();
    let v = s.get(&path(&id), Some(&token)).await.ok(200).clone();
    assert_eq!(step(&v, "first_order_shipped")["status"], "todo");
    let shipment = json!({"carrier": "EMS", "tracking_no": "EA123456789US"});
    s.post(&format!("/api/v1/orders/{order}/ship"), Some(&token), &shipment).await.ok(200);
    let v = s.get(&path(&id), Some(&token)).await.ok(200).clone();
    assert_eq!(statuses(&v), owned(["done"; 5]));
    assert_eq!(step(&v, "first_order_shipped")["counts"], json!({"orders_shipped": 1}));
    assert_eq!((v["done"].as_u64(), v["applicable"].as_u64(), v["ready"].as_bool()), (Some(5), Some(5), Some(true)));

    // An operator sees the same list.
    assert_eq!(s.get(&path(&id), Some(&admin)).await.ok(200), &v);

    // The page in both languages, linked from the portal's navigation.
    let page = b.get("/merchant/export-ready").await;
    assert_eq!(page.by_id("export-summary"), "5 of 5 steps done.");
    assert!(page.body.contains("href=\"/merchant/export-ready\""));
    assert!(page.body.contains("id=\"step-first_order_shipped\" data-status=\"done\""));
    assert!(page.body.contains("Orders shipped: 1."));
    assert!(!page.body.contains("Complete your profile"), "no link for a step done");
    let zh = b.get("/merchant/export-ready?lang=zh-CN").await;
    assert_eq!(zh.status, 200, "{}", zh.body);
    assert!(zh.body.contains("<h1>出口准备清单</h1>"));
    assert_eq!(zh.by_id("export-summary"), "已完成 5 / 5 项。");
    assert!(zh.body.contains("已发货订单：1 笔。"));
    b.get("/merchant/export-ready?lang=en").await;
}

#[tokio::test]
async fn only_its_owner_and_operators_see_the_checklist() {
    let s = spawn().await;
    let (_, id) = s.merchant("export-owner@example.com", true, false).await;
    let (other, _) = s.merchant("export-other@example.com", true, true).await;
    let consumer = s.signup("export-buyer@example.com", "consumer").await;
    s.get(&path(&id), None).await.problem(401, "unauthorized");
    s.get(&path(&id), Some(&other)).await.problem(403, "forbidden");
    s.get(&path(&id), Some(&consumer)).await.problem(403, "forbidden");
    let admin = s.admin().await;
    let unknown = path(&uuid::Uuid::now_v7().to_string());
    s.get(&unknown, Some(&admin)).await.problem(404, "not_found");
    // Pending: the profile step waits for the approval alone (the common profile has
    // a Chinese name but no story).
    let v = s.get(&path(&id), Some(&admin)).await.ok(200).clone();
    assert_eq!(step(&v, "profile")["missing"], json!(["story", "approval"]));
    // The page is the portal's: a visitor is sent to sign in.
    let mut visitor = crate::pages::Browser::new(&s);
    let page = visitor.get("/merchant/export-ready").await;
    assert_eq!(page.status, 303, "{}", page.body);
}

#[tokio::test]
async fn operators_see_the_checklist_over_all_merchants() {
    let s = spawn().await;
    let summary = "/api/v1/admin/export-ready";
    let (pending_token, pending) = s.merchant("sum-pending@example.com", true, false).await;
    let (_, active) = s.merchant("sum-active@example.com", true, true).await;
    let (_, rejected) = s.merchant("sum-rejected@example.com", true, false).await;
    let admin = s.admin().await;
    s.post(&format!("/api/v1/admin/merchants/{rejected}/reject"), Some(&admin), &json!({})).await.ok(200);
    s.get(summary, None).await.problem(401, "unauthorized");
    s.get(summary, Some(&pending_token)).await.problem(403, "forbidden");

    // Two merchants count (the rejected one does not); neither has a story or a
    // product; the active one has a listed product after this.
    let body = product_body("SUM-HONEY");
    let v = s.get(summary, Some(&admin)).await.ok(200).clone();
    assert_eq!((v["merchants"].as_i64(), v["ready"].as_i64()), (Some(2), Some(0)), "{v}");
    let step_counts = |v: &Value, id: &str| {
        let step = v["steps"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap().clone();
        (step["done"].as_i64().unwrap(), step["todo"].as_i64().unwrap(), step["not_applicable"].as_i64().unwrap())
    };
    assert_eq!(step_counts(&v, "profile"), (0, 2, 0), "no story yet");
    assert_eq!(step_counts(&v, "food_registration"), (0, 0, 2), "nothing sold, no food");
    assert_eq!(v["by_steps_done"], json!([2, 0, 0, 0, 0, 0]));
    assert_eq!(v["by_state"], json!([{"state": "IA", "merchants": 2, "ready": 0}]));

    // The active merchant's honey: listed, with a Chinese title, food with a number.
    let credentials = json!({"email": "sum-active@example.com", "password": "password-123"});
    let login = s.post("/api/v1/auth/login", None, &credentials).await;
    let token = login.ok(200)["token"].as_str().unwrap().to_string();
    s.post(&format!("/api/v1/merchants/{active}/products"), Some(&token), &body).await.ok(201);
    let v = s.get(summary, Some(&admin)).await.ok(200).clone();
    assert_eq!(step_counts(&v, "products_listed"), (1, 1, 0));
    assert_eq!(step_counts(&v, "chinese_titles"), (1, 1, 0));
    assert_eq!(step_counts(&v, "food_registration"), (1, 0, 1));
    assert_eq!(v["by_steps_done"], json!([1, 0, 0, 1, 0, 0]));
    // The same figures as each merchant's own checklist.
    for id in [&pending, &active] {
        s.get(&path(id), Some(&admin)).await.ok(200);
    }

    // The console page, in both languages.
    let mut b = crate::operator_pages::operator(&s).await;
    let page = b.get("/operator/export-ready").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("href=\"/operator/export-ready\""));
    assert_eq!(page.by_id("er-ready"), "0 of 2 merchants are export-ready (0.0%)");
    assert!(page.body.contains("<tr data-state=\"IA\"><td>Iowa</td><td>2</td><td>0</td></tr>"), "{}", page.body);
    let zh = b.get("/operator/export-ready?lang=zh-CN").await;
    assert_eq!(zh.by_id("er-ready"), "2 家商家中有 0 家已出口就绪 (0.0%)");
    assert!(zh.body.contains("<td>爱荷华州</td>"));
    b.get("/operator/export-ready?lang=en").await;
    // Not for merchants.
    let (mut merchant, _) = portal_merchant(&s, "sum-portal@example.com", &PROFILE).await;
    assert_eq!(merchant.get("/operator/export-ready").await.status, 403);
}

#[tokio::test]
async fn the_academy_shows_its_lessons_in_both_languages() {
    let s = spawn().await;
    let (mut b, _) = portal_merchant(&s, "academy@example.com", &PROFILE).await;
    let page = b.get("/merchant/academy").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("href=\"/merchant/academy\""));
    assert!(page.body.contains("<h1>Gateway academy</h1>"));
    for id in ["cbec-vs-general-trade", "positive-list-and-limits", "decree-248"] {
        assert!(page.body.contains(&format!("id=\"lesson-{id}\"")), "{id}");
    }
    assert!(page.body.contains("<h2>The positive list and the 5,000 / 26,000 limits</h2>"));
    assert!(page.body.contains("5,000.00 CNY per order (单次交易限值)"));
    assert!(page.body.contains("GACC Decree No. 248 (海关总署令第248号)"));
    // Rendered from Markdown, each lesson's own "# title" left to the page's h2.
    assert!(page.body.contains("<p><strong>General trade (一般贸易).</strong>"), "{}", page.body);
    assert!(!page.body.contains("# CBEC or general trade?"));
    let zh = b.get("/merchant/academy?lang=zh-CN").await;
    assert!(zh.body.contains("<h1>Gateway 学院</h1>"));
    assert!(zh.body.contains("<h2>食品：海关总署第248号令</h2>"));
    b.get("/merchant/academy?lang=en").await;
    let mut visitor = crate::pages::Browser::new(&s);
    assert_eq!(visitor.get("/merchant/academy").await.status, 303);
}
