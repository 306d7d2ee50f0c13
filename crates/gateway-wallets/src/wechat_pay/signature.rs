//! The signatures of WeChat Pay API v3, as its published rules describe them.
//!
//! - A request is signed with the merchant's private key (SHA256withRSA) over five
//!   lines, each ending in `\n`: `METHOD`, the URL's path and query, the timestamp
//!   (seconds), a random nonce, the body. The signature travels in
//!   `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"`.
//! - An answer or a callback is signed with WeChat Pay's platform key over three lines:
//!   `Wechatpay-Timestamp`, `Wechatpay-Nonce`, the body; the signature is
//!   `Wechatpay-Signature`. Gateway verifies it with the public key of the platform
//!   certificate (or the platform public key) before reading anything.
//!
//! No key shows in Debug output.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::{SignatureEncoding, Signer as _, Verifier as _};
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use std::fmt;
use x509_cert::Certificate;
use x509_cert::der::DecodePem;

/// The scheme named in `Authorization`.
pub const SCHEME: &str = "WECHATPAY2-SHA256-RSA2048";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeChatPayError {
    #[error("not a usable key: {0}")]
    Key(String),
    #[error("the signature does not match")]
    Mismatch,
    #[error("the resource does not decrypt under the API v3 key")]
    Decrypt,
    #[error("unreadable message: {0}")]
    Body(String),
    /// Signed with a platform key other than the one Gateway holds (`Wechatpay-Serial`
    /// names it): WeChat Pay has rotated its key, and Gateway needs the new one.
    #[error("signed with the platform key of serial {0}, not the one Gateway holds")]
    Serial(String),
    /// `Wechatpay-Timestamp` is more than five minutes from Gateway's clock: a replay,
    /// or a clock that is off.
    #[error("the signature's timestamp is more than five minutes from now")]
    Stale,
    /// Verified and decrypted, but about another merchant's order.
    #[error("about another merchant")]
    OtherMerchant,
}

/// The five lines a request's signature covers.
pub fn request_message(method: &str, path_and_query: &str, timestamp: &str, nonce: &str, body: &str) -> String {
    format!("{method}\n{path_and_query}\n{timestamp}\n{nonce}\n{body}\n")
}

/// The three lines an answer's or a callback's signature covers.
pub fn response_message(timestamp: &str, nonce: &str, body: &str) -> String {
    format!("{timestamp}\n{nonce}\n{body}\n")
}

/// The merchant's side: its merchant id, its API certificate's serial number and
/// private key.
pub struct MerchantSigner {
    mch_id: String,
    serial_no: String,
    key: SigningKey<Sha256>,
}

impl fmt::Debug for MerchantSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerchantSigner")
            .field("mch_id", &self.mch_id)
            .field("serial_no", &self.serial_no)
            .finish_non_exhaustive()
    }
}

impl MerchantSigner {
    /// From the merchant's private key in PEM (`apiclient_key.pem`, PKCS #8; PKCS #1
    /// accepted too).
    pub fn from_pem(
        mch_id: impl Into<String>,
        serial_no: impl Into<String>,
        pem: &str,
    ) -> Result<Self, WeChatPayError> {
        let key = crate::keys::private_key_from_pem(pem).map_err(WeChatPayError::Key)?;
        Ok(Self::from_key(mch_id, serial_no, key))
    }

    pub fn from_key(mch_id: impl Into<String>, serial_no: impl Into<String>, key: RsaPrivateKey) -> Self {
        MerchantSigner { mch_id: mch_id.into(), serial_no: serial_no.into(), key: SigningKey::new(key) }
    }

    /// The value of `Authorization` for a request.
    pub fn authorization(
        &self,
        method: &str,
        path_and_query: &str,
        timestamp: &str,
        nonce: &str,
        body: &str,
    ) -> String {
        let message = request_message(method, path_and_query, timestamp, nonce, body);
        let signature: Signature = self.key.sign(message.as_bytes());
        format!(
            "{SCHEME} mchid=\"{}\",nonce_str=\"{nonce}\",signature=\"{}\",timestamp=\"{timestamp}\",serial_no=\"{}\"",
            self.mch_id,
            BASE64.encode(signature.to_bytes()),
            self.serial_no
        )
    }
}

/// WeChat Pay's side: the public key its answers and callbacks are verified with, and
/// optionally its serial number (the certificate's, or the `PUB_KEY_ID_…` of a
/// platform public key), which each message names in `Wechatpay-Serial`.
#[derive(Clone)]
pub struct PlatformVerifier {
    key: VerifyingKey<Sha256>,
    serial: Option<String>,
}

impl fmt::Debug for PlatformVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlatformVerifier").field("serial", &self.serial).finish_non_exhaustive()
    }
}

impl PlatformVerifier {
    /// From the platform certificate in PEM (`BEGIN CERTIFICATE`), or from the
    /// platform public key (`BEGIN PUBLIC KEY`) that newer merchant accounts get
    /// instead.
    pub fn from_pem(pem: &str) -> Result<Self, WeChatPayError> {
        let key = if pem.contains("BEGIN CERTIFICATE") {
            let certificate = Certificate::from_pem(pem).map_err(|e| WeChatPayError::Key(e.to_string()))?;
            let spki = &certificate.tbs_certificate.subject_public_key_info;
            let der = x509_cert::der::Encode::to_der(spki).map_err(|e| WeChatPayError::Key(e.to_string()))?;
            RsaPublicKey::from_public_key_der(&der).map_err(|e| WeChatPayError::Key(e.to_string()))?
        } else {
            RsaPublicKey::from_public_key_pem(pem).map_err(|e| WeChatPayError::Key(e.to_string()))?
        };
        Ok(Self::from_key(key))
    }

    pub fn from_key(key: RsaPublicKey) -> Self {
        PlatformVerifier { key: VerifyingKey::new(key), serial: None }
    }

    /// The key's serial number: a message whose `Wechatpay-Serial` names another is
    /// refused as [`WeChatPayError::Serial`] before its signature is checked, so that a
    /// rotated key shows as such rather than as a forgery. Without it, the serial is
    /// not looked at.
    pub fn with_serial(self, serial: impl Into<String>) -> Self {
        PlatformVerifier { serial: Some(serial.into()), ..self }
    }

    /// Checks `Wechatpay-Signature` over the timestamp, nonce and body.
    pub fn verify(&self, timestamp: &str, nonce: &str, body: &str, signature: &str) -> Result<(), WeChatPayError> {
        let bytes = BASE64.decode(signature).map_err(|_| WeChatPayError::Mismatch)?;
        let signature = Signature::try_from(bytes.as_slice()).map_err(|_| WeChatPayError::Mismatch)?;
        let message = response_message(timestamp, nonce, body);
        self.key.verify(message.as_bytes(), &signature).map_err(|_| WeChatPayError::Mismatch)
    }

    /// Checks a message's headers: the serial (when this verifier knows its own), then
    /// the signature over the timestamp, nonce and body. WeChat Pay also sends probes
    /// whose signature is wrong on purpose (`WECHATPAY/SIGNTEST/…`): they fail here, as
    /// they should.
    pub fn verify_headers(&self, headers: PlatformHeaders<'_>, body: &str) -> Result<(), WeChatPayError> {
        if let Some(serial) = &self.serial
            && headers.serial != serial
        {
            return Err(WeChatPayError::Serial(headers.serial.to_string()));
        }
        self.verify(headers.timestamp, headers.nonce, body, headers.signature)
    }
}

/// The headers WeChat Pay signs a callback or an answer with: `Wechatpay-Timestamp`,
/// `Wechatpay-Nonce`, `Wechatpay-Signature` and `Wechatpay-Serial`.
#[derive(Debug, Clone, Copy)]
pub struct PlatformHeaders<'a> {
    pub timestamp: &'a str,
    pub nonce: &'a str,
    pub signature: &'a str,
    /// The serial number of the platform key that signed.
    pub serial: &'a str,
}

#[cfg(test)]
pub(super) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};

    use crate::keys::test_keys as keys;

    /// WeChat Pay's side of an answer or a callback: sign the body with the platform key.
    pub(in crate::wechat_pay) fn platform_signature(
        key: &RsaPrivateKey,
        timestamp: &str,
        nonce: &str,
        body: &str,
    ) -> String {
        let signer = SigningKey::<Sha256>::new(key.clone());
        let signature: Signature = signer.sign(response_message(timestamp, nonce, body).as_bytes());
        BASE64.encode(signature.to_bytes())
    }

    #[test]
    fn the_signed_lines_are_laid_out_as_published() {
        assert_eq!(
            request_message("GET", "/v3/certificates", "1554208460", "593BEC0C930BF1AFEB40B4A08C8FB242", ""),
            "GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"
        );
        assert_eq!(
            response_message("1554209980", "c5ac7061fccab6bf3e254dcf98995b8c", "{}"),
            "1554209980\nc5ac7061fccab6bf3e254dcf98995b8c\n{}\n"
        );
    }

    #[test]
    fn an_authorization_verifies_under_the_merchant_public_key() {
        let signer =
            MerchantSigner::from_key("1900009191", "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C", keys().0.clone());
        let body = r#"{"appid":"wxd678efh567hg6787"}"#;
        let header = signer.authorization("POST", "/v3/global/transactions/native", "1554208460", "593BEC0C", body);
        let prefix = "WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\",nonce_str=\"593BEC0C\",signature=\"";
        assert!(header.starts_with(prefix), "{header}");
        assert!(header.ends_with("\",timestamp=\"1554208460\",serial_no=\"1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C\""));
        let signature = &header[prefix.len()..header.find("\",timestamp").unwrap()];
        // WeChat Pay checks it the way it checks its own: over the five lines.
        let verifying = VerifyingKey::<Sha256>::new(keys().0.to_public_key());
        let bytes = BASE64.decode(signature).unwrap();
        let message = request_message("POST", "/v3/global/transactions/native", "1554208460", "593BEC0C", body);
        assert!(verifying.verify(message.as_bytes(), &Signature::try_from(bytes.as_slice()).unwrap()).is_ok());
        assert!(
            verifying
                .verify(message.replace("native", "h5").as_bytes(), &Signature::try_from(bytes.as_slice()).unwrap())
                .is_err()
        );
        assert_eq!(
            format!("{signer:?}"),
            r#"MerchantSigner { mch_id: "1900009191", serial_no: "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C", .. }"#
        );
    }

    #[test]
    fn the_platform_key_loads_from_a_public_key_pem_and_the_merchant_key_from_pkcs8() {
        let public_pem = keys().1.to_public_key().to_public_key_pem(LineEnding::LF).unwrap();
        let platform = PlatformVerifier::from_pem(&public_pem).unwrap();
        let signature = platform_signature(&keys().1, "1", "n", "{}");
        assert_eq!(platform.verify("1", "n", "{}", &signature), Ok(()));
        let private_pem = keys().0.to_pkcs8_pem(LineEnding::LF).unwrap();
        assert!(MerchantSigner::from_pem("1900009191", "serial", &private_pem).is_ok());
        assert!(matches!(
            PlatformVerifier::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
            Err(WeChatPayError::Key(_))
        ));
    }

    #[test]
    fn the_platform_key_loads_from_its_certificate() {
        use std::str::FromStr;
        use x509_cert::builder::{Builder, CertificateBuilder, Profile};
        use x509_cert::der::EncodePem;
        use x509_cert::spki::SubjectPublicKeyInfoOwned;
        let (platform_key, merchant_key) = keys();
        let spki = SubjectPublicKeyInfoOwned::from_key(platform_key.to_public_key()).unwrap();
        let validity = x509_cert::time::Validity::from_now(std::time::Duration::from_secs(3600)).unwrap();
        let subject = x509_cert::name::Name::from_str("CN=Tenpay.com sign,O=Tenpay.com,C=CN").unwrap();
        let signer = SigningKey::<Sha256>::new(platform_key.clone());
        let serial = x509_cert::serial_number::SerialNumber::from(42u32);
        let builder = CertificateBuilder::new(Profile::Root, serial, validity, subject, spki, &signer).unwrap();
        let certificate = builder.build::<Signature>().unwrap().to_pem(LineEnding::LF).unwrap();

        let platform = PlatformVerifier::from_pem(&certificate).unwrap();
        let body = r#"{"code":"SUCCESS"}"#;
        let signature = platform_signature(platform_key, "1765148470", "n", body);
        assert_eq!(platform.verify("1765148470", "n", body, &signature), Ok(()));
        let other = platform_signature(merchant_key, "1765148470", "n", body);
        assert_eq!(platform.verify("1765148470", "n", body, &other), Err(WeChatPayError::Mismatch));
    }

    #[test]
    fn a_message_naming_another_platform_serial_is_refused_as_such() {
        let platform = PlatformVerifier::from_key(keys().1.to_public_key()).with_serial("PUB_KEY_ID_0112");
        let signature = platform_signature(&keys().1, "1765148470", "n", "{}");
        let headers =
            PlatformHeaders { timestamp: "1765148470", nonce: "n", signature: &signature, serial: "PUB_KEY_ID_0112" };
        assert_eq!(platform.verify_headers(headers, "{}"), Ok(()));
        assert_eq!(platform.verify_headers(headers, "{ }"), Err(WeChatPayError::Mismatch));
        let rotated = PlatformHeaders { serial: "PUB_KEY_ID_0113", ..headers };
        assert_eq!(platform.verify_headers(rotated, "{}"), Err(WeChatPayError::Serial("PUB_KEY_ID_0113".into())));
        // Without a serial of its own, the verifier checks the signature alone.
        let any = PlatformVerifier::from_key(keys().1.to_public_key());
        assert_eq!(any.verify_headers(rotated, "{}"), Ok(()));
        assert_eq!(format!("{platform:?}"), r#"PlatformVerifier { serial: Some("PUB_KEY_ID_0112"), .. }"#);
    }
}
