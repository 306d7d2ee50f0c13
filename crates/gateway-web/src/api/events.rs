//! Events (issue 8): the operator's events, public registration with a waitlist, the
//! registrant's secret manage link (see, cancel, iCalendar), check-in at the door and
//! registrations by US state.

use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{Auth, JsonBody, MaybeAuth, Query, path_id};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gateway_app::events::{
    CheckInInput, EventInput, EventView, RegisterInput, RegistrationCreated, RegistrationDetail, RegistrationListQuery,
    RegistrationView, RegistrationsByStateView,
};
use gateway_app::pagination::PageView;

/// Events that have not ended, by start, with seats left and the waitlist's length.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", responses((status = 200, body = Vec<EventView>)))]
pub async fn list_events(State(s): State<AppState>) -> Result<Json<Vec<EventView>>, ApiError> {
    Ok(Json(s.app.upcoming_events().await?))
}

/// One event: venue, dates (UTC and the venue's local time), sessions, seats left.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", params(("id" = String, Path)),
    responses((status = 200, body = EventView), (status = 404, body = Problem)))]
pub async fn get_event(State(s): State<AppState>, Path(id): Path<String>) -> Result<Json<EventView>, ApiError> {
    Ok(Json(s.app.event(path_id(&id, "event")?).await?))
}

/// Register for an event, signed in or not: `confirmed` while seats last, then
/// `waitlisted` (the waitlist moves up by itself on a cancellation). The answer's
/// `manage_token` is shown once: it reads, cancels and downloads the registration.
/// 409 `event_already_registered` for an address with a live registration, 409
/// `event_registration_closed` once the event has started.
#[utoipa::path(post, path = "/api/v1/events/{id}/registrations", tag = "events", security((), ("bearer" = [])), params(("id" = String, Path)),
    request_body = RegisterInput,
    responses((status = 201, body = RegistrationCreated), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub async fn register(
    State(s): State<AppState>,
    MaybeAuth(who): MaybeAuth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<RegisterInput>,
) -> Result<(StatusCode, Json<RegistrationCreated>), ApiError> {
    let created = s.app.register_for_event(who.as_ref(), path_id(&id, "event")?, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The registration behind a manage token, with its event (status, waitlist position,
/// check-in code).
#[utoipa::path(get, path = "/api/v1/registrations/{token}", tag = "events", params(("token" = String, Path)),
    responses((status = 200, body = RegistrationDetail), (status = 404, body = Problem)))]
pub async fn get_registration(
    State(s): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<RegistrationDetail>, ApiError> {
    Ok(Json(s.app.registration_by_token(&token).await?))
}

/// Cancel the registration behind a manage token (again: unchanged). A confirmed
/// registration's seat goes to the first on the waitlist at once.
#[utoipa::path(post, path = "/api/v1/registrations/{token}/cancel", tag = "events", params(("token" = String, Path)),
    responses((status = 200, body = RegistrationDetail), (status = 404, body = Problem)))]
pub async fn cancel_registration(
    State(s): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<RegistrationDetail>, ApiError> {
    Ok(Json(s.app.cancel_registration(&token).await?))
}

/// The registration's iCalendar file (RFC 5545), to add the event to a calendar.
/// 409 `event_registration_cancelled` once cancelled.
#[utoipa::path(get, path = "/api/v1/registrations/{token}/calendar.ics", tag = "events",
    params(("token" = String, Path)),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = Problem),
              (status = 409, body = Problem)))]
pub async fn registration_calendar(State(s): State<AppState>, Path(token): Path<String>) -> Result<Response, ApiError> {
    let (file_name, text) = s.app.registration_calendar(&token).await?;
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    // The link carries a secret: keep the answer out of shared caches.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}

/// Every event, past ones too (operators).
#[utoipa::path(get, path = "/api/v1/admin/events", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<EventView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn admin_list_events(State(s): State<AppState>, Auth(who): Auth) -> Result<Json<Vec<EventView>>, ApiError> {
    Ok(Json(s.app.all_events(&who).await?))
}

/// Create an event (operators). Times are the venue's local time
/// (`2027-06-20T09:00`, read in `time_zone`) or RFC 3339 with an offset; sessions
/// must lie within the event.
#[utoipa::path(post, path = "/api/v1/admin/events", tag = "admin", request_body = EventInput,
    security(("bearer" = [])),
    responses((status = 201, body = EventView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn create_event(
    State(s): State<AppState>,
    Auth(who): Auth,
    JsonBody(input): JsonBody<EventInput>,
) -> Result<(StatusCode, Json<EventView>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.create_event(&who, input).await?)))
}

/// Replace an event's details (operators). A capacity below the confirmed
/// registrations is 409 `event_capacity_below_confirmed`; a larger one moves the
/// waitlist up.
#[utoipa::path(put, path = "/api/v1/admin/events/{id}", tag = "admin", params(("id" = String, Path)),
    request_body = EventInput, security(("bearer" = [])),
    responses((status = 200, body = EventView), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_event(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<EventInput>,
) -> Result<Json<EventView>, ApiError> {
    Ok(Json(s.app.update_event(&who, path_id(&id, "event")?, input).await?))
}

/// Check a registrant in at the door by their code (operators). Again: the first time
/// stays. 404 for a code the event does not have; 409 `event_check_in_refused` for a
/// waitlisted or cancelled registration.
#[utoipa::path(post, path = "/api/v1/admin/events/{id}/check-in", tag = "admin", params(("id" = String, Path)),
    request_body = CheckInInput, security(("bearer" = [])),
    responses((status = 200, body = RegistrationView), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn check_in(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<CheckInInput>,
) -> Result<Json<RegistrationView>, ApiError> {
    Ok(Json(s.app.check_in(&who, path_id(&id, "event")?, input).await?))
}

/// The event's registrations in registration order, optionally of one status
/// (operators).
#[utoipa::path(get, path = "/api/v1/admin/events/{id}/registrations", tag = "admin",
    params(("id" = String, Path), RegistrationListQuery), security(("bearer" = [])),
    responses((status = 200, body = PageView<RegistrationView>), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list_registrations(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
    Query(query): Query<RegistrationListQuery>,
) -> Result<Json<PageView<RegistrationView>>, ApiError> {
    Ok(Json(s.app.event_registrations(&who, path_id(&id, "event")?, &query).await?))
}

/// Registrations per US state: confirmed, waitlisted and checked in (operators).
#[utoipa::path(get, path = "/api/v1/admin/events/{id}/registrations/by-state", tag = "admin",
    params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = RegistrationsByStateView), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn registrations_by_state(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<Json<RegistrationsByStateView>, ApiError> {
    Ok(Json(s.app.registrations_by_state(&who, path_id(&id, "event")?).await?))
}
