//! Fake wallet providers for tests: an Antom ([`antom::FakeAntom`]) and a WeChat Pay
//! ([`wechat_pay::FakeWeChatPay`]) that speak the published protocols over HTTP on
//! 127.0.0.1 with keys of their own, so that Gateway's side of each protocol — this
//! crate's clients, and Gateway's HTTP end to end — meets the other side rather than
//! itself. Behind the `fake` feature, off by default: production builds carry neither
//! a server nor key generation.
//!
//! Each fake
//! - refuses every request whose signature does not verify under Gateway's public key,
//!   as the provider does, and counts the refusals;
//! - signs every answer and every notification with its own key, which Gateway
//!   verifies;
//! - reads requests and writes answers by the protocol's field names, as JSON values
//!   rather than through this crate's message types, so that a field the client
//!   misspells shows here as a refusal instead of agreeing with itself;
//! - keeps what it was asked (sessions, refunds, declarations) for tests to assert on,
//!   and plays, on demand, the shopper (paying, giving up) and the provider's
//!   notifications (sent, lost, repeated, forged).
//!
//! The keys are 2048-bit RSA, made once per process, in parallel: making them is the
//! slow part of a test. Gateway's key, the providers' key and a stranger's key (for
//! forgeries) are three different keys; both fakes share them.
//!
//! The fakes are test fixtures: a fake that cannot start (no key, no port) panics, and
//! so does a test that plays the shopper on a session the fake never opened.

pub mod antom;
pub mod wechat_pay;

use axum::Router;
use rsa::RsaPrivateKey;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::rand_core::{OsRng, RngCore};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What a fake does besides answering by the protocol.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum FakeMode {
    /// Answers as the provider does.
    #[default]
    Honest,
    /// Takes each call, but signs its answers with the stranger's key: Gateway must not
    /// believe them.
    ForgedAnswers,
    /// HTTP 500 to every call, before it takes effect.
    Broken,
    /// Takes each call at once but answers it after [`SLOW_ANSWER`], past a client's
    /// time-out: the call took effect and Gateway cannot know it.
    Slow,
}

/// How late a [`FakeMode::Slow`] fake answers.
pub const SLOW_ANSWER: Duration = Duration::from_secs(3);

/// A refund as a fake took it: once per idempotency key, however often it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRefund {
    /// Gateway's id of the refund: Antom's `refundRequestId`, WeChat Pay's
    /// `out_refund_no`.
    pub refund_request_id: String,
    /// The payment as the request names it: Antom's `paymentId`, WeChat Pay's
    /// `out_trade_no`.
    pub payment_id: String,
    pub amount_fen: i64,
}

/// A declaration to customs as a fake took it: once per declaration, however often it
/// was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenDeclaration {
    /// Antom's `declarationRequestId`; for WeChat Pay, which has no such id, the
    /// `sub_order_no` (or the `out_trade_no` when there is none).
    pub declaration_request_id: String,
    /// Antom's `paymentId`; WeChat Pay's `transaction_id`.
    pub payment_id: String,
    pub amount_fen: i64,
    /// Antom's `suborderId`; WeChat Pay's `sub_order_no`.
    pub suborder_id: Option<String>,
    /// The buyer's ID number (Antom's `buyerCertificate`); WeChat Pay's declaration
    /// carries none.
    pub certificate_no: Option<String>,
    /// Antom's `customsCode`; WeChat Pay's `customs`.
    pub customs_code: String,
}

/// An RSA key pair and its PEMs, as the dashboards hand them out.
pub(crate) struct KeyPair {
    pub(crate) private: RsaPrivateKey,
    /// PKCS #8 (`BEGIN PRIVATE KEY`).
    pub(crate) private_pem: String,
    /// SPKI (`BEGIN PUBLIC KEY`).
    pub(crate) public_pem: String,
}

/// The process's three keys.
pub(crate) struct Keys {
    /// Gateway's (Antom's merchant key, WeChat Pay's merchant API key).
    pub(crate) gateway: KeyPair,
    /// The providers' (Antom's key, WeChat Pay's platform key).
    pub(crate) provider: KeyPair,
    /// Nobody's: what forgeries are signed with.
    pub(crate) stranger: KeyPair,
}

/// The keys, made on first use off the async runtime (a few seconds of work), then
/// shared by every fake of the process.
pub(crate) async fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    if let Some(keys) = KEYS.get() {
        return keys;
    }
    let made = tokio::task::spawn_blocking(|| KEYS.get_or_init(make_keys)).await;
    made.unwrap_or_else(|e| panic!("the fakes' keys could not be made: {e}"))
}

fn make_keys() -> Keys {
    let [gateway, provider, stranger] = std::thread::scope(|scope| {
        [(); 3]
            .map(|()| scope.spawn(key_pair))
            .map(|maker| maker.join().unwrap_or_else(|_| panic!("the fakes' key generation panicked")))
    });
    Keys { gateway, provider, stranger }
}

fn key_pair() -> KeyPair {
    let private = RsaPrivateKey::new(&mut OsRng, 2048).unwrap_or_else(|e| panic!("no RSA key for the fakes: {e}"));
    let private_pem = private
        .to_pkcs8_pem(LineEnding::LF)
        .map(|pem| pem.to_string())
        .unwrap_or_else(|e| panic!("the fakes' key does not encode: {e}"));
    let public_pem = private
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap_or_else(|e| panic!("the fakes' public key does not encode: {e}"));
    KeyPair { private, private_pem, public_pem }
}

/// Serves `router` on a port of its own on 127.0.0.1, for as long as the runtime runs,
/// and answers its base URL (`http://127.0.0.1:PORT`).
pub(crate) async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("a fake cannot listen on 127.0.0.1: {e}"));
    let address = listener.local_addr().unwrap_or_else(|e| panic!("a fake has no address: {e}"));
    tokio::spawn(async move {
        // It serves until the runtime ends; an error here has no one to go to.
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{address}")
}

/// The HTTP client a fake sends its notifications with.
pub(crate) fn http_client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap_or_default()
}

/// Sends a notification and answers what came back, raw, for tests to assert on:
/// status 0, and why, when it could not be delivered.
pub(crate) async fn deliver(request: reqwest::RequestBuilder) -> (u16, String) {
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            (status, response.text().await.unwrap_or_default())
        }
        Err(e) => (0, format!("not delivered: {e}")),
    }
}

/// A fake's state. A test that panicked while holding it already failed; what the lock
/// guards is still whole (each change is made in one go), so later reads go on.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

pub(crate) fn now_millis() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default()
}

/// Now as both wallets write times: RFC 3339 in Beijing time (`2026-12-07T23:01:10+08:00`).
pub(crate) fn beijing_now() -> String {
    beijing_time(now_secs())
}

fn beijing_time(unix_secs: u64) -> String {
    let local = unix_secs + 8 * 3600;
    let (days, secs) = (local / 86_400, local % 86_400);
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) = (secs / 3600, secs % 3600 / 60, secs % 60);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}+08:00")
}

/// The proleptic Gregorian date `days` after 1970-01-01 (H. Hinnant's
/// `civil_from_days`, for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// `len` random letters and digits: nonces, and WeChat Pay's API v3 key.
pub(crate) fn random_text(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = vec![0u8; len];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()])).collect()
}

/// Percent-encodes all but the URL-unreserved characters: an id put in a link.
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(char::from(byte)),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A URL's path and query, which is what both wallets sign of it.
pub(crate) fn path_and_query(url: &reqwest::Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_in_beijing_time() {
        assert_eq!(beijing_time(0), "1970-01-01T08:00:00+08:00");
        // 2025-12-07T23:00:00Z.
        assert_eq!(beijing_time(1_765_148_400), "2025-12-08T07:00:00+08:00");
        // 2028-02-29T16:30:05Z, a leap day.
        assert_eq!(beijing_time(1_835_454_605), "2028-03-01T00:30:05+08:00");
    }

    #[test]
    fn random_text_is_letters_and_digits_of_the_length_asked() {
        let (a, b) = (random_text(32), random_text(32));
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }

    #[test]
    fn ids_in_links_are_percent_encoded() {
        assert_eq!(percent_encode("p-1_a.b~c"), "p-1_a.b~c");
        assert_eq!(percent_encode("p|1*x@y"), "p%7C1%2Ax%40y");
    }
}
