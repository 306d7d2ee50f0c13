//! A merchant's export-ready checklist (issue 8).

use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{Auth, path_id};
use axum::Json;
use axum::extract::{Path, State};
use gateway_app::export_ready::{ExportReadySummary, ExportReadyView};

/// The merchant's export-ready checklist, worked out from its data: profile complete
/// (story, Chinese display name, approval), products listed and none blocked, a
/// Chinese title on every listed product, the GACC food registration number where it
/// sells food, and its first order shipped. Each step is done, todo or
/// not_applicable, with what it counted and the portal page where it is done. Its
/// owner and operators.
#[utoipa::path(get, path = "/api/v1/merchants/{id}/export-ready", tag = "merchants",
    params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ExportReadyView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn export_ready(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<Json<ExportReadyView>, ApiError> {
    Ok(Json(s.app.export_ready(&who, path_id(&id, "merchant")?).await?))
}

/// The checklist over every merchant but the rejected (operators): how many are
/// export-ready, how many did each step, how many merchants did 0 to 5 steps, and
/// merchants and ready merchants by US state.
#[utoipa::path(get, path = "/api/v1/admin/export-ready", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = ExportReadySummary), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn export_ready_summary(
    State(s): State<AppState>,
    Auth(who): Auth,
) -> Result<Json<ExportReadySummary>, ApiError> {
    Ok(Json(s.app.export_ready_summary(&who).await?))
}
