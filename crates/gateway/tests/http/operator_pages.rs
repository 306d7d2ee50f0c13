//! The operator console over HTTP: who may open it, both languages, and its forms —
//! merchant decisions, the FX rate, a tax class, freight, orders — with their errors
//! and CSRF tokens. (The browser suite approves a merchant in Chromium.)

use crate::buying::{cart_with, checkout, product, shopper};
use crate::common::*;
use crate::pages::Browser;
use reqwest::StatusCode;
use serde_json::json;

/// Every page of the console, for the sweeps below.
const PAGES: [&str; 10] = [
    "/operator",
    "/operator/merchants",
    "/operator/merchants?status=active",
    "/operator/orders",
    "/operator/fx",
    "/operator/tax-classes",
    "/operator/freight",
    "/operator/positive-list",
    "/operator/scenarios",
    "/operator/events",
];

/// A browser signed in as the operator.
pub(crate) async fn operator(s: &TestServer) -> Browser<'_> {
    let mut b = Browser::new(s);
    let signed_in = b.submit("/login", "/login", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)]).await;
    assert_eq!(
        (signed_in.status, signed_in.location()),
        (StatusCode::SEE_OTHER, "/operator"),
        "operators land in the console"
    );
    b
}

#[tokio::test]
async fn the_console_is_for_operators_only() {
    let s = spawn().await;
    let (_, merchant) = s.merchant("pending@example.com", true, false).await;
    let mut visitor = Browser::new(&s);
    for path in PAGES.iter().copied().chain(["/operator/tax-classes/agri", &format!("/operator/merchants/{merchant}")])
    {
        let page = visitor.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert!(page.location().starts_with("/login?next=/operator"), "{path} asks to sign in: {}", page.location());
    }
    let mut consumer = Browser::new(&s);
    consumer.submit("/signup", "/signup", &[("email", "c@example.com"), ("password", "password-123")]).await;
    let mut seller = Browser::new(&s);
    seller
        .submit("/signup", "/signup", &[("email", "m@example.com"), ("password", "password-123"), ("role", "merchant")])
        .await;
    for b in [&mut consumer, &mut seller] {
        for path in PAGES {
            let page = b.get(path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
            assert!(page.is_html() && page.body.contains("Only Gateway&#39;s operators"), "{path}: {}", page.body);
        }
        // A form with a good CSRF token still needs an operator.
        for (path, form) in [
            (format!("/operator/merchants/{merchant}/approve"), vec![]),
            ("/operator/fx".to_string(), vec![("rate", "9.9")]),
            (
                "/operator/freight".to_string(),
                vec![("direct_first_500g", "1"), ("direct_each_further_500g", "1"), ("bonded_flat", "1")],
            ),
        ] {
            let refused = b.submit("/", &path, &form).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
        }
    }
    let m = s.get(&format!("/api/v1/merchants/{merchant}"), Some(&s.admin().await)).await;
    assert_eq!(m.ok(200)["status"], "pending", "nothing was approved");
    assert_eq!(s.get("/api/v1/freight", None).await.ok(200)["bonded_flat"], "10.00", "nothing was changed");
}

#[tokio::test]
async fn the_console_speaks_english_by_default_and_chinese_on_request() {
    let s = spawn().await;
    s.set_fx("7.1").await;
    s.merchant("pending@example.com", true, false).await;
    let mut b = operator(&s).await;
    for path in PAGES.iter().copied().chain(["/operator/tax-classes/cosmetics"]) {
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains("<html lang=\"en\">"), "{path} is English by default");
        assert!(page.body.contains("aria-label=\"Operator console\""), "{path} has the console's menu");
        assert!(page.body.len() < 100_000, "{path} is {} bytes", page.body.len());
    }
    let overview = b.get("/operator").await;
    assert!(overview.body.contains("1 merchant is waiting for approval."), "{}", overview.body);
    assert!(overview.body.contains("1 USD = 7.1 CNY"));
    assert!(b.get("/").await.body.contains("href=\"/operator\""), "the header links to the console");

    let chinese = b.get("/operator?lang=zh-CN").await;
    assert!(chinese.body.contains("<html lang=\"zh-CN\">"));
    assert!(chinese.body.contains("<h1>运营后台</h1>") && chinese.body.contains("有 1 个商家等待审核。"));
    for path in PAGES.iter().copied().chain(["/operator/tax-classes/cosmetics"]) {
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains("<html lang=\"zh-CN\">"), "{path} stays in Chinese (the cookie)");
    }
    let classes = b.get("/operator/tax-classes").await;
    assert!(classes.body.contains("高档化妆品") && classes.body.contains("每克/毫升 10.00，每件 15.00"));
    let merchants = b.get("/operator/merchants").await;
    assert!(merchants.body.contains("待审核") && merchants.body.contains(">批准</button>"));
    // Unknown things are 404 pages, not errors.
    for path in [
        "/operator/tax-classes/tobacco",
        "/operator/tax-classes/%00",
        "/operator/merchants/not-an-id",
        "/operator/orders/0190f000-0000-7000-8000-000000000000",
        "/operator/orders?status=lost",
        "/operator/merchants?status=lost",
        "/operator/events/not-an-id",
        "/operator/events/0190f000-0000-7000-8000-000000000000",
    ] {
        let page = b.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.is_html(), "{path}");
    }
    assert_eq!(
        b.get("/operator/merchants?cursor=nonsense").await.status,
        StatusCode::SEE_OTHER,
        "a bad cursor restarts"
    );
}

#[tokio::test]
async fn merchants_are_approved_suspended_and_reinstated_through_the_forms() {
    let s = spawn().await;
    let (_, merchant) = s.merchant("pending@example.com", true, false).await;
    let mut b = operator(&s).await;
    let list = b.get("/operator/merchants").await;
    assert!(list.body.contains("Prairie Gold Apiaries") && list.body.contains("草原金蜂场"), "the profile");
    assert!(list.body.contains("CUSA12345678901"), "the food registration, which approval depends on");
    let approve = format!("/operator/merchants/{merchant}/approve");
    assert!(list.body.contains(&format!("action=\"{approve}\"")));

    // Without the token nothing happens.
    assert_eq!(b.post(&approve, &[("next", "/operator/merchants?status=pending")]).await.status, StatusCode::FORBIDDEN);
    let done = b.submit("/operator/merchants", &approve, &[("next", "/operator/merchants?status=pending")]).await;
    assert_eq!(done.location(), "/operator/merchants?status=pending&done=approve");
    let after = b.get(done.location()).await;
    assert!(after.body.contains("Approved. The merchant may sell now"), "{}", after.body);
    assert!(after.body.contains("No merchant is waiting for approval."));
    let admin = s.admin().await;
    assert_eq!(s.get(&format!("/api/v1/merchants/{merchant}"), Some(&admin)).await.ok(200)["status"], "active");

    // Approving again: the merchant's page explains, nothing changes.
    let again = b.submit("/operator/merchants", &approve, &[("next", "/operator/merchants")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("status has changed in the meantime") && again.body.contains("data-status=\"active\""));

    // A `next` outside the console goes to the console instead.
    let page = format!("/operator/merchants/{merchant}");
    let suspended = b.submit(&page, &format!("{page}/suspend"), &[("next", "https://evil.example/")]).await;
    assert_eq!(suspended.location(), "/operator?done=suspend");
    assert_eq!(s.get(&format!("/api/v1/merchants/{merchant}"), Some(&admin)).await.ok(200)["status"], "suspended");
    let reinstated = b.submit(&page, &format!("{page}/reinstate"), &[("next", &page)]).await;
    assert_eq!(reinstated.location(), format!("{page}?done=reinstate"));
    let shown = b.get(reinstated.location()).await;
    assert!(shown.body.contains("Reinstated.") && shown.body.contains("data-action=\"suspend\""));
    assert_eq!(b.submit(&page, &format!("{page}/promote"), &[]).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_rate_tax_class_and_freight_forms_validate_and_save() {
    let s = spawn().await;
    let mut b = operator(&s).await;
    // The FX rate: missing, then wrong, then right.
    let missing = b.submit("/operator/fx", "/operator/fx", &[("rate", " ")]).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("id=\"rate-error\"") && missing.body.contains("Please fill this in."));
    let wrong = b.submit("/operator/fx", "/operator/fx", &[("rate", "7,1")]).await;
    assert!(wrong.body.contains("such as 7.1234") && wrong.body.contains("value=\"7,1\""), "kept as typed");
    let saved = b.submit("/operator/fx", "/operator/fx", &[("rate", "7.2345")]).await;
    assert_eq!(saved.location(), "/operator/fx?saved=1");
    assert!(b.get("/operator/fx?saved=1").await.body.contains("1 USD = 7.2345 CNY"));
    assert_eq!(s.get("/api/v1/fx/USD/CNY", None).await.ok(200)["rate"], "7.2345");

    // A tax class: the form in percent, errors beside the fields, nothing lost.
    let (token, merchant) = s.merchant("farm@example.com", true, true).await;
    let honey = product(&s, &token, &merchant, json!({})).await;
    let form = b.get("/operator/tax-classes/agri").await;
    assert!(form.body.contains("id=\"vat_rate\" name=\"vat_rate\" type=\"text\" value=\"9\""), "VAT in percent");
    assert!(form.body.contains("id=\"positive_list\" name=\"positive_list\" value=\"1\" checked"));
    let bad = [
        ("name_en", ""),
        ("name_zh", "农产品"),
        ("vat_rate", "31"),
        ("consumption_tax_rate", "x"),
        ("threshold_g", "10"),
        ("threshold_piece", ""),
        ("mfn_duty_rate", "15"),
        ("food", "1"),
    ];
    let refused = b.submit("/operator/tax-classes/agri", "/operator/tax-classes/agri", &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in ["name_en-error", "vat_rate-error", "consumption_tax_rate-error", "threshold_piece-error"] {
        assert!(refused.body.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(refused.body.contains("from 0 to 30"), "the bound, in percent");
    assert!(
        refused.body.contains("value=\"31\"") && refused.body.contains("value=\"农产品\""),
        "nothing typed is lost"
    );
    assert!(!refused.body.contains("name=\"positive_list\" value=\"1\" checked"), "the unticked box stays unticked");
    assert_eq!(s.get(&format!("/api/v1/products/{honey}"), None).await.ok(200)["status"], "listed", "nothing saved");

    let good = [
        ("name_en", "Farm goods"),
        ("name_zh", "农产品"),
        ("vat_rate", "9"),
        ("consumption_tax_rate", "0"),
        ("threshold_g", ""),
        ("threshold_piece", ""),
        ("mfn_duty_rate", "15"),
        ("food", "1"),
    ];
    let off = b.submit("/operator/tax-classes/agri", "/operator/tax-classes/agri", &good).await;
    assert_eq!(off.location(), "/operator/tax-classes?saved=agri&changed=1");
    let table = b.get(off.location()).await;
    assert!(table.body.contains("Saved Farm goods. 1 product&#39;s listing changed."), "{}", table.body);
    let p = s.get(&format!("/api/v1/products/{honey}"), None).await;
    assert_eq!(p.ok(200)["status"], "blocked", "off the positive list: off sale");
    let mut on = good.to_vec();
    on.push(("positive_list", "1"));
    let back = b.submit("/operator/tax-classes/agri", "/operator/tax-classes/agri", &on).await;
    assert_eq!(back.location(), "/operator/tax-classes?saved=agri&changed=1");
    assert_eq!(s.get(&format!("/api/v1/products/{honey}"), None).await.ok(200)["status"], "listed");
    let classes = s.get("/api/v1/tax-classes", None).await;
    assert_eq!(classes.ok(200)[0]["name"]["en"], "Farm goods");
    assert_eq!(classes.body[0]["vat_rate"], "0.09");

    // Freight.
    let refused = b
        .submit(
            "/operator/freight",
            "/operator/freight",
            &[("direct_first_500g", "40"), ("direct_each_further_500g", "-5"), ("bonded_flat", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"direct_each_further_500g-error\"")
            && refused.body.contains("id=\"bonded_flat-error\"")
    );
    assert!(refused.body.contains("value=\"-5\""));
    let saved = b
        .submit(
            "/operator/freight",
            "/operator/freight",
            &[("direct_first_500g", "38"), ("direct_each_further_500g", "18.5"), ("bonded_flat", "9")],
        )
        .await;
    assert_eq!(saved.location(), "/operator/freight?saved=1");
    let freight = s.get("/api/v1/freight", None).await;
    assert_eq!(freight.ok(200)["direct_each_further_500g"], "18.50");
    let page = b.get("/operator/freight?saved=1").await;
    assert!(page.body.contains("The new freight prices are in force.") && page.body.contains("value=\"38.00\""));
}

#[tokio::test]
async fn every_order_is_listed_and_opened_and_delivery_confirmed() {
    let s = spawn().await;
    s.set_fx("7.1").await;
    let (token, merchant) = s.merchant("farm@example.com", true, true).await;
    let honey = product(&s, &token, &merchant, json!({})).await;
    let mut ids = Vec::new();
    for n in 0..2 {
        let buyer = shopper(&s).await;
        let cart = cart_with(&s, &buyer, &[(&honey, 1)]).await;
        ids.push(
            checkout(&s, &buyer, &cart, &format!("k{n}")).await.ok(201)["orders"][0]["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let mut b = operator(&s).await;
    let list = b.get("/operator/orders").await;
    let first = list.body.find(&format!("/operator/orders/{}", ids[1])).expect("the newer order");
    let second = list.body.find(&format!("/operator/orders/{}", ids[0])).expect("the older order");
    assert!(first < second, "newest first");
    assert!(list.body.contains("Prairie Gold Apiaries"), "the merchant's name");
    assert!(b.get("/operator/orders?status=shipped").await.body.contains("No order is in this state."));

    s.post(
        &format!("/api/v1/orders/{}/ship", ids[0]),
        Some(&token),
        &json!({"carrier": "EMS", "tracking_no": "EA123"}),
    )
    .await
    .ok(200);
    let shipped = b.get("/operator/orders?status=shipped").await;
    assert!(shipped.body.contains(&format!("/operator/orders/{}", ids[0])) && !shipped.body.contains(&ids[1]));

    let page_path = format!("/operator/orders/{}", ids[0]);
    let page = b.get(&page_path).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("EA123") && page.body.contains("上海市") && page.body.contains("data-status=\"shipped\"")
    );
    assert!(page.body.contains(&format!("action=\"{page_path}/deliver\"")), "an operator may confirm delivery");
    assert!(!page.body.contains("/return\""), "not before delivery");
    let delivered = b.submit(&page_path, &format!("{page_path}/deliver"), &[("next", &page_path)]).await;
    assert_eq!(delivered.location(), format!("{page_path}?done=deliver"));
    assert!(b.get(delivered.location()).await.body.contains("Delivery confirmed."));
    let admin = s.admin().await;
    assert_eq!(s.get(&format!("/api/v1/orders/{}", ids[0]), Some(&admin)).await.ok(200)["status"], "delivered");
    // Twice: explained, not a fault.
    let again = b.submit(&page_path, &format!("{page_path}/deliver"), &[("next", &page_path)]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.is_html());
    // The operator cannot ship or cancel (the merchant's and the buyer's).
    assert_eq!(b.submit(&page_path, &format!("{page_path}/cancel"), &[]).await.status, StatusCode::NOT_FOUND);
}
