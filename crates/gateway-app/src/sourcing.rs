//! Buyer matchmaking (issue 8, part 4): a business buyer in China posts a sourcing
//! request in Chinese or English; Gateway matches it to the merchants that can supply
//! it and notifies them; a merchant answers with an offer; the two sides exchange
//! messages; contact details are shown only once both sides accepted to share them.
//!
//! Decisions, and why:
//!
//! - **A buyer is a consumer account with a buyer profile** (company, kind, place and
//!   contacts). `users.role` keeps its three values: its CHECK cannot be altered in
//!   place on SQLite, and a business that buys in bulk may well shop retail too.
//! - **Matching reuses the catalog search**, so a Chinese request finds English-only
//!   listings through jieba and the glossary exactly as a shopper's search does. The
//!   request's title is searched without its buying words and quantities
//!   ([`gateway_core::sourcing::search_text`]): "求购野花蜂蜜 500罐" searches 野花蜂蜜.
//!   A requested tax class filters the search (a buyer who asked for food wants
//!   food); preferred states only add points (a buyer who prefers Michigan still
//!   wants to hear from Wisconsin). Only products for sale are in the index, so only
//!   active merchants are found; each is checked again before it is matched.
//! - **Scores are computed once, when the request is posted**, and stored with their
//!   reasons: a merchant's list does not shift under it as the catalog changes, and
//!   each merchant is notified exactly once.
//! - **Who sees what**: a buyer sees their own requests and every thread on them; a
//!   merchant sees only the requests it was matched to and only its own thread; an
//!   operator sees everything but writes nothing in threads. Contact details (the
//!   buyer profile's contacts, the merchant's legal name and sign-in e-mail) are left
//!   out of every answer until both sides of that thread accepted.

use crate::input::DecimalText;
use crate::merchants::DisplayNameView;
use crate::pagination::{PageQuery, PageView};
use crate::{App, AppError, AppResult, ErrorCode, Principal};
use chrono::{DateTime, Utc};
use gateway_core::merchant::MerchantStatus;
use gateway_core::sourcing::{
    self, BuyerProfileFields, MatchSignals, RequestFields, RequestStatus, Side, contacts_visible,
};
use gateway_core::user::Role;
use gateway_core::{MerchantId, MessageId, SourcingRequestId};
use gateway_search::{SearchQuery, Sort};
use gateway_store::{
    BuyerProfileRecord, Merchant, NewMatch, NewSourcingRequest, Notification, RequestScope, SourcingMatch,
    SourcingOffer, SourcingRequest, StoreError, ThreadMessage,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How many products the matching search reads: enough to see every merchant that
/// sells the thing, bounded so a vague request stays cheap.
const CANDIDATE_PRODUCTS: usize = 500;
/// Notifications an inbox shows.
pub const INBOX_LIMIT: u32 = 50;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ContactInput {
    pub person: Option<String>,
    /// e.g. "+86 138 0000 0000".
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Optional; "" removes it.
    pub wechat_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct BuyerProfileInput {
    pub company_name: Option<String>,
    /// distributor, importer or shop.
    pub kind: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub contact: Option<ContactInput>,
}

/// How to reach a buyer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BuyerContactView {
    pub person: String,
    pub phone: String,
    pub email: String,
    pub wechat_id: Option<String>,
}

/// A buyer profile as its owner sees it (with its contacts).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BuyerProfileView {
    pub company_name: String,
    pub kind: &'static str,
    pub province: String,
    pub city: String,
    pub contact: BuyerContactView,
    pub updated_at: DateTime<Utc>,
}

/// The buyer as a merchant sees it before contacts are shared.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BuyerSummaryView {
    pub company_name: String,
    pub kind: &'static str,
    pub province: String,
    pub city: String,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SourcingRequestInput {
    /// What is wanted, in Chinese or English ("求购野花蜂蜜").
    pub title: Option<String>,
    /// Anything else: packaging, labels, certificates.
    pub details: Option<String>,
    pub quantity: Option<i64>,
    /// What the quantity counts: 罐, jars, kg…
    pub unit: Option<String>,
    /// Hoped-for price per unit in CNY (optional).
    pub target_unit_price_cny: Option<DecimalText>,
    /// The date the goods are needed by (ISO, after today in China).
    pub needed_by: Option<String>,
    /// Only merchants with products in this tax class (optional).
    pub tax_class: Option<String>,
    /// USPS codes of the states the buyer prefers (optional).
    pub preferred_states: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct OfferInput {
    pub unit_price_usd: Option<DecimalText>,
    pub quantity: Option<i64>,
    pub lead_time_days: Option<i64>,
    pub message: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct MessageInput {
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfferView {
    pub unit_price_usd: String,
    pub quantity: i64,
    pub lead_time_days: i64,
    pub message: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// A merchant matched to a request: the thread between it and the buyer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchView {
    pub merchant_id: String,
    pub merchant_name: DisplayNameView,
    pub state: &'static str,
    /// 1 for the best match.
    pub position: i64,
    pub score: i64,
    /// relevance, several_products, class, state, export_ready.
    pub reasons: Vec<&'static str>,
    pub offer: Option<OfferView>,
    pub buyer_accepted: bool,
    pub merchant_accepted: bool,
}

/// A sourcing request. A merchant sees only its own match in `matches`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourcingRequestView {
    pub id: String,
    pub title: String,
    pub details: Option<String>,
    /// zh or en, from the text.
    pub language: &'static str,
    pub quantity: i64,
    pub unit: String,
    pub target_unit_price_cny: Option<String>,
    pub needed_by: String,
    pub tax_class: Option<String>,
    pub preferred_states: Vec<&'static str>,
    /// open or closed.
    pub status: &'static str,
    pub created_at: DateTime<Utc>,
    pub buyer: Option<BuyerSummaryView>,
    pub matches: Vec<MatchView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    pub id: String,
    /// buyer or merchant.
    pub side: &'static str,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// How to reach a merchant, once both sides accepted.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MerchantContactView {
    pub legal_name: String,
    pub email: String,
    pub city: String,
    pub state: &'static str,
}

/// Both sides' contact details: present only when both accepted.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContactsView {
    pub buyer: BuyerContactView,
    pub buyer_company: String,
    pub merchant: MerchantContactView,
}

/// One thread: a request and one matched merchant.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThreadView {
    pub request_id: String,
    pub request_title: String,
    pub request_status: &'static str,
    pub merchant_id: String,
    pub merchant_name: DisplayNameView,
    pub buyer: Option<BuyerSummaryView>,
    pub offer: Option<OfferView>,
    /// Oldest first.
    pub messages: Vec<MessageView>,
    pub buyer_accepted: bool,
    pub merchant_accepted: bool,
    /// Which side the caller is on: buyer, merchant, or null for an operator.
    pub you: Option<&'static str>,
    /// Null until both sides accepted to share contact details.
    pub contacts: Option<ContactsView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NotificationView {
    pub id: String,
    /// sourcing_matched, sourcing_offer, sourcing_message or sourcing_accepted.
    pub kind: &'static str,
    pub request_id: String,
    pub request_title: String,
    pub merchant_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NotificationsView {
    pub unread: i64,
    /// Newest first.
    pub items: Vec<NotificationView>,
}

/// The caller's part in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Party {
    Buyer,
    Merchant(MerchantId),
    Operator,
}

fn profile_view(r: &BuyerProfileRecord) -> BuyerProfileView {
    let p = &r.profile;
    BuyerProfileView {
        company_name: p.company_name.clone(),
        kind: p.kind.as_str(),
        province: p.province.clone(),
        city: p.city.clone(),
        contact: contact_view(r),
        updated_at: r.updated_at,
    }
}

fn contact_view(r: &BuyerProfileRecord) -> BuyerContactView {
    let c = &r.profile.contact;
    BuyerContactView {
        person: c.person.clone(),
        phone: c.phone.clone(),
        email: c.email.clone(),
        wechat_id: c.wechat_id.clone(),
    }
}

fn summary_view(r: &BuyerProfileRecord) -> BuyerSummaryView {
    let p = &r.profile;
    BuyerSummaryView {
        company_name: p.company_name.clone(),
        kind: p.kind.as_str(),
        province: p.province.clone(),
        city: p.city.clone(),
    }
}

fn offer_view(o: &SourcingOffer) -> OfferView {
    OfferView {
        unit_price_usd: o.terms.unit_price.to_string(),
        quantity: o.terms.quantity,
        lead_time_days: o.terms.lead_time_days,
        message: o.terms.message.clone(),
        updated_at: o.updated_at,
    }
}

fn merchant_name(m: &Merchant) -> DisplayNameView {
    DisplayNameView { en: m.profile.display_name_en.clone(), zh: m.profile.display_name_zh.clone() }
}

fn notification_view(n: Notification) -> NotificationView {
    NotificationView {
        id: n.id.to_string(),
        kind: n.kind.as_str(),
        request_id: n.request_id.to_string(),
        request_title: n.request_title,
        merchant_id: n.merchant_id.map(|m| m.to_string()),
        created_at: n.created_at,
        read: n.read_at.is_some(),
    }
}

/// Today's date in China (UTC+8, no daylight saving), which a needed-by date must
/// come after.
fn today_in_china() -> chrono::NaiveDate {
    (gateway_core::clock::now() + chrono::Duration::hours(8)).date_naive()
}

impl App {
    /// The caller's buyer profile; `NotFound` until they save one.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn buyer_profile(&self, who: &Principal) -> AppResult<BuyerProfileView> {
        who.require(Role::Consumer)?;
        let record = self.store.buyer_profile(who.user_id).await?.ok_or(AppError::NotFound("buyer profile"))?;
        Ok(profile_view(&record))
    }

    /// Creates or replaces the caller's buyer profile: consumer accounts only.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn save_buyer_profile(&self, who: &Principal, input: BuyerProfileInput) -> AppResult<BuyerProfileView> {
        who.require(Role::Consumer)?;
        let contact = input.contact.unwrap_or_default();
        let fields = BuyerProfileFields {
            company_name: input.company_name.as_deref(),
            kind: input.kind.as_deref(),
            province: input.province.as_deref(),
            city: input.city.as_deref(),
            contact_person: contact.person.as_deref(),
            phone: contact.phone.as_deref(),
            email: contact.email.as_deref(),
            wechat_id: contact.wechat_id.as_deref(),
        };
        let profile = sourcing::parse_buyer_profile(&fields)?;
        let record = self.store.save_buyer_profile(who.user_id, profile, gateway_core::clock::now()).await?;
        Ok(profile_view(&record))
    }

    /// A buyer posts a request: it is validated, matched to merchants and stored with
    /// its matches; each matched merchant is notified.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn post_sourcing_request(
        &self,
        who: &Principal,
        input: SourcingRequestInput,
    ) -> AppResult<SourcingRequestView> {
        who.require(Role::Consumer)?;
        let target = input.target_unit_price_cny.as_ref().map(|d| d.0.as_str());
        let fields = RequestFields {
            title: input.title.as_deref(),
            details: input.details.as_deref(),
            quantity: input.quantity,
            unit: input.unit.as_deref(),
            target_unit_price_cny: target,
            needed_by: input.needed_by.as_deref(),
            tax_class: input.tax_class.as_deref(),
            preferred_states: input.preferred_states.as_deref(),
        };
        let parsed = sourcing::parse_request(&fields, today_in_china());
        let class_known = match fields.tax_class.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => self.store.tax_class(code).await?.is_some(),
            None => true,
        };
        let draft = match (parsed, class_known) {
            (Ok(draft), true) => draft,
            (Ok(_), false) => return Err(AppError::field("tax_class", "is not a tax class (GET /api/v1/tax-classes)")),
            (Err(mut errors), known) => {
                if !known {
                    errors.push(gateway_core::FieldError::new("tax_class", "is not a tax class"));
                }
                return Err(AppError::Validation(errors));
            }
        };
        if self.store.buyer_profile(who.user_id).await?.is_none() {
            return Err(AppError::refused(
                ErrorCode::BuyerProfileRequired,
                crate::error::RefusalKind::Unprocessable,
                "add a buyer profile (company and contacts) before posting a request",
            ));
        }
        let matches = self.find_matches(&draft).await?;
        let request = NewSourcingRequest {
            id: SourcingRequestId::new(),
            buyer_id: who.user_id,
            draft,
            created_at: gateway_core::clock::now(),
        };
        let stored = self.store.create_sourcing_request(request, matches).await?;
        tracing::info!(sourcing_request.id = %stored.id, "sourcing request posted and matched");
        self.request_view(&stored, Party::Buyer).await
    }

    /// The merchants that best answer `draft`, scored (see the module notes).
    async fn find_matches(&self, draft: &sourcing::SourcingRequestDraft) -> AppResult<Vec<NewMatch>> {
        let query = SearchQuery {
            text: sourcing::search_text(&draft.title),
            tax_class: draft.tax_class.clone(),
            sort: Sort::Relevance,
            limit: CANDIDATE_PRODUCTS,
            ..SearchQuery::default()
        };
        let results = self.on_index(move |index| index.search(&query)).await?;
        let best = results.hits.iter().map(|h| h.score).fold(0.0_f32, f32::max);
        // Per merchant: its best product score and how many products matched.
        let mut by_merchant: BTreeMap<MerchantId, (f32, u32)> = BTreeMap::new();
        for hit in &results.hits {
            let entry = by_merchant.entry(hit.merchant_id).or_insert((0.0, 0));
            entry.0 = entry.0.max(hit.score);
            entry.1 += 1;
        }
        // First what the search and the profile say; the export-ready checklist (a
        // few reads per merchant) only for those it could still lift into the list.
        let mut partial = Vec::new();
        for (merchant_id, (top_score, products)) in by_merchant {
            let Some(merchant) = self.store.merchant(merchant_id).await? else { continue };
            if merchant.status != MerchantStatus::Active {
                continue;
            }
            let signals = MatchSignals {
                relevance: if best > 0.0 { top_score / best } else { 0.0 },
                products,
                class_fit: draft.tax_class.is_some(),
                state_fit: draft.preferred_states.contains(&merchant.profile.state),
                export_done: 0,
                export_applicable: 0,
            };
            partial.push((merchant, signals));
        }
        let points: Vec<(usize, i64)> =
            partial.iter().enumerate().map(|(i, (_, signals))| (i, sourcing::score(signals).points)).collect();
        let contenders: Vec<&(Merchant, MatchSignals)> =
            sourcing::contenders(&points, sourcing::MAX_MATCHES, sourcing::EXPORT_READY_POINTS)
                .into_iter()
                .filter_map(|i| partial.get(i))
                .collect();
        let merchants: Vec<&Merchant> = contenders.iter().map(|(merchant, _)| merchant).collect();
        let classes = self.tax_table().await?;
        let views = self.export_ready_views(&merchants, &classes).await?;
        let mut candidates = Vec::new();
        for ((merchant, signals), view) in contenders.into_iter().zip(views) {
            let mut signals = *signals;
            signals.export_applicable = u32::try_from(view.applicable).unwrap_or(0);
            signals.export_done = u32::try_from(view.done).unwrap_or(0);
            candidates.push(((merchant.id, merchant.owner_id), sourcing::score(&signals)));
        }
        Ok(sourcing::top(candidates, sourcing::MAX_MATCHES)
            .into_iter()
            .map(|((merchant_id, owner), score)| NewMatch {
                merchant_id,
                notify: owner,
                score: score.points,
                reasons: score.reasons,
            })
            .collect())
    }

    /// The caller's part in `request`: its buyer, a merchant matched to it, or an
    /// operator. Anyone else is forbidden.
    async fn sourcing_party(&self, who: &Principal, request: &SourcingRequest) -> AppResult<Party> {
        match who.role {
            Role::Operator => Ok(Party::Operator),
            Role::Consumer if request.buyer_id == who.user_id => Ok(Party::Buyer),
            Role::Merchant => {
                let merchant = self.store.merchant_by_owner(who.user_id).await?;
                match merchant {
                    Some(m) if self.store.sourcing_match(request.id, m.id).await?.is_some() => {
                        Ok(Party::Merchant(m.id))
                    }
                    _ => Err(AppError::Forbidden("this request was not sent to your business")),
                }
            }
            Role::Consumer => Err(AppError::Forbidden("this request belongs to another buyer")),
        }
    }

    async fn sourcing_record(&self, id: SourcingRequestId) -> AppResult<SourcingRequest> {
        self.store.sourcing_request(id).await?.ok_or(AppError::NotFound("sourcing request"))
    }

    async fn request_view(&self, r: &SourcingRequest, party: Party) -> AppResult<SourcingRequestView> {
        let offers = self.store.sourcing_offers(r.id).await?;
        let mut matches = Vec::new();
        for m in self.store.sourcing_matches(r.id).await? {
            if matches!(party, Party::Merchant(own) if own != m.merchant_id) {
                continue;
            }
            let merchant = self.merchant(m.merchant_id).await?;
            let offer = offers.iter().find(|o| o.merchant_id == m.merchant_id).map(offer_view);
            matches.push(match_view(&m, &merchant, offer));
        }
        let buyer = self.store.buyer_profile(r.buyer_id).await?;
        let d = &r.draft;
        Ok(SourcingRequestView {
            id: r.id.to_string(),
            title: d.title.clone(),
            details: d.details.clone(),
            language: d.language.as_str(),
            quantity: d.quantity,
            unit: d.unit.clone(),
            target_unit_price_cny: d.target_unit_price.map(|p| p.to_string()),
            needed_by: d.needed_by.format("%Y-%m-%d").to_string(),
            tax_class: d.tax_class.clone(),
            preferred_states: d.preferred_states.iter().map(|s| s.as_str()).collect(),
            status: r.status.as_str(),
            created_at: r.created_at,
            buyer: buyer.as_ref().map(summary_view),
            matches,
        })
    }

    /// One request: its buyer's, a matched merchant's (with its own match only) or
    /// an operator's.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, sourcing_request.id = %id))]
    pub async fn sourcing_request(&self, who: &Principal, id: SourcingRequestId) -> AppResult<SourcingRequestView> {
        let request = self.sourcing_record(id).await?;
        let party = self.sourcing_party(who, &request).await?;
        self.request_view(&request, party).await
    }

    /// The caller's requests, newest first: a buyer's own, a merchant's matched ones,
    /// every one for an operator.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn sourcing_requests(
        &self,
        who: &Principal,
        page: &PageQuery,
    ) -> AppResult<PageView<SourcingRequestView>> {
        let page = page.to_request()?;
        let (scope, party) = match who.role {
            Role::Operator => (RequestScope::All, Party::Operator),
            Role::Consumer => (RequestScope::Buyer(who.user_id), Party::Buyer),
            Role::Merchant => {
                let merchant =
                    self.store.merchant_by_owner(who.user_id).await?.ok_or(AppError::NotFound("merchant"))?;
                (RequestScope::Merchant(merchant.id), Party::Merchant(merchant.id))
            }
        };
        let found = self.store.sourcing_requests(scope, page).await?;
        let next = found.next.map(|id| id.to_string());
        let mut items = Vec::with_capacity(found.items.len());
        for request in &found.items {
            items.push(self.request_view(request, party).await?);
        }
        Ok(PageView { items, next })
    }

    /// The buyer closes their request: no more offers.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, sourcing_request.id = %id))]
    pub async fn close_sourcing_request(
        &self,
        who: &Principal,
        id: SourcingRequestId,
    ) -> AppResult<SourcingRequestView> {
        let request = self.sourcing_record(id).await?;
        if self.sourcing_party(who, &request).await? != Party::Buyer {
            return Err(AppError::Forbidden("only the request's buyer may close it"));
        }
        let closed = self.store.close_sourcing_request(id, gateway_core::clock::now()).await.map_err(|e| match e {
            StoreError::Stale => AppError::InvalidTransition("the request is already closed".into()),
            other => other.into(),
        })?;
        self.request_view(&closed, Party::Buyer).await
    }

    /// The caller's part in the thread of `request` with `merchant_id`. A merchant
    /// reaches only its own thread; a buyer only threads of their requests.
    async fn thread_party(
        &self,
        who: &Principal,
        request: &SourcingRequest,
        merchant_id: MerchantId,
    ) -> AppResult<(Party, SourcingMatch)> {
        let party = self.sourcing_party(who, request).await?;
        if matches!(party, Party::Merchant(own) if own != merchant_id) {
            return Err(AppError::Forbidden("this thread belongs to another merchant"));
        }
        let found = self.store.sourcing_match(request.id, merchant_id).await?.ok_or(AppError::NotFound("thread"))?;
        Ok((party, found))
    }

    /// A thread: the offer, the messages and, once both accepted, the contacts.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, sourcing_request.id = %id, merchant.id = %merchant_id))]
    pub async fn sourcing_thread(
        &self,
        who: &Principal,
        id: SourcingRequestId,
        merchant_id: MerchantId,
    ) -> AppResult<ThreadView> {
        let request = self.sourcing_record(id).await?;
        let (party, found) = self.thread_party(who, &request, merchant_id).await?;
        self.thread_view(&request, &found, party).await
    }

    async fn thread_view(&self, r: &SourcingRequest, m: &SourcingMatch, party: Party) -> AppResult<ThreadView> {
        let merchant = self.merchant(m.merchant_id).await?;
        let offer = self.store.sourcing_offers(r.id).await?.into_iter().find(|o| o.merchant_id == m.merchant_id);
        let messages = self.store.thread_messages(r.id, m.merchant_id).await?;
        let buyer = self.store.buyer_profile(r.buyer_id).await?;
        let shared = contacts_visible(m.buyer_accepted_at.is_some(), m.merchant_accepted_at.is_some());
        let contacts = match (&buyer, shared) {
            (Some(profile), true) => {
                let email = self.store.user_email(merchant.owner_id).await?.unwrap_or_default();
                Some(ContactsView {
                    buyer: contact_view(profile),
                    buyer_company: profile.profile.company_name.clone(),
                    merchant: MerchantContactView {
                        legal_name: merchant.profile.legal_name.clone(),
                        email,
                        city: merchant.profile.city.clone(),
                        state: merchant.profile.state.as_str(),
                    },
                })
            }
            _ => None,
        };
        Ok(ThreadView {
            request_id: r.id.to_string(),
            request_title: r.draft.title.clone(),
            request_status: r.status.as_str(),
            merchant_id: m.merchant_id.to_string(),
            merchant_name: merchant_name(&merchant),
            buyer: buyer.as_ref().map(summary_view),
            offer: offer.as_ref().map(offer_view),
            messages: messages
                .into_iter()
                .map(|msg| MessageView {
                    id: msg.id.to_string(),
                    side: msg.side.as_str(),
                    body: msg.body,
                    created_at: msg.created_at,
                })
                .collect(),
            buyer_accepted: m.buyer_accepted_at.is_some(),
            merchant_accepted: m.merchant_accepted_at.is_some(),
            you: match party {
                Party::Buyer => Some(Side::Buyer.as_str()),
                Party::Merchant(_) => Some(Side::Merchant.as_str()),
                Party::Operator => None,
            },
            contacts,
        })
    }

    /// Which side the caller writes for, and whom a write notifies (the other side).
    async fn writer(
        &self,
        party: Party,
        r: &SourcingRequest,
        merchant_id: MerchantId,
    ) -> AppResult<(Side, gateway_core::UserId)> {
        match party {
            Party::Buyer => Ok((Side::Buyer, self.merchant(merchant_id).await?.owner_id)),
            Party::Merchant(_) => Ok((Side::Merchant, r.buyer_id)),
            Party::Operator => Err(AppError::Forbidden("operators read threads but do not write in them")),
        }
    }

    /// A matched merchant makes (or revises) its offer on an open request.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, sourcing_request.id = %id))]
    pub async fn make_offer(&self, who: &Principal, id: SourcingRequestId, input: OfferInput) -> AppResult<ThreadView> {
        who.require(Role::Merchant)?;
        let request = self.sourcing_record(id).await?;
        let Party::Merchant(merchant_id) = self.sourcing_party(who, &request).await? else {
            return Err(AppError::Forbidden("only a matched merchant may make an offer"));
        };
        let terms = sourcing::parse_offer(
            input.unit_price_usd.as_ref().map(|d| d.0.as_str()),
            input.quantity,
            input.lead_time_days,
            input.message.as_deref(),
        )?;
        if request.status != RequestStatus::Open {
            return Err(AppError::refused(
                ErrorCode::RequestClosed,
                crate::error::RefusalKind::Conflict,
                "the buyer closed this request; it takes no more offers",
            ));
        }
        let now = gateway_core::clock::now();
        let offer = SourcingOffer { request_id: id, merchant_id, terms, created_at: now, updated_at: now };
        self.store.save_offer(offer, request.buyer_id).await?;
        self.sourcing_thread(who, id, merchant_id).await
    }

    /// Either side writes in a thread.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, sourcing_request.id = %id, merchant.id = %merchant_id))]
    pub async fn post_thread_message(
        &self,
        who: &Principal,
        id: SourcingRequestId,
        merchant_id: MerchantId,
        input: MessageInput,
    ) -> AppResult<ThreadView> {
        let request = self.sourcing_record(id).await?;
        let (party, found) = self.thread_party(who, &request, merchant_id).await?;
        let (side, notify) = self.writer(party, &request, merchant_id).await?;
        let body = sourcing::parse_message(input.body.as_deref())?;
        let message = ThreadMessage {
            id: MessageId::new(),
            request_id: id,
            merchant_id,
            side,
            author_id: who.user_id,
            body,
            created_at: gateway_core::clock::now(),
        };
        self.store.add_thread_message(message, notify).await?;
        self.thread_view(&request, &found, party).await
    }

    /// Either side accepts to share its contact details in this thread; they are
    /// shown to both once both accepted.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, sourcing_request.id = %id, merchant.id = %merchant_id))]
    pub async fn accept_contacts(
        &self,
        who: &Principal,
        id: SourcingRequestId,
        merchant_id: MerchantId,
    ) -> AppResult<ThreadView> {
        let request = self.sourcing_record(id).await?;
        let (party, _) = self.thread_party(who, &request, merchant_id).await?;
        let (side, notify) = self.writer(party, &request, merchant_id).await?;
        let found = self.store.accept_contacts(id, merchant_id, side, notify, gateway_core::clock::now()).await?;
        tracing::info!(sourcing_request.id = %id, merchant.id = %merchant_id, side = side.as_str(), "contacts accepted");
        self.thread_view(&request, &found, party).await
    }

    /// The caller's inbox: newest first, with the unread count.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn notifications(&self, who: &Principal) -> AppResult<NotificationsView> {
        let unread = self.store.unread_notifications(who.user_id).await?;
        let items = self.store.notifications(who.user_id, INBOX_LIMIT).await?;
        Ok(NotificationsView { unread, items: items.into_iter().map(notification_view).collect() })
    }

    /// How many unread notifications the caller has (the portal's nav count).
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn unread_notifications(&self, who: &Principal) -> AppResult<i64> {
        Ok(self.store.unread_notifications(who.user_id).await?)
    }

    /// Marks the caller's notifications read; returns the inbox.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn read_notifications(&self, who: &Principal) -> AppResult<NotificationsView> {
        self.store.mark_notifications_read(who.user_id, gateway_core::clock::now()).await?;
        self.notifications(who).await
    }
}

fn match_view(m: &SourcingMatch, merchant: &Merchant, offer: Option<OfferView>) -> MatchView {
    MatchView {
        merchant_id: m.merchant_id.to_string(),
        merchant_name: merchant_name(merchant),
        state: merchant.profile.state.as_str(),
        position: m.position,
        score: m.score,
        reasons: m.reasons.iter().map(|r| r.as_str()).collect(),
        offer,
        buyer_accepted: m.buyer_accepted_at.is_some(),
        merchant_accepted: m.merchant_accepted_at.is_some(),
    }
}
