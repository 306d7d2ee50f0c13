//! Wallet payments after the checkout transaction (issue 20): the session the shopper
//! pays in, the wallet's notifications, and the job that servers share to inquire
//! pending payments (and expire them), send refunds and declare payments to customs.
//!
//! Every piece of news, from a notification, an inquiry or the clock, goes through
//! `PaymentStore::apply_payment_news`, which decides under the payment's row lock
//! with `payment::step`: whatever their order, duplication or lateness, a payment is
//! captured once or released once, and a success after a release is refunded.

use crate::wallets::{
    DeclarationCall, Headers, ProviderError, RefundCall, RefundOutcome, SessionRequest, Wallet, WalletNews,
    WalletResult,
};
use crate::{App, AppError, AppResult, ErrorCode, Principal};
use chrono::{DateTime, Utc};
use gateway_core::payment::{
    DeclarationStatus, PaymentEvent, PaymentMethod, PaymentReview, PaymentStatus, PaymentStep, RefundStatus,
};
use gateway_core::user::Role;
use gateway_core::{PaymentId, RefundId};
use gateway_store::{DeclarationUpdate, PaymentAction, PaymentNews, PaymentRecord, PaymentTask, PaymentTaskKind};
use serde::Serialize;
use std::future::Future;
use std::sync::Arc;

/// Tasks claimed at once.
const BATCH: u32 = 20;
/// How long a claim holds: longer than a batch of provider calls with their time-outs.
const LEASE: chrono::TimeDelta = chrono::TimeDelta::seconds(120);
/// When customs' verdict on a declaration just sent is first asked for.
const FIRST_VERDICT_LOOK: chrono::TimeDelta = chrono::TimeDelta::seconds(10);
/// The longest a failed call waits before it is tried again.
const MAX_BACKOFF_SECONDS: i64 = 300;

/// What the shopper does to pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PaymentActionView {
    /// A phone: open this page of the wallet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// A desktop: show this as a QR code to scan with the wallet's app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qr_code: Option<String>,
}

impl PaymentActionView {
    pub fn new(action: &PaymentAction) -> Self {
        match action {
            PaymentAction::RedirectUrl(url) => PaymentActionView { redirect_url: Some(url.clone()), qr_code: None },
            PaymentAction::QrCode(code) => PaymentActionView { redirect_url: None, qr_code: Some(code.clone()) },
        }
    }
}

/// A payment as its buyer or an operator reads it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PaymentDetailView {
    pub id: String,
    pub amount: String,
    pub refunded: String,
    #[schema(value_type = String)]
    pub status: PaymentStatus,
    #[schema(value_type = String)]
    pub method: PaymentMethod,
    /// The provider's id of the payment, once known.
    pub provider_ref: Option<String>,
    pub action: Option<PaymentActionView>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Why an operator should look at it: late_success_refunded, declaration_refused,
    /// refund_failed.
    #[schema(value_type = Option<String>)]
    pub review: Option<PaymentReview>,
    pub order_ids: Vec<String>,
    pub refunds: Vec<RefundView>,
    pub declarations: Vec<DeclarationView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RefundView {
    pub id: String,
    pub order_id: Option<String>,
    pub amount: String,
    pub reason: String,
    #[schema(value_type = String)]
    pub status: RefundStatus,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeclarationView {
    pub order_id: String,
    pub customs_code: String,
    #[schema(value_type = String)]
    pub status: DeclarationStatus,
    /// The payment's number in customs' system.
    pub customs_payment_id: Option<String>,
    pub result_code: Option<String>,
    pub result_desc: Option<String>,
}

/// The refusal of a checkout whose wallet would not open the session (its orders are
/// released).
pub(crate) fn session_refused(message: &str) -> AppError {
    AppError::refused(ErrorCode::PaymentFailed, crate::error::RefusalKind::Unprocessable, message)
}

fn backoff(attempts: i64) -> chrono::TimeDelta {
    let seconds = 2_i64.saturating_pow(u32::try_from(attempts.clamp(0, 16)).unwrap_or(16));
    chrono::TimeDelta::seconds(seconds.min(MAX_BACKOFF_SECONDS))
}

impl App {
    pub(crate) fn wallet(&self, method: PaymentMethod) -> AppResult<&Arc<dyn Wallet>> {
        self.wallets.wallet(method).ok_or(AppError::NotFound("payment method"))
    }

    /// The page the wallet sends the shopper back to.
    pub(crate) fn return_url(&self, payment: PaymentId) -> String {
        format!("{}/payments/{payment}", self.wallets.public_url)
    }

    /// Opens (or, with the same id, reopens) the session of a pending payment and
    /// records what the shopper is to do. A refusal releases the checkout's orders; an
    /// unknown outcome leaves them reserved for a retry or the job.
    pub(crate) async fn open_wallet_session(&self, payment: &PaymentRecord) -> AppResult<PaymentAction> {
        let wallet = self.wallet(payment.method)?;
        let request = SessionRequest {
            payment_id: payment.id,
            amount: payment.amount,
            device: payment.device,
            expires_at: payment.expires_at.unwrap_or_else(|| payment.created_at + self.wallets.timing.expiry),
            description: format!("Gateway {}", payment.id.as_uuid().simple()),
            return_url: self.return_url(payment.id),
            payer_ip: None,
        };
        match wallet.open_session(&request).await {
            Ok(action) => {
                self.store.set_payment_action(payment.id, &action, gateway_core::clock::now()).await?;
                Ok(action)
            }
            Err(ProviderError::Failed(message)) => {
                self.apply_news(payment.id, PaymentEvent::Failed, None).await?;
                Err(session_refused(&format!("the wallet refused the payment: {message}")))
            }
            Err(other) => {
                tracing::warn!(payment.id = %payment.id, error = %other, "the wallet's session is not open yet");
                Err(AppError::ProviderUnavailable(
                    "the wallet did not answer; retry the checkout with the same Idempotency-Key".into(),
                ))
            }
        }
    }

    /// Applies one piece of news and wakes the job when it left work for it.
    async fn apply_news(
        &self,
        payment_id: PaymentId,
        event: PaymentEvent,
        provider_ref: Option<String>,
    ) -> AppResult<Option<PaymentStep>> {
        let news = PaymentNews {
            payment_id,
            event,
            provider_ref,
            at: gateway_core::clock::now(),
            declare_to: Some(self.wallets.customs_office.clone()),
        };
        let Some((taken, payment)) = self.store.apply_payment_news(news).await? else { return Ok(None) };
        match taken {
            PaymentStep::Nothing => {}
            PaymentStep::Capture => {
                tracing::info!(payment.id = %payment_id, orders = payment.order_ids.len(), "payment captured");
                self.payments_wake.notify_one();
            }
            PaymentStep::Release { reason } => {
                tracing::info!(payment.id = %payment_id, reason = reason.as_str(), "payment released its orders");
                self.catalog_changed();
            }
            PaymentStep::RefundLateSuccess => {
                tracing::warn!(payment.id = %payment_id, "a payment succeeded after its orders were released: refunding it");
                self.payments_wake.notify_one();
            }
        }
        Ok(Some(taken))
    }

    /// A wallet's notification: verified, applied, and answered the way the provider
    /// expects only once what it says is stored (else the provider sends it again).
    #[tracing::instrument(skip_all, fields(payment.method = %method))]
    pub async fn wallet_notification(
        &self,
        method: PaymentMethod,
        path: &str,
        headers: &Headers,
        body: &str,
    ) -> AppResult<String> {
        let wallet = self.wallet(method)?;
        let news = wallet.read_notification(path, headers, body).map_err(|reason| {
            tracing::warn!(%reason, "a notification was refused");
            AppError::BadNotification(format!("the notification was refused: {reason}"))
        })?;
        match news {
            WalletNews::Payment { payment_id, result } => self.apply_wallet_result(method, payment_id, result).await?,
            WalletNews::Refund { refund_id, succeeded, provider_ref } => {
                let status = if succeeded { RefundStatus::Succeeded } else { RefundStatus::Failed };
                if self.store.refund(refund_id).await?.is_some() {
                    self.store
                        .record_refund(refund_id, status, provider_ref.as_deref(), gateway_core::clock::now())
                        .await?;
                }
            }
        }
        Ok(wallet.notification_answer())
    }

    /// What `method`'s wallet said of a payment (a notification or an inquiry). Only
    /// news of a payment made with that wallet counts. A success for another amount
    /// than the payment's is not captured: it is logged as an error for an operator.
    pub(crate) async fn apply_wallet_result(
        &self,
        method: PaymentMethod,
        payment_id: PaymentId,
        result: WalletResult,
    ) -> AppResult<()> {
        let Some(payment) = self.store.payment(payment_id).await? else { return Ok(()) };
        if payment.method != method {
            tracing::warn!(payment.id = %payment_id, news.method = %method, "news of a payment made with another method");
            return Ok(());
        }
        match result {
            WalletResult::Paid { provider_ref, amount } => {
                if amount != payment.amount {
                    tracing::error!(payment.id = %payment_id, paid = %amount, due = %payment.amount, "a wallet took another amount");
                    return Ok(());
                }
                self.apply_news(payment_id, PaymentEvent::Succeeded, Some(provider_ref)).await?;
            }
            WalletResult::Failed => {
                self.apply_news(payment_id, PaymentEvent::Failed, None).await?;
            }
            WalletResult::Pending => {}
        }
        Ok(())
    }

    /// A payment with its refunds and declarations, for its buyer or an operator.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, payment.id = %id))]
    pub async fn view_payment(&self, who: &Principal, id: PaymentId) -> AppResult<PaymentDetailView> {
        let payment = self.store.payment(id).await?.ok_or(AppError::NotFound("payment"))?;
        if !(who.is_operator() || (who.role == Role::Consumer && payment.buyer_id == who.user_id)) {
            return Err(AppError::Forbidden("this payment belongs to another account"));
        }
        self.payment_detail(payment).await
    }

    pub(crate) async fn payment_detail(&self, p: PaymentRecord) -> AppResult<PaymentDetailView> {
        let refunds = self.store.refunds_of_payment(p.id).await?;
        let declarations = self.store.declarations_of_payment(p.id).await?;
        Ok(PaymentDetailView {
            id: p.id.to_string(),
            amount: p.amount.to_string(),
            refunded: p.refunded.to_string(),
            status: p.status,
            method: p.method,
            provider_ref: Some(p.provider_ref).filter(|r| !r.is_empty()),
            action: p.action.as_ref().map(PaymentActionView::new),
            expires_at: p.expires_at,
            review: p.review,
            order_ids: p.order_ids.iter().map(ToString::to_string).collect(),
            refunds: refunds
                .into_iter()
                .map(|r| RefundView {
                    id: r.id.to_string(),
                    order_id: r.order_id.map(|o| o.to_string()),
                    amount: r.amount.to_string(),
                    reason: r.reason,
                    status: r.status,
                })
                .collect(),
            declarations: declarations
                .into_iter()
                .map(|d| DeclarationView {
                    order_id: d.order_id.to_string(),
                    customs_code: d.customs_code,
                    status: d.status,
                    customs_payment_id: d.customs_payment_id,
                    result_code: d.result_code,
                    result_desc: d.result_desc,
                })
                .collect(),
            created_at: p.created_at,
            updated_at: p.updated_at,
        })
    }

    /// Runs this server's share of the payment job until `shutdown`.
    pub async fn run_payment_jobs(&self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let done = match self.payment_jobs_once().await {
                Ok(n) => n,
                Err(error) => {
                    tracing::warn!(%error, "the payment job failed; retrying");
                    0
                }
            };
            if done == BATCH as usize {
                continue;
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = self.payments_wake.notified() => {}
                () = tokio::time::sleep(self.wallets.timing.poll) => {}
            }
        }
    }

    /// Claims the due tasks and does each; returns how many were claimed.
    pub async fn payment_jobs_once(&self) -> AppResult<usize> {
        let now = gateway_core::clock::now();
        let tasks = self.store.claim_payment_tasks(&self.worker_id, BATCH, now, now + LEASE).await?;
        let claimed = tasks.len();
        for task in tasks {
            let outcome = match task.kind {
                PaymentTaskKind::CheckPayment => self.check_payment(&task).await,
                PaymentTaskKind::Refund => self.send_refund(&task).await,
                PaymentTaskKind::Declare => self.send_declaration(&task).await,
            };
            let result = match outcome {
                Ok(None) => self.store.finish_payment_task(task.id).await,
                Ok(Some(due_at)) => self.store.reschedule_payment_task(task.id, due_at, None).await,
                Err(error) => {
                    let due_at = gateway_core::clock::now() + backoff(task.attempts);
                    tracing::warn!(task.kind = task.kind.as_str(), task.subject = %task.subject, %error, "payment task failed; retrying later");
                    self.store.reschedule_payment_task(task.id, due_at, Some(&error.to_string())).await
                }
            };
            result?;
        }
        Ok(claimed)
    }

    /// Inquires a pending payment; expires it when its time is up and the wallet has
    /// not said it was paid. Returns when to look again, if ever.
    async fn check_payment(&self, task: &PaymentTask) -> AppResult<Option<DateTime<Utc>>> {
        let id: PaymentId = task.subject.parse().map_err(|_| AppError::NotFound("payment"))?;
        let Some(payment) = self.store.payment(id).await? else { return Ok(None) };
        if payment.status != PaymentStatus::Pending {
            return Ok(None);
        }
        let wallet = self.wallet(payment.method)?;
        match wallet.inquire(id).await {
            Ok(WalletResult::Pending) => {}
            Ok(result) => {
                self.apply_wallet_result(payment.method, id, result).await?;
                return Ok(None);
            }
            // Not known at the wallet (its session never opened) or not reachable:
            // the clock decides, and a success that comes later is refunded.
            Err(error) => tracing::info!(payment.id = %id, %error, "inquiry without an answer"),
        }
        let now = gateway_core::clock::now();
        let expires_at = payment.expires_at.unwrap_or(payment.created_at + self.wallets.timing.expiry);
        if now >= expires_at {
            self.apply_news(id, PaymentEvent::Expired, None).await?;
            return Ok(None);
        }
        Ok(Some((now + self.wallets.timing.check_after).min(expires_at)))
    }

    /// Sends a refund by its stored id until the provider has it.
    async fn send_refund(&self, task: &PaymentTask) -> AppResult<Option<DateTime<Utc>>> {
        let id: RefundId = task.subject.parse().map_err(|_| AppError::NotFound("refund"))?;
        let Some(refund) = self.store.refund(id).await? else { return Ok(None) };
        if matches!(refund.status, RefundStatus::Succeeded | RefundStatus::Failed) {
            return Ok(None);
        }
        let now = gateway_core::clock::now();
        if refund.payment_method == PaymentMethod::Sandbox {
            self.refund(&refund.payment_provider_ref, refund.amount).await;
            self.store.record_refund(id, RefundStatus::Succeeded, None, now).await?;
            return Ok(None);
        }
        let call = RefundCall {
            refund_id: id,
            payment_id: refund.payment_id,
            provider_ref: refund.payment_provider_ref.clone(),
            amount: refund.amount,
            payment_amount: refund.payment_amount,
            reason: refund.reason.clone(),
        };
        match self.wallet(refund.payment_method)?.refund(&call).await {
            Ok(RefundOutcome::Succeeded { provider_ref }) => {
                self.store.record_refund(id, RefundStatus::Succeeded, provider_ref.as_deref(), now).await?;
                Ok(None)
            }
            Ok(RefundOutcome::Processing { provider_ref }) => {
                self.store.record_refund(id, RefundStatus::Processing, provider_ref.as_deref(), now).await?;
                // The notification tells the end; sending the same id again later asks.
                Ok(Some(now + self.wallets.timing.check_after))
            }
            Err(ProviderError::Failed(message)) => {
                tracing::error!(refund.id = %id, %message, "the provider refused a refund: settle it by hand");
                self.store.record_refund(id, RefundStatus::Failed, None, now).await?;
                Ok(None)
            }
            Err(other) => Err(AppError::ProviderUnavailable(other.to_string())),
        }
    }

    /// Sends a declaration, then asks for customs' verdict until it comes.
    async fn send_declaration(&self, task: &PaymentTask) -> AppResult<Option<DateTime<Utc>>> {
        let Some(declaration) = self.store.declaration(&task.subject).await? else { return Ok(None) };
        if matches!(declaration.status, DeclarationStatus::Accepted | DeclarationStatus::Refused) {
            return Ok(None);
        }
        let identity = self.store.identity(declaration.buyer_id).await?.ok_or(AppError::NotFound("identity"))?;
        let id_number = self.vault.decrypt(&identity.id_number_cipher).ok_or(AppError::NotFound("identity"))?;
        let order = self.store.order(declaration.order_id).await?.ok_or(AppError::NotFound("order"))?;
        let call = DeclarationCall {
            id: declaration.id.clone(),
            payment_id: declaration.payment_id,
            provider_ref: declaration.payment_provider_ref.clone(),
            order_id: declaration.order_id,
            amount: declaration.amount,
            freight: order.amounts.freight,
            customs_code: declaration.customs_code.clone(),
            merchant_customs_code: self.settings.customs.ebp_code.clone(),
            merchant_customs_name: self.settings.customs.ebp_name.clone(),
            buyer_name: identity.real_name.clone(),
            buyer_id_number: id_number,
        };
        let wallet = self.wallet(declaration.payment_method)?;
        let answer = match declaration.status {
            DeclarationStatus::Requested => wallet.declare(&call).await,
            _ => wallet.inquire_declaration(&call).await,
        };
        let now = gateway_core::clock::now();
        let answer = match answer {
            Ok(answer) => answer,
            Err(ProviderError::Failed(message)) => crate::wallets::DeclarationAnswer {
                status: DeclarationStatus::Refused,
                customs_payment_id: None,
                result_code: None,
                result_desc: Some(message),
                payer_mismatch: false,
            },
            Err(other) => return Err(AppError::ProviderUnavailable(other.to_string())),
        };
        let status = answer.status;
        let payer_mismatch = answer.payer_mismatch;
        self.store
            .record_declaration(DeclarationUpdate {
                id: declaration.id.clone(),
                status,
                customs_payment_id: answer.customs_payment_id,
                result_code: answer.result_code,
                result_desc: answer.result_desc,
                at: now,
                payer_mismatch,
            })
            .await?;
        if payer_mismatch {
            tracing::warn!(order.id = %declaration.order_id, "customs refused the payment: the payer is not the buyer");
            self.catalog_changed();
            self.payments_wake.notify_one();
        }
        // Customs usually answers within seconds: the first look comes soon after the
        // declaration was sent, the later ones at the job's pace.
        let next_look = match declaration.status {
            DeclarationStatus::Requested => self.wallets.timing.check_after.min(FIRST_VERDICT_LOOK),
            _ => self.wallets.timing.check_after,
        };
        Ok(match status {
            DeclarationStatus::Requested | DeclarationStatus::Submitted => Some(now + next_look),
            DeclarationStatus::Accepted | DeclarationStatus::Refused => None,
        })
    }

    /// Payments newest first, for the operator: by status, or those to look at.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn list_payments(
        &self,
        who: &Principal,
        status: Option<&str>,
        review: bool,
        page: &crate::pagination::PageQuery,
    ) -> AppResult<crate::pagination::PageView<PaymentDetailView>> {
        who.require(Role::Operator)?;
        let status = match status {
            None | Some("") => None,
            Some(s) => Some(PaymentStatus::parse(s).map_err(|_| {
                AppError::field("status", format!("must be one of {}", PaymentStatus::CODES.join(", ")))
            })?),
        };
        let found = self.store.list_payments(status, review, page.to_request()?).await?;
        let mut items = Vec::with_capacity(found.items.len());
        for payment in found.items {
            items.push(self.payment_detail(payment).await?);
        }
        Ok(crate::pagination::PageView::from_page(gateway_store::Page { items, next: found.next }, |v| v))
    }
}
