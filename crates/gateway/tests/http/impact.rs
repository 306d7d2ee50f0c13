//! SPEC 8 over HTTP: a small world built through the API — four merchants in two
//! states, seven orders (four delivered, one cancelled, one only paid, one only
//! shipped), two headcount reports — and every figure of `/api/v1/impact` checked
//! against the values worked out by hand in the comments; the CSV carries the same
//! figures; the page renders in both languages with its SVG charts; the headcount
//! route and form.

use crate::buying::{cart_with, checkout, product, shopper};
use crate::common::*;
use crate::pages::csrf_of;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A merchant from `changes` over the common body, approved when `approve`; returns
/// (token, id).
async fn merchant_with(s: &TestServer, email: &str, changes: Value, approve: bool) -> (String, String) {
    let token = s.signup(email, "merchant").await;
    let mut body = merchant_body();
    for (k, v) in changes.as_object().unwrap() {
        body[k] = v.clone();
    }
    let id = s.post("/api/v1/merchants", Some(&token), &body).await.ok(201)["id"].as_str().unwrap().to_string();
    if approve {
        let admin = s.admin().await;
        s.post(&format!("/api/v1/admin/merchants/{id}/approve"), Some(&admin), &json!({})).await.ok(200);
    }
    (token, id)
}

/// One order of one shopper for `items`; returns the order id.
async fn buy(s: &TestServer, items: &[(&str, i64)]) -> (String, String) {
    let buyer = shopper(s).await;
    let cart = cart_with(s, &buyer, items).await;
    let a = checkout(s, &buyer, &cart, &format!("key-{cart}")).await;
    let order = a.ok(201)["orders"][0]["id"].as_str().unwrap().to_string();
    (buyer, order)
}

async fn ship(s: &TestServer, merchant_token: &str, order: &str) {
    let body = json!({"carrier": "USPS", "tracking_no": "9400100000000000000000"});
    s.post(&format!("/api/v1/orders/{order}/ship"), Some(merchant_token), &body).await.ok(200);
}

async fn deliver(s: &TestServer, buyer: &str, order: &str) {
    s.post(&format!("/api/v1/orders/{order}/deliver"), Some(buyer), &json!({})).await.ok(200);
}

/// The year the merchant signed up, by the server's clock: the year it may report.
async fn signup_year(s: &TestServer, merchant: &str) -> i32 {
    let m = s.get(&format!("/api/v1/merchants/{merchant}"), None).await;
    m.ok(200)["created_at"].as_str().unwrap()[..4].parse().unwrap()
}

/// The world of this file; returns the merchants' tokens and ids (A, B, C, D).
struct World {
    a: (String, String),
    b: (String, String),
    d: (String, String),
}

async fn world(s: &TestServer) -> World {
    s.set_fx("7.10").await;
    // A: Iowa farm, new to exporting, 6 employees at sign-up (the common body).
    let a = merchant_with(s, "a-farm@example.com", json!({}), true).await;
    // B: Wisconsin manufacturer that exported before, 25 employees.
    let b = merchant_with(
        s,
        "b-maker@example.com",
        json!({"legal_name": "Badger Iron Works", "display_name": {"en": "Badger Iron"}, "kind": "manufacturer",
               "state": "WI", "city": "Madison", "zip": "53703", "employees": 25, "exported_before": true}),
        true,
    )
    .await;
    // C: Wisconsin retailer, still pending.
    let _c = merchant_with(
        s,
        "c-shop@example.com",
        json!({"display_name": {"en": "Lake Shop"}, "kind": "retailer", "state": "WI", "city": "Green Bay",
               "zip": "54301", "employees": 2}),
        false,
    )
    .await;
    // D: Iowa brand, 10 employees; it sells, but nothing of it is delivered.
    let d = merchant_with(
        s,
        "d-brand@example.com",
        json!({"display_name": {"en": "Corn Belt Socks"}, "kind": "brand", "city": "Des Moines", "zip": "50309",
               "employees": 10, "food_registration_no": null}),
        true,
    )
    .await;

    let honey = product(s, &a.0, &a.1, json!({"price_usd": "12.50"})).await;
    let crate_ =
        product(s, &a.0, &a.1, json!({"price_usd": "690.00", "title": {"en": "Reserve maple syrup crate"}})).await;
    let cookware = product(
        s,
        &b.0,
        &b.1,
        json!({"tax_class": "household", "hs_code": "73211100", "price_usd": "690.00", "title": {"en": "Cookware set"}}),
    )
    .await;
    let skillet =
        product(s, &b.0, &b.1, json!({"tax_class": "household", "hs_code": "73211100", "price_usd": "40.00"})).await;
    let curds = product(s, &b.0, &b.1, json!({"tax_class": "food", "hs_code": "04061000", "price_usd": "6.25"})).await;
    let socks =
        product(s, &d.0, &d.1, json!({"tax_class": "apparel", "hs_code": "61159500", "price_usd": "15.00"})).await;

    // O1: A, crate 1 × 690.00 (4,899.00 + 60.00 freight ≤ 5,000 CNY), delivered.
    let (buyer, o1) = buy(s, &[(&crate_, 1)]).await;
    ship(s, &a.0, &o1).await;
    deliver(s, &buyer, &o1).await;
    // O2: A, honey 2 × 12.50 = 25.00, delivered.
    let (buyer, o2) = buy(s, &[(&honey, 2)]).await;
    ship(s, &a.0, &o2).await;
    deliver(s, &buyer, &o2).await;
    // O3: B, cookware 1 × 690.00, delivered.
    let (buyer, o3) = buy(s, &[(&cookware, 1)]).await;
    ship(s, &b.0, &o3).await;
    deliver(s, &buyer, &o3).await;
    // O4: B, curds 4 × 6.25 = 25.00 + skillet 1 × 40.00, delivered.
    let (buyer, o4) = buy(s, &[(&curds, 4), (&skillet, 1)]).await;
    ship(s, &b.0, &o4).await;
    deliver(s, &buyer, &o4).await;
    // O5: B, skillet 2 × 40.00, cancelled: not counted.
    let (buyer, o5) = buy(s, &[(&skillet, 2)]).await;
    s.post(&format!("/api/v1/orders/{o5}/cancel"), Some(&buyer), &json!({})).await.ok(200);
    // O6: D, socks 1 × 15.00, only paid: not counted.
    buy(s, &[(&socks, 1)]).await;
    // O7: A, honey 1 × 12.50, shipped but not delivered: not counted.
    let (_, o7) = buy(s, &[(&honey, 1)]).await;
    ship(s, &a.0, &o7).await;

    // Headcount: A reports 9 for this year; D (not exporting) reports 12.
    let year = signup_year(s, &a.1).await;
    s.put(&format!("/api/v1/merchants/{}/headcount/{year}", a.1), Some(&a.0), &json!({"employees": 9})).await.ok(200);
    s.put(&format!("/api/v1/merchants/{}/headcount/{year}", d.1), Some(&d.0), &json!({"employees": 12})).await.ok(200);
    World { a, b, d }
}

fn counts(v: &Value) -> [i64; 4] {
    ["registered", "active", "exporting", "first_time_exporters"].map(|k| v[k].as_i64().unwrap())
}

/// Items of a list keyed by one of their fields.
fn by<'a>(list: &'a Value, key: &str) -> BTreeMap<String, &'a Value> {
    list.as_array().unwrap().iter().map(|v| (v[key].as_str().unwrap().to_string(), v)).collect()
}

#[tokio::test]
async fn every_figure_matches_the_hand_worked_values_and_the_csv() {
    let s = spawn().await;
    let empty = s.get("/api/v1/impact", None).await;
    let v = empty.ok(200);
    assert_eq!(counts(&v["smes"]["total"]), [0, 0, 0, 0]);
    assert_eq!(v["export_value"]["total"], "0.00");
    assert_eq!(v["over_time"], json!([]));

    let w = world(&s).await;
    let a = s.get("/api/v1/impact", None).await;
    let v = a.ok(200);

    assert_eq!(v["goals"]["exporting_smes"], 1_000_000);
    assert_eq!(v["goals"]["jobs"], 1_000_000);

    // SMEs: A, B, C, D registered; A, B, D active; A and B have delivered orders; A
    // is the only first-time exporter (B exported before).
    assert_eq!(counts(&v["smes"]["total"]), [4, 3, 2, 1]);
    let states = by(&v["smes"]["by_state"], "state");
    assert_eq!(states.keys().collect::<Vec<_>>(), ["IA", "WI"]);
    assert_eq!(counts(states["IA"]), [2, 2, 1, 1], "IA: A and D");
    assert_eq!(counts(states["WI"]), [2, 1, 1, 0], "WI: B and C");
    let kinds = by(&v["smes"]["by_kind"], "kind");
    assert_eq!(counts(kinds["farm"]), [1, 1, 1, 1]);
    assert_eq!(counts(kinds["manufacturer"]), [1, 1, 1, 0]);
    assert_eq!(counts(kinds["brand"]), [1, 1, 0, 0]);
    assert_eq!(counts(kinds["retailer"]), [1, 0, 0, 0]);

    // Export value in USD, delivered orders only: A 690.00 + 25.00 = 715.00; B 690.00 +
    // 25.00 + 40.00 = 755.00; total 1,470.00 in four orders.
    let e = &v["export_value"];
    assert_eq!((e["currency"].as_str(), e["total"].as_str()), (Some("USD"), Some("1470.00")));
    assert_eq!(e["delivered_orders"], 4);
    let states = by(&e["by_state"], "state");
    assert_eq!((states["IA"]["value"].as_str(), states["WI"]["value"].as_str()), (Some("715.00"), Some("755.00")));
    // By class: agri 690.00 + 25.00; food 25.00; household 690.00 + 40.00; the rest 0.
    let classes = by(&e["by_tax_class"], "tax_class");
    let class_values: BTreeMap<&str, &str> =
        classes.iter().map(|(k, c)| (k.as_str(), c["value"].as_str().unwrap())).collect();
    assert_eq!(
        class_values,
        BTreeMap::from([
            ("agri", "715.00"),
            ("apparel", "0.00"),
            ("cosmetics", "0.00"),
            ("electronics", "0.00"),
            ("food", "25.00"),
            ("household", "730.00"),
            ("meat", "0.00"),
            ("wine", "0.00"),
        ])
    );
    assert_eq!(classes["agri"]["name"]["zh"], "农产品（坚果、果干、谷物、蜂蜜、枫糖浆）");
    // Farm goods: everything A (a farm) sold, 715.00, and B's curds in the food class,
    // 25.00; other goods: B's household 730.00.
    assert_eq!((e["farm_goods"].as_str(), e["other_goods"].as_str()), (Some("740.00"), Some("730.00")));

    // Jobs reported: A's report for this year (9) + B's employees at sign-up (25); D's
    // report does not count (not exporting). Change since sign-up: A 9 − 6 = 3.
    let r = &v["jobs"]["reported"];
    assert_eq!(r["jobs"], 34);
    assert_eq!(
        (r["exporting_smes"].as_i64(), r["smes_with_report"].as_i64(), r["smes_at_signup"].as_i64()),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!((r["jobs_from_reports"].as_i64(), r["jobs_from_signup"].as_i64()), (Some(9), Some(25)));
    assert_eq!(r["change_since_signup"], 3);
    assert!(r["method"].as_str().unwrap().contains("latest"));

    // Jobs estimated, in hundredths of a job = cents × coefficient / 10⁹, half-up:
    // farm 74,000 × 7,580 = 560,920,000 → 0.56 → 1 → 0.01;
    // other 73,000 × 4,269 = 311,637,000 → 0.31 → 0 → 0.00;
    // total 872,557,000 → 0.87 → 1 → 0.01.
    let est = &v["jobs"]["estimated"];
    assert_eq!(est["jobs"], "0.01");
    assert_eq!(est["farm"]["export_value"], "740.00");
    assert_eq!(est["farm"]["jobs_per_billion_usd"], 7_580);
    assert_eq!(est["farm"]["coefficient_year"], 2013);
    assert_eq!(est["farm"]["jobs"], "0.01");
    assert_eq!(est["other"]["export_value"], "730.00");
    assert_eq!(est["other"]["jobs_per_billion_usd"], 4_269);
    assert_eq!(est["other"]["coefficient_year"], 2021);
    assert_eq!(est["other"]["jobs"], "0.00");
    assert!(est["farm"]["source"].as_str().unwrap().contains("USDA Economic Research Service"));
    assert!(est["other"]["source"].as_str().unwrap().contains("International Trade Administration"));

    // Naive: one per exporting SME.
    assert_eq!(v["jobs"]["naive"]["jobs"], 2);
    assert!(v["jobs"]["naive"]["source"].as_str().unwrap().contains("2017"));

    // Progress: 2 / 1,000,000 = 0.0002 %; 34 jobs = 0.0034 %; 0.01 jobs = 0.000001 % → 0.0000.
    let p = &v["progress"];
    assert_eq!(p["exporting_smes_percent"], "0.0002");
    assert_eq!(p["jobs_reported_percent"], "0.0034");
    assert_eq!(p["jobs_estimated_percent"], "0.0000");
    assert_eq!(p["jobs_naive_percent"], "0.0002");

    // Over time: from the month of the first merchant (A) to this month, cumulative;
    // everything happened now, so the last month holds every figure.
    let a_created = s.get(&format!("/api/v1/merchants/{}", w.a.1), None).await.ok(200)["created_at"].clone();
    let first_month = &a_created.as_str().unwrap()[..7];
    let months = v["over_time"].as_array().unwrap();
    assert_eq!(months[0]["month"], first_month);
    assert_eq!(months.last().unwrap()["month"], v["generated_at"].as_str().unwrap()[..7], "up to this month");
    let last = months.last().unwrap();
    assert_eq!(
        (last["registered_smes"].as_i64(), last["exporting_smes"].as_i64(), last["export_value"].as_str()),
        (Some(4), Some(2), Some("1470.00"))
    );

    // The CSV holds the same figures, one row each.
    let csv = s.client.get(format!("{}/api/v1/impact.csv", s.base)).send().await.unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(csv.headers()["content-disposition"].to_str().unwrap().contains("gateway-impact.csv"));
    let rows = parse_csv(&csv.text().await.unwrap());
    assert_eq!(rows[0], ["section", "dimension", "key", "value", "unit", "method", "source"]);
    assert!(rows.iter().all(|r| r.len() == 7), "every row has seven fields");
    let figure: BTreeMap<(String, String, String), (String, String)> =
        rows[1..].iter().map(|r| ((r[0].clone(), r[1].clone(), r[2].clone()), (r[3].clone(), r[4].clone()))).collect();
    assert_eq!(figure.len(), rows.len() - 1, "no figure appears twice");
    let get = |section: &str, dimension: &str, key: &str| -> String {
        figure
            .get(&(section.into(), dimension.into(), key.into()))
            .unwrap_or_else(|| panic!("no CSV row {section}/{dimension}/{key}"))
            .0
            .clone()
    };
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    assert_eq!(get("goals", "total", "exporting_smes"), "1000000");
    assert_eq!(get("goals", "total", "jobs"), "1000000");
    for (key, field) in [
        ("exporting_smes", "exporting_smes_percent"),
        ("jobs_reported", "jobs_reported_percent"),
        ("jobs_estimated", "jobs_estimated_percent"),
        ("jobs_naive", "jobs_naive_percent"),
    ] {
        assert_eq!(get("progress", "total", key), text(&p[field]), "progress {key}");
    }
    for metric in ["registered", "active", "exporting", "first_time_exporters"] {
        let section = format!("smes.{metric}");
        assert_eq!(get(&section, "total", "all"), text(&v["smes"]["total"][metric]));
        for s in v["smes"]["by_state"].as_array().unwrap() {
            assert_eq!(get(&section, "state", s["state"].as_str().unwrap()), text(&s[metric]));
        }
        for k in v["smes"]["by_kind"].as_array().unwrap() {
            assert_eq!(get(&section, "kind", k["kind"].as_str().unwrap()), text(&k[metric]));
        }
    }
    assert_eq!(get("export_value", "total", "all"), "1470.00");
    assert_eq!(get("export_value", "goods", "farm"), "740.00");
    assert_eq!(get("export_value", "goods", "other"), "730.00");
    for st in e["by_state"].as_array().unwrap() {
        assert_eq!(get("export_value", "state", st["state"].as_str().unwrap()), text(&st["value"]));
    }
    for c in e["by_tax_class"].as_array().unwrap() {
        assert_eq!(get("export_value", "tax_class", c["tax_class"].as_str().unwrap()), text(&c["value"]));
    }
    assert_eq!(get("orders.delivered", "total", "all"), "4");
    assert_eq!(get("jobs.reported", "total", "all"), "34");
    assert_eq!(get("jobs.reported", "source", "latest_report"), "9");
    assert_eq!(get("jobs.reported", "source", "signup"), "25");
    assert_eq!(get("jobs.reported", "smes", "latest_report"), "1");
    assert_eq!(get("jobs.reported", "smes", "signup"), "1");
    assert_eq!(get("jobs.reported", "change", "since_signup"), "3");
    assert_eq!(get("jobs.estimated", "total", "all"), "0.01");
    assert_eq!(get("jobs.estimated", "goods", "farm"), "0.01");
    assert_eq!(get("jobs.estimated", "goods", "other"), "0.00");
    assert_eq!(get("jobs.estimated", "coefficient", "farm"), "7580");
    assert_eq!(get("jobs.estimated", "coefficient", "other"), "4269");
    assert_eq!(get("jobs.naive", "total", "all"), "2");
    for m in months {
        let month = m["month"].as_str().unwrap();
        assert_eq!(get("over_time.registered_smes", "month", month), text(&m["registered_smes"]));
        assert_eq!(get("over_time.exporting_smes", "month", month), text(&m["exporting_smes"]));
        assert_eq!(get("over_time.export_value", "month", month), text(&m["export_value"]));
    }
    // Every row says what it counts and where it comes from.
    for r in &rows[1..] {
        assert!(!r[4].is_empty() && !r[5].is_empty() && !r[6].is_empty(), "unit, method and source of {r:?}");
    }
    let estimated_farm = rows.iter().find(|r| r[0] == "jobs.estimated" && r[1] == "goods" && r[2] == "farm").unwrap();
    assert!(estimated_farm[6].contains("7,580"), "the coefficient's source: {estimated_farm:?}");

    let _ = (w.b, w.d);
}

/// RFC 4180 fields: quoted fields may hold commas, doubled quotes and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted, mut chars) = (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(row.is_empty() && field.is_empty(), "the CSV ends with a line break");
    rows
}

#[tokio::test]
async fn headcount_reports_are_the_owners_one_per_year() {
    let s = spawn().await;
    let (owner, id) = s.merchant("farm@example.com", true, true).await;
    let (other, other_id) = s.merchant("other@example.com", true, true).await;
    let admin = s.admin().await;
    let year = signup_year(&s, &id).await;
    let path = |y: &str| format!("/api/v1/merchants/{id}/headcount/{y}");

    let a = s.put(&path(&year.to_string()), Some(&owner), &json!({"employees": 8})).await;
    let v = a.ok(200);
    assert_eq!(
        (v["merchant_id"].as_str(), v["year"].as_i64(), v["employees"].as_i64()),
        (Some(id.as_str()), Some(i64::from(year)), Some(8))
    );
    // Reporting the same year again replaces it.
    s.put(&path(&year.to_string()), Some(&owner), &json!({"employees": 9})).await.ok(200);
    let list = s.get(&format!("/api/v1/merchants/{id}/headcount"), Some(&owner)).await;
    let reports = list.ok(200).as_array().unwrap().clone();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["employees"], 9);
    s.get(&format!("/api/v1/merchants/{id}/headcount"), Some(&admin)).await.ok(200);
    s.get(&format!("/api/v1/merchants/{id}/headcount"), Some(&other)).await.problem(403, "forbidden");
    s.get(&format!("/api/v1/merchants/{id}/headcount"), None).await.problem(401, "unauthorized");

    // The year: from the sign-up year (this year) to this year.
    for bad in [(year + 1).to_string(), (year - 1).to_string(), "twenty".into(), "0".into()] {
        let a = s.put(&path(&bad), Some(&owner), &json!({"employees": 3})).await;
        a.problem(422, "validation_failed");
        assert_eq!(a.error_fields(), ["year"], "year {bad}");
    }
    for (body, fields) in [
        (json!({"employees": -1}), vec!["employees"]),
        (json!({"employees": 1_000_001}), vec!["employees"]),
        (json!({}), vec!["employees"]),
    ] {
        let a = s.put(&path(&year.to_string()), Some(&owner), &body).await;
        a.problem(422, "validation_failed");
        assert_eq!(a.error_fields(), fields, "{body}");
    }
    s.put(&path(&year.to_string()), Some(&owner), &json!({"employees": 1_000_000})).await.ok(200);
    s.put(&path(&year.to_string()), Some(&owner), &json!({"employees": 0})).await.ok(200);
    // Only the owner: not another merchant, not an operator, not a visitor.
    s.put(&path(&year.to_string()), Some(&other), &json!({"employees": 3})).await.problem(403, "forbidden");
    s.put(&path(&year.to_string()), Some(&admin), &json!({"employees": 3})).await.problem(403, "forbidden");
    s.put(&path(&year.to_string()), None, &json!({"employees": 3})).await.problem(401, "unauthorized");
    let unknown = "0190f000-0000-7000-8000-000000000000";
    s.put(&format!("/api/v1/merchants/{unknown}/headcount/{year}"), Some(&owner), &json!({"employees": 3}))
        .await
        .problem(404, "not_found");
    s.put(&format!("/api/v1/merchants/nope/headcount/{year}"), Some(&owner), &json!({"employees": 3}))
        .await
        .problem(404, "not_found");
    let _ = other_id;
}

#[tokio::test]
async fn odd_requests_to_the_impact_routes_never_make_a_5xx() {
    let s = spawn().await;
    let (token, merchant) = s.merchant("farm@example.com", true, true).await;
    let admin = s.admin().await;
    let paths = [
        "/api/v1/impact".to_string(),
        "/api/v1/impact.csv".to_string(),
        format!("/api/v1/merchants/{merchant}/headcount"),
        format!("/api/v1/merchants/{merchant}/headcount/2026"),
        format!("/api/v1/merchants/{merchant}/headcount/-1"),
        format!("/api/v1/merchants/{merchant}/headcount/99999999999999999999"),
    ];
    let bodies = [json!(null), json!(1), json!("x"), json!({"employees": "many"}), json!({"employees": 1e30})];
    for path in &paths {
        for method in [reqwest::Method::GET, reqwest::Method::POST, reqwest::Method::PUT, reqwest::Method::PATCH] {
            for body in &bodies {
                for who in [None, Some(token.as_str()), Some(admin.as_str())] {
                    let a = s.send(method.clone(), path, who, Some(body)).await;
                    assert!(a.status.as_u16() < 500, "{method} {path} {body} → {}", a.text);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------

async fn page(s: &TestServer, path: &str, cookie: Option<&str>, lang: Option<&str>) -> (StatusCode, String) {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut request = client.get(format!("{}{path}", s.base));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(lang) = lang {
        request = request.header("accept-language", lang);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn the_page_draws_the_figures_in_both_languages() {
    let s = spawn().await;
    world(&s).await;

    // Chinese by default, as the public site.
    let (status, zh) = page(&s, "/impact", None, None).await;
    assert_eq!(status, 200);
    assert!(zh.contains("<html lang=\"zh-CN\">"), "Chinese by default");
    assert!(zh.len() < 100 * 1024, "{} bytes", zh.len());
    assert!(zh.contains("<h1>影响力</h1>"));
    // Four bar charts and two line charts, each an accessible image with its text.
    assert_eq!(zh.matches("<svg class=\"chart-svg\"").count(), 6);
    assert_eq!(zh.matches("role=\"img\"").count(), 6);
    for id in [
        "chart-smes-state",
        "chart-smes-kind",
        "chart-export-state",
        "chart-export-class",
        "chart-smes-time",
        "chart-value-time",
    ] {
        assert!(zh.contains(&format!("aria-labelledby=\"{id}-title {id}-desc\"")), "{id}");
        assert!(zh.contains(&format!("<title id=\"{id}-title\">")), "{id}");
        assert!(zh.contains(&format!("<desc id=\"{id}-desc\">")), "{id}");
    }
    assert!(zh.contains("<polyline"));
    // The data tables under the charts, in <details>.
    assert!(zh.matches("<details class=\"chart-data\">").count() >= 5);
    // Figures: the states by name, the export value, the three job counts with sources.
    assert!(zh.contains("爱荷华州") && zh.contains("威斯康星州"));
    assert!(zh.contains("US$1,470.00"));
    assert!(zh.contains("US$715.00") && zh.contains("US$755.00"));
    assert!(zh.contains("id=\"goal-smes-bar\" max=\"1000000\" value=\"2\""));
    assert!(zh.contains("id=\"goal-jobs-reported-bar\" max=\"1000000\" value=\"34\""));
    assert!(zh.contains("id=\"goal-jobs-estimated-bar\" max=\"1000000\" value=\"0.01\""));
    assert!(zh.contains("美国农业部经济研究局") && zh.contains("7,580") && zh.contains("4,269"));
    assert!(zh.contains("href=\"/api/v1/impact.csv\""));
    assert!(!zh.contains("<script"), "no JavaScript");

    // English on request (?lang=) and from the browser's languages.
    let (_, en) = page(&s, "/impact?lang=en", None, None).await;
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains("<h1>Impact</h1>"));
    assert!(en.contains("Iowa") && en.contains("Wisconsin"));
    assert!(en.contains("Jobs reported by merchants") && en.contains("USDA Economic Research Service"));
    assert!(en.contains("Agricultural products"));
    assert_eq!(en.matches("role=\"img\"").count(), 6);
    let (_, en) = page(&s, "/impact", None, Some("en-US,en;q=0.9")).await;
    assert!(en.contains("<html lang=\"en\">"));

    // The footer of every page links to it.
    let (_, home) = page(&s, "/", None, None).await;
    assert!(home.contains("href=\"/impact\""));

    // Before anything exists, the page still renders, saying there is no data.
    let empty = spawn().await;
    let (status, body) = page(&empty, "/impact?lang=en", None, None).await;
    assert_eq!(status, 200);
    assert!(body.contains("No data yet."));
}

#[tokio::test]
async fn the_headcount_form_saves_and_explains_mistakes() {
    let s = spawn().await;
    let (api, id) = s.merchant("farm@example.com", true, true).await;
    let cookie = format!("gw_session={api}");
    let year = signup_year(&s, &id).await;

    // Visitors sign in first; shoppers may not.
    let (status, _) = page(&s, "/merchant/headcount", None, None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let buyer = s.signup("buyer@example.com", "consumer").await;
    let (status, _) = page(&s, "/merchant/headcount", Some(&format!("gw_session={buyer}")), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, form) = page(&s, "/merchant/headcount", Some(&cookie), None).await;
    assert_eq!(status, 200);
    assert!(form.contains("<html lang=\"en\">"), "the merchant portal is English by default");
    assert!(form.contains(&format!("<option value=\"{year}\" selected>")));
    assert!(form.contains("id=\"headcount-none\""));
    let token = csrf_of(&form);

    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let post = |fields: Vec<(&'static str, String)>| {
        let mut fields = fields;
        fields.push(("csrf", token.clone()));
        client.post(format!("{}/merchant/headcount", s.base)).header("cookie", &cookie).form(&fields).send()
    };
    // A mistake comes back beside its field, what was typed kept.
    let bad = post(vec![("year", year.to_string()), ("employees", "lots".into())]).await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.text().await.unwrap();
    assert!(body.contains("Enter a whole number of people from 0 to 1,000,000."));
    assert!(body.contains("value=\"lots\""));
    let bad = post(vec![("year", (year + 1).to_string()), ("employees", "4".into())]).await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("Choose a year from the year you joined Gateway to this year."));
    let blank = post(vec![("year", year.to_string()), ("employees", String::new())]).await.unwrap();
    assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.text().await.unwrap().contains("Please fill this in."));

    let ok = post(vec![("year", year.to_string()), ("employees", "11".into())]).await.unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()["location"], format!("/merchant/headcount?saved={year}"));
    let (_, shown) = page(&s, &format!("/merchant/headcount?saved={year}"), Some(&cookie), None).await;
    assert!(shown.contains("id=\"headcount-saved\""));
    assert!(shown.contains(&format!("<th scope=\"row\">{year}</th><td class=\"num\">11</td>")));
    let reports = s.get(&format!("/api/v1/merchants/{id}/headcount"), Some(&api)).await;
    assert_eq!(reports.ok(200)[0]["employees"], 11);

    // Without the CSRF token, nothing is saved.
    let forged = client
        .post(format!("{}/merchant/headcount", s.base))
        .header("cookie", &cookie)
        .form(&[("year", year.to_string()), ("employees", "99".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
}
