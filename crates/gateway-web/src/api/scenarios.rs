//! Tariff scenarios (issue 6): the catalog re-priced under a what-if rule.

use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{Auth, JsonBody};
use axum::Json;
use axum::extract::State;
use gateway_app::scenarios::{ScenarioInput, ScenarioView};

/// Preview a tariff scenario (operators): every product for sale is priced as one
/// unit bought alone, today and under the rule, and the answer compares them per tax
/// class and overall (mean landed price, mean and median change, the share within
/// the single limit and under full tax) with the largest increases. Nothing is saved.
/// 409 `fx_rate_missing` while no FX rate is set.
#[utoipa::path(post, path = "/api/v1/admin/scenarios/preview", tag = "admin", request_body = ScenarioInput,
    security(("bearer" = [])),
    responses((status = 200, body = ScenarioView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn preview(
    State(s): State<AppState>,
    Auth(who): Auth,
    JsonBody(input): JsonBody<ScenarioInput>,
) -> Result<Json<ScenarioView>, ApiError> {
    Ok(Json(s.app.preview_scenario(&who, input).await?))
}
