//! The storefront's results pages over HTTP: /search with its filters, sort, pages
//! and facet counts, /class/{code} and /state/{code}, in both languages, with the
//! landed price of the product page, and wrong parameters shown again — never a 5xx.

use crate::buying::product;
use crate::common::*;
use crate::pages::Browser;
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

/// Waits until the search API sees `n` products for sale (the index follows the
/// database a moment behind).
async fn indexed(s: &TestServer, n: u64) {
    let started = Instant::now();
    loop {
        let total = s.get("/api/v1/search", None).await.ok(200)["total"].as_u64().unwrap();
        if total == n {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{total} products indexed, expected {n}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// An approved merchant in `state` named `name`; returns (token, id).
async fn merchant_in(s: &TestServer, email: &str, state: &str, zip: &str, name: (&str, &str)) -> (String, String) {
    let token = s.signup(email, "merchant").await;
    let mut body = merchant_body();
    body["state"] = json!(state);
    body["zip"] = json!(zip);
    body["display_name"] = json!({"en": name.0, "zh": name.1});
    let id = s.post("/api/v1/merchants", Some(&token), &body).await.ok(201)["id"].as_str().unwrap().to_string();
    let admin = s.admin().await;
    s.post(&format!("/api/v1/admin/merchants/{id}/approve"), Some(&admin), &json!({})).await.ok(200);
    (token, id)
}

/// Honey from Iowa (Chinese and English titles, and one English-only), maple syrup
/// from Wisconsin, one sold out; returns (honey id, English-only honey id, syrup id).
async fn catalog(s: &TestServer) -> (String, String, String) {
    s.set_fx("7.1").await;
    let (ia, iowa) = merchant_in(s, "ia@example.com", "IA", "50010", ("Prairie Gold Apiaries", "草原金蜂场")).await;
    let (wi, wisconsin) =
        merchant_in(s, "wi@example.com", "WI", "53703", ("Northwoods Sugarbush", "北林枫糖农场")).await;
    let honey = product(s, &ia, &iowa, json!({})).await;
    let creamed = product(
        s,
        &ia,
        &iowa,
        json!({"title": {"en": "Creamed Honey with Cinnamon 250 g"}, "price_usd": "9.50", "stock": 0}),
    )
    .await;
    let syrup = product(
        s,
        &wi,
        &wisconsin,
        json!({"title": {"en": "Pure Maple Syrup 500 ml", "zh": "纯枫糖浆 500毫升"}, "price_usd": "18.50",
               "description": {"en": "Grade A amber syrup, boiled over wood fire in Wisconsin."}, "tax_class": "agri",
               "net_content": {"value": 500, "unit": "ml"}}),
    )
    .await;
    indexed(s, 3).await;
    (honey, creamed, syrup)
}

#[tokio::test]
async fn a_chinese_search_shows_titles_landed_prices_stock_and_facets() {
    let s = spawn().await;
    let (honey, creamed, syrup) = catalog(&s).await;
    let mut b = Browser::new(&s);
    let page = b.get("/search?q=%E8%9C%82%E8%9C%9C").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<html lang=\"zh-CN\">") && page.body.contains("<h1>搜索“蜂蜜”</h1>"));
    assert!(page.body.contains("共 2 件商品"), "{}", page.body);
    assert!(page.body.contains("野花蜂蜜 500克"), "the Chinese title");
    assert!(page.body.contains("lang=\"en\">Creamed Honey with Cinnamon 250 g</a>"), "English-only, marked");
    assert!(!page.body.contains(&syrup), "no syrup for 蜂蜜");
    // The landed price of the product page (a one-line quote), and the goods price.
    let quote_cart = s.post("/api/v1/carts", None, &json!({})).await.ok(201)["id"].as_str().unwrap().to_string();
    s.put(&format!("/api/v1/carts/{quote_cart}/items/{honey}"), None, &json!({"quantity": 1})).await.ok(200);
    let total = s.get(&format!("/api/v1/carts/{quote_cart}/quote"), None).await.ok(200)["orders"][0]["total"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(page.body.contains(&format!("¥{total}<span class=\"tax\">含税</span>")), "landed {total}");
    assert!(page.body.contains("商品价 ¥88.75（不含税费和运费）"), "12.50 USD × 7.1, before tax");
    let product_page = b.get(&format!("/products/{honey}")).await;
    assert!(product_page.body.contains(&format!("¥{total}")), "the same price as the product page");
    assert!(page.body.contains("<span class=\"stock out\">已售罄</span>") && page.body.contains("有货"));
    assert!(page.body.contains(&format!("/products/{creamed}")));
    // Facets: each state with its count, as a link that sets the filter.
    let all = b.get("/search").await;
    assert!(all.body.contains("<h1>全部商品</h1>") && all.body.contains("共 3 件商品"));
    assert!(all.body.contains("href=\"/search?state=IA\">爱荷华州 <span class=\"hint\">(2)</span>"), "{}", all.body);
    assert!(all.body.contains("href=\"/search?state=WI\">威斯康星州 <span class=\"hint\">(1)</span>"));
    let iowa = b.get("/search?state=IA").await;
    assert!(iowa.body.contains("<option value=\"IA\" selected>爱荷华州 (2)</option>"), "the menu shows the choice");
    assert!(iowa.body.contains("aria-current=\"true\">爱荷华州"), "and the chip");

    let english = b.get("/search?q=honey&lang=en").await;
    assert!(english.body.contains("<html lang=\"en\">") && english.body.contains("Results for “honey”"));
    assert!(english.body.contains("2 products") && english.body.contains("Wildflower Honey 500 g"));
    assert!(english.body.contains("Product ¥88.75 before tax and freight"));
    assert!(english.body.len() < 100_000);
}

#[tokio::test]
async fn filters_sort_and_pages_are_links_and_form_fields() {
    let s = spawn().await;
    let (honey, creamed, syrup) = catalog(&s).await;
    let mut b = Browser::new(&s);
    let stocked = b.get("/search?in_stock=1&sort=price_desc").await;
    let (h, sy) = (stocked.body.find(&honey).unwrap(), stocked.body.find(&syrup).unwrap());
    assert!(sy < h, "price high to low: syrup (18.50) before honey (12.50)");
    assert!(!stocked.body.contains(&creamed), "sold out is filtered");
    assert!(stocked.body.contains("<option value=\"price_desc\" selected>"), "the form shows the sort");
    assert!(stocked.body.contains("name=\"in_stock\" value=\"1\" checked"));
    // Price bounds in yuan, on the goods price: 88.75 (honey) and 131.35 (syrup).
    let cheap = b.get("/search?max_price_cny=100").await;
    assert!(cheap.body.contains(&honey) && !cheap.body.contains(&syrup), "honey only");
    let dear = b.get("/search?min_price_cny=100&max_price_cny=200").await;
    assert!(dear.body.contains(&syrup) && !dear.body.contains(&honey));
    let wi = b.get("/search?state=wi").await;
    assert!(wi.body.contains(&syrup) && !wi.body.contains(&honey), "the state, in any case");

    // Pages of 20: 22 more honeys make 25 products.
    let (token, merchant) = s.merchant("many@example.com", true, true).await;
    for _ in 0..22 {
        product(&s, &token, &merchant, json!({})).await;
    }
    indexed(&s, 25).await;
    let first = b.get("/search?q=honey&lang=en").await;
    assert!(
        first.body.contains("Page 1 of 2") && first.body.contains("rel=\"next\" href=\"/search?q=honey&#38;page=2\"")
    );
    let second = b.get("/search?q=honey&page=2").await;
    assert!(second.body.contains("Page 2 of 2") && second.body.contains("rel=\"prev\" href=\"/search?q=honey\""));
    assert_eq!(second.body.matches("<li class=\"card\">").count(), 4, "24 honeys: 20 + 4");
    let past = b.get("/search?q=honey&page=3").await;
    assert_eq!(past.status, 200);
    assert!(
        past.body.contains("There are no more results on this page.") && past.body.contains("href=\"/search?q=honey\"")
    );
}

#[tokio::test]
async fn class_and_state_pages_fix_their_filter() {
    let s = spawn().await;
    let (honey, _, syrup) = catalog(&s).await;
    let mut b = Browser::new(&s);
    let agri = b.get("/class/agri").await;
    assert_eq!(agri.status, 200);
    assert!(agri.body.contains("<h1>农产品（坚果、果干、谷物、蜂蜜、枫糖浆）</h1>"), "the class's Chinese name");
    assert!(agri.body.contains("action=\"/class/agri\""), "the form stays on the class's page");
    assert!(!agri.body.contains("id=\"tax_class\""), "no class menu on a class's page");
    assert!(agri.body.contains(&honey) && agri.body.contains(&syrup));
    let english = b.get("/class/agri?lang=en").await;
    assert!(english.body.contains("<h1>Agricultural products (nuts, dried fruit, grains, honey, maple syrup)</h1>"));
    let wisconsin = b.get("/state/WI?lang=zh-CN").await;
    assert!(wisconsin.body.contains("<h1>来自威斯康星州的好物</h1>"), "{}", wisconsin.body);
    assert!(wisconsin.body.contains(&syrup) && !wisconsin.body.contains(&honey));
    assert!(!wisconsin.body.contains("id=\"state\""), "no state menu on a state's page");
    let narrowed = b.get("/state/IA?q=%E8%9C%82%E8%9C%9C&in_stock=1").await;
    assert!(narrowed.body.contains(&honey) && narrowed.body.contains("共 1 件商品"));
    let empty = b.get("/class/cosmetics").await;
    assert_eq!(empty.status, 200);
    assert!(
        empty.body.contains("id=\"no-results\"") && empty.body.contains("href=\"/class/agri\""),
        "other classes offered"
    );
    for path in ["/class/tobacco", "/class/AGRI", "/class/%00", "/state/ZZ", "/state/%00", "/state/", "/class/"] {
        let page = b.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.is_html(), "{path}");
    }
    // The home page's state links lead here.
    assert!(b.get("/").await.body.contains("href=\"/state/IA\""));
}

#[tokio::test]
async fn wrong_parameters_are_shown_beside_their_fields_and_nothing_fails() {
    let s = spawn().await;
    catalog(&s).await;
    let mut b = Browser::new(&s);
    let wrong = b.get("/search?q=honey&min_price_cny=abc&sort=cheapest&state=ZZ&lang=en").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.is_html() && wrong.body.contains("Please correct the fields marked below."));
    for id in ["min_price_cny-error", "sort-error", "state-error"] {
        assert!(wrong.body.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(wrong.body.contains("value=\"abc\"") && wrong.body.contains("value=\"honey\""), "kept as typed");
    assert!(wrong.body.contains("<details open>"), "the filters open to show the errors");
    let nothing = b.get("/search?q=%E7%81%AB%E7%AE%AD&lang=zh-CN").await;
    assert_eq!(nothing.status, 200);
    assert!(nothing.body.contains("没有找到与“火箭”相符的商品。") && nothing.body.contains("href=\"/class/agri\""));
    for query in [
        "page=abc",
        "page=0",
        "page=99999999999999999999999",
        "page=600",
        "per_page=1000",
        "q=%FF%FE",
        "q=&q=&&&=",
        "max_price_cny=1e9",
        "min_price_cny=99999999999999999999",
        "tax_class=%3Cscript%3E",
        &format!("q={}", "蜂".repeat(300)),
    ] {
        let page = b.get(&format!("/search?{query}")).await;
        assert!(
            page.status.is_success() || page.status == StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            page.status
        );
        assert!(page.is_html(), "{query}");
        assert!(!page.body.contains("<script>"), "{query}: escaped");
    }
}
