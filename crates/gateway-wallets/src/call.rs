//! What a call to a wallet's API may conclude, the same for every wallet: the
//! payment lifecycle in gateway-app decides from it whether to send a request again,
//! give up on it, or ask the wallet where it stands.

/// A call's failure, classified by what Gateway may conclude from it:
/// - [`CallError::Retry`]: the request did not take effect and sending it again, with
///   the same idempotency key (`paymentRequestId`, `out_trade_no`, `out_refund_no`),
///   is safe: it never reached the wallet (no connection), or the wallet turned it
///   away before reading it (a rate limit);
/// - [`CallError::Failed`]: the wallet refused it: it did not and will not take effect;
/// - [`CallError::Unknown`]: it may have taken effect (a time-out after sending, a 5xx,
///   an answer whose signature does not verify, an answer that does not say): only an
///   inquiry can tell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("the wallet was not reached; the call can be sent again: {0}")]
    Retry(String),
    #[error("the wallet refused the call: {code}: {message}")]
    Failed { code: String, message: String },
    #[error("the outcome of the call is unknown; inquire: {0}")]
    Unknown(String),
}
