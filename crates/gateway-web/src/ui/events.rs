//! Events (issue 8), the public side: the list of upcoming events (`/events`), an
//! event's page with its programme and the registration form (`/events/{id}`), and
//! the registrant's own page behind their secret link (`/events/registrations/{token}`:
//! status, waitlist position, check-in code, cancel, add to calendar). English by
//! default, like the merchant portal: the people who register are US businesses.

use super::context::{Ctx, PageResult, Text};
use super::errors::{self, OrPage};
use super::forms::{Field, FormErrors, PageForm};
use super::shared::choice::{Choice, state_choices};
use crate::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use gateway_app::events::{EventView, RegisterInput, RegistrationView, calendar_path};
use gateway_app::{AppError, ErrorCode};
use gateway_core::user::Role;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", get(list))
        .route("/events/{id}", get(show))
        .route("/events/{id}/register", post(register))
        .route("/events/registrations/{token}", get(registration))
        .route("/events/registrations/{token}/cancel", post(cancel))
}

/// A local time as the page shows it: 2017-06-20 09:00.
pub fn local(text: &str) -> String {
    text.replace('T', " ")
}

/// An event, as the lists and headers show it.
pub struct EventCard {
    pub id: String,
    pub title: Text,
    pub description: Text,
    /// "2017-06-20 09:00 – 2017-06-21 17:00 (America/Detroit)".
    pub when: String,
    pub venue: String,
    pub capacity: i64,
    pub confirmed: i64,
    pub seats_left: i64,
    pub waitlisted: i64,
    pub checked_in: i64,
    pub open: bool,
    /// "12 seats left" or "Full: 3 on the waitlist".
    pub seats: String,
}

impl EventCard {
    pub fn new(ctx: &Ctx, e: &EventView) -> Self {
        EventCard {
            id: e.id.clone(),
            title: ctx.pick(&e.title.en, e.title.zh.as_deref()),
            description: ctx.pick(&e.description.en, e.description.zh.as_deref()),
            when: ctx.t3(
                "ev-when",
                ("from", &local(&e.local_starts_at)),
                ("to", &local(&e.local_ends_at)),
                ("zone", &e.time_zone),
            ),
            venue: format!("{}, {}, {}, {}", e.venue.name, e.venue.address, e.venue.city, e.venue.state),
            capacity: e.capacity,
            confirmed: e.confirmed,
            seats_left: e.seats_left,
            waitlisted: e.waitlisted,
            checked_in: e.checked_in,
            open: e.registration_open,
            seats: if e.seats_left > 0 {
                ctx.t1("ev-seats-left", "count", e.seats_left)
            } else {
                ctx.t1("ev-full", "count", e.waitlisted)
            },
        }
    }
}

pub struct SessionRow {
    pub title: Text,
    pub when: String,
    pub room: String,
}

#[derive(Template)]
#[template(path = "events/list.html")]
pub struct ListPage<'a> {
    pub c: &'a Ctx,
    pub events: Vec<EventCard>,
}

#[derive(Template)]
#[template(path = "events/show.html")]
pub struct ShowPage<'a> {
    pub c: &'a Ctx,
    pub event: EventCard,
    pub sessions: Vec<SessionRow>,
    pub fields: Vec<Field>,
    pub states: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "events/registration.html")]
pub struct RegistrationPage<'a> {
    pub c: &'a Ctx,
    pub event: EventCard,
    pub r: RegistrationView,
    pub status: String,
    pub token: String,
    pub calendar: String,
    /// Just registered, or just cancelled: what the page says first.
    pub done: Option<String>,
}

/// The registration form, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct RegisterForm {
    pub name: Option<String>,
    pub email: Option<String>,
    pub business_name: Option<String>,
    pub state: Option<String>,
    pub kind: Option<String>,
}

/// A form with nothing but its CSRF token (the cancel button).
#[derive(Debug, Default, Deserialize)]
pub struct NoFields {}

pub async fn list(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let events = s.app.upcoming_events().await.or_page(&ctx)?;
    let events = events.iter().map(|e| EventCard::new(&ctx, e)).collect();
    Ok(ctx.render(&ListPage { c: &ctx, events }))
}

/// What a signed-in merchant's form starts with: their address, business and state.
async fn prefill(s: &AppState, ctx: &Ctx) -> RegisterForm {
    let Some(user) = &ctx.user else { return RegisterForm::default() };
    let mut form = RegisterForm { email: Some(user.email.clone()), ..RegisterForm::default() };
    if user.principal.role == Role::Merchant {
        form.kind = Some("merchant".into());
        if let Ok(m) = s.app.my_merchant(&user.principal).await {
            form.business_name = Some(m.legal_name);
            form.state = Some(m.state.to_string());
        }
    }
    form
}

async fn render_show(
    s: &AppState,
    ctx: &Ctx,
    id: gateway_core::EventId,
    form: RegisterForm,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let e = s.app.event(id).await.or_page(ctx)?;
    let sessions = e
        .sessions
        .iter()
        .map(|x| SessionRow {
            title: ctx.pick(&x.title.en, x.title.zh.as_deref()),
            when: format!("{} – {}", local(&x.local_starts_at), x.local_ends_at.get(11..).unwrap_or_default()),
            room: x.room.clone().unwrap_or_default(),
        })
        .collect();
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let fields = vec![
        Field::new("name", ctx.t("ev-name"), value(&form.name), &errors).autocomplete("name"),
        Field::new("email", ctx.t("auth-email"), value(&form.email), &errors).kind("email").autocomplete("email"),
        Field {
            required: false,
            ..Field::new("business_name", ctx.t("ev-business"), value(&form.business_name), &errors)
        }
        .autocomplete("organization"),
    ];
    let kind = form.kind.clone().unwrap_or_else(|| "prospect".into());
    let kinds =
        ["merchant", "prospect"].iter().map(|k| Choice::new(*k, ctx.t(&format!("ev-kind-{k}")), &kind)).collect();
    let page = ShowPage {
        c: ctx,
        event: EventCard::new(ctx, &e),
        sessions,
        fields,
        states: state_choices(ctx, &value(&form.state)),
        kinds,
        errors,
    };
    Ok(ctx.render_status(status, &page))
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = errors::page_id(&ctx, &id)?;
    let form = prefill(&s, &ctx).await;
    render_show(&s, &ctx, id, form, FormErrors::default(), StatusCode::OK).await
}

fn text(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

pub async fn register(State(s): State<AppState>, Path(id): Path<String>, form: PageForm<RegisterForm>) -> PageResult {
    let ctx = form.ctx;
    let id = errors::page_id(&ctx, &id)?;
    let f = form.data;
    let input = RegisterInput {
        name: text(&f.name),
        email: text(&f.email),
        business_name: text(&f.business_name),
        state: text(&f.state),
        kind: text(&f.kind),
    };
    match s.app.register_for_event(ctx.principal(), id, input).await {
        Ok(created) => Ok(ctx.redirect(&format!("{}?done=registered", created.manage_path))),
        Err(AppError::Refused(r)) if r.code == ErrorCode::EventAlreadyRegistered => {
            let errors = FormErrors {
                fields: vec![("email".into(), ctx.t("ev-already-registered"))],
                general: vec![ctx.t("form-has-errors")],
            };
            render_show(&s, &ctx, id, f, errors, StatusCode::CONFLICT).await
        }
        Err(error) => {
            let status = match &error {
                AppError::Refused(_) => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let errors = FormErrors::from_app(&ctx, error)?;
            render_show(&s, &ctx, id, f, errors, status).await
        }
    }
}

pub async fn registration(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
) -> PageResult {
    let detail = s.app.registration_by_token(&token).await.or_page(&ctx)?;
    let params = super::shared::url::query_params(query.as_deref());
    let done = match params.get("done").map(String::as_str) {
        Some("registered") => Some(ctx.t("ev-done-registered")),
        Some("cancelled") => Some(ctx.t("ev-done-cancelled")),
        _ => None,
    };
    let r = detail.registration;
    let status = ctx.t_dynamic(&format!("ev-status-{}", r.status), "op-status-other");
    let page = RegistrationPage {
        c: &ctx,
        event: EventCard::new(&ctx, &detail.event),
        status,
        calendar: calendar_path(&token),
        token,
        r,
        done,
    };
    Ok(ctx.render(&page))
}

pub async fn cancel(State(s): State<AppState>, Path(token): Path<String>, form: PageForm<NoFields>) -> PageResult {
    let ctx = form.ctx;
    s.app.cancel_registration(&token).await.or_page(&ctx)?;
    Ok(ctx.redirect(&format!("{}?done=cancelled", gateway_app::events::manage_path(&token))))
}

#[cfg(test)]
mod tests {
    use super::super::i18n::{Locale, has};
    use gateway_core::event::{RegistrationKind, RegistrationStatus};

    /// The keys the events pages build at run time exist in both languages.
    #[test]
    fn keys_built_at_run_time_exist() {
        let mut keys: Vec<String> = RegistrationStatus::CODES.iter().map(|c| format!("ev-status-{c}")).collect();
        keys.extend(RegistrationKind::CODES.iter().map(|c| format!("ev-kind-{c}")));
        for code in [
            "event_registration_closed",
            "event_already_registered",
            "event_capacity_below_confirmed",
            "event_check_in_refused",
            "event_registration_cancelled",
        ] {
            keys.push(format!("problem-{code}"));
        }
        for field in ["name", "business_name", "venue-name", "venue-state", "time_zone", "starts_at", "capacity"] {
            keys.push(format!("err-field-{field}"));
        }
        for locale in Locale::ALL {
            for key in &keys {
                assert!(has(locale, key), "{} has no {key}", locale.tag());
            }
        }
    }

    #[test]
    fn local_times_lose_their_t() {
        assert_eq!(super::local("2017-06-20T09:00"), "2017-06-20 09:00");
    }
}
