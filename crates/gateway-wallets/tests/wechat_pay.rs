//! Gateway's WeChat Pay client against a fake WeChat Pay that speaks the published
//! global API v3 with its own platform key pair: it refuses a request whose
//! `Authorization` does not verify under Gateway's merchant public key (401
//! `SIGN_ERROR`), and signs every answer and callback with its platform key, which
//! Gateway verifies.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use gateway_wallets::CallError;
use gateway_wallets::wechat_pay::client::WeChatPayClient;
use gateway_wallets::wechat_pay::messages::{
    Amount, CUSTOMS_PATH, CallbackAnswer, DeclarationRequest, DeclaredOrder, H5_PATH, NATIVE_PATH, Notification, Order,
    QUERY_PATH, REFUND_QUERY_PATH, REFUNDS_PATH, RefundAmount, RefundRequest, RefundStatus, SceneInfo, StoreInfo,
    TradeState,
};
use gateway_wallets::wechat_pay::{
    ApiV3Key, MerchantSigner, PlatformHeaders, PlatformVerifier, WeChatPayError, request_message, response_message,
};
use rsa::RsaPrivateKey;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{SignatureEncoding, Signer as _, Verifier as _};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const MCH_ID: &str = "1900000109";
const APP_ID: &str = "wx8888888888888888";
const MERCHANT_SERIAL: &str = "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C";
const PLATFORM_SERIAL: &str = "PUB_KEY_ID_0119000001092026120700000000000001";
const API_V3_KEY: &str = "0123456789abcdef0123456789abcdef";
const NOTIFY_URL: &str = "https://shop.example/api/v1/payments/wechat/notify";

struct Keys {
    merchant: RsaPrivateKey,
    platform: RsaPrivateKey,
    stranger: RsaPrivateKey,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut rng = rsa::rand_core::OsRng;
        let mut key = || RsaPrivateKey::new(&mut rng, 2048).unwrap();
        Keys { merchant: key(), platform: key(), stranger: key() }
    })
}

/// What the fake does besides answering by the protocol.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Mode {
    #[default]
    Honest,
    /// Answers signed with a key that is not the platform's.
    ForgedAnswers,
    /// HTTP 500 `SYSTEM_ERROR`.
    Broken,
    /// Answers after 2 s.
    Slow,
}

#[derive(Clone)]
struct FakeOrder {
    trade_type: String,
    trade_state: &'static str,
    total: i64,
    id: String,
}

#[derive(Default)]
struct Fake {
    mode: Mutex<Mode>,
    /// out_trade_no → the order.
    orders: Mutex<HashMap<String, FakeOrder>>,
    /// out_refund_no → (out_trade_no, refunded, status).
    refunds: Mutex<HashMap<String, (String, i64, &'static str)>>,
    /// out_trade_no → the declaration records.
    declarations: Mutex<HashMap<String, Vec<Value>>>,
}

impl Fake {
    /// The shopper pays, as WeChat would tell the fake.
    fn pay(&self, out_trade_no: &str) {
        self.orders.lock().unwrap().get_mut(out_trade_no).unwrap().trade_state = "SUCCESS";
    }
}

type Shared = Arc<Fake>;

fn now() -> String {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs().to_string()
}

/// The platform's side of the signature scheme.
fn platform_signature(key: &RsaPrivateKey, timestamp: &str, nonce: &str, body: &str) -> String {
    let signature: Signature =
        SigningKey::<Sha256>::new(key.clone()).sign(response_message(timestamp, nonce, body).as_bytes());
    BASE64.encode(signature.to_bytes())
}

fn signed(mode: Mode, status: StatusCode, body: String) -> Response {
    let key = if mode == Mode::ForgedAnswers { &keys().stranger } else { &keys().platform };
    let (timestamp, nonce) = (now(), "593BEC0C930BF1AFEB40B4A08C8FB242");
    let signature = platform_signature(key, &timestamp, nonce, &body);
    let headers = [
        ("wechatpay-timestamp", timestamp),
        ("wechatpay-nonce", nonce.to_string()),
        ("wechatpay-signature", signature),
        ("wechatpay-serial", PLATFORM_SERIAL.to_string()),
        ("content-type", "application/json".to_string()),
    ];
    (status, headers.map(|(k, v)| (k.to_string(), v)), body).into_response()
}

fn refusal(code: &str, message: &str) -> Value {
    json!({"code": code, "message": message})
}

/// Checks `Authorization` as WeChat Pay does: the scheme, the merchant, and the
/// signature over the five lines under the merchant's public key.
fn authorized(method: &Method, path_and_query: &str, headers: &HeaderMap, body: &str) -> bool {
    let Some(header) = headers.get("authorization").and_then(|v| v.to_str().ok()) else { return false };
    let Some(params) = header.strip_prefix("WECHATPAY2-SHA256-RSA2048 ") else { return false };
    let params: HashMap<&str, &str> = params
        .split(',')
        .filter_map(|part| part.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim().trim_matches('"')))
        .collect();
    if params.get("mchid") != Some(&MCH_ID) || params.get("serial_no") != Some(&MERCHANT_SERIAL) {
        return false;
    }
    let (Some(nonce), Some(timestamp), Some(signature)) =
        (params.get("nonce_str"), params.get("timestamp"), params.get("signature"))
    else {
        return false;
    };
    let Ok(bytes) = BASE64.decode(signature) else { return false };
    let Ok(signature) = Signature::try_from(bytes.as_slice()) else { return false };
    let message = request_message(method.as_str(), path_and_query, timestamp, nonce, body);
    VerifyingKey::<Sha256>::new(keys().merchant.to_public_key()).verify(message.as_bytes(), &signature).is_ok()
}

/// A path segment as WeChat Pay reads it: percent-decoded.
fn decoded(segment: &str) -> String {
    let (bytes, mut out, mut i) = (segment.as_bytes(), Vec::new(), 0);
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&segment[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// Every request, routed by method and path as WeChat Pay's gateway would.
async fn handle(State(fake): State<Shared>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let mode = *fake.mode.lock().unwrap();
    match mode {
        Mode::Broken => {
            let body = refusal("SYSTEM_ERROR", "系统错误").to_string();
            return signed(mode, StatusCode::INTERNAL_SERVER_ERROR, body);
        }
        Mode::Slow => tokio::time::sleep(Duration::from_secs(2)).await,
        Mode::Honest | Mode::ForgedAnswers => {}
    }
    let body = String::from_utf8(body.to_vec()).unwrap();
    let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    if !authorized(&method, path_and_query, &headers, &body) {
        return signed(mode, StatusCode::UNAUTHORIZED, refusal("SIGN_ERROR", "签名错误").to_string());
    }
    let (status, answer) = route(&fake, &method, uri.path(), uri.query().unwrap_or(""), &body);
    signed(mode, status, answer.map(|a| a.to_string()).unwrap_or_default())
}

fn route(fake: &Fake, method: &Method, path: &str, query: &str, body: &str) -> (StatusCode, Option<Value>) {
    let request: Value = if body.is_empty() { Value::Null } else { serde_json::from_str(body).unwrap() };
    let bad = |code: StatusCode, c: &str, m: &str| (code, Some(refusal(c, m)));
    if method == Method::POST && request["mchid"] != MCH_ID {
        return bad(StatusCode::BAD_REQUEST, "PARAM_ERROR", "mchid");
    }
    match (method.as_str(), path) {
        ("POST", NATIVE_PATH) | ("POST", H5_PATH) => place(fake, &request),
        ("POST", p) if p.starts_with(QUERY_PATH) && p.ends_with("/close") => {
            let no = decoded(&p[QUERY_PATH.len()..p.len() - "/close".len()]);
            let mut orders = fake.orders.lock().unwrap();
            match orders.get_mut(&no) {
                None => bad(StatusCode::NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在"),
                Some(order) if order.trade_state != "NOTPAY" => {
                    bad(StatusCode::BAD_REQUEST, "ORDERPAID", "该订单已支付")
                }
                Some(order) => {
                    order.trade_state = "CLOSED";
                    (StatusCode::NO_CONTENT, None)
                }
            }
        }
        ("GET", p) if p.starts_with(QUERY_PATH) => {
            if query_param(query, "mchid") != Some(MCH_ID) {
                return bad(StatusCode::BAD_REQUEST, "PARAM_ERROR", "mchid");
            }
            let no = decoded(&p[QUERY_PATH.len()..]);
            match fake.orders.lock().unwrap().get(&no) {
                None => bad(StatusCode::NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在"),
                Some(order) => (StatusCode::OK, Some(transaction(&no, order))),
            }
        }
        ("POST", REFUNDS_PATH) => refund(fake, &request),
        ("GET", p) if p.starts_with(REFUND_QUERY_PATH) => {
            let no = &p[REFUND_QUERY_PATH.len()..];
            match fake.refunds.lock().unwrap().get(no) {
                None => bad(StatusCode::NOT_FOUND, "RESOURCE_NOT_EXISTS", "退款单不存在"),
                Some((trade, refunded, status)) => (StatusCode::OK, Some(refund_answer(no, trade, *refunded, status))),
            }
        }
        ("POST", CUSTOMS_PATH) => declare(fake, &request),
        ("GET", CUSTOMS_PATH) => {
            let no = query_param(query, "order_no").unwrap_or_default();
            if query_param(query, "order_type") != Some("out_trade_no") || query_param(query, "appid") != Some(APP_ID) {
                return bad(StatusCode::BAD_REQUEST, "PARAM_ERROR", "order_type");
            }
            let records = fake.declarations.lock().unwrap().get(no).cloned().unwrap_or_default();
            let answer = json!({
                "appid": APP_ID, "mchid": MCH_ID, "transaction_id": format!("4200-{no}"),
                "verify_department": "OTHERS", "verify_department_trade_id": format!("v-{no}"),
                "offset": 0, "limit": 20, "total_count": records.len(), "data": records,
            });
            (StatusCode::OK, Some(answer))
        }
        _ => bad(StatusCode::NOT_FOUND, "NOT_FOUND", "no such API"),
    }
}

fn place(fake: &Fake, request: &Value) -> (StatusCode, Option<Value>) {
    if request["appid"] != APP_ID || request["amount"]["total"].as_i64().unwrap_or(0) <= 0 {
        return (StatusCode::BAD_REQUEST, Some(refusal("PARAM_ERROR", "appid or amount")));
    }
    let no = request["out_trade_no"].as_str().unwrap().to_string();
    let trade_type = request["trade_type"].as_str().unwrap().to_string();
    if trade_type == "MWEB" && !request["scene_info"]["payer_client_ip"].is_string() {
        return (StatusCode::BAD_REQUEST, Some(refusal("PARAM_ERROR", "scene_info.payer_client_ip")));
    }
    let mut orders = fake.orders.lock().unwrap();
    let order = orders.entry(no.clone()).or_insert_with(|| FakeOrder {
        trade_type: trade_type.clone(),
        trade_state: "NOTPAY",
        total: request["amount"]["total"].as_i64().unwrap(),
        id: format!("4200-{no}"),
    });
    if order.trade_state != "NOTPAY" {
        return (StatusCode::BAD_REQUEST, Some(refusal("ORDERPAID", "该订单已支付")));
    }
    match trade_type.as_str() {
        "NATIVE" => (StatusCode::OK, Some(json!({"code_url": format!("weixin://wxpay/bizpayurl?pr={no}")}))),
        "MWEB" => {
            let url = format!("https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id={no}");
            (StatusCode::OK, Some(json!({"h5_url": url})))
        }
        _ => (StatusCode::BAD_REQUEST, Some(refusal("PARAM_ERROR", "trade_type"))),
    }
}

fn transaction(no: &str, order: &FakeOrder) -> Value {
    json!({
        "mchid": MCH_ID, "appid": APP_ID, "out_trade_no": no, "id": order.id,
        "trade_type": order.trade_type, "trade_state": order.trade_state, "trade_state_desc": "",
        "amount": {"total": order.total, "currency": "CNY", "payer_total": order.total, "payer_currency": "CNY"},
    })
}

fn refund(fake: &Fake, request: &Value) -> (StatusCode, Option<Value>) {
    let trade = request["out_trade_no"].as_str().unwrap().to_string();
    let paid = fake.orders.lock().unwrap().get(&trade).is_some_and(|o| o.trade_state == "SUCCESS");
    if !paid {
        return (StatusCode::BAD_REQUEST, Some(refusal("INVALID_REQUEST", "订单未支付")));
    }
    let no = request["out_refund_no"].as_str().unwrap().to_string();
    let refunded = request["amount"]["refund"].as_i64().unwrap();
    fake.refunds.lock().unwrap().insert(no.clone(), (trade.clone(), refunded, "PROCESSING"));
    fake.orders.lock().unwrap().get_mut(&trade).unwrap().trade_state = "REFUND";
    let mut answer = refund_answer(&no, &trade, refunded, "PROCESSING");
    // The reference's refund answer has no status.
    answer.as_object_mut().unwrap().remove("status");
    (StatusCode::OK, Some(answer))
}

fn refund_answer(no: &str, trade: &str, refunded: i64, status: &str) -> Value {
    json!({
        "id": format!("5030-{no}"), "out_refund_no": no, "transaction_id": format!("4200-{trade}"),
        "out_trade_no": trade, "status": status, "create_time": "2026-12-08T10:00:00+08:00",
        "amount": {"refund": refunded, "currency": "CNY", "payer_refund": refunded, "payer_currency": "CNY"},
    })
}

fn declare(fake: &Fake, request: &Value) -> (StatusCode, Option<Value>) {
    let trade = request["out_trade_no"].as_str().unwrap().to_string();
    let paid = fake.orders.lock().unwrap().get(&trade).is_some_and(|o| o.trade_state == "SUCCESS");
    if !paid || request["appid"] != APP_ID {
        return (StatusCode::BAD_REQUEST, Some(refusal("INVALID_REQUEST", "订单未支付")));
    }
    let record = json!({
        "sub_order_no": request["sub_order_no"], "sub_order_id": format!("sub-{trade}"),
        "mch_customs_no": request["merchant_customs_no"], "customs": request["customs"],
        "fee_type": "CNY", "order_fee": request["order_fee"], "state": "PROCESSING",
        "modify_time": "2026-12-08T10:00:00+08:00",
    });
    fake.declarations.lock().unwrap().entry(trade.clone()).or_default().push(record);
    let answer = json!({
        "appid": APP_ID, "mchid": MCH_ID, "state": "SUBMITTED", "out_trade_no": trade,
        "transaction_id": request["transaction_id"], "sub_order_no": request["sub_order_no"],
        "sub_order_id": format!("sub-{trade}"), "verify_department": "OTHERS",
        "verify_department_trade_id": format!("v-{trade}"),
    });
    (StatusCode::OK, Some(answer))
}

async fn start_fake() -> (String, Shared) {
    let fake: Shared = Arc::default();
    let app = Router::new().fallback(handle).with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, fake)
}

fn client_with(base: &str, merchant_key: &RsaPrivateKey, api_v3_key: &str) -> WeChatPayClient {
    WeChatPayClient::new(
        base,
        MCH_ID,
        APP_ID,
        MerchantSigner::from_key(MCH_ID, MERCHANT_SERIAL, merchant_key.clone()),
        PlatformVerifier::from_key(keys().platform.to_public_key()).with_serial(PLATFORM_SERIAL),
        ApiV3Key::new(api_v3_key).unwrap(),
        Duration::from_millis(500),
    )
    .unwrap()
}

fn client(base: &str) -> WeChatPayClient {
    client_with(base, &keys().merchant, API_V3_KEY)
}

fn order(no: &str) -> Order {
    Order {
        description: "Gateway - order".into(),
        out_trade_no: no.into(),
        notify_url: NOTIFY_URL.into(),
        amount: Amount::cny(15812),
        merchant_category_code: "5311".into(),
        time_expire: None,
        attach: Some(format!("checkout-{no}")),
        scene_info: None,
    }
}

#[tokio::test]
async fn a_native_order_answers_its_code_url_and_a_query_follows_it() {
    let (base, fake) = start_fake().await;
    let wechat = client(&base);
    let code_url = wechat.native(&order("p-1")).await.unwrap();
    assert_eq!(code_url, "weixin://wxpay/bizpayurl?pr=p-1");

    let placed = wechat.query("p-1").await.unwrap();
    assert_eq!((placed.out_trade_no.as_str(), placed.trade_state), ("p-1", TradeState::NotPay));
    fake.pay("p-1");
    let paid = wechat.query("p-1").await.unwrap();
    assert_eq!(paid.trade_state, TradeState::Success);
    assert_eq!(paid.id.as_deref(), Some("4200-p-1"));
    assert_eq!(paid.amount.unwrap().total, 15812);
    assert_eq!(
        wechat.native(&order("p-1")).await,
        Err(CallError::Failed { code: "ORDERPAID".into(), message: "该订单已支付".into() })
    );
    // An id with the characters WeChat Pay allows beyond letters and digits: the path
    // Gateway signs is the one the fake receives.
    wechat.native(&order("p|1*x@y")).await.unwrap();
    assert_eq!(wechat.query("p|1*x@y").await.unwrap().out_trade_no, "p|1*x@y");
    assert_eq!(wechat.close("p|1*x@y").await, Ok(()));
    assert_eq!(
        wechat.query("never-placed").await,
        Err(CallError::Failed { code: "ORDER_NOT_EXIST".into(), message: "订单不存在".into() })
    );
}

#[tokio::test]
async fn an_h5_order_answers_its_h5_url() {
    let (base, _fake) = start_fake().await;
    let wechat = client(&base);
    let scene = SceneInfo {
        payer_client_ip: "203.0.113.7".into(),
        device_id: None,
        store_info: Some(StoreInfo { id: None, name: "Gateway".into(), address: "https://shop.example".into() }),
    };
    let h5 = Order { scene_info: Some(scene), ..order("p-2") };
    let url = wechat.h5(&h5).await.unwrap();
    assert_eq!(url, "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=p-2");
    assert_eq!(wechat.query("p-2").await.unwrap().trade_type.as_deref(), Some("MWEB"));
    // Without the shopper's IP, WeChat Pay refuses it.
    assert!(matches!(wechat.h5(&order("p-3")).await, Err(CallError::Failed { code, .. }) if code == "PARAM_ERROR"));
}

#[tokio::test]
async fn a_request_signed_with_another_key_is_refused() {
    let (base, fake) = start_fake().await;
    let impostor = client_with(&base, &keys().stranger, API_V3_KEY);
    assert_eq!(
        impostor.native(&order("p-4")).await,
        Err(CallError::Failed { code: "SIGN_ERROR".into(), message: "签名错误".into() })
    );
    assert!(matches!(impostor.query("p-4").await, Err(CallError::Failed { code, .. }) if code == "SIGN_ERROR"));
    assert!(fake.orders.lock().unwrap().is_empty(), "a refused request placed nothing");
}

#[tokio::test]
async fn an_unpaid_order_closes_and_a_paid_one_does_not() {
    let (base, fake) = start_fake().await;
    let wechat = client(&base);
    wechat.native(&order("p-5")).await.unwrap();
    assert_eq!(wechat.close("p-5").await, Ok(()));
    assert_eq!(wechat.query("p-5").await.unwrap().trade_state, TradeState::Closed);
    wechat.native(&order("p-6")).await.unwrap();
    fake.pay("p-6");
    assert!(matches!(wechat.close("p-6").await, Err(CallError::Failed { code, .. }) if code == "ORDERPAID"));
}

#[tokio::test]
async fn a_paid_order_is_refunded_and_the_refund_queried() {
    let (base, fake) = start_fake().await;
    let wechat = client(&base);
    wechat.native(&order("p-7")).await.unwrap();
    let request = RefundRequest {
        out_trade_no: "p-7".into(),
        out_refund_no: "r-1".into(),
        amount: RefundAmount { refund: 5000, total: 15812, currency: "CNY".into() },
        reason: Some("out of stock".into()),
        notify_url: Some(NOTIFY_URL.into()),
    };
    // Not paid yet: refused.
    assert!(matches!(wechat.refund(&request).await, Err(CallError::Failed { code, .. }) if code == "INVALID_REQUEST"));
    fake.pay("p-7");
    let accepted = wechat.refund(&request).await.unwrap();
    assert_eq!((accepted.id.as_str(), accepted.out_refund_no.as_str()), ("5030-r-1", "r-1"));
    assert_eq!((accepted.status, accepted.amount.refund), (None, 5000));

    assert_eq!(wechat.query_refund("r-1").await.unwrap().status, Some(RefundStatus::Processing));
    fake.refunds.lock().unwrap().get_mut("r-1").unwrap().2 = "SUCCESS";
    assert_eq!(wechat.query_refund("r-1").await.unwrap().status, Some(RefundStatus::Success));
    assert_eq!(wechat.query("p-7").await.unwrap().trade_state, TradeState::Refund);
    assert!(wechat.query("p-7").await.unwrap().trade_state.is_paid());
}

#[tokio::test]
async fn a_paid_order_is_declared_to_customs_and_the_declaration_queried() {
    let (base, fake) = start_fake().await;
    let wechat = client(&base);
    wechat.native(&order("p-8")).await.unwrap();
    fake.pay("p-8");
    let request = DeclarationRequest {
        out_trade_no: "p-8".into(),
        transaction_id: "4200-p-8".into(),
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
    assert_eq!((declared.state.as_str(), declared.transaction_id.as_str()), ("SUBMITTED", "4200-p-8"));
    assert_eq!(declared.sub_order_id.as_deref(), Some("sub-p-8"));

    let found = wechat.query_declaration(DeclaredOrder::OutTradeNo, "p-8", "ZONGSHU").await.unwrap();
    assert_eq!(found.total_count, Some(1));
    let record = &found.data[0];
    assert_eq!((record.customs.as_str(), record.state.as_str()), ("ZONGSHU", "PROCESSING"));
    assert_eq!(record.mch_customs_no.as_deref(), Some("3301960Z01"));
    assert_eq!(record.sub_order_no.as_deref(), Some("order-1"));
    let unpaid = DeclarationRequest { out_trade_no: "never-paid".into(), ..request };
    assert!(matches!(wechat.declare(&unpaid).await, Err(CallError::Failed { .. })));
}

#[tokio::test]
async fn an_answer_not_signed_by_the_platform_is_an_unknown_outcome() {
    let (base, fake) = start_fake().await;
    *fake.mode.lock().unwrap() = Mode::ForgedAnswers;
    let outcome = client(&base).native(&order("p-9")).await;
    assert!(matches!(&outcome, Err(CallError::Unknown(why)) if why.contains("not WeChat Pay's")), "{outcome:?}");
    // It did reach WeChat Pay: this is why the outcome is unknown rather than failed.
    assert!(fake.orders.lock().unwrap().contains_key("p-9"));
    // A forged refusal is no refusal either.
    let refused = client_with(&base, &keys().stranger, API_V3_KEY).native(&order("p-10")).await;
    assert!(matches!(refused, Err(CallError::Unknown(_))), "{refused:?}");
}

#[tokio::test]
async fn failures_are_classified_by_what_they_allow() {
    let (base, fake) = start_fake().await;
    let wechat = client(&base);
    *fake.mode.lock().unwrap() = Mode::Broken;
    assert_eq!(
        wechat.native(&order("p-11")).await,
        Err(CallError::Unknown("HTTP 500 Internal Server Error: SYSTEM_ERROR".into()))
    );
    *fake.mode.lock().unwrap() = Mode::Slow;
    assert!(matches!(wechat.native(&order("p-12")).await, Err(CallError::Unknown(_))), "a time-out after sending");

    // A port nobody listens on: the request never left.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    assert!(matches!(client(&base).native(&order("p-13")).await, Err(CallError::Retry(_))));
    assert!(matches!(client(&base).query("p-13").await, Err(CallError::Retry(_))));
}

/// A callback as WeChat Pay sends it: `resource` encrypted under `api_v3_key`, the body
/// signed with `platform` at `timestamp`.
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

fn paid_transaction(mchid: &str) -> Value {
    json!({
        "mchid": mchid, "appid": APP_ID, "out_trade_no": "p-14", "id": "4200-p-14", "trade_type": "NATIVE",
        "trade_state": "SUCCESS", "success_time": "2026-12-07T23:01:10+08:00",
        "amount": {"total": 15812, "currency": "CNY", "payer_total": 15812, "payer_currency": "CNY"},
    })
}

#[tokio::test]
async fn a_callback_is_verified_then_decrypted() {
    let wechat = client("http://127.0.0.1:9");
    let body = callback("TRANSACTION.SUCCESS", &paid_transaction(MCH_ID), API_V3_KEY);
    let timestamp = now();
    let signature = platform_signature(&keys().platform, &timestamp, "nonce-1", &body);
    let headers =
        PlatformHeaders { timestamp: &timestamp, nonce: "nonce-1", signature: &signature, serial: PLATFORM_SERIAL };
    let Ok(Notification::Transaction(paid)) = wechat.read_notification(headers, &body) else { panic!("a transaction") };
    assert_eq!((paid.out_trade_no.as_str(), paid.trade_state), ("p-14", TradeState::Success));
    assert_eq!(paid.amount.unwrap().payer_total, Some(15812));

    let refunded = json!({
        "mchid": MCH_ID, "out_trade_no": "p-14", "transaction_id": "4200-p-14", "out_refund_no": "r-2",
        "refund_id": "5030-r-2", "refund_status": "SUCCESS", "success_time": "2026-12-08T10:00:00+08:00",
        "user_received_account": "支付用户零钱", "amount": {"total": 15812, "refund": 15812, "payer_total": 15812, "payer_refund": 15812},
    });
    let body = callback("REFUND.SUCCESS", &refunded, API_V3_KEY);
    let signature = platform_signature(&keys().platform, &timestamp, "nonce-2", &body);
    let headers = PlatformHeaders { nonce: "nonce-2", signature: &signature, ..headers };
    let Ok(Notification::Refund(refund)) = wechat.read_notification(headers, &body) else { panic!("a refund") };
    assert_eq!((refund.out_refund_no.as_str(), refund.refund_status), ("r-2", RefundStatus::Success));

    let answer = CallbackAnswer::received();
    assert_eq!(
        (answer.status(), serde_json::to_value(&answer).unwrap()),
        (200, json!({"code": "SUCCESS", "message": "成功"}))
    );
}

#[tokio::test]
async fn a_callback_with_a_bad_signature_is_refused() {
    let wechat = client("http://127.0.0.1:9");
    let body = callback("TRANSACTION.SUCCESS", &paid_transaction(MCH_ID), API_V3_KEY);
    let timestamp = now();
    let forged = platform_signature(&keys().stranger, &timestamp, "nonce-1", &body);
    let headers =
        PlatformHeaders { timestamp: &timestamp, nonce: "nonce-1", signature: &forged, serial: PLATFORM_SERIAL };
    assert_eq!(wechat.read_notification(headers, &body), Err(WeChatPayError::Mismatch));

    let signature = platform_signature(&keys().platform, &timestamp, "nonce-1", &body);
    let genuine = PlatformHeaders { signature: &signature, ..headers };
    let tampered = body.replace("TRANSACTION.SUCCESS", "REFUND.SUCCESS");
    assert_eq!(wechat.read_notification(genuine, &tampered), Err(WeChatPayError::Mismatch));
    let probe = PlatformHeaders { signature: "WECHATPAY/SIGNTEST/AAAA", ..genuine };
    assert_eq!(wechat.read_notification(probe, &body), Err(WeChatPayError::Mismatch));
    let rotated = PlatformHeaders { serial: "PUB_KEY_ID_OTHER", ..genuine };
    assert_eq!(wechat.read_notification(rotated, &body), Err(WeChatPayError::Serial("PUB_KEY_ID_OTHER".into())));

    // Signed properly, but long ago: a replay.
    let old = (SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() - 600).to_string();
    let replayed_signature = platform_signature(&keys().platform, &old, "nonce-1", &body);
    let replayed = PlatformHeaders { timestamp: &old, signature: &replayed_signature, ..genuine };
    assert_eq!(wechat.read_notification(replayed, &body), Err(WeChatPayError::Stale));
}

#[tokio::test]
async fn a_callback_encrypted_under_another_key_or_for_another_merchant_is_refused() {
    let wechat = client("http://127.0.0.1:9");
    let timestamp = now();
    let read = |body: &str| {
        let signature = platform_signature(&keys().platform, &timestamp, "nonce-1", body);
        let headers =
            PlatformHeaders { timestamp: &timestamp, nonce: "nonce-1", signature: &signature, serial: PLATFORM_SERIAL };
        wechat.read_notification(headers, body)
    };
    let other_key = callback("TRANSACTION.SUCCESS", &paid_transaction(MCH_ID), "fedcba9876543210fedcba9876543210");
    assert_eq!(read(&other_key), Err(WeChatPayError::Decrypt));
    let other_merchant = callback("TRANSACTION.SUCCESS", &paid_transaction("1900000110"), API_V3_KEY);
    assert_eq!(read(&other_merchant), Err(WeChatPayError::OtherMerchant));
    let unknown_event = callback("PROFITSHARING.SUCCESS", &json!({}), API_V3_KEY);
    assert!(matches!(read(&unknown_event), Err(WeChatPayError::Body(why)) if why.contains("PROFITSHARING.SUCCESS")));
}
