//! The operator console and the storefront's search in Chromium, in a phone and a
//! desktop window, on the demo data (two merchants wait for approval), and the
//! screenshots of the results page and the console's main pages.

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::driver::{DESKTOP, PHONE, World, poll, screenshots_dir};
use fantoccini::Locator;

/// Signs in through the storefront's form; operators land in the console.
async fn sign_in_as_operator(w: &World) {
    w.goto("/login?lang=en").await;
    w.fill("email", ADMIN_EMAIL).await;
    w.fill("password", ADMIN_PASSWORD).await;
    w.find("main button[type=submit]").await.click().await.unwrap();
    w.wait_path("/operator").await;
}

/// The operator opens the pending merchants from the overview, approves the first
/// one and finds its products for sale in the storefront.
async fn approve_a_pending_merchant(size: (u32, u32)) {
    let w = World::new(size, "en-US,en").await;
    sign_in_as_operator(&w).await;
    w.wait_lang("en").await;
    assert_eq!(w.find("#pending-count").await.text().await.unwrap(), "2 merchants are waiting for approval.");
    w.find("a[href='/operator/merchants?status=pending']").await.click().await.unwrap();
    w.wait_path("/operator/merchants?status=pending").await;
    let first = w.find("article.merchant[data-status=pending]").await;
    let name = first.find(Locator::Css("h2 a")).await.unwrap().text().await.unwrap();
    assert_eq!(name, "North Shore Woolen Mill", "oldest first");
    let profile = first.text().await.unwrap();
    assert!(profile.contains("Duluth, Minnesota (MN)") && profile.contains("Manufacturer"), "{profile}");
    first.find(Locator::Css("button[data-action=approve]")).await.unwrap().click().await.unwrap();
    w.wait_path("/operator/merchants?status=pending&done=approve").await;
    w.wait_text("Approved. The merchant may sell now").await;
    let left = w.texts("article.merchant h2 a").await;
    assert_eq!(left, ["Red River Mercantile"], "one left to review");
    // The tab counts follow.
    let current = w.find(".tabs a[aria-current=page]").await.text().await.unwrap();
    assert!(current.ends_with('1'), "{current}");

    // Its products are on sale: the storefront finds its socks in Chinese.
    let search = "/search?q=%E7%BE%8A%E6%AF%9B&lang=zh-CN";
    poll("the approved merchant's socks in the search", || async {
        w.goto(search).await;
        w.texts("ul.results li.card a").await.iter().any(|t| t == "美利奴羊毛徒步袜")
    })
    .await;
    w.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_approves_a_pending_merchant_on_a_desktop() {
    approve_a_pending_merchant(DESKTOP).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_approves_a_pending_merchant_on_a_phone() {
    approve_a_pending_merchant(PHONE).await;
}

/// A visitor types 蜂蜜 in the header's search box, sees Chinese titles with the
/// landed price, and opens a product from the results.
async fn search_in_chinese_and_open_a_product(size: (u32, u32)) {
    let w = World::new(size, "zh-CN,zh").await;
    w.goto("/").await;
    w.wait_lang("zh-CN").await;
    w.fill("search-q", "蜂蜜").await;
    w.find("form.search button[type=submit]").await.click().await.unwrap();
    w.wait_path("/search?q=%E8%9C%82%E8%9C%9C").await;
    assert_eq!(w.find("h1").await.text().await.unwrap(), "搜索“蜂蜜”");
    let count = w.find("#result-count").await.text().await.unwrap();
    assert!(count.starts_with("共 ") && count.ends_with(" 件商品"), "{count}");
    let titles = w.texts("ul.results li.card > a").await;
    assert!(titles.iter().any(|t| t == "野花蜂蜜 500克"), "{titles:?}");
    let prices = w.texts("ul.results li.card .price").await;
    assert!(!prices.is_empty() && prices.iter().all(|p| p.starts_with('¥') && p.contains("含税")), "{prices:?}");

    let card = w.find("ul.results li.card > a[lang='zh-CN']").await;
    let title = card.text().await.unwrap();
    card.click().await.unwrap();
    let price = w.find("#price").await.text().await.unwrap();
    assert!(price.starts_with('¥') && price.contains("含税"), "{price}");
    assert_eq!(w.find("h1").await.text().await.unwrap(), title);
    w.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_searches_in_chinese_and_opens_a_product_on_a_phone() {
    search_in_chinese_and_open_a_product(PHONE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_searches_in_chinese_and_opens_a_product_on_a_desktop() {
    search_in_chinese_and_open_a_product(DESKTOP).await;
}

/// The filters are a plain form: in stock only, cheapest first, a category; the
/// address says what was chosen and the page shows it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_filters_and_sorts_the_results() {
    let w = World::new(DESKTOP, "zh-CN,zh").await;
    w.goto("/search?q=%E8%9C%82%E8%9C%9C").await;
    w.find("form.filters summary").await.click().await.unwrap();
    w.find("#in_stock").await.click().await.unwrap();
    w.find("#sort option[value=price_asc]").await.click().await.unwrap();
    w.find("#tax_class option[value=agri]").await.click().await.unwrap();
    w.find("#search-submit").await.click().await.unwrap();
    w.wait_path(
        "/search?q=%E8%9C%82%E8%9C%9C&tax_class=agri&state=&min_price_cny=&max_price_cny=&sort=price_asc&in_stock=1",
    )
    .await;
    assert!(w.find("#in_stock").await.is_selected().await.unwrap(), "the choice is kept");
    let goods: Vec<f64> = w
        .texts("ul.results li.card .hint")
        .await
        .iter()
        .filter_map(|t| t.strip_prefix("商品价 ¥"))
        .filter_map(|t| t.split('（').next()?.parse().ok())
        .collect();
    assert!(goods.len() >= 2, "{goods:?}");
    assert!(goods.windows(2).all(|p| p[0] <= p[1]), "cheapest first: {goods:?}");
    w.close().await;
}

/// The results page (phone and desktop) and the console's main pages (desktop, and
/// the pending merchants on a phone). Run with
/// `cargo test -p gateway --test browser -- --ignored screenshots`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes docs/screenshots; run on demand"]
async fn search_and_console_screenshots() {
    std::fs::create_dir_all(screenshots_dir()).unwrap();
    for (size, suffix) in [(PHONE, "phone"), (DESKTOP, "desktop")] {
        let w = World::new(size, "zh-CN,zh").await;
        w.goto("/search?q=%E8%9C%82%E8%9C%9C").await;
        w.find("ul.results").await;
        w.screenshot(&format!("search-{suffix}")).await;
        sign_in_as_operator(&w).await;
        w.goto("/operator/merchants?status=pending&lang=en").await;
        w.find("article.merchant").await;
        w.screenshot(&format!("operator-merchants-{suffix}")).await;
        if suffix == "desktop" {
            w.goto("/operator").await;
            w.find("#pending-count").await;
            w.screenshot("operator-overview-desktop").await;
            w.goto("/operator/tax-classes").await;
            w.find("table.tax-classes").await;
            w.screenshot("operator-tax-classes-desktop").await;
        }
        w.close().await;
    }
}
