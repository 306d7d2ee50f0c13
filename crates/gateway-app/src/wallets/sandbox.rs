//! The sandbox as a wallet: asynchronous like Alipay and WeChat Pay, but paid or
//! cancelled on Gateway's own page, `/sandbox-wallet/{session}`, so that the demo and
//! the browser tests go through the whole wallet flow (reservation, a page that waits,
//! capture or release) with no provider. No money moves.

use super::{
    DeclarationAnswer, DeclarationCall, Headers, ProviderError, RefundCall, RefundOutcome, SessionRequest, Wallet,
    WalletNews, WalletResult,
};
use crate::{App, AppError, AppResult};
use async_trait::async_trait;
use gateway_core::PaymentId;
use gateway_core::payment::{DeclarationStatus, PaymentDevice, PaymentMethod, PaymentStatus};
use gateway_store::PaymentAction;

pub struct SandboxWallet {
    /// `GATEWAY_PUBLIC_URL`, where the wallet's page is.
    public_url: String,
}

impl SandboxWallet {
    pub fn new(public_url: &str) -> Self {
        SandboxWallet { public_url: public_url.trim_end_matches('/').to_string() }
    }
}

/// The sandbox wallet's page of a payment.
pub fn page_path(payment: PaymentId) -> String {
    format!("/sandbox-wallet/{payment}")
}

#[async_trait]
impl Wallet for SandboxWallet {
    fn method(&self) -> PaymentMethod {
        PaymentMethod::SandboxWallet
    }

    async fn open_session(&self, r: &SessionRequest) -> Result<PaymentAction, ProviderError> {
        let url = format!("{}{}", self.public_url, page_path(r.payment_id));
        Ok(match r.device {
            PaymentDevice::Desktop => PaymentAction::QrCode(url),
            PaymentDevice::Phone => PaymentAction::RedirectUrl(url),
        })
    }

    /// Only the page tells: until it is pressed, the payment is pending.
    async fn inquire(&self, _payment: PaymentId) -> Result<WalletResult, ProviderError> {
        Ok(WalletResult::Pending)
    }

    async fn refund(&self, call: &RefundCall) -> Result<RefundOutcome, ProviderError> {
        tracing::info!(refund.id = %call.refund_id, amount = %call.amount, "sandbox wallet refund");
        Ok(RefundOutcome::Succeeded { provider_ref: Some(format!("sbxr_{}", call.refund_id.as_uuid().simple())) })
    }

    /// Customs in the sandbox clear every declaration at once.
    async fn declare(&self, call: &DeclarationCall) -> Result<DeclarationAnswer, ProviderError> {
        Ok(DeclarationAnswer {
            status: DeclarationStatus::Accepted,
            customs_payment_id: Some(format!("SBX{}", call.id)),
            result_code: None,
            result_desc: None,
            payer_mismatch: false,
        })
    }

    async fn inquire_declaration(&self, call: &DeclarationCall) -> Result<DeclarationAnswer, ProviderError> {
        self.declare(call).await
    }

    fn read_notification(&self, _path: &str, _headers: &Headers, _body: &str) -> Result<WalletNews, String> {
        Err("the sandbox wallet sends no notifications".into())
    }

    fn notification_answer(&self) -> String {
        String::new()
    }
}

impl App {
    /// The shopper pressed pay (or cancel) on the sandbox wallet's page of `payment`.
    /// Only a pending sandbox-wallet payment can be pressed; pressing again, after it
    /// ended, changes nothing.
    pub async fn sandbox_wallet_press(&self, payment: PaymentId, pay: bool) -> AppResult<PaymentStatus> {
        let record = self.store.payment(payment).await?.ok_or(AppError::NotFound("payment"))?;
        if record.method != PaymentMethod::SandboxWallet {
            return Err(AppError::NotFound("payment"));
        }
        let result = if pay {
            WalletResult::Paid { provider_ref: format!("sbxw_{}", payment.as_uuid().simple()), amount: record.amount }
        } else {
            WalletResult::Failed
        };
        self.apply_wallet_result(PaymentMethod::SandboxWallet, payment, result).await?;
        let after = self.store.payment(payment).await?.ok_or(AppError::NotFound("payment"))?;
        Ok(after.status)
    }

    /// A sandbox-wallet payment, for its page: anyone holding the session's link may
    /// see it, as at a real wallet.
    pub async fn sandbox_wallet_payment(&self, payment: PaymentId) -> AppResult<gateway_store::PaymentRecord> {
        match self.store.payment(payment).await? {
            Some(record) if record.method == PaymentMethod::SandboxWallet => Ok(record),
            _ => Err(AppError::NotFound("payment")),
        }
    }
}
