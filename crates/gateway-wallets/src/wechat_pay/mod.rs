//! WeChat Pay API v3, as its published signature and callback rules describe it, and
//! its cross-border (global) payment API.
//!
//! - [`signature`] — the `Authorization` a request carries (SHA256withRSA with the
//!   merchant's key), and the verification of answers and callbacks with the platform
//!   certificate or key.
//! - [`callback`] — a callback verified, then its `resource` decrypted with the API v3
//!   key (AEAD_AES_256_GCM).
//! - [`client`] — the global API's calls (Native and H5 placement, query, close,
//!   refund and its query, customs declaration and its query), each failure
//!   classified as retry, failed or unknown ([`crate::CallError`]); reading a verified,
//!   decrypted callback.
//! - [`messages`] — the bodies of those calls and callbacks, with the reference's field
//!   names, and the answer Gateway gives a callback.
//!
//! The items of both are here too, under the paths Gateway has always used
//! (`gateway_wallets::wechat_pay::MerchantSigner`, …).

pub mod callback;
pub mod client;
pub mod messages;
pub mod signature;

pub use callback::{ApiV3Key, Callback, EncryptedResource, read_callback};
pub use signature::{
    MerchantSigner, PlatformHeaders, PlatformVerifier, SCHEME, WeChatPayError, request_message, response_message,
};
