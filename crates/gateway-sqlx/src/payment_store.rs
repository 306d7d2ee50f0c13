//! Wallet payments after checkout: the wallet's news applied under the payment's row
//! lock, the refunds and declarations owed to providers, and the task queue the
//! payment job shares between servers.

use crate::buy_rows::placeholders;
use crate::engine::{DbConn, Engine, SqlStore, with_lock};
use crate::sql::{Sql, sql};
use crate::{backend, fetch_limit};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::order::OrderStatus;
use gateway_core::payment::{
    DeclarationStatus, PaymentCancelReason, PaymentDevice, PaymentMethod, PaymentReview, PaymentStatus, PaymentStep,
    RefundStatus, step,
};
use gateway_core::{Cny, OrderId, PaymentId, RefundId, UserId};
use gateway_store::*;
use uuid::Uuid;

const PAYMENT_COLUMNS: &str = "id, buyer_id, amount_fen, refunded_fen, status, method, device, provider_ref, \
     expires_at, action_kind, action_value, review, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct PaymentRow {
    id: Uuid,
    buyer_id: Uuid,
    amount_fen: i64,
    refunded_fen: i64,
    status: String,
    method: String,
    device: String,
    provider_ref: String,
    expires_at: Option<DateTime<Utc>>,
    action_kind: Option<String>,
    action_value: Option<String>,
    review: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl PaymentRow {
    fn into_record(self, order_ids: Vec<OrderId>) -> StoreResult<PaymentRecord> {
        let action = match (self.action_kind, self.action_value) {
            (Some(kind), Some(value)) => {
                Some(StoreError::decode("payments.action_kind", PaymentAction::from_stored(&kind, value).ok_or(kind))?)
            }
            _ => None,
        };
        Ok(PaymentRecord {
            id: PaymentId::from_uuid(self.id),
            buyer_id: UserId::from_uuid(self.buyer_id),
            amount: Cny::from_minor(self.amount_fen),
            refunded: Cny::from_minor(self.refunded_fen),
            status: StoreError::decode("payments.status", PaymentStatus::parse(&self.status))?,
            method: StoreError::decode("payments.method", PaymentMethod::parse(&self.method))?,
            device: StoreError::decode("payments.device", PaymentDevice::parse(&self.device))?,
            provider_ref: self.provider_ref,
            expires_at: self.expires_at,
            action,
            review: self.review.map(|r| StoreError::decode("payments.review", PaymentReview::parse(&r))).transpose()?,
            order_ids,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const REFUND_SELECT: &str = "SELECT r.id, r.payment_id, r.order_id, r.amount_fen, r.reason, r.status, r.provider_ref, \
     p.method AS payment_method, p.provider_ref AS payment_provider_ref, p.amount_fen AS payment_amount_fen, \
     r.created_at FROM payment_refunds r JOIN payments p ON p.id = r.payment_id ";

#[derive(sqlx::FromRow)]
struct RefundRow {
    id: Uuid,
    payment_id: Uuid,
    order_id: Option<Uuid>,
    amount_fen: i64,
    reason: String,
    status: String,
    provider_ref: Option<String>,
    payment_method: String,
    payment_provider_ref: String,
    payment_amount_fen: i64,
    created_at: DateTime<Utc>,
}

impl TryFrom<RefundRow> for RefundRecord {
    type Error = StoreError;

    fn try_from(r: RefundRow) -> StoreResult<Self> {
        Ok(RefundRecord {
            id: RefundId::from_uuid(r.id),
            payment_id: PaymentId::from_uuid(r.payment_id),
            order_id: r.order_id.map(OrderId::from_uuid),
            amount: Cny::from_minor(r.amount_fen),
            reason: r.reason,
            status: StoreError::decode("payment_refunds.status", RefundStatus::parse(&r.status))?,
            provider_ref: r.provider_ref,
            payment_method: StoreError::decode("payments.method", PaymentMethod::parse(&r.payment_method))?,
            payment_provider_ref: r.payment_provider_ref,
            payment_amount: Cny::from_minor(r.payment_amount_fen),
            created_at: r.created_at,
        })
    }
}

const DECLARATION_SELECT: &str = "SELECT d.id, d.order_id, d.payment_id, p.buyer_id, d.amount_fen, d.customs_code, \
     d.status, d.customs_payment_id, d.result_code, d.result_desc, p.method AS payment_method, \
     p.provider_ref AS payment_provider_ref, d.updated_at \
     FROM payment_declarations d JOIN payments p ON p.id = d.payment_id ";

#[derive(sqlx::FromRow)]
struct DeclarationRow {
    id: String,
    order_id: Uuid,
    payment_id: Uuid,
    buyer_id: Uuid,
    amount_fen: i64,
    customs_code: String,
    status: String,
    customs_payment_id: Option<String>,
    result_code: Option<String>,
    result_desc: Option<String>,
    payment_method: String,
    payment_provider_ref: String,
    updated_at: DateTime<Utc>,
}

impl TryFrom<DeclarationRow> for DeclarationRecord {
    type Error = StoreError;

    fn try_from(r: DeclarationRow) -> StoreResult<Self> {
        Ok(DeclarationRecord {
            id: r.id,
            order_id: OrderId::from_uuid(r.order_id),
            payment_id: PaymentId::from_uuid(r.payment_id),
            buyer_id: UserId::from_uuid(r.buyer_id),
            amount: Cny::from_minor(r.amount_fen),
            customs_code: r.customs_code,
            status: StoreError::decode("payment_declarations.status", DeclarationStatus::parse(&r.status))?,
            customs_payment_id: r.customs_payment_id,
            result_code: r.result_code,
            result_desc: r.result_desc,
            payment_method: StoreError::decode("payments.method", PaymentMethod::parse(&r.payment_method))?,
            payment_provider_ref: r.payment_provider_ref,
            updated_at: r.updated_at,
        })
    }
}

impl<E: Engine> SqlStore<E> {
    /// Makes `kind` of `subject` due at `due_at`, once: scheduling it again moves it.
    pub(crate) async fn schedule_task(
        conn: &mut DbConn<E>,
        kind: PaymentTaskKind,
        subject: &str,
        due_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sql("INSERT INTO payment_tasks (kind, subject, due_at, attempts) VALUES ($1, $2, $3, 0) \
             ON CONFLICT (kind, subject) DO UPDATE SET due_at = excluded.due_at, claimed_by = NULL, \
             claimed_until = NULL")
        .bind(kind.as_str())
        .bind(subject)
        .bind(due_at)
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn drop_task(conn: &mut DbConn<E>, kind: PaymentTaskKind, subject: &str) -> StoreResult<()> {
        sql("DELETE FROM payment_tasks WHERE kind = $1 AND subject = $2")
            .bind(kind.as_str())
            .bind(subject)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        Ok(())
    }

    /// Writes a refund as `requested` and makes it due now: the payment job sends it.
    pub(crate) async fn insert_refund(
        conn: &mut DbConn<E>,
        payment: PaymentId,
        order: Option<OrderId>,
        amount: Cny,
        reason: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let id = RefundId::new();
        sql("INSERT INTO payment_refunds (id, payment_id, order_id, amount_fen, reason, status, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, 'requested', $6, $6)")
        .bind(id.as_uuid())
        .bind(payment.as_uuid())
        .bind(order.map(|o| o.as_uuid()))
        .bind(amount.minor())
        .bind(reason)
        .bind(at)
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
        Self::schedule_task(conn, PaymentTaskKind::Refund, &id.to_string(), at).await
    }

    async fn fetch_payments(conn: &mut DbConn<E>, rows: Vec<PaymentRow>) -> StoreResult<Vec<PaymentRecord>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let text = format!(
            "SELECT payment_id, id FROM orders WHERE payment_id IN ({}) ORDER BY id",
            placeholders(1, rows.len())
        );
        let mut query = Sql::new(sqlx::AssertSqlSafe(text));
        for row in &rows {
            query = query.bind(row.id);
        }
        let orders: Vec<(Uuid, Uuid)> = query.fetch_all(&mut *conn).await.map_err(backend)?;
        rows.into_iter()
            .map(|row| {
                let ids = orders.iter().filter(|(p, _)| *p == row.id).map(|(_, o)| OrderId::from_uuid(*o)).collect();
                row.into_record(ids)
            })
            .collect()
    }

    async fn fetch_payment(conn: &mut DbConn<E>, id: PaymentId) -> StoreResult<Option<PaymentRecord>> {
        let text = format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = $1");
        let row: Option<PaymentRow> =
            Sql::new(sqlx::AssertSqlSafe(text)).bind(id.as_uuid()).fetch_optional(&mut *conn).await.map_err(backend)?;
        Ok(Self::fetch_payments(conn, row.into_iter().collect()).await?.pop())
    }

    /// The payment's orders still in `status`, read in the transaction.
    async fn orders_of_payment(
        conn: &mut DbConn<E>,
        payment: PaymentId,
        status: OrderStatus,
    ) -> StoreResult<Vec<Order>> {
        let ids: Vec<Uuid> = sql("SELECT id FROM orders WHERE payment_id = $1 AND status = $2 ORDER BY id")
            .bind(payment.as_uuid())
            .bind(status.as_str())
            .fetch_scalars(&mut *conn)
            .await
            .map_err(backend)?;
        let mut orders = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(order) = Self::fetch_order(conn, OrderId::from_uuid(id)).await? {
                orders.push(order);
            }
        }
        Ok(orders)
    }

    /// Moves the orders of a payment from `from` to `to` (with a cancel reason),
    /// with an outbox event each.
    async fn move_orders(
        conn: &mut DbConn<E>,
        orders: &[Order],
        from: OrderStatus,
        to: OrderStatus,
        reason: Option<PaymentCancelReason>,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        for order in orders {
            sql("UPDATE orders SET status = $1, cancel_reason = COALESCE($2, cancel_reason), updated_at = $3, \
                 closed_at = CASE WHEN $1 IN ('cancelled', 'returned') THEN $3 ELSE closed_at END \
                 WHERE id = $4 AND status = $5")
            .bind(to.as_str())
            .bind(reason.map(PaymentCancelReason::as_str))
            .bind(at)
            .bind(order.id.as_uuid())
            .bind(from.as_str())
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        }
        let events = orders.iter().map(|o| {
            let payload = serde_json::json!({ "order_id": o.id.to_string(), "status": to, "reason": reason });
            (o.id.as_uuid(), payload.to_string())
        });
        Self::insert_outbox_events(conn, "order.status_changed", events, at).await
    }

    async fn capture(conn: &mut DbConn<E>, news: &PaymentNews) -> StoreResult<()> {
        sql("UPDATE payments SET status = 'captured', provider_ref = COALESCE($1, provider_ref), updated_at = $2 \
             WHERE id = $3")
        .bind(news.provider_ref.as_deref())
        .bind(news.at)
        .bind(news.payment_id.as_uuid())
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
        let orders = Self::orders_of_payment(conn, news.payment_id, OrderStatus::AwaitingPayment).await?;
        Self::move_orders(conn, &orders, OrderStatus::AwaitingPayment, OrderStatus::Paid, None, news.at).await?;
        let Some(customs_code) = &news.declare_to else { return Ok(()) };
        for order in &orders {
            // The order's id without hyphens: 32 characters, the most a provider takes.
            let id = order.id.as_uuid().simple().to_string();
            sql("INSERT INTO payment_declarations (id, order_id, payment_id, amount_fen, customs_code, status, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'requested', $6, $6)")
            .bind(&id)
            .bind(order.id.as_uuid())
            .bind(news.payment_id.as_uuid())
            .bind(order.total.minor())
            .bind(customs_code)
            .bind(news.at)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
            Self::schedule_task(conn, PaymentTaskKind::Declare, &id, news.at).await?;
        }
        Ok(())
    }

    async fn release(
        conn: &mut DbConn<E>,
        news: &PaymentNews,
        status: PaymentStatus,
        reason: PaymentCancelReason,
    ) -> StoreResult<()> {
        sql("UPDATE payments SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status.as_str())
            .bind(news.at)
            .bind(news.payment_id.as_uuid())
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        let orders = Self::orders_of_payment(conn, news.payment_id, OrderStatus::AwaitingPayment).await?;
        Self::move_orders(conn, &orders, OrderStatus::AwaitingPayment, OrderStatus::Cancelled, Some(reason), news.at)
            .await?;
        for order in &orders {
            Self::release_reservation(conn, order, news.at).await?;
        }
        Ok(())
    }

    async fn refund_late_success(conn: &mut DbConn<E>, news: &PaymentNews) -> StoreResult<()> {
        let amount: i64 = sql("UPDATE payments SET status = 'refunded', refunded_fen = amount_fen, \
             provider_ref = COALESCE($1, provider_ref), review = $2, updated_at = $3 WHERE id = $4 \
             RETURNING amount_fen")
        .bind(news.provider_ref.as_deref())
        .bind(PaymentReview::LateSuccessRefunded.as_str())
        .bind(news.at)
        .bind(news.payment_id.as_uuid())
        .fetch_scalar(&mut *conn)
        .await
        .map_err(backend)?;
        Self::insert_refund(conn, news.payment_id, None, Cny::from_minor(amount), "late_success", news.at).await
    }
}

#[async_trait]
impl<E: Engine> PaymentStore for SqlStore<E> {
    async fn payment(&self, id: PaymentId) -> StoreResult<Option<PaymentRecord>> {
        let mut conn = self.reads().acquire().await.map_err(backend)?;
        Self::fetch_payment(&mut conn, id).await
    }

    async fn set_payment_action(&self, id: PaymentId, action: &PaymentAction, at: DateTime<Utc>) -> StoreResult<()> {
        sql("UPDATE payments SET action_kind = $1, action_value = $2, updated_at = $3 WHERE id = $4")
            .bind(action.kind())
            .bind(action.value())
            .bind(at)
            .bind(id.as_uuid())
            .execute(&mut *self.writer().await.map_err(backend)?)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn apply_payment_news(&self, news: PaymentNews) -> StoreResult<Option<(PaymentStep, PaymentRecord)>> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let lock = with_lock("SELECT status FROM payments WHERE id = $1", E::FOR_UPDATE);
        let status: Option<String> = Sql::new(sqlx::AssertSqlSafe(lock))
            .bind(news.payment_id.as_uuid())
            .fetch_optional_scalar(&mut *tx)
            .await
            .map_err(backend)?;
        let Some(status) = status else { return Ok(None) };
        let status = StoreError::decode("payments.status", PaymentStatus::parse(&status))?;
        let (taken, next) = step(status, news.event);
        match taken {
            PaymentStep::Nothing => {}
            PaymentStep::Capture => Self::capture(&mut tx, &news).await?,
            PaymentStep::Release { reason } => Self::release(&mut tx, &news, next, reason).await?,
            PaymentStep::RefundLateSuccess => Self::refund_late_success(&mut tx, &news).await?,
        }
        if taken != PaymentStep::Nothing {
            Self::drop_task(&mut tx, PaymentTaskKind::CheckPayment, &news.payment_id.to_string()).await?;
        }
        let payment = Self::fetch_payment(&mut tx, news.payment_id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(backend)?;
        Ok(Some((taken, payment)))
    }

    async fn claim_payment_tasks(
        &self,
        worker: &str,
        limit: u32,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Vec<PaymentTask>> {
        let claim = with_lock(
            "UPDATE payment_tasks SET claimed_by = $1, claimed_until = $2, attempts = attempts + 1 WHERE id IN \
             (SELECT id FROM payment_tasks WHERE due_at <= $3 AND (claimed_until IS NULL OR claimed_until < $3) \
             ORDER BY due_at, id LIMIT $4",
            E::SKIP_LOCKED,
        ) + ") RETURNING id, kind, subject, attempts";
        let rows: Vec<(i64, String, String, i64)> = Sql::new(sqlx::AssertSqlSafe(claim))
            .bind(worker)
            .bind(until)
            .bind(now)
            .bind(i64::from(limit))
            .fetch_all(&mut *self.writer().await.map_err(backend)?)
            .await
            .map_err(backend)?;
        let mut tasks: Vec<PaymentTask> = rows
            .into_iter()
            .map(|(id, kind, subject, attempts)| {
                let kind = StoreError::decode("payment_tasks.kind", PaymentTaskKind::parse(&kind).ok_or(kind))?;
                Ok(PaymentTask { id, kind, subject, attempts })
            })
            .collect::<StoreResult<_>>()?;
        tasks.sort_by_key(|t| t.id);
        Ok(tasks)
    }

    async fn reschedule_payment_task(&self, id: i64, due_at: DateTime<Utc>, error: Option<&str>) -> StoreResult<()> {
        sql("UPDATE payment_tasks SET due_at = $1, claimed_by = NULL, claimed_until = NULL, last_error = $2 \
             WHERE id = $3")
        .bind(due_at)
        .bind(error)
        .bind(id)
        .execute(&mut *self.writer().await.map_err(backend)?)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn finish_payment_task(&self, id: i64) -> StoreResult<()> {
        sql("DELETE FROM payment_tasks WHERE id = $1")
            .bind(id)
            .execute(&mut *self.writer().await.map_err(backend)?)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn refund(&self, id: RefundId) -> StoreResult<Option<RefundRecord>> {
        let text = format!("{REFUND_SELECT}WHERE r.id = $1");
        let row: Option<RefundRow> = Sql::new(sqlx::AssertSqlSafe(text))
            .bind(id.as_uuid())
            .fetch_optional(self.reads())
            .await
            .map_err(backend)?;
        row.map(RefundRecord::try_from).transpose()
    }

    async fn record_refund(
        &self,
        id: RefundId,
        status: RefundStatus,
        provider_ref: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        sql("UPDATE payment_refunds SET status = $1, provider_ref = COALESCE($2, provider_ref), updated_at = $3 \
             WHERE id = $4")
        .bind(status.as_str())
        .bind(provider_ref)
        .bind(at)
        .bind(id.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if status == RefundStatus::Failed {
            sql("UPDATE payments SET review = $1, updated_at = $2 \
                 WHERE id = (SELECT payment_id FROM payment_refunds WHERE id = $3)")
            .bind(PaymentReview::RefundFailed.as_str())
            .bind(at)
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    async fn refunds_of_payment(&self, payment: PaymentId) -> StoreResult<Vec<RefundRecord>> {
        let text = format!("{REFUND_SELECT}WHERE r.payment_id = $1 ORDER BY r.created_at, r.id");
        let rows: Vec<RefundRow> = Sql::new(sqlx::AssertSqlSafe(text))
            .bind(payment.as_uuid())
            .fetch_all(self.reads())
            .await
            .map_err(backend)?;
        rows.into_iter().map(RefundRecord::try_from).collect()
    }

    async fn declaration(&self, id: &str) -> StoreResult<Option<DeclarationRecord>> {
        let text = format!("{DECLARATION_SELECT}WHERE d.id = $1");
        let row: Option<DeclarationRow> =
            Sql::new(sqlx::AssertSqlSafe(text)).bind(id).fetch_optional(self.reads()).await.map_err(backend)?;
        row.map(DeclarationRecord::try_from).transpose()
    }

    async fn declarations_of_payment(&self, payment: PaymentId) -> StoreResult<Vec<DeclarationRecord>> {
        let text = format!("{DECLARATION_SELECT}WHERE d.payment_id = $1 ORDER BY d.order_id");
        let rows: Vec<DeclarationRow> = Sql::new(sqlx::AssertSqlSafe(text))
            .bind(payment.as_uuid())
            .fetch_all(self.reads())
            .await
            .map_err(backend)?;
        rows.into_iter().map(DeclarationRecord::try_from).collect()
    }

    async fn record_declaration(&self, u: DeclarationUpdate) -> StoreResult<()> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let target: Option<(Uuid, Uuid)> = sql("UPDATE payment_declarations SET status = $1, \
             customs_payment_id = COALESCE($2, customs_payment_id), result_code = COALESCE($3, result_code), \
             result_desc = COALESCE($4, result_desc), updated_at = $5 WHERE id = $6 RETURNING order_id, payment_id")
        .bind(u.status.as_str())
        .bind(u.customs_payment_id.as_deref())
        .bind(u.result_code.as_deref())
        .bind(u.result_desc.as_deref())
        .bind(u.at)
        .bind(&u.id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        let Some((order_id, payment_id)) = target else { return Err(StoreError::NotFound) };
        if u.status == DeclarationStatus::Refused {
            sql("UPDATE payments SET review = $1, updated_at = $2 WHERE id = $3")
                .bind(PaymentReview::DeclarationRefused.as_str())
                .bind(u.at)
                .bind(payment_id)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        if u.payer_mismatch {
            // Held: an order customs will not clear is cancelled and refunded, if it
            // has not left yet; a shipped one stays for the operator to settle.
            let order = Self::fetch_order(&mut tx, OrderId::from_uuid(order_id)).await?.ok_or(StoreError::NotFound)?;
            if order.status == OrderStatus::Paid {
                let reason = PaymentCancelReason::PayerMismatch;
                let held = std::slice::from_ref(&order);
                Self::move_orders(&mut tx, held, OrderStatus::Paid, OrderStatus::Cancelled, Some(reason), u.at).await?;
                Self::release_reservation(&mut tx, &order, u.at).await?;
                Self::refund_order(&mut tx, &order, reason.as_str(), u.at).await?;
            }
        }
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    async fn list_payments(
        &self,
        status: Option<PaymentStatus>,
        review: bool,
        page: PageRequest,
    ) -> StoreResult<Page<PaymentRecord>> {
        let text = format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE ($1 IS NULL OR status = $1) \
             AND ($2 IS NULL OR review IS NOT NULL) AND ($3 IS NULL OR id < $3) ORDER BY id DESC LIMIT $4"
        );
        let mut conn = self.reads().acquire().await.map_err(backend)?;
        let rows: Vec<PaymentRow> = Sql::new(sqlx::AssertSqlSafe(text))
            .bind(status.map(PaymentStatus::as_str))
            .bind(review.then_some("review"))
            .bind(page.after)
            .bind(fetch_limit(page.limit))
            .fetch_all(&mut *conn)
            .await
            .map_err(backend)?;
        let payments = Self::fetch_payments(&mut conn, rows).await?;
        Ok(Page::from_rows(payments, page.limit, |p| p.id.as_uuid()))
    }
}
