//! Payments go through a provider interface (SPEC 6). The built-in provider is a
//! sandbox that authorises and captures at once and refunds on request; a real
//! adapter (Alipay, WeChat Pay, UnionPay) implements the same trait.

use async_trait::async_trait;
use gateway_core::{Cny, PaymentId};

#[derive(Debug, Clone)]
pub struct ChargeRequest {
    pub payment_id: PaymentId,
    pub amount: Cny,
    /// The keyed hash of the ID number the buyer verified: the payer must match it.
    pub payer_id_number_hash: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    /// The provider's reference, kept for refunds.
    pub provider_ref: String,
    /// Whose identity the provider verified for this payment.
    pub payer_id_number_hash: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    #[error("the payment was declined: {0}")]
    Declined(String),
    #[error("the payment provider is unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait PaymentProvider: Send + Sync {
    fn name(&self) -> &'static str;
    /// Authorises and captures `amount`. Must be idempotent per `payment_id`.
    async fn charge(&self, request: ChargeRequest) -> Result<Charge, PaymentError>;
    /// Refunds `amount` of an earlier charge (part or all of it).
    async fn refund(&self, provider_ref: &str, amount: Cny) -> Result<(), PaymentError>;
}

/// Captures at once, refunds on request, always succeeds; the payer is the person
/// the buyer verified. Stateless, so several servers can share it.
#[derive(Debug, Default)]
pub struct SandboxProvider;

#[async_trait]
impl PaymentProvider for SandboxProvider {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    async fn charge(&self, request: ChargeRequest) -> Result<Charge, PaymentError> {
        Ok(Charge {
            provider_ref: format!("sbx_{}", request.payment_id.as_uuid().simple()),
            payer_id_number_hash: request.payer_id_number_hash,
        })
    }

    async fn refund(&self, provider_ref: &str, amount: Cny) -> Result<(), PaymentError> {
        tracing::info!(payment.provider_ref = provider_ref, amount = %amount, "sandbox refund");
        Ok(())
    }
}
