//! Wallet payments after checkout (issue 20): what the wallet's news does to a
//! payment and its orders, the refunds and customs declarations owed to the
//! provider, and the tasks that servers share to send and check them.

use crate::{Page, PageRequest, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::payment::{
    DeclarationStatus, PaymentDevice, PaymentEvent, PaymentMethod, PaymentReview, PaymentStatus, PaymentStep,
    RefundStatus,
};
use gateway_core::{Cny, OrderId, PaymentId, RefundId, UserId};

/// What the shopper is shown to pay at the wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentAction {
    /// Send the shopper's browser here (a phone).
    RedirectUrl(String),
    /// Draw this as a QR code for the wallet's app to scan (a desktop).
    QrCode(String),
}

impl PaymentAction {
    /// The stored kind: `redirect_url` or `qr_code`.
    pub fn kind(&self) -> &'static str {
        match self {
            PaymentAction::RedirectUrl(_) => "redirect_url",
            PaymentAction::QrCode(_) => "qr_code",
        }
    }

    pub fn value(&self) -> &str {
        match self {
            PaymentAction::RedirectUrl(v) | PaymentAction::QrCode(v) => v,
        }
    }

    /// Back from its stored kind and value.
    pub fn from_stored(kind: &str, value: String) -> Option<Self> {
        match kind {
            "redirect_url" => Some(PaymentAction::RedirectUrl(value)),
            "qr_code" => Some(PaymentAction::QrCode(value)),
            _ => None,
        }
    }
}

/// A checkout's one payment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    pub id: PaymentId,
    pub buyer_id: UserId,
    pub amount: Cny,
    pub refunded: Cny,
    pub status: PaymentStatus,
    pub method: PaymentMethod,
    pub device: PaymentDevice,
    /// The provider's id of the payment once known (Antom's `paymentId`, WeChat Pay's
    /// `transaction_id`); empty before.
    pub provider_ref: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub action: Option<PaymentAction>,
    pub review: Option<PaymentReview>,
    pub order_ids: Vec<OrderId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A piece of news about a payment, to apply under its row lock.
#[derive(Debug, Clone)]
pub struct PaymentNews {
    pub payment_id: PaymentId,
    pub event: PaymentEvent,
    /// The provider's id of the payment, when the news carries it.
    pub provider_ref: Option<String>,
    pub at: DateTime<Utc>,
    /// On a capture: the customs office each order's payment is declared to, if the
    /// method declares (a wallet does; the sandbox does not).
    pub declare_to: Option<String>,
}

/// What the job owes a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentTaskKind {
    /// Inquire a pending payment; expire it when its time is up.
    CheckPayment,
    /// Send a refund (again, by the same id, until the provider answers).
    Refund,
    /// Send a declaration to customs, then ask its verdict until it comes.
    Declare,
}

impl PaymentTaskKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            PaymentTaskKind::CheckPayment => "check_payment",
            PaymentTaskKind::Refund => "refund",
            PaymentTaskKind::Declare => "declare",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::CheckPayment, Self::Refund, Self::Declare].into_iter().find(|k| k.as_str() == s)
    }
}

/// A claimed task: its subject is a payment id, a refund id or a declaration id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentTask {
    pub id: i64,
    pub kind: PaymentTaskKind,
    pub subject: String,
    pub attempts: i64,
}

/// A refund as stored, with what the provider needs to send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRecord {
    pub id: RefundId,
    pub payment_id: PaymentId,
    pub order_id: Option<OrderId>,
    pub amount: Cny,
    pub reason: String,
    pub status: RefundStatus,
    pub provider_ref: Option<String>,
    pub payment_method: PaymentMethod,
    pub payment_provider_ref: String,
    pub payment_amount: Cny,
    pub created_at: DateTime<Utc>,
}

/// A payment's declaration to customs for one order, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclarationRecord {
    /// At most 32 characters: the declaration's idempotency key at the provider.
    pub id: String,
    pub order_id: OrderId,
    pub payment_id: PaymentId,
    pub buyer_id: UserId,
    pub amount: Cny,
    pub customs_code: String,
    pub status: DeclarationStatus,
    pub customs_payment_id: Option<String>,
    pub result_code: Option<String>,
    pub result_desc: Option<String>,
    pub payment_method: PaymentMethod,
    pub payment_provider_ref: String,
    pub updated_at: DateTime<Utc>,
}

/// What the provider or customs said of a declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclarationUpdate {
    pub id: String,
    pub status: DeclarationStatus,
    pub customs_payment_id: Option<String>,
    pub result_code: Option<String>,
    pub result_desc: Option<String>,
    pub at: DateTime<Utc>,
    /// Customs refused it because the payer is not the buyer: cancel the order with
    /// `payer_mismatch`, give its stock and quota back and refund it.
    pub payer_mismatch: bool,
}

#[async_trait]
pub trait PaymentStore: Send + Sync {
    async fn payment(&self, id: PaymentId) -> StoreResult<Option<PaymentRecord>>;
    /// Records what the shopper is to be shown, once the provider opened the session.
    async fn set_payment_action(&self, id: PaymentId, action: &PaymentAction, at: DateTime<Utc>) -> StoreResult<()>;
    /// Applies `news` under the payment's row lock with `payment::step`, in one
    /// transaction: a capture marks the orders paid and schedules their declarations;
    /// a release cancels them with its reason and gives stock and quota back; a late
    /// success records the refund of the whole payment and schedules it. Returns the
    /// step taken and the payment after it; None for an unknown payment.
    async fn apply_payment_news(&self, news: PaymentNews) -> StoreResult<Option<(PaymentStep, PaymentRecord)>>;
    /// Claims up to `limit` due tasks for `worker` until `until`, as outbox
    /// deliveries are claimed: servers never take the same task twice at once, and a
    /// claim whose server died runs out.
    async fn claim_payment_tasks(
        &self,
        worker: &str,
        limit: u32,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Vec<PaymentTask>>;
    /// Puts a claimed task back, due at `due_at`, with the error that delayed it.
    async fn reschedule_payment_task(&self, id: i64, due_at: DateTime<Utc>, error: Option<&str>) -> StoreResult<()>;
    /// The task is done.
    async fn finish_payment_task(&self, id: i64) -> StoreResult<()>;
    async fn refund(&self, id: RefundId) -> StoreResult<Option<RefundRecord>>;
    /// Records a refund's outcome; a failed refund marks its payment for review.
    async fn record_refund(
        &self,
        id: RefundId,
        status: RefundStatus,
        provider_ref: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The refunds of a payment, oldest first.
    async fn refunds_of_payment(&self, payment: PaymentId) -> StoreResult<Vec<RefundRecord>>;
    async fn declaration(&self, id: &str) -> StoreResult<Option<DeclarationRecord>>;
    /// The declarations of a payment's orders.
    async fn declarations_of_payment(&self, payment: PaymentId) -> StoreResult<Vec<DeclarationRecord>>;
    /// Records a declaration's new status; on `payer_mismatch`, holds and refunds its
    /// order in the same transaction.
    async fn record_declaration(&self, update: DeclarationUpdate) -> StoreResult<()>;
    /// Payments newest first, of one status or all; `review` keeps only those an
    /// operator should look at.
    async fn list_payments(
        &self,
        status: Option<PaymentStatus>,
        review: bool,
        page: PageRequest,
    ) -> StoreResult<Page<PaymentRecord>>;
}
