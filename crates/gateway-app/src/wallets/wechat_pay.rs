//! WeChat Pay cross-border (its global API v3), behind the wallet port.
//!
//! The payment's id without hyphens (32 characters, WeChat Pay's most) is
//! `out_trade_no`; a refund's is `out_refund_no`. A desktop gets a Native QR code; a
//! phone gets H5 when the shopper's address is known (WeChat Pay requires it), else
//! the same QR code, which a phone can open by a long press.

use super::{
    DeclarationAnswer, DeclarationCall, Headers, ProviderError, RefundCall, RefundOutcome, SessionRequest, Wallet,
    WalletNews, WalletResult,
};
use async_trait::async_trait;
use gateway_core::payment::{DeclarationStatus, PaymentDevice, PaymentMethod};
use gateway_core::{Cny, PaymentId, RefundId};
use gateway_store::PaymentAction;
use gateway_wallets::wechat_pay::PlatformHeaders;
use gateway_wallets::wechat_pay::client::WeChatPayClient;
use gateway_wallets::wechat_pay::messages::{
    Amount, CallbackAnswer, DeclarationRequest, DeclaredOrder, Notification, Order, RefundAmount, RefundRequest,
    RefundStatus, SceneInfo, TradeState, Transaction,
};

/// The path WeChat Pay's callbacks arrive at, under `GATEWAY_PUBLIC_URL`.
pub const NOTIFY_PATH: &str = "/api/v1/payments/wechat_pay/notify";

/// The merchant category code of a marketplace selling goods (ISO 18245 5399,
/// miscellaneous general merchandise).
const MERCHANT_CATEGORY_CODE: &str = "5399";

pub struct WeChatPayWallet {
    client: WeChatPayClient,
    notify_url: String,
}

impl WeChatPayWallet {
    pub fn new(client: WeChatPayClient, public_url: &str) -> Self {
        WeChatPayWallet { client, notify_url: format!("{}{NOTIFY_PATH}", public_url.trim_end_matches('/')) }
    }
}

fn out_trade_no(payment: PaymentId) -> String {
    payment.as_uuid().simple().to_string()
}

/// What a transaction's state means for Gateway.
fn result_of(t: &Transaction) -> Result<WalletResult, ProviderError> {
    match t.trade_state {
        state if state.is_paid() => {
            let Some(provider_ref) = t.id.clone() else {
                return Err(ProviderError::Unknown("a success without WeChat Pay's transaction id".into()));
            };
            let Some(amount) = &t.amount else {
                return Err(ProviderError::Unknown("a success without its amount".into()));
            };
            if amount.currency.as_deref().is_some_and(|c| c != "CNY") {
                return Err(ProviderError::Unknown(format!("a payment in {:?}", amount.currency)));
            }
            Ok(WalletResult::Paid { provider_ref, amount: Cny::from_minor(amount.total) })
        }
        TradeState::Closed | TradeState::Revoked | TradeState::PayError => Ok(WalletResult::Failed),
        _ => Ok(WalletResult::Pending),
    }
}

/// WeChat Pay's customs `state`: `SUCCESS` cleared, `FAIL` and `EXCEPT` refused,
/// anything else (`PROCESSING`, `SUBMITTED`, `UNDECLARED`) still waiting.
fn declaration_status(state: &str) -> DeclarationStatus {
    match state {
        "SUCCESS" => DeclarationStatus::Accepted,
        "FAIL" | "EXCEPT" => DeclarationStatus::Refused,
        _ => DeclarationStatus::Submitted,
    }
}

#[async_trait]
impl Wallet for WeChatPayWallet {
    fn method(&self) -> PaymentMethod {
        PaymentMethod::WechatPay
    }

    async fn open_session(&self, r: &SessionRequest) -> Result<PaymentAction, ProviderError> {
        let mut order = Order {
            description: r.description.clone(),
            out_trade_no: out_trade_no(r.payment_id),
            notify_url: self.notify_url.clone(),
            amount: Amount::cny(r.amount.minor()),
            merchant_category_code: MERCHANT_CATEGORY_CODE.into(),
            time_expire: Some(r.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)),
            attach: None,
            scene_info: None,
        };
        match (r.device, &r.payer_ip) {
            (PaymentDevice::Phone, Some(ip)) => {
                order.scene_info = Some(SceneInfo { payer_client_ip: ip.clone(), ..SceneInfo::default() });
                Ok(PaymentAction::RedirectUrl(self.client.h5(&order).await?))
            }
            _ => Ok(PaymentAction::QrCode(self.client.native(&order).await?)),
        }
    }

    async fn inquire(&self, payment: PaymentId) -> Result<WalletResult, ProviderError> {
        result_of(&self.client.query(&out_trade_no(payment)).await?)
    }

    async fn refund(&self, call: &RefundCall) -> Result<RefundOutcome, ProviderError> {
        let request = RefundRequest {
            out_trade_no: out_trade_no(call.payment_id),
            out_refund_no: call.refund_id.as_uuid().simple().to_string(),
            amount: RefundAmount {
                refund: call.amount.minor(),
                total: call.payment_amount.minor(),
                currency: "CNY".into(),
            },
            reason: Some(call.reason.clone()),
            notify_url: Some(self.notify_url.clone()),
        };
        let refund = self.client.refund(&request).await?;
        match refund.status {
            Some(RefundStatus::Success) => Ok(RefundOutcome::Succeeded { provider_ref: Some(refund.id) }),
            Some(RefundStatus::Closed | RefundStatus::Abnormal) => {
                Err(ProviderError::Failed(format!("the refund is {:?}", refund.status)))
            }
            _ => Ok(RefundOutcome::Processing { provider_ref: Some(refund.id) }),
        }
    }

    async fn declare(&self, call: &DeclarationCall) -> Result<DeclarationAnswer, ProviderError> {
        let request = DeclarationRequest {
            out_trade_no: out_trade_no(call.payment_id),
            transaction_id: call.provider_ref.clone(),
            customs: call.customs_code.clone(),
            merchant_customs_no: call.merchant_customs_code.clone(),
            sub_order_no: Some(call.order_id.as_uuid().simple().to_string()),
            // A sub-order's fees: its total, split into freight and the rest (goods
            // and the taxes on them), which add up to it.
            fee_type: Some("CNY".into()),
            order_fee: Some(call.amount.minor()),
            transport_fee: Some(call.freight.minor()),
            product_fee: Some(call.amount.minor() - call.freight.minor()),
            duty: None,
        };
        let answer = self.client.declare(&request).await?;
        Ok(DeclarationAnswer {
            status: declaration_status(&answer.state),
            customs_payment_id: answer.verify_department_trade_id,
            result_code: Some(answer.state),
            result_desc: None,
            payer_mismatch: false,
        })
    }

    async fn inquire_declaration(&self, call: &DeclarationCall) -> Result<DeclarationAnswer, ProviderError> {
        let sub_order = call.order_id.as_uuid().simple().to_string();
        let found = self.client.query_declaration(DeclaredOrder::SubOrderNo, &sub_order, &call.customs_code).await?;
        let Some(record) = found.data.into_iter().find(|d| d.sub_order_no.as_deref() == Some(sub_order.as_str()))
        else {
            return Err(ProviderError::Unknown(format!("WeChat Pay has no declaration of {sub_order}")));
        };
        Ok(DeclarationAnswer {
            status: declaration_status(&record.state),
            customs_payment_id: found.verify_department_trade_id,
            result_code: Some(record.state),
            result_desc: record.explanation,
            payer_mismatch: false,
        })
    }

    fn read_notification(&self, _path: &str, headers: &Headers, body: &str) -> Result<WalletNews, String> {
        let header = |name: &str| headers.get(name).map(String::as_str).ok_or(format!("no {name} header"));
        let signed = PlatformHeaders {
            timestamp: header("wechatpay-timestamp")?,
            nonce: header("wechatpay-nonce")?,
            signature: header("wechatpay-signature")?,
            serial: header("wechatpay-serial")?,
        };
        match self.client.read_notification(signed, body).map_err(|e| e.to_string())? {
            Notification::Transaction(t) => {
                let payment_id: PaymentId =
                    t.out_trade_no.parse().map_err(|_| format!("{} is not a payment of Gateway's", t.out_trade_no))?;
                let result = result_of(&t).map_err(|e| e.to_string())?;
                Ok(WalletNews::Payment { payment_id, result })
            }
            Notification::Refund(r) => {
                let refund_id: RefundId =
                    r.out_refund_no.parse().map_err(|_| format!("{} is not a refund of Gateway's", r.out_refund_no))?;
                Ok(WalletNews::Refund {
                    refund_id,
                    succeeded: r.refund_status == RefundStatus::Success,
                    provider_ref: r.refund_id,
                })
            }
        }
    }

    fn notification_answer(&self) -> String {
        serde_json::to_string(&CallbackAnswer::received()).unwrap_or_default()
    }
}
