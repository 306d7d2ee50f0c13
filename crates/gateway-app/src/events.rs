//! Events (issue 8): the operator creates conferences such as the two-day Detroit
//! one; merchants and prospects register (confirmed while seats last, then
//! waitlisted); a registrant sees, cancels and downloads their registration with the
//! secret link they were given; the operator checks people in at the door by their
//! code and sees registrations by US state.
//!
//! The rules are gateway-core's `event`; the seat counting is the store's, one
//! transaction per registration or cancellation.

use crate::error::RefusalKind;
use crate::input::BilingualInput;
use crate::pagination::{PageQuery, PageView};
use crate::products::TextView;
use crate::{App, AppError, AppResult, ErrorCode, Principal};
use base64::Engine;
use chrono::{DateTime, NaiveDateTime, Utc};
use gateway_core::event::ical::{CalendarEntry, calendar};
use gateway_core::event::{
    CheckInCode, EventDetails, EventSession, RegistrationKind, RegistrationStatus, UsTimeZone, parse_capacity,
};
use gateway_core::merchant::UsState;
use gateway_core::text::bounded;
use gateway_core::user::{Email, Role};
use gateway_core::{EventId, RegistrationId, Validation};
use gateway_store::{Event, NewEvent, NewRegistration, Registration, StoreError};
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// The most events a list shows (Gateway holds a handful a year).
pub const MAX_EVENTS_LISTED: u32 = 200;
const MAX_TITLE: usize = 200;
const MAX_DESCRIPTION: usize = 10_000;
const MAX_NAME: usize = 200;

/// Where an event is held, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct VenueInput {
    pub name: Option<String>,
    /// Street address.
    pub address: Option<String>,
    pub city: Option<String>,
    /// USPS code, e.g. MI.
    pub state: Option<String>,
}

/// One session of the programme, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SessionInput {
    pub title: Option<BilingualInput>,
    /// The venue's local time (2027-06-20T09:00) or RFC 3339 with an offset.
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub room: Option<String>,
}

/// An event as the operator creates or replaces it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EventInput {
    pub title: Option<BilingualInput>,
    pub description: Option<BilingualInput>,
    pub venue: Option<VenueInput>,
    /// IANA name of the venue's US time zone, e.g. America/Detroit.
    pub time_zone: Option<String>,
    /// The venue's local time (2027-06-20T09:00) or RFC 3339 with an offset.
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    /// Seats, 1 to 100000.
    pub capacity: Option<i64>,
    pub sessions: Option<Vec<SessionInput>>,
}

/// A registration as sent by a merchant or a prospect.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RegisterInput {
    pub name: Option<String>,
    pub email: Option<String>,
    pub business_name: Option<String>,
    /// USPS code of the business's state, e.g. IA.
    pub state: Option<String>,
    /// merchant or prospect; a signed-in merchant account defaults to merchant, anyone
    /// else to prospect.
    pub kind: Option<String>,
}

/// Which registrations of an event to list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegistrationListQuery {
    /// confirmed, waitlisted or cancelled; all when absent.
    pub status: Option<String>,
    /// At most this many items (1–200, default 50).
    pub limit: Option<u32>,
    /// The `next` value of the previous page.
    pub cursor: Option<String>,
}

/// A check-in at the door.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CheckInInput {
    /// The registrant's 8-character code (case, spaces and dashes do not matter).
    pub code: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VenueView {
    pub name: String,
    pub address: String,
    pub city: String,
    pub state: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub title: TextView,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// At the venue, e.g. 2017-06-20T09:00.
    pub local_starts_at: String,
    pub local_ends_at: String,
    pub room: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub id: String,
    pub title: TextView,
    pub description: TextView,
    pub venue: VenueView,
    pub time_zone: &'static str,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// At the venue, e.g. 2017-06-20T09:00.
    pub local_starts_at: String,
    pub local_ends_at: String,
    pub capacity: i64,
    pub confirmed: i64,
    pub seats_left: i64,
    /// How many wait for a seat.
    pub waitlisted: i64,
    pub checked_in: i64,
    /// Registrations are taken until the event starts (on the waitlist when full).
    pub registration_open: bool,
    pub sessions: Vec<SessionView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegistrationView {
    pub id: String,
    pub event_id: String,
    pub name: String,
    pub email: String,
    pub business_name: Option<String>,
    pub state: String,
    /// merchant or prospect.
    pub kind: &'static str,
    /// confirmed, waitlisted or cancelled.
    pub status: &'static str,
    /// 1 for the next to get a seat; waitlisted registrations only.
    pub waitlist_position: Option<i64>,
    /// Shown at the door.
    pub check_in_code: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// When it moved up from the waitlist.
    pub promoted_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A new registration and the secret that manages it (shown once, never stored).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegistrationCreated {
    pub registration: RegistrationView,
    /// Keep it: it shows, cancels and downloads the registration.
    pub manage_token: String,
    /// The registration's page.
    pub manage_path: String,
    /// Its iCalendar file.
    pub calendar_path: String,
}

/// A registration with its event, as the registrant sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegistrationDetail {
    pub registration: RegistrationView,
    pub event: EventView,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StateCountView {
    pub state: String,
    pub confirmed: i64,
    pub waitlisted: i64,
    pub checked_in: i64,
}

/// Registrations of an event per US state, and in all.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegistrationsByStateView {
    pub event_id: String,
    pub states: Vec<StateCountView>,
    pub total: StateCountView,
}

/// The manage link's secret: `evr_` and 32 random bytes.
fn new_manage_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = format!("evr_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let hash = crate::auth::hash_token(&token);
    (token, hash)
}

fn new_check_in_code() -> CheckInCode {
    let mut bytes = [0u8; gateway_core::event::CHECK_IN_CODE_LEN];
    rand::rng().fill_bytes(&mut bytes);
    CheckInCode::from_random(bytes)
}

/// Where a registration is managed: pages and API share the token.
pub fn manage_path(token: &str) -> String {
    format!("/events/registrations/{token}")
}

pub fn calendar_path(token: &str) -> String {
    format!("/api/v1/registrations/{token}/calendar.ics")
}

const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// A time as the venue's clock reads it.
pub fn local_text(zone: UsTimeZone, at: DateTime<Utc>) -> String {
    zone.local(at).format(LOCAL_FORMAT).to_string()
}

const TIME_MESSAGE: &str =
    "must be a date and time such as 2027-06-20T09:00 (the venue's local time) or RFC 3339 with an offset";

/// RFC 3339 with an offset, or a local time at the venue (the console's inputs). With
/// no valid zone, only RFC 3339 can be read; `Ok(None)` then means "cannot tell yet".
fn parse_time(text: &str, zone: Option<UsTimeZone>) -> Result<Option<DateTime<Utc>>, &'static str> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(at.with_timezone(&Utc)));
    }
    let local = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .ok_or(TIME_MESSAGE)?;
    Ok(zone.map(|z| z.to_utc(local)))
}

fn optional_text(raw: Option<&str>, max: usize, field: &str, v: &mut Validation) -> Option<Option<String>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(s) => v.check(field, bounded(s, max, false)).map(Some),
    }
}

/// A required time field; `Some(None)` when it could not be placed for want of a zone.
fn time_field(
    raw: Option<&str>,
    field: &str,
    zone: Option<UsTimeZone>,
    v: &mut Validation,
) -> Option<Option<DateTime<Utc>>> {
    v.required(field, raw, |s| parse_time(s, zone))
}

impl EventInput {
    /// Every field at fault at once, then the rules between fields.
    pub fn parse(&self) -> Result<EventDetails, AppError> {
        let mut v = Validation::new();
        let empty = BilingualInput::default();
        let title = self.title.as_ref().unwrap_or(&empty).parse("title", MAX_TITLE, false, &mut v);
        let description =
            self.description.as_ref().unwrap_or(&empty).parse("description", MAX_DESCRIPTION, true, &mut v);
        let venue = self.venue.clone().unwrap_or_default();
        let venue_name = v.required("venue.name", venue.name.as_deref(), |s| bounded(s, MAX_NAME, false));
        let venue_address = v.required("venue.address", venue.address.as_deref(), |s| bounded(s, MAX_NAME, false));
        let city = v.required("venue.city", venue.city.as_deref(), |s| bounded(s, 100, false));
        let state = v.required("venue.state", venue.state.as_deref(), |s| UsState::parse(s.trim()));
        let zone = v.required("time_zone", self.time_zone.as_deref(), UsTimeZone::parse);
        let starts_at = time_field(self.starts_at.as_deref(), "starts_at", zone, &mut v);
        let ends_at = time_field(self.ends_at.as_deref(), "ends_at", zone, &mut v);
        let capacity = v.required("capacity", self.capacity, parse_capacity);
        let mut sessions = Vec::new();
        for (i, s) in self.sessions.iter().flatten().enumerate() {
            let title =
                s.title.as_ref().unwrap_or(&empty).parse(&format!("sessions[{i}].title"), MAX_TITLE, false, &mut v);
            let starts = time_field(s.starts_at.as_deref(), &format!("sessions[{i}].starts_at"), zone, &mut v);
            let ends = time_field(s.ends_at.as_deref(), &format!("sessions[{i}].ends_at"), zone, &mut v);
            let room = optional_text(s.room.as_deref(), 100, &format!("sessions[{i}].room"), &mut v);
            if let (Some(title), Some(Some(starts_at)), Some(Some(ends_at)), Some(room)) = (title, starts, ends, room) {
                sessions.push(EventSession { title_en: title.en, title_zh: title.zh, starts_at, ends_at, room });
            }
        }
        let details = v.finish(|| {
            let (title, description) = (title?, description?);
            Some(EventDetails {
                title_en: title.en,
                title_zh: title.zh,
                description_en: description.en,
                description_zh: description.zh,
                venue_name: venue_name?,
                venue_address: venue_address?,
                city: city?,
                state: state?,
                time_zone: zone?,
                starts_at: starts_at??,
                ends_at: ends_at??,
                capacity: capacity?,
                sessions,
            })
        })?;
        Ok(details.check()?)
    }
}

fn text_view(en: &str, zh: Option<&str>) -> TextView {
    TextView { en: en.to_string(), zh: zh.map(str::to_string) }
}

impl EventView {
    pub fn new(e: &Event, now: DateTime<Utc>) -> Self {
        let d = &e.details;
        let zone = d.time_zone;
        EventView {
            id: e.id.to_string(),
            title: text_view(&d.title_en, d.title_zh.as_deref()),
            description: text_view(&d.description_en, d.description_zh.as_deref()),
            venue: VenueView {
                name: d.venue_name.clone(),
                address: d.venue_address.clone(),
                city: d.city.clone(),
                state: d.state.as_str().to_string(),
            },
            time_zone: zone.name(),
            starts_at: d.starts_at,
            ends_at: d.ends_at,
            local_starts_at: local_text(zone, d.starts_at),
            local_ends_at: local_text(zone, d.ends_at),
            capacity: d.capacity,
            confirmed: e.confirmed,
            seats_left: e.seats_left(),
            waitlisted: e.waitlisted,
            checked_in: e.checked_in,
            registration_open: now < d.starts_at,
            sessions: d
                .sessions
                .iter()
                .map(|s| SessionView {
                    title: text_view(&s.title_en, s.title_zh.as_deref()),
                    starts_at: s.starts_at,
                    ends_at: s.ends_at,
                    local_starts_at: local_text(zone, s.starts_at),
                    local_ends_at: local_text(zone, s.ends_at),
                    room: s.room.clone(),
                })
                .collect(),
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

impl From<&Registration> for RegistrationView {
    fn from(r: &Registration) -> Self {
        RegistrationView {
            id: r.id.to_string(),
            event_id: r.event_id.to_string(),
            name: r.name.clone(),
            email: r.email.clone(),
            business_name: r.business_name.clone(),
            state: r.state.as_str().to_string(),
            kind: r.kind.as_str(),
            status: r.status.as_str(),
            waitlist_position: r.waitlist_position,
            check_in_code: r.check_in_code.as_str().to_string(),
            checked_in_at: r.checked_in_at,
            promoted_at: r.promoted_at,
            cancelled_at: r.cancelled_at,
            created_at: r.created_at,
        }
    }
}

/// The calendar entry of a registration: the event, its programme in the description.
pub fn calendar_entry(event: &Event, registration: &Registration, stamp: DateTime<Utc>) -> CalendarEntry {
    let d = &event.details;
    let mut description = d.description_en.clone();
    if registration.status == RegistrationStatus::Waitlisted {
        description.push_str(&format!(
            "\n\nYou are on the waitlist (position {}).",
            registration.waitlist_position.unwrap_or_default()
        ));
    }
    if !d.sessions.is_empty() {
        description.push_str(&format!("\n\nProgramme ({} time):", d.time_zone.name()));
        for s in &d.sessions {
            let room = s.room.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
            description.push_str(&format!(
                "\n{} – {}  {}{room}",
                local_text(d.time_zone, s.starts_at).replace('T', " "),
                d.time_zone.local(s.ends_at).format("%H:%M"),
                s.title_en
            ));
        }
    }
    description.push_str(&format!("\n\nCheck-in code: {}", registration.check_in_code.as_str()));
    let summary = match &d.title_zh {
        Some(zh) => format!("{} / {zh}", d.title_en),
        None => d.title_en.clone(),
    };
    CalendarEntry {
        uid: format!("{}@gateway-events", registration.id),
        stamp,
        starts_at: d.starts_at,
        ends_at: d.ends_at,
        summary,
        location: d.location(),
        description,
        url: None,
    }
}

fn capacity_refusal() -> AppError {
    AppError::refused(
        ErrorCode::EventCapacityBelowConfirmed,
        RefusalKind::Conflict,
        "the capacity is below the registrations already confirmed",
    )
    .with(|r| r.field = Some("capacity".into()))
}

impl App {
    /// The operator creates an event.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn create_event(&self, who: &Principal, input: EventInput) -> AppResult<EventView> {
        who.require(Role::Operator)?;
        let details = input.parse()?;
        let now = gateway_core::clock::now();
        let event = self
            .store
            .create_event(NewEvent { id: EventId::new(), details, created_by: who.user_id, created_at: now })
            .await?;
        tracing::info!(event.id = %event.id, "event created");
        Ok(EventView::new(&event, now))
    }

    /// The operator replaces an event's details. A capacity below the confirmed
    /// registrations is refused; a larger one moves the waitlist up.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, event.id = %id))]
    pub async fn update_event(&self, who: &Principal, id: EventId, input: EventInput) -> AppResult<EventView> {
        who.require(Role::Operator)?;
        let details = input.parse()?;
        let now = gateway_core::clock::now();
        let event = self.store.update_event(id, details, now).await.map_err(|e| match e {
            StoreError::NotFound => AppError::NotFound("event"),
            StoreError::Conflict("capacity") => capacity_refusal(),
            other => other.into(),
        })?;
        tracing::info!(event.id = %id, "event updated");
        Ok(EventView::new(&event, now))
    }

    /// Events that have not ended, by start: the public list.
    #[tracing::instrument(skip_all)]
    pub async fn upcoming_events(&self) -> AppResult<Vec<EventView>> {
        let now = gateway_core::clock::now();
        let events = self.store.list_events(Some(now), MAX_EVENTS_LISTED).await?;
        Ok(events.iter().map(|e| EventView::new(e, now)).collect())
    }

    /// Every event, past ones too: the operator's list.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn all_events(&self, who: &Principal) -> AppResult<Vec<EventView>> {
        who.require(Role::Operator)?;
        let now = gateway_core::clock::now();
        let events = self.store.list_events(None, MAX_EVENTS_LISTED).await?;
        Ok(events.iter().map(|e| EventView::new(e, now)).collect())
    }

    async fn stored_event(&self, id: EventId) -> AppResult<Event> {
        self.store.event(id).await?.ok_or(AppError::NotFound("event"))
    }

    #[tracing::instrument(skip_all, fields(event.id = %id))]
    pub async fn event(&self, id: EventId) -> AppResult<EventView> {
        Ok(EventView::new(&self.stored_event(id).await?, gateway_core::clock::now()))
    }

    /// Registers for an event: anyone, signed in or not (a signed-in account is linked
    /// to the registration). Confirmed while seats last, then waitlisted. Closed once
    /// the event has started; one live registration per e-mail address.
    #[tracing::instrument(skip_all, fields(user.id = ?who.map(|w| w.user_id), event.id = %id))]
    pub async fn register_for_event(
        &self,
        who: Option<&Principal>,
        id: EventId,
        input: RegisterInput,
    ) -> AppResult<RegistrationCreated> {
        let event = self.stored_event(id).await?;
        let mut v = Validation::new();
        let name = v.required("name", input.name.as_deref(), |s| bounded(s, MAX_NAME, false));
        let email = v.required("email", input.email.as_deref(), Email::parse);
        let business_name = optional_text(input.business_name.as_deref(), MAX_NAME, "business_name", &mut v);
        let state = v.required("state", input.state.as_deref(), |s| UsState::parse(s.trim()));
        let default_kind = match who {
            Some(p) if p.role == Role::Merchant => RegistrationKind::Merchant,
            _ => RegistrationKind::Prospect,
        };
        let kind = match input.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(default_kind),
            Some(k) => v.check("kind", RegistrationKind::parse(k)),
        };
        let (name, email, business_name, state, kind) =
            v.finish(|| Some((name?, email?, business_name?, state?, kind?)))?;
        let now = gateway_core::clock::now();
        if now >= event.details.starts_at {
            return Err(AppError::refused(
                ErrorCode::EventRegistrationClosed,
                RefusalKind::Conflict,
                "registration closed when the event started",
            ));
        }
        let (token, token_hash) = new_manage_token();
        // A drawn check-in code may already be the event's (one in 10^12): draw again.
        let mut attempts = 0;
        let registration = loop {
            attempts += 1;
            let new = NewRegistration {
                id: RegistrationId::new(),
                event_id: id,
                name: name.clone(),
                email: email.clone(),
                business_name: business_name.clone(),
                state,
                kind,
                user_id: who.map(|p| p.user_id),
                manage_token_hash: token_hash.clone(),
                check_in_code: new_check_in_code(),
                created_at: now,
            };
            match self.store.register(new).await {
                Err(StoreError::Conflict("check_in_code")) if attempts < 5 => continue,
                Err(StoreError::Conflict("email")) => {
                    return Err(AppError::refused(
                        ErrorCode::EventAlreadyRegistered,
                        RefusalKind::Conflict,
                        "this e-mail address is already registered for the event",
                    )
                    .with(|r| r.field = Some("email".into())));
                }
                Err(StoreError::NotFound) => return Err(AppError::NotFound("event")),
                other => break other?,
            }
        };
        tracing::info!(event.id = %id, registration.id = %registration.id, status = registration.status.as_str(),
            "event registration");
        Ok(RegistrationCreated {
            registration: RegistrationView::from(&registration),
            manage_path: manage_path(&token),
            calendar_path: calendar_path(&token),
            manage_token: token,
        })
    }

    async fn registration_and_event(&self, token: &str) -> AppResult<(Registration, Event)> {
        let registration = self
            .store
            .registration_by_token(&crate::auth::hash_token(token))
            .await?
            .ok_or(AppError::NotFound("registration"))?;
        let event = self.stored_event(registration.event_id).await?;
        Ok((registration, event))
    }

    /// The registration behind a manage token, with its event.
    #[tracing::instrument(skip_all)]
    pub async fn registration_by_token(&self, token: &str) -> AppResult<RegistrationDetail> {
        let (registration, event) = self.registration_and_event(token).await?;
        Ok(RegistrationDetail {
            registration: RegistrationView::from(&registration),
            event: EventView::new(&event, gateway_core::clock::now()),
        })
    }

    /// Cancels the registration behind a manage token (again: no change). Its seat
    /// goes to the first on the waitlist.
    #[tracing::instrument(skip_all)]
    pub async fn cancel_registration(&self, token: &str) -> AppResult<RegistrationDetail> {
        let now = gateway_core::clock::now();
        let registration =
            self.store.cancel_registration(&crate::auth::hash_token(token), now).await.map_err(|e| match e {
                StoreError::NotFound => AppError::NotFound("registration"),
                other => other.into(),
            })?;
        tracing::info!(registration.id = %registration.id, "event registration cancelled");
        let event = self.stored_event(registration.event_id).await?;
        Ok(RegistrationDetail {
            registration: RegistrationView::from(&registration),
            event: EventView::new(&event, now),
        })
    }

    /// The iCalendar file of a live registration: (file name, content).
    #[tracing::instrument(skip_all)]
    pub async fn registration_calendar(&self, token: &str) -> AppResult<(String, String)> {
        let (registration, event) = self.registration_and_event(token).await?;
        if registration.status == RegistrationStatus::Cancelled {
            return Err(AppError::refused(
                ErrorCode::EventRegistrationCancelled,
                RefusalKind::Conflict,
                "the registration was cancelled",
            ));
        }
        let entry = calendar_entry(&event, &registration, gateway_core::clock::now());
        Ok((format!("event-{}.ics", event.id), calendar(&entry)))
    }

    /// The operator checks a registrant in at the door by their code. Again: the first
    /// check-in time stays. Waitlisted and cancelled registrations are refused.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, event.id = %id))]
    pub async fn check_in(&self, who: &Principal, id: EventId, input: CheckInInput) -> AppResult<RegistrationView> {
        who.require(Role::Operator)?;
        let mut v = Validation::new();
        let code = v.required("code", input.code.as_deref(), CheckInCode::parse);
        let code = v.finish(|| code)?;
        self.stored_event(id).await?;
        let outcome = self.store.check_in(id, &code, gateway_core::clock::now()).await.map_err(|e| match e {
            StoreError::NotFound => AppError::NotFound("registration"),
            other => other.into(),
        })?;
        match outcome {
            Ok(registration) => {
                tracing::info!(event.id = %id, registration.id = %registration.id, "checked in");
                Ok(RegistrationView::from(&registration))
            }
            Err(refused) => Err(AppError::refused(
                ErrorCode::EventCheckInRefused,
                RefusalKind::Conflict,
                format!("the registration is {}, not confirmed", refused.registration.status),
            )
            .with(|r| r.field = Some("code".into()))),
        }
    }

    /// The event's registrations in registration order, optionally of one status.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, event.id = %id))]
    pub async fn event_registrations(
        &self,
        who: &Principal,
        id: EventId,
        query: &RegistrationListQuery,
    ) -> AppResult<PageView<RegistrationView>> {
        who.require(Role::Operator)?;
        let status = match query.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(RegistrationStatus::parse(s).map_err(|m| AppError::field("status", m))?),
        };
        let request = PageQuery { limit: query.limit, cursor: query.cursor.clone() }.to_request()?;
        self.stored_event(id).await?;
        let page = self.store.registrations(id, status, request).await?;
        Ok(PageView::from_page(page, |r| RegistrationView::from(&r)))
    }

    /// Registrations per US state (cancelled ones left out), and the totals.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, event.id = %id))]
    pub async fn registrations_by_state(&self, who: &Principal, id: EventId) -> AppResult<RegistrationsByStateView> {
        who.require(Role::Operator)?;
        self.stored_event(id).await?;
        let rows = self.store.registrations_by_state(id).await?;
        let total = StateCountView {
            state: "all".into(),
            confirmed: rows.iter().map(|r| r.confirmed).sum(),
            waitlisted: rows.iter().map(|r| r.waitlisted).sum(),
            checked_in: rows.iter().map(|r| r.checked_in).sum(),
        };
        Ok(RegistrationsByStateView {
            event_id: id.to_string(),
            states: rows
                .into_iter()
                .map(|r| StateCountView {
                    state: r.state.as_str().to_string(),
                    confirmed: r.confirmed,
                    waitlisted: r.waitlisted,
                    checked_in: r.checked_in,
                })
                .collect(),
            total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EventInput {
        serde_json::from_value(serde_json::json!({
            "title": {"en": "Gateway 17", "zh": "门户17"},
            "description": {"en": "Two days on selling to China."},
            "venue": {"name": "Cobo Center", "address": "1 Washington Blvd", "city": "Detroit", "state": "MI"},
            "time_zone": "America/Detroit",
            "starts_at": "2017-06-20T09:00",
            "ends_at": "2017-06-21T17:00:00-04:00",
            "capacity": 1000,
            "sessions": [{"title": {"en": "Keynote"}, "starts_at": "2017-06-20T09:00", "ends_at": "2017-06-20T10:00",
                          "room": "Hall A"}]
        }))
        .unwrap()
    }

    #[test]
    fn local_times_are_read_in_the_venue_zone() {
        let d = input().parse().unwrap();
        assert_eq!(d.starts_at.to_rfc3339(), "2017-06-20T13:00:00+00:00");
        assert_eq!(d.ends_at.to_rfc3339(), "2017-06-21T21:00:00+00:00");
        assert_eq!(d.sessions[0].room.as_deref(), Some("Hall A"));
    }

    #[test]
    fn every_field_at_fault_is_named() {
        let mut i = input();
        i.time_zone = Some("Europe/Paris".into());
        i.capacity = Some(0);
        i.venue.as_mut().unwrap().state = Some("XX".into());
        i.sessions.as_mut().unwrap()[0].ends_at = Some("tomorrow".into());
        let Err(AppError::Validation(errors)) = i.parse() else { panic!("expected a validation error") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["venue.state", "time_zone", "capacity", "sessions[0].ends_at"]);

        let mut i = input();
        i.ends_at = Some("2017-06-19T09:00".into());
        let Err(AppError::Validation(errors)) = i.parse() else { panic!("expected a validation error") };
        assert_eq!(errors[0].field, "ends_at");
    }

    #[test]
    fn manage_tokens_and_codes_are_random() {
        let (a, ha) = new_manage_token();
        let (b, _) = new_manage_token();
        assert!(a.starts_with("evr_") && a != b && a.len() > 40);
        assert_eq!(ha, crate::auth::hash_token(&a));
        assert_ne!(new_check_in_code(), new_check_in_code());
    }
}
