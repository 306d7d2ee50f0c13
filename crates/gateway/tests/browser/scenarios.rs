//! The storefront's scenarios in Chromium.

use crate::driver::{DESKTOP, PHONE, World, poll};
use fantoccini::Locator;

/// (a) A visitor on a phone opens the home page in Chinese, switches to English and
/// back, and opens a product: its landed price is marked tax included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_switches_languages_and_opens_a_product() {
    let w = World::new(PHONE, "zh-CN,zh").await;
    w.goto("/").await;
    w.wait_lang("zh-CN").await;
    assert_eq!(w.find("h1").await.text().await.unwrap(), "来自美国农场和小企业的好物");
    let switch = w.find("a.lang").await;
    assert_eq!(switch.attr("lang").await.unwrap().as_deref(), Some("en"));
    switch.click().await.unwrap();
    w.wait_lang("en").await;
    assert_eq!(w.find("h1").await.text().await.unwrap(), "Straight from American farms and small businesses");
    // The choice sticks across pages (the lang cookie).
    w.goto("/cart").await;
    w.wait_lang("en").await;
    w.find("a.lang").await.click().await.unwrap();
    w.wait_lang("zh-CN").await;
    w.goto("/").await;
    w.wait_lang("zh-CN").await;

    let card = w.find("ul.grid li.card a").await;
    let title = card.text().await.unwrap();
    card.click().await.unwrap();
    let price = w.find("#price").await.text().await.unwrap();
    assert!(price.starts_with('¥') && price.contains("含税"), "the landed price: {price}");
    assert_eq!(w.find("h1").await.text().await.unwrap(), title);
    // The breakdown opens on demand, keyboard or click.
    w.find("details summary").await.click().await.unwrap();
    w.wait_text("进口增值税").await;
    w.close().await;
}

/// Adds the product of the home page's first card of a merchant other than those in
/// `skip` to the cart; returns that merchant's name.
async fn add_from_another_merchant(w: &World, skip: &[String]) -> String {
    w.goto("/?lang=zh-CN").await;
    w.find("ul.grid li.card").await;
    let cards = w.client.find_all(Locator::Css("ul.grid li.card")).await.unwrap();
    for card in cards {
        let merchant = card.find(Locator::Css(".from span")).await.unwrap().text().await.unwrap();
        let sold_out = card.text().await.unwrap().contains("已售罄");
        if skip.contains(&merchant) || sold_out {
            continue;
        }
        card.find(Locator::Css("a")).await.unwrap().click().await.unwrap();
        w.find("#quantity").await;
        w.find("form[action='/cart/items'] button[type=submit]").await.click().await.unwrap();
        w.wait_path("/cart").await;
        return merchant;
    }
    panic!("no card from a merchant other than {skip:?}");
}

/// Signs up as a consumer with `email` and verifies an identity; leaves the browser on
/// the identity page.
pub(crate) async fn sign_up_with_identity(w: &World, email: &str) {
    w.goto("/signup").await;
    w.fill("email", email).await;
    w.fill("password", "a long password").await;
    w.find("main button[type=submit]").await.click().await.unwrap();
    w.wait_path("/").await;
    w.find("form[action='/logout']").await;
    w.goto("/account/identity").await;
    w.fill("real_name", "王小明").await;
    w.fill("id_number", "11010519491231002X").await;
    w.fill("phone", "13800138000").await;
    w.find("form[action='/account/identity'] button[type=submit]").await.click().await.unwrap();
    w.wait_path("/account/identity?saved=1").await;
}

/// Fills the checkout's delivery address.
pub(crate) async fn fill_address(w: &World) {
    w.fill("recipient", "王小明").await;
    w.fill("phone", "13800138000").await;
    w.fill("province", "北京市").await;
    w.fill("city", "北京市").await;
    w.fill("district", "朝阳区").await;
    w.fill("street", "建国路 1 号").await;
    w.fill("postal_code", "100000").await;
}

/// (b) A consumer signs up, verifies their identity, fills the cart from two
/// merchants, sees two orders with freight and tax, checks out and finds both orders.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_buys_from_two_merchants() {
    let w = World::new(DESKTOP, "zh-CN,zh").await;
    sign_up_with_identity(&w, "buyer@example.com").await;
    assert_eq!(w.find("#masked-id").await.text().await.unwrap(), "1101**********002X");

    let first = add_from_another_merchant(&w, &[]).await;
    let second = add_from_another_merchant(&w, std::slice::from_ref(&first)).await;
    assert_ne!(first, second);
    let orders = w.client.find_all(Locator::Css("section.order")).await.unwrap();
    assert_eq!(orders.len(), 2, "one order per merchant");
    let text = w.find("main").await.text().await.unwrap();
    assert!(text.contains("您的购物车将生成 2 个订单"), "{text}");
    assert!(text.contains("运费") && text.contains("进口增值税"), "freight and tax per order");
    for name in [&first, &second] {
        assert!(text.contains(name.as_str()), "{name} in the cart");
    }

    w.find("a[href='/checkout']").await.click().await.unwrap();
    w.wait_path("/checkout").await;
    fill_address(&w).await;
    // The demo's wallet: the checkout reserves the orders, the payment page shows the
    // wallet's QR code and waits; the shopper pays on the sandbox wallet's page.
    assert_eq!(
        w.find("input[name=payment_method]:checked").await.attr("value").await.unwrap().as_deref(),
        Some("sandbox_wallet")
    );
    w.find("#place-order").await.click().await.unwrap();
    let payment = w.find("#payment").await;
    assert_eq!(payment.attr("data-status").await.unwrap().as_deref(), Some("pending"));
    w.find("#payment-qr svg").await;
    w.wait_text("正在等待支付结果").await;
    w.find("#payment-link").await.click().await.unwrap();
    w.find("#sandbox-pay").await.click().await.unwrap();
    w.wait_text("支付成功").await;
    assert_eq!(w.find("#payment").await.attr("data-status").await.unwrap().as_deref(), Some("captured"));
    w.goto("/orders").await;

    let links = w.client.find_all(Locator::Css("ul.orders li.card > a")).await.unwrap();
    let mut hrefs = Vec::new();
    for link in links {
        hrefs.push(link.attr("href").await.unwrap().unwrap());
    }
    assert_eq!(hrefs.len(), 2, "both orders in the list");
    let mut merchants = Vec::new();
    for href in hrefs {
        w.goto(&href).await;
        let status = w.find("#order-status").await;
        assert_eq!(status.attr("data-status").await.unwrap().as_deref(), Some("paid"));
        assert_eq!(status.text().await.unwrap(), "已支付");
        merchants.push(w.find(".facts dd[lang]").await.text().await.unwrap());
    }
    merchants.sort();
    let mut expected = vec![first, second];
    expected.sort();
    assert_eq!(merchants, expected, "one order of each merchant");
    w.close().await;
}

/// (c) A form posted without its CSRF token, or with a forged one, is refused with a
/// page, and nothing happens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_without_its_csrf_token_is_refused() {
    let w = World::new(PHONE, "zh-CN,zh").await;
    for tamper in [
        "document.querySelector('main input[name=csrf]').remove()",
        "document.querySelector('main input[name=csrf]').value = 'forged'",
    ] {
        w.goto("/signup").await;
        w.fill("email", "csrf@example.com").await;
        w.fill("password", "a long password").await;
        w.client.execute(tamper, vec![]).await.unwrap();
        w.find("main button[type=submit]").await.click().await.unwrap();
        w.wait_text("此表单已过期或并非来自本网站").await;
        assert_eq!(w.find("h1").await.text().await.unwrap(), "无权访问");
    }
    // No account was made: signing in with it fails.
    w.goto("/login").await;
    w.fill("email", "csrf@example.com").await;
    w.fill("password", "a long password").await;
    w.find("main button[type=submit]").await.click().await.unwrap();
    w.wait_text("电子邮箱或密码不正确").await;
    poll("no session cookie", || async { w.client.get_named_cookie("gw_session").await.is_err() }).await;
    w.close().await;
}
