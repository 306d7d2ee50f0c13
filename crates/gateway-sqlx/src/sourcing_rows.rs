//! Buyer matchmaking's rows and their conversion into store records. Lists that
//! have no table of their own (a request's preferred states, a match's reasons) are
//! stored as codes joined by commas: they are short, closed sets, only ever read whole.

use chrono::{DateTime, NaiveDate, Utc};
use gateway_core::merchant::UsState;
use gateway_core::sourcing::{
    BuyerContact, BuyerKind, BuyerProfile, MatchReason, OfferTerms, RequestLanguage, RequestStatus, Side,
    SourcingRequestDraft,
};
use gateway_core::{Cny, MerchantId, MessageId, NotificationId, SourcingRequestId, Usd, UserId};
use gateway_store::{
    BuyerProfileRecord, Notification, NotificationKind, SourcingMatch, SourcingOffer, SourcingRequest, StoreError,
    StoreResult, ThreadMessage,
};
use uuid::Uuid;

/// Joins codes with commas.
pub fn join_codes<'a>(codes: impl IntoIterator<Item = &'a str>) -> String {
    codes.into_iter().collect::<Vec<_>>().join(",")
}

fn split_codes<T, E: std::fmt::Display>(
    field: &'static str,
    text: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> StoreResult<Vec<T>> {
    text.split(',').filter(|c| !c.is_empty()).map(|c| StoreError::decode(field, parse(c))).collect()
}

#[doc(hidden)]
#[macro_export]
macro_rules! buyer_profile_columns {
    () => {
        "user_id, company_name, kind, province, city, contact_person, contact_phone, contact_email, wechat_id, \
         created_at, updated_at"
    };
}

#[derive(sqlx::FromRow)]
pub struct BuyerProfileRow {
    user_id: Uuid,
    company_name: String,
    kind: String,
    province: String,
    city: String,
    contact_person: String,
    contact_phone: String,
    contact_email: String,
    wechat_id: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<BuyerProfileRow> for BuyerProfileRecord {
    type Error = StoreError;
    fn try_from(r: BuyerProfileRow) -> StoreResult<Self> {
        Ok(BuyerProfileRecord {
            user_id: UserId::from_uuid(r.user_id),
            profile: BuyerProfile {
                company_name: r.company_name,
                kind: StoreError::decode("buyer_profiles.kind", BuyerKind::parse(&r.kind))?,
                province: r.province,
                city: r.city,
                contact: BuyerContact {
                    person: r.contact_person,
                    phone: r.contact_phone,
                    email: r.contact_email,
                    wechat_id: r.wechat_id,
                },
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct SourcingRequestRow {
    id: Uuid,
    buyer_id: Uuid,
    title: String,
    details: Option<String>,
    language: String,
    quantity: i64,
    unit: String,
    target_unit_price_fen: Option<i64>,
    needed_by: String,
    tax_class: Option<String>,
    preferred_states: String,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<SourcingRequestRow> for SourcingRequest {
    type Error = StoreError;
    fn try_from(r: SourcingRequestRow) -> StoreResult<Self> {
        Ok(SourcingRequest {
            id: SourcingRequestId::from_uuid(r.id),
            buyer_id: UserId::from_uuid(r.buyer_id),
            draft: SourcingRequestDraft {
                title: r.title,
                details: r.details,
                language: StoreError::decode("sourcing_requests.language", RequestLanguage::parse(&r.language))?,
                quantity: r.quantity,
                unit: r.unit,
                target_unit_price: r.target_unit_price_fen.map(Cny::from_minor),
                needed_by: StoreError::decode(
                    "sourcing_requests.needed_by",
                    NaiveDate::parse_from_str(&r.needed_by, "%Y-%m-%d"),
                )?,
                tax_class: r.tax_class,
                preferred_states: split_codes(
                    "sourcing_requests.preferred_states",
                    &r.preferred_states,
                    UsState::parse,
                )?,
            },
            status: StoreError::decode("sourcing_requests.status", RequestStatus::parse(&r.status))?,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct SourcingMatchRow {
    request_id: Uuid,
    merchant_id: Uuid,
    position: i64,
    score: i64,
    reasons: String,
    buyer_accepted_at: Option<DateTime<Utc>>,
    merchant_accepted_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl TryFrom<SourcingMatchRow> for SourcingMatch {
    type Error = StoreError;
    fn try_from(r: SourcingMatchRow) -> StoreResult<Self> {
        Ok(SourcingMatch {
            request_id: SourcingRequestId::from_uuid(r.request_id),
            merchant_id: MerchantId::from_uuid(r.merchant_id),
            position: r.position,
            score: r.score,
            reasons: split_codes("sourcing_matches.reasons", &r.reasons, MatchReason::parse)?,
            buyer_accepted_at: r.buyer_accepted_at,
            merchant_accepted_at: r.merchant_accepted_at,
            created_at: r.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct SourcingOfferRow {
    request_id: Uuid,
    merchant_id: Uuid,
    unit_price_usd_cents: i64,
    quantity: i64,
    lead_time_days: i64,
    message: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<SourcingOfferRow> for SourcingOffer {
    fn from(r: SourcingOfferRow) -> Self {
        SourcingOffer {
            request_id: SourcingRequestId::from_uuid(r.request_id),
            merchant_id: MerchantId::from_uuid(r.merchant_id),
            terms: OfferTerms {
                unit_price: Usd::from_minor(r.unit_price_usd_cents),
                quantity: r.quantity,
                lead_time_days: r.lead_time_days,
                message: r.message,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct ThreadMessageRow {
    id: Uuid,
    request_id: Uuid,
    merchant_id: Uuid,
    side: String,
    author_id: Uuid,
    body: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<ThreadMessageRow> for ThreadMessage {
    type Error = StoreError;
    fn try_from(r: ThreadMessageRow) -> StoreResult<Self> {
        Ok(ThreadMessage {
            id: MessageId::from_uuid(r.id),
            request_id: SourcingRequestId::from_uuid(r.request_id),
            merchant_id: MerchantId::from_uuid(r.merchant_id),
            side: StoreError::decode("sourcing_messages.side", Side::parse(&r.side))?,
            author_id: UserId::from_uuid(r.author_id),
            body: r.body,
            created_at: r.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct NotificationRow {
    id: Uuid,
    user_id: Uuid,
    kind: String,
    request_id: Uuid,
    title: String,
    merchant_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
}

impl TryFrom<NotificationRow> for Notification {
    type Error = StoreError;
    fn try_from(r: NotificationRow) -> StoreResult<Self> {
        Ok(Notification {
            id: NotificationId::from_uuid(r.id),
            user_id: UserId::from_uuid(r.user_id),
            kind: StoreError::decode("notifications.kind", NotificationKind::parse(&r.kind))?,
            request_id: SourcingRequestId::from_uuid(r.request_id),
            request_title: r.title,
            merchant_id: r.merchant_id.map(MerchantId::from_uuid),
            created_at: r.created_at,
            read_at: r.read_at,
        })
    }
}
