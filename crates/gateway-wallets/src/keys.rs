//! RSA keys as the wallets' dashboards hand them out: PEM files.

use rsa::RsaPrivateKey;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;

/// A private key in PEM, PKCS #8 (`BEGIN PRIVATE KEY`, as Antom's dashboard and
/// WeChat Pay's `apiclient_key.pem` write it) or PKCS #1 (`BEGIN RSA PRIVATE KEY`, as
/// `openssl genrsa` does).
pub(crate) fn private_key_from_pem(pem: &str) -> Result<RsaPrivateKey, String> {
    RsaPrivateKey::from_pkcs8_pem(pem).or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem)).map_err(|e| e.to_string())
}

/// Two 2048-bit key pairs for the unit tests, made once per test binary: generating
/// them is the slow part of these tests.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) fn test_keys() -> &'static (RsaPrivateKey, RsaPrivateKey) {
    static KEYS: std::sync::OnceLock<(RsaPrivateKey, RsaPrivateKey)> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let mut rng = rsa::rand_core::OsRng;
        (RsaPrivateKey::new(&mut rng, 2048).unwrap(), RsaPrivateKey::new(&mut rng, 2048).unwrap())
    })
}
