//! Gateway's Antom client against a fake Antom that speaks the published protocol with
//! its own key pair: it refuses a request whose signature does not verify under
//! Gateway's public key, and signs its answers and notifications with its own key,
//! which Gateway verifies.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use gateway_wallets::antom::client::{AntomClient, CallError, NotificationError, SignedHeaders};
use gateway_wallets::antom::messages::{
    ALIPAY_CN, Amount, Env, INQUIRY_URI, Order, PAY_URI, PayRequest, PaymentMethod, ResultStatus, SettlementStrategy,
    TerminalType, WalletPaymentStatus,
};
use gateway_wallets::antom::signature::{RequestSigner, ResponseVerifier, SignatureError};
use rsa::RsaPrivateKey;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

const CLIENT_ID: &str = "SANDBOX_5Y0566SG25J004124";
const NOTIFY_PATH: &str = "/api/v1/payments/alipay/notify";

struct Keys {
    gateway: RsaPrivateKey,
    antom: RsaPrivateKey,
    stranger: RsaPrivateKey,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut rng = rsa::rand_core::OsRng;
        let mut key = || RsaPrivateKey::new(&mut rng, 2048).unwrap();
        Keys { gateway: key(), antom: key(), stranger: key() }
    })
}

/// What the fake does besides answering by the protocol.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Mode {
    #[default]
    Honest,
    /// Answers signed with a key that is not Antom's.
    ForgedAnswers,
    /// HTTP 500 with no body.
    Broken,
    /// Answers after 2 s.
    Slow,
}

#[derive(Default)]
struct Fake {
    mode: Mutex<Mode>,
    /// paymentRequestId → status.
    payments: Mutex<HashMap<String, WalletPaymentStatus>>,
}

type Shared = Arc<Fake>;

/// Antom's side of the signature scheme: it verifies with Gateway's public key and
/// signs with its own private key, the same content layout the other way round.
fn antom_signer(mode: Mode) -> RequestSigner {
    let key = if mode == Mode::ForgedAnswers { &keys().stranger } else { &keys().antom };
    RequestSigner::from_key(CLIENT_ID, 1, key.clone())
}

fn signed_answer(mode: Mode, uri: &str, body: Value) -> Response {
    let body = body.to_string();
    let time = "1765148400000";
    let signature = antom_signer(mode).signature_header("POST", uri, time, &body);
    let headers = [("client-id", CLIENT_ID), ("response-time", time), ("signature", signature.as_str())];
    (StatusCode::OK, headers.map(|(k, v)| (k.to_string(), v.to_string())), body).into_response()
}

fn result(code: &str, status: &str, message: &str) -> Value {
    json!({"resultCode": code, "resultStatus": status, "resultMessage": message})
}

/// Checks the request's signature as Antom does; None when it verifies.
fn refused_signature(uri: &str, headers: &HeaderMap, body: &str) -> Option<Value> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    let gateway = ResponseVerifier::from_key(keys().gateway.to_public_key());
    let verified = gateway.verify("POST", uri, header("client-id"), header("request-time"), body, header("signature"));
    verified.err().map(|_| json!({"result": result("INVALID_SIGNATURE", "F", "The signature is invalid.")}))
}

async fn answer(
    fake: &Fake,
    uri: &str,
    headers: &HeaderMap,
    body: &str,
    reply: impl FnOnce(Value) -> Value,
) -> Response {
    let mode = *fake.mode.lock().unwrap();
    match mode {
        Mode::Broken => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Mode::Slow => tokio::time::sleep(Duration::from_secs(2)).await,
        Mode::Honest | Mode::ForgedAnswers => {}
    }
    if let Some(refusal) = refused_signature(uri, headers, body) {
        return signed_answer(mode, uri, refusal);
    }
    let request: Value = serde_json::from_str(body).unwrap();
    signed_answer(mode, uri, reply(request))
}

async fn pay(State(fake): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let body = String::from_utf8(body.to_vec()).unwrap();
    let fake2 = fake.clone();
    answer(&fake, PAY_URI, &headers, &body, move |request| {
        let id = request["paymentRequestId"].as_str().unwrap().to_string();
        fake2.payments.lock().unwrap().insert(id.clone(), WalletPaymentStatus::Processing);
        json!({
            "result": result("PAYMENT_IN_PROCESS", "U", "payment in process"),
            "paymentRequestId": id,
            "paymentId": format!("antom-{id}"),
            "normalUrl": format!("https://fake-antom.example/cashier?paymentRequestId={id}"),
        })
    })
    .await
}

async fn inquire(State(fake): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let body = String::from_utf8(body.to_vec()).unwrap();
    let fake2 = fake.clone();
    answer(&fake, INQUIRY_URI, &headers, &body, move |request| {
        let id = request["paymentRequestId"].as_str().unwrap().to_string();
        match fake2.payments.lock().unwrap().get(&id) {
            Some(status) => json!({
                "result": result("SUCCESS", "S", "success"),
                "paymentStatus": status,
                "paymentId": format!("antom-{id}"),
            }),
            None => json!({"result": result("ORDER_NOT_EXIST", "F", "The order does not exist.")}),
        }
    })
    .await
}

async fn start_fake() -> (String, Shared) {
    let fake: Shared = Arc::default();
    let app = Router::new().route(PAY_URI, post(pay)).route(INQUIRY_URI, post(inquire)).with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, fake)
}

fn client(base: &str, gateway_key: &RsaPrivateKey) -> AntomClient {
    AntomClient::new(
        base,
        RequestSigner::from_key(CLIENT_ID, 1, gateway_key.clone()),
        ResponseVerifier::from_key(keys().antom.to_public_key()),
        Duration::from_millis(500),
    )
    .unwrap()
}

fn pay_request(id: &str) -> PayRequest {
    PayRequest {
        product_code: "CASHIER_PAYMENT".into(),
        payment_request_id: id.into(),
        order: Order {
            reference_order_id: format!("checkout-{id}"),
            order_description: "Gateway".into(),
            order_amount: Amount::cny(15812),
        },
        payment_amount: Amount::cny(15812),
        payment_method: PaymentMethod { payment_method_type: ALIPAY_CN.into() },
        payment_redirect_url: "http://127.0.0.1/checkout/wait".into(),
        payment_notify_url: format!("http://127.0.0.1{NOTIFY_PATH}"),
        settlement_strategy: SettlementStrategy { settlement_currency: "USD".into() },
        env: Env { terminal_type: TerminalType::Wap },
        payment_expiry_time: "2026-12-08T00:30:00+08:00".into(),
    }
}

#[tokio::test]
async fn a_signed_pay_opens_a_session_and_an_inquiry_follows_it() {
    let (base, fake) = start_fake().await;
    let antom = client(&base, &keys().gateway);
    let session = antom.pay(&pay_request("p-1")).await.unwrap();
    assert!(session.result.is_session_open());
    assert_eq!(session.normal_url.as_deref(), Some("https://fake-antom.example/cashier?paymentRequestId=p-1"));

    let status = antom.inquire("p-1").await.unwrap();
    assert_eq!(status.payment_status, Some(WalletPaymentStatus::Processing));
    fake.payments.lock().unwrap().insert("p-1".into(), WalletPaymentStatus::Success);
    assert_eq!(antom.inquire("p-1").await.unwrap().payment_status, Some(WalletPaymentStatus::Success));
    assert_eq!(
        antom.inquire("never-sent").await,
        Err(CallError::Failed { code: "ORDER_NOT_EXIST".into(), message: "The order does not exist.".into() })
    );
}

#[tokio::test]
async fn antom_refuses_a_request_signed_with_another_key() {
    let (base, fake) = start_fake().await;
    let impostor = client(&base, &keys().stranger);
    let refused = impostor.pay(&pay_request("p-2")).await;
    assert_eq!(
        refused,
        Err(CallError::Failed { code: "INVALID_SIGNATURE".into(), message: "The signature is invalid.".into() })
    );
    assert!(fake.payments.lock().unwrap().is_empty(), "a refused request opened nothing");
}

#[tokio::test]
async fn an_answer_not_signed_by_antom_is_an_unknown_outcome() {
    let (base, fake) = start_fake().await;
    *fake.mode.lock().unwrap() = Mode::ForgedAnswers;
    let outcome = client(&base, &keys().gateway).pay(&pay_request("p-3")).await;
    assert!(matches!(&outcome, Err(CallError::Unknown(why)) if why.contains("not Antom's")), "{outcome:?}");
    // It did reach Antom: this is why the outcome is unknown rather than failed.
    assert!(fake.payments.lock().unwrap().contains_key("p-3"));
}

#[tokio::test]
async fn failures_are_classified_by_what_they_allow() {
    let (base, fake) = start_fake().await;
    let antom = client(&base, &keys().gateway);
    *fake.mode.lock().unwrap() = Mode::Broken;
    assert_eq!(antom.pay(&pay_request("p-4")).await, Err(CallError::Unknown("HTTP 500 Internal Server Error".into())));
    *fake.mode.lock().unwrap() = Mode::Slow;
    assert!(matches!(antom.pay(&pay_request("p-5")).await, Err(CallError::Unknown(_))), "a time-out after sending");

    // A port nobody listens on: the request never left.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    assert!(matches!(client(&base, &keys().gateway).pay(&pay_request("p-6")).await, Err(CallError::Retry(_))));
}

/// A `notifyPayment` as the fake Antom would send it, signed with `key`.
fn notification(key: &RsaPrivateKey, body: &str) -> String {
    RequestSigner::from_key(CLIENT_ID, 1, key.clone()).signature_header("POST", NOTIFY_PATH, "1765148470000", body)
}

#[tokio::test]
async fn notifications_are_read_only_when_antom_signed_them() {
    let antom = client("http://127.0.0.1:9", &keys().gateway);
    let body = json!({
        "notifyType": "PAYMENT_RESULT",
        "result": result("SUCCESS", "S", "success"),
        "paymentRequestId": "p-7",
        "paymentId": "antom-p-7",
        "paymentAmount": {"currency": "CNY", "value": "15812"},
    })
    .to_string();
    let signature = notification(&keys().antom, &body);
    let headers = SignedHeaders { client_id: CLIENT_ID, time: "1765148470000", signature: &signature };
    let read = antom.read_notification(NOTIFY_PATH, headers, &body).unwrap();
    assert_eq!((read.payment_request_id.as_str(), read.result.result_status), ("p-7", ResultStatus::Succeeded));

    let tampered = body.replace("15812", "1");
    assert_eq!(
        antom.read_notification(NOTIFY_PATH, headers, &tampered),
        Err(NotificationError::Signature(SignatureError::Mismatch))
    );
    let forged = notification(&keys().stranger, &body);
    let forged_headers = SignedHeaders { signature: &forged, ..headers };
    assert_eq!(
        antom.read_notification(NOTIFY_PATH, forged_headers, &body),
        Err(NotificationError::Signature(SignatureError::Mismatch))
    );
    let elsewhere = SignedHeaders { client_id: "another-client", ..headers };
    assert_eq!(antom.read_notification(NOTIFY_PATH, elsewhere, &body), Err(NotificationError::OtherClient));
}
