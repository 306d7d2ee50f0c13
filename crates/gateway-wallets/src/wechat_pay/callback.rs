//! WeChat Pay's callbacks (`TRANSACTION.SUCCESS`, `REFUND.SUCCESS`, …): a JSON body
//! signed like an answer, whose `resource` is encrypted with AEAD_AES_256_GCM under
//! the merchant's 32-byte API v3 key, with the resource's `nonce` and
//! `associated_data`. Gateway verifies the signature, then decrypts.
//!
//! No key shows in Debug output.

use super::signature::{PlatformHeaders, PlatformVerifier, WeChatPayError};
use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The merchant's API v3 key: 32 bytes that decrypt callbacks.
pub struct ApiV3Key([u8; 32]);

impl fmt::Debug for ApiV3Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiV3Key(..)")
    }
}

impl ApiV3Key {
    /// The key as the merchant platform shows it: 32 characters.
    pub fn new(key: &str) -> Result<Self, WeChatPayError> {
        let bytes: [u8; 32] =
            key.as_bytes().try_into().map_err(|_| WeChatPayError::Key("an API v3 key is 32 characters".into()))?;
        Ok(ApiV3Key(bytes))
    }

    /// Decrypts a callback's resource.
    pub fn decrypt(&self, resource: &EncryptedResource) -> Result<Vec<u8>, WeChatPayError> {
        if resource.algorithm != "AEAD_AES_256_GCM" || resource.nonce.len() != 12 {
            return Err(WeChatPayError::Decrypt);
        }
        let cipher = Aes256Gcm::new_from_slice(&self.0).map_err(|_| WeChatPayError::Decrypt)?;
        let ciphertext = BASE64.decode(&resource.ciphertext).map_err(|_| WeChatPayError::Decrypt)?;
        let nonce = Nonce::from_slice(resource.nonce.as_bytes());
        let payload = Payload { msg: &ciphertext, aad: resource.associated_data.as_bytes() };
        cipher.decrypt(nonce, payload).map_err(|_| WeChatPayError::Decrypt)
    }

    /// Encrypts `plaintext` as WeChat Pay does, for the fakes that play it in tests.
    pub fn encrypt(&self, plaintext: &[u8], nonce: &str, associated_data: &str) -> Result<String, WeChatPayError> {
        if nonce.len() != 12 {
            return Err(WeChatPayError::Key("a nonce is 12 characters".into()));
        }
        let cipher = Aes256Gcm::new_from_slice(&self.0).map_err(|_| WeChatPayError::Decrypt)?;
        let payload = Payload { msg: plaintext, aad: associated_data.as_bytes() };
        let sealed =
            cipher.encrypt(Nonce::from_slice(nonce.as_bytes()), payload).map_err(|_| WeChatPayError::Decrypt)?;
        Ok(BASE64.encode(sealed))
    }
}

/// A callback's encrypted `resource`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptedResource {
    pub algorithm: String,
    pub ciphertext: String,
    pub nonce: String,
    #[serde(default)]
    pub associated_data: String,
    #[serde(default)]
    pub original_type: String,
}

/// A callback (`TRANSACTION.SUCCESS`, `REFUND.SUCCESS`, …) as it arrives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callback {
    pub id: String,
    pub create_time: String,
    pub event_type: String,
    pub resource_type: String,
    pub resource: EncryptedResource,
    #[serde(default)]
    pub summary: String,
}

/// Verifies a callback (its serial, when the verifier knows one, and its signature),
/// then decrypts its resource into `T` (the transaction or the refund it reports).
/// Whether its timestamp is recent is the caller's to check:
/// [`super::client::WeChatPayClient::read_notification`] does.
pub fn read_callback<T: serde::de::DeserializeOwned>(
    verifier: &PlatformVerifier,
    key: &ApiV3Key,
    headers: PlatformHeaders<'_>,
    body: &str,
) -> Result<(Callback, T), WeChatPayError> {
    verifier.verify_headers(headers, body)?;
    let callback: Callback = serde_json::from_str(body).map_err(|e| WeChatPayError::Body(e.to_string()))?;
    let plaintext = key.decrypt(&callback.resource)?;
    let resource = serde_json::from_slice(&plaintext).map_err(|e| WeChatPayError::Body(e.to_string()))?;
    Ok((callback, resource))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::wechat_pay::signature::tests::platform_signature;
    use serde_json::{Value, json};

    use crate::keys::test_keys as keys;

    const API_V3_KEY: &str = "0123456789abcdef0123456789abcdef";

    fn callback_body(transaction: &Value) -> String {
        let key = ApiV3Key::new(API_V3_KEY).unwrap();
        let ciphertext = key.encrypt(transaction.to_string().as_bytes(), "fGWBpXcTkJJb", "transaction").unwrap();
        json!({
            "id": "EV-2018022511223320873",
            "create_time": "2026-12-07T23:01:10+08:00",
            "event_type": "TRANSACTION.SUCCESS",
            "resource_type": "encrypt-resource",
            "resource": {
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": ciphertext,
                "nonce": "fGWBpXcTkJJb",
                "associated_data": "transaction",
                "original_type": "transaction"
            },
            "summary": "支付成功"
        })
        .to_string()
    }

    #[test]
    fn a_callback_is_read_only_when_signed_by_the_platform_and_encrypted_with_our_key() {
        let platform = PlatformVerifier::from_key(keys().1.to_public_key());
        let key = ApiV3Key::new(API_V3_KEY).unwrap();
        let transaction =
            json!({"out_trade_no": "p-1", "trade_state": "SUCCESS", "amount": {"total": 15812, "currency": "CNY"}});
        let body = callback_body(&transaction);
        let signature = platform_signature(&keys().1, "1765148470", "nonce-1", &body);
        let headers = PlatformHeaders {
            timestamp: "1765148470",
            nonce: "nonce-1",
            signature: &signature,
            serial: "5157F09EFDC096DE15EBE81A47057A72",
        };

        let (callback, read): (Callback, Value) = read_callback(&platform, &key, headers, &body).unwrap();
        assert_eq!(callback.event_type, "TRANSACTION.SUCCESS");
        assert_eq!(read, transaction);

        let forged = platform_signature(&keys().0, "1765148470", "nonce-1", &body);
        let forged_headers = PlatformHeaders { signature: &forged, ..headers };
        assert_eq!(
            read_callback::<Value>(&platform, &key, forged_headers, &body).err(),
            Some(WeChatPayError::Mismatch)
        );
        let replayed = PlatformHeaders { timestamp: "1765148471", ..headers };
        assert_eq!(read_callback::<Value>(&platform, &key, replayed, &body).err(), Some(WeChatPayError::Mismatch));

        // Signed properly but encrypted under another merchant's key.
        let other = ApiV3Key::new("fedcba9876543210fedcba9876543210").unwrap();
        assert_eq!(read_callback::<Value>(&platform, &other, headers, &body).err(), Some(WeChatPayError::Decrypt));
        assert!(ApiV3Key::new("too short").is_err());
        assert_eq!(format!("{key:?}"), "ApiV3Key(..)");
    }

    #[test]
    fn a_tampered_ciphertext_does_not_decrypt() {
        let key = ApiV3Key::new(API_V3_KEY).unwrap();
        let sealed = key.encrypt(b"{\"trade_state\":\"SUCCESS\"}", "fGWBpXcTkJJb", "transaction").unwrap();
        let mut bytes = BASE64.decode(&sealed).unwrap();
        bytes[0] ^= 1;
        let resource = EncryptedResource {
            algorithm: "AEAD_AES_256_GCM".into(),
            ciphertext: BASE64.encode(bytes),
            nonce: "fGWBpXcTkJJb".into(),
            associated_data: "transaction".into(),
            original_type: "transaction".into(),
        };
        assert_eq!(key.decrypt(&resource), Err(WeChatPayError::Decrypt));
        let other_aad = EncryptedResource { ciphertext: sealed, associated_data: "refund".into(), ..resource };
        assert_eq!(key.decrypt(&other_aad), Err(WeChatPayError::Decrypt));
    }
}
