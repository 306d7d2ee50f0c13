//! The bodies Antom's Cashier Payment exchanges, with its field names (camelCase) and
//! its convention that every value but an array is a JSON string: amounts are
//! `{"currency": "CNY", "value": "15812"}`, the value in minor units (fen).

use serde::{Deserialize, Serialize};

/// The endpoint of `pay`, under `{base}`.
pub const PAY_URI: &str = "/ams/api/v1/payments/pay";

/// The endpoint of `inquiryPayment`, under `{base}`.
pub const INQUIRY_URI: &str = "/ams/api/v1/payments/inquiryPayment";

/// The endpoint of `refund`, under `{base}`.
pub const REFUND_URI: &str = "/ams/api/v1/payments/refund";

/// The endpoint of `declare` (a payment declared to China customs), under `{base}`.
pub const DECLARE_URI: &str = "/ams/api/v1/customs/declare";

/// The endpoint of `inquiryDeclarationRequests`, under `{base}`.
pub const INQUIRY_DECLARATIONS_URI: &str = "/ams/api/v1/customs/inquiryDeclarationRequests";

/// Alipay's payment method for shoppers in mainland China.
pub const ALIPAY_CN: &str = "ALIPAY_CN";

/// An amount in minor units of its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    pub currency: String,
    pub value: String,
}

impl Amount {
    pub fn cny(fen: i64) -> Self {
        Amount { currency: "CNY".into(), value: fen.to_string() }
    }

    /// The value in minor units, if it is a whole number.
    pub fn minor_units(&self) -> Option<i64> {
        self.value.parse().ok()
    }
}

/// The outcome every answer carries. Its status says what Gateway may conclude:
/// `S` succeeded, `F` failed (do not retry the same request), `U` unknown (the
/// request may or may not have taken effect: ask again, by inquiry, before concluding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultInfo {
    pub result_code: String,
    pub result_status: ResultStatus,
    #[serde(default)]
    pub result_message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResultStatus {
    #[serde(rename = "S")]
    Succeeded,
    #[serde(rename = "F")]
    Failed,
    #[serde(rename = "U")]
    Unknown,
}

impl ResultInfo {
    /// The answer Antom expects to a notification it sent: anything else, or none,
    /// and it sends the notification again.
    pub fn notification_received() -> Self {
        ResultInfo {
            result_code: "SUCCESS".into(),
            result_status: ResultStatus::Succeeded,
            result_message: "success".into(),
        }
    }

    /// A `pay` of Cashier Payment answers `U` with `PAYMENT_IN_PROCESS` when the
    /// session is open and the shopper is to pay at the wallet: not an unknown.
    pub fn is_session_open(&self) -> bool {
        self.result_status == ResultStatus::Unknown && self.result_code == "PAYMENT_IN_PROCESS"
    }
}

/// What an acknowledgement of a notification carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationAnswer {
    pub result: ResultInfo,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethod {
    pub payment_method_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// Gateway's reference of what is paid for (the checkout).
    pub reference_order_id: String,
    pub order_description: String,
    pub order_amount: Amount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettlementStrategy {
    pub settlement_currency: String,
}

/// Where the shopper pays: `WEB` on a desktop (a QR code to scan), `WAP` in a phone's
/// browser (a redirect to the wallet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TerminalType {
    Web,
    Wap,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Env {
    pub terminal_type: TerminalType,
}

/// The body of `pay` for Cashier Payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PayRequest {
    /// Always `CASHIER_PAYMENT`.
    pub product_code: String,
    /// Gateway's id of the payment, stored before the call: the idempotency key of
    /// `pay` at Antom, and what an inquiry asks about after a crash.
    pub payment_request_id: String,
    pub order: Order,
    pub payment_amount: Amount,
    pub payment_method: PaymentMethod,
    /// Where the wallet sends the shopper back.
    pub payment_redirect_url: String,
    /// Where Antom sends `notifyPayment`.
    pub payment_notify_url: String,
    /// The merchant is paid in dollars.
    pub settlement_strategy: SettlementStrategy,
    pub env: Env,
    /// ISO 8601; the session closes at the wallet then, as the checkout expires.
    pub payment_expiry_time: String,
}

/// A code to show: the QR code of a desktop payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeDetail {
    pub code_value: String,
    #[serde(default)]
    pub display_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCodeForm {
    #[serde(default)]
    pub code_details: Vec<CodeDetail>,
    #[serde(default)]
    pub expire_time: Option<String>,
}

/// The answer to `pay`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PayResponse {
    pub result: ResultInfo,
    #[serde(default)]
    pub payment_request_id: Option<String>,
    #[serde(default)]
    pub payment_id: Option<String>,
    /// The wallet's page, for a redirect (a phone's browser, or a desktop without a
    /// code to show).
    #[serde(default)]
    pub normal_url: Option<String>,
    #[serde(default)]
    pub order_code_form: Option<OrderCodeForm>,
}

/// `notifyPayment`: the final result of a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentNotification {
    /// `PAYMENT_RESULT` (final) or `PAYMENT_PENDING` (paid, result to follow).
    pub notify_type: String,
    pub result: ResultInfo,
    pub payment_request_id: String,
    pub payment_id: String,
    pub payment_amount: Amount,
    #[serde(default)]
    pub payment_create_time: Option<String>,
    #[serde(default)]
    pub payment_time: Option<String>,
}

impl PaymentNotification {
    /// The notification is a final result (a `PAYMENT_PENDING` says only that the
    /// shopper has paid and the result will follow).
    pub fn is_final(&self) -> bool {
        self.notify_type == "PAYMENT_RESULT"
    }
}

/// How a refund ended, as `notifyRefund` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RefundStatus {
    Success,
    Fail,
}

/// `notifyRefund`: the final result of a refund that `refund` accepted for later
/// (`REFUND_IN_PROCESS`), with the fields Antom's Cashier Payment reference gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundNotification {
    /// Always `REFUND_RESULT`.
    pub notify_type: String,
    /// Why it failed, when it did (`resultStatus` `F`).
    pub result: ResultInfo,
    pub refund_status: RefundStatus,
    /// Gateway's id of the refund, as sent in `refund`.
    pub refund_request_id: String,
    /// Antom's id of the refund.
    pub refund_id: String,
    pub refund_amount: Amount,
    /// When the refund reached its end; Antom gives it when the refund succeeded.
    #[serde(default)]
    pub refund_time: Option<String>,
    /// The refund in the settlement currency, when the rate was locked at payment.
    #[serde(default)]
    pub gross_settlement_amount: Option<Amount>,
}

impl RefundNotification {
    pub fn succeeded(&self) -> bool {
        self.refund_status == RefundStatus::Success
    }
}

/// A notification Antom sent, told apart by its `notifyType`: `notifyPayment`
/// (`PAYMENT_RESULT`, `PAYMENT_PENDING`) or `notifyRefund` (`REFUND_RESULT`). Both are
/// answered alike, with [`ResultInfo::notification_received`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AntomNotification {
    Payment(PaymentNotification),
    Refund(RefundNotification),
}

/// The body of `inquiryPayment`: which payment, by Gateway's id of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InquiryRequest {
    pub payment_request_id: String,
}

/// Where the payment stands at Antom, as `inquiryPayment` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WalletPaymentStatus {
    Success,
    Fail,
    Processing,
    Cancelled,
    Pending,
}

/// The answer to `inquiryPayment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InquiryResponse {
    pub result: ResultInfo,
    #[serde(default)]
    pub payment_status: Option<WalletPaymentStatus>,
    #[serde(default)]
    pub payment_id: Option<String>,
    #[serde(default)]
    pub payment_amount: Option<Amount>,
}

/// The body of `refund`: part or all of a captured payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundRequest {
    /// Gateway's id of the refund, stored before the call: its idempotency key.
    pub refund_request_id: String,
    /// Antom's id of the payment.
    pub payment_id: String,
    pub refund_amount: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_reason: Option<String>,
    /// Where Antom sends `notifyRefund` when the refund completes later (an answer `U`
    /// with `REFUND_IN_PROCESS`). Without it, Antom sends it to the refund notification
    /// URL set in Antom Dashboard, if any. Its path is the `notify_path` that
    /// [`super::client::AntomClient::read_any_notification`] verifies the notification
    /// against: the path, not the whole URL, is in what Antom signs. It may be the path
    /// of `paymentNotifyUrl`: that reader tells the two notifications apart by
    /// `notifyType`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_notify_url: Option<String>,
}

/// The answer to `refund`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundResponse {
    pub result: ResultInfo,
    #[serde(default)]
    pub refund_request_id: Option<String>,
    #[serde(default)]
    pub refund_id: Option<String>,
    #[serde(default)]
    pub refund_amount: Option<Amount>,
}

impl RefundResponse {
    /// `U` with `REFUND_IN_PROCESS`: accepted, its result comes in `notifyRefund`.
    pub fn is_in_process(&self) -> bool {
        self.result.result_status == ResultStatus::Unknown && self.result.result_code == "REFUND_IN_PROCESS"
    }
}

/// The customs office a declaration goes to (`customsCode`, e.g. `ZONGSHU`,
/// `SHANGHAI_CBT`, `HANGZHOU`), in China.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomsInfo {
    pub customs_code: String,
    /// Always `CN`.
    pub region: String,
}

/// The merchant as registered with customs: Gateway's e-commerce platform record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MerchantCustomsInfo {
    pub merchant_customs_code: String,
    pub merchant_customs_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserName {
    pub full_name: String,
}

/// The buyer's identity document, so that Antom checks it against the payer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Certificate {
    /// `ID_CARD` for a resident identity card.
    pub certificate_type: String,
    pub certificate_no: String,
    pub holder_name: UserName,
}

/// The body of `declare`. A checkout pays several orders at once, so each order is
/// declared on its own (`splitOrder` with the order as `suborderId`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeclareRequest {
    /// At most 32 characters; the idempotency key of the declaration.
    pub declaration_request_id: String,
    pub payment_id: String,
    pub declaration_amount: Amount,
    pub customs: CustomsInfo,
    pub merchant_customs_info: MerchantCustomsInfo,
    pub split_order: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suborder_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_certificate: Option<Certificate>,
}

/// The answer to `declare`: the call was taken; the customs' verdict comes by inquiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeclareResponse {
    pub result: ResultInfo,
    /// The payment's id in the customs' system (the payment document's number).
    #[serde(default)]
    pub customs_payment_id: Option<String>,
    #[serde(default)]
    pub customs_order_id: Option<String>,
    /// Whether the buyer's certificate matched the payer (`CHECK_PASSED`,
    /// `CHECK_NOT_PASSED`).
    #[serde(default)]
    pub identity_check_result: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InquiryDeclarationsRequest {
    /// Up to 10 at a time.
    pub declaration_request_ids: Vec<String>,
}

/// One declaration as customs last answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeclarationRecord {
    pub declaration_request_id: String,
    #[serde(default)]
    pub customs_payment_id: Option<String>,
    #[serde(default)]
    pub customs_order_id: Option<String>,
    #[serde(default)]
    pub declaration_amount: Option<Amount>,
    /// Where the declaration stands at customs; kept as sent, for the operator.
    #[serde(default)]
    pub declaration_request_status: Option<String>,
    #[serde(default)]
    pub customs_declaration_result_code: Option<String>,
    #[serde(default)]
    pub customs_declaration_result_desc: Option<String>,
    #[serde(default)]
    pub customs_declaration_return_time: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InquiryDeclarationsResponse {
    pub result: ResultInfo,
    #[serde(default)]
    pub declaration_requests_not_found: Vec<String>,
    #[serde(default)]
    pub declaration_records: Vec<DeclarationRecord>,
}

/// Every answer's outcome, so that a call can classify any of them.
pub trait Answer {
    fn result(&self) -> &ResultInfo;
}

impl Answer for PayResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

impl Answer for InquiryResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

impl Answer for RefundResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

impl Answer for DeclareResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

impl Answer for InquiryDeclarationsResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use serde_json::json;

    #[test]
    fn a_pay_request_has_antoms_field_names_and_string_values() {
        let request = PayRequest {
            product_code: "CASHIER_PAYMENT".into(),
            payment_request_id: "0190f000-0000-7000-8000-000000000001".into(),
            order: Order {
                reference_order_id: "checkout-1".into(),
                order_description: "Gateway order".into(),
                order_amount: Amount::cny(15812),
            },
            payment_amount: Amount::cny(15812),
            payment_method: PaymentMethod { payment_method_type: ALIPAY_CN.into() },
            payment_redirect_url: "https://shop.example/checkout/done".into(),
            payment_notify_url: "https://shop.example/api/v1/payments/alipay/notify".into(),
            settlement_strategy: SettlementStrategy { settlement_currency: "USD".into() },
            env: Env { terminal_type: TerminalType::Wap },
            payment_expiry_time: "2026-12-07T23:30:00+08:00".into(),
        };
        let body = serde_json::to_value(&request).unwrap();
        assert_eq!(
            body,
            json!({
                "productCode": "CASHIER_PAYMENT",
                "paymentRequestId": "0190f000-0000-7000-8000-000000000001",
                "order": {
                    "referenceOrderId": "checkout-1",
                    "orderDescription": "Gateway order",
                    "orderAmount": {"currency": "CNY", "value": "15812"}
                },
                "paymentAmount": {"currency": "CNY", "value": "15812"},
                "paymentMethod": {"paymentMethodType": "ALIPAY_CN"},
                "paymentRedirectUrl": "https://shop.example/checkout/done",
                "paymentNotifyUrl": "https://shop.example/api/v1/payments/alipay/notify",
                "settlementStrategy": {"settlementCurrency": "USD"},
                "env": {"terminalType": "WAP"},
                "paymentExpiryTime": "2026-12-07T23:30:00+08:00"
            })
        );
    }

    #[test]
    fn a_pay_answer_in_process_is_an_open_session() {
        let answer: PayResponse = serde_json::from_value(json!({
            "result": {"resultCode": "PAYMENT_IN_PROCESS", "resultStatus": "U", "resultMessage": "payment in process"},
            "paymentRequestId": "p-1",
            "paymentId": "2026120719040100000001",
            "normalUrl": "https://open-sea-global.alipay.com/cashier?id=1",
            "orderCodeForm": {"codeDetails": [{"codeValue": "https://qr.alipay.com/bax1", "displayType": "TEXT"}]}
        }))
        .unwrap();
        assert!(answer.result.is_session_open());
        assert_eq!(answer.order_code_form.unwrap().code_details[0].code_value, "https://qr.alipay.com/bax1");

        let unknown: ResultInfo =
            serde_json::from_value(json!({"resultCode": "UNKNOWN_EXCEPTION", "resultStatus": "U"})).unwrap();
        assert!(!unknown.is_session_open());
        assert_eq!(unknown.result_status, ResultStatus::Unknown);
        assert!(serde_json::from_value::<ResultInfo>(json!({"resultCode": "X", "resultStatus": "Q"})).is_err());
    }

    #[test]
    fn a_notification_reads_and_is_answered_as_antom_expects() {
        let notification: PaymentNotification = serde_json::from_value(json!({
            "notifyType": "PAYMENT_RESULT",
            "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
            "paymentRequestId": "p-1",
            "paymentId": "2026120719040100000001",
            "paymentAmount": {"currency": "CNY", "value": "15812"},
            "paymentCreateTime": "2026-12-07T23:00:00+08:00",
            "paymentTime": "2026-12-07T23:01:10+08:00"
        }))
        .unwrap();
        assert!(notification.is_final());
        assert_eq!(notification.result.result_status, ResultStatus::Succeeded);
        assert_eq!(notification.payment_amount.minor_units(), Some(15812));

        let answer = NotificationAnswer { result: ResultInfo::notification_received() };
        assert_eq!(
            serde_json::to_value(answer).unwrap(),
            json!({"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}})
        );
    }
}
