//! Issue 20 over HTTP: wallet checkouts against fake wallets that speak Antom's and
//! WeChat Pay's published protocols with their own keys. Gateway is configured only
//! by the documented settings (`GATEWAY_PAYMENT_METHODS`, `GATEWAY_ANTOM_*`,
//! `GATEWAY_WECHATPAY_*`, the payment timings); every path that does not end paid
//! must give back stock and quota, and no payment is captured twice.

use crate::common::*;
use crate::pages::Browser;
use crate::shop::{address, cart_with, id_number, product};
use gateway::config::Settings;
use gateway_core::payment::PaymentMethod;
use gateway_wallets::fake::antom::FakeAntom;
use gateway_wallets::fake::wechat_pay::FakeWeChatPay;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

static NEXT: AtomicUsize = AtomicUsize::new(900);

/// How long the payment job may take to act (it polls every second here).
const PATIENCE: Duration = Duration::from_secs(30);

/// A server offering Alipay through `fake`, with payments expiring after
/// `expiry_seconds` and inquired every second.
async fn alipay_server(fake: &FakeAntom, expiry_seconds: i64) -> TestServer {
    spawn_with(antom_settings(fake, fake.gateway_private_key_pem(), expiry_seconds)).await
}

/// The settings of a server paying through `fake` (sandbox and Alipay), signing its
/// requests with `private_pem`.
fn antom_settings(fake: &FakeAntom, private_pem: String, expiry_seconds: i64) -> impl FnOnce(&mut Settings) {
    let (client_id, base_url, public) = (fake.client_id(), fake.base_url(), fake.antom_public_key_pem());
    move |settings| {
        let private_file = settings.data_dir.join("antom-gateway.pem");
        let public_file = settings.data_dir.join("antom-public.pem");
        std::fs::write(&private_file, private_pem).unwrap();
        std::fs::write(&public_file, public).unwrap();
        let p = &mut settings.payments;
        p.methods = vec![PaymentMethod::Sandbox, PaymentMethod::Alipay];
        p.antom_client_id = Some(client_id);
        p.antom_private_key_file = Some(private_file);
        p.antom_public_key_file = Some(public_file);
        p.antom_base_url = Some(base_url);
        p.expiry_seconds = Some(expiry_seconds);
        p.check_seconds = Some(1);
    }
}

async fn wechat_server(fake: &FakeWeChatPay, expiry_seconds: i64) -> TestServer {
    let (private, platform) = (fake.merchant_private_key_pem(), fake.platform_cert_pem());
    let (mch_id, app_id, serial, key, base_url) =
        (fake.mch_id(), fake.app_id(), fake.merchant_cert_serial(), fake.api_v3_key(), fake.base_url());
    spawn_with(move |settings| {
        let private_file = settings.data_dir.join("wechat-merchant.pem");
        let platform_file = settings.data_dir.join("wechat-platform.pem");
        std::fs::write(&private_file, private).unwrap();
        std::fs::write(&platform_file, platform).unwrap();
        let p = &mut settings.payments;
        p.methods = vec![PaymentMethod::WechatPay];
        p.wechatpay_mch_id = Some(mch_id);
        p.wechatpay_app_id = Some(app_id);
        p.wechatpay_cert_serial = Some(serial);
        p.wechatpay_api_v3_key = Some(key);
        p.wechatpay_private_key_file = Some(private_file);
        p.wechatpay_platform_cert_file = Some(platform_file);
        p.wechatpay_base_url = Some(base_url);
        p.expiry_seconds = Some(expiry_seconds);
        p.check_seconds = Some(1);
    })
    .await
}

/// What the tests buy: 2 of 10 jars of honey from an approved farm.
struct Shop {
    email: String,
    merchant: String,
    honey: String,
    buyer: String,
    id_number: String,
    admin: String,
}

async fn shop(s: &TestServer) -> Shop {
    s.set_fx("7.10").await;
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let (token, merchant) = s.merchant(&format!("farm{n}@example.com"), true, true).await;
    let honey = product(s, &token, &merchant, json!({"stock": 10})).await;
    let email = format!("wallet-buyer{n}@example.com");
    let buyer = s.signup(&email, "consumer").await;
    let id_number = id_number(n);
    let body = json!({"real_name": "张三", "id_number": id_number, "phone": "13800138000"});
    s.put("/api/v1/me/identity", Some(&buyer), &body).await.ok(200);
    Shop { email, merchant: token, honey, buyer, id_number, admin: s.admin().await }
}

async fn wallet_checkout(s: &TestServer, shop: &Shop, method: &str, device: &str, key: &str) -> Answer {
    let cart = cart_with(s, &shop.buyer, &[(&shop.honey, 2)]).await;
    pay_cart(s, shop, &cart, method, device, key).await
}

async fn pay_cart(s: &TestServer, shop: &Shop, cart: &str, method: &str, device: &str, key: &str) -> Answer {
    let request = s
        .client
        .post(format!("{}/api/v1/checkout", s.base))
        .bearer_auth(&shop.buyer)
        .header("Idempotency-Key", key)
        .json(&json!({"cart_id": cart, "address": address(), "payment_method": method, "device": device}));
    TestServer::answer(request.send().await.unwrap()).await
}

async fn stock(s: &TestServer, shop: &Shop) -> i64 {
    s.get(&format!("/api/v1/products/{}", shop.honey), None).await.body["stock"].as_i64().unwrap()
}

async fn quota_used(s: &TestServer, shop: &Shop) -> String {
    s.get("/api/v1/me/quota", Some(&shop.buyer)).await.body["used"].as_str().unwrap().to_string()
}

async fn order(s: &TestServer, shop: &Shop, id: &str) -> Value {
    s.get(&format!("/api/v1/orders/{id}"), Some(&shop.buyer)).await.ok(200).clone()
}

async fn payment(s: &TestServer, shop: &Shop, id: &str) -> Value {
    s.get(&format!("/api/v1/payments/{id}"), Some(&shop.admin)).await.ok(200).clone()
}

/// Polls until `done` holds of the payment (as an operator reads it), or fails.
async fn wait_for_payment(s: &TestServer, shop: &Shop, id: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let started = std::time::Instant::now();
    loop {
        let p = payment(s, shop, id).await;
        if done(&p) {
            return p;
        }
        assert!(started.elapsed() < PATIENCE, "waited {PATIENCE:?} for {what}; the payment is {p:#}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn wait_until(what: &str, done: impl Fn() -> bool) {
    let started = std::time::Instant::now();
    while !done() {
        assert!(started.elapsed() < PATIENCE, "waited {PATIENCE:?} for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn ids(checkout: &Value) -> (String, String) {
    let payment = checkout["payment"]["id"].as_str().unwrap().to_string();
    let order = checkout["orders"][0]["id"].as_str().unwrap().to_string();
    (payment, order)
}

#[tokio::test]
async fn an_alipay_checkout_reserves_then_one_notification_pays_it_and_its_payment_is_declared() {
    let fake = FakeAntom::start().await;
    let s = alipay_server(&fake, 1800).await;
    let shop = shop(&s).await;

    let placed = wallet_checkout(&s, &shop, "alipay", "desktop", "ali-1").await;
    let body = placed.ok(201).clone();
    let (payment_id, order_id) = ids(&body);
    assert_eq!(
        (body["payment"]["status"].as_str(), body["payment"]["method"].as_str(), body["orders"][0]["status"].as_str()),
        (Some("pending"), Some("alipay"), Some("awaiting_payment"))
    );
    assert!(body["payment"]["action"]["qr_code"].is_string(), "a desktop is shown a QR code: {body:#}");
    assert!(body["payment"]["expires_at"].is_string());
    // Reserved in the checkout's transaction: stock and quota are taken before payment.
    assert_eq!(stock(&s, &shop).await, 8);
    assert_ne!(quota_used(&s, &shop).await, "0.00");
    let sessions = fake.sessions();
    assert_eq!(sessions.len(), 1);
    let session = &sessions[0];
    assert_eq!((session.payment_request_id.as_str(), session.currency.as_str()), (payment_id.as_str(), "CNY"));
    assert_eq!(session.amount_fen, 27372, "2 × 88.75 + 80.00 freight + 16.22 VAT, the landed price");
    assert_eq!(session.terminal_type, "WEB");
    assert!(session.notify_url.ends_with("/api/v1/payments/alipay/notify"), "{}", session.notify_url);

    // The same key for another cart is refused, as with the sandbox.
    wallet_checkout(&s, &shop, "alipay", "desktop", "ali-1").await.problem(422, "idempotency_conflict");

    let (status, answer) = fake.pay(&payment_id, &shop.id_number).await;
    assert_eq!(status, 200, "{answer}");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["result"]["resultCode"], "SUCCESS");
    assert_eq!(answer["result"]["resultStatus"], "S");
    let paid = order(&s, &shop, &order_id).await;
    assert_eq!((paid["status"].as_str(), paid["payment"]["status"].as_str()), (Some("paid"), Some("captured")));

    // A duplicate, then a late duplicate: nothing changes, nothing is refunded.
    for _ in 0..2 {
        let (status, _) = fake.renotify(&payment_id).await;
        assert_eq!(status, 200);
    }
    assert_eq!(order(&s, &shop, &order_id).await["status"], "paid");
    assert_eq!(stock(&s, &shop).await, 8, "sold once");

    let declared = wait_for_payment(&s, &shop, &payment_id, "the declaration to be accepted", |p| {
        p["declarations"][0]["status"] == "accepted"
    })
    .await;
    assert!(declared["declarations"][0]["customs_payment_id"].is_string(), "{declared:#}");
    assert_eq!(declared["refunds"], json!([]));
    let declarations = fake.declarations();
    assert_eq!(declarations.len(), 1);
    assert_eq!(declarations[0].certificate_no.as_deref(), Some(shop.id_number.as_str()));
    assert_eq!(declarations[0].amount_fen, 27372);
    assert_eq!(declarations[0].customs_code, "ZONGSHU");
    assert_eq!(fake.refunds().len(), 0);
    assert_eq!(fake.refused_signatures(), 0, "every request Gateway sent was signed right");

    // The three-document check counts the payment's own records: cleared now, and
    // refused once the buyer's identity is no longer the payer's.
    let ship = json!({"carrier": "EMS", "tracking_no": "EA123456789US"});
    s.post(&format!("/api/v1/orders/{order_id}/ship"), Some(&shop.merchant), &ship).await.ok(200);
    let check = format!("/api/v1/orders/{order_id}/customs/check");
    let a = s.get(&check, Some(&shop.admin)).await;
    assert_eq!(a.ok(200)["ok"], true, "{}", a.text);
    let other = json!({"real_name": "李四", "id_number": id_number(4343), "phone": "13800138000"});
    s.put("/api/v1/me/identity", Some(&shop.buyer), &other).await.ok(200);
    let a = s.get(&check, Some(&shop.admin)).await;
    let codes: Vec<&str> = a.body["failures"].as_array().unwrap().iter().filter_map(|f| f["code"].as_str()).collect();
    assert!(codes.contains(&"payer_identity_changed"), "{}", a.text);
    assert_ne!(order(&s, &shop, &order_id).await["payment"]["payer_identity_hash"], "");
}

#[tokio::test]
async fn the_same_key_replays_the_pending_checkout_without_a_second_session() {
    let fake = FakeAntom::start().await;
    let s = alipay_server(&fake, 1800).await;
    let shop = shop(&s).await;
    let cart = cart_with(&s, &shop.buyer, &[(&shop.honey, 2)]).await;
    let first = pay_cart(&s, &shop, &cart, "alipay", "phone", "ali-replay").await.ok(201).clone();
    assert!(first["payment"]["action"]["redirect_url"].is_string(), "a phone is sent to the wallet: {first:#}");
    let replay = pay_cart(&s, &shop, &cart, "alipay", "phone", "ali-replay").await.ok(201).clone();
    assert_eq!(replay, first);
    assert_eq!(fake.sessions().len(), 1);
    assert_eq!(fake.sessions()[0].terminal_type, "WAP");
    assert_eq!(stock(&s, &shop).await, 8, "one reservation");
    // After payment the replay tells how it stands now.
    let (payment_id, _) = ids(&first);
    fake.pay(&payment_id, &shop.id_number).await;
    let after = pay_cart(&s, &shop, &cart, "alipay", "phone", "ali-replay").await.ok(201).clone();
    assert_eq!(
        (after["payment"]["status"].as_str(), after["orders"][0]["status"].as_str()),
        (Some("captured"), Some("paid"))
    );
}

#[tokio::test]
async fn a_payment_cancelled_at_the_wallet_releases_its_orders() {
    let fake = FakeAntom::start().await;
    let s = alipay_server(&fake, 1800).await;
    let shop = shop(&s).await;
    let placed = wallet_checkout(&s, &shop, "alipay", "desktop", "ali-cancel").await.ok(201).clone();
    let (payment_id, order_id) = ids(&placed);
    let (status, _) = fake.cancel(&payment_id).await;
    assert_eq!(status, 200);
    let cancelled = order(&s, &shop, &order_id).await;
    assert_eq!(
        (cancelled["status"].as_str(), cancelled["cancel_reason"].as_str(), cancelled["payment"]["status"].as_str()),
        (Some("cancelled"), Some("payment_failed"), Some("failed"))
    );
    assert_eq!(stock(&s, &shop).await, 10, "the stock came back");
    assert_eq!(quota_used(&s, &shop).await, "0.00", "and the quota");
    // A second failure, or a repeat, changes nothing.
    fake.renotify(&payment_id).await;
    assert_eq!(stock(&s, &shop).await, 10);
}

#[tokio::test]
async fn an_unpaid_checkout_expires_and_a_success_after_it_is_refunded() {
    let fake = FakeAntom::start().await;
    let s = alipay_server(&fake, 2).await;
    let shop = shop(&s).await;
    let placed = wallet_checkout(&s, &shop, "alipay", "desktop", "ali-expire").await.ok(201).clone();
    let (payment_id, order_id) = ids(&placed);
    let expired = wait_for_payment(&s, &shop, &payment_id, "the expiry", |p| p["status"] == "expired").await;
    assert_eq!(expired["refunds"], json!([]));
    let cancelled = order(&s, &shop, &order_id).await;
    assert_eq!(
        (cancelled["status"].as_str(), cancelled["cancel_reason"].as_str()),
        (Some("cancelled"), Some("payment_expired"))
    );
    assert_eq!(stock(&s, &shop).await, 10);
    assert_eq!(quota_used(&s, &shop).await, "0.00");

    // The shopper pays anyway, late: the money goes back, and the operator sees why.
    let (status, _) = fake.pay(&payment_id, &shop.id_number).await;
    assert_eq!(status, 200);
    let refunded = wait_for_payment(&s, &shop, &payment_id, "the late success's refund", |p| {
        p["refunds"][0]["status"] == "succeeded"
    })
    .await;
    assert_eq!(
        (refunded["status"].as_str(), refunded["review"].as_str()),
        (Some("refunded"), Some("late_success_refunded"))
    );
    assert_eq!(refunded["refunds"][0]["amount"], "273.72");
    let refunds = fake.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].amount_fen, 27372);
    assert_eq!(order(&s, &shop, &order_id).await["status"], "cancelled", "the order stays released");
    assert_eq!(stock(&s, &shop).await, 10, "nothing was sold");
    let review = s.get("/api/v1/admin/payments?review=true", Some(&shop.admin)).await.ok(200).clone();
    assert_eq!(review["items"].as_array().unwrap().len(), 1, "{review:#}");
    assert_eq!(review["items"][0]["id"], payment_id.as_str());
    // Another notification of the same success refunds nothing more.
    fake.renotify(&payment_id).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(fake.refunds().len(), 1);
}

#[tokio::test]
async fn a_lost_notification_is_recovered_by_inquiry() {
    let fake = FakeAntom::start().await;
    let s = alipay_server(&fake, 1800).await;
    let shop = shop(&s).await;
    let placed = wallet_checkout(&s, &shop, "alipay", "desktop", "ali-lost").await.ok(201).clone();
    let (payment_id, order_id) = ids(&placed);
    fake.pay_silently(&payment_id, &shop.id_number);
    wait_for_payment(&s, &shop, &payment_id, "the inquiry to capture it", |p| p["status"] == "captured").await;
    assert_eq!(order(&s, &shop, &order_id).await["status"], "paid");
    assert_eq!(stock(&s, &shop).await, 8);
}

#[tokio::test]
async fn a_forged_notification_is_refused_and_changes_nothing() {
    let fake = FakeAntom::start().await;
    let s = alipay_server(&fake, 1800).await;
    let shop = shop(&s).await;
    let placed = wallet_checkout(&s, &shop, "alipay", "desktop", "ali-forged").await.ok(201).clone();
    let (payment_id, order_id) = ids(&placed);
    let (status, body) = fake.forge_notification(&payment_id).await;
    assert_eq!(status, 400, "{body}");
    let problem: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["code"], "invalid_signature");
    assert_eq!(order(&s, &shop, &order_id).await["status"], "awaiting_payment");
    // Unsigned, or from nowhere: refused the same.
    let a = s.client.post(format!("{}/api/v1/payments/alipay/notify", s.base)).body("{}").send().await.unwrap();
    assert_eq!(a.status(), 400);
}

#[tokio::test]
async fn a_declaration_refused_because_the_payer_is_not_the_buyer_cancels_and_refunds_the_order() {
    let fake = FakeAntom::start().await;
    let s = alipay_server(&fake, 1800).await;
    let shop = shop(&s).await;
    let placed = wallet_checkout(&s, &shop, "alipay", "desktop", "ali-mismatch").await.ok(201).clone();
    let (payment_id, order_id) = ids(&placed);
    // Someone else's Alipay account pays for the buyer's order.
    fake.pay(&payment_id, &id_number(4242)).await;
    let refused =
        wait_for_payment(&s, &shop, &payment_id, "the refusal's refund", |p| p["refunds"][0]["status"] == "succeeded")
            .await;
    assert_eq!(refused["declarations"][0]["status"], "refused");
    assert_eq!(refused["review"], "declaration_refused");
    let check = s.get(&format!("/api/v1/orders/{order_id}/customs/check"), Some(&shop.admin)).await;
    let codes: Vec<&str> =
        check.body["failures"].as_array().unwrap().iter().filter_map(|f| f["code"].as_str()).collect();
    assert!(codes.contains(&"payment_declaration_refused"), "{}", check.text);
    let held = order(&s, &shop, &order_id).await;
    assert_eq!((held["status"].as_str(), held["cancel_reason"].as_str()), (Some("cancelled"), Some("payer_mismatch")));
    assert_eq!(stock(&s, &shop).await, 10);
    assert_eq!(quota_used(&s, &shop).await, "0.00");
    assert_eq!(fake.refunds().len(), 1);
    assert_eq!(fake.refunds()[0].amount_fen, 27372);
}

#[tokio::test]
async fn a_paid_order_cancelled_or_returned_is_refunded_at_the_wallet() {
    let fake = FakeAntom::start().await;
    let s = alipay_server(&fake, 1800).await;
    let shop = shop(&s).await;
    let cart = cart_with(&s, &shop.buyer, &[(&shop.honey, 1)]).await;
    let first = pay_cart(&s, &shop, &cart, "alipay", "desktop", "ali-refund-1").await.ok(201).clone();
    let (payment_id, order_id) = ids(&first);
    fake.pay(&payment_id, &shop.id_number).await;
    s.post(&format!("/api/v1/orders/{order_id}/cancel"), Some(&shop.buyer), &json!({})).await.ok(200);
    wait_until("the cancel's refund", || fake.refunds().len() == 1).await;
    assert_eq!(fake.refunds()[0].amount_fen, 15812);

    let cart = cart_with(&s, &shop.buyer, &[(&shop.honey, 1)]).await;
    let second = pay_cart(&s, &shop, &cart, "alipay", "desktop", "ali-refund-2").await.ok(201).clone();
    let (payment_id, order_id) = ids(&second);
    fake.pay(&payment_id, &shop.id_number).await;
    let ship = json!({"carrier": "EMS", "tracking_no": "EA123456789US"});
    s.post(&format!("/api/v1/orders/{order_id}/ship"), Some(&shop.merchant), &ship).await.ok(200);
    s.post(&format!("/api/v1/orders/{order_id}/deliver"), Some(&shop.buyer), &json!({})).await.ok(200);
    s.post(&format!("/api/v1/orders/{order_id}/return"), Some(&shop.buyer), &json!({})).await.ok(200);
    wait_until("the return's refund", || fake.refunds().len() == 2).await;
    assert_eq!(fake.refunds()[1].amount_fen, 15812);
    assert_eq!(stock(&s, &shop).await, 10);
}

#[tokio::test]
async fn a_wallet_that_refuses_gateways_signature_takes_no_order_it_cannot_be_paid_for() {
    // Gateway signs with another key than the one its client id is registered with.
    let fake = FakeAntom::start().await;
    let s = spawn_with(antom_settings(&fake, fake.stranger_private_key_pem(), 2)).await;
    let shop = shop(&s).await;
    // Antom refuses the session (result F, INVALID_SIGNATURE): the checkout fails and
    // its reservation is released at once.
    let cart = cart_with(&s, &shop.buyer, &[(&shop.honey, 2)]).await;
    pay_cart(&s, &shop, &cart, "alipay", "desktop", "ali-wrong-key").await.problem(422, "payment_failed");
    // The same key answers the same refusal.
    pay_cart(&s, &shop, &cart, "alipay", "desktop", "ali-wrong-key").await.problem(422, "payment_failed");
    assert!(fake.refused_signatures() >= 1);
    assert_eq!(fake.sessions().len(), 0);
    let orders = s.get("/api/v1/me/orders", Some(&shop.buyer)).await.ok(200).clone();
    let released = &orders["items"][0];
    assert_eq!(
        (released["status"].as_str(), released["cancel_reason"].as_str()),
        (Some("cancelled"), Some("payment_failed"))
    );
    assert_eq!(stock(&s, &shop).await, 10);
    assert_eq!(quota_used(&s, &shop).await, "0.00");
    // A method not offered is a field error; the sandbox still answers at once elsewhere.
    let a = wallet_checkout(&s, &shop, "wechat_pay", "desktop", "not-offered").await;
    a.problem(422, "validation_failed");
    assert_eq!(a.error_fields(), ["payment_method"]);
    let a = wallet_checkout(&s, &shop, "paypal", "desktop", "unknown-method").await;
    assert_eq!(a.error_fields(), ["payment_method"]);
    let a = wallet_checkout(&s, &shop, "alipay", "tablet", "unknown-device").await;
    assert_eq!(a.error_fields(), ["device"]);
}

#[tokio::test]
async fn a_wechat_pay_checkout_is_paid_by_its_decrypted_callback_and_expires_unpaid() {
    let fake = FakeWeChatPay::start().await;
    let s = wechat_server(&fake, 3).await;
    let shop = shop(&s).await;
    let placed = wallet_checkout(&s, &shop, "wechat_pay", "desktop", "wx-1").await.ok(201).clone();
    let (payment_id, order_id) = ids(&placed);
    assert!(placed["payment"]["action"]["qr_code"].as_str().unwrap().starts_with("weixin://"), "{placed:#}");
    assert_eq!(fake.sessions().len(), 1);
    assert_eq!(fake.sessions()[0].amount_fen, 27372);
    let (status, _) = fake.forge_notification(&fake.sessions()[0].out_trade_no).await;
    assert_eq!(status, 400);
    let (status, answer) = fake.pay(&fake.sessions()[0].out_trade_no, &shop.id_number).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(serde_json::from_str::<Value>(&answer).unwrap()["code"], "SUCCESS");
    assert_eq!(order(&s, &shop, &order_id).await["status"], "paid");
    fake.renotify(&fake.sessions()[0].out_trade_no).await;
    assert_eq!(stock(&s, &shop).await, 8);
    wait_until("the declaration to reach WeChat Pay", || fake.declarations().len() == 1).await;
    assert_eq!(fake.declarations()[0].amount_fen, 27372);
    fake.customs_verdict(&fake.sessions()[0].out_trade_no, true);
    wait_for_payment(&s, &shop, &payment_id, "the declaration", |p| p["declarations"][0]["status"] == "accepted").await;

    // A second checkout the shopper gives up on: closed at the wallet, released here.
    let unpaid = wallet_checkout(&s, &shop, "wechat_pay", "desktop", "wx-2").await.ok(201).clone();
    let (unpaid_payment, unpaid_order) = ids(&unpaid);
    fake.close_at_wallet(&fake.sessions()[1].out_trade_no);
    wait_for_payment(&s, &shop, &unpaid_payment, "the closed payment", |p| p["status"] == "failed").await;
    assert_eq!(order(&s, &shop, &unpaid_order).await["cancel_reason"], "payment_failed");
    assert_eq!(stock(&s, &shop).await, 8);
}

/// A `gateway serve` process, configured only by the documented variables.
struct Process {
    child: std::process::Child,
    url: String,
}

fn serve(dir: &std::path::Path, port: u16, env: &[(&str, String)]) -> Process {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gateway"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(dir)
        .env_remove("GATEWAY_DATABASE_URL")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    // Owned at once, so that a panic below still stops the child (Drop).
    let mut process = Process { child, url: String::new() };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    loop {
        let line = rx.recv_timeout(Duration::from_secs(120)).expect("the server printed its URL");
        if let Some(url) = line.strip_prefix("Gateway is running at ") {
            process.url = url.to_string();
            return process;
        }
    }
}

impl Process {
    fn kill_9(mut self) {
        let status = std::process::Command::new("kill").args(["-KILL", &self.child.id().to_string()]).status();
        assert!(status.unwrap().success());
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// SIGKILL while the wallet answers `pay`: the wallet has the session, Gateway has
/// only its pending payment. The same Idempotency-Key after the restart reopens the
/// same session (the same `paymentRequestId`, so no second charge can exist), and the
/// payment is captured once.
#[tokio::test]
async fn a_crash_while_the_wallet_answers_neither_loses_nor_doubles_the_payment() {
    let fake = FakeAntom::start().await;
    let dir = tempfile::tempdir().unwrap();
    let (db_env, _guard) = match std::env::var("GATEWAY_TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            let (url, guard) = gateway_store_conformance::pg::fresh_database(&base).await.unwrap();
            (vec![("GATEWAY_DATABASE_URL", url)], Some(guard))
        }
        _ => (Vec::new(), None),
    };
    let private_file = dir.path().join("antom-gateway.pem");
    let public_file = dir.path().join("antom-public.pem");
    std::fs::write(&private_file, fake.gateway_private_key_pem()).unwrap();
    std::fs::write(&public_file, fake.antom_public_key_pem()).unwrap();
    // The same port after the restart: the wallet notifies the URL it was given.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut env: Vec<(&str, String)> = vec![
        ("GATEWAY_PAYMENT_METHODS", "sandbox,alipay".into()),
        ("GATEWAY_ANTOM_CLIENT_ID", fake.client_id()),
        ("GATEWAY_ANTOM_PRIVATE_KEY_FILE", private_file.display().to_string()),
        ("GATEWAY_ANTOM_PUBLIC_KEY_FILE", public_file.display().to_string()),
        ("GATEWAY_ANTOM_BASE_URL", fake.base_url()),
        ("GATEWAY_PUBLIC_URL", format!("http://127.0.0.1:{port}")),
        ("GATEWAY_PAYMENT_CHECK_SECONDS", "1".into()),
    ];
    env.extend(db_env);
    let data = dir.path().join("data");
    let first = serve(&data, port, &env);
    let client = reqwest::Client::new();
    let url = first.url.clone();
    let login = json!({"email": gateway::demo::DEMO_CONSUMER, "password": gateway::demo::DEMO_PASSWORD});
    let token = client.post(format!("{url}/api/v1/auth/login")).json(&login).send().await.unwrap();
    let token = token.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    let id_number = id_number(77);
    let identity = json!({"real_name": "张三", "id_number": id_number, "phone": "13800138000"});
    let a = client.put(format!("{url}/api/v1/me/identity")).bearer_auth(&token).json(&identity).send().await.unwrap();
    assert_eq!(a.status(), 200);
    let found: Value = client.get(format!("{url}/api/v1/search")).send().await.unwrap().json().await.unwrap();
    let product = found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["in_stock"] == true)
        .expect("a demo product in stock")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let stock = |url: String| {
        let (client, product) = (client.clone(), product.clone());
        async move {
            let p: Value =
                client.get(format!("{url}/api/v1/products/{product}")).send().await.unwrap().json().await.unwrap();
            p["stock"].as_i64().unwrap()
        }
    };
    let before = stock(url.clone()).await;
    let cart: Value = client
        .post(format!("{url}/api/v1/carts"))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cart = cart["id"].as_str().unwrap().to_string();
    let line = client
        .put(format!("{url}/api/v1/carts/{cart}/items/{product}"))
        .bearer_auth(&token)
        .json(&json!({"quantity": 1}));
    assert_eq!(line.send().await.unwrap().status(), 200);
    let body = json!({"cart_id": cart, "address": address(), "payment_method": "alipay"});
    let checkout = |url: String| {
        let (client, token, body) = (client.clone(), token.clone(), body.clone());
        async move {
            client
                .post(format!("{url}/api/v1/checkout"))
                .bearer_auth(&token)
                .header("Idempotency-Key", "crash-1")
                .json(&body)
                .send()
                .await
        }
    };

    fake.set_mode(gateway_wallets::fake::antom::FakeMode::Slow);
    let pending = tokio::spawn(checkout(url.clone()));
    wait_until("the wallet to receive pay", || fake.pay_calls() == 1).await;
    first.kill_9();
    assert!(pending.await.unwrap().is_err(), "the checkout died with its server");
    assert_eq!(fake.sessions().len(), 1, "the wallet opened the session");

    fake.set_mode(gateway_wallets::fake::antom::FakeMode::Honest);
    let second = serve(&data, port, &env);
    assert_eq!(stock(second.url.clone()).await, before - 1, "the reservation survived the crash");
    let replay = checkout(second.url.clone()).await.unwrap();
    assert_eq!(replay.status(), 201);
    let replay: Value = replay.json().await.unwrap();
    assert_eq!(replay["payment"]["status"], "pending");
    assert!(replay["payment"]["action"]["qr_code"].is_string(), "{replay:#}");
    let payment_id = replay["payment"]["id"].as_str().unwrap().to_string();
    assert_eq!(fake.sessions().len(), 1, "the same session, not a second one");
    assert_eq!(fake.sessions()[0].payment_request_id, payment_id);

    let (status, _) = fake.pay(&payment_id, &id_number).await;
    assert_eq!(status, 200);
    let order = replay["orders"][0]["id"].as_str().unwrap();
    let paid: Value = client
        .get(format!("{}/api/v1/orders/{order}", second.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(paid["status"], "paid");
    assert_eq!(stock(second.url.clone()).await, before - 1, "sold once");
    fake.renotify(&payment_id).await;
    let orders: Value = client
        .get(format!("{}/api/v1/me/orders", second.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(orders["items"].as_array().unwrap().len(), 1, "one order, once");
}

/// The demo's wallet in the pages: the shop's payment page waits (refreshing itself,
/// no JavaScript), the sandbox wallet's page pays, and the operator's console lists
/// the payment with its reference and declaration.
#[tokio::test]
async fn the_shops_payment_page_waits_without_javascript_and_the_operator_sees_the_payment() {
    let s = spawn().await;
    let shop = shop(&s).await;
    let placed = wallet_checkout(&s, &shop, "sandbox_wallet", "desktop", "sbw-1").await.ok(201).clone();
    let (payment_id, order_id) = ids(&placed);
    let wallet_page = format!("/sandbox-wallet/{payment_id}");
    assert!(placed["payment"]["action"]["qr_code"].as_str().unwrap().ends_with(&wallet_page), "{placed:#}");
    assert_eq!(stock(&s, &shop).await, 8, "reserved");

    let mut b = Browser::new(&s);
    b.submit("/login", "/login", &[("email", &shop.email), ("password", "password-123")]).await;
    let waiting = b.get(&format!("/payments/{payment_id}")).await;
    assert_eq!(waiting.status, 200);
    assert!(waiting.body.contains("<meta http-equiv=\"refresh\" content=\"3\">"), "it refreshes itself");
    assert!(waiting.body.contains("data-status=\"pending\"") && waiting.body.contains("<svg"), "a QR code, drawn here");
    assert!(waiting.body.contains("正在等待支付结果"), "in Chinese");
    let stranger = s.signup("stranger@example.com", "consumer").await;
    s.get(&format!("/api/v1/payments/{payment_id}"), Some(&stranger)).await.problem(403, "forbidden");

    // Whoever holds the wallet's link pays there, as at a real wallet.
    let mut phone = Browser::new(&s);
    let page = phone.get(&wallet_page).await;
    assert!(page.body.contains("id=\"sandbox-pay\""), "{}", page.body);
    let paid = phone.submit(&wallet_page, &format!("{wallet_page}/pay"), &[]).await;
    assert_eq!((paid.status.as_u16(), paid.location()), (303, format!("/payments/{payment_id}").as_str()));
    let done = b.get(&format!("/payments/{payment_id}")).await;
    assert!(done.body.contains("data-status=\"captured\"") && !done.body.contains("http-equiv=\"refresh\""));
    assert_eq!(order(&s, &shop, &order_id).await["status"], "paid");
    // Pressed again (a form kept open in another tab): nothing more happens.
    let token = page.csrf();
    let again = phone.post(&format!("{wallet_page}/cancel"), &[("csrf", &token)]).await;
    assert_eq!(again.status.as_u16(), 303);
    assert_eq!(order(&s, &shop, &order_id).await["status"], "paid");
    let declared = wait_for_payment(&s, &shop, &payment_id, "the sandbox declaration", |p| {
        p["declarations"][0]["status"] == "accepted"
    })
    .await;
    assert_eq!(declared["method"], "sandbox_wallet");

    // A second checkout, cancelled at the wallet, gives its stock back.
    let second = wallet_checkout(&s, &shop, "sandbox_wallet", "phone", "sbw-2").await.ok(201).clone();
    let (second_payment, _) = ids(&second);
    let second_page = format!("/sandbox-wallet/{second_payment}");
    assert!(second["payment"]["action"]["redirect_url"].as_str().unwrap().ends_with(&second_page));
    phone.submit(&second_page, &format!("{second_page}/cancel"), &[]).await;
    assert_eq!(stock(&s, &shop).await, 8);
    let ended = b.get(&format!("/payments/{second_payment}")).await;
    assert!(ended.body.contains("支付未成功，订单已取消"), "{}", ended.body);

    let mut op = Browser::new(&s);
    op.submit("/login", "/login", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)]).await;
    let console = op.get("/operator/payments").await;
    assert_eq!(console.status, 200);
    for id in [&payment_id, &second_payment] {
        assert!(console.body.contains(&id[id.len() - 8..]), "{id} listed");
    }
    assert!(console.body.contains(&format!("sbxw_{}", payment_id.replace('-', ""))), "the provider's reference");
    let failed = op.get("/operator/payments?status=failed").await;
    assert!(failed.body.contains(&second_payment[second_payment.len() - 8..]));
    assert!(!failed.body.contains(&payment_id[payment_id.len() - 8..]));
    assert!(op.get("/operator/payments?review=true").await.body.contains("id=\"no-payments\""));
    assert_eq!(op.get("/operator/payments?status=bogus").await.status, 404);
    assert_eq!(b.get("/operator/payments").await.status, 403, "operators only");
}

/// A refund the wallet takes for later (`REFUND_IN_PROCESS`) ends with its own
/// notification: `notifyRefund` succeeded, or failed and marked for a person.
#[tokio::test]
async fn a_refund_in_process_ends_with_its_notification() {
    let fake = FakeAntom::start().await;
    let s = alipay_server(&fake, 1800).await;
    let shop = shop(&s).await;
    fake.set_refunds_in_process(true);
    let mut refund_ids = Vec::new();
    for (key, succeeded) in [("ali-async-1", true), ("ali-async-2", false)] {
        let placed = wallet_checkout(&s, &shop, "alipay", "desktop", key).await.ok(201).clone();
        let (payment_id, order_id) = ids(&placed);
        fake.pay(&payment_id, &shop.id_number).await;
        s.post(&format!("/api/v1/orders/{order_id}/cancel"), Some(&shop.buyer), &json!({})).await.ok(200);
        let processing = wait_for_payment(&s, &shop, &payment_id, "the refund to be taken", |p| {
            p["refunds"][0]["status"] == "processing"
        })
        .await;
        let refund_id = processing["refunds"][0]["id"].as_str().unwrap().to_string();
        let (status, answer) = fake.finish_refund(&refund_id, succeeded).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(serde_json::from_str::<Value>(&answer).unwrap()["result"]["resultCode"], "SUCCESS");
        let ended = payment(&s, &shop, &payment_id).await;
        let expected = if succeeded { "succeeded" } else { "failed" };
        assert_eq!(ended["refunds"][0]["status"], expected, "{ended:#}");
        if !succeeded {
            assert_eq!(ended["review"], "refund_failed", "a refused refund needs a person");
        }
        refund_ids.push(refund_id);
    }
    assert_eq!(fake.refunds().len(), 2, "each refund sent once: {:?}", fake.refunds());
    assert_ne!(refund_ids[0], refund_ids[1]);
}
