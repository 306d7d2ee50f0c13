//! Events in the console: every event with its seats, a form that creates one (with
//! up to [`SESSION_ROWS`] sessions, no JavaScript needed), and an event's page with
//! the check-in form for the door, the registrations by US state and the list of
//! registrations.

use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::{self, OrPage};
use crate::ui::events::EventCard;
use crate::ui::forms::{Field, FormErrors, PageForm};
use crate::ui::shared::choice::{Choice, state_choices};
use crate::ui::shared::format::utc;
use crate::ui::shared::url::query_params;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use gateway_app::events::{CheckInInput, EventInput, RegistrationListQuery, SessionInput};
use gateway_app::input::BilingualInput;
use gateway_app::{AppError, ErrorCode};
use gateway_core::event::UsTimeZone;
use std::collections::HashMap;

/// Session rows of the create form; more can be added through the API.
pub const SESSION_ROWS: usize = 4;

/// One session row of the form, its inputs named as the app's error paths
/// (`sessions[0].starts_at`), so errors land beside them.
pub struct SessionInputs {
    pub index: usize,
    pub title_en: String,
    pub title_zh: String,
    pub starts_at: String,
    pub ends_at: String,
    pub room: String,
    /// Errors of the row, whatever field.
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "operator/events.html")]
pub struct EventsPage<'a> {
    pub c: &'a Ctx,
    pub events: Vec<EventCard>,
    pub fields: Vec<Field>,
    pub description_en: String,
    pub description_zh: String,
    pub states: Vec<Choice>,
    pub zones: Vec<Choice>,
    pub sessions: Vec<SessionInputs>,
    pub errors: FormErrors,
}

pub struct RegistrationRow {
    pub name: String,
    pub business: String,
    pub email: String,
    pub state: String,
    pub kind: String,
    pub status_code: &'static str,
    pub status: String,
    pub position: String,
    pub code: String,
    pub checked_in: String,
}

pub struct StateRow {
    pub code: String,
    pub name: String,
    pub confirmed: i64,
    pub waitlisted: i64,
    pub checked_in: i64,
}

#[derive(Template)]
#[template(path = "operator/event.html")]
pub struct EventPage<'a> {
    pub c: &'a Ctx,
    pub event: EventCard,
    /// "3 of 100 seats taken; 2 on the waitlist".
    pub counts: String,
    pub done: Option<String>,
    pub code: String,
    pub errors: FormErrors,
    pub states: Vec<StateRow>,
    pub total: StateRow,
    pub registrations: Vec<RegistrationRow>,
    pub more: bool,
}

/// A form with only its CSRF token and a code (the check-in form).
#[derive(Debug, Default, serde::Deserialize)]
pub struct CheckInForm {
    pub code: Option<String>,
}

fn text(form: &HashMap<String, String>, key: &str) -> Option<String> {
    form.get(key).map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_string)
}

/// The app's input from the form's fields; an unreadable capacity is its own error.
fn event_input(form: &HashMap<String, String>) -> Result<EventInput, AppError> {
    let capacity = match text(form, "capacity") {
        None => None,
        Some(n) => Some(n.parse::<i64>().map_err(|_| AppError::field("capacity", "must be a whole number"))?),
    };
    let bilingual =
        |key: &str| BilingualInput { en: text(form, &format!("{key}.en")), zh: text(form, &format!("{key}.zh")) };
    let sessions = (0..SESSION_ROWS)
        .map(|i| {
            let key = |f: &str| format!("sessions[{i}].{f}");
            SessionInput {
                title: Some(bilingual(&format!("sessions[{i}].title"))),
                starts_at: text(form, &key("starts_at")),
                ends_at: text(form, &key("ends_at")),
                room: text(form, &key("room")),
            }
        })
        // A row left blank is no session.
        .filter(|s| s.starts_at.is_some() || s.ends_at.is_some() || s.title.as_ref().is_some_and(|t| t.en.is_some()))
        .collect();
    Ok(EventInput {
        title: Some(bilingual("title")),
        description: Some(bilingual("description")),
        venue: Some(gateway_app::events::VenueInput {
            name: text(form, "venue.name"),
            address: text(form, "venue.address"),
            city: text(form, "venue.city"),
            state: text(form, "venue.state"),
        }),
        time_zone: text(form, "time_zone"),
        starts_at: text(form, "starts_at"),
        ends_at: text(form, "ends_at"),
        capacity,
        sessions: Some(sessions),
    })
}

async fn render_list(
    s: &AppState,
    ctx: &Ctx,
    form: HashMap<String, String>,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let who = ctx.require_operator()?;
    let events = s.app.all_events(who).await.or_page(ctx)?;
    let events = events.iter().map(|e| EventCard::new(ctx, e)).collect();
    let value = |k: &str| form.get(k).cloned().unwrap_or_default();
    let fields = vec![
        Field::new("title.en", ctx.t("ev-op-title-en"), value("title.en"), &errors),
        Field { required: false, ..Field::new("title.zh", ctx.t("ev-op-title-zh"), value("title.zh"), &errors) },
        Field::new("venue.name", ctx.t("ev-op-venue-name"), value("venue.name"), &errors),
        Field::new("venue.address", ctx.t("ev-op-venue-address"), value("venue.address"), &errors),
        Field::new("venue.city", ctx.t("ev-op-venue-city"), value("venue.city"), &errors),
        Field::new("starts_at", ctx.t("ev-op-starts"), value("starts_at"), &errors)
            .kind("datetime-local")
            .hint(ctx.t("ev-op-local-hint")),
        Field::new("ends_at", ctx.t("ev-op-ends"), value("ends_at"), &errors).kind("datetime-local"),
        Field::new("capacity", ctx.t("ev-op-capacity"), value("capacity"), &errors).inputmode("numeric"),
    ];
    let zone = form.get("time_zone").cloned().unwrap_or_else(|| "America/Detroit".into());
    let zones = UsTimeZone::all().map(|z| Choice::new(z.name(), z.name().replace('_', " "), &zone)).collect();
    let sessions = (0..SESSION_ROWS)
        .map(|i| {
            let key = |f: &str| value(&format!("sessions[{i}].{f}"));
            let prefix = format!("sessions[{i}]");
            SessionInputs {
                index: i,
                title_en: key("title.en"),
                title_zh: key("title.zh"),
                starts_at: key("starts_at"),
                ends_at: key("ends_at"),
                room: key("room"),
                errors: errors.fields.iter().filter(|(f, _)| f.starts_with(&prefix)).map(|(_, m)| m.clone()).collect(),
            }
        })
        .collect();
    let page = EventsPage {
        c: ctx,
        events,
        fields,
        description_en: value("description.en"),
        description_zh: value("description.zh"),
        states: state_choices(ctx, &value("venue.state")),
        zones,
        sessions,
        errors,
    };
    Ok(ctx.render_status(status, &page))
}

pub async fn list(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    render_list(&s, &ctx, HashMap::new(), FormErrors::default(), StatusCode::OK).await
}

pub async fn create(State(s): State<AppState>, form: PageForm<HashMap<String, String>>) -> PageResult {
    let ctx = form.ctx;
    let who = ctx.require_operator()?.clone();
    let result = match event_input(&form.data) {
        Ok(input) => s.app.create_event(&who, input).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(event) => Ok(ctx.redirect(&format!("/operator/events/{}?done=created", event.id))),
        Err(error) => {
            let errors = FormErrors::from_app(&ctx, error)?;
            render_list(&s, &ctx, form.data, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

async fn render_event(
    s: &AppState,
    ctx: &Ctx,
    id: gateway_core::EventId,
    done: Option<String>,
    code: String,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let who = ctx.require_operator()?;
    let event = s.app.event(id).await.or_page(ctx)?;
    let by_state = s.app.registrations_by_state(who, id).await.or_page(ctx)?;
    let query = RegistrationListQuery { status: None, limit: Some(200), cursor: None };
    let page = s.app.event_registrations(who, id, &query).await.or_page(ctx)?;
    let state_row = |code: String, name: String, c: &gateway_app::events::StateCountView| StateRow {
        code,
        name,
        confirmed: c.confirmed,
        waitlisted: c.waitlisted,
        checked_in: c.checked_in,
    };
    let states = by_state
        .states
        .iter()
        .map(|r| state_row(r.state.clone(), crate::ui::shared::names::state_name(ctx, &r.state), r))
        .collect();
    let registrations = page
        .items
        .iter()
        .map(|r| RegistrationRow {
            name: r.name.clone(),
            business: r.business_name.clone().unwrap_or_default(),
            email: r.email.clone(),
            state: r.state.clone(),
            kind: ctx.t(&format!("ev-kind-{}", r.kind)),
            status_code: r.status,
            status: ctx.t_dynamic(&format!("ev-status-{}", r.status), "op-status-other"),
            position: r.waitlist_position.map(|p| p.to_string()).unwrap_or_default(),
            code: r.check_in_code.clone(),
            checked_in: r.checked_in_at.map(utc).unwrap_or_default(),
        })
        .collect();
    let page_view = EventPage {
        c: ctx,
        counts: ctx.t3(
            "ev-op-counts",
            ("confirmed", &event.confirmed),
            ("capacity", &event.capacity),
            ("waitlisted", &event.waitlisted),
        ),
        event: EventCard::new(ctx, &event),
        done,
        code,
        errors,
        states,
        total: state_row("all".into(), ctx.t("ev-op-total"), &by_state.total),
        registrations,
        more: page.next.is_some(),
    };
    Ok(ctx.render_status(status, &page_view))
}

pub async fn show(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> PageResult {
    let id = errors::page_id(&ctx, &id)?;
    let params = query_params(query.as_deref());
    let done = match (params.get("done").map(String::as_str), params.get("name")) {
        (Some("created"), _) => Some(ctx.t("ev-op-created")),
        (Some("checked_in"), Some(name)) => Some(ctx.t1("ev-op-checked-in", "name", name)),
        _ => None,
    };
    render_event(&s, &ctx, id, done, String::new(), FormErrors::default(), StatusCode::OK).await
}

pub async fn check_in(State(s): State<AppState>, Path(id): Path<String>, form: PageForm<CheckInForm>) -> PageResult {
    let ctx = form.ctx;
    let who = ctx.require_operator()?.clone();
    let id = errors::page_id(&ctx, &id)?;
    let code = form.data.code.unwrap_or_default();
    match s.app.check_in(&who, id, CheckInInput { code: Some(code.clone()) }).await {
        Ok(r) => Ok(ctx.redirect(&format!(
            "/operator/events/{id}?done=checked_in&name={}",
            crate::ui::shared::url::encode(&r.name)
        ))),
        Err(error) => {
            let (message, status) = match &error {
                AppError::NotFound(_) => (ctx.t("ev-op-code-unknown"), StatusCode::NOT_FOUND),
                AppError::Refused(r) if r.code == ErrorCode::EventCheckInRefused => {
                    (ctx.t("ev-op-code-refused"), StatusCode::CONFLICT)
                }
                AppError::Validation(_) => (ctx.t("err-field-code"), StatusCode::UNPROCESSABLE_ENTITY),
                _ => (String::new(), StatusCode::INTERNAL_SERVER_ERROR),
            };
            if message.is_empty() {
                return Err(ctx.fail(error));
            }
            let errors = FormErrors { fields: vec![("code".into(), message)], general: Vec::new() };
            render_event(&s, &ctx, id, None, code, errors, status).await
        }
    }
}
