//! Gateway's Antom client against the fake Antom (`gateway_wallets::fake::antom`),
//! which speaks the published protocol with its own key pair: it refuses a request
//! whose signature does not verify under Gateway's public key, and signs its answers
//! and notifications with its own key, which Gateway verifies. The notifications go
//! to an inbox that stands for Gateway's notify endpoint.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use gateway_wallets::antom::client::{AntomClient, CallError, NotificationError, SignedHeaders};
use gateway_wallets::antom::messages::{
    ALIPAY_CN, Amount, AntomNotification, Certificate, CustomsInfo, DeclareRequest, Env, MerchantCustomsInfo,
    NotificationAnswer, Order, PayRequest, PaymentMethod, RefundRequest, RefundStatus, ResultInfo, ResultStatus,
    SettlementStrategy, TerminalType, UserName, WalletPaymentStatus,
};
use gateway_wallets::antom::signature::{RequestSigner, ResponseVerifier, SignatureError};
use gateway_wallets::fake::antom::{AntomSession, FakeAntom, FakeMode, SeenDeclaration, SeenRefund};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const NOTIFY_PATH: &str = "/api/v1/payments/alipay/notify";
const REFUND_NOTIFY_PATH: &str = "/api/v1/refunds/alipay/notify";
/// Where notifications go when a test does not read them: nobody listens there.
const NOWHERE: &str = "http://127.0.0.1:9";
const PAYER: &str = "110101199003074477";

fn client_signing_with(fake: &FakeAntom, private_key_pem: &str) -> AntomClient {
    AntomClient::new(
        fake.base_url(),
        RequestSigner::from_pem(fake.client_id(), fake.key_version(), private_key_pem).unwrap(),
        ResponseVerifier::from_pem(&fake.antom_public_key_pem()).unwrap(),
        Duration::from_millis(500),
    )
    .unwrap()
}

/// Gateway, configured as the fake hands out its keys.
fn client(fake: &FakeAntom) -> AntomClient {
    client_signing_with(fake, &fake.gateway_private_key_pem())
}

/// Someone signing with a key that is not Gateway's.
fn impostor(fake: &FakeAntom) -> AntomClient {
    client_signing_with(fake, &fake.stranger_private_key_pem())
}

fn pay_request(id: &str, notify_base: &str) -> PayRequest {
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
        payment_notify_url: format!("{notify_base}{NOTIFY_PATH}"),
        settlement_strategy: SettlementStrategy { settlement_currency: "USD".into() },
        env: Env { terminal_type: TerminalType::Wap },
        payment_expiry_time: "2026-12-08T00:30:00+08:00".into(),
    }
}

/// A notification as it arrived at the inbox.
#[derive(Clone, Debug)]
struct Received {
    path: String,
    client_id: String,
    time: String,
    signature: String,
    body: String,
}

impl Received {
    fn headers(&self) -> SignedHeaders<'_> {
        SignedHeaders { client_id: &self.client_id, time: &self.time, signature: &self.signature }
    }
}

type Mailbox = Arc<Mutex<Vec<Received>>>;

/// Gateway's notify endpoint, as far as Antom can tell: it keeps what arrives and
/// answers as Antom expects once it has read a notification, with a refusal when it
/// cannot.
struct Inbox {
    base: String,
    received: Mailbox,
}

impl Inbox {
    async fn start(fake: &FakeAntom) -> Inbox {
        let received = Mailbox::default();
        let app = Router::new().fallback(receive).with_state((Arc::new(client(fake)), received.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Inbox { base, received }
    }

    fn last(&self) -> Received {
        self.received.lock().unwrap().last().cloned().expect("a notification")
    }

    fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }
}

async fn receive(
    State((reader, received)): State<(Arc<AntomClient>, Mailbox)>,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let arrived = Received {
        path: uri.path().to_string(),
        client_id: header("client-id"),
        time: header("request-time"),
        signature: header("signature"),
        body,
    };
    received.lock().unwrap().push(arrived.clone());
    match reader.read_any_notification(&arrived.path, arrived.headers(), &arrived.body) {
        Ok(_) => (StatusCode::OK, received_answer()),
        Err(e) => (StatusCode::BAD_REQUEST, e.to_string()),
    }
}

fn received_answer() -> String {
    serde_json::to_string(&NotificationAnswer { result: ResultInfo::notification_received() }).unwrap()
}

fn result(code: &str, status: &str, message: &str) -> Value {
    json!({"resultCode": code, "resultStatus": status, "resultMessage": message})
}

#[tokio::test]
async fn a_signed_pay_opens_a_session_and_an_inquiry_follows_it() {
    let fake = FakeAntom::start().await;
    let antom = client(&fake);
    let session = antom.pay(&pay_request("p-1", NOWHERE)).await.unwrap();
    assert!(session.result.is_session_open());
    assert_eq!(session.normal_url.as_deref(), Some("https://fake-antom.example/cashier?paymentRequestId=p-1"));
    assert_eq!(session.order_code_form, None, "a phone is sent to the page, not shown a code");
    // Sent again, the same session, answered the same.
    assert_eq!(antom.pay(&pay_request("p-1", NOWHERE)).await.unwrap(), session);
    assert_eq!(fake.pay_calls(), 2);
    assert_eq!(
        fake.sessions(),
        [AntomSession {
            payment_request_id: "p-1".into(),
            amount_fen: 15812,
            currency: "CNY".into(),
            notify_url: format!("{NOWHERE}{NOTIFY_PATH}"),
            redirect_url: "http://127.0.0.1/checkout/wait".into(),
            terminal_type: "WAP".into(),
            expiry_time: "2026-12-08T00:30:00+08:00".into(),
        }]
    );

    let status = antom.inquire("p-1").await.unwrap();
    assert_eq!(status.payment_status, Some(WalletPaymentStatus::Processing));
    fake.pay_silently("p-1", PAYER);
    let paid = antom.inquire("p-1").await.unwrap();
    assert_eq!(paid.payment_status, Some(WalletPaymentStatus::Success));
    assert_eq!((paid.payment_id.as_deref(), paid.payment_amount), (Some("antom-p-1"), Some(Amount::cny(15812))));
    assert_eq!(
        antom.inquire("never-sent").await,
        Err(CallError::Failed { code: "ORDER_NOT_EXIST".into(), message: "The order does not exist.".into() })
    );
    // The same id with another amount is not the same request.
    let other = PayRequest { payment_amount: Amount::cny(1), ..pay_request("p-1", NOWHERE) };
    assert!(
        matches!(antom.pay(&other).await, Err(CallError::Failed { code, .. }) if code == "REPEAT_REQ_INCONSISTENT")
    );
}

#[tokio::test]
async fn a_desktop_session_has_a_code_to_show() {
    let fake = FakeAntom::start().await;
    let desktop = PayRequest { env: Env { terminal_type: TerminalType::Web }, ..pay_request("p-11", NOWHERE) };
    let session = client(&fake).pay(&desktop).await.unwrap();
    let code = &session.order_code_form.unwrap().code_details[0];
    assert_eq!(code.code_value, "https://qr.alipay.com/fakep-11");
    assert_eq!(fake.sessions()[0].terminal_type, "WEB");
}

#[tokio::test]
async fn antom_refuses_a_request_signed_with_another_key() {
    let fake = FakeAntom::start().await;
    let refused = impostor(&fake).pay(&pay_request("p-2", NOWHERE)).await;
    assert_eq!(
        refused,
        Err(CallError::Failed { code: "INVALID_SIGNATURE".into(), message: "The signature is invalid.".into() })
    );
    assert!(fake.sessions().is_empty(), "a refused request opened nothing");
    assert_eq!((fake.refused_signatures(), fake.pay_calls()), (1, 1));
}

#[tokio::test]
async fn an_answer_not_signed_by_antom_is_an_unknown_outcome() {
    let fake = FakeAntom::start().await;
    fake.set_mode(FakeMode::ForgedAnswers);
    let outcome = client(&fake).pay(&pay_request("p-3", NOWHERE)).await;
    assert!(matches!(&outcome, Err(CallError::Unknown(why)) if why.contains("not Antom's")), "{outcome:?}");
    // It did reach Antom: this is why the outcome is unknown rather than failed.
    assert_eq!(fake.sessions()[0].payment_request_id, "p-3");
}

#[tokio::test]
async fn failures_are_classified_by_what_they_allow() {
    let fake = FakeAntom::start().await;
    let antom = client(&fake);
    fake.set_mode(FakeMode::Broken);
    assert_eq!(
        antom.pay(&pay_request("p-4", NOWHERE)).await,
        Err(CallError::Unknown("HTTP 500 Internal Server Error".into()))
    );
    assert!(fake.sessions().is_empty());
    fake.set_mode(FakeMode::Slow);
    let late = antom.pay(&pay_request("p-5", NOWHERE)).await;
    assert!(matches!(late, Err(CallError::Unknown(_))), "a time-out after sending");
    assert_eq!(fake.sessions()[0].payment_request_id, "p-5", "the session opened all the same");

    // A port nobody listens on: the request never left.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let unreachable = AntomClient::new(
        base,
        RequestSigner::from_pem(fake.client_id(), 1, &fake.gateway_private_key_pem()).unwrap(),
        ResponseVerifier::from_pem(&fake.antom_public_key_pem()).unwrap(),
        Duration::from_millis(500),
    )
    .unwrap();
    assert!(matches!(unreachable.pay(&pay_request("p-6", NOWHERE)).await, Err(CallError::Retry(_))));
}

#[tokio::test]
async fn the_shopper_pays_and_antom_notifies_gateway() {
    let fake = FakeAntom::start().await;
    let inbox = Inbox::start(&fake).await;
    let antom = client(&fake);
    antom.pay(&pay_request("p-12", &inbox.base)).await.unwrap();

    assert_eq!(fake.pay("p-12", PAYER).await, (200, received_answer()));
    let arrived = inbox.last();
    assert_eq!(arrived.path, NOTIFY_PATH);
    let read = antom.read_notification(NOTIFY_PATH, arrived.headers(), &arrived.body).unwrap();
    assert!(read.is_final());
    assert_eq!((read.payment_request_id.as_str(), read.payment_id.as_str()), ("p-12", "antom-p-12"));
    assert_eq!((read.result.result_status, read.payment_amount.minor_units()), (ResultStatus::Succeeded, Some(15812)));
    assert!(read.payment_time.is_some_and(|time| time.ends_with("+08:00")));
    assert_eq!(antom.inquire("p-12").await.unwrap().payment_status, Some(WalletPaymentStatus::Success));

    // Again, as Antom does when it is not sure Gateway got it.
    assert_eq!(fake.renotify("p-12").await, (200, received_answer()));
    assert_eq!(inbox.last().body, arrived.body);
    // Someone else's signature: Gateway refuses it.
    let (status, why) = fake.forge_notification("p-12").await;
    assert_eq!(status, 400, "{why}");
    assert_eq!(inbox.count(), 3);

    // Paid, but the notification is lost: only an inquiry tells.
    antom.pay(&pay_request("p-13", &inbox.base)).await.unwrap();
    fake.pay_silently("p-13", PAYER);
    assert_eq!(inbox.count(), 3);
    assert_eq!(antom.inquire("p-13").await.unwrap().payment_status, Some(WalletPaymentStatus::Success));
}

#[tokio::test]
async fn the_shopper_cancels_and_antom_notifies_a_failure() {
    let fake = FakeAntom::start().await;
    let inbox = Inbox::start(&fake).await;
    let antom = client(&fake);
    antom.pay(&pay_request("p-14", &inbox.base)).await.unwrap();

    assert_eq!(fake.cancel("p-14").await, (200, received_answer()));
    let arrived = inbox.last();
    let read = antom.read_notification(NOTIFY_PATH, arrived.headers(), &arrived.body).unwrap();
    assert!(read.is_final());
    assert_eq!((read.result.result_status, read.result.result_code.as_str()), (ResultStatus::Failed, "USER_CANCELLED"));
    assert_eq!(antom.inquire("p-14").await.unwrap().payment_status, Some(WalletPaymentStatus::Fail));
}

#[tokio::test]
async fn notifications_are_read_only_when_antom_signed_them() {
    let fake = FakeAntom::start().await;
    let inbox = Inbox::start(&fake).await;
    let antom = client(&fake);
    antom.pay(&pay_request("p-7", &inbox.base)).await.unwrap();
    fake.pay("p-7", PAYER).await;
    let arrived = inbox.last();
    let (headers, body) = (arrived.headers(), arrived.body.as_str());
    let read = antom.read_notification(NOTIFY_PATH, headers, body).unwrap();
    assert_eq!((read.payment_request_id.as_str(), read.result.result_status), ("p-7", ResultStatus::Succeeded));

    let tampered = body.replace("15812", "1");
    assert_ne!(tampered, body);
    assert_eq!(
        antom.read_notification(NOTIFY_PATH, headers, &tampered),
        Err(NotificationError::Signature(SignatureError::Mismatch))
    );
    fake.forge_notification("p-7").await;
    let forged = inbox.last();
    assert_eq!(
        antom.read_notification(NOTIFY_PATH, forged.headers(), &forged.body),
        Err(NotificationError::Signature(SignatureError::Mismatch))
    );
    let elsewhere = SignedHeaders { client_id: "another-client", ..headers };
    assert_eq!(antom.read_notification(NOTIFY_PATH, elsewhere, body), Err(NotificationError::OtherClient));
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

/// A payment the shopper paid; Antom's id of it.
async fn paid(fake: &FakeAntom, antom: &AntomClient, id: &str) -> String {
    antom.pay(&pay_request(id, NOWHERE)).await.unwrap();
    fake.pay_silently(id, PAYER);
    antom.inquire(id).await.unwrap().payment_id.unwrap()
}

#[tokio::test]
async fn a_declaration_is_checked_against_the_payer_and_inquired() {
    let fake = FakeAntom::start().await;
    let antom = client(&fake);
    let payment_id = paid(&fake, &antom, "p-8").await;
    assert_eq!(payment_id, "antom-p-8");

    let passed = antom.declare(&declaration("d-1", &payment_id, PAYER)).await.unwrap();
    assert_eq!(passed.identity_check_result.as_deref(), Some("CHECK_PASSED"));
    assert_eq!(passed.customs_payment_id.as_deref(), Some("customs-d-1"));
    let refused = antom.declare(&declaration("d-2", &payment_id, "110101199001011234")).await.unwrap();
    assert_eq!(refused.identity_check_result.as_deref(), Some("CHECK_NOT_PASSED"));
    // Sent again: the same answer, the same declaration.
    assert_eq!(antom.declare(&declaration("d-1", &payment_id, PAYER)).await.unwrap(), passed);

    let ids = ["d-1".to_string(), "d-2".into(), "d-9".into()];
    let records = antom.inquire_declarations(&ids).await.unwrap();
    let verdicts: Vec<_> = records
        .declaration_records
        .iter()
        .map(|r| (r.declaration_request_id.as_str(), r.declaration_request_status.as_deref()))
        .collect();
    assert_eq!(verdicts, [("d-1", Some("SUCCESS")), ("d-2", Some("FAIL"))]);
    assert_eq!(records.declaration_requests_not_found, ["d-9"]);
    assert_eq!(
        fake.declarations()[0],
        SeenDeclaration {
            declaration_request_id: "d-1".into(),
            payment_id: "antom-p-8".into(),
            amount_fen: 15812,
            suborder_id: Some("order-d-1".into()),
            certificate_no: Some(PAYER.into()),
            customs_code: "ZONGSHU".into(),
        }
    );
    assert_eq!(fake.declarations().len(), 2);
    let unpaid = declaration("d-3", "never-paid", PAYER);
    assert!(matches!(antom.declare(&unpaid).await, Err(CallError::Failed { code, .. }) if code == "ORDER_NOT_EXIST"));
}

fn refund_request(id: &str, payment_id: &str, notify_url: Option<String>) -> RefundRequest {
    RefundRequest {
        refund_request_id: id.into(),
        payment_id: payment_id.into(),
        refund_amount: Amount::cny(15812),
        refund_reason: Some("payment_expired".into()),
        refund_notify_url: notify_url,
    }
}

#[tokio::test]
async fn a_refund_of_a_captured_payment_is_taken_once_signed() {
    let fake = FakeAntom::start().await;
    let antom = client(&fake);
    let payment_id = paid(&fake, &antom, "p-9").await;
    let request = refund_request("r-1", &payment_id, None);
    let refunded = antom.refund(&request).await.unwrap();
    assert_eq!(refunded.refund_id.as_deref(), Some("refund-r-1"));
    assert_eq!(refunded.refund_amount, Some(Amount::cny(15812)));
    assert!(!refunded.is_in_process());
    assert_eq!(antom.refund(&request).await.unwrap(), refunded, "a repeat answers the same");
    assert!(
        matches!(impostor(&fake).refund(&request).await, Err(CallError::Failed { code, .. }) if code == "INVALID_SIGNATURE")
    );
    let unknown = RefundRequest { payment_id: "never-paid".into(), ..request.clone() };
    assert!(matches!(antom.refund(&unknown).await, Err(CallError::Failed { code, .. }) if code == "ORDER_NOT_EXIST"));
    let too_much = refund_request("r-2", &payment_id, None);
    assert!(
        matches!(antom.refund(&too_much).await, Err(CallError::Failed { code, .. }) if code == "REFUND_AMOUNT_EXCEED")
    );
    assert_eq!(
        fake.refunds(),
        [SeenRefund { refund_request_id: "r-1".into(), payment_id: "antom-p-9".into(), amount_fen: 15812 }]
    );
    assert_eq!((fake.refund_calls(), fake.refused_signatures()), (5, 1));
}

#[tokio::test]
async fn a_refund_notification_is_read_only_when_antom_signed_it() {
    let fake = FakeAntom::start().await;
    let inbox = Inbox::start(&fake).await;
    let antom = client(&fake);
    let payment_id = paid(&fake, &antom, "p-15").await;
    fake.set_refunds_in_process(true);
    let refund_url = Some(format!("{}{REFUND_NOTIFY_PATH}", inbox.base));
    let accepted = antom.refund(&refund_request("r-2", &payment_id, refund_url)).await.unwrap();
    assert!(accepted.is_in_process());
    assert_eq!(fake.finish_refund("r-2", true).await, (200, received_answer()));
    let arrived = inbox.last();
    assert_eq!(arrived.path, REFUND_NOTIFY_PATH);
    let (headers, body) = (arrived.headers(), arrived.body.as_str());

    let Ok(AntomNotification::Refund(refund)) = antom.read_any_notification(REFUND_NOTIFY_PATH, headers, body) else {
        panic!("a refund notification")
    };
    assert_eq!((refund.refund_request_id.as_str(), refund.refund_status), ("r-2", RefundStatus::Success));
    assert_eq!(refund.refund_id, "refund-r-2");
    assert!(refund.succeeded());
    assert_eq!(refund.refund_amount.minor_units(), Some(15812));
    assert!(refund.refund_time.is_some_and(|time| time.ends_with("+08:00")));
    // The payment reader does not take it for a payment.
    assert!(matches!(antom.read_notification(REFUND_NOTIFY_PATH, headers, body), Err(NotificationError::Body(_))));

    let stranger = RequestSigner::from_pem(fake.client_id(), 1, &fake.stranger_private_key_pem()).unwrap();
    let forged = stranger.signature_header("POST", REFUND_NOTIFY_PATH, &arrived.time, body);
    let forged_headers = SignedHeaders { signature: &forged, ..headers };
    assert_eq!(
        antom.read_any_notification(REFUND_NOTIFY_PATH, forged_headers, body),
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
    let payment_id = paid(&fake, &antom, "p-16").await;
    let payment_url = Some(format!("{}{NOTIFY_PATH}", inbox.base));
    antom.refund(&refund_request("r-3", &payment_id, payment_url)).await.unwrap();
    assert_eq!(fake.finish_refund("r-3", false).await, (200, received_answer()));
    let elsewhere = inbox.last();
    assert_eq!(elsewhere.path, NOTIFY_PATH);
    let Ok(AntomNotification::Refund(failed)) =
        antom.read_any_notification(NOTIFY_PATH, elsewhere.headers(), &elsewhere.body)
    else {
        panic!("a refund notification")
    };
    assert!(!failed.succeeded());
    assert!(antom.read_any_notification(REFUND_NOTIFY_PATH, elsewhere.headers(), &elsewhere.body).is_err());
}

#[tokio::test]
async fn one_notify_path_takes_both_kinds_and_no_other() {
    let fake = FakeAntom::start().await;
    let antom = client(&fake);
    let payment = json!({
        "notifyType": "PAYMENT_RESULT",
        "result": result("SUCCESS", "S", "success"),
        "paymentRequestId": "p-10",
        "paymentId": "antom-p-10",
        "paymentAmount": {"currency": "CNY", "value": "15812"},
    })
    .to_string();
    let refund = json!({
        "notifyType": "REFUND_RESULT",
        "result": result("SUCCESS", "S", "success"),
        "refundStatus": "SUCCESS",
        "refundRequestId": "r-2",
        "refundId": "refund-r-2",
        "refundAmount": {"currency": "CNY", "value": "15812"},
        "refundTime": "2026-12-08T10:00:00+08:00",
    })
    .to_string();
    let read = |body: &str| {
        let signature = fake.sign_as_antom(NOTIFY_PATH, "1765148470000", body);
        let client_id = fake.client_id();
        let headers = SignedHeaders { client_id: &client_id, time: "1765148470000", signature: &signature };
        antom.read_any_notification(NOTIFY_PATH, headers, body)
    };
    assert!(matches!(read(&payment), Ok(AntomNotification::Payment(p)) if p.payment_request_id == "p-10"));
    assert!(matches!(read(&refund), Ok(AntomNotification::Refund(r)) if r.refund_id == "refund-r-2"));
    let other = payment.replace("PAYMENT_RESULT", "OFFLINE_PAYMENT_CODE");
    assert!(matches!(read(&other), Err(NotificationError::Body(why)) if why.contains("OFFLINE_PAYMENT_CODE")));

    // Sent by the fake as Antom sends one, Gateway's inbox refuses it all the same.
    let inbox = Inbox::start(&fake).await;
    let (status, why) = fake.notify_raw(&format!("{}{NOTIFY_PATH}", inbox.base), &other).await;
    assert_eq!(status, 400);
    assert!(why.contains("OFFLINE_PAYMENT_CODE"), "{why}");
}
