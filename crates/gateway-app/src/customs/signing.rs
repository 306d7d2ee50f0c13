//! Signing a CEB message. Customs accepts a declared message (appStatus 2) only with an
//! XML signature made with a key that China Customs issues to the declaring company (an
//! IC card / U-key of the China E-port, or a signing certificate). Gateway has no such
//! key, so signing sits behind this interface; the one built-in signer says so clearly.

/// A message with its signature, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedXml(pub String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigningError {
    #[error("signing needs a key issued by China Customs (an IC card or a signing certificate); configure a signer")]
    NoCustomsKey,
    /// A configured signer failed.
    #[error("signing failed: {0}")]
    Failed(String),
}

impl SigningError {
    pub fn code(&self) -> &'static str {
        match self {
            SigningError::NoCustomsKey => "no_customs_key",
            SigningError::Failed(_) => "signing_failed",
        }
    }
}

/// Signs one CEB message (the unsigned XML as `xml.rs` writes it).
pub trait MessageSigner: Send + Sync {
    fn sign(&self, xml: &str) -> Result<SignedXml, SigningError>;
}

/// The built-in signer: there is no customs key, so it always refuses.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCustomsKey;

impl MessageSigner for NoCustomsKey {
    fn sign(&self, _xml: &str) -> Result<SignedXml, SigningError> {
        Err(SigningError::NoCustomsKey)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_signer_needs_a_customs_key() {
        let signer: &dyn MessageSigner = &NoCustomsKey;
        let err = signer.sign("<ceb:CEB311Message/>").unwrap_err();
        assert_eq!(err, SigningError::NoCustomsKey);
        assert_eq!(err.code(), "no_customs_key");
        assert!(err.to_string().contains("key issued by China Customs"));
        assert!(err.to_string().contains("configure a signer"));
    }
}
