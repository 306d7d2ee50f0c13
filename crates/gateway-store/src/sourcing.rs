//! Buyer matchmaking's storage (issue 8, part 4): buyer profiles, sourcing requests
//! with the merchants they were matched to, offers, thread messages and the
//! notifications inbox.
//!
//! A thread is a match: one per (request, merchant). Who may read or write one is
//! the application's to decide; the store only keeps each write whole (a request is
//! stored with its matches, their notifications and their outbox events in one
//! transaction, so a merchant is never notified of a request that was not saved).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::sourcing::{BuyerProfile, MatchReason, OfferTerms, RequestStatus, Side, SourcingRequestDraft};
use gateway_core::{MerchantId, MessageId, NotificationId, SourcingRequestId, UserId};

use crate::{Page, PageRequest, StoreResult};

gateway_core::code_enum!(
    /// What a notification is about: a merchant was matched to a new request
    /// (`sourcing_matched`), a buyer received or saw revised an offer
    /// (`sourcing_offer`), a new message in a thread (`sourcing_message`), the other
    /// side accepted to share contact details (`sourcing_accepted`).
    NotificationKind {
        SourcingMatched = "sourcing_matched",
        SourcingOffer = "sourcing_offer",
        SourcingMessage = "sourcing_message",
        SourcingAccepted = "sourcing_accepted",
    }
);

/// A buyer's profile as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuyerProfileRecord {
    pub user_id: UserId,
    pub profile: BuyerProfile,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewSourcingRequest {
    pub id: SourcingRequestId,
    pub buyer_id: UserId,
    pub draft: SourcingRequestDraft,
    pub created_at: DateTime<Utc>,
}

/// A sourcing request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcingRequest {
    pub id: SourcingRequestId,
    pub buyer_id: UserId,
    pub draft: SourcingRequestDraft,
    pub status: RequestStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A merchant chosen for a new request, in list order, and whom to notify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMatch {
    pub merchant_id: MerchantId,
    /// The merchant's owner, whose inbox gets the notification.
    pub notify: UserId,
    pub score: i64,
    pub reasons: Vec<MatchReason>,
}

/// A request's match with one merchant: the thread between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcingMatch {
    pub request_id: SourcingRequestId,
    pub merchant_id: MerchantId,
    /// 1 for the best match.
    pub position: i64,
    pub score: i64,
    pub reasons: Vec<MatchReason>,
    pub buyer_accepted_at: Option<DateTime<Utc>>,
    pub merchant_accepted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A merchant's offer on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcingOffer {
    pub request_id: SourcingRequestId,
    pub merchant_id: MerchantId,
    pub terms: OfferTerms,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One message of a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadMessage {
    pub id: MessageId,
    pub request_id: SourcingRequestId,
    pub merchant_id: MerchantId,
    pub side: Side,
    pub author_id: UserId,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// An entry of a user's inbox, with the title of the request it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: NotificationId,
    pub user_id: UserId,
    pub kind: NotificationKind,
    pub request_id: SourcingRequestId,
    pub request_title: String,
    pub merchant_id: Option<MerchantId>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// Whose requests a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestScope {
    Buyer(UserId),
    /// The requests the merchant was matched to.
    Merchant(MerchantId),
    All,
}

#[async_trait]
pub trait SourcingStore: Send + Sync {
    /// Creates or replaces the user's buyer profile (keeping its created_at).
    async fn save_buyer_profile(
        &self,
        user: UserId,
        profile: BuyerProfile,
        at: DateTime<Utc>,
    ) -> StoreResult<BuyerProfileRecord>;
    async fn buyer_profile(&self, user: UserId) -> StoreResult<Option<BuyerProfileRecord>>;

    /// Stores the request, open, with its matches (positions 1, 2 … in the order
    /// given), a `sourcing_matched` notification for each match and a
    /// `sourcing.matched` outbox event per merchant, all in one transaction.
    /// `Conflict("sourcing_request")` when the id exists; `Conflict("merchant")`
    /// when a merchant is listed twice.
    async fn create_sourcing_request(
        &self,
        request: NewSourcingRequest,
        matches: Vec<NewMatch>,
    ) -> StoreResult<SourcingRequest>;
    async fn sourcing_request(&self, id: SourcingRequestId) -> StoreResult<Option<SourcingRequest>>;
    /// Newest first.
    async fn sourcing_requests(&self, scope: RequestScope, page: PageRequest) -> StoreResult<Page<SourcingRequest>>;
    /// Open → closed; `Stale` when it is already closed, `NotFound` when absent.
    async fn close_sourcing_request(&self, id: SourcingRequestId, at: DateTime<Utc>) -> StoreResult<SourcingRequest>;

    /// The request's matches, best first.
    async fn sourcing_matches(&self, request: SourcingRequestId) -> StoreResult<Vec<SourcingMatch>>;
    async fn sourcing_match(
        &self,
        request: SourcingRequestId,
        merchant: MerchantId,
    ) -> StoreResult<Option<SourcingMatch>>;
    /// Records that `side` accepts to share contact details (again keeps the first
    /// time) and notifies `notify`, the other side; `NotFound` without the match.
    async fn accept_contacts(
        &self,
        request: SourcingRequestId,
        merchant: MerchantId,
        side: Side,
        notify: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<SourcingMatch>;

    /// Creates or replaces the merchant's offer and notifies `notify` (the buyer);
    /// `NotFound` without the match.
    async fn save_offer(&self, offer: SourcingOffer, notify: UserId) -> StoreResult<SourcingOffer>;
    /// The offers on a request, in match order.
    async fn sourcing_offers(&self, request: SourcingRequestId) -> StoreResult<Vec<SourcingOffer>>;

    /// Adds a message to a thread and notifies `notify` (the other side); `NotFound`
    /// without the match.
    async fn add_thread_message(&self, message: ThreadMessage, notify: UserId) -> StoreResult<ThreadMessage>;
    /// A thread's messages, oldest first.
    async fn thread_messages(
        &self,
        request: SourcingRequestId,
        merchant: MerchantId,
    ) -> StoreResult<Vec<ThreadMessage>>;

    /// The user's newest notifications, at most `limit`.
    async fn notifications(&self, user: UserId, limit: u32) -> StoreResult<Vec<Notification>>;
    async fn unread_notifications(&self, user: UserId) -> StoreResult<i64>;
    /// Marks every unread notification of the user read; returns how many.
    async fn mark_notifications_read(&self, user: UserId, at: DateTime<Utc>) -> StoreResult<u64>;

    /// A user's sign-in e-mail: a merchant's contact address once both sides accept.
    async fn user_email(&self, user: UserId) -> StoreResult<Option<String>>;
}
