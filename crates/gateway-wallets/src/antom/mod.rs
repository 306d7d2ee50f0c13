//! Antom, the acquirer behind Alipay for merchants outside China, as its API
//! fundamentals describe it: every call is a `POST` of JSON to
//! `{base}/ams/api/v1/{endpoint}` with the headers `client-id`, `request-time`
//! (milliseconds since the epoch) and `signature`; every answer and every notification
//! carries `client-id`, `response-time` or `request-time`, and a `signature` that
//! Gateway verifies with Antom's public key before reading the body.
//!
//! - [`signature`] — signing what Gateway sends, verifying what Antom sends.
//! - [`client`] — the calls (`pay`, `inquiryPayment`, `refund`, `declare`,
//!   `inquiryDeclarationRequests`), each failure classified as retry, failed or
//!   unknown; reading a verified `notifyPayment` or `notifyRefund`.
//! - [`messages`] — the bodies of those calls and of `notifyPayment` and
//!   `notifyRefund`, and the result
//!   every answer carries (`S`, `F`, `U`).

pub mod client;
pub mod messages;
pub mod signature;
