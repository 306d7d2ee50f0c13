//! Antom's message signature. The signed content is
//!
//! ```text
//! <HTTP method> <HTTP URI with query>\n<client-id>.<request-time or response-time>.<HTTP body>
//! ```
//!
//! signed with SHA256withRSA (PKCS #1 v1.5, 2048-bit keys), Base64-encoded, then
//! URL-encoded into the header `signature: algorithm=RSA256, keyVersion=N, signature=…`.
//! Gateway signs its requests with its own private key; it verifies Antom's answers
//! and notifications with Antom's public key. Neither key is ever printed: the types
//! holding them show only the client id and the key version.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::{SignatureEncoding, Signer as _, Verifier as _};
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use std::fmt;

/// The one algorithm Antom names in the header.
pub const ALGORITHM: &str = "RSA256";

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    /// The key file is not an RSA key in PEM (PKCS #8, or PKCS #1 for a private key).
    #[error("not an RSA key in PEM: {0}")]
    Key(String),
    /// The `signature` header is missing a part, or names another algorithm.
    #[error("malformed signature header: {0}")]
    Header(&'static str),
    /// The signature does not match the content under the key.
    #[error("the signature does not match")]
    Mismatch,
}

/// The content Antom signs and verifies, in its published layout.
pub fn content_to_sign(method: &str, uri: &str, client_id: &str, time: &str, body: &str) -> String {
    format!("{method} {uri}\n{client_id}.{time}.{body}")
}

/// What Gateway signs its requests with: its client id, its private key, and the
/// version of that key registered with Antom.
pub struct RequestSigner {
    client_id: String,
    key_version: u32,
    key: SigningKey<Sha256>,
}

impl fmt::Debug for RequestSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestSigner")
            .field("client_id", &self.client_id)
            .field("key_version", &self.key_version)
            .finish_non_exhaustive()
    }
}

impl RequestSigner {
    /// From Gateway's private key in PEM, PKCS #8 (`BEGIN PRIVATE KEY`) or PKCS #1
    /// (`BEGIN RSA PRIVATE KEY`), as Antom's dashboard and `openssl genrsa` write it.
    pub fn from_pem(client_id: impl Into<String>, key_version: u32, pem: &str) -> Result<Self, SignatureError> {
        let key = crate::keys::private_key_from_pem(pem).map_err(SignatureError::Key)?;
        Ok(Self::from_key(client_id, key_version, key))
    }

    pub fn from_key(client_id: impl Into<String>, key_version: u32, key: RsaPrivateKey) -> Self {
        RequestSigner { client_id: client_id.into(), key_version, key: SigningKey::new(key) }
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The value of the `signature` header for a request `method uri` sent at `time`
    /// (the `request-time` header's value) with `body`.
    pub fn signature_header(&self, method: &str, uri: &str, time: &str, body: &str) -> String {
        let content = content_to_sign(method, uri, &self.client_id, time, body);
        let signature: Signature = self.key.sign(content.as_bytes());
        SignatureHeader { key_version: self.key_version, signature: signature.to_vec() }.to_string()
    }
}

/// What Gateway verifies Antom's answers and notifications with: Antom's public key.
#[derive(Clone)]
pub struct ResponseVerifier {
    key: VerifyingKey<Sha256>,
}

impl fmt::Debug for ResponseVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseVerifier").finish_non_exhaustive()
    }
}

impl ResponseVerifier {
    /// From Antom's public key in PEM (`BEGIN PUBLIC KEY`).
    pub fn from_pem(pem: &str) -> Result<Self, SignatureError> {
        let key = RsaPublicKey::from_public_key_pem(pem).map_err(|e| SignatureError::Key(e.to_string()))?;
        Ok(Self::from_key(key))
    }

    pub fn from_key(key: RsaPublicKey) -> Self {
        ResponseVerifier { key: VerifyingKey::new(key) }
    }

    /// Checks a message Antom signed: `header` is its `signature` header, `client_id`
    /// and `time` its `client-id` and `response-time` (an answer) or `request-time`
    /// (a notification), `method uri` the call it answers or the notify URL's path.
    pub fn verify(
        &self,
        method: &str,
        uri: &str,
        client_id: &str,
        time: &str,
        body: &str,
        header: &str,
    ) -> Result<(), SignatureError> {
        let parsed: SignatureHeader = header.parse()?;
        let signature = Signature::try_from(parsed.signature.as_slice()).map_err(|_| SignatureError::Mismatch)?;
        let content = content_to_sign(method, uri, client_id, time, body);
        self.key.verify(content.as_bytes(), &signature).map_err(|_| SignatureError::Mismatch)
    }
}

/// `algorithm=RSA256, keyVersion=1, signature=<URL-encoded Base64>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    pub key_version: u32,
    pub signature: Vec<u8>,
}

impl fmt::Display for SignatureHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let encoded = url_encode(&BASE64.encode(&self.signature));
        write!(f, "algorithm={ALGORITHM}, keyVersion={}, signature={encoded}", self.key_version)
    }
}

impl std::str::FromStr for SignatureHeader {
    type Err = SignatureError;

    fn from_str(header: &str) -> Result<Self, Self::Err> {
        let (mut algorithm, mut key_version, mut signature) = (None, None, None);
        for part in header.split(',') {
            let Some((key, value)) = part.trim().split_once('=') else {
                return Err(SignatureError::Header("a part without '='"));
            };
            match key.trim() {
                "algorithm" => algorithm = Some(value.trim()),
                "keyVersion" => key_version = Some(value.trim()),
                "signature" => signature = Some(value.trim()),
                // Parts this version does not know are Antom's to add.
                _ => {}
            }
        }
        if algorithm.ok_or(SignatureError::Header("no algorithm"))? != ALGORITHM {
            return Err(SignatureError::Header("an algorithm other than RSA256"));
        }
        // The key version is optional: without it, the latest key of the client id.
        let key_version = match key_version {
            Some(v) => v.parse().map_err(|_| SignatureError::Header("a key version that is not a number"))?,
            None => 0,
        };
        let encoded = url_decode(signature.ok_or(SignatureError::Header("no signature"))?)
            .ok_or(SignatureError::Header("a signature that is not URL-encoded"))?;
        let signature = BASE64.decode(encoded).map_err(|_| SignatureError::Header("a signature that is not Base64"))?;
        Ok(SignatureHeader { key_version, signature })
    }
}

/// Percent-encodes all but the URL-unreserved characters (Base64's `+`, `/` and `=`
/// among them), as Antom's samples write the signature.
fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn url_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};

    use crate::keys::test_keys as keys;

    const URI: &str = "/ams/api/v1/payments/pay";
    const BODY: &str = r#"{"paymentRequestId":"pay_1","paymentAmount":{"currency":"CNY","value":"15812"}}"#;

    fn signer() -> RequestSigner {
        RequestSigner::from_key("SANDBOX_5Y0566SG25J004124", 1, keys().0.clone())
    }

    fn verifier(key: &RsaPrivateKey) -> ResponseVerifier {
        ResponseVerifier::from_key(key.to_public_key())
    }

    #[test]
    fn the_content_is_laid_out_as_published() {
        assert_eq!(
            content_to_sign("POST", "/ams/api/v1/payments/pay", "SANDBOX_5Y0566SG25J004124", "1685599933871", "{}"),
            "POST /ams/api/v1/payments/pay\nSANDBOX_5Y0566SG25J004124.1685599933871.{}"
        );
    }

    #[test]
    fn a_signed_request_verifies_with_the_public_key() {
        let header = signer().signature_header("POST", URI, "1685599933871", BODY);
        assert!(header.starts_with("algorithm=RSA256, keyVersion=1, signature="), "{header}");
        let client = "SANDBOX_5Y0566SG25J004124";
        assert_eq!(verifier(&keys().0).verify("POST", URI, client, "1685599933871", BODY, &header), Ok(()));
    }

    #[test]
    fn any_change_or_another_key_is_a_mismatch() {
        let header = signer().signature_header("POST", URI, "1685599933871", BODY);
        let client = "SANDBOX_5Y0566SG25J004124";
        let ours = verifier(&keys().0);
        let tampered = BODY.replace("15812", "1");
        for (uri, client, time, body) in [
            (URI, client, "1685599933871", tampered.as_str()),
            (URI, client, "1685599933872", BODY),
            ("/ams/api/v1/payments/refund", client, "1685599933871", BODY),
            (URI, "another-client", "1685599933871", BODY),
        ] {
            assert_eq!(ours.verify("POST", uri, client, time, body, &header), Err(SignatureError::Mismatch));
        }
        let stranger = verifier(&keys().1);
        assert_eq!(stranger.verify("POST", URI, client, "1685599933871", BODY, &header), Err(SignatureError::Mismatch));
    }

    #[test]
    fn the_header_round_trips_with_its_signature_url_encoded() {
        let header = SignatureHeader { key_version: 3, signature: vec![0xfb, 0xff, 0xfe, 0x3e] };
        let text = header.to_string();
        // Base64 "+//+Pg==" with '+', '/' and '=' encoded.
        assert_eq!(text, "algorithm=RSA256, keyVersion=3, signature=%2B%2F%2F%2BPg%3D%3D");
        assert_eq!(text.parse::<SignatureHeader>(), Ok(header));
    }

    #[test]
    fn malformed_headers_are_refused_by_name() {
        for (header, why) in [
            ("algorithm=RSA256, keyVersion=1", "no signature"),
            ("keyVersion=1, signature=AAAA", "no algorithm"),
            ("algorithm=HmacSHA256, signature=AAAA", "an algorithm other than RSA256"),
            ("algorithm=RSA256, keyVersion=x, signature=AAAA", "a key version that is not a number"),
            ("algorithm=RSA256, signature=%zz", "a signature that is not URL-encoded"),
            ("algorithm=RSA256, signature=***", "a signature that is not Base64"),
            ("algorithm=RSA256, signature", "a part without '='"),
        ] {
            assert_eq!(header.parse::<SignatureHeader>(), Err(SignatureError::Header(why)), "{header}");
        }
    }

    #[test]
    fn keys_load_from_pem_and_never_show() {
        let (ours, _) = keys();
        let private_pem = ours.to_pkcs8_pem(LineEnding::LF).unwrap();
        let public_pem = ours.to_public_key().to_public_key_pem(LineEnding::LF).unwrap();
        let signer = RequestSigner::from_pem("client-1", 2, &private_pem).unwrap();
        let header = signer.signature_header("POST", URI, "1", BODY);
        let verifier = ResponseVerifier::from_pem(&public_pem).unwrap();
        assert_eq!(verifier.verify("POST", URI, "client-1", "1", BODY, &header), Ok(()));

        assert_eq!(format!("{signer:?}"), r#"RequestSigner { client_id: "client-1", key_version: 2, .. }"#);
        assert_eq!(format!("{verifier:?}"), "ResponseVerifier { .. }");
        assert!(matches!(RequestSigner::from_pem("c", 1, "not a key"), Err(SignatureError::Key(_))));
        assert!(matches!(ResponseVerifier::from_pem(&private_pem), Err(SignatureError::Key(_))));
    }
}
