//! The bodies of WeChat Pay's cross-border (global) API v3, with the field names of its
//! published reference (pay.weixin.qq.com/wiki/doc/api_external, English `en/apis/…`
//! and Chinese `ch/apis/…` pages): JSON in snake_case, amounts as integers in the
//! currency's minor unit (`{"total": 15812, "currency": "CNY"}` is ¥158.12).
//!
//! Only the direct ("common") mode is spoken: the merchant's own `mchid` and `appid`.
//! The institutional mode (`sp_mchid`, `sub_mchid`, `sp_appid`, `sub_appid`) is not.
//!
//! Where the reference is silent or contradicts itself, the field's doc comment says so,
//! and the reader accepts each of the published spellings.

use serde::{Deserialize, Serialize};

/// Native (QR code) order placement, `POST` (api_external `apis/chapter3_2_1`).
pub const NATIVE_PATH: &str = "/v3/global/transactions/native";

/// H5 (a phone's browser) order placement, `POST`. The reference's page "H5统一下单"
/// (api_external `ch/apis/chapter4_1_30`) gives `/v3/global/transactions/mweb`; the
/// mainland API's `/v3/pay/transactions/h5` has no global counterpart in it.
pub const H5_PATH: &str = "/v3/global/transactions/mweb";

/// Query by `out_trade_no` (`GET {QUERY_PATH}{out_trade_no}?mchid=…`) and, with
/// `/close` after it, close (`POST`).
pub const QUERY_PATH: &str = "/v3/global/transactions/out-trade-no/";

/// Refund, `POST` (api_external `ch/apis/chapter3_1_3`).
pub const REFUNDS_PATH: &str = "/v3/global/refunds";

/// Refund query by `out_refund_no` (`GET {REFUND_QUERY_PATH}{out_refund_no}?mchid=…`,
/// api_external `ch/apis/chapter3_1_4`).
pub const REFUND_QUERY_PATH: &str = "/v3/global/refunds/out-refund-no/";

/// Customs declaration, `POST`, and its query, `GET` (api_external
/// `apis/chapter4_3_1` and `apis/chapter4_3_3`).
pub const CUSTOMS_PATH: &str = "/v3/global/customs/orders";

/// The trade types placement names in `trade_type`.
pub const NATIVE: &str = "NATIVE";
pub const MWEB: &str = "MWEB";

/// An order's amount: `total` in the minor unit of `currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    pub total: i64,
    pub currency: String,
}

impl Amount {
    pub fn cny(fen: i64) -> Self {
        Amount { total: fen, currency: "CNY".into() }
    }
}

/// Where the shopper pays from. H5 requires `payer_client_ip`, the shopper's own IP
/// (WeChat Pay compares it with the phone's when the payment page opens).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SceneInfo {
    pub payer_client_ip: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// The shop, which the H5 reference marks required with its `name` and `address`
    /// — for a store; an online shop gives its own name and address. The Native
    /// reference leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_info: Option<StoreInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    pub address: String,
}

/// What Gateway places, the same for Native and H5; the client adds `appid`, `mchid`
/// and `trade_type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Shown in the shopper's WeChat bill: `shop - what was bought`.
    pub description: String,
    /// Gateway's id of the payment, stored before the call: at most 32 characters,
    /// unique per merchant; placing the same one again answers the same order.
    pub out_trade_no: String,
    /// Where WeChat Pay sends the payment's callback: HTTPS, no query.
    pub notify_url: String,
    pub amount: Amount,
    /// The merchant category code registered for the merchant (e.g. `5311`).
    pub merchant_category_code: String,
    /// RFC 3339 (`2026-12-07T23:30:00+08:00`); past it the order cannot be paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_expire: Option<String>,
    /// Returned as is in the query and the callback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attach: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scene_info: Option<SceneInfo>,
}

/// The body Gateway sends: the order and who places it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Placement<'a> {
    pub appid: &'a str,
    pub mchid: &'a str,
    pub trade_type: &'a str,
    #[serde(flatten)]
    pub order: &'a Order,
}

/// The answer to Native placement: the link the QR code encodes (`weixin://…`), valid
/// for two hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NativeAnswer {
    pub code_url: String,
}

/// The answer to H5 placement: the page that opens WeChat to pay (valid five minutes,
/// the mainland pages say).
/// The reference's H5 page names it `h5_url`; older pages and SDKs of the same API
/// name it `mweb_url`: either is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct H5Answer {
    #[serde(alias = "mweb_url")]
    pub h5_url: String,
}

/// Where a payment stands (`trade_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TradeState {
    /// Paid.
    Success,
    /// Paid, then (partly) refunded.
    Refund,
    /// Not paid (yet): the shopper may still pay until the order expires or is closed.
    #[serde(rename = "NOTPAY")]
    NotPay,
    /// Closed unpaid: it can no longer be paid.
    Closed,
    /// Revoked (Quick Pay only).
    Revoked,
    /// The shopper is paying (Quick Pay only, the reference says).
    #[serde(rename = "USERPAYING")]
    UserPaying,
    /// The payment failed (Quick Pay only, the reference says).
    #[serde(rename = "PAYERROR")]
    PayError,
    /// A state this version does not know: not paid as far as Gateway can tell; ask
    /// again later.
    #[serde(other)]
    Other,
}

impl TradeState {
    /// The shopper's money reached the merchant (a refund since does not undo that).
    pub fn is_paid(self) -> bool {
        matches!(self, TradeState::Success | TradeState::Refund)
    }
}

/// The payer, as the merchant's app knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payer {
    #[serde(default)]
    pub openid: Option<String>,
}

/// The rate a cross-border payment was converted at, as WeChat Pay gives it (the
/// reference's stored copy does not say how `rate` is scaled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRate {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub rate: Option<i64>,
}

/// A transaction's amount: the order's (`total`, `currency`) and what the shopper paid
/// (`payer_total` in `payer_currency`, CNY for a mainland wallet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionAmount {
    pub total: i64,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub payer_total: Option<i64>,
    #[serde(default)]
    pub payer_currency: Option<String>,
    #[serde(default)]
    pub exchange_rate: Option<ExchangeRate>,
}

/// A transaction, as the query answers it and as a `TRANSACTION.SUCCESS` callback
/// carries it (decrypted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    #[serde(default)]
    pub mchid: Option<String>,
    #[serde(default)]
    pub appid: Option<String>,
    pub out_trade_no: String,
    /// WeChat Pay's id of the transaction. The global reference names it `id`; the
    /// mainland API, and the customs and refund pages of the global one, name it
    /// `transaction_id`: either is read.
    #[serde(default, alias = "transaction_id")]
    pub id: Option<String>,
    #[serde(default)]
    pub trade_type: Option<String>,
    pub trade_state: TradeState,
    #[serde(default)]
    pub trade_state_desc: Option<String>,
    #[serde(default)]
    pub bank_type: Option<String>,
    #[serde(default)]
    pub attach: Option<String>,
    /// RFC 3339, when paid.
    #[serde(default)]
    pub success_time: Option<String>,
    #[serde(default)]
    pub payer: Option<Payer>,
    #[serde(default)]
    pub amount: Option<TransactionAmount>,
}

/// The body of close (the merchant, nothing else: the order is in the path).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CloseRequest<'a> {
    pub mchid: &'a str,
}

/// What is refunded: `refund` of the order's `total`, in the order's `currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundAmount {
    pub refund: i64,
    pub total: i64,
    pub currency: String,
}

/// The body of refund; the client adds `mchid` and `appid`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRequest {
    /// The payment's `out_trade_no` (the reference takes it or `transaction_id`).
    pub out_trade_no: String,
    /// Gateway's id of the refund, stored before the call: at most 64 characters; the
    /// same one sent again refunds once. A refund that failed is sent again with it.
    pub out_refund_no: String,
    pub amount: RefundAmount,
    /// Shown to the shopper in the refund message (not for partial refunds of ¥1 or less).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Where WeChat Pay sends the refund's callback (`REFUND.SUCCESS`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_url: Option<String>,
}

/// The body Gateway sends: the refund and whose.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RefundBody<'a> {
    pub mchid: &'a str,
    pub appid: &'a str,
    #[serde(flatten)]
    pub refund: &'a RefundRequest,
}

/// Where a refund stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RefundStatus {
    /// The money is back with the shopper.
    Success,
    /// Accepted, not done yet.
    Processing,
    /// Closed without refunding. The mainland API v3 spells it `CLOSED`; the older
    /// cross-border API, `REFUNDCLOSE`: either is read.
    #[serde(alias = "REFUNDCLOSE")]
    Closed,
    /// It could not reach the shopper's card (frozen, cancelled): not final; the
    /// merchant handles it on the merchant platform.
    Abnormal,
    /// A status this version does not know: ask again later.
    #[serde(other)]
    Other,
}

/// A refund's amount as WeChat Pay answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundedAmount {
    pub refund: i64,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub total: Option<i64>,
    #[serde(default)]
    pub payer_refund: Option<i64>,
    #[serde(default)]
    pub payer_total: Option<i64>,
    #[serde(default)]
    pub payer_currency: Option<String>,
    #[serde(default)]
    pub exchange_rate: Option<ExchangeRate>,
}

/// A refund, as refund and the refund query answer it. The reference lists `status`
/// only in the query's answer; the refund's own answer says only that it was
/// accepted, so `status` is read when present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// WeChat Pay's id of the refund.
    pub id: String,
    pub out_refund_no: String,
    #[serde(default)]
    pub transaction_id: Option<String>,
    #[serde(default)]
    pub out_trade_no: Option<String>,
    #[serde(default)]
    pub status: Option<RefundStatus>,
    #[serde(default)]
    pub create_time: Option<String>,
    #[serde(default)]
    pub success_time: Option<String>,
    /// Back to where: `ORIGINAL`, `BALANCE`, `OTHER_BALANCE`, `OTHER_BANKCARD`.
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub recv_account: Option<String>,
    pub amount: RefundedAmount,
}

/// A refund as its callback (`REFUND.SUCCESS`, `REFUND.ABNORMAL`, `REFUND.CLOSED`)
/// carries it, decrypted (api_external `en/apis/chapter3_2_9`). The reference's
/// stored copy does not show this resource's fields; these are the mainland API v3's,
/// which the global API's refund pages otherwise follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundNotification {
    #[serde(default)]
    pub mchid: Option<String>,
    #[serde(default)]
    pub out_trade_no: Option<String>,
    #[serde(default)]
    pub transaction_id: Option<String>,
    pub out_refund_no: String,
    #[serde(default)]
    pub refund_id: Option<String>,
    pub refund_status: RefundStatus,
    #[serde(default)]
    pub success_time: Option<String>,
    #[serde(default, alias = "recv_account")]
    pub user_received_account: Option<String>,
    #[serde(default)]
    pub amount: Option<RefundedAmount>,
}

/// A callback, decrypted and told apart by its `event_type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    /// `TRANSACTION.SUCCESS`: WeChat Pay calls back only when a payment succeeded.
    Transaction(Transaction),
    /// `REFUND.SUCCESS`, `REFUND.ABNORMAL`, `REFUND.CLOSED`.
    Refund(RefundNotification),
}

/// The body of a customs declaration (api_external `apis/chapter4_3_1`); the client
/// adds `appid` and `mchid`. The payment is declared with the CNY the shopper paid,
/// less any refund; a checkout paying several orders declares each as a sub-order
/// (`sub_order_no`, with its `order_fee` = `transport_fee` + `product_fee`).
///
/// The buyer's identity is not part of it: the reference checks it with its own call
/// (`/v3/global/customs/verify-certificate`), whose fields are encrypted with the
/// platform key; that call is not spoken here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclarationRequest {
    pub out_trade_no: String,
    /// WeChat Pay's id of the payment (the query's `id`).
    pub transaction_id: String,
    /// The customs office, e.g. `ZONGSHU`, `SHANGHAI_ZS`, `HANGZHOU_ZS`.
    pub customs: String,
    /// The merchant's registration number at that customs office. The declaration
    /// calls it `merchant_customs_no`; the query's answer, `mch_customs_no`.
    pub merchant_customs_no: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_order_no: Option<String>,
    /// `CNY`; with a sub-order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_fee: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport_fee: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_fee: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duty: Option<i64>,
}

/// The body Gateway sends: the declaration and whose.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DeclarationBody<'a> {
    pub appid: &'a str,
    pub mchid: &'a str,
    #[serde(flatten)]
    pub declaration: &'a DeclarationRequest,
}

/// The answer to a declaration. `state` is where it stands at customs, kept as sent
/// for the operator (the reference's stored copy names the field, not its values);
/// the verdict comes by query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomsDeclaration {
    #[serde(default)]
    pub appid: Option<String>,
    #[serde(default)]
    pub mchid: Option<String>,
    pub state: String,
    pub out_trade_no: String,
    pub transaction_id: String,
    #[serde(default)]
    pub sub_order_no: Option<String>,
    #[serde(default)]
    pub sub_order_id: Option<String>,
    /// Who verified the payment for customs, and its number for it.
    #[serde(default)]
    pub verify_department: Option<String>,
    #[serde(default)]
    pub verify_department_trade_id: Option<String>,
}

/// Which number a declaration query names (`order_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclaredOrder {
    OutTradeNo,
    TransactionId,
    SubOrderNo,
    SubOrderId,
}

impl DeclaredOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            DeclaredOrder::OutTradeNo => "out_trade_no",
            DeclaredOrder::TransactionId => "transaction_id",
            DeclaredOrder::SubOrderNo => "sub_order_no",
            DeclaredOrder::SubOrderId => "sub_order_id",
        }
    }
}

/// One (sub-)order's declaration as customs last answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclarationRecord {
    #[serde(default)]
    pub sub_order_no: Option<String>,
    #[serde(default)]
    pub sub_order_id: Option<String>,
    #[serde(default, alias = "merchant_customs_no")]
    pub mch_customs_no: Option<String>,
    pub customs: String,
    #[serde(default)]
    pub fee_type: Option<String>,
    #[serde(default)]
    pub order_fee: Option<i64>,
    #[serde(default)]
    pub duty: Option<i64>,
    #[serde(default)]
    pub transport_fee: Option<i64>,
    #[serde(default)]
    pub product_fee: Option<i64>,
    /// As in [`CustomsDeclaration::state`].
    pub state: String,
    /// Why customs refused it, when it did.
    #[serde(default)]
    pub explanation: Option<String>,
    #[serde(default)]
    pub modify_time: Option<String>,
}

/// The answer to a declaration query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomsDeclarations {
    #[serde(default)]
    pub transaction_id: Option<String>,
    #[serde(default)]
    pub verify_department: Option<String>,
    #[serde(default)]
    pub verify_department_trade_id: Option<String>,
    #[serde(default)]
    pub total_count: Option<i64>,
    #[serde(default)]
    pub data: Vec<DeclarationRecord>,
}

/// The body of every refusal (HTTP 4xx/5xx): `code` (`PARAM_ERROR`, `SIGN_ERROR`,
/// `ORDERPAID`, `SYSTEM_ERROR`, …) and `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorAnswer {
    pub code: String,
    #[serde(default)]
    pub message: String,
}

/// What Gateway answers a callback. WeChat Pay's API v3 rules (the mainland pages)
/// say: received, HTTP 200 or 204 and no body needed; not received, HTTP 4xx or 5xx
/// with `{"code": "FAIL", "message": "…"}`. The cross-border pages' examples answer
/// `{"code": "SUCCESS", "message": "成功"}` with 200. [`CallbackAnswer::received`] is
/// that 200 with that body, which meets both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackAnswer {
    pub code: String,
    pub message: String,
}

impl CallbackAnswer {
    /// The callback was verified and stored: WeChat Pay stops sending it.
    pub fn received() -> Self {
        CallbackAnswer { code: "SUCCESS".into(), message: "成功".into() }
    }

    /// The callback was not taken (not verified, not stored): WeChat Pay sends it again
    /// (15 s, 15 s, 30 s, 3 min, … over about a day).
    pub fn refused(why: impl Into<String>) -> Self {
        CallbackAnswer { code: "FAIL".into(), message: why.into() }
    }

    /// The HTTP status to answer with: 200 when received, 500 when not.
    pub fn status(&self) -> u16 {
        if self.code == "SUCCESS" { 200 } else { 500 }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use serde_json::json;

    fn order() -> Order {
        Order {
            description: "Gateway - order 1".into(),
            out_trade_no: "p-1".into(),
            notify_url: "https://shop.example/api/v1/payments/wechat/notify".into(),
            amount: Amount::cny(15812),
            merchant_category_code: "5311".into(),
            time_expire: Some("2026-12-07T23:30:00+08:00".into()),
            attach: None,
            scene_info: Some(SceneInfo { payer_client_ip: "203.0.113.7".into(), ..SceneInfo::default() }),
        }
    }

    #[test]
    fn a_placement_has_the_published_field_names_and_integer_amounts() {
        let order = order();
        let body = Placement { appid: "wx8888888888888888", mchid: "1900000109", trade_type: NATIVE, order: &order };
        assert_eq!(
            serde_json::to_value(body).unwrap(),
            json!({
                "appid": "wx8888888888888888",
                "mchid": "1900000109",
                "trade_type": "NATIVE",
                "description": "Gateway - order 1",
                "out_trade_no": "p-1",
                "notify_url": "https://shop.example/api/v1/payments/wechat/notify",
                "amount": {"total": 15812, "currency": "CNY"},
                "merchant_category_code": "5311",
                "time_expire": "2026-12-07T23:30:00+08:00",
                "scene_info": {"payer_client_ip": "203.0.113.7"}
            })
        );
    }

    #[test]
    fn a_transaction_reads_either_spelling_of_its_id_and_any_state() {
        let paid: Transaction = serde_json::from_value(json!({
            "mchid": "1900000109",
            "out_trade_no": "p-1",
            "id": "4200000000202612070000000001",
            "trade_state": "SUCCESS",
            "amount": {"total": 15812, "currency": "CNY", "payer_total": 15812, "payer_currency": "CNY"}
        }))
        .unwrap();
        assert!(paid.trade_state.is_paid());
        assert_eq!(paid.id.as_deref(), Some("4200000000202612070000000001"));
        let other: Transaction = serde_json::from_value(json!({
            "out_trade_no": "p-1", "transaction_id": "42", "trade_state": "ACCEPT"
        }))
        .unwrap();
        assert_eq!((other.id.as_deref(), other.trade_state), (Some("42"), TradeState::Other));
        for (state, expected) in [("NOTPAY", TradeState::NotPay), ("USERPAYING", TradeState::UserPaying)] {
            let read: TradeState = serde_json::from_value(json!(state)).unwrap();
            assert_eq!(read, expected);
            assert!(!read.is_paid());
        }
    }

    #[test]
    fn both_spellings_of_a_closed_refund_and_of_the_h5_link_are_read() {
        for spelling in ["CLOSED", "REFUNDCLOSE"] {
            assert_eq!(serde_json::from_value::<RefundStatus>(json!(spelling)).unwrap(), RefundStatus::Closed);
        }
        for field in ["h5_url", "mweb_url"] {
            let answer: H5Answer = serde_json::from_value(json!({ field: "https://wx.tenpay.com/x" })).unwrap();
            assert_eq!(answer.h5_url, "https://wx.tenpay.com/x");
        }
    }

    #[test]
    fn a_callback_is_answered_as_published() {
        let received = CallbackAnswer::received();
        assert_eq!(serde_json::to_value(&received).unwrap(), json!({"code": "SUCCESS", "message": "成功"}));
        assert_eq!(received.status(), 200);
        let refused = CallbackAnswer::refused("not stored");
        assert_eq!(serde_json::to_value(&refused).unwrap(), json!({"code": "FAIL", "message": "not stored"}));
        assert_eq!(refused.status(), 500);
    }
}
