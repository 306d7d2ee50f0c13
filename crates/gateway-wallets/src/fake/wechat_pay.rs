//! A fake WeChat Pay: the cross-border (global) API v3 in the direct mode, for the
//! calls Gateway makes (Native and H5 placement, query by `out_trade_no`, close,
//! refund and its query, customs declaration and its query) and the callbacks WeChat
//! Pay sends (`TRANSACTION.SUCCESS`, `REFUND.SUCCESS`, `REFUND.CLOSED`), their resource
//! encrypted with the merchant's API v3 key.
//!
//! Every request's `Authorization` is checked as WeChat Pay checks it: the scheme, the
//! merchant id, the merchant certificate's serial, a timestamp within five minutes,
//! and the signature over the five lines under the merchant's public key. One that
//! fails is answered HTTP 401 `SIGN_ERROR`, and counted. Every answer, refusals
//! included, and every callback is signed with the platform key, whose self-signed
//! certificate [`FakeWeChatPay::platform_cert_pem`] gives.
//!
//! Ids are the fake's own, readable in a test's output: an order `p-1` is the
//! transaction `4200p-1` (cut to WeChat Pay's 32 characters), a refund `r-1` is `5030-r-1`.

pub use super::{FakeMode, SeenDeclaration, SeenRefund};

use super::{
    KeyPair, SLOW_ANSWER, beijing_now, deliver, http_client, keys, lock, now_secs, percent_encode, random_text, serve,
};
use crate::wechat_pay::callback::ApiV3Key;
use crate::wechat_pay::messages::{CUSTOMS_PATH, H5_PATH, NATIVE_PATH, QUERY_PATH, REFUND_QUERY_PATH, REFUNDS_PATH};
use crate::wechat_pay::signature::{SCHEME, request_message, response_message};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{SignatureEncoding, Signer as _, Verifier as _};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

const MCH_ID: &str = "1900000109";
const APP_ID: &str = "wx8888888888888888";

/// The serial number of the merchant's API certificate, which `Authorization` names.
const MERCHANT_SERIAL: &str = "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C";

/// The platform certificate's serial number, which `Wechatpay-Serial` names.
const PLATFORM_SERIAL: [u8; 16] =
    [0x51, 0x57, 0xF0, 0x9E, 0xFD, 0xC0, 0x96, 0xDE, 0x15, 0xEB, 0xE8, 0x1A, 0x47, 0x05, 0x7A, 0x72];

/// How far a request's timestamp may be from the fake's clock.
const CLOCK_SKEW_SECS: u64 = 5 * 60;

/// The fake WeChat Pay: a server on 127.0.0.1 and what it was asked. Clones share it.
///
/// The methods that play the shopper or WeChat Pay panic when the fake has no such
/// order or refund, or cannot get there from where it stands (a closed order cannot be
/// paid, an unpaid one has no callback): the test asking is wrong.
#[derive(Clone)]
pub struct FakeWeChatPay {
    base_url: String,
    shared: Arc<Shared>,
}

/// An order as placement made it: once per `out_trade_no`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeChatSession {
    pub out_trade_no: String,
    pub amount_fen: i64,
    pub notify_url: String,
    /// `NATIVE` or `MWEB`.
    pub trade_type: String,
}

struct Shared {
    merchant_key: &'static KeyPair,
    stranger_key: &'static KeyPair,
    platform_cert_pem: &'static str,
    /// The platform's signature on answers and callbacks.
    platform: SigningKey<Sha256>,
    /// A signature that is not the platform's, on forgeries.
    stranger: SigningKey<Sha256>,
    /// The merchant's public key, which every request must verify under.
    merchant: VerifyingKey<Sha256>,
    api_v3_key: String,
    cipher: ApiV3Key,
    mode: Mutex<FakeMode>,
    book: Mutex<Book>,
    pay_calls: AtomicUsize,
    refund_calls: AtomicUsize,
    refused: AtomicUsize,
    http: reqwest::Client,
}

/// Everything WeChat Pay was asked, in the order it was asked.
#[derive(Default)]
struct Book {
    orders: Vec<Order>,
    refunds: Vec<Refund>,
    declarations: Vec<Declaration>,
}

struct Order {
    session: WeChatSession,
    transaction_id: String,
    attach: Option<String>,
    trade: Trade,
}

/// Where an order stands; `REFUND` is a paid order with a refund.
#[derive(Clone)]
enum Trade {
    NotPay,
    Paid { openid: String, time: String },
    Closed,
}

struct Refund {
    seen: SeenRefund,
    refund_id: String,
    transaction_id: String,
    total: i64,
    /// `PROCESSING` until [`FakeWeChatPay::finish_refund`], then `SUCCESS` or `CLOSED`.
    status: &'static str,
    notify_url: Option<String>,
    create_time: String,
    success_time: Option<String>,
}

struct Declaration {
    seen: SeenDeclaration,
    out_trade_no: String,
    sub_order_id: String,
    merchant_customs_no: String,
    request: Value,
    /// `PROCESSING` until [`FakeWeChatPay::customs_verdict`], then `SUCCESS` or `FAIL`.
    state: &'static str,
    explanation: Option<&'static str>,
    modify_time: String,
}

/// An answer: its status and its body, none for a 204.
type Answer = (StatusCode, Option<Value>);

impl FakeWeChatPay {
    /// Starts the fake on a port of its own on 127.0.0.1, with the platform's key pair
    /// and its certificate, the merchant's key pair, an API v3 key and ids.
    pub async fn start() -> FakeWeChatPay {
        let keys = keys().await;
        let api_v3_key = random_text(32);
        let cipher = ApiV3Key::new(&api_v3_key).unwrap_or_else(|e| panic!("the fake's API v3 key: {e}"));
        let shared = Arc::new(Shared {
            merchant_key: &keys.gateway,
            stranger_key: &keys.stranger,
            platform_cert_pem: platform_certificate(&keys.provider),
            platform: SigningKey::new(keys.provider.private.clone()),
            stranger: SigningKey::new(keys.stranger.private.clone()),
            merchant: VerifyingKey::new(keys.gateway.private.to_public_key()),
            api_v3_key,
            cipher,
            mode: Mutex::default(),
            book: Mutex::default(),
            pay_calls: AtomicUsize::new(0),
            refund_calls: AtomicUsize::new(0),
            refused: AtomicUsize::new(0),
            http: http_client(),
        });
        let router = Router::new().fallback(handle).with_state(shared.clone());
        FakeWeChatPay { base_url: serve(router).await, shared }
    }

    /// `http://127.0.0.1:PORT`: `GATEWAY_WECHATPAY_BASE_URL`.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    pub fn mch_id(&self) -> String {
        MCH_ID.to_string()
    }

    pub fn app_id(&self) -> String {
        APP_ID.to_string()
    }

    /// The merchant's private key (`apiclient_key.pem`), PKCS #8 PEM. The fake verifies
    /// every request with its public half.
    pub fn merchant_private_key_pem(&self) -> String {
        self.shared.merchant_key.private_pem.clone()
    }

    /// The serial number of the merchant's API certificate, which `Authorization`
    /// must name.
    pub fn merchant_cert_serial(&self) -> String {
        MERCHANT_SERIAL.to_string()
    }

    /// The merchant's API v3 key: 32 letters and digits, new for each fake.
    pub fn api_v3_key(&self) -> String {
        self.shared.api_v3_key.clone()
    }

    /// The platform certificate, PEM: what `GATEWAY_WECHATPAY_PLATFORM_CERT_FILE` holds.
    pub fn platform_cert_pem(&self) -> String {
        self.shared.platform_cert_pem.to_string()
    }

    /// The platform certificate's serial number (upper-case hex), which every answer
    /// and callback names in `Wechatpay-Serial`.
    pub fn platform_serial(&self) -> String {
        platform_serial()
    }

    /// A private key that is neither the merchant's nor the platform's, PKCS #8 PEM:
    /// what an impostor signs with.
    pub fn stranger_private_key_pem(&self) -> String {
        self.shared.stranger_key.private_pem.clone()
    }

    pub fn set_mode(&self, mode: FakeMode) {
        *lock(&self.shared.mode) = mode;
    }

    /// Every distinct order placed, in order. Placing an `out_trade_no` again answers
    /// the same order.
    pub fn sessions(&self) -> Vec<WeChatSession> {
        lock(&self.shared.book).orders.iter().map(|o| o.session.clone()).collect()
    }

    /// Placements (Native and H5) received, repeats and refused ones included.
    pub fn pay_calls(&self) -> usize {
        self.shared.pay_calls.load(Ordering::SeqCst)
    }

    /// The shopper pays: the order's `trade_state` becomes `SUCCESS`, then the fake
    /// sends a `TRANSACTION.SUCCESS` callback to the order's `notify_url` and answers
    /// Gateway's answer to it (status 0 when it was not delivered). The payer's ID
    /// number makes the payer's `openid`.
    pub async fn pay(&self, out_trade_no: &str, payer_id_number: &str) -> (u16, String) {
        self.pay_silently(out_trade_no, payer_id_number);
        self.renotify(out_trade_no).await
    }

    /// The shopper pays but the callback is lost: only a query learns it.
    pub fn pay_silently(&self, out_trade_no: &str, payer_id_number: &str) {
        let mut book = lock(&self.shared.book);
        let order = book.order_mut(out_trade_no);
        match order.trade {
            Trade::NotPay => order.trade = Trade::Paid { openid: openid(payer_id_number), time: beijing_now() },
            Trade::Paid { .. } => {}
            Trade::Closed => panic!("the fake WeChat Pay's order {out_trade_no} is closed: it cannot be paid"),
        }
    }

    /// Sends the `TRANSACTION.SUCCESS` callback of a paid order again: a duplicate, or
    /// one that comes late.
    pub async fn renotify(&self, out_trade_no: &str) -> (u16, String) {
        let (url, resource) = {
            let book = lock(&self.shared.book);
            let order = book.order(out_trade_no);
            if !matches!(order.trade, Trade::Paid { .. }) {
                panic!("the fake WeChat Pay's order {out_trade_no} is not paid: WeChat Pay calls back only success");
            }
            (order.session.notify_url.clone(), order.transaction(&order.trade, book.refunded(out_trade_no)))
        };
        self.shared.paid_callback(&url, &resource, &self.shared.platform).await
    }

    /// Sends a `TRANSACTION.SUCCESS` callback that says the order was paid, encrypted
    /// with the right API v3 key but signed with a key that is not the platform's. The
    /// fake's state does not change.
    pub async fn forge_notification(&self, out_trade_no: &str) -> (u16, String) {
        let (url, resource) = {
            let book = lock(&self.shared.book);
            let order = book.order(out_trade_no);
            let paid = Trade::Paid { openid: openid("forger"), time: beijing_now() };
            (order.session.notify_url.clone(), order.transaction(&paid, false))
        };
        self.shared.paid_callback(&url, &resource, &self.shared.stranger).await
    }

    /// The shopper gives up and the order closes at the wallet (`trade_state`
    /// `CLOSED`); WeChat Pay sends no callback for that.
    pub fn close_at_wallet(&self, out_trade_no: &str) {
        let mut book = lock(&self.shared.book);
        let order = book.order_mut(out_trade_no);
        if matches!(order.trade, Trade::Paid { .. }) {
            panic!("the fake WeChat Pay's order {out_trade_no} is paid: it cannot close");
        }
        order.trade = Trade::Closed;
    }

    /// Every distinct `out_refund_no` taken, in order: a repeat answers the same and is
    /// not counted twice. Each stays `PROCESSING` until [`FakeWeChatPay::finish_refund`].
    pub fn refunds(&self) -> Vec<SeenRefund> {
        lock(&self.shared.book).refunds.iter().map(|r| r.seen.clone()).collect()
    }

    /// Refund requests received, repeats and refused ones included.
    pub fn refund_calls(&self) -> usize {
        self.shared.refund_calls.load(Ordering::SeqCst)
    }

    /// Ends a refund: `SUCCESS`, or `CLOSED` when it did not succeed; then sends its
    /// callback (`REFUND.SUCCESS`, `REFUND.CLOSED`) to the refund's `notify_url` (the
    /// order's when it gave none) and answers Gateway's answer to it.
    pub async fn finish_refund(&self, out_refund_no: &str, succeeded: bool) -> (u16, String) {
        let (url, event, resource) = {
            let mut book = lock(&self.shared.book);
            let Some(index) = book.refunds.iter().position(|r| r.seen.refund_request_id == out_refund_no) else {
                panic!("the fake WeChat Pay has no refund {out_refund_no}");
            };
            let order_url = book.order(&book.refunds[index].seen.payment_id).session.notify_url.clone();
            let refund = &mut book.refunds[index];
            refund.status = if succeeded { "SUCCESS" } else { "CLOSED" };
            refund.success_time = succeeded.then(beijing_now);
            let event = if succeeded { "REFUND.SUCCESS" } else { "REFUND.CLOSED" };
            (refund.notify_url.clone().unwrap_or(order_url), event, refund.notification())
        };
        let summary = if succeeded { "退款成功" } else { "退款关闭" };
        let body = self.shared.callback_body(event, summary, "refund", &resource);
        self.shared.send(&url, body, &self.shared.platform).await
    }

    /// Every distinct declaration taken (by order, sub-order and customs office), in
    /// order. Each is `PROCESSING` until [`FakeWeChatPay::customs_verdict`].
    pub fn declarations(&self) -> Vec<SeenDeclaration> {
        lock(&self.shared.book).declarations.iter().map(|d| d.seen.clone()).collect()
    }

    /// Customs answers the declarations of an order: `SUCCESS`, or `FAIL` with an
    /// explanation.
    pub fn customs_verdict(&self, out_trade_no: &str, passed: bool) {
        let mut book = lock(&self.shared.book);
        for declaration in book.declarations.iter_mut().filter(|d| d.out_trade_no == out_trade_no) {
            declaration.state = if passed { "SUCCESS" } else { "FAIL" };
            declaration.explanation = (!passed).then_some("订购人与支付人信息不一致");
            declaration.modify_time = beijing_now();
        }
    }

    /// Requests refused because their `Authorization` did not verify.
    pub fn refused_signatures(&self) -> usize {
        self.shared.refused.load(Ordering::SeqCst)
    }

    /// The platform's `Wechatpay-Signature` over a timestamp, a nonce and a body: what
    /// a test needs to build a callback of its own.
    pub fn platform_signature(&self, timestamp: &str, nonce: &str, body: &str) -> String {
        sign(&self.shared.platform, timestamp, nonce, body)
    }
}

/// Every request, routed by method and path as WeChat Pay's gateway routes it, its
/// `Authorization` checked before anything else is read.
async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared.count(&method, uri.path());
    let mode = *lock(&shared.mode);
    if mode == FakeMode::Broken {
        return shared.signed(mode, StatusCode::INTERNAL_SERVER_ERROR, Some(refusal("SYSTEM_ERROR", "系统错误")));
    }
    let body = String::from_utf8_lossy(&body);
    let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let (status, answer) = if shared.authorized(&method, path_and_query, &headers, &body) {
        shared.route(&method, uri.path(), uri.query().unwrap_or_default(), &body)
    } else {
        shared.refused.fetch_add(1, Ordering::SeqCst);
        (StatusCode::UNAUTHORIZED, Some(refusal("SIGN_ERROR", "签名错误")))
    };
    if mode == FakeMode::Slow {
        tokio::time::sleep(SLOW_ANSWER).await;
    }
    shared.signed(mode, status, answer)
}

impl Shared {
    fn count(&self, method: &Method, path: &str) {
        if method != Method::POST {
            return;
        }
        match path {
            NATIVE_PATH | H5_PATH => self.pay_calls.fetch_add(1, Ordering::SeqCst),
            REFUNDS_PATH => self.refund_calls.fetch_add(1, Ordering::SeqCst),
            _ => 0,
        };
    }

    /// Checks `Authorization` as WeChat Pay does: the scheme, the merchant and its
    /// certificate's serial, a recent timestamp, and the signature over the five lines
    /// under the merchant's public key.
    fn authorized(&self, method: &Method, path_and_query: &str, headers: &HeaderMap, body: &str) -> bool {
        let Some(header) = headers.get("authorization").and_then(|v| v.to_str().ok()) else { return false };
        let Some(params) = header.strip_prefix(SCHEME).and_then(|rest| rest.strip_prefix(' ')) else { return false };
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
        if !timestamp.parse::<u64>().is_ok_and(|then| now_secs().abs_diff(then) <= CLOCK_SKEW_SECS) {
            return false;
        }
        let Ok(bytes) = BASE64.decode(signature) else { return false };
        let Ok(signature) = Signature::try_from(bytes.as_slice()) else { return false };
        let message = request_message(method.as_str(), path_and_query, timestamp, nonce, body);
        self.merchant.verify(message.as_bytes(), &signature).is_ok()
    }

    /// An answer signed with the platform key, or with the stranger's when answers are
    /// forged.
    fn signed(&self, mode: FakeMode, status: StatusCode, answer: Option<Value>) -> Response {
        let key = if mode == FakeMode::ForgedAnswers { &self.stranger } else { &self.platform };
        let body = answer.map(|a| a.to_string()).unwrap_or_default();
        let (timestamp, nonce) = (now_secs().to_string(), random_text(32));
        let signature = sign(key, &timestamp, &nonce, &body);
        let headers = [
            ("content-type", "application/json".to_string()),
            ("wechatpay-timestamp", timestamp),
            ("wechatpay-nonce", nonce),
            ("wechatpay-signature", signature),
            ("wechatpay-serial", platform_serial()),
        ];
        (status, headers, body).into_response()
    }

    fn route(&self, method: &Method, path: &str, query: &str, body: &str) -> Answer {
        let request: Value = match body {
            "" => Value::Null,
            body => match serde_json::from_str(body) {
                Ok(request) => request,
                Err(_) => return bad("PARAM_ERROR", "请求体不是 JSON"),
            },
        };
        if *method == Method::POST && request["mchid"] != MCH_ID {
            return bad("PARAM_ERROR", "mchid");
        }
        let order_no = |prefix: &str, suffix: &str| {
            path.strip_prefix(prefix).and_then(|rest| rest.strip_suffix(suffix)).and_then(decoded)
        };
        match (method.as_str(), path) {
            ("POST", NATIVE_PATH) => self.place(&request, "NATIVE"),
            ("POST", H5_PATH) => self.place(&request, "MWEB"),
            ("POST", p) if p.starts_with(QUERY_PATH) && p.ends_with("/close") => match order_no(QUERY_PATH, "/close") {
                Some(no) => self.close(&no),
                None => bad("PARAM_ERROR", "out_trade_no"),
            },
            ("GET", p) if p.starts_with(QUERY_PATH) => match (order_no(QUERY_PATH, ""), param(query, "mchid")) {
                (Some(no), Some(mchid)) if mchid == MCH_ID => self.query(&no),
                _ => bad("PARAM_ERROR", "mchid"),
            },
            ("POST", REFUNDS_PATH) => self.refund(&request),
            ("GET", p) if p.starts_with(REFUND_QUERY_PATH) => {
                match (order_no(REFUND_QUERY_PATH, ""), param(query, "mchid")) {
                    (Some(no), Some(mchid)) if mchid == MCH_ID => self.query_refund(&no),
                    _ => bad("PARAM_ERROR", "mchid"),
                }
            }
            ("POST", CUSTOMS_PATH) => self.declare(&request),
            ("GET", CUSTOMS_PATH) => self.query_declarations(query),
            _ => (StatusCode::NOT_FOUND, Some(refusal("NOT_FOUND", "无此接口"))),
        }
    }

    /// Native or H5 placement; placing an order again answers the same order.
    fn place(&self, request: &Value, trade_type: &str) -> Answer {
        let session = match placement(request, trade_type) {
            Ok(session) => session,
            Err(answer) => return answer,
        };
        let no = session.out_trade_no.clone();
        let mut book = lock(&self.book);
        match book.orders.iter().find(|o| o.session.out_trade_no == no) {
            Some(order) if order.session.amount_fen != session.amount_fen || order.session.trade_type != trade_type => {
                return bad("INVALID_REQUEST", "201 商户订单号重复");
            }
            Some(order) => match order.trade {
                Trade::NotPay => {}
                Trade::Paid { .. } => return bad("ORDERPAID", "该订单已支付"),
                Trade::Closed => return bad("ORDER_CLOSED", "订单已关闭"),
            },
            None => {
                let attach = request.get("attach").and_then(Value::as_str).map(str::to_string);
                // At most 32 characters, as WeChat Pay's own are (28 digits from 4200).
                let transaction_id: String = format!("4200{no}").chars().take(32).collect();
                let order = Order { transaction_id, session, attach, trade: Trade::NotPay };
                book.orders.push(order);
            }
        }
        let answer = match trade_type {
            "NATIVE" => json!({"code_url": format!("weixin://wxpay/bizpayurl?pr={}", percent_encode(&no))}),
            _ => json!({
                "h5_url": format!("https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id={}", percent_encode(&no))
            }),
        };
        (StatusCode::OK, Some(answer))
    }

    fn query(&self, no: &str) -> Answer {
        let book = lock(&self.book);
        match book.orders.iter().find(|o| o.session.out_trade_no == no) {
            Some(order) => (StatusCode::OK, Some(order.transaction(&order.trade, book.refunded(no)))),
            None => order_not_found(),
        }
    }

    /// Closes an unpaid order (again: still closed); a paid one is refused.
    fn close(&self, no: &str) -> Answer {
        let mut book = lock(&self.book);
        let Some(order) = book.orders.iter_mut().find(|o| o.session.out_trade_no == no) else {
            return order_not_found();
        };
        match order.trade {
            Trade::Paid { .. } => bad("ORDERPAID", "该订单已支付"),
            Trade::NotPay | Trade::Closed => {
                order.trade = Trade::Closed;
                (StatusCode::NO_CONTENT, None)
            }
        }
    }

    /// A refund of a paid order, no more than what is left of it; the answer says it
    /// was accepted, without a status.
    fn refund(&self, request: &Value) -> Answer {
        let fields = (
            text(request, "/out_trade_no", 32),
            text(request, "/out_refund_no", 64),
            integer(request, "/amount/refund"),
            integer(request, "/amount/total"),
        );
        let (Ok(trade), Ok(no), Ok(amount_fen), Ok(total)) = fields else {
            return bad("PARAM_ERROR", "out_trade_no, out_refund_no or amount");
        };
        if request["appid"] != APP_ID || request.pointer("/amount/currency") != Some(&json!("CNY")) {
            return bad("PARAM_ERROR", "appid or amount.currency");
        }
        let notify_url = request.get("notify_url").and_then(Value::as_str).map(str::to_string);
        let mut book = lock(&self.book);
        if let Some(refund) = book.refunds.iter().find(|r| r.seen.refund_request_id == no) {
            if refund.seen.payment_id != trade || refund.seen.amount_fen != amount_fen {
                return bad("INVALID_REQUEST", "请求参数与首次请求时不一致");
            }
            return (StatusCode::OK, Some(refund.accepted()));
        }
        let Some(order) = book.orders.iter().find(|o| o.session.out_trade_no == trade) else {
            return (StatusCode::NOT_FOUND, Some(refusal("RESOURCE_NOT_EXISTS", "订单不存在")));
        };
        if !matches!(order.trade, Trade::Paid { .. }) {
            return bad("INVALID_REQUEST", "订单未支付");
        }
        if total != order.session.amount_fen {
            return bad("PARAM_ERROR", "amount.total 与订单金额不一致");
        }
        if amount_fen <= 0 || amount_fen > total - book.refunded_fen(trade) {
            return bad("INVALID_REQUEST", "退款金额超过订单可退金额");
        }
        let refund = Refund {
            seen: SeenRefund { refund_request_id: no.to_string(), payment_id: trade.to_string(), amount_fen },
            refund_id: format!("5030-{no}"),
            transaction_id: order.transaction_id.clone(),
            total,
            status: "PROCESSING",
            notify_url,
            create_time: beijing_now(),
            success_time: None,
        };
        let answer = refund.accepted();
        book.refunds.push(refund);
        (StatusCode::OK, Some(answer))
    }

    fn query_refund(&self, no: &str) -> Answer {
        match lock(&self.book).refunds.iter().find(|r| r.seen.refund_request_id == no) {
            Some(refund) => (StatusCode::OK, Some(refund.answer())),
            None => (StatusCode::NOT_FOUND, Some(refusal("RESOURCE_NOT_EXISTS", "退款单不存在"))),
        }
    }

    /// A paid order (or one of its sub-orders) declared to a customs office; declaring
    /// the same again answers the same.
    fn declare(&self, request: &Value) -> Answer {
        let fields = (
            text(request, "/out_trade_no", 32),
            text(request, "/transaction_id", 32),
            text(request, "/customs", 20),
            text(request, "/merchant_customs_no", 20),
        );
        let (Ok(trade), Ok(transaction_id), Ok(customs), Ok(merchant_customs_no)) = fields else {
            return bad("PARAM_ERROR", "out_trade_no, transaction_id, customs or merchant_customs_no");
        };
        if request["appid"] != APP_ID {
            return bad("PARAM_ERROR", "appid");
        }
        let sub_order_no = request.get("sub_order_no").and_then(Value::as_str).map(str::to_string);
        if sub_order_no.is_some() && !sub_order_fees_add_up(request) {
            return bad("PARAM_ERROR", "fee_type, order_fee, transport_fee or product_fee");
        }
        let mut book = lock(&self.book);
        let Some(order) = book.orders.iter().find(|o| o.session.out_trade_no == trade) else {
            return bad("INVALID_REQUEST", "订单不存在");
        };
        if !matches!(order.trade, Trade::Paid { .. }) {
            return bad("INVALID_REQUEST", "订单未支付");
        }
        if order.transaction_id != transaction_id {
            return bad("PARAM_ERROR", "transaction_id 与订单不一致");
        }
        let amount_fen = request.get("order_fee").and_then(Value::as_i64).unwrap_or(order.session.amount_fen);
        let same = |d: &&Declaration| {
            d.out_trade_no == trade && d.seen.suborder_id == sub_order_no && d.seen.customs_code == customs
        };
        if let Some(declaration) = book.declarations.iter().find(same) {
            return (StatusCode::OK, Some(declaration.answer()));
        }
        let earlier = book.declarations.iter().filter(|d| d.out_trade_no == trade).count();
        let sub_order_id = match earlier {
            0 => format!("sub-{trade}"),
            n => format!("sub-{trade}-{}", n + 1),
        };
        let declaration = Declaration {
            seen: SeenDeclaration {
                declaration_request_id: sub_order_no.clone().unwrap_or_else(|| trade.to_string()),
                payment_id: transaction_id.to_string(),
                amount_fen,
                suborder_id: sub_order_no,
                certificate_no: None,
                customs_code: customs.to_string(),
            },
            out_trade_no: trade.to_string(),
            sub_order_id,
            merchant_customs_no: merchant_customs_no.to_string(),
            request: request.clone(),
            state: "PROCESSING",
            explanation: None,
            modify_time: beijing_now(),
        };
        let answer = declaration.answer();
        book.declarations.push(declaration);
        (StatusCode::OK, Some(answer))
    }

    /// The declarations of an order at a customs office, by the number `order_type`
    /// names.
    fn query_declarations(&self, query: &str) -> Answer {
        if param(query, "appid").as_deref() != Some(APP_ID) || param(query, "mchid").as_deref() != Some(MCH_ID) {
            return bad("PARAM_ERROR", "appid or mchid");
        }
        let (Some(order_type), Some(order_no), Some(customs)) =
            (param(query, "order_type"), param(query, "order_no"), param(query, "customs"))
        else {
            return bad("PARAM_ERROR", "order_type, order_no or customs");
        };
        let book = lock(&self.book);
        let matches = |d: &&Declaration| {
            let number = match order_type.as_str() {
                "out_trade_no" => Some(d.out_trade_no.as_str()),
                "transaction_id" => Some(d.seen.payment_id.as_str()),
                "sub_order_no" => d.seen.suborder_id.as_deref(),
                "sub_order_id" => Some(d.sub_order_id.as_str()),
                _ => None,
            };
            number == Some(order_no.as_str()) && d.seen.customs_code == customs
        };
        let found: Vec<&Declaration> = book.declarations.iter().filter(matches).collect();
        let (transaction_id, trade) = match found.first() {
            Some(d) => (Some(d.seen.payment_id.clone()), d.out_trade_no.clone()),
            None => (None, order_no.clone()),
        };
        let answer = json!({
            "appid": APP_ID,
            "mchid": MCH_ID,
            "transaction_id": transaction_id,
            "verify_department": "OTHERS",
            "verify_department_trade_id": format!("v-{trade}"),
            "offset": 0,
            "limit": 20,
            "total_count": found.len(),
            "data": found.iter().map(|d| d.record()).collect::<Vec<_>>(),
        });
        (StatusCode::OK, Some(answer))
    }

    async fn paid_callback(&self, url: &str, transaction: &Value, key: &SigningKey<Sha256>) -> (u16, String) {
        let body = self.callback_body("TRANSACTION.SUCCESS", "支付成功", "transaction", transaction);
        self.send(url, body, key).await
    }

    /// A callback's body: its resource encrypted with the API v3 key
    /// (AEAD_AES_256_GCM), a fresh 12-character nonce, the resource's type as
    /// associated data.
    fn callback_body(&self, event_type: &str, summary: &str, original_type: &str, resource: &Value) -> String {
        let nonce = random_text(12);
        let ciphertext = self
            .cipher
            .encrypt(resource.to_string().as_bytes(), &nonce, original_type)
            .unwrap_or_else(|e| panic!("the fake WeChat Pay cannot encrypt a callback: {e}"));
        json!({
            "id": format!("EV-{}", random_text(20)),
            "create_time": beijing_now(),
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": summary,
            "resource": {
                "original_type": original_type,
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": ciphertext,
                "associated_data": original_type,
                "nonce": nonce,
            },
        })
        .to_string()
    }

    /// A callback as WeChat Pay sends it: signed over a timestamp, a nonce and the
    /// body, the platform's serial named.
    async fn send(&self, url: &str, body: String, key: &SigningKey<Sha256>) -> (u16, String) {
        let (timestamp, nonce) = (now_secs().to_string(), random_text(32));
        let signature = sign(key, &timestamp, &nonce, &body);
        let request = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .header("wechatpay-timestamp", timestamp)
            .header("wechatpay-nonce", nonce)
            .header("wechatpay-signature", signature)
            .header("wechatpay-serial", platform_serial())
            .header("wechatpay-signature-type", SCHEME)
            .body(body);
        deliver(request).await
    }
}

impl Book {
    fn order(&self, out_trade_no: &str) -> &Order {
        match self.orders.iter().find(|o| o.session.out_trade_no == out_trade_no) {
            Some(order) => order,
            None => panic!("the fake WeChat Pay has no order {out_trade_no}"),
        }
    }

    fn order_mut(&mut self, out_trade_no: &str) -> &mut Order {
        match self.orders.iter_mut().find(|o| o.session.out_trade_no == out_trade_no) {
            Some(order) => order,
            None => panic!("the fake WeChat Pay has no order {out_trade_no}"),
        }
    }

    /// Whether the order has a refund that has not closed.
    fn refunded(&self, out_trade_no: &str) -> bool {
        self.refunded_fen(out_trade_no) > 0
    }

    fn refunded_fen(&self, out_trade_no: &str) -> i64 {
        let taken = |r: &&Refund| r.seen.payment_id == out_trade_no && r.status != "CLOSED";
        self.refunds.iter().filter(taken).map(|r| r.seen.amount_fen).sum()
    }
}

impl Order {
    /// The transaction as the query answers it and `TRANSACTION.SUCCESS` carries it,
    /// in the state `trade`.
    fn transaction(&self, trade: &Trade, refunded: bool) -> Value {
        let (state, description) = match trade {
            Trade::NotPay => ("NOTPAY", "订单未支付"),
            Trade::Paid { .. } if refunded => ("REFUND", "转入退款"),
            Trade::Paid { .. } => ("SUCCESS", "支付成功"),
            Trade::Closed => ("CLOSED", "订单已关闭"),
        };
        let total = self.session.amount_fen;
        let mut transaction = json!({
            "mchid": MCH_ID,
            "appid": APP_ID,
            "out_trade_no": self.session.out_trade_no,
            "id": self.transaction_id,
            "trade_type": self.session.trade_type,
            "trade_state": state,
            "trade_state_desc": description,
            "attach": self.attach,
            "amount": {"total": total, "currency": "CNY"},
        });
        if let Trade::Paid { openid, time } = trade {
            transaction["success_time"] = json!(time);
            transaction["bank_type"] = json!("OTHERS");
            transaction["payer"] = json!({"openid": openid});
            transaction["amount"] =
                json!({"total": total, "currency": "CNY", "payer_total": total, "payer_currency": "CNY"});
        }
        transaction
    }
}

impl Refund {
    /// The refund's answer to the refund call: the reference lists no status there.
    fn accepted(&self) -> Value {
        let mut answer = self.answer();
        if let Some(fields) = answer.as_object_mut() {
            fields.remove("status");
        }
        answer
    }

    /// The refund as its query answers it.
    fn answer(&self) -> Value {
        json!({
            "id": self.refund_id,
            "out_refund_no": self.seen.refund_request_id,
            "transaction_id": self.transaction_id,
            "out_trade_no": self.seen.payment_id,
            "channel": "ORIGINAL",
            "recv_account": "支付用户零钱",
            "status": self.status,
            "create_time": self.create_time,
            "success_time": self.success_time,
            "amount": self.amount(),
        })
    }

    /// The resource of the refund's callback.
    fn notification(&self) -> Value {
        json!({
            "mchid": MCH_ID,
            "out_trade_no": self.seen.payment_id,
            "transaction_id": self.transaction_id,
            "out_refund_no": self.seen.refund_request_id,
            "refund_id": self.refund_id,
            "refund_status": self.status,
            "success_time": self.success_time,
            "user_received_account": "支付用户零钱",
            "amount": self.amount(),
        })
    }

    fn amount(&self) -> Value {
        let (refund, total) = (self.seen.amount_fen, self.total);
        json!({
            "refund": refund, "total": total, "currency": "CNY",
            "payer_refund": refund, "payer_total": total, "payer_currency": "CNY",
        })
    }
}

impl Declaration {
    fn answer(&self) -> Value {
        json!({
            "appid": APP_ID,
            "mchid": MCH_ID,
            "state": "SUBMITTED",
            "out_trade_no": self.out_trade_no,
            "transaction_id": self.seen.payment_id,
            "sub_order_no": self.seen.suborder_id,
            "sub_order_id": self.sub_order_id,
            "verify_department": "OTHERS",
            "verify_department_trade_id": format!("v-{}", self.out_trade_no),
        })
    }

    fn record(&self) -> Value {
        json!({
            "sub_order_no": self.seen.suborder_id,
            "sub_order_id": self.sub_order_id,
            "mch_customs_no": self.merchant_customs_no,
            "customs": self.seen.customs_code,
            "fee_type": self.request.get("fee_type").cloned().unwrap_or_else(|| json!("CNY")),
            "order_fee": self.seen.amount_fen,
            "duty": self.request.get("duty"),
            "transport_fee": self.request.get("transport_fee"),
            "product_fee": self.request.get("product_fee"),
            "state": self.state,
            "explanation": self.explanation,
            "modify_time": self.modify_time,
        })
    }
}

/// The order a placement asks for, checked as WeChat Pay checks it.
fn placement(request: &Value, trade_type: &str) -> Result<WeChatSession, Answer> {
    let invalid = |field: &str| bad("PARAM_ERROR", field);
    if request["appid"] != APP_ID {
        return Err(invalid("appid"));
    }
    if request["trade_type"] != trade_type {
        return Err(invalid("trade_type"));
    }
    for field in ["/description", "/merchant_category_code"] {
        text(request, field, 127).map_err(|()| invalid(field.trim_start_matches('/')))?;
    }
    let amount_fen = integer(request, "/amount/total").map_err(|()| invalid("amount.total"))?;
    if amount_fen <= 0 || request.pointer("/amount/currency") != Some(&json!("CNY")) {
        return Err(invalid("amount"));
    }
    if trade_type == "MWEB" && text(request, "/scene_info/payer_client_ip", 45).is_err() {
        return Err(invalid("scene_info.payer_client_ip"));
    }
    Ok(WeChatSession {
        out_trade_no: text(request, "/out_trade_no", 32).map_err(|()| invalid("out_trade_no"))?.to_string(),
        amount_fen,
        notify_url: text(request, "/notify_url", 256).map_err(|()| invalid("notify_url"))?.to_string(),
        trade_type: trade_type.to_string(),
    })
}

/// A sub-order's fees: in CNY, and `order_fee` = `transport_fee` + `product_fee`.
fn sub_order_fees_add_up(request: &Value) -> bool {
    let fee = |name: &str| request.get(name).and_then(Value::as_i64);
    request.get("fee_type").and_then(Value::as_str) == Some("CNY")
        && match (fee("order_fee"), fee("transport_fee"), fee("product_fee")) {
            (Some(order), Some(transport), Some(product)) => order > 0 && order == transport + product,
            (Some(order), None, None) => order > 0,
            _ => false,
        }
}

/// A required string field, not empty, of at most `max` characters.
fn text<'a>(request: &'a Value, pointer: &str, max: usize) -> Result<&'a str, ()> {
    match request.pointer(pointer).and_then(Value::as_str) {
        Some(text) if !text.is_empty() && text.chars().count() <= max => Ok(text),
        _ => Err(()),
    }
}

fn integer(request: &Value, pointer: &str) -> Result<i64, ()> {
    request.pointer(pointer).and_then(Value::as_i64).ok_or(())
}

fn refusal(code: &str, message: &str) -> Value {
    json!({"code": code, "message": message})
}

fn bad(code: &str, message: &str) -> Answer {
    (StatusCode::BAD_REQUEST, Some(refusal(code, message)))
}

fn order_not_found() -> Answer {
    (StatusCode::NOT_FOUND, Some(refusal("ORDER_NOT_EXIST", "订单不存在")))
}

/// A query parameter, percent-decoded.
fn param(query: &str, name: &str) -> Option<String> {
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).and_then(|(_, v)| decoded(v))
}

/// A path segment or a query value as WeChat Pay reads it: percent-decoded.
fn decoded(text: &str) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(byte) = bytes.next() {
        if byte == b'%' {
            let hex = [bytes.next()?, bytes.next()?];
            out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            out.push(byte);
        }
    }
    String::from_utf8(out).ok()
}

/// The signature WeChat Pay puts on an answer or a callback.
fn sign(key: &SigningKey<Sha256>, timestamp: &str, nonce: &str, body: &str) -> String {
    let signature: Signature = key.sign(response_message(timestamp, nonce, body).as_bytes());
    BASE64.encode(signature.to_bytes())
}

/// A payer's `openid` under the fake's app: the same for the same person.
fn openid(payer_id_number: &str) -> String {
    let digest = Sha256::digest(format!("{APP_ID}:{payer_id_number}").as_bytes());
    let hex: String = digest.iter().take(12).map(|byte| format!("{byte:02x}")).collect();
    format!("oFake{hex}")
}

fn platform_serial() -> String {
    PLATFORM_SERIAL.iter().map(|byte| format!("{byte:02X}")).collect()
}

/// The platform certificate: self-signed with the platform key, under the platform's
/// serial number, valid for ten years; made once per process.
fn platform_certificate(platform: &KeyPair) -> &'static str {
    static CERTIFICATE: OnceLock<String> = OnceLock::new();
    CERTIFICATE.get_or_init(|| {
        make_certificate(platform).unwrap_or_else(|e| panic!("the fake WeChat Pay has no certificate: {e}"))
    })
}

fn make_certificate(platform: &KeyPair) -> Result<String, String> {
    use std::str::FromStr;
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::der::EncodePem;
    use x509_cert::der::pem::LineEnding;
    use x509_cert::spki::SubjectPublicKeyInfoOwned;
    let error = |e: &dyn std::fmt::Display| e.to_string();
    let spki = SubjectPublicKeyInfoOwned::from_key(platform.private.to_public_key()).map_err(|e| error(&e))?;
    let ten_years = std::time::Duration::from_secs(10 * 365 * 86_400);
    let validity = x509_cert::time::Validity::from_now(ten_years).map_err(|e| error(&e))?;
    let subject = x509_cert::name::Name::from_str("CN=Tenpay.com sign,O=Tenpay.com,C=CN").map_err(|e| error(&e))?;
    let serial = x509_cert::serial_number::SerialNumber::new(&PLATFORM_SERIAL).map_err(|e| error(&e))?;
    let signer = SigningKey::<Sha256>::new(platform.private.clone());
    let builder =
        CertificateBuilder::new(Profile::Root, serial, validity, subject, spki, &signer).map_err(|e| error(&e))?;
    let certificate = builder.build::<Signature>().map_err(|e| error(&e))?;
    certificate.to_pem(LineEnding::LF).map_err(|e| error(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_percent_decoded() {
        assert_eq!(decoded("p%7C1%2Ax%40y").as_deref(), Some("p|1*x@y"));
        assert_eq!(decoded("p-1"), Some("p-1".into()));
        assert_eq!(decoded("p%7"), None);
        assert_eq!(decoded("p%zz"), None);
        assert_eq!(param("appid=wx1&order_no=p%7C1", "order_no").as_deref(), Some("p|1"));
        assert_eq!(param("appid=wx1", "order_no"), None);
    }

    #[test]
    fn a_sub_order_fees_add_up_in_cny() {
        let request = json!({"fee_type": "CNY", "order_fee": 15812, "transport_fee": 0, "product_fee": 15812});
        assert!(sub_order_fees_add_up(&request));
        assert!(!sub_order_fees_add_up(
            &json!({"fee_type": "CNY", "order_fee": 15812, "transport_fee": 1, "product_fee": 15812})
        ));
        assert!(!sub_order_fees_add_up(&json!({"fee_type": "USD", "order_fee": 15812})));
        assert!(sub_order_fees_add_up(&json!({"fee_type": "CNY", "order_fee": 15812})));
    }

    #[test]
    fn a_payer_has_one_openid() {
        assert_eq!(openid("110101199003074477"), openid("110101199003074477"));
        assert_ne!(openid("110101199003074477"), openid("110101199001011234"));
        assert_eq!(platform_serial(), "5157F09EFDC096DE15EBE81A47057A72");
    }
}
