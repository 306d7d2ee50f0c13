//! Calls to Antom (`pay`, `inquiryPayment`, `refund`, `declare`,
//! `inquiryDeclarationRequests`) and notifications from it (`notifyPayment`,
//! `notifyRefund`), signed and verified.
//!
//! Each call's failure is classified by what Gateway may conclude from it:
//! - [`CallError::Retry`]: the request never reached Antom (no connection): sending it
//!   again, with the same `paymentRequestId`, is safe;
//! - [`CallError::Failed`]: Antom answered `F`: the request did not and will not take
//!   effect;
//! - [`CallError::Unknown`]: it may have taken effect (a time-out after sending, a 5xx,
//!   a `U`, an answer whose signature does not verify): only an inquiry can tell.

use super::messages::{
    Answer, AntomNotification, DECLARE_URI, DeclareRequest, DeclareResponse, INQUIRY_DECLARATIONS_URI, INQUIRY_URI,
    InquiryDeclarationsRequest, InquiryDeclarationsResponse, InquiryRequest, InquiryResponse, PAY_URI, PayRequest,
    PayResponse, PaymentNotification, REFUND_URI, RefundRequest, RefundResponse, ResultStatus,
};
use super::signature::{RequestSigner, ResponseVerifier, SignatureError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The classification every wallet's client shares, here under its old path.
pub use crate::call::CallError;

/// The headers of a message Antom signed.
#[derive(Debug, Clone, Copy)]
pub struct SignedHeaders<'a> {
    pub client_id: &'a str,
    /// `response-time` on an answer, `request-time` on a notification.
    pub time: &'a str,
    pub signature: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotificationError {
    #[error("the notification is not Antom's: {0}")]
    Signature(#[from] SignatureError),
    #[error("the notification names another client id")]
    OtherClient,
    #[error("the notification's body is not one Gateway reads: {0}")]
    Body(String),
}

/// Gateway's side of Antom's API: its base URL (`GATEWAY_ANTOM_BASE_URL`), Gateway's
/// signing key and Antom's public key.
#[derive(Debug)]
pub struct AntomClient {
    base_url: String,
    signer: RequestSigner,
    verifier: ResponseVerifier,
    http: reqwest::Client,
}

/// The one field a notification is told apart by.
#[derive(serde::Deserialize)]
struct NotifyType {
    #[serde(rename = "notifyType")]
    notify_type: String,
}

fn now_millis() -> String {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default().to_string()
}

impl AntomClient {
    /// `timeout` bounds each call: past it, the outcome is [`CallError::Unknown`].
    pub fn new(
        base_url: impl Into<String>,
        signer: RequestSigner,
        verifier: ResponseVerifier,
        timeout: Duration,
    ) -> Result<Self, CallError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| CallError::Retry(format!("no HTTP client: {e}")))?;
        let base_url = base_url.into().trim_end_matches('/').to_string();
        Ok(AntomClient { base_url, signer, verifier, http })
    }

    /// `pay`: opens the wallet's session. An open session (`U` with
    /// `PAYMENT_IN_PROCESS`) is a success here: the shopper is to pay at the wallet.
    pub async fn pay(&self, request: &PayRequest) -> Result<PayResponse, CallError> {
        let answer: PayResponse = self.call(PAY_URI, request).await?;
        if answer.result.is_session_open() {
            return Ok(answer);
        }
        classify(answer)
    }

    /// `inquiryPayment`: where a payment stands at Antom.
    pub async fn inquire(&self, payment_request_id: &str) -> Result<InquiryResponse, CallError> {
        let request = InquiryRequest { payment_request_id: payment_request_id.to_string() };
        classify(self.call(INQUIRY_URI, &request).await?)
    }

    /// `refund`: part or all of a captured payment. Accepted for later
    /// (`REFUND_IN_PROCESS`) is a success here: `notifyRefund` or an inquiry tells the end.
    pub async fn refund(&self, request: &RefundRequest) -> Result<RefundResponse, CallError> {
        let answer: RefundResponse = self.call(REFUND_URI, request).await?;
        if answer.is_in_process() {
            return Ok(answer);
        }
        classify(answer)
    }

    /// `declare`: sends an order's payment to the customs office.
    pub async fn declare(&self, request: &DeclareRequest) -> Result<DeclareResponse, CallError> {
        classify(self.call(DECLARE_URI, request).await?)
    }

    /// `inquiryDeclarationRequests`: the customs' answers to up to 10 declarations.
    pub async fn inquire_declarations(&self, ids: &[String]) -> Result<InquiryDeclarationsResponse, CallError> {
        let request = InquiryDeclarationsRequest { declaration_request_ids: ids.to_vec() };
        classify(self.call(INQUIRY_DECLARATIONS_URI, &request).await?)
    }

    /// Verifies a `notifyPayment` that arrived at `notify_path` (the path of
    /// `paymentNotifyUrl`) and reads it. Gateway answers it only once it has stored what
    /// it says, with [`super::messages::ResultInfo::notification_received`]. A
    /// `notifyRefund` is refused here as [`NotificationError::Body`]: read it with
    /// [`AntomClient::read_any_notification`].
    pub fn read_notification(
        &self,
        notify_path: &str,
        headers: SignedHeaders<'_>,
        body: &str,
    ) -> Result<PaymentNotification, NotificationError> {
        match self.read_any_notification(notify_path, headers, body)? {
            AntomNotification::Payment(payment) => Ok(payment),
            AntomNotification::Refund(_) => {
                Err(NotificationError::Body("a refund result, not a payment result".into()))
            }
        }
    }

    /// Verifies a notification that arrived at `notify_path` (the path of
    /// `paymentNotifyUrl` or of `refundNotifyUrl`), then reads it by its `notifyType`.
    /// Nothing of the body is read before its signature verifies.
    pub fn read_any_notification(
        &self,
        notify_path: &str,
        headers: SignedHeaders<'_>,
        body: &str,
    ) -> Result<AntomNotification, NotificationError> {
        if headers.client_id != self.signer.client_id() {
            return Err(NotificationError::OtherClient);
        }
        self.verifier.verify("POST", notify_path, headers.client_id, headers.time, body, headers.signature)?;
        let unreadable = |e: serde_json::Error| NotificationError::Body(e.to_string());
        let kind: NotifyType = serde_json::from_str(body).map_err(unreadable)?;
        match kind.notify_type.as_str() {
            "PAYMENT_RESULT" | "PAYMENT_PENDING" => {
                serde_json::from_str(body).map(AntomNotification::Payment).map_err(unreadable)
            }
            "REFUND_RESULT" => serde_json::from_str(body).map(AntomNotification::Refund).map_err(unreadable),
            other => Err(NotificationError::Body(format!("a notifyType this version does not read: {other}"))),
        }
    }

    async fn call<Req: Serialize, Resp: DeserializeOwned>(&self, uri: &str, request: &Req) -> Result<Resp, CallError> {
        let body = serde_json::to_string(request).map_err(|e| CallError::Retry(format!("unwritable request: {e}")))?;
        let time = now_millis();
        let signature = self.signer.signature_header("POST", uri, &time, &body);
        let sent = self
            .http
            .post(format!("{}{uri}", self.base_url))
            .header("content-type", "application/json; charset=UTF-8")
            .header("client-id", self.signer.client_id())
            .header("request-time", &time)
            .header("signature", signature)
            .body(body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            // Not connected: nothing reached Antom.
            Err(e) if e.is_connect() => return Err(CallError::Retry(e.to_string())),
            Err(e) => return Err(CallError::Unknown(e.to_string())),
        };
        let status = response.status();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let (client_id, time, signature) = (header("client-id"), header("response-time"), header("signature"));
        let text = response.text().await.map_err(|e| CallError::Unknown(e.to_string()))?;
        if !status.is_success() {
            return Err(CallError::Unknown(format!("HTTP {status}")));
        }
        let (Some(client_id), Some(time), Some(signature)) = (client_id, time, signature) else {
            return Err(CallError::Unknown("an answer without its signature headers".into()));
        };
        self.verifier
            .verify("POST", uri, &client_id, &time, &text, &signature)
            .map_err(|e| CallError::Unknown(format!("an answer that is not Antom's: {e}")))?;
        serde_json::from_str(&text).map_err(|e| CallError::Unknown(format!("an unreadable answer: {e}")))
    }
}

/// An answer by its result: `S` is the answer, `F` a refusal, `U` unknown.
fn classify<A: Answer>(answer: A) -> Result<A, CallError> {
    let result = answer.result();
    match result.result_status {
        ResultStatus::Succeeded => Ok(answer),
        ResultStatus::Failed => {
            Err(CallError::Failed { code: result.result_code.clone(), message: result.result_message.clone() })
        }
        ResultStatus::Unknown => Err(CallError::Unknown(format!("{}: {}", result.result_code, result.result_message))),
    }
}
