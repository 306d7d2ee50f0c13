//! The merchant portal over HTTP: both languages, sign-up and the business profile,
//! products with the listing check and the suggested Chinese title, orders to ship,
//! the sales summary, CSRF, and other merchants' products and orders out of reach.
//! (The browser suite drives the same pages in Chromium.)

use crate::buying::{cart_with, checkout, shopper};
use crate::common::{TestServer, spawn};
use crate::pages::Browser;
use serde_json::json;

pub(crate) const PROFILE: [(&str, &str); 13] = [
    ("legal_name", "Maple Ridge Sugarhouse LLC"),
    ("display_name_en", "Maple Ridge Sugarhouse"),
    ("display_name_zh", "枫岭糖坊"),
    ("kind", "farm"),
    ("state", "VT"),
    ("city", "Montpelier"),
    ("zip", "05602"),
    ("employees", "4"),
    ("exported_before", "no"),
    ("fulfilment", "direct_mail"),
    ("food_registration_no", "CUSA20240001"),
    ("story_en", "Three generations boiling sap in the Green Mountains."),
    ("story_zh", ""),
];

/// The product form's fields with `changes` applied.
pub fn product_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("sku", "MRS-SYRUP-500"),
        ("title_en", "Pure Maple Syrup 500 ml"),
        ("title_zh", "纯枫糖浆 500毫升"),
        ("description_en", "Grade A amber syrup from our own sugarbush."),
        ("description_zh", ""),
        ("tax_class", "agri"),
        ("hs_code", "17021900"),
        ("origin_country", "US"),
        ("price_usd", "18.00"),
        ("weight_g", "800"),
        ("net_content_value", "500"),
        ("net_content_unit", "ml"),
        ("stock", "40"),
    ];
    for (name, value) in changes {
        match form.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value,
            None => form.push((name, value)),
        }
    }
    form
}

/// A browser signed up through the portal with `email`, its profile saved; returns
/// it and the merchant's id.
pub(crate) async fn portal_merchant<'a>(
    s: &'a TestServer,
    email: &str,
    profile: &[(&str, &str)],
) -> (Browser<'a>, String) {
    let mut b = Browser::new(s);
    let signed_up =
        b.submit("/merchant/signup", "/merchant/signup", &[("email", email), ("password", "a long password")]).await;
    assert_eq!(signed_up.status, 303, "{}", signed_up.body);
    assert_eq!(signed_up.location(), "/merchant/profile");
    let saved = b.submit("/merchant/profile", "/merchant/profile", profile).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.location(), "/merchant?profile=created");
    let me = s.get("/api/v1/me/merchant", Some(&b.token())).await;
    let id = me.ok(200)["id"].as_str().unwrap().to_string();
    (b, id)
}

async fn approve(s: &TestServer, merchant: &str) {
    let admin = s.admin().await;
    s.post(&format!("/api/v1/admin/merchants/{merchant}/approve"), Some(&admin), &json!({})).await.ok(200);
}

/// Creates a product through the form; returns its id (from the redirect).
pub async fn create_product(b: &mut Browser<'_>, changes: &[(&str, &str)]) -> String {
    let created = b.submit("/merchant/products/new", "/merchant/products/new", &product_form(changes)).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let location = created.location().to_string();
    let id = location.trim_start_matches("/merchant/products/").trim_end_matches("?saved=1");
    assert_eq!(location, format!("/merchant/products/{id}?saved=1"));
    id.to_string()
}

#[tokio::test]
async fn the_portal_speaks_english_by_default_and_chinese_on_request() {
    let s = spawn().await;
    s.set_fx("7.1").await;
    let mut visitor = Browser::new(&s);
    let landing = visitor.get("/merchant").await;
    assert_eq!(landing.status, 200);
    assert!(landing.body.contains("<html lang=\"en\">"), "English by default");
    assert!(landing.body.contains("href=\"/merchant/signup\""));
    assert!(visitor.get("/merchant?lang=zh-CN").await.body.contains("把您的商品卖给中国消费者"));

    let (mut b, merchant) = portal_merchant(&s, "maple@example.com", &PROFILE).await;
    approve(&s, &merchant).await;
    let product = create_product(&mut b, &[]).await;
    let buyer = shopper(&s).await;
    let cart = cart_with(&s, &buyer, &[(&product, 1)]).await;
    let placed = checkout(&s, &buyer, &cart, "lang-1").await;
    let order = placed.ok(201)["orders"][0]["id"].as_str().unwrap().to_string();

    let (product_page, order_page) = (format!("/merchant/products/{product}"), format!("/merchant/orders/{order}"));
    let pages: [(&str, &str, &str); 8] = [
        ("/merchant", "Overview", "概览"),
        ("/merchant/profile", "Business profile", "企业资料"),
        ("/merchant/products", "Products", "商品"),
        ("/merchant/products/new", "Add a product", "添加商品"),
        (&product_page, "Title in English", "英文标题"),
        ("/merchant/orders", "To ship", "待发货"),
        (&order_page, "Ship this order", "为此订单发货"),
        ("/merchant/sales", "Best sellers", "畅销商品"),
    ];
    for (path, english, chinese) in pages {
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        assert!(page.body.contains("<html lang=\"en\">"), "{path} in English");
        assert!(page.body.contains(english), "{path} says {english:?}");
        assert!(page.body.len() < 100_000, "{path} is {} bytes", page.body.len());
        assert!(page.body.contains("class=\"skip\" href=\"#main\""), "{path} has a skip link");
        assert!(page.body.contains("aria-current=\"page\""), "{path} marks its section");
        let separator = if path.contains('?') { '&' } else { '?' };
        let zh = b.get(&format!("{path}{separator}lang=zh-CN")).await;
        assert_eq!(zh.status, 200, "{path} in Chinese");
        assert!(zh.body.contains("<html lang=\"zh-CN\">"), "{path} in Chinese");
        assert!(zh.body.contains(chinese), "{path} says {chinese:?}");
        // Back to English for the next page (the cookie remembers the choice).
        b.get(&format!("{path}{separator}lang=en")).await;
    }
    // The merchant's own names keep their language, marked.
    let zh = b.get("/merchant/products?lang=zh-CN").await;
    assert!(
        zh.body.contains("<a href=\"/merchant/products/") && zh.body.contains("lang=\"en\">Pure Maple Syrup 500 ml")
    );
    assert!(zh.body.contains("<p lang=\"zh-CN\" class=\"hint\">纯枫糖浆 500毫升</p>"));
}

#[tokio::test]
async fn sign_up_fill_the_profile_and_wait_for_approval() {
    let s = spawn().await;
    let mut b = Browser::new(&s);
    // The sign-up form says what is wrong, and keeps the e-mail.
    let bad =
        b.submit("/merchant/signup", "/merchant/signup", &[("email", "not-an-email"), ("password", "short")]).await;
    assert_eq!(bad.status, 422);
    assert!(bad.error_of("email").contains("e-mail address"), "{}", bad.body);
    assert!(bad.error_of("password").contains("8 to 128"));
    assert_eq!(bad.value_of("email"), "not-an-email");
    let ok = b
        .submit(
            "/merchant/signup",
            "/merchant/signup",
            &[("email", "farm@example.com"), ("password", "a long password")],
        )
        .await;
    assert_eq!(ok.location(), "/merchant/profile");
    // Without a profile, every portal page leads to the profile form.
    for path in ["/merchant", "/merchant/products", "/merchant/orders", "/merchant/sales"] {
        let page = b.get(path).await;
        assert_eq!((page.status.as_u16(), page.location()), (303, "/merchant/profile"), "{path}");
    }
    let form = b.get("/merchant/profile").await;
    assert!(form.body.contains("Tell us about your business"));

    // Nothing filled in: a message beside each required field, nothing saved.
    let empty = b.submit("/merchant/profile", "/merchant/profile", &[]).await;
    assert_eq!(empty.status, 422, "{}", empty.body);
    assert!(empty.body.contains("Please correct the fields marked below."));
    for field in
        ["legal_name", "display_name_en", "kind", "state", "city", "zip", "employees", "exported_before", "fulfilment"]
    {
        assert_eq!(empty.error_of(field), "Please fill this in.", "{field}");
    }
    assert!(empty.body.contains("id=\"legal_name\" name=\"legal_name\" type=\"text\" value=\"\" required"));
    assert!(empty.body.contains("aria-invalid=\"true\" aria-describedby=\"legal_name-error legal_name-hint\""));
    assert_eq!(s.get("/api/v1/me/merchant", Some(&b.token())).await.status, 404, "nothing saved");

    // Wrong values: each field's own message, and what was typed comes back.
    let mut wrong = PROFILE.to_vec();
    for (name, value) in [("zip", "5602"), ("employees", "a few"), ("food_registration_no", "X!"), ("state", "ZZ")] {
        wrong.iter_mut().find(|(n, _)| *n == name).unwrap().1 = value;
    }
    let refused = b.submit("/merchant/profile", "/merchant/profile", &wrong).await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.error_of("zip"), "Enter a ZIP code such as 50010 or 50010-1234.");
    assert_eq!(refused.error_of("employees"), "Enter a whole number from 0 to 1,000,000.");
    assert!(refused.error_of("food_registration_no").starts_with("Enter 5 to 30 letters"));
    assert!(refused.error_of("state").contains("state"));
    assert_eq!(refused.value_of("zip"), "5602");
    assert_eq!(refused.value_of("employees"), "a few");
    assert_eq!(refused.value_of("legal_name"), "Maple Ridge Sugarhouse LLC");
    assert!(refused.body.contains("<option value=\"farm\" selected>Farm</option>"));
    assert!(refused.body.contains("value=\"no\" checked"));
    let zh = b.submit("/merchant/profile?lang=zh-CN", "/merchant/profile", &wrong).await;
    assert_eq!(zh.error_of("zip"), "请填写邮政编码，例如 50010 或 50010-1234。");
    b.get("/merchant/profile?lang=en").await;

    let saved = b.submit("/merchant/profile", "/merchant/profile", &PROFILE).await;
    assert_eq!(saved.location(), "/merchant?profile=created");
    let home = b.get("/merchant?profile=created").await;
    assert!(home.body.contains("Your business profile is saved and waiting for approval."));
    assert_eq!(home.by_id("merchant-status"), "Awaiting approval");
    assert!(home.body.contains("An operator is checking your business profile."));
    let me = s.get("/api/v1/me/merchant", Some(&b.token())).await;
    let me = me.ok(200);
    assert_eq!(me["display_name"], json!({"en": "Maple Ridge Sugarhouse", "zh": "枫岭糖坊"}));
    assert_eq!((me["employees"].as_i64(), me["zip"].as_str()), (Some(4), Some("05602")));
    assert_eq!(me["story"]["zh"], serde_json::Value::Null);

    approve(&s, me["id"].as_str().unwrap()).await;
    let home = b.get("/merchant").await;
    assert_eq!(home.by_id("merchant-status"), "Approved");
    assert_eq!(b.get("/merchant?lang=zh-CN").await.by_id("merchant-status"), "已通过");
    b.get("/merchant?lang=en").await;

    // Editing: the form shows the saved profile; emptying an optional field clears it.
    let edit = b.get("/merchant/profile").await;
    assert_eq!(edit.value_of("city"), "Montpelier");
    assert_eq!(edit.value_of("food_registration_no"), "CUSA20240001");
    let mut changed = PROFILE.to_vec();
    changed.iter_mut().find(|(n, _)| *n == "city").unwrap().1 = "Barre";
    changed.iter_mut().find(|(n, _)| *n == "display_name_zh").unwrap().1 = "";
    let saved = b.submit("/merchant/profile", "/merchant/profile", &changed).await;
    assert_eq!(saved.location(), "/merchant?profile=saved");
    let me = s.get("/api/v1/me/merchant", Some(&b.token())).await;
    assert_eq!((me.body["city"].as_str(), &me.body["display_name"]["zh"]), (Some("Barre"), &serde_json::Value::Null));
    assert_eq!(me.body["status"], "active", "an edit keeps the approval");

    // Suspended, then reinstated: the overview says where the business stands.
    let admin = s.admin().await;
    let id = me.body["id"].as_str().unwrap().to_string();
    s.post(&format!("/api/v1/admin/merchants/{id}/suspend"), Some(&admin), &json!({})).await.ok(200);
    let home = b.get("/merchant").await;
    assert_eq!(home.by_id("merchant-status"), "Suspended");
    assert!(home.body.contains("Orders already paid must still be shipped."));
    s.post(&format!("/api/v1/admin/merchants/{id}/reinstate"), Some(&admin), &json!({})).await.ok(200);
    assert_eq!(b.get("/merchant").await.by_id("merchant-status"), "Approved");
    // Another business, rejected.
    let (mut rejected, other) = portal_merchant(&s, "late@example.com", &PROFILE).await;
    s.post(&format!("/api/v1/admin/merchants/{other}/reject"), Some(&admin), &json!({})).await.ok(200);
    let home = rejected.get("/merchant").await;
    assert_eq!(home.by_id("merchant-status"), "Not approved");
    assert!(home.body.contains("cannot be sold through Gateway"));
}

#[tokio::test]
async fn products_show_the_listing_check_and_the_suggested_title() {
    let s = spawn().await;
    s.set_fx("7.1").await;
    let mut no_registration = PROFILE.to_vec();
    no_registration.iter_mut().find(|(n, _)| *n == "food_registration_no").unwrap().1 = "";
    let (mut b, merchant) = portal_merchant(&s, "maple@example.com", &no_registration).await;
    let home = b.get("/merchant").await;
    assert!(home.body.contains("no food facility registration number"));

    // Bad input: messages beside the fields, nothing lost.
    let bad = b
        .submit(
            "/merchant/products/new",
            "/merchant/products/new",
            &product_form(&[("title_en", ""), ("price_usd", "twelve"), ("weight_g", ""), ("hs_code", "1702")]),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(bad.error_of("title_en"), "Please fill this in.");
    assert!(bad.error_of("price_usd").starts_with("Enter a price above 0"));
    assert_eq!(bad.error_of("weight_g"), "Please fill this in.");
    assert_eq!(bad.error_of("hs_code"), "Enter 8 or 10 digits.");
    assert_eq!(bad.value_of("price_usd"), "twelve");
    assert_eq!(bad.value_of("sku"), "MRS-SYRUP-500");
    assert!(bad.body.contains(">Grade A amber syrup from our own sugarbush.</textarea>"));

    // The suggested Chinese title: offered while the field is empty, filled in by the
    // button, and nothing saved on the way.
    let title = "Pure Maple Syrup 500 ml";
    let expected = s.get(&format!("/api/v1/suggestions/title-zh?title_en={}", title.replace(' ', "+")), None).await;
    let expected = expected.ok(200)["title_zh"].as_str().expect("the glossary knows maple syrup").to_string();
    let offered = b
        .submit("/merchant/products/new", "/merchant/products/new", &product_form(&[("title_zh", ""), ("stock", "x")]))
        .await;
    assert_eq!(offered.status, 422, "the stock is wrong");
    assert_eq!(offered.by_id("suggested-title"), expected);
    let filled = b
        .submit(
            "/merchant/products/new",
            "/merchant/products/new",
            &product_form(&[("title_zh", ""), ("intent", "suggest")]),
        )
        .await;
    assert_eq!(filled.status, 200, "{}", filled.body);
    assert_eq!(filled.value_of("title_zh"), expected);
    assert!(filled.body.contains("The suggested Chinese title is filled in."));
    assert!(!filled.body.contains("id=\"use-suggestion\""), "the Chinese title is no longer empty");
    assert_eq!(filled.value_of("stock"), "40", "the rest of the form stays");
    let products = s.get(&format!("/api/v1/merchants/{merchant}/products"), Some(&b.token())).await;
    assert_eq!(products.ok(200)["items"].as_array().unwrap().len(), 0, "a suggestion saves nothing");
    let unknown = b
        .submit(
            "/merchant/products/new",
            "/merchant/products/new",
            &product_form(&[("title_en", "Zxqv Wobblethorp"), ("title_zh", ""), ("intent", "suggest")]),
        )
        .await;
    assert!(unknown.body.contains("Our glossary knows none of these words"));

    // A food product without the registration number: saved, but blocked, with the
    // reason beside the category.
    let syrup = create_product(&mut b, &[("title_zh", "")]).await;
    let page = b.get(&format!("/merchant/products/{syrup}?saved=1")).await;
    assert!(page.body.contains("The product is saved."));
    assert_eq!(page.by_id("product-status"), "Blocked");
    let problems = page.by_id("tax_class-problems");
    assert!(problems.is_empty(), "a container");
    assert!(page.body.contains("id=\"tax_class-problems\"><p>Food products need your GACC overseas food facility"));
    assert!(page.body.contains("aria-describedby=\"tax_class-problems tax_class-hint\""));
    assert!(page.body.contains("href=\"/merchant/profile#food_registration_no\""));
    assert_eq!(page.by_id("suggested-title"), expected, "offered on the edit form too");
    let zh = b.get(&format!("/merchant/products/{syrup}?lang=zh-CN")).await;
    assert!(zh.body.contains("食品类商品需要您的海关总署"));
    b.get("/merchant?lang=en").await;

    // The registration number in the profile: the product is checked again, listed.
    let mut with_registration = no_registration.clone();
    with_registration.iter_mut().find(|(n, _)| *n == "food_registration_no").unwrap().1 = "CUSA20240001";
    b.submit("/merchant/profile", "/merchant/profile", &with_registration).await;
    let page = b.get(&format!("/merchant/products/{syrup}")).await;
    assert_eq!(page.by_id("product-status"), "Listed");
    assert!(!page.body.contains("tax_class-problems"));

    // A class off the positive list is blocked whatever the merchant.
    let meat = create_product(&mut b, &[("sku", "MRS-JERKY"), ("tax_class", "meat")]).await;
    let page = b.get(&format!("/merchant/products/{meat}")).await;
    assert_eq!(page.by_id("product-status"), "Blocked");
    assert!(page.body.contains("not on China"));

    // The list: status, stock, prices in USD and CNY (18.00 × 7.1 = 127.80), reasons.
    let list = b.get("/merchant/products").await;
    assert!(list.body.contains("$18.00 <span class=\"hint\">≈ ¥127.80</span>"), "{}", list.body);
    assert!(list.body.contains("<dt>Stock</dt><dd>40</dd>"));
    assert!(list.body.contains("data-status=\"listed\">Listed</span>"));
    assert!(list.body.contains("data-status=\"blocked\">Blocked</span>"));
    assert!(list.body.contains("Your products go on sale once your business is approved."));

    // Withdraw, then offer again.
    let from = format!("/merchant/products/{syrup}");
    let withdrawn =
        b.submit(&from, &format!("{from}/status"), &[("status", "delisted"), ("next", "/merchant/products")]).await;
    assert_eq!(withdrawn.location(), "/merchant/products?changed=delisted");
    assert!(b.get("/merchant/products?changed=delisted").await.body.contains("The product is now: Withdrawn."));
    assert_eq!(b.get(&from).await.by_id("product-status"), "Withdrawn");
    let relisted = b.submit(&from, &format!("{from}/status"), &[("status", "listed"), ("next", &from)]).await;
    assert_eq!(relisted.location(), format!("{from}?changed=listed"));
    assert_eq!(b.get(&from).await.by_id("product-status"), "Listed");

    // Editing: the saved values; a taken SKU is said beside the SKU.
    let edit = b.get(&from).await;
    assert_eq!(edit.value_of("price_usd"), "18.00");
    assert_eq!(edit.value_of("net_content_value"), "500");
    let taken = b.submit(&from, &from, &product_form(&[("sku", "MRS-JERKY")])).await;
    assert_eq!(taken.status, 422);
    assert_eq!(taken.error_of("sku"), "You already have a product with this SKU: choose another.");
    let saved = b.submit(&from, &from, &product_form(&[("stock", "7"), ("title_zh", "枫糖浆")])).await;
    assert_eq!(saved.location(), format!("{from}?saved=1"));
    let p = s.get(&format!("/api/v1/products/{syrup}"), None).await;
    assert_eq!((p.body["stock"].as_i64(), p.body["title"]["zh"].as_str()), (Some(7), Some("枫糖浆")));

    // Another merchant's product, an unknown one, a malformed id.
    let (mut other, _) = portal_merchant(&s, "other@example.com", &PROFILE).await;
    assert_eq!(other.get(&from).await.status, 403);
    let stolen = other.submit("/merchant/products", &from, &product_form(&[("stock", "0")])).await;
    assert_eq!(stolen.status, 403);
    let stolen = other.submit("/merchant/products", &format!("{from}/status"), &[("status", "delisted")]).await;
    assert_eq!(stolen.status, 403);
    assert_eq!(s.get(&format!("/api/v1/products/{syrup}"), None).await.body["stock"], 7, "untouched");
    assert_eq!(b.get("/merchant/products/0190f000-0000-7000-8000-000000000000").await.status, 404);
    assert_eq!(b.get("/merchant/products/not-an-id").await.status, 404);
}

#[tokio::test]
async fn orders_are_shipped_and_cancelled_from_the_portal() {
    let s = spawn().await;
    s.set_fx("7.1").await;
    let (mut b, merchant) = portal_merchant(&s, "maple@example.com", &PROFILE).await;
    approve(&s, &merchant).await;
    let product = create_product(&mut b, &[]).await;
    let buyer = shopper(&s).await;
    let first = checkout(&s, &buyer, &cart_with(&s, &buyer, &[(&product, 2)]).await, "o-1").await;
    let first = first.ok(201)["orders"][0]["id"].as_str().unwrap().to_string();
    let second = checkout(&s, &buyer, &cart_with(&s, &buyer, &[(&product, 1)]).await, "o-2").await;
    let second = second.ok(201)["orders"][0]["id"].as_str().unwrap().to_string();

    // To ship, oldest first, with lines, the USD goods value and the buyer's address.
    let list = b.get("/merchant/orders").await;
    let (at_first, at_second) = (list.body.find(&format!("order-{first}")), list.body.find(&format!("order-{second}")));
    assert!(at_first.unwrap() < at_second.unwrap(), "oldest first");
    assert!(list.body.contains("To ship <span class=\"count\">2</span>"));
    assert!(list.body.contains("<strong>$36.00</strong>"), "2 × 18.00");
    for part in ["张三", "13800138000", "上海市", "浦东新区", "世纪大道100号", "200120"] {
        assert!(list.body.contains(part), "the address shows {part}");
    }
    assert!(list.body.contains(&format!("action=\"/merchant/orders/{first}/ship\"")));
    assert_eq!(b.get("/merchant?lang=en").await.by_id("to-ship"), "2");

    // Shipping needs both fields; the tracking number only letters, digits, dashes.
    let page = format!("/merchant/orders/{first}");
    let blank = b.submit(&page, &format!("{page}/ship"), &[("carrier", "UPS"), ("tracking_no", " ")]).await;
    assert_eq!(blank.status, 422, "{}", blank.body);
    assert_eq!(blank.error_of("tracking_no"), "Please fill this in.");
    assert_eq!(blank.value_of("carrier"), "UPS");
    let odd = b.submit(&page, &format!("{page}/ship"), &[("carrier", "UPS"), ("tracking_no", "1Z 999/AA")]).await;
    assert_eq!(odd.status, 422);
    assert!(odd.error_of("tracking_no").starts_with("Enter the tracking number"));
    assert_eq!(s.get(&format!("/api/v1/orders/{first}"), Some(&buyer)).await.body["status"], "paid");

    let shipped =
        b.submit(&page, &format!("{page}/ship"), &[("carrier", "UPS"), ("tracking_no", "1Z999AA10123456784")]).await;
    assert_eq!(shipped.location(), format!("{page}?done=shipped"));
    let after = b.get(&format!("{page}?done=shipped")).await;
    assert_eq!(after.by_id("order-status"), "Shipped");
    assert_eq!(after.by_id("tracking"), "1Z999AA10123456784");
    assert!(after.body.contains("The order is marked as shipped."));
    assert!(!after.body.contains("id=\"ship\""), "no ship form once shipped");
    let seen = s.get(&format!("/api/v1/orders/{first}"), Some(&buyer)).await;
    assert_eq!(
        (seen.body["status"].as_str(), seen.body["tracking_no"].as_str()),
        (Some("shipped"), Some("1Z999AA10123456784"))
    );
    let tab = b.get("/merchant/orders?status=shipped").await;
    assert!(tab.body.contains(&format!("order-{first}")) && !tab.body.contains(&format!("order-{second}")));

    // Shipping twice is refused with a page that says why.
    let again = b.submit(&page, &format!("{page}/ship"), &[("carrier", "UPS"), ("tracking_no", "X1")]).await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("This order can no longer be changed this way"));

    // Cancelling the other: refunded, stock back.
    let other = format!("/merchant/orders/{second}");
    let cancelled = b.submit(&other, &format!("{other}/cancel"), &[]).await;
    assert_eq!(cancelled.location(), format!("{other}?done=cancelled"));
    assert_eq!(b.get(&other).await.by_id("order-status"), "Cancelled");
    assert_eq!(
        s.get(&format!("/api/v1/products/{product}"), None).await.body["stock"],
        38,
        "40 − 2; the cancelled 1 back"
    );
    assert!(b.get("/merchant/orders?status=paid").await.body.contains("No orders are waiting to be shipped."));

    // Another merchant, a consumer, an unknown order, a malformed one.
    let (mut stranger, _) = portal_merchant(&s, "other@example.com", &PROFILE).await;
    assert_eq!(stranger.get(&page).await.status, 403);
    let stolen = stranger.submit("/merchant", &format!("{other}/cancel"), &[]).await;
    assert_eq!(stolen.status, 403);
    let stolen = stranger.submit("/merchant", &format!("{page}/ship"), &[("carrier", "X"), ("tracking_no", "Y")]).await;
    assert_eq!(stolen.status, 403);
    assert_eq!(b.get("/merchant/orders/0190f000-0000-7000-8000-000000000000").await.status, 404);
    assert_eq!(b.get("/merchant/orders/nope").await.status, 404);
    assert_eq!(b.get("/merchant/orders?status=lost").await.status, 404);
}

#[tokio::test]
async fn the_sales_summary_sums_goods_value_in_us_dollars() {
    let s = spawn().await;
    s.set_fx("7.1").await;
    let (mut b, merchant) = portal_merchant(&s, "maple@example.com", &PROFILE).await;
    approve(&s, &merchant).await;
    let syrup = create_product(&mut b, &[]).await;
    let candy =
        create_product(&mut b, &[("sku", "MRS-CANDY"), ("title_en", "Maple Sugar Candy"), ("price_usd", "6.25")]).await;
    let empty = b.get("/merchant/sales").await;
    assert_eq!(empty.by_id("sales-standing"), "$0.00");
    assert!(empty.body.contains("Nothing sold yet."));

    let buyer = shopper(&s).await;
    // Three orders: syrup ×2 + candy ×4 (61.00), syrup ×1 (18.00, cancelled), candy ×1 (6.25).
    for (i, items) in [vec![(&syrup, 2), (&candy, 4)], vec![(&syrup, 1)], vec![(&candy, 1)]].into_iter().enumerate() {
        let items: Vec<(&str, i64)> = items.into_iter().map(|(p, q)| (p.as_str(), q)).collect();
        checkout(&s, &buyer, &cart_with(&s, &buyer, &items).await, &format!("s-{i}")).await.ok(201);
    }
    let orders = s.get(&format!("/api/v1/merchants/{merchant}/orders"), Some(&b.token())).await;
    let cancel = orders.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["lines"].as_array().unwrap().len() == 1 && o["lines"][0]["product_id"] == syrup.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    s.post(&format!("/api/v1/orders/{cancel}/cancel"), Some(&buyer), &json!({})).await.ok(200);

    let page = b.get("/merchant/sales").await;
    assert_eq!(page.by_id("sales-standing"), "$67.25", "61.00 + 6.25; the cancelled order does not count");
    assert_eq!(page.by_id("sales-orders"), "3");
    assert_eq!(page.by_id("sales-delivered"), "$0.00");
    assert!(page.body.contains("<tr><th scope=\"row\">Paid</th><td class=\"num\">2</td><td class=\"num\">7</td><td class=\"num\">$67.25</td></tr>"), "{}", page.body);
    assert!(page.body.contains("<tr><th scope=\"row\">Cancelled</th><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">$18.00</td></tr>"));
    // This month (the orders' own, UTC): two standing orders worth 67.25, 18.00 cancelled.
    let created = orders.body["items"][0]["created_at"].as_str().unwrap().to_string();
    let (year, month): (i32, usize) = (created[..4].parse().unwrap(), created[5..7].parse().unwrap());
    let name = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][month - 1];
    let this_month = format!(
        "<tr><th scope=\"row\">{name} {year}</th><td class=\"num\">2</td><td class=\"num\">$67.25</td><td class=\"num\">$18.00</td></tr>"
    );
    assert!(page.body.contains(&this_month), "{this_month}");
    assert_eq!(page.body.matches("<tr><th scope=\"row\">").count(), 6 + 12 + 2, "statuses, months, products");
    // Best sellers by goods value: syrup 2 × 18.00 = 36.00, then candy 5 × 6.25 = 31.25.
    let top = &page.body[page.body.find("id=\"sales-top\"").unwrap()..];
    let (at_syrup, at_candy) = (top.find("Pure Maple Syrup 500 ml").unwrap(), top.find("Maple Sugar Candy").unwrap());
    assert!(at_syrup < at_candy, "syrup first");
    assert!(top.contains("<td class=\"num\">$36.00</td>") && top.contains("<td class=\"num\">$31.25</td>"));
    let zh = b.get("/merchant/sales?lang=zh-CN").await;
    assert_eq!(zh.by_id("sales-standing"), "67.25 美元");
    assert!(zh.body.contains(&format!("{year}年{month}月")));
}

#[tokio::test]
async fn portal_forms_need_their_csrf_token_and_merchants_land_on_the_portal() {
    let s = spawn().await;
    s.set_fx("7.1").await;
    let (mut b, merchant) = portal_merchant(&s, "maple@example.com", &PROFILE).await;
    approve(&s, &merchant).await;
    let product = create_product(&mut b, &[]).await;
    let buyer = shopper(&s).await;
    let order = checkout(&s, &buyer, &cart_with(&s, &buyer, &[(&product, 1)]).await, "c-1").await;
    let order = order.ok(201)["orders"][0]["id"].as_str().unwrap().to_string();
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/merchant/profile".into(), PROFILE.to_vec()),
        ("/merchant/products/new".into(), product_form(&[("sku", "NEW-1")])),
        (format!("/merchant/products/{product}"), product_form(&[("stock", "1")])),
        (format!("/merchant/products/{product}/status"), vec![("status", "delisted")]),
        (format!("/merchant/orders/{order}/ship"), vec![("carrier", "UPS"), ("tracking_no", "1Z")]),
        (format!("/merchant/orders/{order}/cancel"), vec![]),
    ];
    for (path, form) in &posts {
        for token in [None, Some("forged")] {
            let mut fields = form.clone();
            if let Some(t) = token {
                fields.push(("csrf", t));
            }
            let refused = b.post(path, &fields).await;
            assert_eq!(refused.status, 403, "{path} with {token:?}");
            assert!(refused.body.contains("This form has expired or did not come from this site"), "{path}");
        }
    }
    let mut visitor = Browser::new(&s);
    visitor.get("/merchant/signup").await;
    let refused =
        visitor.post("/merchant/signup", &[("email", "x@example.com"), ("password", "a long password")]).await;
    assert_eq!(refused.status, 403);
    // Nothing happened.
    let p = s.get(&format!("/api/v1/products/{product}"), None).await;
    assert_eq!((p.body["stock"].as_i64(), p.body["status"].as_str()), (Some(39), Some("listed")));
    assert_eq!(s.get(&format!("/api/v1/orders/{order}"), Some(&buyer)).await.body["status"], "paid");

    // Signing in as a merchant lands on the portal; a visitor is asked to sign in; a
    // shopper is told the portal is not theirs.
    let mut returning = Browser::new(&s);
    let signed_in =
        returning.submit("/login", "/login", &[("email", "maple@example.com"), ("password", "a long password")]).await;
    assert_eq!(signed_in.location(), "/merchant");
    assert_eq!(visitor.get("/merchant/products").await.location(), "/login?next=/merchant/products");
    let mut shopper_browser = Browser::new(&s);
    shopper_browser
        .submit(
            "/signup",
            "/signup",
            &[("email", "shop@example.com"), ("password", "a long password"), ("role", "consumer")],
        )
        .await;
    let refused = shopper_browser.get("/merchant").await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("This area is for merchant accounts."), "{}", refused.body);
    assert_eq!(shopper_browser.get("/merchant/orders").await.status, 403);
    assert_eq!(
        shopper_browser.get("/merchant/signup").await.status,
        200,
        "a shopper may still open a business account"
    );
}
