//! The impact dashboard in Chromium, on a phone and a desktop: the demo data plus a
//! few delivered orders, the charts drawn, nothing wider than the window, both
//! languages. `impact_screenshots` (ignored, run with the other screenshots) writes
//! docs/screenshots/impact-phone.png, impact-charts-phone.png and impact-desktop.png.

use crate::common::TestServer;
use crate::driver::{DESKTOP, PHONE, World, screenshots_dir};
use fantoccini::Locator;
use serde_json::{Value, json};

const DEMO_JSON: &str = include_str!("../../src/demo/demo.json");
const DEMO_PASSWORD: &str = "gateway-demo";

/// A valid resident ID number (MOD 11-2 check character), different per `n`.
fn id_number(n: usize) -> String {
    let first17 = format!("110105198{}{:02}{:02}{:03}", n % 10, 1 + n % 12, 1 + n % 28, n % 1000);
    let first17 = &first17[..17];
    format!("{first17}{}", gateway_core::identity::check_character(first17).unwrap())
}

/// Each of the first `merchants` active demo merchants sells its first listed product
/// to a shopper of its own, ships it and sees it delivered; the first also reports its
/// headcount. The dashboard then has exporters, export value and jobs to draw.
async fn deliver_some_orders(s: &TestServer, merchants: usize) {
    let demo: Value = serde_json::from_str(DEMO_JSON).unwrap();
    let active = demo["merchants"].as_array().unwrap().iter().filter(|m| m["status"] == "active");
    for (n, m) in active.take(merchants).enumerate() {
        let login = json!({"email": m["email"], "password": DEMO_PASSWORD});
        let merchant = s.post("/api/v1/auth/login", None, &login).await.ok(200)["token"].as_str().unwrap().to_string();
        let me = s.get("/api/v1/me/merchant", Some(&merchant)).await.ok(200).clone();
        let id = me["id"].as_str().unwrap();
        let products = s.get(&format!("/api/v1/merchants/{id}/products"), None).await.ok(200).clone();
        let product = products["items"][0]["id"].as_str().unwrap().to_string();

        let buyer = s.signup(&format!("impact-shopper{n}@example.com"), "consumer").await;
        let identity = json!({"real_name": "张三", "id_number": id_number(n + 1), "phone": "13800138000"});
        s.put("/api/v1/me/identity", Some(&buyer), &identity).await.ok(200);
        let cart = s.post("/api/v1/carts", Some(&buyer), &json!({})).await.ok(201)["id"].as_str().unwrap().to_string();
        s.put(&format!("/api/v1/carts/{cart}/items/{product}"), Some(&buyer), &json!({"quantity": 2})).await.ok(200);
        let address = json!({"recipient": "张三", "phone": "13800138000", "province": "上海市", "city": "上海市",
                             "district": "浦东新区", "street": "世纪大道100号", "postal_code": "200120"});
        let request = s
            .client
            .post(format!("{}/api/v1/checkout", s.base))
            .bearer_auth(&buyer)
            .header("Idempotency-Key", format!("impact-{n}"))
            .json(&json!({"cart_id": cart, "address": address}));
        let placed = TestServer::answer(request.send().await.unwrap()).await;
        let order = placed.ok(201)["orders"][0]["id"].as_str().unwrap().to_string();
        let shipment = json!({"carrier": "USPS", "tracking_no": format!("94001000000000000000{n:02}")});
        s.post(&format!("/api/v1/orders/{order}/ship"), Some(&merchant), &shipment).await.ok(200);
        s.post(&format!("/api/v1/orders/{order}/deliver"), Some(&buyer), &json!({})).await.ok(200);
        if n == 0 {
            let year = &me["created_at"].as_str().unwrap()[..4];
            s.put(&format!("/api/v1/merchants/{id}/headcount/{year}"), Some(&merchant), &json!({"employees": 9}))
                .await
                .ok(200);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_impact_page_loads_on_a_phone_and_a_desktop() {
    for size in [PHONE, DESKTOP] {
        let w = World::new(size, "zh-CN,zh").await;
        deliver_some_orders(&w.server, 3).await;
        w.goto("/impact").await;
        w.wait_lang("zh-CN").await;
        assert_eq!(w.find("h1").await.text().await.unwrap(), "影响力");
        let charts = w.client.find_all(Locator::Css("svg.chart-svg[role=img]")).await.unwrap();
        assert_eq!(charts.len(), 6, "four bar charts and two line charts");
        // The charts are drawn at a size one can read: as wide as their box allows.
        let (_, _, width, height) = charts[0].rectangle().await.unwrap();
        assert!(width > 300.0 && height > 40.0, "the first chart is {width}×{height}");
        assert!(!w.overflows().await, "nothing wider than the {}-px window", size.0);
        // Three exporters, their value, the three job counts.
        let exporting = w.find("#goal-smes .figure").await.text().await.unwrap();
        assert_eq!(exporting, "3");
        assert_eq!(w.client.find_all(Locator::Css("#jobs article.method")).await.unwrap().len(), 3);
        // A chart's data table opens on demand.
        let table = w.find("#chart-export-state details summary").await;
        table.click().await.unwrap();
        w.wait_text("US$").await;
        let rows = w.client.find_all(Locator::Css("#chart-export-state details tbody tr")).await.unwrap();
        assert!(!rows.is_empty());
        let csv = w.find("#impact-csv").await.attr("href").await.unwrap();
        assert_eq!(csv.as_deref(), Some("/api/v1/impact.csv"));

        // English, by the language switch.
        w.find("a.lang").await.click().await.unwrap();
        w.wait_lang("en").await;
        assert_eq!(w.find("h1").await.text().await.unwrap(), "Impact");
        w.wait_text("Jobs estimated from export value").await;
        assert!(!w.overflows().await, "nothing wider than the {}-px window in English", size.0);
        w.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes docs/screenshots; run on demand"]
async fn impact_screenshots() {
    std::fs::create_dir_all(screenshots_dir()).unwrap();
    for (size, suffix) in [(PHONE, "phone"), (DESKTOP, "desktop")] {
        let w = World::new(size, "zh-CN,zh").await;
        deliver_some_orders(&w.server, 5).await;
        w.goto("/impact").await;
        w.find("svg.chart-svg").await;
        if suffix == "phone" {
            // The headline on the phone; its charts further down.
            w.screenshot("impact-phone").await;
            w.client.execute("document.getElementById('export').scrollIntoView();", vec![]).await.unwrap();
            w.screenshot("impact-charts-phone").await;
        } else {
            // The desktop shows the charts side by side.
            w.client.execute("document.getElementById('smes').scrollIntoView();", vec![]).await.unwrap();
            w.screenshot("impact-desktop").await;
        }
        w.close().await;
    }
}
