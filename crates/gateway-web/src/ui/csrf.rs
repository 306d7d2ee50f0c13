//! CSRF tokens for every form the pages post.
//!
//! A signed-in browser's token is bound to its session: HMAC-SHA256 of the session
//! token under a server key derived from the master key (so every server of a
//! deployment accepts every other's tokens, and a token is worthless once its session
//! ends). A form shown before sign-in (login, sign-up, add to cart) is bound instead to
//! a random nonce in its own cookie (a signed double-submit): a cross-site page can
//! make the browser send the cookie, but can neither read it nor forge the HMAC that
//! the form must carry. While a session exists only the session-bound token counts, so
//! a nonce planted by a neighbouring site cannot be used against a signed-in user.
//!
//! Together with `SameSite=Lax` cookies this is two independent defences; the JSON API
//! needs neither because it authenticates by bearer header only, which a browser never
//! attaches on its own.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The name of the hidden field that carries the token in every form.
pub const FIELD: &str = "csrf";

/// The server key the tokens are signed with.
#[derive(Clone)]
pub struct CsrfKey([u8; 32]);

impl std::fmt::Debug for CsrfKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsrfKey(<redacted>)")
    }
}

/// What a token is bound to.
#[derive(Debug, Clone, Copy)]
pub enum Binding<'a> {
    Session(&'a str),
    Anonymous(&'a str),
}

impl CsrfKey {
    pub fn new(key: [u8; 32]) -> Self {
        CsrfKey(key)
    }

    fn mac(&self, binding: Binding<'_>) -> Hmac<Sha256> {
        // HMAC takes keys of any length: `new_from_slice` cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!());
        match binding {
            Binding::Session(token) => {
                mac.update(b"session\0");
                mac.update(token.as_bytes());
            }
            Binding::Anonymous(nonce) => {
                mac.update(b"anonymous\0");
                mac.update(nonce.as_bytes());
            }
        }
        mac
    }

    /// The token forms carry for `binding`.
    pub fn token(&self, binding: Binding<'_>) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(binding).finalize().into_bytes())
    }

    /// Whether `submitted` is the token of `binding` (compared in constant time).
    pub fn verify(&self, binding: Binding<'_>, submitted: &str) -> bool {
        match URL_SAFE_NO_PAD.decode(submitted.trim()) {
            Ok(bytes) => self.mac(binding).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }
}

/// A fresh random nonce for the anonymous CSRF cookie.
pub fn new_nonce() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_for_their_binding_and_key() {
        let key = CsrfKey::new([7; 32]);
        let token = key.token(Binding::Session("gw_abc"));
        assert!(key.verify(Binding::Session("gw_abc"), &token));
        assert!(!key.verify(Binding::Session("gw_abd"), &token));
        assert!(!key.verify(Binding::Anonymous("gw_abc"), &token), "a session token is not an anonymous one");
        assert!(!CsrfKey::new([8; 32]).verify(Binding::Session("gw_abc"), &token));
        assert!(!key.verify(Binding::Session("gw_abc"), ""));
        assert!(!key.verify(Binding::Session("gw_abc"), "not base64!"));
        let nonce = new_nonce();
        assert_ne!(nonce, new_nonce());
        assert!(key.verify(Binding::Anonymous(&nonce), &key.token(Binding::Anonymous(&nonce))));
    }
}
