//! Alipay (`ALIPAY_CN`) through Antom's Cashier Payment, behind the wallet port.
//!
//! Gateway's ids travel as Antom's idempotency keys: the payment's id is
//! `paymentRequestId`, a refund's id `refundRequestId`, a declaration's id
//! `declarationRequestId`. The merchant is settled in USD.

use super::{
    DeclarationAnswer, DeclarationCall, Headers, ProviderError, RefundCall, RefundOutcome, SessionRequest, Wallet,
    WalletNews, WalletResult,
};
use async_trait::async_trait;
use gateway_core::payment::{DeclarationStatus, PaymentDevice, PaymentMethod};
use gateway_core::{Cny, PaymentId, RefundId};
use gateway_store::PaymentAction;
use gateway_wallets::antom::client::{AntomClient, SignedHeaders};
use gateway_wallets::antom::messages::{
    ALIPAY_CN, Amount, AntomNotification, Certificate, CustomsInfo, DeclareRequest, Env, MerchantCustomsInfo, Order,
    PayRequest, PaymentMethod as AntomMethod, RefundRequest, ResultInfo, ResultStatus, SettlementStrategy,
    TerminalType, UserName, WalletPaymentStatus,
};

/// The path Antom's notifications arrive at, under `GATEWAY_PUBLIC_URL`.
pub const NOTIFY_PATH: &str = "/api/v1/payments/alipay/notify";

pub struct AntomWallet {
    client: AntomClient,
    /// `GATEWAY_PUBLIC_URL` + [`NOTIFY_PATH`].
    notify_url: String,
}

impl AntomWallet {
    pub fn new(client: AntomClient, public_url: &str) -> Self {
        AntomWallet { client, notify_url: format!("{}{NOTIFY_PATH}", public_url.trim_end_matches('/')) }
    }
}

fn cny(amount: Cny) -> Amount {
    Amount::cny(amount.minor())
}

fn amount_of(amount: &Amount) -> Result<Cny, ProviderError> {
    match amount.minor_units() {
        Some(fen) if amount.currency == "CNY" => Ok(Cny::from_minor(fen)),
        _ => Err(ProviderError::Unknown(format!(
            "an amount Gateway did not ask for: {} {}",
            amount.value, amount.currency
        ))),
    }
}

fn payment_id(raw: &str) -> Result<PaymentId, String> {
    raw.parse().map_err(|_| format!("{raw} is not a payment of Gateway's"))
}

/// What a declaration's status at Antom means for Gateway. Antom's reference names
/// `declarationRequestStatus` without listing its values; `SUCCESS` and `FAIL` are
/// the ones its samples use, and anything else is still waiting for customs.
fn declaration_status(status: Option<&str>) -> DeclarationStatus {
    match status {
        Some("SUCCESS") => DeclarationStatus::Accepted,
        Some("FAIL" | "FAILED") => DeclarationStatus::Refused,
        _ => DeclarationStatus::Submitted,
    }
}

#[async_trait]
impl Wallet for AntomWallet {
    fn method(&self) -> PaymentMethod {
        PaymentMethod::Alipay
    }

    async fn open_session(&self, r: &SessionRequest) -> Result<PaymentAction, ProviderError> {
        let terminal_type = match r.device {
            PaymentDevice::Desktop => TerminalType::Web,
            PaymentDevice::Phone => TerminalType::Wap,
        };
        let request = PayRequest {
            product_code: "CASHIER_PAYMENT".into(),
            payment_request_id: r.payment_id.to_string(),
            order: Order {
                reference_order_id: r.payment_id.to_string(),
                order_description: r.description.clone(),
                order_amount: cny(r.amount),
            },
            payment_amount: cny(r.amount),
            payment_method: AntomMethod { payment_method_type: ALIPAY_CN.into() },
            payment_redirect_url: r.return_url.clone(),
            payment_notify_url: self.notify_url.clone(),
            settlement_strategy: SettlementStrategy { settlement_currency: "USD".into() },
            env: Env { terminal_type },
            payment_expiry_time: r.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        };
        let answer = self.client.pay(&request).await?;
        let code = answer
            .order_code_form
            .as_ref()
            .and_then(|form| form.code_details.iter().find(|c| !c.code_value.is_empty()))
            .map(|c| c.code_value.clone());
        match (r.device, code, answer.normal_url) {
            (PaymentDevice::Desktop, Some(code), _) => Ok(PaymentAction::QrCode(code)),
            (_, _, Some(url)) => Ok(PaymentAction::RedirectUrl(url)),
            (_, Some(code), None) => Ok(PaymentAction::QrCode(code)),
            (_, None, None) => Err(ProviderError::Unknown("the session has neither a page nor a code".into())),
        }
    }

    async fn inquire(&self, payment: PaymentId) -> Result<WalletResult, ProviderError> {
        let answer = self.client.inquire(&payment.to_string()).await?;
        Ok(match answer.payment_status {
            Some(WalletPaymentStatus::Success) => {
                let Some(provider_ref) = answer.payment_id else {
                    return Err(ProviderError::Unknown("a success without Antom's payment id".into()));
                };
                let amount = match &answer.payment_amount {
                    Some(amount) => amount_of(amount)?,
                    None => return Err(ProviderError::Unknown("a success without its amount".into())),
                };
                WalletResult::Paid { provider_ref, amount }
            }
            Some(WalletPaymentStatus::Fail | WalletPaymentStatus::Cancelled) => WalletResult::Failed,
            Some(WalletPaymentStatus::Processing | WalletPaymentStatus::Pending) | None => WalletResult::Pending,
        })
    }

    async fn refund(&self, call: &RefundCall) -> Result<RefundOutcome, ProviderError> {
        let request = RefundRequest {
            refund_request_id: call.refund_id.to_string(),
            payment_id: call.provider_ref.clone(),
            refund_amount: cny(call.amount),
            refund_reason: Some(call.reason.clone()),
            refund_notify_url: Some(self.notify_url.clone()),
        };
        let answer = self.client.refund(&request).await?;
        if answer.is_in_process() {
            Ok(RefundOutcome::Processing { provider_ref: answer.refund_id })
        } else {
            Ok(RefundOutcome::Succeeded { provider_ref: answer.refund_id })
        }
    }

    async fn declare(&self, call: &DeclarationCall) -> Result<DeclarationAnswer, ProviderError> {
        let request = DeclareRequest {
            declaration_request_id: call.id.clone(),
            payment_id: call.provider_ref.clone(),
            declaration_amount: cny(call.amount),
            customs: CustomsInfo { customs_code: call.customs_code.clone(), region: "CN".into() },
            merchant_customs_info: MerchantCustomsInfo {
                merchant_customs_code: call.merchant_customs_code.clone(),
                merchant_customs_name: call.merchant_customs_name.clone(),
            },
            split_order: true,
            suborder_id: Some(call.order_id.as_uuid().simple().to_string()),
            buyer_certificate: Some(Certificate {
                certificate_type: "ID_CARD".into(),
                certificate_no: call.buyer_id_number.clone(),
                holder_name: UserName { full_name: call.buyer_name.clone() },
            }),
        };
        let answer = self.client.declare(&request).await?;
        // Antom checks the buyer's certificate against the payer at once.
        let payer_mismatch = answer.identity_check_result.as_deref() == Some("CHECK_NOT_PASSED");
        Ok(DeclarationAnswer {
            status: if payer_mismatch { DeclarationStatus::Refused } else { DeclarationStatus::Submitted },
            customs_payment_id: answer.customs_payment_id,
            result_code: answer.identity_check_result.clone(),
            result_desc: None,
            payer_mismatch,
        })
    }

    async fn inquire_declaration(&self, call: &DeclarationCall) -> Result<DeclarationAnswer, ProviderError> {
        let answer = self.client.inquire_declarations(std::slice::from_ref(&call.id)).await?;
        let Some(record) = answer.declaration_records.into_iter().find(|r| r.declaration_request_id == call.id) else {
            return Err(ProviderError::Unknown(format!("Antom has no declaration {}", call.id)));
        };
        Ok(DeclarationAnswer {
            status: declaration_status(record.declaration_request_status.as_deref()),
            customs_payment_id: record.customs_payment_id,
            result_code: record.customs_declaration_result_code,
            result_desc: record.customs_declaration_result_desc,
            payer_mismatch: false,
        })
    }

    fn read_notification(&self, path: &str, headers: &Headers, body: &str) -> Result<WalletNews, String> {
        let header = |name: &str| headers.get(name).map(String::as_str).ok_or(format!("no {name} header"));
        let signed = SignedHeaders {
            client_id: header("client-id")?,
            time: header("request-time")?,
            signature: header("signature")?,
        };
        match self.client.read_any_notification(path, signed, body).map_err(|e| e.to_string())? {
            AntomNotification::Payment(n) => {
                let payment_id = payment_id(&n.payment_request_id)?;
                let result = match (n.is_final(), n.result.result_status) {
                    (true, ResultStatus::Succeeded) => WalletResult::Paid {
                        provider_ref: n.payment_id.clone(),
                        amount: amount_of(&n.payment_amount).map_err(|e| e.to_string())?,
                    },
                    (true, ResultStatus::Failed) => WalletResult::Failed,
                    _ => WalletResult::Pending,
                };
                Ok(WalletNews::Payment { payment_id, result })
            }
            AntomNotification::Refund(n) => {
                let refund_id: RefundId = n
                    .refund_request_id
                    .parse()
                    .map_err(|_| format!("{} is not a refund of Gateway's", n.refund_request_id))?;
                Ok(WalletNews::Refund { refund_id, succeeded: n.succeeded(), provider_ref: Some(n.refund_id.clone()) })
            }
        }
    }

    fn notification_answer(&self) -> String {
        serde_json::json!({ "result": ResultInfo::notification_received() }).to_string()
    }
}
