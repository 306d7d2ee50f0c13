//! Customs data per order (SPEC 6 and 9): the CEB311, CEB411, CEB511 and CEB621
//! documents as China Customs' XML, unsigned, and the three-document check. For the
//! order's merchant and operators.

use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{Auth, path_id};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use gateway_app::customs::{CustomsCheckView, DocumentKind};

async fn document(
    s: AppState,
    who: gateway_app::Principal,
    id: &str,
    kind: DocumentKind,
) -> Result<Response, ApiError> {
    let xml = s.app.customs_document(&who, path_id(id, "order")?, kind).await?;
    Ok(([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], xml).into_response())
}

/// The CEB311 import order message of an order (unsigned XML).
#[utoipa::path(get, path = "/api/v1/orders/{id}/customs/ceb311", tag = "customs", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/xml", body = String), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn ceb311(State(s): State<AppState>, Auth(who): Auth, Path(id): Path<String>) -> Result<Response, ApiError> {
    document(s, who, &id, DocumentKind::Ceb311).await
}

/// The CEB621 import inventory list of an order (unsigned XML).
#[utoipa::path(get, path = "/api/v1/orders/{id}/customs/ceb621", tag = "customs", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/xml", body = String), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn ceb621(State(s): State<AppState>, Auth(who): Auth, Path(id): Path<String>) -> Result<Response, ApiError> {
    document(s, who, &id, DocumentKind::Ceb621).await
}

/// The CEB411 payment voucher of an order (unsigned XML).
#[utoipa::path(get, path = "/api/v1/orders/{id}/customs/ceb411", tag = "customs", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/xml", body = String), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn ceb411(State(s): State<AppState>, Auth(who): Auth, Path(id): Path<String>) -> Result<Response, ApiError> {
    document(s, who, &id, DocumentKind::Ceb411).await
}

/// The CEB511 waybill of an order (unsigned XML).
#[utoipa::path(get, path = "/api/v1/orders/{id}/customs/ceb511", tag = "customs", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/xml", body = String), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn ceb511(State(s): State<AppState>, Auth(who): Auth, Path(id): Path<String>) -> Result<Response, ApiError> {
    document(s, who, &id, DocumentKind::Ceb511).await
}

/// The three-document check: the order, payment and waybill agree (order number,
/// amounts, payer = buyer, logistics number present) and the inventory list with them.
#[utoipa::path(get, path = "/api/v1/orders/{id}/customs/check", tag = "customs", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = CustomsCheckView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn check(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<Json<CustomsCheckView>, ApiError> {
    Ok(Json(s.app.customs_check(&who, path_id(&id, "order")?).await?))
}
