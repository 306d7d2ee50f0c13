//! Buyer matchmaking (issue 8): buyer profiles, sourcing requests matched to
//! merchants, offers, threads and the notifications inbox. Contact details appear in
//! a thread only once both of its sides accepted to share them.

use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{Auth, JsonBody, Query, path_id};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use gateway_app::pagination::{PageQuery, PageView};
use gateway_app::sourcing::{
    BuyerProfileInput, BuyerProfileView, MessageInput, NotificationsView, OfferInput, SourcingRequestInput,
    SourcingRequestView, ThreadView,
};

/// The signed-in consumer's buyer profile (company, kind, place, contacts).
#[utoipa::path(get, path = "/api/v1/me/buyer-profile", tag = "sourcing", security(("bearer" = [])),
    responses((status = 200, body = BuyerProfileView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn get_buyer_profile(State(s): State<AppState>, Auth(who): Auth) -> Result<Json<BuyerProfileView>, ApiError> {
    Ok(Json(s.app.buyer_profile(&who).await?))
}

/// Creates or replaces the signed-in consumer's buyer profile: a business that buys in
/// bulk (distributor, importer or shop) signs up as a consumer and adds this. Its
/// contacts are shown to a merchant only once both sides of their thread accepted.
#[utoipa::path(put, path = "/api/v1/me/buyer-profile", tag = "sourcing", request_body = BuyerProfileInput,
    security(("bearer" = [])),
    responses((status = 200, body = BuyerProfileView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn put_buyer_profile(
    State(s): State<AppState>,
    Auth(who): Auth,
    JsonBody(input): JsonBody<BuyerProfileInput>,
) -> Result<Json<BuyerProfileView>, ApiError> {
    Ok(Json(s.app.save_buyer_profile(&who, input).await?))
}

/// A buyer posts a sourcing request in Chinese or English. Gateway searches the
/// catalog for its title (without buying words and quantities), filtered by the tax
/// class when given, groups the products by merchant, scores each active merchant
/// (relevance, several products, class, preferred state, export-ready checklist),
/// stores the best ten with their reasons and notifies them (inbox and a
/// `sourcing.matched` outbox event). 422 `buyer_profile_required` without a profile.
#[utoipa::path(post, path = "/api/v1/sourcing-requests", tag = "sourcing", request_body = SourcingRequestInput,
    security(("bearer" = [])),
    responses((status = 201, body = SourcingRequestView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn post_request(
    State(s): State<AppState>,
    Auth(who): Auth,
    JsonBody(input): JsonBody<SourcingRequestInput>,
) -> Result<(StatusCode, Json<SourcingRequestView>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.post_sourcing_request(&who, input).await?)))
}

/// The caller's sourcing requests, newest first: a buyer's own, the ones a merchant
/// was matched to (with its own match only), every one for an operator.
#[utoipa::path(get, path = "/api/v1/sourcing-requests", tag = "sourcing", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = PageView<SourcingRequestView>), (status = 401, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list_requests(
    State(s): State<AppState>,
    Auth(who): Auth,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<SourcingRequestView>>, ApiError> {
    Ok(Json(s.app.sourcing_requests(&who, &page).await?))
}

/// One sourcing request: its buyer's, a matched merchant's or an operator's.
#[utoipa::path(get, path = "/api/v1/sourcing-requests/{id}", tag = "sourcing", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = SourcingRequestView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn get_request(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<Json<SourcingRequestView>, ApiError> {
    Ok(Json(s.app.sourcing_request(&who, path_id(&id, "sourcing request")?).await?))
}

/// The buyer closes the request: it takes no more offers (threads stay readable).
#[utoipa::path(post, path = "/api/v1/sourcing-requests/{id}/close", tag = "sourcing", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = SourcingRequestView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn close_request(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<Json<SourcingRequestView>, ApiError> {
    Ok(Json(s.app.close_sourcing_request(&who, path_id(&id, "sourcing request")?).await?))
}

/// A matched merchant makes or revises its offer: unit price in USD, quantity, lead
/// time in days and a message. 409 `request_closed` once the buyer closed it.
#[utoipa::path(put, path = "/api/v1/sourcing-requests/{id}/offer", tag = "sourcing", params(("id" = String, Path)),
    request_body = OfferInput, security(("bearer" = [])),
    responses((status = 200, body = ThreadView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_offer(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<OfferInput>,
) -> Result<Json<ThreadView>, ApiError> {
    Ok(Json(s.app.make_offer(&who, path_id(&id, "sourcing request")?, input).await?))
}

/// The thread between the request's buyer and one matched merchant: offer, messages
/// (oldest first), who accepted, and the contacts once both did.
#[utoipa::path(get, path = "/api/v1/sourcing-requests/{id}/threads/{merchant_id}", tag = "sourcing",
    params(("id" = String, Path), ("merchant_id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ThreadView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn get_thread(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path((id, merchant)): Path<(String, String)>,
) -> Result<Json<ThreadView>, ApiError> {
    let id = path_id(&id, "sourcing request")?;
    Ok(Json(s.app.sourcing_thread(&who, id, path_id(&merchant, "thread")?).await?))
}

/// The buyer or the merchant writes in their thread; the other side is notified.
#[utoipa::path(post, path = "/api/v1/sourcing-requests/{id}/threads/{merchant_id}/messages", tag = "sourcing",
    params(("id" = String, Path), ("merchant_id" = String, Path)), request_body = MessageInput,
    security(("bearer" = [])),
    responses((status = 201, body = ThreadView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn post_message(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path((id, merchant)): Path<(String, String)>,
    JsonBody(input): JsonBody<MessageInput>,
) -> Result<(StatusCode, Json<ThreadView>), ApiError> {
    let id = path_id(&id, "sourcing request")?;
    let thread = s.app.post_thread_message(&who, id, path_id(&merchant, "thread")?, input).await?;
    Ok((StatusCode::CREATED, Json(thread)))
}

/// The caller's side accepts to share its contact details in this thread. Neither
/// side sees the other's until both accepted.
#[utoipa::path(post, path = "/api/v1/sourcing-requests/{id}/threads/{merchant_id}/accept", tag = "sourcing",
    params(("id" = String, Path), ("merchant_id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ThreadView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn accept(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path((id, merchant)): Path<(String, String)>,
) -> Result<Json<ThreadView>, ApiError> {
    let id = path_id(&id, "sourcing request")?;
    Ok(Json(s.app.accept_contacts(&who, id, path_id(&merchant, "thread")?).await?))
}

/// The caller's notifications, newest first, with the unread count.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "sourcing", security(("bearer" = [])),
    responses((status = 200, body = NotificationsView), (status = 401, body = Problem)))]
pub async fn notifications(State(s): State<AppState>, Auth(who): Auth) -> Result<Json<NotificationsView>, ApiError> {
    Ok(Json(s.app.notifications(&who).await?))
}

/// Marks every notification of the caller read.
#[utoipa::path(post, path = "/api/v1/me/notifications/read", tag = "sourcing", security(("bearer" = [])),
    responses((status = 200, body = NotificationsView), (status = 401, body = Problem)))]
pub async fn read_notifications(
    State(s): State<AppState>,
    Auth(who): Auth,
) -> Result<Json<NotificationsView>, ApiError> {
    Ok(Json(s.app.read_notifications(&who).await?))
}
