//! The public impact figures (SPEC 8) and the merchants' yearly headcount reports.

use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{Auth, JsonBody, path_id};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use gateway_app::impact::{HeadcountInput, HeadcountView, ImpactView};

/// The impact dashboard's figures: goals, SMEs, export value, jobs three ways (each
/// with its method and source), and the monthly history. Computed from the database
/// on each request; docs/API.md gives each figure's SQL definition.
#[utoipa::path(get, path = "/api/v1/impact", tag = "impact",
    responses((status = 200, body = ImpactView), (status = 500, body = Problem)))]
pub async fn impact(State(s): State<AppState>) -> Result<Json<ImpactView>, ApiError> {
    Ok(Json(s.app.impact().await?.view()))
}

/// Every figure of `GET /api/v1/impact` as CSV, one row per figure: `section,
/// dimension, key, value, unit, method, source`.
#[utoipa::path(get, path = "/api/v1/impact.csv", tag = "impact",
    responses((status = 200, content_type = "text/csv", body = String), (status = 500, body = Problem)))]
pub async fn impact_csv(State(s): State<AppState>) -> Result<Response, ApiError> {
    let csv = s.app.impact().await?.to_csv();
    let mut response = csv.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers
        .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"gateway-impact.csv\""));
    Ok(response)
}

/// Report the business's headcount for a calendar year (the merchant's owner only):
/// `{employees}`, 0 to 1,000,000. One report per year: reporting a year again replaces
/// it. The year runs from the merchant's sign-up year to the current one.
#[utoipa::path(put, path = "/api/v1/merchants/{id}/headcount/{year}", tag = "impact",
    params(("id" = String, Path), ("year" = String, Path, description = "e.g. 2026")),
    request_body = HeadcountInput, security(("bearer" = [])),
    responses((status = 200, body = HeadcountView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_headcount(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path((id, year)): Path<(String, String)>,
    JsonBody(input): JsonBody<HeadcountInput>,
) -> Result<Json<HeadcountView>, ApiError> {
    Ok(Json(s.app.report_headcount(&who, path_id(&id, "merchant")?, &year, input).await?))
}

/// A merchant's headcount reports, latest year first (its owner and operators).
#[utoipa::path(get, path = "/api/v1/merchants/{id}/headcount", tag = "impact",
    params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<HeadcountView>), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn list_headcount(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<HeadcountView>>, ApiError> {
    Ok(Json(s.app.headcount_reports(&who, path_id(&id, "merchant")?).await?))
}
