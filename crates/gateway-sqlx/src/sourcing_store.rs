//! Buyer matchmaking's store (`SourcingStore`): the same SQL on both engines.

use crate::engine::{DbConn, Engine, SqlStore};
use crate::sourcing_rows::*;
use crate::sql::sql;
use crate::{backend, fetch_limit, map_err};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::sourcing::{BuyerProfile, RequestStatus, Side};
use gateway_core::{MerchantId, NotificationId, SourcingRequestId, UserId};
use gateway_store::*;

#[doc(hidden)]
#[macro_export]
macro_rules! sourcing_request_columns {
    () => {
        "r.id, r.buyer_id, r.title, r.details, r.language, r.quantity, r.unit, r.target_unit_price_fen, r.needed_by, \
         r.tax_class, r.preferred_states, r.status, r.created_at, r.updated_at"
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! sourcing_match_columns {
    () => {
        "request_id, merchant_id, position, score, reasons, buyer_accepted_at, merchant_accepted_at, created_at"
    };
}

impl<E: Engine> SqlStore<E> {
    pub(crate) async fn insert_notification(
        conn: &mut DbConn<E>,
        user: UserId,
        kind: NotificationKind,
        request: SourcingRequestId,
        merchant: Option<MerchantId>,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sql("INSERT INTO notifications (id, user_id, kind, request_id, merchant_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(NotificationId::new().as_uuid())
        .bind(user.as_uuid())
        .bind(kind.as_str())
        .bind(request.as_uuid())
        .bind(merchant.map(|m| m.as_uuid()))
        .bind(at)
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
        Ok(())
    }

    pub(crate) async fn fetch_match(
        conn: &mut DbConn<E>,
        request: SourcingRequestId,
        merchant: MerchantId,
    ) -> StoreResult<Option<SourcingMatch>> {
        let row: Option<SourcingMatchRow> = sql(concat!(
            "SELECT ",
            crate::sourcing_match_columns!(),
            " FROM sourcing_matches WHERE request_id = $1 AND merchant_id = $2"
        ))
        .bind(request.as_uuid())
        .bind(merchant.as_uuid())
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?;
        row.map(SourcingMatch::try_from).transpose()
    }

    pub(crate) async fn fetch_request(
        conn: &mut DbConn<E>,
        id: SourcingRequestId,
    ) -> StoreResult<Option<SourcingRequest>> {
        let row: Option<SourcingRequestRow> =
            sql(concat!("SELECT ", crate::sourcing_request_columns!(), " FROM sourcing_requests r WHERE r.id = $1"))
                .bind(id.as_uuid())
                .fetch_optional(&mut *conn)
                .await
                .map_err(backend)?;
        row.map(SourcingRequest::try_from).transpose()
    }
}

#[async_trait]
impl<E: Engine> SourcingStore for SqlStore<E> {
    async fn save_buyer_profile(
        &self,
        user: UserId,
        p: BuyerProfile,
        at: DateTime<Utc>,
    ) -> StoreResult<BuyerProfileRecord> {
        let row: BuyerProfileRow = sql(concat!(
            "INSERT INTO buyer_profiles (",
            crate::buyer_profile_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
             ON CONFLICT (user_id) DO UPDATE SET company_name = $2, kind = $3, province = $4, city = $5, \
             contact_person = $6, contact_phone = $7, contact_email = $8, wechat_id = $9, updated_at = $10 \
             RETURNING ",
            crate::buyer_profile_columns!()
        ))
        .bind(user.as_uuid())
        .bind(&p.company_name)
        .bind(p.kind.as_str())
        .bind(&p.province)
        .bind(&p.city)
        .bind(&p.contact.person)
        .bind(&p.contact.phone)
        .bind(&p.contact.email)
        .bind(&p.contact.wechat_id)
        .bind(at)
        .fetch_one(&mut *self.writer().await.map_err(backend)?)
        .await
        .map_err(backend)?;
        BuyerProfileRecord::try_from(row)
    }

    async fn buyer_profile(&self, user: UserId) -> StoreResult<Option<BuyerProfileRecord>> {
        let row: Option<BuyerProfileRow> =
            sql(concat!("SELECT ", crate::buyer_profile_columns!(), " FROM buyer_profiles WHERE user_id = $1"))
                .bind(user.as_uuid())
                .fetch_optional(self.reads())
                .await
                .map_err(backend)?;
        row.map(BuyerProfileRecord::try_from).transpose()
    }

    async fn create_sourcing_request(
        &self,
        r: NewSourcingRequest,
        matches: Vec<NewMatch>,
    ) -> StoreResult<SourcingRequest> {
        let d = &r.draft;
        let mut tx = self.begin_write().await.map_err(backend)?;
        sql("INSERT INTO sourcing_requests (id, buyer_id, title, details, language, quantity, unit, \
             target_unit_price_fen, needed_by, tax_class, preferred_states, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)")
        .bind(r.id.as_uuid())
        .bind(r.buyer_id.as_uuid())
        .bind(&d.title)
        .bind(&d.details)
        .bind(d.language.as_str())
        .bind(d.quantity)
        .bind(&d.unit)
        .bind(d.target_unit_price.map(|p| p.minor()))
        .bind(d.needed_by.format("%Y-%m-%d").to_string())
        .bind(&d.tax_class)
        .bind(join_codes(d.preferred_states.iter().map(|s| s.as_str())))
        .bind(RequestStatus::Open.as_str())
        .bind(r.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| map_err(e, "sourcing_request"))?;
        for (i, m) in matches.iter().enumerate() {
            sql(concat!(
                "INSERT INTO sourcing_matches (",
                crate::sourcing_match_columns!(),
                ") VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6)"
            ))
            .bind(r.id.as_uuid())
            .bind(m.merchant_id.as_uuid())
            .bind(i64::try_from(i).unwrap_or(i64::MAX - 1) + 1)
            .bind(m.score)
            .bind(join_codes(m.reasons.iter().map(|c| c.as_str())))
            .bind(r.created_at)
            .execute(&mut *tx)
            .await
            .map_err(|e| map_err(e, "merchant"))?;
            Self::insert_notification(
                &mut *tx,
                m.notify,
                NotificationKind::SourcingMatched,
                r.id,
                Some(m.merchant_id),
                r.created_at,
            )
            .await?;
            // What a mailer following the outbox needs to write the e-mail:
            // the ids (it reads the rest), never contact details.
            let payload = serde_json::json!({
                "request_id": r.id.to_string(),
                "merchant_id": m.merchant_id.to_string(),
                "notify_user_id": m.notify.to_string(),
                "score": m.score,
            })
            .to_string();
            Self::insert_outbox(&mut *tx, "sourcing.matched", m.merchant_id.as_uuid(), payload, r.created_at).await?;
        }
        let stored = Self::fetch_request(&mut *tx, r.id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(backend)?;
        Ok(stored)
    }

    async fn sourcing_request(&self, id: SourcingRequestId) -> StoreResult<Option<SourcingRequest>> {
        let mut conn = self.reads().acquire().await.map_err(backend)?;
        Self::fetch_request(&mut *conn, id).await
    }

    async fn sourcing_requests(&self, scope: RequestScope, page: PageRequest) -> StoreResult<Page<SourcingRequest>> {
        let (text, key) = match scope {
            RequestScope::Buyer(user) => (
                concat!(
                    "SELECT ",
                    crate::sourcing_request_columns!(),
                    " FROM sourcing_requests r WHERE r.buyer_id = $1 AND ($2 IS NULL OR r.id < $2) \
                     ORDER BY r.id DESC LIMIT $3"
                ),
                Some(user.as_uuid()),
            ),
            RequestScope::Merchant(merchant) => (
                concat!(
                    "SELECT ",
                    crate::sourcing_request_columns!(),
                    " FROM sourcing_requests r JOIN sourcing_matches m ON m.request_id = r.id \
                     WHERE m.merchant_id = $1 AND ($2 IS NULL OR r.id < $2) ORDER BY r.id DESC LIMIT $3"
                ),
                Some(merchant.as_uuid()),
            ),
            RequestScope::All => (
                concat!(
                    "SELECT ",
                    crate::sourcing_request_columns!(),
                    " FROM sourcing_requests r WHERE ($1 IS NULL OR r.id = $1) AND ($2 IS NULL OR r.id < $2) \
                     ORDER BY r.id DESC LIMIT $3"
                ),
                None,
            ),
        };
        let rows: Vec<SourcingRequestRow> = sql(text)
            .bind(key)
            .bind(page.after)
            .bind(fetch_limit(page.limit))
            .fetch_all(self.reads())
            .await
            .map_err(backend)?;
        let requests = rows.into_iter().map(SourcingRequest::try_from).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_rows(requests, page.limit, |r| r.id.as_uuid()))
    }

    async fn close_sourcing_request(&self, id: SourcingRequestId, at: DateTime<Utc>) -> StoreResult<SourcingRequest> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let changed = sql("UPDATE sourcing_requests SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
            .bind(RequestStatus::Closed.as_str())
            .bind(at)
            .bind(id.as_uuid())
            .bind(RequestStatus::Open.as_str())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        let stored = Self::fetch_request(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
        if changed == 0 {
            return Err(StoreError::Stale);
        }
        tx.commit().await.map_err(backend)?;
        Ok(stored)
    }

    async fn sourcing_matches(&self, request: SourcingRequestId) -> StoreResult<Vec<SourcingMatch>> {
        let rows: Vec<SourcingMatchRow> = sql(concat!(
            "SELECT ",
            crate::sourcing_match_columns!(),
            " FROM sourcing_matches WHERE request_id = $1 ORDER BY position"
        ))
        .bind(request.as_uuid())
        .fetch_all(self.reads())
        .await
        .map_err(backend)?;
        rows.into_iter().map(SourcingMatch::try_from).collect()
    }

    async fn sourcing_match(
        &self,
        request: SourcingRequestId,
        merchant: MerchantId,
    ) -> StoreResult<Option<SourcingMatch>> {
        let mut conn = self.reads().acquire().await.map_err(backend)?;
        Self::fetch_match(&mut *conn, request, merchant).await
    }

    async fn accept_contacts(
        &self,
        request: SourcingRequestId,
        merchant: MerchantId,
        side: Side,
        notify: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<SourcingMatch> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let text = match side {
            Side::Buyer => {
                "UPDATE sourcing_matches SET buyer_accepted_at = $1 \
                 WHERE request_id = $2 AND merchant_id = $3 AND buyer_accepted_at IS NULL"
            }
            Side::Merchant => {
                "UPDATE sourcing_matches SET merchant_accepted_at = $1 \
                 WHERE request_id = $2 AND merchant_id = $3 AND merchant_accepted_at IS NULL"
            }
        };
        let changed = sql(text)
            .bind(at)
            .bind(request.as_uuid())
            .bind(merchant.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        let found = Self::fetch_match(&mut *tx, request, merchant).await?.ok_or(StoreError::NotFound)?;
        if changed > 0 {
            Self::insert_notification(
                &mut *tx,
                notify,
                NotificationKind::SourcingAccepted,
                request,
                Some(merchant),
                at,
            )
            .await?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(found)
    }

    async fn save_offer(&self, o: SourcingOffer, notify: UserId) -> StoreResult<SourcingOffer> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        if Self::fetch_match(&mut *tx, o.request_id, o.merchant_id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let row: SourcingOfferRow =
            sql("INSERT INTO sourcing_offers (request_id, merchant_id, unit_price_usd_cents, quantity, \
             lead_time_days, message, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
             ON CONFLICT (request_id, merchant_id) DO UPDATE SET unit_price_usd_cents = $3, quantity = $4, \
             lead_time_days = $5, message = $6, updated_at = $7 \
             RETURNING request_id, merchant_id, unit_price_usd_cents, quantity, lead_time_days, message, \
             created_at, updated_at")
            .bind(o.request_id.as_uuid())
            .bind(o.merchant_id.as_uuid())
            .bind(o.terms.unit_price.minor())
            .bind(o.terms.quantity)
            .bind(o.terms.lead_time_days)
            .bind(&o.terms.message)
            .bind(o.updated_at)
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
        Self::insert_notification(
            &mut *tx,
            notify,
            NotificationKind::SourcingOffer,
            o.request_id,
            Some(o.merchant_id),
            o.updated_at,
        )
        .await?;
        tx.commit().await.map_err(backend)?;
        Ok(SourcingOffer::from(row))
    }

    async fn sourcing_offers(&self, request: SourcingRequestId) -> StoreResult<Vec<SourcingOffer>> {
        let rows: Vec<SourcingOfferRow> =
            sql("SELECT o.request_id, o.merchant_id, o.unit_price_usd_cents, o.quantity, o.lead_time_days, \
             o.message, o.created_at, o.updated_at FROM sourcing_offers o \
             JOIN sourcing_matches m ON m.request_id = o.request_id AND m.merchant_id = o.merchant_id \
             WHERE o.request_id = $1 ORDER BY m.position")
            .bind(request.as_uuid())
            .fetch_all(self.reads())
            .await
            .map_err(backend)?;
        Ok(rows.into_iter().map(SourcingOffer::from).collect())
    }

    async fn add_thread_message(&self, m: ThreadMessage, notify: UserId) -> StoreResult<ThreadMessage> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        if Self::fetch_match(&mut *tx, m.request_id, m.merchant_id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        sql("INSERT INTO sourcing_messages (id, request_id, merchant_id, side, author_id, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(m.id.as_uuid())
        .bind(m.request_id.as_uuid())
        .bind(m.merchant_id.as_uuid())
        .bind(m.side.as_str())
        .bind(m.author_id.as_uuid())
        .bind(&m.body)
        .bind(m.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| map_err(e, "message"))?;
        Self::insert_notification(
            &mut *tx,
            notify,
            NotificationKind::SourcingMessage,
            m.request_id,
            Some(m.merchant_id),
            m.created_at,
        )
        .await?;
        tx.commit().await.map_err(backend)?;
        Ok(m)
    }

    async fn thread_messages(
        &self,
        request: SourcingRequestId,
        merchant: MerchantId,
    ) -> StoreResult<Vec<ThreadMessage>> {
        // Ids are UUIDv7: within one microsecond they still keep the order
        // the server made them in.
        let rows: Vec<ThreadMessageRow> =
            sql("SELECT id, request_id, merchant_id, side, author_id, body, created_at FROM sourcing_messages \
             WHERE request_id = $1 AND merchant_id = $2 ORDER BY created_at, id")
            .bind(request.as_uuid())
            .bind(merchant.as_uuid())
            .fetch_all(self.reads())
            .await
            .map_err(backend)?;
        rows.into_iter().map(ThreadMessage::try_from).collect()
    }

    async fn notifications(&self, user: UserId, limit: u32) -> StoreResult<Vec<Notification>> {
        let rows: Vec<NotificationRow> =
            sql("SELECT n.id, n.user_id, n.kind, n.request_id, r.title, n.merchant_id, n.created_at, n.read_at \
             FROM notifications n JOIN sourcing_requests r ON r.id = n.request_id \
             WHERE n.user_id = $1 ORDER BY n.id DESC LIMIT $2")
            .bind(user.as_uuid())
            .bind(i64::from(limit))
            .fetch_all(self.reads())
            .await
            .map_err(backend)?;
        rows.into_iter().map(Notification::try_from).collect()
    }

    async fn unread_notifications(&self, user: UserId) -> StoreResult<i64> {
        sql("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user.as_uuid())
            .fetch_scalar(self.reads())
            .await
            .map_err(backend)
    }

    async fn mark_notifications_read(&self, user: UserId, at: DateTime<Utc>) -> StoreResult<u64> {
        let done = sql("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(at)
            .bind(user.as_uuid())
            .execute(&mut *self.writer().await.map_err(backend)?)
            .await
            .map_err(backend)?;
        Ok(done)
    }

    async fn user_email(&self, user: UserId) -> StoreResult<Option<String>> {
        sql("SELECT email FROM users WHERE id = $1")
            .bind(user.as_uuid())
            .fetch_optional_scalar(self.reads())
            .await
            .map_err(backend)
    }
}
