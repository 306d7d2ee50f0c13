//! A fake Antom: Cashier Payment with Alipay (`ALIPAY_CN`), for the calls Gateway makes
//! (`pay`, `inquiryPayment`, `refund`, `declare`, `inquiryDeclarationRequests`) and
//! the notifications Antom sends (`notifyPayment`, `notifyRefund`).
//!
//! Every call is verified under Gateway's public key over
//! `POST <uri>\n<client-id>.<request-time>.<body>`. One that does not verify is
//! answered `F` `INVALID_SIGNATURE`, signed, with HTTP 200, as Antom gives every result
//! in the body (its own SDKs take any other status for a failure of the transport, and
//! Gateway's client takes it for an unknown outcome), and counted. Every answer and
//! every notification is signed with Antom's key.
//!
//! Ids are the fake's own, readable in a test's output: a payment `p-1` is Antom's
//! `antom-p-1`, a refund `r-1` is `refund-r-1`, a declaration `d-1` is customs'
//! `customs-d-1`.

pub use super::{FakeMode, SeenDeclaration, SeenRefund};

use super::{
    KeyPair, SLOW_ANSWER, beijing_now, deliver, http_client, keys, lock, now_millis, path_and_query, percent_encode,
    serve,
};
use crate::antom::messages::{DECLARE_URI, INQUIRY_DECLARATIONS_URI, INQUIRY_URI, PAY_URI, REFUND_URI};
use crate::antom::signature::{RequestSigner, ResponseVerifier};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The client id Antom gives the merchant.
const CLIENT_ID: &str = "FAKE_5Y0566SG25J004124";

/// The version of each key, as Antom Dashboard numbers them.
const KEY_VERSION: u32 = 1;

/// The fake Antom: a server on 127.0.0.1 and what it was asked. Clones share it.
///
/// The methods that play the shopper or Antom panic when the fake has no such session
/// or refund, or cannot get there from where it stands (a cancelled payment cannot be
/// paid, a refund answered `S` does not end later): the test asking is wrong.
#[derive(Clone)]
pub struct FakeAntom {
    base_url: String,
    shared: Arc<Shared>,
}

/// A payment session, as `pay` opened it: once per `paymentRequestId`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AntomSession {
    pub payment_request_id: String,
    pub amount_fen: i64,
    pub currency: String,
    pub notify_url: String,
    pub redirect_url: String,
    /// `WEB` (a desktop: a QR code) or `WAP` (a phone's browser: a redirect).
    pub terminal_type: String,
    pub expiry_time: String,
}

struct Shared {
    gateway_key: &'static KeyPair,
    antom_key: &'static KeyPair,
    stranger_key: &'static KeyPair,
    /// Antom's signature on its answers and notifications.
    antom: RequestSigner,
    /// A signature that is not Antom's, on forgeries.
    stranger: RequestSigner,
    /// Gateway's public key, which every call must verify under.
    gateway: ResponseVerifier,
    mode: Mutex<FakeMode>,
    book: Mutex<Book>,
    pay_calls: AtomicUsize,
    refund_calls: AtomicUsize,
    refused: AtomicUsize,
    refunds_in_process: AtomicBool,
    http: reqwest::Client,
}

/// Everything Antom was asked, in the order it was asked.
#[derive(Default)]
struct Book {
    payments: Vec<Payment>,
    refunds: Vec<Refund>,
    declarations: Vec<Declaration>,
}

struct Payment {
    session: AntomSession,
    payment_id: String,
    create_time: String,
    /// What `pay` answered, answered again to a repeat.
    answer: Value,
    outcome: Outcome,
}

/// Where a payment stands at the wallet.
#[derive(Clone)]
enum Outcome {
    Processing,
    /// The shopper paid; customs checks the buyer against this ID number.
    Paid {
        payer_id_number: String,
        time: String,
    },
    /// The shopper cancelled at the wallet.
    Cancelled {
        time: String,
    },
}

struct Refund {
    seen: SeenRefund,
    refund_id: String,
    notify_url: Option<String>,
    state: RefundState,
    /// What `refund` answered, answered again to a repeat.
    answer: Value,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RefundState {
    InProcess,
    Succeeded,
    Failed,
}

struct Declaration {
    seen: SeenDeclaration,
    /// Whether the buyer's certificate is the payer's; `None` without a certificate.
    identity_passed: Option<bool>,
    answer: Value,
    return_time: String,
}

impl FakeAntom {
    /// Starts the fake on a port of its own on 127.0.0.1, with Antom's key pair and one
    /// for Gateway.
    pub async fn start() -> FakeAntom {
        let keys = keys().await;
        let shared = Arc::new(Shared {
            gateway_key: &keys.gateway,
            antom_key: &keys.provider,
            stranger_key: &keys.stranger,
            antom: RequestSigner::from_key(CLIENT_ID, KEY_VERSION, keys.provider.private.clone()),
            stranger: RequestSigner::from_key(CLIENT_ID, KEY_VERSION, keys.stranger.private.clone()),
            gateway: ResponseVerifier::from_key(keys.gateway.private.to_public_key()),
            mode: Mutex::default(),
            book: Mutex::default(),
            pay_calls: AtomicUsize::new(0),
            refund_calls: AtomicUsize::new(0),
            refused: AtomicUsize::new(0),
            refunds_in_process: AtomicBool::new(false),
            http: http_client(),
        });
        let router = Router::new().fallback(handle).with_state(shared.clone());
        FakeAntom { base_url: serve(router).await, shared }
    }

    /// `http://127.0.0.1:PORT`: `GATEWAY_ANTOM_BASE_URL`.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// `GATEWAY_ANTOM_CLIENT_ID`.
    pub fn client_id(&self) -> String {
        CLIENT_ID.to_string()
    }

    /// The version of Gateway's key, which the `signature` header names.
    pub fn key_version(&self) -> u32 {
        KEY_VERSION
    }

    /// Gateway's private key, PKCS #8 PEM: what `GATEWAY_ANTOM_PRIVATE_KEY_FILE` holds.
    /// The fake verifies every call with its public half.
    pub fn gateway_private_key_pem(&self) -> String {
        self.shared.gateway_key.private_pem.clone()
    }

    /// Antom's public key, SPKI PEM: what `GATEWAY_ANTOM_PUBLIC_KEY_FILE` holds.
    pub fn antom_public_key_pem(&self) -> String {
        self.shared.antom_key.public_pem.clone()
    }

    /// A private key that is neither Gateway's nor Antom's, PKCS #8 PEM: what an
    /// impostor signs with.
    pub fn stranger_private_key_pem(&self) -> String {
        self.shared.stranger_key.private_pem.clone()
    }

    pub fn set_mode(&self, mode: FakeMode) {
        *lock(&self.shared.mode) = mode;
    }

    /// Every distinct `pay` taken, in order. A repeated `paymentRequestId` is the same
    /// session, answered the same.
    pub fn sessions(&self) -> Vec<AntomSession> {
        lock(&self.shared.book).payments.iter().map(|p| p.session.clone()).collect()
    }

    /// `pay` requests received, repeats and refused ones included.
    pub fn pay_calls(&self) -> usize {
        self.shared.pay_calls.load(Ordering::SeqCst)
    }

    /// The shopper pays: the payment succeeds with Antom's `paymentId` and the payer's
    /// ID number recorded, then the fake sends a signed `notifyPayment`
    /// (`PAYMENT_RESULT`, `S`) to the session's notify URL and answers Gateway's
    /// answer to it (status 0 when it was not delivered).
    pub async fn pay(&self, payment_request_id: &str, payer_id_number: &str) -> (u16, String) {
        self.pay_silently(payment_request_id, payer_id_number);
        self.renotify(payment_request_id).await
    }

    /// The shopper pays but the notification is lost: only an inquiry learns it.
    pub fn pay_silently(&self, payment_request_id: &str, payer_id_number: &str) {
        let paid = Outcome::Paid { payer_id_number: payer_id_number.to_string(), time: beijing_now() };
        self.shared.settle(payment_request_id, paid);
    }

    /// The shopper cancels at the wallet: the payment fails, and a `notifyPayment`
    /// with result `F` (`USER_CANCELLED`) is sent.
    pub async fn cancel(&self, payment_request_id: &str) -> (u16, String) {
        self.shared.settle(payment_request_id, Outcome::Cancelled { time: beijing_now() });
        self.renotify(payment_request_id).await
    }

    /// Sends the notification of the payment's current result again: a duplicate, or
    /// one that comes late.
    pub async fn renotify(&self, payment_request_id: &str) -> (u16, String) {
        let (url, body) = self.shared.notification(payment_request_id);
        self.shared.notify(&url, &body, &self.shared.antom).await
    }

    /// Sends a `notifyPayment` that says the payment succeeded, signed with a key that
    /// is not Antom's. The fake's state does not change.
    pub async fn forge_notification(&self, payment_request_id: &str) -> (u16, String) {
        let (url, body) = self.shared.forged_notification(payment_request_id);
        self.shared.notify(&url, &body, &self.shared.stranger).await
    }

    /// Sends `body` to `url` as Antom sends a notification, signed with Antom's key:
    /// for a notification the other methods do not make.
    pub async fn notify_raw(&self, url: &str, body: &str) -> (u16, String) {
        self.shared.send(url, body.to_string(), &self.shared.antom).await
    }

    /// Antom's `signature` header on a message about `uri` at `time` (milliseconds)
    /// with `body`: what a test needs to build a notification of its own.
    pub fn sign_as_antom(&self, uri: &str, time: &str, body: &str) -> String {
        self.shared.antom.signature_header("POST", uri, time, body)
    }

    /// Every distinct `refundRequestId` taken, in order: a repeat answers the same and
    /// is not counted twice.
    pub fn refunds(&self) -> Vec<SeenRefund> {
        lock(&self.shared.book).refunds.iter().map(|r| r.seen.clone()).collect()
    }

    /// `refund` requests received, repeats and refused ones included.
    pub fn refund_calls(&self) -> usize {
        self.shared.refund_calls.load(Ordering::SeqCst)
    }

    /// From now on, a refund is answered `U` `REFUND_IN_PROCESS` (accepted, its result
    /// to come in `notifyRefund`) instead of `S`, until [`FakeAntom::finish_refund`].
    pub fn set_refunds_in_process(&self, in_process: bool) {
        self.shared.refunds_in_process.store(in_process, Ordering::SeqCst);
    }

    /// Ends a refund answered `REFUND_IN_PROCESS`, succeeded or failed, and sends its
    /// `notifyRefund` to the refund's notify URL (the payment's when it gave none);
    /// answers Gateway's answer to it.
    pub async fn finish_refund(&self, refund_request_id: &str, succeeded: bool) -> (u16, String) {
        let (url, body) = self.shared.finish_refund(refund_request_id, succeeded);
        self.shared.notify(&url, &body, &self.shared.antom).await
    }

    /// Every distinct `declarationRequestId` taken, in order. `declare` answers
    /// `identityCheckResult` `CHECK_NOT_PASSED` when the certificate's number is not
    /// the payer's ID number recorded at pay (`CHECK_PASSED` when it is), with
    /// `customsPaymentId` set; `inquiryDeclarationRequests` answers
    /// `declarationRequestStatus` `SUCCESS` for those passed and `FAIL` for the others.
    pub fn declarations(&self) -> Vec<SeenDeclaration> {
        lock(&self.shared.book).declarations.iter().map(|d| d.seen.clone()).collect()
    }

    /// Calls refused because their signature did not verify under Gateway's key.
    pub fn refused_signatures(&self) -> usize {
        self.shared.refused.load(Ordering::SeqCst)
    }
}

/// Every call, as Antom's gateway takes it: `POST` only, verified before it is read.
async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let uri = uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
    shared.count(&uri);
    if method != Method::POST {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let mode = *lock(&shared.mode);
    if mode == FakeMode::Broken {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let body = String::from_utf8_lossy(&body);
    let answer = if shared.verifies(&uri, &headers, &body) {
        shared.answer(&uri, &body)
    } else {
        shared.refused.fetch_add(1, Ordering::SeqCst);
        failure("INVALID_SIGNATURE", "The signature is invalid.")
    };
    if mode == FakeMode::Slow {
        tokio::time::sleep(SLOW_ANSWER).await;
    }
    shared.signed_answer(mode, &uri, &answer)
}

impl Shared {
    fn count(&self, uri: &str) {
        match uri {
            PAY_URI => self.pay_calls.fetch_add(1, Ordering::SeqCst),
            REFUND_URI => self.refund_calls.fetch_add(1, Ordering::SeqCst),
            _ => 0,
        };
    }

    /// Whether the call is signed with Gateway's key, for this client id, over this
    /// URI, time and body.
    fn verifies(&self, uri: &str, headers: &HeaderMap, body: &str) -> bool {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
        header("client-id") == CLIENT_ID
            && self.gateway.verify("POST", uri, CLIENT_ID, header("request-time"), body, header("signature")).is_ok()
    }

    fn answer(&self, uri: &str, body: &str) -> Value {
        let Ok(request) = serde_json::from_str::<Value>(body) else {
            return failure("PARAM_ILLEGAL", "The request body is not JSON.");
        };
        let answered = match uri {
            PAY_URI => self.open(&request),
            INQUIRY_URI => self.inquire(&request),
            REFUND_URI => self.refund(&request),
            DECLARE_URI => self.declare(&request),
            INQUIRY_DECLARATIONS_URI => self.inquire_declarations(&request),
            _ => Err(failure("NO_INTERFACE_DEF", "API is not defined.")),
        };
        let (Ok(answer) | Err(answer)) = answered;
        answer
    }

    /// Signed with Antom's key, or with the stranger's when answers are forged.
    fn signed_answer(&self, mode: FakeMode, uri: &str, answer: &Value) -> Response {
        let signer = if mode == FakeMode::ForgedAnswers { &self.stranger } else { &self.antom };
        let body = answer.to_string();
        let time = now_millis().to_string();
        let signature = signer.signature_header("POST", uri, &time, &body);
        let headers = [
            ("content-type", "application/json; charset=UTF-8".to_string()),
            ("client-id", CLIENT_ID.to_string()),
            ("response-time", time),
            ("signature", signature),
        ];
        (StatusCode::OK, headers, body).into_response()
    }

    /// `pay`: opens the session, or answers a repeat as the first time.
    fn open(&self, request: &Value) -> Result<Value, Value> {
        let session = session(request)?;
        let mut book = lock(&self.book);
        if let Some(payment) = book.payment(&session.payment_request_id) {
            if payment.session.amount_fen != session.amount_fen || payment.session.currency != session.currency {
                return Err(failure("REPEAT_REQ_INCONSISTENT", "The request is inconsistent with the previous one."));
            }
            return Ok(payment.answer.clone());
        }
        let id = session.payment_request_id.clone();
        let (payment_id, create_time) = (format!("antom-{id}"), beijing_now());
        let mut answer = json!({
            "result": result("PAYMENT_IN_PROCESS", "U", "payment in process"),
            "paymentRequestId": id,
            "paymentId": payment_id,
            "paymentAmount": amount(session.amount_fen),
            "paymentCreateTime": create_time,
            "normalUrl": format!("https://fake-antom.example/cashier?paymentRequestId={}", percent_encode(&id)),
        });
        // A desktop shows the wallet's QR code; a phone is sent to the page.
        if session.terminal_type == "WEB" {
            answer["orderCodeForm"] = json!({
                "codeDetails": [{"codeValue": format!("https://qr.alipay.com/fake{}", percent_encode(&id)), "displayType": "TEXT"}],
                "expireTime": session.expiry_time,
            });
        }
        let payment =
            Payment { session, payment_id, create_time, answer: answer.clone(), outcome: Outcome::Processing };
        book.payments.push(payment);
        Ok(answer)
    }

    /// `inquiryPayment`, by `paymentId` when given (it takes precedence), else by
    /// `paymentRequestId`.
    fn inquire(&self, request: &Value) -> Result<Value, Value> {
        let book = lock(&self.book);
        let payment = match request.get("paymentId").and_then(Value::as_str) {
            Some(payment_id) => book.payment_by_id(payment_id),
            None => book.payment(text(request, "/paymentRequestId")?),
        };
        payment.map(Payment::inquiry_answer).ok_or_else(not_found)
    }

    /// `refund`: of a paid payment, no more than what is left of it. The payment named
    /// is looked up first, then whether the refund is a repeat.
    fn refund(&self, request: &Value) -> Result<Value, Value> {
        let id = bounded(request, "/refundRequestId", 64)?;
        let payment_id = text(request, "/paymentId")?;
        let amount_fen = fen(request, "/refundAmount")?;
        let notify_url = request.get("refundNotifyUrl").and_then(Value::as_str).map(str::to_string);
        let in_process = self.refunds_in_process.load(Ordering::SeqCst);
        let mut book = lock(&self.book);
        let payment = book.payment_by_id(payment_id).ok_or_else(not_found)?;
        if let Some(refund) = book.refunds.iter().find(|r| r.seen.refund_request_id == id) {
            if refund.seen.payment_id != payment_id || refund.seen.amount_fen != amount_fen {
                return Err(failure("REPEAT_REQ_INCONSISTENT", "The request is inconsistent with the previous one."));
            }
            return Ok(refund.answer.clone());
        }
        if !matches!(payment.outcome, Outcome::Paid { .. }) {
            return Err(failure("ORDER_STATUS_INVALID", "The order status is invalid."));
        }
        let left = payment.session.amount_fen - book.refunded(payment_id);
        if amount_fen > left {
            return Err(failure("REFUND_AMOUNT_EXCEED", "The refund amount exceeds what is left of the payment."));
        }
        let seen = SeenRefund { refund_request_id: id.to_string(), payment_id: payment_id.to_string(), amount_fen };
        let state = if in_process { RefundState::InProcess } else { RefundState::Succeeded };
        let mut refund = Refund { refund_id: format!("refund-{id}"), seen, notify_url, state, answer: Value::Null };
        refund.answer = refund.answer_now();
        let answer = refund.answer.clone();
        book.refunds.push(refund);
        Ok(answer)
    }

    /// `declare`: a paid payment (or one of its orders) to a customs office, the
    /// buyer's certificate checked against the payer at once.
    fn declare(&self, request: &Value) -> Result<Value, Value> {
        let id = bounded(request, "/declarationRequestId", 32)?;
        let payment_id = text(request, "/paymentId")?;
        let amount_fen = fen(request, "/declarationAmount")?;
        let customs_code = text(request, "/customs/customsCode")?;
        if text(request, "/customs/region")? != "CN" {
            return Err(illegal("/customs/region"));
        }
        text(request, "/merchantCustomsInfo/merchantCustomsCode")?;
        text(request, "/merchantCustomsInfo/merchantCustomsName")?;
        let suborder_id = request.get("suborderId").and_then(Value::as_str).map(str::to_string);
        if split_order(request)? && suborder_id.is_none() {
            return Err(illegal("/suborderId"));
        }
        let certificate_no = certificate(request)?;
        let mut book = lock(&self.book);
        if let Some(declaration) = book.declarations.iter().find(|d| d.seen.declaration_request_id == id) {
            return Ok(declaration.answer.clone());
        }
        let payment = book.payment_by_id(payment_id).ok_or_else(not_found)?;
        let Outcome::Paid { payer_id_number, .. } = &payment.outcome else {
            return Err(failure("ORDER_STATUS_INVALID", "The order status is invalid."));
        };
        if amount_fen > payment.session.amount_fen {
            return Err(illegal("/declarationAmount"));
        }
        let identity_passed = certificate_no.as_ref().map(|no| no == payer_id_number);
        let mut answer = json!({
            "result": result("SUCCESS", "S", "success"),
            "customsPaymentId": format!("customs-{id}"),
            "customsOrderId": suborder_id,
        });
        if let Some(passed) = identity_passed {
            answer["identityCheckResult"] = json!(if passed { "CHECK_PASSED" } else { "CHECK_NOT_PASSED" });
        }
        let seen = SeenDeclaration {
            declaration_request_id: id.to_string(),
            payment_id: payment_id.to_string(),
            amount_fen,
            suborder_id,
            certificate_no,
            customs_code: customs_code.to_string(),
        };
        let declaration = Declaration { seen, identity_passed, answer: answer.clone(), return_time: beijing_now() };
        book.declarations.push(declaration);
        Ok(answer)
    }

    /// `inquiryDeclarationRequests`: up to 10 at a time.
    fn inquire_declarations(&self, request: &Value) -> Result<Value, Value> {
        let ids = request
            .get("declarationRequestIds")
            .and_then(Value::as_array)
            .ok_or_else(|| illegal("/declarationRequestIds"))?;
        if ids.is_empty() || ids.len() > 10 {
            return Err(illegal("/declarationRequestIds"));
        }
        let book = lock(&self.book);
        let (mut records, mut missing) = (Vec::new(), Vec::new());
        for id in ids {
            let id = id.as_str().ok_or_else(|| illegal("/declarationRequestIds"))?;
            match book.declarations.iter().find(|d| d.seen.declaration_request_id == id) {
                Some(declaration) => records.push(declaration.record()),
                None => missing.push(id.to_string()),
            }
        }
        Ok(json!({
            "result": result("SUCCESS", "S", "success"),
            "declarationRecords": records,
            "declarationRequestsNotFound": missing,
        }))
    }

    /// The shopper's doing at the wallet, which only a session still in process, or
    /// one paid being paid again, allows.
    fn settle(&self, payment_request_id: &str, outcome: Outcome) {
        let mut book = lock(&self.book);
        let Some(payment) = book.payments.iter_mut().find(|p| p.session.payment_request_id == payment_request_id)
        else {
            panic!("the fake Antom has no session {payment_request_id}");
        };
        match (&payment.outcome, &outcome) {
            (Outcome::Processing, _) | (Outcome::Paid { .. }, Outcome::Paid { .. }) => payment.outcome = outcome,
            _ => panic!("the fake Antom's payment {payment_request_id} has ended: it cannot change"),
        }
    }

    /// The session's notify URL and the `notifyPayment` of its current result.
    fn notification(&self, payment_request_id: &str) -> (String, Value) {
        let book = lock(&self.book);
        let Some(payment) = book.payment(payment_request_id) else {
            panic!("the fake Antom has no session {payment_request_id}");
        };
        let Some(body) = payment.notification() else {
            panic!("the fake Antom's payment {payment_request_id} has no result to notify");
        };
        (payment.session.notify_url.clone(), body)
    }

    /// A `notifyPayment` that says the payment succeeded, whatever its state.
    fn forged_notification(&self, payment_request_id: &str) -> (String, Value) {
        let book = lock(&self.book);
        let Some(payment) = book.payment(payment_request_id) else {
            panic!("the fake Antom has no session {payment_request_id}");
        };
        (payment.session.notify_url.clone(), payment.paid_notification(&beijing_now()))
    }

    /// Ends a refund in process; answers where its `notifyRefund` goes, and it.
    fn finish_refund(&self, refund_request_id: &str, succeeded: bool) -> (String, Value) {
        let mut book = lock(&self.book);
        let Some(index) = book.refunds.iter().position(|r| r.seen.refund_request_id == refund_request_id) else {
            panic!("the fake Antom has no refund {refund_request_id}");
        };
        let payment_notify_url = book
            .payment_by_id(&book.refunds[index].seen.payment_id)
            .map(|p| p.session.notify_url.clone())
            .unwrap_or_default();
        let refund = &mut book.refunds[index];
        if refund.state != RefundState::InProcess {
            panic!("the fake Antom's refund {refund_request_id} was not answered REFUND_IN_PROCESS");
        }
        refund.state = if succeeded { RefundState::Succeeded } else { RefundState::Failed };
        refund.answer = refund.answer_now();
        let url = refund.notify_url.clone().unwrap_or(payment_notify_url);
        (url, refund.notification())
    }

    async fn notify(&self, url: &str, body: &Value, signer: &RequestSigner) -> (u16, String) {
        self.send(url, body.to_string(), signer).await
    }

    /// A notification as Antom sends it: signed over the notify URL's path and query.
    async fn send(&self, url: &str, body: String, signer: &RequestSigner) -> (u16, String) {
        let Ok(parsed) = reqwest::Url::parse(url) else {
            return (0, format!("not delivered: {url} is not a URL"));
        };
        let time = now_millis().to_string();
        let signature = signer.signature_header("POST", &path_and_query(&parsed), &time, &body);
        let request = self
            .http
            .post(parsed)
            .header("content-type", "application/json; charset=UTF-8")
            .header("client-id", signer.client_id())
            .header("request-time", time)
            .header("signature", signature)
            .body(body);
        deliver(request).await
    }
}

impl Book {
    fn payment(&self, payment_request_id: &str) -> Option<&Payment> {
        self.payments.iter().find(|p| p.session.payment_request_id == payment_request_id)
    }

    fn payment_by_id(&self, payment_id: &str) -> Option<&Payment> {
        self.payments.iter().find(|p| p.payment_id == payment_id)
    }

    /// What was refunded of a payment, or is being.
    fn refunded(&self, payment_id: &str) -> i64 {
        let taken = |r: &&Refund| r.seen.payment_id == payment_id && r.state != RefundState::Failed;
        self.refunds.iter().filter(taken).map(|r| r.seen.amount_fen).sum()
    }
}

impl Payment {
    fn inquiry_answer(&self) -> Value {
        let (status, code, message, time) = match &self.outcome {
            Outcome::Processing => ("PROCESSING", "PAYMENT_IN_PROCESS", "payment in process", None),
            Outcome::Paid { time, .. } => ("SUCCESS", "SUCCESS", "success", Some(time)),
            Outcome::Cancelled { time } => ("FAIL", "USER_CANCELLED", "The user cancelled the payment.", Some(time)),
        };
        json!({
            "result": result("SUCCESS", "S", "success"),
            "paymentStatus": status,
            "paymentResultCode": code,
            "paymentResultMessage": message,
            "paymentRequestId": self.session.payment_request_id,
            "paymentId": self.payment_id,
            "paymentAmount": amount(self.session.amount_fen),
            "paymentCreateTime": self.create_time,
            "paymentTime": time,
        })
    }

    /// The `notifyPayment` of the payment's result; none while it is in process.
    fn notification(&self) -> Option<Value> {
        match &self.outcome {
            Outcome::Processing => None,
            Outcome::Paid { time, .. } => Some(self.paid_notification(time)),
            Outcome::Cancelled { .. } => Some(json!({
                "notifyType": "PAYMENT_RESULT",
                "result": result("USER_CANCELLED", "F", "The user cancelled the payment."),
                "paymentRequestId": self.session.payment_request_id,
                "paymentId": self.payment_id,
                "paymentAmount": amount(self.session.amount_fen),
                "paymentCreateTime": self.create_time,
            })),
        }
    }

    /// Alipay CN's success also gives the amount to declare to customs.
    fn paid_notification(&self, time: &str) -> Value {
        json!({
            "notifyType": "PAYMENT_RESULT",
            "result": result("SUCCESS", "S", "success"),
            "paymentRequestId": self.session.payment_request_id,
            "paymentId": self.payment_id,
            "paymentAmount": amount(self.session.amount_fen),
            "paymentCreateTime": self.create_time,
            "paymentTime": time,
            "customsDeclarationAmount": amount(self.session.amount_fen),
        })
    }
}

impl Refund {
    /// What `refund` answers in the refund's current state.
    fn answer_now(&self) -> Value {
        let result = match self.state {
            RefundState::InProcess => result("REFUND_IN_PROCESS", "U", "Refund is in process."),
            RefundState::Succeeded => result("SUCCESS", "S", "success"),
            RefundState::Failed => return failure("PROCESS_FAIL", "The refund failed."),
        };
        let mut answer = json!({
            "result": result,
            "refundRequestId": self.seen.refund_request_id,
            "refundId": self.refund_id,
            "paymentId": self.seen.payment_id,
            "refundAmount": amount(self.seen.amount_fen),
        });
        if self.state == RefundState::Succeeded {
            answer["refundTime"] = json!(beijing_now());
        }
        answer
    }

    /// `notifyRefund`, for a refund that ended.
    fn notification(&self) -> Value {
        let succeeded = self.state == RefundState::Succeeded;
        let mut body = json!({
            "notifyType": "REFUND_RESULT",
            "result": if succeeded { result("SUCCESS", "S", "success") } else { result("PROCESS_FAIL", "F", "The refund failed.") },
            "refundStatus": if succeeded { "SUCCESS" } else { "FAIL" },
            "refundRequestId": self.seen.refund_request_id,
            "refundId": self.refund_id,
            "refundAmount": amount(self.seen.amount_fen),
        });
        if succeeded {
            body["refundTime"] = json!(beijing_now());
        }
        body
    }
}

impl Declaration {
    fn record(&self) -> Value {
        let passed = self.identity_passed != Some(false);
        let (status, code, description) = if passed {
            ("SUCCESS", "SUCCESS", "The declaration is accepted.")
        } else {
            ("FAIL", "IDENTITY_CHECK_FAILED", "The buyer is not the payer.")
        };
        json!({
            "declarationRequestId": self.seen.declaration_request_id,
            "customsPaymentId": format!("customs-{}", self.seen.declaration_request_id),
            "customsOrderId": self.seen.suborder_id,
            "declarationAmount": amount(self.seen.amount_fen),
            "declarationRequestStatus": status,
            "customsDeclarationResultCode": code,
            "customsDeclarationResultDesc": description,
            "customsDeclarationReturnTime": self.return_time,
        })
    }
}

/// The session a `pay` opens, read and checked as Antom reads it.
fn session(request: &Value) -> Result<AntomSession, Value> {
    if text(request, "/productCode")? != "CASHIER_PAYMENT" {
        return Err(illegal("/productCode"));
    }
    if text(request, "/paymentMethod/paymentMethodType")? != "ALIPAY_CN" {
        return Err(failure("PAYMENT_METHOD_NOT_SUPPORTED", "The payment method is not supported."));
    }
    let terminal_type = text(request, "/env/terminalType")?;
    if !matches!(terminal_type, "WEB" | "WAP") {
        return Err(illegal("/env/terminalType"));
    }
    text(request, "/order/referenceOrderId")?;
    Ok(AntomSession {
        payment_request_id: bounded(request, "/paymentRequestId", 64)?.to_string(),
        amount_fen: fen(request, "/paymentAmount")?,
        currency: text(request, "/paymentAmount/currency")?.to_string(),
        notify_url: text(request, "/paymentNotifyUrl")?.to_string(),
        redirect_url: text(request, "/paymentRedirectUrl")?.to_string(),
        terminal_type: terminal_type.to_string(),
        expiry_time: request.pointer("/paymentExpiryTime").and_then(Value::as_str).unwrap_or_default().to_string(),
    })
}

/// `splitOrder`: a JSON string as Antom's convention says, or a boolean as its SDKs
/// send it; false when absent.
fn split_order(request: &Value) -> Result<bool, Value> {
    match request.get("splitOrder") {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(split)) => Ok(*split),
        Some(Value::String(split)) if split == "true" || split == "false" => Ok(split == "true"),
        Some(_) => Err(illegal("/splitOrder")),
    }
}

/// The buyer's certificate number, when the declaration carries a certificate.
fn certificate(request: &Value) -> Result<Option<String>, Value> {
    if request.get("buyerCertificate").is_none_or(Value::is_null) {
        return Ok(None);
    }
    text(request, "/buyerCertificate/certificateType")?;
    text(request, "/buyerCertificate/holderName/fullName")?;
    Ok(Some(text(request, "/buyerCertificate/certificateNo")?.to_string()))
}

/// A required string field, not empty.
fn text<'a>(request: &'a Value, pointer: &str) -> Result<&'a str, Value> {
    request.pointer(pointer).and_then(Value::as_str).filter(|s| !s.is_empty()).ok_or_else(|| illegal(pointer))
}

/// A required string field of at most `max` characters.
fn bounded<'a>(request: &'a Value, pointer: &str, max: usize) -> Result<&'a str, Value> {
    text(request, pointer).and_then(|s| if s.chars().count() <= max { Ok(s) } else { Err(illegal(pointer)) })
}

/// An amount in fen: `{"currency": "CNY", "value": "15812"}`, the value a string of
/// digits, more than zero.
fn fen(request: &Value, pointer: &str) -> Result<i64, Value> {
    if text(request, &format!("{pointer}/currency"))? != "CNY" {
        return Err(illegal(&format!("{pointer}/currency")));
    }
    let value = text(request, &format!("{pointer}/value"))?;
    match value.parse::<i64>() {
        Ok(fen) if fen > 0 && value.bytes().all(|b| b.is_ascii_digit()) => Ok(fen),
        _ => Err(illegal(&format!("{pointer}/value"))),
    }
}

fn amount(fen: i64) -> Value {
    json!({"currency": "CNY", "value": fen.to_string()})
}

fn result(code: &str, status: &str, message: &str) -> Value {
    json!({"resultCode": code, "resultStatus": status, "resultMessage": message})
}

fn failure(code: &str, message: &str) -> Value {
    json!({"result": result(code, "F", message)})
}

fn illegal(pointer: &str) -> Value {
    failure("PARAM_ILLEGAL", &format!("Illegal parameter: {}", pointer.trim_start_matches('/')))
}

fn not_found() -> Value {
    failure("ORDER_NOT_EXIST", "The order does not exist.")
}
