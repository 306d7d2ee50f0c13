//! Tariff scenarios (issue 6) over HTTP: a small catalog built through the API, three
//! rules previewed with every aggregate checked against numbers worked out by hand in
//! the comments (SPEC 2, 3 and 5), nothing saved; who may preview; the validation
//! errors; the 409 without an FX rate; the console page in both languages, its
//! presets and its CSRF token.

use crate::buying::{bonded_merchant, cart_with, product, shopper};
use crate::common::*;
use crate::operator_pages::operator;
use crate::pages::Browser;
use reqwest::StatusCode;
use serde_json::{Value, json};

const PREVIEW: &str = "/api/v1/admin/scenarios/preview";

/// The four products for sale, at 7.10 CNY per USD (SPEC 5 freight, SPEC 3 tax):
///
/// - `syrup` (bonded merchant, agri: VAT 9%, MFN 15%): 20.00 USD → 142.00; freight
///   10.00 flat; P = 152.00; VAT = 0.7 × 152.00 × 9% = 9.576 → 9.58; landed 161.58.
/// - `mug` (direct mail, household: VAT 13%, MFN 8%): 10.00 USD → 71.00; 400 g →
///   freight 40.00; P = 111.00; VAT = 0.7 × 111.00 × 13% = 10.101 → 10.10; 121.10.
/// - `laptop` (direct mail, electronics: VAT 13%, MFN 0): 700.00 USD → 4,970.00;
///   800 g → 60.00; P = 5,030.00 > 5,000.00: full tax, VAT = 5,030.00 × 13% = 653.90;
///   5,683.90.
/// - `stove` (direct mail, household): 690.00 USD → 4,899.00; 1,000 g → 60.00;
///   P = 4,959.00; VAT = 0.7 × 4,959.00 × 13% = 451.269 → 451.27; 5,410.27.
///
/// A pending merchant's product is not for sale and counts nowhere.
struct World {
    syrup: String,
    mug: String,
    laptop: String,
    stove: String,
}

async fn world(s: &TestServer) -> World {
    s.set_fx("7.10").await;
    let (direct_token, direct) = s.merchant("direct@example.com", true, true).await;
    let (bonded_token, bonded) = bonded_merchant(s, "bonded@example.com").await;
    let piece = json!({"value": 1, "unit": "piece"});
    let syrup = product(
        s,
        &bonded_token,
        &bonded,
        json!({"title": {"en": "Maple Syrup 750 ml"}, "hs_code": "17022000", "price_usd": "20.00", "weight_g": 1200,
               "net_content": {"value": 750, "unit": "ml"}}),
    )
    .await;
    let mug = product(
        s,
        &direct_token,
        &direct,
        json!({"title": {"en": "Enamel Camp Mug", "zh": "搪瓷露营杯"}, "tax_class": "household", "hs_code": "73239300",
               "price_usd": "10.00", "weight_g": 400, "net_content": piece}),
    )
    .await;
    let laptop = product(
        s,
        &direct_token,
        &direct,
        json!({"title": {"en": "Rugged Laptop"}, "tax_class": "electronics", "hs_code": "84713000",
               "price_usd": "700.00", "weight_g": 800, "net_content": piece}),
    )
    .await;
    let stove = product(
        s,
        &direct_token,
        &direct,
        json!({"title": {"en": "Cast Iron Stove"}, "tax_class": "household", "hs_code": "73211100",
               "price_usd": "690.00", "weight_g": 1000, "net_content": piece}),
    )
    .await;
    let (pending_token, pending) = s.merchant("pending@example.com", true, false).await;
    product(s, &pending_token, &pending, json!({"price_usd": "999.00"})).await;
    World { syrup, mug, laptop, stove }
}

/// The group of `class` in a preview.
fn class<'a>(preview: &'a Value, code: &str) -> &'a Value {
    preview["classes"].as_array().unwrap().iter().find(|g| g["tax_class"] == code).unwrap()
}

/// The fields of a group that the tests compare, in one line each.
fn figures(g: &Value) -> Value {
    json!({
        "products": g["products"], "mean": [g["mean_price_before"], g["mean_price_after"]],
        "change": [g["mean_change_pct"], g["median_change_pct"]],
        "within": [g["within_limit_before"], g["within_limit_after"], g["share_within_limit_before"], g["share_within_limit_after"]],
        "crossed": [g["crossed_over_limit"], g["crossed_under_limit"]],
        "full_tax": [g["full_tax_before"], g["full_tax_after"], g["share_full_tax_before"], g["share_full_tax_after"]],
    })
}

/// (product id, before, after, change) of each listed increase.
fn increases(preview: &Value) -> Vec<(String, String, String, String)> {
    preview["largest_increases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let text = |k: &str| i[k].as_str().unwrap().to_string();
            (text("product_id"), text("price_before"), text("price_after"), text("change_pct"))
        })
        .collect()
}

fn item(id: &str, before: &str, after: &str, change: &str) -> (String, String, String, String) {
    (id.to_string(), before.to_string(), after.to_string(), change.to_string())
}

#[tokio::test]
async fn rules_are_previewed_against_numbers_worked_by_hand() {
    let s = spawn().await;
    let w = world(&s).await;
    let admin = s.admin().await;

    // The baseline is the storefront's landed price: a one-unit cart's quote agrees.
    let buyer = shopper(&s).await;
    for (id, total, regime) in [(&w.stove, "5410.27", "cbec"), (&w.laptop, "5683.90", "cbec_full_tax")] {
        let cart = cart_with(&s, &buyer, &[(id, 1)]).await;
        let quote = s.get(&format!("/api/v1/carts/{cart}/quote"), Some(&buyer)).await;
        assert_eq!(
            (&quote.ok(200)["orders"][0]["total"], &quote.body["orders"][0]["regime"]),
            (&json!(total), &json!(regime))
        );
    }

    // R1: household duty +25 points, reaching parcels within the CBEC regime.
    //  mug: duty = 111.00 × 25% = 27.75; VAT = 0.7 × 138.75 × 13% = 12.62625 → 12.63; 151.38.
    //  stove: duty = 4,959.00 × 25% = 1,239.75; VAT = 0.7 × 6,198.75 × 13% = 564.08625 → 564.09;
    //  6,762.84 (P is still 4,959.00: within the limit, still CBEC). syrup and laptop unchanged.
    let r1 = json!({"extra_duty": [{"tax_class": "household", "points": "25"}], "extra_duty_in_cbec": true});
    let p = s.post(PREVIEW, Some(&admin), &r1).await;
    let p = p.ok(200);
    assert_eq!(
        (&p["fx_rate_before"], &p["fx_rate_after"], &p["single_limit_before"], &p["single_limit_after"], &p["skipped"]),
        (&json!("7.1"), &json!("7.1"), &json!("5000.00"), &json!("5000.00"), &json!(0))
    );
    // Overall, 4 products: before (161.58 + 121.10 + 5,683.90 + 5,410.27) / 4 = 2,844.2125 → 2,844.21;
    // after (161.58 + 151.38 + 5,683.90 + 6,762.84) / 4 = 3,189.925 → 3,189.93.
    // Changes: mug 30.28 / 121.10 = 25.0041% (250,041 ppm), stove 1,352.57 / 5,410.27 = 25.00005%
    // (250,000 ppm), 0, 0: mean 125,010.25 ppm → 12.50%; per mille 0, 0, 250, 250: median 125 ‰ = 12.50%.
    // Within 5,000.00: syrup, mug, stove (3 of 4) before and after; full tax: the laptop (1 of 4).
    assert_eq!(p["overall"]["tax_class"], Value::Null);
    assert_eq!(
        figures(&p["overall"]),
        json!({"products": 4, "mean": ["2844.21", "3189.93"], "change": ["12.50", "12.50"],
               "within": [3, 3, "0.7500", "0.7500"], "crossed": [0, 0], "full_tax": [1, 1, "0.2500", "0.2500"]})
    );
    // Household: (121.10 + 5,410.27) / 2 = 2,765.685 → 2,765.69; (151.38 + 6,762.84) / 2 = 3,457.11;
    // mean change (250,041 + 250,000) / 2 = 250,020.5 → 250,021 ppm → 25.00%; median 250 ‰.
    let household = class(p, "household");
    assert_eq!(
        household["name"],
        json!({"en": "Household (kitchen, home, toys, sports)", "zh": "家居用品（厨房、家居、玩具、运动）"})
    );
    assert_eq!(
        figures(household),
        json!({"products": 2, "mean": ["2765.69", "3457.11"], "change": ["25.00", "25.00"],
               "within": [2, 2, "1.0000", "1.0000"], "crossed": [0, 0], "full_tax": [0, 0, "0.0000", "0.0000"]})
    );
    assert_eq!(
        figures(class(p, "agri")),
        json!({"products": 1, "mean": ["161.58", "161.58"], "change": ["0.00", "0.00"],
               "within": [1, 1, "1.0000", "1.0000"], "crossed": [0, 0], "full_tax": [0, 0, "0.0000", "0.0000"]})
    );
    assert_eq!(
        figures(class(p, "electronics")),
        json!({"products": 1, "mean": ["5683.90", "5683.90"], "change": ["0.00", "0.00"],
               "within": [0, 0, "0.0000", "0.0000"], "crossed": [0, 0], "full_tax": [1, 1, "1.0000", "1.0000"]})
    );
    let codes: Vec<&str> = p["classes"].as_array().unwrap().iter().map(|g| g["tax_class"].as_str().unwrap()).collect();
    assert_eq!(codes, ["agri", "electronics", "household"], "only classes with products for sale, by code");
    // Largest first: 25.0041% before 25.00005%; unchanged prices are not increases.
    assert_eq!(
        increases(p),
        [item(&w.mug, "121.10", "151.38", "25.00"), item(&w.stove, "5410.27", "6762.84", "25.00")]
    );
    assert_eq!(p["largest_increases"][0]["title_zh"], "搪瓷露营杯");
    assert_eq!(p["largest_increases"][0]["increase"], "30.28");
    // Parcels spared: the same duty changes nothing here (every household unit is within the limit).
    let spared =
        s.post(PREVIEW, Some(&admin), &json!({"extra_duty": [{"tax_class": "household", "points": 25}]})).await;
    assert_eq!(figures(&spared.ok(200)["overall"])["mean"], json!(["2844.21", "2844.21"]));
    assert_eq!(spared.body["largest_increases"], json!([]));

    // R2: a dearer dollar, 7.20.
    //  syrup: 144.00 + 10.00 = 154.00; VAT 9.702 → 9.70; 163.70 (+2.12 / 161.58 = 1.3120%).
    //  mug: 72.00 + 40.00 = 112.00; VAT 10.192 → 10.19; 122.19 (+1.09 / 121.10 = 0.9001%).
    //  laptop: 5,040.00 + 60.00 = 5,100.00; full tax, VAT 663.00; 5,763.00 (+79.10 / 5,683.90 = 1.3917%).
    //  stove: 4,968.00 + 60.00 = 5,028.00 > 5,000.00: now full tax. duty = 5,028.00 × 8% = 402.24;
    //  VAT = 5,430.24 × 13% = 705.9312 → 705.93; 6,136.17 (+725.90 / 5,410.27 = 13.4171%).
    // Overall after: (163.70 + 122.19 + 5,763.00 + 6,136.17) / 4 = 3,046.265 → 3,046.27;
    // mean change (13,120 + 9,001 + 13,917 + 134,171) / 4 = 42,552.25 ppm → 4.26%;
    // per mille 9, 13, 14, 134: median 13.5 ‰ → 1.35%. Within: 3 → 2 (the stove crossed over);
    // full tax: 1 → 2.
    let p = s.post(PREVIEW, Some(&admin), &json!({"fx_rate": "7.20", "top": 3})).await;
    let p = p.ok(200);
    assert_eq!((&p["fx_rate_before"], &p["fx_rate_after"]), (&json!("7.1"), &json!("7.2")));
    assert_eq!(
        figures(&p["overall"]),
        json!({"products": 4, "mean": ["2844.21", "3046.27"], "change": ["4.26", "1.35"],
               "within": [3, 2, "0.7500", "0.5000"], "crossed": [1, 0], "full_tax": [1, 2, "0.2500", "0.5000"]})
    );
    // Household: after (122.19 + 6,136.17) / 2 = 3,129.18; mean (9,001 + 134,171) / 2 = 71,586 ppm → 7.16%;
    // median (9 + 134) / 2 = 71.5 ‰ → 7.15%.
    assert_eq!(
        figures(class(p, "household")),
        json!({"products": 2, "mean": ["2765.69", "3129.18"], "change": ["7.16", "7.15"],
               "within": [2, 1, "1.0000", "0.5000"], "crossed": [1, 0], "full_tax": [0, 1, "0.0000", "0.5000"]})
    );
    // top = 3: the mug's 0.90% is left out.
    assert_eq!(
        increases(p),
        [
            item(&w.stove, "5410.27", "6136.17", "13.42"),
            item(&w.laptop, "5683.90", "5763.00", "1.39"),
            item(&w.syrup, "161.58", "163.70", "1.31"),
        ]
    );

    // R3: everything at full tax, and a 6,000.00 limit that brings the laptop back under it.
    //  syrup: duty = 152.00 × 15% = 22.80; VAT = 174.80 × 9% = 15.732 → 15.73; 190.53 (+17.9168%).
    //  mug: duty 8.88; VAT = 119.88 × 13% = 15.5844 → 15.58; 135.46 (+11.8580%).
    //  laptop: 5,683.90 as before (0%). stove: duty = 4,959.00 × 8% = 396.72;
    //  VAT = 5,355.72 × 13% = 696.2436 → 696.24; 6,051.96 (+11.8606%).
    // Overall after (190.53 + 135.46 + 5,683.90 + 6,051.96) / 4 = 3,015.4625 → 3,015.46;
    // mean (179,168 + 118,580 + 0 + 118,606) / 4 = 104,088.5 → 104,089 ppm → 10.41%;
    // per mille 0, 119, 119, 179: median 119 ‰ → 11.90%. Within 6,000.00: all 4 (the laptop
    // crossed under); full tax: all 4.
    let p = s.post(PREVIEW, Some(&admin), &json!({"cbec_preference": false, "single_limit": "6000"})).await;
    let p = p.ok(200);
    assert_eq!(p["single_limit_after"], "6000.00");
    assert_eq!(
        figures(&p["overall"]),
        json!({"products": 4, "mean": ["2844.21", "3015.46"], "change": ["10.41", "11.90"],
               "within": [3, 4, "0.7500", "1.0000"], "crossed": [0, 1], "full_tax": [1, 4, "0.2500", "1.0000"]})
    );
    assert_eq!(
        increases(p),
        [
            item(&w.syrup, "161.58", "190.53", "17.92"),
            item(&w.stove, "5410.27", "6051.96", "11.86"),
            item(&w.mug, "121.10", "135.46", "11.86"),
        ]
    );

    // Nothing was saved: the products' prices and the rate are as they were.
    let mug = s.get(&format!("/api/v1/products/{}", w.mug), None).await;
    assert_eq!((&mug.ok(200)["price_usd"], &mug.body["price_cny"]), (&json!("10.00"), &json!("71.00")));
    assert_eq!(s.get("/api/v1/fx/USD/CNY", None).await.ok(200)["rate"], "7.1");
}

#[tokio::test]
async fn only_operators_preview_and_every_field_is_checked() {
    let s = spawn().await;
    let body = json!({"cbec_preference": false});
    s.post(PREVIEW, None, &body).await.problem(401, "unauthorized");
    let consumer = s.signup("c@example.com", "consumer").await;
    s.post(PREVIEW, Some(&consumer), &body).await.problem(403, "forbidden");
    let (merchant, _) = s.merchant("m@example.com", true, true).await;
    s.post(PREVIEW, Some(&merchant), &body).await.problem(403, "forbidden");

    let admin = s.admin().await;
    // No FX rate yet: nothing to compare with.
    let a = s.post(PREVIEW, Some(&admin), &body).await;
    assert!(a.problem(409, "fx_rate_missing")["detail"].as_str().unwrap().contains("set the rate first"));
    s.set_fx("7.1").await;
    // An empty catalog: zeros, not errors.
    let empty = s.post(PREVIEW, Some(&admin), &json!({})).await;
    assert_eq!(
        figures(&empty.ok(200)["overall"]),
        json!({"products": 0, "mean": ["0.00", "0.00"], "change": ["0.00", "0.00"],
               "within": [0, 0, "0.0000", "0.0000"], "crossed": [0, 0], "full_tax": [0, 0, "0.0000", "0.0000"]})
    );
    assert_eq!(empty.body["classes"], json!([]));

    let bad = json!({
        "extra_duty": [
            {"tax_class": "toys", "points": "25"},
            {"tax_class": "agri", "points": "-1"},
            {"tax_class": "wine", "points": "100.01"},
            {"tax_class": "*", "points": "12.34567"},
            {"points": "x"}
        ],
        "fx_rate": "0",
        "single_limit": "26000.01",
        "top": 101
    });
    let a = s.post(PREVIEW, Some(&admin), &bad).await;
    a.problem(422, "validation_failed");
    assert_eq!(
        a.error_fields(),
        [
            "extra_duty[0].tax_class",
            "extra_duty[1].points",
            "extra_duty[2].points",
            "extra_duty[3].points",
            "extra_duty[4].points",
            "extra_duty[4].tax_class",
            "fx_rate",
            "single_limit",
            "top"
        ]
    );
    let message = |field: &str| {
        a.body["errors"].as_array().unwrap().iter().find(|e| e["field"] == field).unwrap()["message"].clone()
    };
    assert_eq!(message("extra_duty[1].points"), "must not be negative");
    assert_eq!(message("extra_duty[2].points"), "must be at most 100 percentage points");
    assert!(message("extra_duty[0].tax_class").as_str().unwrap().contains("agri, food, wine"));
    // Numbers are read exactly: 12.5 as a JSON number is 12.5 points.
    let ok = s.post(PREVIEW, Some(&admin), &json!({"extra_duty": [{"tax_class": "*", "points": 12.5}]})).await;
    ok.ok(200);
    // A body of the wrong shape is a 400/422 problem, never a 500.
    let wrong = s.post(PREVIEW, Some(&admin), &json!({"extra_duty": "all"})).await;
    assert!(matches!(wrong.status.as_u16(), 400 | 422), "{}", wrong.text);
    assert_eq!(wrong.content_type, "application/problem+json");
}

#[tokio::test]
async fn the_console_page_previews_in_both_languages() {
    let s = spawn().await;
    let w = world(&s).await;
    let mut visitor = Browser::new(&s);
    assert_eq!(visitor.get("/operator/scenarios").await.status, StatusCode::SEE_OTHER, "sign in first");
    let mut b = operator(&s).await;
    let page = b.get("/operator/scenarios").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<html lang=\"en\">") && page.body.contains("<h1>Tariff scenarios</h1>"));
    assert!(page.body.contains("href=\"/operator/scenarios\" aria-current=\"page\""), "in the console's menu");
    assert!(page.body.contains("Everything at full tax") && page.body.contains("<option value=\"agri\">"));
    assert!(!page.body.contains("id=\"results\""), "no results before a preview");

    // No CSRF token: refused, nothing computed.
    let refused = b.post("/operator/scenarios", &[("preset", "full_tax")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The full-tax preset: the overall row and the largest increases, as in the API test.
    let full = b.submit("/operator/scenarios", "/operator/scenarios", &[("preset", "full_tax")]).await;
    assert_eq!(full.status, 200, "{}", full.body);
    assert!(full.body.contains("id=\"results\""));
    assert!(full.body.contains("name=\"full_tax\" value=\"1\" checked"), "the form shows the rule that ran");
    for text in ["¥2844.21", "¥3015.46", "10.41%", "25.00%", "100.00%", "¥161.58 → ¥190.53 (+17.92%)"] {
        assert!(full.body.contains(text), "{text}");
    }
    assert!(full.body.contains(&format!("href=\"/products/{}\"", w.syrup)));

    // +25 points on household, chosen in the select; Chinese this time.
    let zh = b.get("/operator/scenarios?lang=zh-CN").await;
    assert!(zh.body.contains("<html lang=\"zh-CN\">") && zh.body.contains("<h1>关税情景模拟</h1>"));
    let duty = b
        .submit(
            "/operator/scenarios",
            "/operator/scenarios",
            &[("preset", "duty25"), ("extra_class", "household"), ("extra_in_cbec", "1")],
        )
        .await;
    assert_eq!(duty.status, 200);
    assert!(duty.body.contains("<option value=\"household\" selected>家居用品（厨房、家居、玩具、运动）</option>"));
    assert!(duty.body.contains("value=\"25\""), "the preset's points are shown");
    assert!(duty.body.contains("全部商品") && duty.body.contains("¥3189.93"), "the overall row, in Chinese");
    assert!(duty.body.contains("搪瓷露营杯") && duty.body.contains("¥121.10 → ¥151.38（+25.00%）"));

    // Errors beside their fields, in the page's language, nothing typed lost.
    let bad = b
        .submit(
            "/operator/scenarios?lang=en",
            "/operator/scenarios",
            &[("preset", "custom"), ("extra_class", "household"), ("extra_points", "150"), ("fx_rate", "abc")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in ["extra_points-error", "fx_rate-error"] {
        assert!(bad.body.contains(&format!("id=\"{id}\"")), "{id}: {}", bad.body);
    }
    assert!(bad.body.contains("Enter 0 to 100 percentage points") && bad.body.contains("value=\"abc\""));
    assert!(!bad.body.contains("id=\"results\""));
}

#[tokio::test]
async fn the_page_says_when_no_rate_is_set() {
    let s = spawn().await;
    let mut b = operator(&s).await;
    let page = b.submit("/operator/scenarios", "/operator/scenarios", &[("preset", "full_tax")]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("No exchange rate is set yet"), "{}", page.body);
}
