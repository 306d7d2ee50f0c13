//! The identity vault: ID numbers encrypted at rest with AES-256-GCM and found by an
//! HMAC-SHA256 keyed hash (SPEC 4). Both keys derive from one 32-byte master key that
//! comes from configuration; the database alone reveals no ID number.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

const NONCE_LEN: usize = 12;

pub struct IdentityVault {
    cipher: Aes256Gcm,
    hash_key: [u8; 32],
}

/// Never print key material.
impl std::fmt::Debug for IdentityVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentityVault(<keys redacted>)")
    }
}

fn derive(master: &[u8; 32], purpose: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(master).unwrap_or_else(|_| unreachable!());
    mac.update(purpose);
    mac.finalize().into_bytes().into()
}

impl IdentityVault {
    pub fn new(master_key: &[u8; 32]) -> Self {
        let enc_key = derive(master_key, b"gateway identity encryption v1");
        IdentityVault {
            cipher: Aes256Gcm::new(&enc_key.into()),
            hash_key: derive(master_key, b"gateway identity lookup v1"),
        }
    }

    /// A new random master key.
    pub fn generate_master_key() -> [u8; 32] {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        key
    }

    /// nonce || ciphertext (with its tag). A fresh random nonce per call.
    pub fn encrypt(&self, plaintext: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        // Encryption into a Vec fails only on allocation limits far above 18 bytes.
        let sealed = self.cipher.encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes()).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        out
    }

    /// The plaintext, or None when the data was not sealed with this key.
    pub fn decrypt(&self, sealed: &[u8]) -> Option<String> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let plain = self.cipher.decrypt(Nonce::from_slice(nonce), body).ok()?;
        String::from_utf8(plain).ok()
    }

    /// The keyed hash that finds a person by ID number without storing it in clear.
    pub fn lookup_hash(&self, id_number: &str) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.hash_key).unwrap_or_else(|_| unreachable!());
        mac.update(id_number.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_other_keys() {
        let vault = IdentityVault::new(&[7u8; 32]);
        let sealed = vault.encrypt("11010519491231002X");
        assert!(!sealed.windows(6).any(|w| w == b"110105"), "the ciphertext must not contain the number");
        assert_eq!(vault.decrypt(&sealed).as_deref(), Some("11010519491231002X"));
        assert_ne!(vault.encrypt("11010519491231002X"), sealed, "a fresh nonce each time");
        let other = IdentityVault::new(&[8u8; 32]);
        assert_eq!(other.decrypt(&sealed), None);
        let mut tampered = sealed.clone();
        tampered[15] ^= 1;
        assert_eq!(vault.decrypt(&tampered), None);
    }

    #[test]
    fn lookup_hash_is_keyed_and_stable() {
        let vault = IdentityVault::new(&[7u8; 32]);
        assert_eq!(vault.lookup_hash("11010519491231002X"), vault.lookup_hash("11010519491231002X"));
        assert_ne!(
            vault.lookup_hash("11010519491231002X"),
            IdentityVault::new(&[8u8; 32]).lookup_hash("11010519491231002X")
        );
        assert_eq!(vault.lookup_hash("x").len(), 32);
        assert!(!format!("{vault:?}").contains('7'));
    }
}
