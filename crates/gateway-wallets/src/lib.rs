//! The wallet providers' published protocols, spoken exactly: what Gateway signs and
//! sends, what it verifies and reads back. Nothing here holds state or knows orders:
//! the payment lifecycle lives in gateway-app, behind its provider port, and uses these
//! pieces to talk to the real services (and to the fakes in the tests, which implement
//! the same protocols with their own keys).
//!
//! - [`antom`] — Antom (Alipay) Cashier Payment: the `signature` header over
//!   `<method> <uri>\n<client-id>.<time>.<body>` (SHA256withRSA), the messages of
//!   `pay`, `inquiryPayment`, `refund`, `declare`, `notifyPayment` and `notifyRefund`,
//!   and a client that signs its calls, verifies the answers and classifies each
//!   failure as retry, failed or unknown ([`CallError`]).
//! - [`wechat_pay`] — WeChat Pay API v3: the `Authorization` signature, verification
//!   of answers and callbacks with the platform certificate or key, the
//!   AEAD_AES_256_GCM decryption of a callback's resource, and a client of the
//!   cross-border (global) API: Native and H5 orders, query, close, refund, customs
//!   declaration, and the payment and refund callbacks.
//! - `fake` (with the `fake` feature) — a fake Antom and a fake WeChat Pay, HTTP
//!   servers that speak those protocols with keys of their own, for this crate's tests
//!   and Gateway's HTTP tests.

pub mod antom;
mod call;
#[cfg(feature = "fake")]
pub mod fake;
mod keys;
pub mod wechat_pay;

pub use call::CallError;
