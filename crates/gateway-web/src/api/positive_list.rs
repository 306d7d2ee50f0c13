//! The CBEC positive list (SPEC 3, 7): read by anyone, kept by the operator.

use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{Auth, JsonBody};
use axum::Json;
use axum::extract::{Path, State};
use gateway_app::positive_list::{PositiveListChange, PositiveListEntryInput, PositiveListEntryView};

/// The positive list: lines by HS code prefix (the longest prefix of a product's HS
/// code decides), each filed in a tax class, with its remarks (bonded only, a yearly
/// weight cap per buyer).
#[utoipa::path(get, path = "/api/v1/positive-list", tag = "catalog",
    responses((status = 200, body = Vec<PositiveListEntryView>)))]
pub async fn list(State(s): State<AppState>) -> Result<Json<Vec<PositiveListEntryView>>, ApiError> {
    Ok(Json(s.app.positive_list().await?))
}

/// Add or replace a line (operators). The listing check of every product whose HS
/// code it covers runs again in the same transaction; the answer says how many
/// changed verdict.
#[utoipa::path(put, path = "/api/v1/admin/positive-list/{hs_prefix}", tag = "admin",
    request_body = PositiveListEntryInput, params(("hs_prefix" = String, Path, example = "1701")),
    security(("bearer" = [])),
    responses((status = 200, body = PositiveListChange), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_entry(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(prefix): Path<String>,
    JsonBody(input): JsonBody<PositiveListEntryInput>,
) -> Result<Json<PositiveListChange>, ApiError> {
    Ok(Json(s.app.put_positive_list_entry(&who, &prefix, input).await?))
}

/// Remove a line (operators): its goods fall to a shorter line, or off the list.
#[utoipa::path(delete, path = "/api/v1/admin/positive-list/{hs_prefix}", tag = "admin",
    params(("hs_prefix" = String, Path, example = "1701")), security(("bearer" = [])),
    responses((status = 200, body = PositiveListChange), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_entry(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(prefix): Path<String>,
) -> Result<Json<PositiveListChange>, ApiError> {
    Ok(Json(s.app.delete_positive_list_entry(&who, &prefix).await?))
}

/// Run the listing check of every product again (operators), after an upgrade that
/// changed the rules or to repair.
#[utoipa::path(post, path = "/api/v1/admin/listing-check", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = PositiveListChange), (status = 403, body = Problem)))]
pub async fn recheck_all(State(s): State<AppState>, Auth(who): Auth) -> Result<Json<PositiveListChange>, ApiError> {
    Ok(Json(s.app.recheck_all_listings(&who).await?))
}
