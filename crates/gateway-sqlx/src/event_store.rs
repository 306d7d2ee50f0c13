//! Events and registrations (`EventStore`): the same SQL on both engines.
//!
//! Every write that counts seats starts with [`lock_event`]'s UPDATE of the event's
//! row. On PostgreSQL that takes the row lock, so concurrent registrations and
//! cancellations of one event queue behind each other, and each statement after it
//! (a new snapshot at read committed) sees the seats the previous one took. On SQLite
//! the transaction already holds the database's write lock (`BEGIN IMMEDIATE`).

use crate::engine::{DbConn, Engine, SqlStore};
use crate::sql::{Sql, sql};
use crate::{backend, fetch_limit, map_err};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::event::{
    CheckInCode, EventDetails, EventSession, RegistrationKind, RegistrationStatus, UsTimeZone, promotions,
};
use gateway_core::merchant::UsState;
use gateway_core::{EventId, RegistrationId, UserId};
use gateway_store::*;
use gateway_store::{Event, Registration, StoreError, StoreResult};
use uuid::Uuid;

pub const EVENT_SELECT: &str = "SELECT e.id, e.title_en, e.title_zh, e.description_en, e.description_zh, \
     e.venue_name, e.venue_address, e.city, e.state, e.time_zone, e.starts_at, e.ends_at, e.capacity, e.sessions, \
     e.created_by, e.created_at, e.updated_at, \
     (SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'confirmed') AS confirmed, \
     (SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'waitlisted') AS waitlisted, \
     (SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'confirmed' \
       AND r.checked_in_at IS NOT NULL) AS checked_in \
     FROM events e ";

/// The waitlist position is counted, not stored: it moves by itself when someone
/// ahead is promoted or cancels.
pub const REGISTRATION_SELECT: &str = "SELECT r.id, r.event_id, r.name, r.email, r.business_name, r.state, r.kind, \
     r.user_id, r.status, r.check_in_code, r.checked_in_at, r.promoted_at, r.cancelled_at, r.created_at, \
     CASE WHEN r.status = 'waitlisted' THEN (SELECT COUNT(*) FROM event_registrations w \
       WHERE w.event_id = r.event_id AND w.status = 'waitlisted' AND w.seq <= r.seq) END AS waitlist_position \
     FROM event_registrations r ";

#[derive(sqlx::FromRow)]
pub struct EventRow {
    id: Uuid,
    title_en: String,
    title_zh: Option<String>,
    description_en: String,
    description_zh: Option<String>,
    venue_name: String,
    venue_address: String,
    city: String,
    state: String,
    time_zone: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    capacity: i64,
    sessions: String,
    created_by: Uuid,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    confirmed: i64,
    waitlisted: i64,
    checked_in: i64,
}

impl TryFrom<EventRow> for Event {
    type Error = StoreError;
    fn try_from(r: EventRow) -> StoreResult<Self> {
        let sessions: Vec<EventSession> = StoreError::decode("events.sessions", serde_json::from_str(&r.sessions))?;
        Ok(Event {
            id: EventId::from_uuid(r.id),
            details: EventDetails {
                title_en: r.title_en,
                title_zh: r.title_zh,
                description_en: r.description_en,
                description_zh: r.description_zh,
                venue_name: r.venue_name,
                venue_address: r.venue_address,
                city: r.city,
                state: StoreError::decode("events.state", UsState::parse(&r.state))?,
                time_zone: StoreError::decode("events.time_zone", UsTimeZone::parse(&r.time_zone))?,
                starts_at: r.starts_at,
                ends_at: r.ends_at,
                capacity: r.capacity,
                sessions,
            },
            created_by: UserId::from_uuid(r.created_by),
            created_at: r.created_at,
            updated_at: r.updated_at,
            confirmed: r.confirmed,
            waitlisted: r.waitlisted,
            checked_in: r.checked_in,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct RegistrationRow {
    id: Uuid,
    event_id: Uuid,
    name: String,
    email: String,
    business_name: Option<String>,
    state: String,
    kind: String,
    user_id: Option<Uuid>,
    status: String,
    check_in_code: String,
    checked_in_at: Option<DateTime<Utc>>,
    promoted_at: Option<DateTime<Utc>>,
    cancelled_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    waitlist_position: Option<i64>,
}

impl TryFrom<RegistrationRow> for Registration {
    type Error = StoreError;
    fn try_from(r: RegistrationRow) -> StoreResult<Self> {
        Ok(Registration {
            id: RegistrationId::from_uuid(r.id),
            event_id: EventId::from_uuid(r.event_id),
            name: r.name,
            email: r.email,
            business_name: r.business_name,
            state: StoreError::decode("event_registrations.state", UsState::parse(&r.state))?,
            kind: StoreError::decode("event_registrations.kind", RegistrationKind::parse(&r.kind))?,
            user_id: r.user_id.map(UserId::from_uuid),
            status: StoreError::decode("event_registrations.status", RegistrationStatus::parse(&r.status))?,
            waitlist_position: r.waitlist_position,
            check_in_code: StoreError::decode(
                "event_registrations.check_in_code",
                CheckInCode::parse(&r.check_in_code),
            )?,
            checked_in_at: r.checked_in_at,
            promoted_at: r.promoted_at,
            cancelled_at: r.cancelled_at,
            created_at: r.created_at,
        })
    }
}

/// The programme as stored.
pub fn sessions_json(details: &EventDetails) -> StoreResult<String> {
    serde_json::to_string(&details.sessions).map_err(StoreError::backend)
}

/// An outbox payload about a registration.
pub fn registration_event(r: &Registration) -> String {
    serde_json::json!({
        "registration_id": r.id.to_string(),
        "event_id": r.event_id.to_string(),
        "status": r.status.as_str(),
        "waitlist_position": r.waitlist_position,
    })
    .to_string()
}

impl<E: Engine> SqlStore<E> {
    /// Binds an event's details as `$1`–`$13` (title_en … sessions), the
    /// same for creating and for replacing an event.
    pub(crate) fn bind_details<'q>(query: Sql<'q>, d: &'q EventDetails) -> StoreResult<Sql<'q>> {
        Ok(query
            .bind(&d.title_en)
            .bind(&d.title_zh)
            .bind(&d.description_en)
            .bind(&d.description_zh)
            .bind(&d.venue_name)
            .bind(&d.venue_address)
            .bind(&d.city)
            .bind(d.state.as_str())
            .bind(d.time_zone.name())
            .bind(d.starts_at)
            .bind(d.ends_at)
            .bind(d.capacity)
            .bind(sessions_json(d)?))
    }

    /// Locks the event's row for the rest of the transaction; with `take_seq`,
    /// also takes the next registration number. (number, capacity), or None.
    pub(crate) async fn lock_event(
        conn: &mut DbConn<E>,
        id: EventId,
        take_seq: bool,
    ) -> StoreResult<Option<(i64, i64)>> {
        sql("UPDATE events SET next_seq = next_seq + $2 WHERE id = $1 RETURNING next_seq, capacity")
            .bind(id.as_uuid())
            .bind(i64::from(take_seq))
            .fetch_optional(&mut *conn)
            .await
            .map_err(backend)
    }

    pub(crate) async fn count_registrations(
        conn: &mut DbConn<E>,
        id: EventId,
        status: RegistrationStatus,
    ) -> StoreResult<i64> {
        sql("SELECT COUNT(*) FROM event_registrations WHERE event_id = $1 AND status = $2")
            .bind(id.as_uuid())
            .bind(status.as_str())
            .fetch_scalar(&mut *conn)
            .await
            .map_err(backend)
    }

    pub(crate) async fn fetch_event(conn: &mut DbConn<E>, id: EventId) -> StoreResult<Option<Event>> {
        let row: Option<EventRow> = Sql::new(sqlx::AssertSqlSafe(format!("{EVENT_SELECT}WHERE e.id = $1")))
            .bind(id.as_uuid())
            .fetch_optional(&mut *conn)
            .await
            .map_err(backend)?;
        row.map(Event::try_from).transpose()
    }

    pub(crate) async fn fetch_registration(conn: &mut DbConn<E>, id: Uuid) -> StoreResult<Option<Registration>> {
        let row: Option<RegistrationRow> =
            Sql::new(sqlx::AssertSqlSafe(format!("{REGISTRATION_SELECT}WHERE r.id = $1")))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(backend)?;
        row.map(Registration::try_from).transpose()
    }

    /// Moves the oldest waitlisted registrations up into the free seats (the
    /// event's row is locked), each with an outbox event. Returns how many.
    pub(crate) async fn promote_waitlist(
        conn: &mut DbConn<E>,
        id: EventId,
        capacity: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let confirmed = Self::count_registrations(conn, id, RegistrationStatus::Confirmed).await?;
        let waitlisted = Self::count_registrations(conn, id, RegistrationStatus::Waitlisted).await?;
        let n = promotions(confirmed, capacity, waitlisted);
        for _ in 0..n {
            let next: Option<(Uuid,)> =
                sql("SELECT id FROM event_registrations WHERE event_id = $1 AND status = 'waitlisted' \
                 ORDER BY seq LIMIT 1")
                .bind(id.as_uuid())
                .fetch_optional(&mut *conn)
                .await
                .map_err(backend)?;
            let Some((next,)) = next else { break };
            sql("UPDATE event_registrations SET status = 'confirmed', promoted_at = $1 WHERE id = $2")
                .bind(at)
                .bind(next)
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
            let promoted = Self::fetch_registration(conn, next).await?.ok_or(StoreError::NotFound)?;
            Self::insert_outbox(conn, "event_registration.promoted", next, registration_event(&promoted), at).await?;
        }
        Ok(n)
    }
}

#[async_trait]
impl<E: Engine> EventStore for SqlStore<E> {
    async fn create_event(&self, e: NewEvent) -> StoreResult<Event> {
        let d = &e.details;
        let mut tx = self.begin_write().await.map_err(backend)?;
        Self::bind_details(
            sql("INSERT INTO events (title_en, title_zh, description_en, description_zh, venue_name, \
                 venue_address, city, state, time_zone, starts_at, ends_at, capacity, sessions, id, \
                 next_seq, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0, $15, $16, $16)"),
            d,
        )?
        .bind(e.id.as_uuid())
        .bind(e.created_by.as_uuid())
        .bind(e.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|err| map_err(err, "id"))?;
        let event = Self::fetch_event(&mut tx, e.id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(backend)?;
        Ok(event)
    }

    async fn update_event(&self, id: EventId, d: EventDetails, at: DateTime<Utc>) -> StoreResult<Event> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        if Self::lock_event(&mut tx, id, false).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let confirmed = Self::count_registrations(&mut tx, id, RegistrationStatus::Confirmed).await?;
        if d.capacity < confirmed {
            return Err(StoreError::Conflict("capacity"));
        }
        Self::bind_details(
            sql("UPDATE events SET title_en = $1, title_zh = $2, description_en = $3, description_zh = $4, \
                 venue_name = $5, venue_address = $6, city = $7, state = $8, time_zone = $9, \
                 starts_at = $10, ends_at = $11, capacity = $12, sessions = $13, updated_at = $14 \
                 WHERE id = $15"),
            &d,
        )?
        .bind(at)
        .bind(id.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        // More seats: the waitlist moves up into them now.
        Self::promote_waitlist(&mut tx, id, d.capacity, at).await?;
        let event = Self::fetch_event(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(backend)?;
        Ok(event)
    }

    async fn event(&self, id: EventId) -> StoreResult<Option<Event>> {
        let mut conn = self.reads().acquire().await.map_err(backend)?;
        Self::fetch_event(&mut conn, id).await
    }

    async fn list_events(&self, ending_after: Option<DateTime<Utc>>, limit: u32) -> StoreResult<Vec<Event>> {
        let rows: Vec<EventRow> = Sql::new(sqlx::AssertSqlSafe(format!(
            "{EVENT_SELECT}WHERE ($1 IS NULL OR e.ends_at > $1) ORDER BY e.starts_at, e.id LIMIT $2"
        )))
        .bind(ending_after)
        .bind(i64::from(limit))
        .fetch_all(self.reads())
        .await
        .map_err(backend)?;
        rows.into_iter().map(Event::try_from).collect()
    }

    async fn register(&self, r: NewRegistration) -> StoreResult<Registration> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let Some((seq, capacity)) = Self::lock_event(&mut tx, r.event_id, true).await? else {
            return Err(StoreError::NotFound);
        };
        // Checked under the lock, so that the unique index below is only a
        // safety net and its violation can mean the check-in code.
        let live: i64 = sql("SELECT COUNT(*) FROM event_registrations WHERE event_id = $1 AND email = $2 \
             AND status <> 'cancelled'")
        .bind(r.event_id.as_uuid())
        .bind(r.email.as_str())
        .fetch_scalar(&mut *tx)
        .await
        .map_err(backend)?;
        if live > 0 {
            return Err(StoreError::Conflict("email"));
        }
        let confirmed = Self::count_registrations(&mut tx, r.event_id, RegistrationStatus::Confirmed).await?;
        let status = gateway_core::event::status_on_registration(confirmed, capacity);
        sql("INSERT INTO event_registrations (id, event_id, seq, name, email, business_name, state, kind, \
             user_id, status, manage_token_hash, check_in_code, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
        .bind(r.id.as_uuid())
        .bind(r.event_id.as_uuid())
        .bind(seq)
        .bind(&r.name)
        .bind(r.email.as_str())
        .bind(&r.business_name)
        .bind(r.state.as_str())
        .bind(r.kind.as_str())
        .bind(r.user_id.map(|u| u.as_uuid()))
        .bind(status.as_str())
        .bind(&r.manage_token_hash)
        .bind(r.check_in_code.as_str())
        .bind(r.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| map_err(e, "check_in_code"))?;
        let registration = Self::fetch_registration(&mut tx, r.id.as_uuid()).await?.ok_or(StoreError::NotFound)?;
        let topic = match status {
            RegistrationStatus::Confirmed => "event_registration.confirmed",
            _ => "event_registration.waitlisted",
        };
        Self::insert_outbox(&mut tx, topic, r.id.as_uuid(), registration_event(&registration), r.created_at).await?;
        tx.commit().await.map_err(backend)?;
        Ok(registration)
    }

    async fn registration_by_token(&self, token_hash: &[u8]) -> StoreResult<Option<Registration>> {
        let row: Option<RegistrationRow> =
            Sql::new(sqlx::AssertSqlSafe(format!("{REGISTRATION_SELECT}WHERE r.manage_token_hash = $1")))
                .bind(token_hash)
                .fetch_optional(self.reads())
                .await
                .map_err(backend)?;
        row.map(Registration::try_from).transpose()
    }

    async fn cancel_registration(&self, token_hash: &[u8], at: DateTime<Utc>) -> StoreResult<Registration> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let found: Option<(Uuid, Uuid)> =
            sql("SELECT id, event_id FROM event_registrations WHERE manage_token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?;
        let Some((id, event_id)) = found else { return Err(StoreError::NotFound) };
        let event_id = EventId::from_uuid(event_id);
        let (_, capacity) = Self::lock_event(&mut tx, event_id, false).await?.ok_or(StoreError::NotFound)?;
        // Read under the lock: no other cancellation or promotion can change it now.
        let before = Self::fetch_registration(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        if before.status == RegistrationStatus::Cancelled {
            return Ok(before);
        }
        sql("UPDATE event_registrations SET status = 'cancelled', cancelled_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        let cancelled = Self::fetch_registration(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        Self::insert_outbox(&mut tx, "event_registration.cancelled", id, registration_event(&cancelled), at).await?;
        if before.status == RegistrationStatus::Confirmed {
            Self::promote_waitlist(&mut tx, event_id, capacity, at).await?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(cancelled)
    }

    async fn check_in(
        &self,
        event: EventId,
        code: &CheckInCode,
        at: DateTime<Utc>,
    ) -> StoreResult<Result<Registration, CheckInRefused>> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        // Conditional: a registration cancelled meanwhile is not let in.
        sql("UPDATE event_registrations SET checked_in_at = COALESCE(checked_in_at, $1) \
             WHERE event_id = $2 AND check_in_code = $3 AND status = 'confirmed'")
        .bind(at)
        .bind(event.as_uuid())
        .bind(code.as_str())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        let row: Option<RegistrationRow> = Sql::new(sqlx::AssertSqlSafe(format!(
            "{REGISTRATION_SELECT}WHERE r.event_id = $1 AND r.check_in_code = $2"
        )))
        .bind(event.as_uuid())
        .bind(code.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        let registration = row.map(Registration::try_from).transpose()?.ok_or(StoreError::NotFound)?;
        if registration.status == RegistrationStatus::Confirmed {
            Ok(Ok(registration))
        } else {
            Ok(Err(CheckInRefused { registration }))
        }
    }

    async fn registrations(
        &self,
        event: EventId,
        status: Option<RegistrationStatus>,
        page: PageRequest,
    ) -> StoreResult<Page<Registration>> {
        let rows: Vec<RegistrationRow> = Sql::new(sqlx::AssertSqlSafe(format!(
            "{REGISTRATION_SELECT}WHERE r.event_id = $1 AND ($2 IS NULL OR r.status = $2) \
             AND ($3 IS NULL OR r.id > $3) ORDER BY r.id LIMIT $4"
        )))
        .bind(event.as_uuid())
        .bind(status.map(RegistrationStatus::as_str))
        .bind(page.after)
        .bind(fetch_limit(page.limit))
        .fetch_all(self.reads())
        .await
        .map_err(backend)?;
        let items = rows.into_iter().map(Registration::try_from).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_rows(items, page.limit, |r| r.id.as_uuid()))
    }

    async fn registrations_by_state(&self, event: EventId) -> StoreResult<Vec<StateRegistrations>> {
        let rows: Vec<(String, i64, i64, i64)> = sql("SELECT state, \
             SUM(CASE WHEN status = 'confirmed' THEN 1 ELSE 0 END), \
             SUM(CASE WHEN status = 'waitlisted' THEN 1 ELSE 0 END), \
             SUM(CASE WHEN status = 'confirmed' AND checked_in_at IS NOT NULL THEN 1 ELSE 0 END) \
             FROM event_registrations WHERE event_id = $1 AND status <> 'cancelled' \
             GROUP BY state ORDER BY state")
        .bind(event.as_uuid())
        .fetch_all(self.reads())
        .await
        .map_err(backend)?;
        rows.into_iter()
            .map(|(state, confirmed, waitlisted, checked_in)| {
                Ok(StateRegistrations {
                    state: StoreError::decode(
                        "event_registrations.state",
                        gateway_core::merchant::UsState::parse(&state),
                    )?,
                    confirmed,
                    waitlisted,
                    checked_in,
                })
            })
            .collect()
    }
}
