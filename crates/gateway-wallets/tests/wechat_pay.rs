//! Gateway's WeChat Pay client against the fake WeChat Pay
//! (`gateway_wallets::fake::wechat_pay`), which speaks the published global API v3
//! with its own platform key pair: it refuses a request whose `Authorization` does not
//! verify under Gateway's merchant public key (401 `SIGN_ERROR`), and signs every
//! answer and callback with its platform key, which Gateway verifies with the
//! platform certificate. The callbacks go to an inbox that stands for Gateway's notify
//! endpoint.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use gateway_wallets::CallError;
use gateway_wallets::fake::wechat_pay::{FakeMode, FakeWeChatPay, SeenDeclaration, SeenRefund, WeChatSession};
use gateway_wallets::wechat_pay::client::WeChatPayClient;
use gateway_wallets::wechat_pay::messages::{
    Amount, CallbackAnswer, DeclarationRequest, DeclaredOrder, Notification, Order, RefundAmount, RefundRequest,
    RefundStatus, SceneInfo, StoreInfo, TradeState,
};
use gateway_wallets::wechat_pay::{ApiV3Key, MerchantSigner, PlatformHeaders, PlatformVerifier, WeChatPayError};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NOTIFY_PATH: &str = "/api/v1/payments/wechat/notify";
/// Where callbacks go when a test does not read them: nobody listens there.
const NOWHERE: &str = "http://127.0.0.1:9";
const PAYER: &str = "110101199003074477";

fn client_with(fake: &FakeWeChatPay, base: &str, merchant_key_pem: &str, api_v3_key: &str) -> WeChatPayClient {
    let platform = PlatformVerifier::from_pem(&fake.platform_cert_pem()).unwrap().with_serial(fake.platform_serial());
    WeChatPayClient::new(
        base,
        fake.mch_id(),
        fake.app_id(),
        MerchantSigner::from_pem(fake.mch_id(), fake.merchant_cert_serial(), merchant_key_pem).unwrap(),
        platform,
        ApiV3Key::new(api_v3_key).unwrap(),
        Duration::from_millis(500),
    )
    .unwrap()
}

/// Gateway, configured as the fake hands out its keys and ids.
fn client(fake: &FakeWeChatPay) -> WeChatPayClient {
    client_with(fake, &fake.base_url(), &fake.merchant_private_key_pem(), &fake.api_v3_key())
}

/// Someone signing with a key that is not the merchant's.
fn impostor(fake: &FakeWeChatPay) -> WeChatPayClient {
    client_with(fake, &fake.base_url(), &fake.stranger_private_key_pem(), &fake.api_v3_key())
}

fn order(no: &str, notify_base: &str) -> Order {
    Order {
        description: "Gateway - order".into(),
        out_trade_no: no.into(),
        notify_url: format!("{notify_base}{NOTIFY_PATH}"),
        amount: Amount::cny(15812),
        merchant_category_code: "5311".into(),
        time_expire: None,
        attach: Some(format!("checkout-{no}")),
        scene_info: None,
    }
}

fn now() -> String {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs().to_string()
}

/// A callback as it arrived at the inbox.
#[derive(Clone, Debug)]
struct Received {
    timestamp: String,
    nonce: String,
    signature: String,
    serial: String,
    body: String,
}

impl Received {
    fn headers(&self) -> PlatformHeaders<'_> {
        PlatformHeaders {
            timestamp: &self.timestamp,
            nonce: &self.nonce,
            signature: &self.signature,
            serial: &self.serial,
        }
    }
}

type Mailbox = Arc<Mutex<Vec<Received>>>;

/// Gateway's notify endpoint, as far as WeChat Pay can tell: it keeps what arrives and
/// answers as WeChat Pay expects, received once it has read a callback, refused when it
/// cannot.
struct Inbox {
    base: String,
    received: Mailbox,
}

impl Inbox {
    async fn start(fake: &FakeWeChatPay) -> Inbox {
        let received = Mailbox::default();
        let app = Router::new().fallback(receive).with_state((Arc::new(client(fake)), received.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Inbox { base, received }
    }

    fn last(&self) -> Received {
        self.received.lock().unwrap().last().cloned().expect("a callback")
    }

    fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }
}

async fn receive(
    State((reader, received)): State<(Arc<WeChatPayClient>, Mailbox)>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let arrived = Received {
        timestamp: header("wechatpay-timestamp"),
        nonce: header("wechatpay-nonce"),
        signature: header("wechatpay-signature"),
        serial: header("wechatpay-serial"),
        body,
    };
    received.lock().unwrap().push(arrived.clone());
    let answer = match reader.read_notification(arrived.headers(), &arrived.body) {
        Ok(_) => CallbackAnswer::received(),
        Err(e) => CallbackAnswer::refused(e.to_string()),
    };
    (StatusCode::from_u16(answer.status()).unwrap(), serde_json::to_string(&answer).unwrap())
}

fn received_answer() -> (u16, String) {
    (200, serde_json::to_string(&CallbackAnswer::received()).unwrap())
}

#[tokio::test]
async fn a_native_order_answers_its_code_url_and_a_query_follows_it() {
    let fake = FakeWeChatPay::start().await;
    let wechat = client(&fake);
    let code_url = wechat.native(&order("p-1", NOWHERE)).await.unwrap();
    assert_eq!(code_url, "weixin://wxpay/bizpayurl?pr=p-1");
    assert_eq!(wechat.native(&order("p-1", NOWHERE)).await.unwrap(), code_url, "placed again, the same order");
    assert_eq!(
        fake.sessions(),
        [WeChatSession {
            out_trade_no: "p-1".into(),
            amount_fen: 15812,
            notify_url: format!("{NOWHERE}{NOTIFY_PATH}"),
            trade_type: "NATIVE".into(),
        }]
    );
    assert_eq!(fake.pay_calls(), 2);

    let placed = wechat.query("p-1").await.unwrap();
    assert_eq!((placed.out_trade_no.as_str(), placed.trade_state), ("p-1", TradeState::NotPay));
    assert_eq!(placed.attach.as_deref(), Some("checkout-p-1"));
    fake.pay_silently("p-1", PAYER);
    let paid = wechat.query("p-1").await.unwrap();
    assert_eq!(paid.trade_state, TradeState::Success);
    assert_eq!(paid.id.as_deref(), Some("4200p-1"));
    assert!(paid.success_time.is_some_and(|time| time.ends_with("+08:00")));
    assert!(paid.payer.and_then(|payer| payer.openid).is_some());
    assert_eq!(paid.amount.unwrap().total, 15812);
    assert_eq!(
        wechat.native(&order("p-1", NOWHERE)).await,
        Err(CallError::Failed { code: "ORDERPAID".into(), message: "该订单已支付".into() })
    );
    // An id with the characters WeChat Pay allows beyond letters and digits: the path
    // Gateway signs is the one the fake receives.
    wechat.native(&order("p|1*x@y", NOWHERE)).await.unwrap();
    assert_eq!(wechat.query("p|1*x@y").await.unwrap().out_trade_no, "p|1*x@y");
    assert_eq!(wechat.close("p|1*x@y").await, Ok(()));
    assert_eq!(
        wechat.query("never-placed").await,
        Err(CallError::Failed { code: "ORDER_NOT_EXIST".into(), message: "订单不存在".into() })
    );
}

#[tokio::test]
async fn an_h5_order_answers_its_h5_url() {
    let fake = FakeWeChatPay::start().await;
    let wechat = client(&fake);
    let scene = SceneInfo {
        payer_client_ip: "203.0.113.7".into(),
        device_id: None,
        store_info: Some(StoreInfo { id: None, name: "Gateway".into(), address: "https://shop.example".into() }),
    };
    let h5 = Order { scene_info: Some(scene), ..order("p-2", NOWHERE) };
    let url = wechat.h5(&h5).await.unwrap();
    assert_eq!(url, "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=p-2");
    assert_eq!(wechat.query("p-2").await.unwrap().trade_type.as_deref(), Some("MWEB"));
    assert_eq!(fake.sessions()[0].trade_type, "MWEB");
    // Without the shopper's IP, WeChat Pay refuses it.
    let refused = wechat.h5(&order("p-3", NOWHERE)).await;
    assert!(matches!(refused, Err(CallError::Failed { code, .. }) if code == "PARAM_ERROR"));
}

#[tokio::test]
async fn a_request_signed_with_another_key_is_refused() {
    let fake = FakeWeChatPay::start().await;
    let impostor = impostor(&fake);
    assert_eq!(
        impostor.native(&order("p-4", NOWHERE)).await,
        Err(CallError::Failed { code: "SIGN_ERROR".into(), message: "签名错误".into() })
    );
    assert!(matches!(impostor.query("p-4").await, Err(CallError::Failed { code, .. }) if code == "SIGN_ERROR"));
    assert!(fake.sessions().is_empty(), "a refused request placed nothing");
    assert_eq!(fake.refused_signatures(), 2);
}

#[tokio::test]
async fn an_unpaid_order_closes_and_a_paid_one_does_not() {
    let fake = FakeWeChatPay::start().await;
    let wechat = client(&fake);
    wechat.native(&order("p-5", NOWHERE)).await.unwrap();
    assert_eq!(wechat.close("p-5").await, Ok(()));
    assert_eq!(wechat.query("p-5").await.unwrap().trade_state, TradeState::Closed);
    wechat.native(&order("p-6", NOWHERE)).await.unwrap();
    fake.pay_silently("p-6", PAYER);
    assert!(matches!(wechat.close("p-6").await, Err(CallError::Failed { code, .. }) if code == "ORDERPAID"));
}

#[tokio::test]
async fn an_order_the_shopper_gave_up_on_closes_at_the_wallet() {
    let fake = FakeWeChatPay::start().await;
    let inbox = Inbox::start(&fake).await;
    let wechat = client(&fake);
    wechat.native(&order("p-15", &inbox.base)).await.unwrap();
    fake.close_at_wallet("p-15");
    assert_eq!(wechat.query("p-15").await.unwrap().trade_state, TradeState::Closed);
    assert_eq!(inbox.count(), 0, "WeChat Pay calls back only a success");
    assert!(
        matches!(wechat.native(&order("p-15", &inbox.base)).await, Err(CallError::Failed { code, .. }) if code == "ORDER_CLOSED")
    );
}

fn refund_request(no: &str, trade: &str, notify_base: &str) -> RefundRequest {
    RefundRequest {
        out_trade_no: trade.into(),
        out_refund_no: no.into(),
        amount: RefundAmount { refund: 5000, total: 15812, currency: "CNY".into() },
        reason: Some("out of stock".into()),
        notify_url: Some(format!("{notify_base}{NOTIFY_PATH}")),
    }
}

#[tokio::test]
async fn a_paid_order_is_refunded_and_the_refund_queried() {
    let fake = FakeWeChatPay::start().await;
    let inbox = Inbox::start(&fake).await;
    let wechat = client(&fake);
    wechat.native(&order("p-7", NOWHERE)).await.unwrap();
    let request = refund_request("r-1", "p-7", &inbox.base);
    // Not paid yet: refused.
    assert!(matches!(wechat.refund(&request).await, Err(CallError::Failed { code, .. }) if code == "INVALID_REQUEST"));
    fake.pay_silently("p-7", PAYER);
    let accepted = wechat.refund(&request).await.unwrap();
    assert_eq!((accepted.id.as_str(), accepted.out_refund_no.as_str()), ("5030-r-1", "r-1"));
    assert_eq!((accepted.status, accepted.amount.refund), (None, 5000));
    assert_eq!(wechat.refund(&request).await.unwrap(), accepted, "a repeat answers the same");
    assert_eq!(
        fake.refunds(),
        [SeenRefund { refund_request_id: "r-1".into(), payment_id: "p-7".into(), amount_fen: 5000 }]
    );
    assert_eq!(fake.refund_calls(), 3);

    assert_eq!(wechat.query_refund("r-1").await.unwrap().status, Some(RefundStatus::Processing));
    assert_eq!(fake.finish_refund("r-1", true).await, received_answer());
    assert_eq!(wechat.query_refund("r-1").await.unwrap().status, Some(RefundStatus::Success));
    assert_eq!(wechat.query("p-7").await.unwrap().trade_state, TradeState::Refund);
    assert!(wechat.query("p-7").await.unwrap().trade_state.is_paid());
    let Ok(Notification::Refund(refund)) = wechat.read_notification(inbox.last().headers(), &inbox.last().body) else {
        panic!("a refund callback")
    };
    assert_eq!((refund.out_refund_no.as_str(), refund.refund_status), ("r-1", RefundStatus::Success));
    // No more than what is left of the order.
    let more = RefundRequest {
        amount: RefundAmount { refund: 15000, total: 15812, currency: "CNY".into() },
        ..refund_request("r-2", "p-7", NOWHERE)
    };
    assert!(matches!(wechat.refund(&more).await, Err(CallError::Failed { code, .. }) if code == "INVALID_REQUEST"));
}

#[tokio::test]
async fn a_paid_order_is_declared_to_customs_and_the_declaration_queried() {
    let fake = FakeWeChatPay::start().await;
    let wechat = client(&fake);
    wechat.native(&order("p-8", NOWHERE)).await.unwrap();
    fake.pay_silently("p-8", PAYER);
    let request = DeclarationRequest {
        out_trade_no: "p-8".into(),
        transaction_id: "4200p-8".into(),
        customs: "ZONGSHU".into(),
        merchant_customs_no: "3301960Z01".into(),
        sub_order_no: Some("order-1".into()),
        fee_type: Some("CNY".into()),
        order_fee: Some(15812),
        transport_fee: Some(0),
        product_fee: Some(15812),
        duty: None,
    };
    let declared = wechat.declare(&request).await.unwrap();
    assert_eq!((declared.state.as_str(), declared.transaction_id.as_str()), ("SUBMITTED", "4200p-8"));
    assert_eq!(declared.sub_order_id.as_deref(), Some("sub-p-8"));

    let found = wechat.query_declaration(DeclaredOrder::OutTradeNo, "p-8", "ZONGSHU").await.unwrap();
    assert_eq!(found.total_count, Some(1));
    let record = &found.data[0];
    assert_eq!((record.customs.as_str(), record.state.as_str()), ("ZONGSHU", "PROCESSING"));
    assert_eq!(record.mch_customs_no.as_deref(), Some("3301960Z01"));
    assert_eq!(record.sub_order_no.as_deref(), Some("order-1"));
    assert_eq!(
        fake.declarations(),
        [SeenDeclaration {
            declaration_request_id: "order-1".into(),
            payment_id: "4200p-8".into(),
            amount_fen: 15812,
            suborder_id: Some("order-1".into()),
            certificate_no: None,
            customs_code: "ZONGSHU".into(),
        }]
    );
    fake.customs_verdict("p-8", true);
    let by_sub_order = wechat.query_declaration(DeclaredOrder::SubOrderNo, "order-1", "ZONGSHU").await.unwrap();
    assert_eq!(by_sub_order.data[0].state, "SUCCESS");
    let unpaid = DeclarationRequest { out_trade_no: "never-paid".into(), ..request };
    assert!(matches!(wechat.declare(&unpaid).await, Err(CallError::Failed { .. })));
}

#[tokio::test]
async fn an_answer_not_signed_by_the_platform_is_an_unknown_outcome() {
    let fake = FakeWeChatPay::start().await;
    fake.set_mode(FakeMode::ForgedAnswers);
    let outcome = client(&fake).native(&order("p-9", NOWHERE)).await;
    assert!(matches!(&outcome, Err(CallError::Unknown(why)) if why.contains("not WeChat Pay's")), "{outcome:?}");
    // It did reach WeChat Pay: this is why the outcome is unknown rather than failed.
    assert_eq!(fake.sessions()[0].out_trade_no, "p-9");
    // A forged refusal is no refusal either.
    let refused = impostor(&fake).native(&order("p-10", NOWHERE)).await;
    assert!(matches!(refused, Err(CallError::Unknown(_))), "{refused:?}");
}

#[tokio::test]
async fn failures_are_classified_by_what_they_allow() {
    let fake = FakeWeChatPay::start().await;
    let wechat = client(&fake);
    fake.set_mode(FakeMode::Broken);
    assert_eq!(
        wechat.native(&order("p-11", NOWHERE)).await,
        Err(CallError::Unknown("HTTP 500 Internal Server Error: SYSTEM_ERROR".into()))
    );
    fake.set_mode(FakeMode::Slow);
    let late = wechat.native(&order("p-12", NOWHERE)).await;
    assert!(matches!(late, Err(CallError::Unknown(_))), "a time-out after sending");
    assert_eq!(fake.sessions()[0].out_trade_no, "p-12", "the order was placed all the same");

    // A port nobody listens on: the request never left.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let unreachable = client_with(&fake, &base, &fake.merchant_private_key_pem(), &fake.api_v3_key());
    assert!(matches!(unreachable.native(&order("p-13", NOWHERE)).await, Err(CallError::Retry(_))));
    assert!(matches!(unreachable.query("p-13").await, Err(CallError::Retry(_))));
}

#[tokio::test]
async fn the_shopper_pays_and_wechat_pay_calls_back() {
    let fake = FakeWeChatPay::start().await;
    let inbox = Inbox::start(&fake).await;
    let wechat = client(&fake);
    wechat.native(&order("p-14", &inbox.base)).await.unwrap();

    assert_eq!(fake.pay("p-14", PAYER).await, received_answer());
    let arrived = inbox.last();
    assert_eq!(arrived.serial, fake.platform_serial());
    let Ok(Notification::Transaction(paid)) = wechat.read_notification(arrived.headers(), &arrived.body) else {
        panic!("a transaction")
    };
    assert_eq!((paid.out_trade_no.as_str(), paid.trade_state), ("p-14", TradeState::Success));
    assert_eq!(paid.amount.unwrap().payer_total, Some(15812));
    assert_eq!(paid.attach.as_deref(), Some("checkout-p-14"));

    // Again, as WeChat Pay does until it is answered.
    assert_eq!(fake.renotify("p-14").await, received_answer());
    // Someone else's signature: Gateway refuses it.
    let (status, why) = fake.forge_notification("p-14").await;
    assert_eq!(status, 500, "{why}");
    assert_eq!(inbox.count(), 3);

    // Paid, but the callback is lost: only a query tells.
    wechat.native(&order("p-16", &inbox.base)).await.unwrap();
    fake.pay_silently("p-16", PAYER);
    assert_eq!(inbox.count(), 3);
    assert_eq!(wechat.query("p-16").await.unwrap().trade_state, TradeState::Success);
}

#[tokio::test]
async fn a_callback_is_verified_then_decrypted() {
    let fake = FakeWeChatPay::start().await;
    let inbox = Inbox::start(&fake).await;
    let wechat = client(&fake);
    wechat.native(&order("p-14", &inbox.base)).await.unwrap();
    fake.pay("p-14", PAYER).await;
    let arrived = inbox.last();
    let Ok(Notification::Transaction(paid)) = wechat.read_notification(arrived.headers(), &arrived.body) else {
        panic!("a transaction")
    };
    assert_eq!((paid.out_trade_no.as_str(), paid.trade_state), ("p-14", TradeState::Success));
    assert_eq!(paid.amount.unwrap().payer_total, Some(15812));

    let full = RefundRequest {
        amount: RefundAmount { refund: 15812, total: 15812, currency: "CNY".into() },
        ..refund_request("r-2", "p-14", &inbox.base)
    };
    wechat.refund(&full).await.unwrap();
    fake.finish_refund("r-2", true).await;
    let arrived = inbox.last();
    let Ok(Notification::Refund(refund)) = wechat.read_notification(arrived.headers(), &arrived.body) else {
        panic!("a refund")
    };
    assert_eq!((refund.out_refund_no.as_str(), refund.refund_status), ("r-2", RefundStatus::Success));
    assert_eq!(refund.amount.unwrap().payer_refund, Some(15812));

    let answer = CallbackAnswer::received();
    assert_eq!(
        (answer.status(), serde_json::to_value(&answer).unwrap()),
        (200, json!({"code": "SUCCESS", "message": "成功"}))
    );
}

#[tokio::test]
async fn a_callback_with_a_bad_signature_is_refused() {
    let fake = FakeWeChatPay::start().await;
    let inbox = Inbox::start(&fake).await;
    let wechat = client(&fake);
    wechat.native(&order("p-14", &inbox.base)).await.unwrap();
    fake.forge_notification("p-14").await;
    let forged = inbox.last();
    assert_eq!(wechat.read_notification(forged.headers(), &forged.body), Err(WeChatPayError::Mismatch));

    fake.pay("p-14", PAYER).await;
    let arrived = inbox.last();
    let (genuine, body) = (arrived.headers(), arrived.body.as_str());
    let tampered = body.replace("TRANSACTION.SUCCESS", "REFUND.SUCCESS");
    assert_ne!(tampered, body);
    assert_eq!(wechat.read_notification(genuine, &tampered), Err(WeChatPayError::Mismatch));
    let probe = PlatformHeaders { signature: "WECHATPAY/SIGNTEST/AAAA", ..genuine };
    assert_eq!(wechat.read_notification(probe, body), Err(WeChatPayError::Mismatch));
    let rotated = PlatformHeaders { serial: "PUB_KEY_ID_OTHER", ..genuine };
    assert_eq!(wechat.read_notification(rotated, body), Err(WeChatPayError::Serial("PUB_KEY_ID_OTHER".into())));

    // Signed properly, but long ago: a replay.
    let old = (SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() - 600).to_string();
    let replayed_signature = fake.platform_signature(&old, genuine.nonce, body);
    let replayed = PlatformHeaders { timestamp: &old, signature: &replayed_signature, ..genuine };
    assert_eq!(wechat.read_notification(replayed, body), Err(WeChatPayError::Stale));
}

/// A callback as WeChat Pay sends it: `resource` encrypted under `api_v3_key`.
fn callback(event_type: &str, resource: &Value, api_v3_key: &str) -> String {
    let key = ApiV3Key::new(api_v3_key).unwrap();
    let original_type = if event_type.starts_with("REFUND") { "refund" } else { "transaction" };
    let ciphertext = key.encrypt(resource.to_string().as_bytes(), "fGWBpXcTkJJb", original_type).unwrap();
    json!({
        "id": "EV-2018022511223320873",
        "create_time": "2026-12-07T23:01:10+08:00",
        "event_type": event_type,
        "resource_type": "encrypt-resource",
        "resource": {
            "algorithm": "AEAD_AES_256_GCM", "ciphertext": ciphertext, "nonce": "fGWBpXcTkJJb",
            "associated_data": original_type, "original_type": original_type,
        },
        "summary": "支付成功",
    })
    .to_string()
}

fn paid_transaction(mchid: &str, app_id: &str) -> Value {
    json!({
        "mchid": mchid, "appid": app_id, "out_trade_no": "p-14", "id": "4200-p-14", "trade_type": "NATIVE",
        "trade_state": "SUCCESS", "success_time": "2026-12-07T23:01:10+08:00",
        "amount": {"total": 15812, "currency": "CNY", "payer_total": 15812, "payer_currency": "CNY"},
    })
}

#[tokio::test]
async fn a_callback_encrypted_under_another_key_or_for_another_merchant_is_refused() {
    let fake = FakeWeChatPay::start().await;
    let wechat = client(&fake);
    let (timestamp, serial) = (now(), fake.platform_serial());
    let read = |body: &str| {
        let signature = fake.platform_signature(&timestamp, "nonce-1", body);
        let headers =
            PlatformHeaders { timestamp: &timestamp, nonce: "nonce-1", signature: &signature, serial: &serial };
        wechat.read_notification(headers, body)
    };
    let ours = paid_transaction(&fake.mch_id(), &fake.app_id());
    assert!(matches!(
        read(&callback("TRANSACTION.SUCCESS", &ours, &fake.api_v3_key())),
        Ok(Notification::Transaction(_))
    ));
    let other_key = callback("TRANSACTION.SUCCESS", &ours, "fedcba9876543210fedcba9876543210");
    assert_eq!(read(&other_key), Err(WeChatPayError::Decrypt));
    let theirs = paid_transaction("1900000110", &fake.app_id());
    let other_merchant = callback("TRANSACTION.SUCCESS", &theirs, &fake.api_v3_key());
    assert_eq!(read(&other_merchant), Err(WeChatPayError::OtherMerchant));
    let unknown_event = callback("PROFITSHARING.SUCCESS", &json!({}), &fake.api_v3_key());
    assert!(matches!(read(&unknown_event), Err(WeChatPayError::Body(why)) if why.contains("PROFITSHARING.SUCCESS")));
}
