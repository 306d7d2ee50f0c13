//! Keys derived from the master key for purposes other than the identity vault.

use crate::App;
use hmac::{Hmac, Mac};
use sha2::Sha256;

impl App {
    /// A key for `purpose`, derived from the master key (HMAC-SHA256 under a label no
    /// other purpose uses), so that the web tier's secrets (e.g. CSRF tokens) are
    /// shared by every server of a deployment without another setting, and reveal
    /// nothing about the identity vault's keys.
    pub fn derived_key(&self, purpose: &str) -> [u8; 32] {
        // HMAC takes keys of any length: `new_from_slice` cannot fail.
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.settings.identity_key).unwrap_or_else(|_| unreachable!());
        mac.update(b"gateway derived key v1: ");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }
}
