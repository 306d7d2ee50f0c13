//! Regenerates docs/screenshots/: the main pages in a phone and a desktop window, with
//! the demo data. Run with `cargo test -p gateway --test browser -- --ignored screenshots`.

use crate::driver::{DESKTOP, PHONE, World, screenshots_dir};
use crate::scenarios::{fill_address, sign_up_with_identity};
use fantoccini::Locator;

/// The first product of the home page.
async fn first_product(w: &World) -> String {
    w.goto("/").await;
    w.find("ul.grid li.card a").await.attr("href").await.unwrap().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes docs/screenshots; run on demand"]
async fn screenshots() {
    std::fs::create_dir_all(screenshots_dir()).unwrap();
    for (size, suffix) in [(PHONE, "phone"), (DESKTOP, "desktop")] {
        let w = World::new(size, "zh-CN,zh").await;
        // The home page on the phone only: the desktop one adds 150 KB for little.
        if suffix == "phone" {
            w.goto("/").await;
            w.find("ul.grid").await;
            w.screenshot(&format!("home-{suffix}")).await;
        }
        let product = first_product(&w).await;
        w.goto(&product).await;
        w.find("#price").await;
        w.find("details summary").await.click().await.unwrap();
        w.screenshot(&format!("product-{suffix}")).await;
        w.find("form[action='/cart/items'] button[type=submit]").await.click().await.unwrap();
        w.wait_path("/cart").await;
        w.client.find(Locator::Css("section.order")).await.unwrap();
        w.screenshot(&format!("cart-{suffix}")).await;
        // The wallet flow of the demo: the payment page waits with the QR code, and
        // the sandbox wallet's page is where the shopper pays.
        sign_up_with_identity(&w, &format!("screenshots-{suffix}@example.com")).await;
        w.goto(&product).await;
        w.find("form[action='/cart/items'] button[type=submit]").await.click().await.unwrap();
        w.wait_path("/cart").await;
        w.goto("/checkout").await;
        fill_address(&w).await;
        w.find("#place-order").await.click().await.unwrap();
        w.find("#payment-qr svg").await;
        w.screenshot(&format!("payment-{suffix}")).await;
        w.find("#payment-link").await.click().await.unwrap();
        w.find("#sandbox-pay").await;
        w.screenshot(&format!("sandbox-wallet-{suffix}")).await;
        w.find("#sandbox-pay").await.click().await.unwrap();
        w.find("#payment-result").await;
        w.screenshot(&format!("payment-paid-{suffix}")).await;
        w.close().await;
    }
}
