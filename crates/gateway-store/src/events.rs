//! Events and their registrations (issue 8). Registering and cancelling count seats,
//! so each runs in one transaction that first locks the event's row: the last seat
//! goes to exactly one registrant, and a cancellation's freed seat goes to the oldest
//! waitlisted registration in the same transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::event::{CheckInCode, EventDetails, RegistrationKind, RegistrationStatus};
use gateway_core::merchant::UsState;
use gateway_core::user::Email;
use gateway_core::{EventId, RegistrationId, UserId};

use crate::{Page, PageRequest, StoreResult};

/// An event as stored, with its seat counts at the time of reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: EventId,
    pub details: EventDetails,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub confirmed: i64,
    pub waitlisted: i64,
    pub checked_in: i64,
}

impl Event {
    pub fn seats_left(&self) -> i64 {
        (self.details.capacity - self.confirmed).max(0)
    }
}

#[derive(Debug, Clone)]
pub struct NewEvent {
    pub id: EventId,
    pub details: EventDetails,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// A registration as stored. The manage token is kept only as its hash and never
/// read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub id: RegistrationId,
    pub event_id: EventId,
    pub name: String,
    pub email: String,
    pub business_name: Option<String>,
    pub state: UsState,
    pub kind: RegistrationKind,
    pub user_id: Option<UserId>,
    pub status: RegistrationStatus,
    /// 1 for the next to move up; only for waitlisted registrations.
    pub waitlist_position: Option<i64>,
    pub check_in_code: CheckInCode,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub promoted_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub id: RegistrationId,
    pub event_id: EventId,
    pub name: String,
    pub email: Email,
    pub business_name: Option<String>,
    pub state: UsState,
    pub kind: RegistrationKind,
    pub user_id: Option<UserId>,
    /// SHA-256 of the secret that lets the registrant see, cancel and download it.
    pub manage_token_hash: Vec<u8>,
    pub check_in_code: CheckInCode,
    pub created_at: DateTime<Utc>,
}

/// Why a check-in was refused: only confirmed registrations get in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInRefused {
    pub registration: Registration,
}

/// The registrations of one US state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateRegistrations {
    pub state: UsState,
    pub confirmed: i64,
    pub waitlisted: i64,
    pub checked_in: i64,
}

#[async_trait]
pub trait EventStore: Send + Sync {
    async fn create_event(&self, event: NewEvent) -> StoreResult<Event>;
    /// Replaces the details. Fails with `Conflict("capacity")` when the new capacity
    /// is below the confirmed registrations; a larger one moves the waitlist up in the
    /// same transaction. `NotFound` when absent.
    async fn update_event(&self, id: EventId, details: EventDetails, at: DateTime<Utc>) -> StoreResult<Event>;
    async fn event(&self, id: EventId) -> StoreResult<Option<Event>>;
    /// Events by start (then id); with `ending_after`, only those that end after it.
    /// At most `limit`.
    async fn list_events(&self, ending_after: Option<DateTime<Utc>>, limit: u32) -> StoreResult<Vec<Event>>;
    /// Confirmed while a seat is free, else waitlisted; writes
    /// `event_registration.confirmed` or `.waitlisted` to the outbox. `NotFound` for an
    /// unknown event; `Conflict("email")` when the address holds a registration that
    /// is not cancelled; `Conflict("check_in_code")` when the code is taken (draw
    /// another).
    async fn register(&self, registration: NewRegistration) -> StoreResult<Registration>;
    async fn registration_by_token(&self, token_hash: &[u8]) -> StoreResult<Option<Registration>>;
    /// Cancels (again: answers it unchanged). A confirmed registration's seat goes to
    /// the oldest waitlisted one, in the same transaction, with an
    /// `event_registration.promoted` outbox event. `NotFound` for an unknown token.
    async fn cancel_registration(&self, token_hash: &[u8], at: DateTime<Utc>) -> StoreResult<Registration>;
    /// Marks a confirmed registration checked in (again: keeps the first time).
    /// `NotFound` for a code the event does not have; a refusal for a waitlisted or
    /// cancelled one.
    async fn check_in(
        &self,
        event: EventId,
        code: &CheckInCode,
        at: DateTime<Utc>,
    ) -> StoreResult<Result<Registration, CheckInRefused>>;
    /// The event's registrations in registration order, optionally of one status.
    async fn registrations(
        &self,
        event: EventId,
        status: Option<RegistrationStatus>,
        page: PageRequest,
    ) -> StoreResult<Page<Registration>>;
    /// Per US state, states with no live registration left out, by state code.
    async fn registrations_by_state(&self, event: EventId) -> StoreResult<Vec<StateRegistrations>>;
}
