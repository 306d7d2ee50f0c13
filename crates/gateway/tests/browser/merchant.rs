//! The merchant portal in Chromium: a merchant signs up, fills the business profile,
//! is approved (by the operator, through the JSON API), lists a product with the
//! suggested Chinese title, a shopper buys it (through the JSON API), and the merchant
//! ships the order from the portal — on a phone and on a desktop. And the portal's
//! screenshots.

use crate::common::TestServer;
use crate::driver::{DESKTOP, PHONE, World, poll, screenshots_dir};
use fantoccini::Locator;
use serde_json::{Value, json};

/// The operator approves the pending merchant named `legal_name`; returns its id.
async fn approve(s: &TestServer, legal_name: &str) -> String {
    let admin = s.admin().await;
    let pending = s.get("/api/v1/admin/merchants?status=pending", Some(&admin)).await;
    let items = pending.ok(200)["items"].as_array().unwrap().clone();
    let merchant = items.iter().find(|m| m["legal_name"] == legal_name).expect("the new merchant is pending");
    let id = merchant["id"].as_str().unwrap().to_string();
    s.post(&format!("/api/v1/admin/merchants/{id}/approve"), Some(&admin), &json!({})).await.ok(200);
    id
}

/// A shopper with a verified identity buys `quantity` of `product`; returns the
/// shopper's token and the order's id.
async fn buy(s: &TestServer, email: &str, product: &str, quantity: i64) -> (String, String) {
    let token = s.signup(email, "consumer").await;
    let identity = json!({"real_name": "王小明", "id_number": "11010519491231002X", "phone": "13800138000"});
    s.put("/api/v1/me/identity", Some(&token), &identity).await.ok(200);
    let cart = s.post("/api/v1/carts", Some(&token), &json!({})).await.ok(201)["id"].as_str().unwrap().to_string();
    s.put(&format!("/api/v1/carts/{cart}/items/{product}"), Some(&token), &json!({"quantity": quantity})).await.ok(200);
    let address = json!({"recipient": "王小明", "phone": "13800138000", "province": "北京市", "city": "北京市",
                         "district": "朝阳区", "street": "建国路 1 号", "postal_code": "100000"});
    let request = s
        .client
        .post(format!("{}/api/v1/checkout", s.base))
        .bearer_auth(&token)
        .header("Idempotency-Key", format!("buy-{}", email.replace(['@', '.'], "-")))
        .json(&json!({"cart_id": cart, "address": address}));
    let placed = TestServer::answer(request.send().await.unwrap()).await;
    let order = placed.ok(201)["orders"][0]["id"].as_str().unwrap().to_string();
    (token, order)
}

pub async fn select(w: &World, id: &str, value: &str) {
    w.find(&format!("select#{id}")).await.select_by_value(value).await.unwrap();
}

pub async fn click(w: &World, css: &str) {
    w.find(css).await.click().await.unwrap();
}

/// The whole journey in a window of `size`.
async fn sign_up_list_sell_and_ship(size: (u32, u32)) {
    let w = World::new(size, "en-US,en").await;
    w.goto("/merchant").await;
    w.wait_lang("en").await;
    click(&w, "main a[href='/merchant/signup']").await;
    w.wait_path("/merchant/signup").await;
    w.fill("email", "maple@example.com").await;
    w.fill("password", "a long password").await;
    click(&w, "#create-account").await;
    w.wait_path("/merchant/profile").await;

    // The business profile, with one mistake first: the form says so beside the ZIP.
    w.fill("legal_name", "Maple Ridge Sugarhouse LLC").await;
    w.fill("display_name_en", "Maple Ridge Sugarhouse").await;
    w.fill("display_name_zh", "枫岭糖坊").await;
    select(&w, "kind", "farm").await;
    select(&w, "state", "VT").await;
    w.fill("city", "Montpelier").await;
    w.fill("zip", "0560").await;
    w.fill("employees", "4").await;
    click(&w, "input[name=exported_before][value=no]").await;
    click(&w, "input[name=fulfilment][value=direct_mail]").await;
    w.fill("food_registration_no", "CUSA20240001").await;
    w.fill("story_en", "Three generations boiling sap in the Green Mountains.").await;
    click(&w, "#save-profile").await;
    w.wait_text("Enter a ZIP code such as 50010").await;
    assert_eq!(w.find("#zip").await.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
    assert_eq!(w.find("#city").await.prop("value").await.unwrap().as_deref(), Some("Montpelier"), "kept");
    w.fill("zip", "05602").await;
    click(&w, "#save-profile").await;
    w.wait_path("/merchant?profile=created").await;
    assert_eq!(w.find("#merchant-status").await.text().await.unwrap(), "Awaiting approval");

    // The operator approves it (through the API); the portal says so.
    approve(&w.server, "Maple Ridge Sugarhouse LLC").await;
    w.goto("/merchant").await;
    assert_eq!(w.find("#merchant-status").await.text().await.unwrap(), "Approved");

    // A product, its Chinese title from the glossary's suggestion.
    click(&w, ".portal-nav a[href='/merchant/products']").await;
    w.wait_path("/merchant/products").await;
    click(&w, "#add-product").await;
    w.wait_path("/merchant/products/new").await;
    w.fill("title_en", "Pure Maple Syrup 500 ml").await;
    w.fill("description_en", "Grade A amber syrup from our own sugarbush.").await;
    select(&w, "tax_class", "agri").await;
    w.fill("hs_code", "17021900").await;
    w.fill("sku", "MRS-SYRUP-500").await;
    w.fill("price_usd", "18.00").await;
    w.fill("stock", "40").await;
    w.fill("weight_g", "800").await;
    w.fill("net_content_value", "500").await;
    select(&w, "net_content_unit", "ml").await;
    click(&w, "#use-suggestion").await;
    w.wait_text("The suggested Chinese title is filled in.").await;
    let title_zh = w.find("#title_zh").await.prop("value").await.unwrap().unwrap_or_default();
    assert!(title_zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "a Chinese title: {title_zh:?}");
    assert_eq!(w.find("#price_usd").await.prop("value").await.unwrap().as_deref(), Some("18.00"), "kept");
    click(&w, "#save-product").await;
    w.wait_text("The product is saved.").await;
    assert_eq!(w.find("#product-status").await.text().await.unwrap(), "Listed");
    let url = w.client.current_url().await.unwrap();
    let product = url.path().trim_start_matches("/merchant/products/").to_string();

    // A shopper buys two (through the API).
    let (shopper, order) = buy(&w.server, "buyer@example.com", &product, 2).await;

    // The merchant finds it among the orders to ship, with the address, and ships it.
    click(&w, ".portal-nav a[href='/merchant/orders']").await;
    w.wait_path("/merchant/orders").await;
    let card = w.find(&format!("#order-{order}")).await;
    let text = card.text().await.unwrap();
    for part in ["Pure Maple Syrup 500 ml", "$36.00", "王小明", "13800138000", "建国路 1 号", "100000"] {
        assert!(text.contains(part), "{part} in the order: {text}");
    }
    w.fill(&format!("carrier-{order}"), "UPS").await;
    w.fill(&format!("tracking-{order}"), "1Z999AA10123456784").await;
    card.find(Locator::Css("form.ship button[type=submit]")).await.unwrap().click().await.unwrap();
    w.wait_path(&format!("/merchant/orders/{order}?done=shipped")).await;
    let status = w.find("#order-status").await;
    assert_eq!(status.attr("data-status").await.unwrap().as_deref(), Some("shipped"));
    assert_eq!(status.text().await.unwrap(), "Shipped");
    assert_eq!(w.find("#tracking").await.text().await.unwrap(), "1Z999AA10123456784");
    // The shopper sees it shipped too.
    let seen: Value = w.server.get(&format!("/api/v1/orders/{order}"), Some(&shopper)).await.body;
    assert_eq!((seen["status"].as_str(), seen["carrier"].as_str()), (Some("shipped"), Some("UPS")));
    // Nothing is left to ship.
    click(&w, ".portal-nav a[href='/merchant/orders']").await;
    w.wait_text("No orders are waiting to be shipped.").await;
    w.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merchant_signs_up_lists_a_product_and_ships_an_order_on_a_phone() {
    sign_up_list_sell_and_ship(PHONE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merchant_signs_up_lists_a_product_and_ships_an_order_on_a_desktop() {
    sign_up_list_sell_and_ship(DESKTOP).await;
}

/// The portal of the demo's first merchant, with an order of each of two shoppers (one
/// shipped), in a phone and a desktop window. Run with
/// `cargo test -p gateway --test browser -- --ignored screenshots`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes docs/screenshots; run on demand"]
async fn merchant_portal_screenshots() {
    std::fs::create_dir_all(screenshots_dir()).unwrap();
    for (size, suffix) in [(PHONE, "phone"), (DESKTOP, "desktop")] {
        let w = World::new(size, "en-US,en").await;
        let s = &w.server;
        let login = json!({"email": "prairie-honey@demo.gateway.test", "password": "gateway-demo"});
        let token = s.post("/api/v1/auth/login", None, &login).await.ok(200)["token"].as_str().unwrap().to_string();
        let merchant = s.get("/api/v1/me/merchant", Some(&token)).await.ok(200)["id"].as_str().unwrap().to_string();
        let products = s.get(&format!("/api/v1/merchants/{merchant}/products"), Some(&token)).await;
        let first = products.ok(200)["items"][0]["id"].as_str().unwrap().to_string();
        let (_, shipped) = buy(s, "first@example.com", &first, 2).await;
        let ship = json!({"carrier": "UPS", "tracking_no": "1Z999AA10123456784"});
        s.post(&format!("/api/v1/orders/{shipped}/ship"), Some(&token), &ship).await.ok(200);
        buy(s, "second@example.com", &first, 1).await;

        w.goto("/login?next=/merchant").await;
        w.fill("email", "prairie-honey@demo.gateway.test").await;
        w.fill("password", "gateway-demo").await;
        click(&w, "main button[type=submit]").await;
        w.wait_path("/merchant").await;
        w.find("#merchant-status").await;
        // The phone shows the pages a merchant opens on the go, the desktop the rest.
        if suffix == "phone" {
            w.screenshot("merchant-home-phone").await;
            w.goto("/merchant/orders").await;
            w.find("#orders").await;
            w.screenshot("merchant-orders-phone").await;
            w.goto(&format!("/merchant/products/{first}")).await;
            w.find("#product-status").await;
            w.screenshot("merchant-product-phone").await;
        } else {
            w.goto("/merchant/products").await;
            w.find("#products").await;
            w.screenshot("merchant-products-desktop").await;
            w.goto("/merchant/orders").await;
            w.find("#orders").await;
            w.screenshot("merchant-orders-desktop").await;
            w.goto("/merchant/sales").await;
            poll("the sales page", || async { w.client.find(Locator::Css("#sales-by-month")).await.is_ok() }).await;
            w.screenshot("merchant-sales-desktop").await;
            w.goto("/merchant/profile").await;
            w.find("#save-profile").await;
            w.screenshot("merchant-profile-desktop").await;
        }
        w.close().await;
    }
}
