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
    ALIPAY_CN, Amount, AntomNotification, Certificate, CustomsInfo, DECLARE_URI, DeclareRequest, Env,
    INQUIRY_DECLARATIONS_URI, INQUIRY_URI, MerchantCustomsInfo, Order, PAY_URI, PayRequest, PaymentMethod, REFUND_URI,
    RefundRequest, RefundStatus, ResultStatus, SettlementStrategy, TerminalType, UserName, WalletPaymentStatus,
};
use gateway_wallets::antom::signature::{RequestSigner, ResponseVerifier, SignatureError};
use rsa::RsaPrivateKey;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

const CLIENT_ID: &str = "SANDBOX_5Y0566SG25J004124";
const NOTIFY_PATH: &str = "/api/v1/payments/alipay/notify";
const REFUND_NOTIFY_PATH: &str = "/api/v1/refunds/alipay/notify";

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
    /// Antom's paymentId → the ID number of the person who paid.
    payers: Mutex<HashMap<String, String>>,
    /// declarationRequestId → (status, result code).
    declarations: Mutex<HashMap<String, (String, String)>>,
    /// refundRequestIds taken, in order.
    refunds: Mutex<Vec<String>>,
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

async fn refund(State(fake): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let body = String::from_utf8(body.to_vec()).unwrap();
    let fake2 = fake.clone();
    answer(&fake, REFUND_URI, &headers, &body, move |request| {
        let payment_id = request["paymentId"].as_str().unwrap();
        if !fake2.payers.lock().unwrap().contains_key(payment_id) {
            return json!({"result": result("ORDER_NOT_EXIST", "F", "The order does not exist.")});
        }
        let id = request["refundRequestId"].as_str().unwrap().to_string();
        fake2.refunds.lock().unwrap().push(id.clone());
        json!({
            "result": result("SUCCESS", "S", "success"),
            "refundRequestId": id,
            "refundId": format!("refund-{id}"),
            "refundAmount": request["refundAmount"],
        })
    })
    .await
}

/// Declares to "customs": the buyer's certificate must be the payer's.
async fn declare(State(fake): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let body = String::from_utf8(body.to_vec()).unwrap();
    let fake2 = fake.clone();
    answer(&fake, DECLARE_URI, &headers, &body, move |request| {
        let payment_id = request["paymentId"].as_str().unwrap();
        let Some(payer) = fake2.payers.lock().unwrap().get(payment_id).cloned() else {
            return json!({"result": result("ORDER_NOT_EXIST", "F", "The order does not exist.")});
        };
        let buyer = request["buyerCertificate"]["certificateNo"].as_str().unwrap_or(&payer).to_string();
        let passed = buyer == payer;
        let id = request["declarationRequestId"].as_str().unwrap().to_string();
        let verdict = if passed { ("SUCCESSFUL", "SUCCESS") } else { ("FAILED", "BUYER_PAYER_MISMATCH") };
        fake2.declarations.lock().unwrap().insert(id.clone(), (verdict.0.into(), verdict.1.into()));
        json!({
            "result": result("SUCCESS", "S", "success"),
            "customsPaymentId": format!("customs-{id}"),
            "customsOrderId": request["suborderId"],
            "identityCheckResult": if passed { "CHECK_PASSED" } else { "CHECK_NOT_PASSED" },
        })
    })
    .await
}

async fn inquire_declarations(State(fake): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let body = String::from_utf8(body.to_vec()).unwrap();
    let fake2 = fake.clone();
    answer(&fake, INQUIRY_DECLARATIONS_URI, &headers, &body, move |request| {
        let declarations = fake2.declarations.lock().unwrap();
        let (mut records, mut missing) = (Vec::new(), Vec::new());
        for id in request["declarationRequestIds"].as_array().unwrap() {
            let id = id.as_str().unwrap();
            match declarations.get(id) {
                Some((status, code)) => records.push(json!({
                    "declarationRequestId": id,
                    "customsPaymentId": format!("customs-{id}"),
                    "declarationRequestStatus": status,
                    "customsDeclarationResultCode": code,
                })),
                None => missing.push(id.to_string()),
            }
        }
        json!({
            "result": result("SUCCESS", "S", "success"),
            "declarationRecords": records,
            "declarationRequestsNotFound": missing,
        })
    })
    .await
}

async fn start_fake() -> (String, Shared) {
    let fake: Shared = Arc::default();
    let app = Router::new()
        .route(PAY_URI, post(pay))
        .route(INQUIRY_URI, post(inquire))
        .route(REFUND_URI, post(refund))
        .route(DECLARE_URI, post(declare))
        .route(INQUIRY_DECLARATIONS_URI, post(inquire_declarations))
        .with_state(fake.clone());
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
    signed_notification(key, NOTIFY_PATH, body)
}

/// A notification sent to `path`, signed with `key`.
fn signed_notification(key: &RsaPrivateKey, path: &str, body: &str) -> String {
    RequestSigner::from_key(CLIENT_ID, 1, key.clone()).signature_header("POST", path, "1765148470000", body)
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

fn declaration(id: &str, payment_id: &str, id_number: &str) -> DeclareRequest {
    DeclareRequest {
        declaration_request_id: id.into(),
        payment_id: payment_id.into(),
        declaration_amount: Amount::cny(15812),
        customs: CustomsInfo { customs_code: "ZONGSHU".into(), region: "CN".into() },
        merchant_customs_info: MerchantCustomsInfo {
            merchant_customs_code: "3301960Z01".into(),
            merchant_customs_name: "Gateway".into(),
        },
        split_order: true,
        suborder_id: Some(format!("order-{id}")),
        buyer_certificate: Some(Certificate {
            certificate_type: "ID_CARD".into(),
            certificate_no: id_number.into(),
            holder_name: UserName { full_name: "王小明".into() },
        }),
    }
}

#[tokio::test]
async fn a_declaration_is_checked_against_the_payer_and_inquired() {
    let (base, fake) = start_fake().await;
    let antom = client(&base, &keys().gateway);
    fake.payers.lock().unwrap().insert("antom-p-8".into(), "110101199003074477".into());

    let passed = antom.declare(&declaration("d-1", "antom-p-8", "110101199003074477")).await.unwrap();
    assert_eq!(passed.identity_check_result.as_deref(), Some("CHECK_PASSED"));
    assert_eq!(passed.customs_payment_id.as_deref(), Some("customs-d-1"));
    let refused = antom.declare(&declaration("d-2", "antom-p-8", "110101199001011234")).await.unwrap();
    assert_eq!(refused.identity_check_result.as_deref(), Some("CHECK_NOT_PASSED"));

    let ids = ["d-1".to_string(), "d-2".into(), "d-9".into()];
    let records = antom.inquire_declarations(&ids).await.unwrap();
    let verdicts: Vec<_> = records
        .declaration_records
        .iter()
        .map(|r| (r.declaration_request_id.as_str(), r.declaration_request_status.as_deref()))
        .collect();
    assert_eq!(verdicts, [("d-1", Some("SUCCESSFUL")), ("d-2", Some("FAILED"))]);
    assert_eq!(records.declaration_requests_not_found, ["d-9"]);
}

#[tokio::test]
async fn a_refund_of_a_captured_payment_is_taken_once_signed() {
    let (base, fake) = start_fake().await;
    fake.payers.lock().unwrap().insert("antom-p-9".into(), "110101199003074477".into());
    let request = RefundRequest {
        refund_request_id: "r-1".into(),
        payment_id: "antom-p-9".into(),
        refund_amount: Amount::cny(15812),
        refund_reason: Some("payment_expired".into()),
        refund_notify_url: None,
    };
    let refunded = client(&base, &keys().gateway).refund(&request).await.unwrap();
    assert_eq!(refunded.refund_id.as_deref(), Some("refund-r-1"));
    assert_eq!(refunded.refund_amount, Some(Amount::cny(15812)));
    assert!(
        matches!(client(&base, &keys().stranger).refund(&request).await, Err(CallError::Failed { code, .. }) if code == "INVALID_SIGNATURE")
    );
    let unknown = RefundRequest { payment_id: "never-paid".into(), ..request };
    assert!(
        matches!(client(&base, &keys().gateway).refund(&unknown).await, Err(CallError::Failed { code, .. }) if code == "ORDER_NOT_EXIST")
    );
    assert_eq!(*fake.refunds.lock().unwrap(), ["r-1"]);
}

fn refund_notification_body() -> String {
    json!({
        "notifyType": "REFUND_RESULT",
        "result": result("SUCCESS", "S", "success"),
        "refundStatus": "SUCCESS",
        "refundRequestId": "r-2",
        "refundId": "refund-r-2",
        "refundAmount": {"currency": "CNY", "value": "15812"},
        "refundTime": "2026-12-08T10:00:00+08:00",
    })
    .to_string()
}

#[tokio::test]
async fn a_refund_notification_is_read_only_when_antom_signed_it() {
    let antom = client("http://127.0.0.1:9", &keys().gateway);
    let body = refund_notification_body();
    let signature = signed_notification(&keys().antom, REFUND_NOTIFY_PATH, &body);
    let headers = SignedHeaders { client_id: CLIENT_ID, time: "1765148470000", signature: &signature };

    let Ok(AntomNotification::Refund(refund)) = antom.read_any_notification(REFUND_NOTIFY_PATH, headers, &body) else {
        panic!("a refund notification")
    };
    assert_eq!((refund.refund_request_id.as_str(), refund.refund_status), ("r-2", RefundStatus::Success));
    assert!(refund.succeeded());
    assert_eq!(refund.refund_amount.minor_units(), Some(15812));
    assert_eq!(refund.refund_time.as_deref(), Some("2026-12-08T10:00:00+08:00"));
    // The payment reader does not take it for a payment.
    assert!(matches!(antom.read_notification(REFUND_NOTIFY_PATH, headers, &body), Err(NotificationError::Body(_))));

    let forged = signed_notification(&keys().stranger, REFUND_NOTIFY_PATH, &body);
    let forged_headers = SignedHeaders { signature: &forged, ..headers };
    assert_eq!(
        antom.read_any_notification(REFUND_NOTIFY_PATH, forged_headers, &body),
        Err(NotificationError::Signature(SignatureError::Mismatch))
    );
    let failed = body.replace("\"refundStatus\":\"SUCCESS\"", "\"refundStatus\":\"FAIL\"");
    assert_ne!(failed, body);
    assert_eq!(
        antom.read_any_notification(REFUND_NOTIFY_PATH, headers, &failed),
        Err(NotificationError::Signature(SignatureError::Mismatch)),
        "a status changed after signing"
    );
    // Signed for the payment path, presented at the refund path.
    let elsewhere = signed_notification(&keys().antom, NOTIFY_PATH, &body);
    let elsewhere_headers = SignedHeaders { signature: &elsewhere, ..headers };
    assert!(antom.read_any_notification(REFUND_NOTIFY_PATH, elsewhere_headers, &body).is_err());
}

#[tokio::test]
async fn one_notify_path_takes_both_kinds_and_no_other() {
    let antom = client("http://127.0.0.1:9", &keys().gateway);
    let payment = json!({
        "notifyType": "PAYMENT_RESULT",
        "result": result("SUCCESS", "S", "success"),
        "paymentRequestId": "p-10",
        "paymentId": "antom-p-10",
        "paymentAmount": {"currency": "CNY", "value": "15812"},
    })
    .to_string();
    let read = |body: &str| {
        let signature = notification(&keys().antom, body);
        let headers = SignedHeaders { client_id: CLIENT_ID, time: "1765148470000", signature: &signature };
        antom.read_any_notification(NOTIFY_PATH, headers, body)
    };
    assert!(matches!(read(&payment), Ok(AntomNotification::Payment(p)) if p.payment_request_id == "p-10"));
    assert!(
        matches!(read(&refund_notification_body()), Ok(AntomNotification::Refund(r)) if r.refund_id == "refund-r-2")
    );
    let other = payment.replace("PAYMENT_RESULT", "OFFLINE_PAYMENT_CODE");
    assert!(matches!(read(&other), Err(NotificationError::Body(why)) if why.contains("OFFLINE_PAYMENT_CODE")));
}
