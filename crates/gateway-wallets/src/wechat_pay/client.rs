//! Calls to WeChat Pay's cross-border (global) API v3 — Native and H5 placement,
//! query, close, refund and its query, customs declaration and its query — and its
//! callbacks, signed and verified.
//!
//! Every request carries `Authorization` signed with the merchant's key; every answer,
//! refusals included, is verified with the platform key (its `Wechatpay-*` headers, a
//! timestamp within five minutes) before anything of it is read. Each failure is a
//! [`CallError`]:
//! - [`CallError::Retry`]: not connected, so nothing reached WeChat Pay; or HTTP 429
//!   (`FREQUENCY_LIMITED`), which WeChat Pay answers before taking the request;
//! - [`CallError::Failed`]: a verified 4xx with its `code` (`PARAM_ERROR`,
//!   `INVALID_REQUEST`, `SIGN_ERROR`, `ORDERPAID`, `ORDER_NOT_EXIST`, …): refused;
//! - [`CallError::Unknown`]: a time-out after sending, a 5xx (`SYSTEM_ERROR`,
//!   `BANK_ERROR`), an answer whose signature does not verify or that is not signed at
//!   all, an unreadable answer: it may have taken effect; query.

use super::callback::{ApiV3Key, Callback};
use super::messages::{
    CUSTOMS_PATH, CloseRequest, CustomsDeclaration, CustomsDeclarations, DeclarationBody, DeclarationRequest,
    DeclaredOrder, ErrorAnswer, H5_PATH, H5Answer, MWEB, NATIVE, NATIVE_PATH, NativeAnswer, Notification, Order,
    Placement, QUERY_PATH, REFUND_QUERY_PATH, REFUNDS_PATH, Refund, RefundBody, RefundRequest, Transaction,
};
use super::signature::{MerchantSigner, PlatformHeaders, PlatformVerifier, WeChatPayError};
use crate::call::CallError;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How far a signature's timestamp may be from Gateway's clock: the five minutes
/// WeChat Pay's signature rules give.
const CLOCK_SKEW_SECS: u64 = 5 * 60;

/// Gateway's side of WeChat Pay's global API: its base URL (the Hong Kong access point
/// `https://apihk.mch.weixin.qq.com` in production), the merchant's ids, its signing
/// key, the platform key its answers are verified with, and the API v3 key callbacks
/// are decrypted with. Only the direct ("common") mode is spoken.
#[derive(Debug)]
pub struct WeChatPayClient {
    base_url: String,
    mch_id: String,
    app_id: String,
    signer: MerchantSigner,
    verifier: PlatformVerifier,
    api_v3_key: ApiV3Key,
    http: reqwest::Client,
}

impl WeChatPayClient {
    /// `mch_id` is the merchant's id (the `mchid` of every body, and the one the
    /// signer's `Authorization` names); `app_id` the app bound to it. `timeout` bounds
    /// each call: past it, the outcome is [`CallError::Unknown`].
    pub fn new(
        base_url: impl Into<String>,
        mch_id: impl Into<String>,
        app_id: impl Into<String>,
        signer: MerchantSigner,
        verifier: PlatformVerifier,
        api_v3_key: ApiV3Key,
        timeout: Duration,
    ) -> Result<Self, CallError> {
        // The API v3 rules refuse a request without a User-Agent.
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("gateway-wallets/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CallError::Retry(format!("no HTTP client: {e}")))?;
        let base_url = base_url.into().trim_end_matches('/').to_string();
        Ok(WeChatPayClient {
            base_url,
            mch_id: mch_id.into(),
            app_id: app_id.into(),
            signer,
            verifier,
            api_v3_key,
            http,
        })
    }

    /// Native placement: the `code_url` to show as a QR code (a desktop's checkout).
    /// Placing the same `out_trade_no` again answers the same order, so a retry is safe;
    /// an order already paid is refused as `ORDERPAID`.
    pub async fn native(&self, order: &Order) -> Result<String, CallError> {
        let body = Placement { appid: &self.app_id, mchid: &self.mch_id, trade_type: NATIVE, order };
        let answer: NativeAnswer = self.post(NATIVE_PATH, &body).await?;
        Ok(answer.code_url)
    }

    /// H5 placement: the `h5_url` to send a phone's browser to. The order's
    /// `scene_info.payer_client_ip` must be the shopper's.
    pub async fn h5(&self, order: &Order) -> Result<String, CallError> {
        let body = Placement { appid: &self.app_id, mchid: &self.mch_id, trade_type: MWEB, order };
        let answer: H5Answer = self.post(H5_PATH, &body).await?;
        Ok(answer.h5_url)
    }

    /// Where a payment stands, by Gateway's `out_trade_no`. One never placed is refused
    /// as `ORDER_NOT_EXIST`.
    pub async fn query(&self, out_trade_no: &str) -> Result<Transaction, CallError> {
        let path = format!("{QUERY_PATH}{}?mchid={}", encode(out_trade_no), encode(&self.mch_id));
        self.get(&path).await
    }

    /// Closes an unpaid order, so that it can no longer be paid (answered 204). A paid
    /// order is refused as `ORDERPAID`: refund it instead.
    pub async fn close(&self, out_trade_no: &str) -> Result<(), CallError> {
        let path = format!("{QUERY_PATH}{}/close", encode(out_trade_no));
        let body = json(&CloseRequest { mchid: &self.mch_id })?;
        self.send(Method::POST, &path, body).await.map(|_| ())
    }

    /// Refunds part or all of a paid order. Accepted is not refunded: the refund's
    /// callback or [`WeChatPayClient::query_refund`] tells the end.
    pub async fn refund(&self, request: &RefundRequest) -> Result<Refund, CallError> {
        let body = RefundBody { mchid: &self.mch_id, appid: &self.app_id, refund: request };
        self.post(REFUNDS_PATH, &body).await
    }

    /// Where a refund stands, by Gateway's `out_refund_no`.
    pub async fn query_refund(&self, out_refund_no: &str) -> Result<Refund, CallError> {
        let path = format!("{REFUND_QUERY_PATH}{}?mchid={}", encode(out_refund_no), encode(&self.mch_id));
        self.get(&path).await
    }

    /// Declares a paid order (or one of its sub-orders) to a customs office.
    pub async fn declare(&self, request: &DeclarationRequest) -> Result<CustomsDeclaration, CallError> {
        let body = DeclarationBody { appid: &self.app_id, mchid: &self.mch_id, declaration: request };
        self.post(CUSTOMS_PATH, &body).await
    }

    /// The declarations of an order at `customs`, by the number `order` names.
    pub async fn query_declaration(
        &self,
        order: DeclaredOrder,
        order_no: &str,
        customs: &str,
    ) -> Result<CustomsDeclarations, CallError> {
        let path = format!(
            "{CUSTOMS_PATH}?appid={}&mchid={}&order_type={}&order_no={}&customs={}",
            encode(&self.app_id),
            encode(&self.mch_id),
            order.as_str(),
            encode(order_no),
            encode(customs)
        );
        self.get(&path).await
    }

    /// Verifies a callback that arrived at a `notify_url` (its serial, signature and
    /// timestamp), decrypts its resource with the API v3 key, and reads it by its
    /// `event_type`. Gateway answers it only once it has stored what it says, with
    /// [`super::messages::CallbackAnswer::received`].
    pub fn read_notification(&self, headers: PlatformHeaders<'_>, body: &str) -> Result<Notification, WeChatPayError> {
        // A callback is verified before its age is looked at: a forgery is a mismatch.
        self.verifier.verify_headers(headers, body)?;
        if !fresh(headers.timestamp) {
            return Err(WeChatPayError::Stale);
        }
        let unreadable = |e: serde_json::Error| WeChatPayError::Body(e.to_string());
        let callback: Callback = serde_json::from_str(body).map_err(unreadable)?;
        let resource: serde_json::Value =
            serde_json::from_slice(&self.api_v3_key.decrypt(&callback.resource)?).map_err(unreadable)?;
        let notification = match callback.event_type.split_once('.') {
            Some(("TRANSACTION", _)) => {
                Notification::Transaction(serde_json::from_value(resource).map_err(unreadable)?)
            }
            Some(("REFUND", _)) => Notification::Refund(serde_json::from_value(resource).map_err(unreadable)?),
            _ => {
                let why = format!("an event this version does not read: {}", callback.event_type);
                return Err(WeChatPayError::Body(why));
            }
        };
        let mchid = match &notification {
            Notification::Transaction(transaction) => transaction.mchid.as_deref(),
            Notification::Refund(refund) => refund.mchid.as_deref(),
        };
        if mchid.is_some_and(|mchid| mchid != self.mch_id) {
            return Err(WeChatPayError::OtherMerchant);
        }
        Ok(notification)
    }

    async fn post<Req: Serialize, Resp: DeserializeOwned>(&self, path: &str, body: &Req) -> Result<Resp, CallError> {
        let text = self.send(Method::POST, path, json(body)?).await?;
        read(&text)
    }

    async fn get<Resp: DeserializeOwned>(&self, path_and_query: &str) -> Result<Resp, CallError> {
        let text = self.send(Method::GET, path_and_query, String::new()).await?;
        read(&text)
    }

    /// Sends a signed request and returns the verified body of a 2xx answer.
    async fn send(&self, method: Method, path_and_query: &str, body: String) -> Result<String, CallError> {
        let timestamp = now_secs().to_string();
        let nonce = nonce();
        let authorization = self.signer.authorization(method.as_str(), path_and_query, &timestamp, &nonce, &body);
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path_and_query}", self.base_url))
            .header("accept", "application/json")
            .header("authorization", authorization);
        if method == Method::POST {
            request = request.header("content-type", "application/json").body(body);
        }
        let response = match request.send().await {
            Ok(response) => response,
            // Not connected: nothing reached WeChat Pay.
            Err(e) if e.is_connect() => return Err(CallError::Retry(e.to_string())),
            Err(e) => return Err(CallError::Unknown(e.to_string())),
        };
        let status = response.status();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let signed = (
            header("wechatpay-timestamp"),
            header("wechatpay-nonce"),
            header("wechatpay-signature"),
            header("wechatpay-serial"),
        );
        let text = response.text().await.map_err(|e| CallError::Unknown(e.to_string()))?;
        if status.is_server_error() {
            let code = serde_json::from_str::<ErrorAnswer>(&text).map(|e| format!(": {}", e.code)).unwrap_or_default();
            return Err(CallError::Unknown(format!("HTTP {status}{code}")));
        }
        let (Some(timestamp), Some(nonce), Some(signature), serial) = signed else {
            return Err(CallError::Unknown(format!("an answer (HTTP {status}) without its signature headers")));
        };
        let headers = PlatformHeaders {
            timestamp: &timestamp,
            nonce: &nonce,
            signature: &signature,
            serial: serial.as_deref().unwrap_or_default(),
        };
        self.verify_answer(headers, &text)
            .map_err(|e| CallError::Unknown(format!("an answer (HTTP {status}) that is not WeChat Pay's: {e}")))?;
        classify(status, text)
    }

    fn verify_answer(&self, headers: PlatformHeaders<'_>, body: &str) -> Result<(), WeChatPayError> {
        self.verifier.verify_headers(headers, body)?;
        if fresh(headers.timestamp) { Ok(()) } else { Err(WeChatPayError::Stale) }
    }
}

/// A verified answer by its status: 2xx is the answer; 429 was turned away unread; any
/// other 4xx is a refusal with its code.
fn classify(status: StatusCode, text: String) -> Result<String, CallError> {
    if status.is_success() {
        return Ok(text);
    }
    if !status.is_client_error() {
        return Err(CallError::Unknown(format!("HTTP {status}")));
    }
    let Ok(refusal) = serde_json::from_str::<ErrorAnswer>(&text) else {
        return Err(CallError::Unknown(format!("HTTP {status} without an error code")));
    };
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Err(CallError::Retry(format!("{}: {}", refusal.code, refusal.message)));
    }
    Err(CallError::Failed { code: refusal.code, message: refusal.message })
}

fn json<T: Serialize>(body: &T) -> Result<String, CallError> {
    serde_json::to_string(body).map_err(|e| CallError::Retry(format!("unwritable request: {e}")))
}

fn read<T: DeserializeOwned>(text: &str) -> Result<T, CallError> {
    serde_json::from_str(text).map_err(|e| CallError::Unknown(format!("an unreadable answer: {e}")))
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

/// Whether a signature's timestamp (seconds) is within [`CLOCK_SKEW_SECS`] of now.
fn fresh(timestamp: &str) -> bool {
    timestamp.trim().parse::<u64>().is_ok_and(|then| now_secs().abs_diff(then) <= CLOCK_SKEW_SECS)
}

/// A request's nonce: 32 hex characters, never the same twice in a process. It needs
/// to be unique, not secret: the hash of the time, a counter and the process id.
fn nonce() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    let mut hash = Sha256::new();
    hash.update(nanos.to_le_bytes());
    hash.update(COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    hash.update(std::process::id().to_le_bytes());
    hash.finalize().iter().take(16).map(|byte| format!("{byte:02X}")).collect()
}

/// Percent-encodes all but the URL-unreserved characters of a path segment or a query
/// value, so that the path and query Gateway signs are the ones it sends
/// (`out_trade_no` may hold `|`, `*` and `@`).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn nonces_do_not_repeat_and_have_the_published_shape() {
        let (a, b) = (nonce(), nonce());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn only_a_recent_timestamp_is_fresh() {
        let now = now_secs();
        assert!(fresh(&now.to_string()));
        assert!(fresh(&(now - 299).to_string()));
        assert!(!fresh(&(now - 301).to_string()));
        assert!(!fresh(&(now + 301).to_string()));
        assert!(!fresh("yesterday"));
    }

    #[test]
    fn path_segments_are_encoded_as_signed() {
        assert_eq!(encode("p-1_a.b~c"), "p-1_a.b~c");
        assert_eq!(encode("a|b*c@d e"), "a%7Cb%2Ac%40d%20e");
    }

    #[test]
    fn verified_answers_are_classified_by_status() {
        assert_eq!(classify(StatusCode::OK, "{}".into()), Ok("{}".into()));
        assert_eq!(classify(StatusCode::NO_CONTENT, String::new()), Ok(String::new()));
        let refusal = r#"{"code":"ORDERPAID","message":"该订单已支付"}"#;
        assert_eq!(
            classify(StatusCode::FORBIDDEN, refusal.into()),
            Err(CallError::Failed { code: "ORDERPAID".into(), message: "该订单已支付".into() })
        );
        let limited = r#"{"code":"FREQUENCY_LIMITED","message":"频率超限"}"#;
        assert!(matches!(classify(StatusCode::TOO_MANY_REQUESTS, limited.into()), Err(CallError::Retry(_))));
        assert!(matches!(classify(StatusCode::BAD_REQUEST, "<html>".into()), Err(CallError::Unknown(_))));
        assert!(matches!(classify(StatusCode::FOUND, String::new()), Err(CallError::Unknown(_))));
    }
}
