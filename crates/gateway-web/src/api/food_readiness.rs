//! A merchant's Decree 248 food-registration readiness checklist (issue 6).

use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{Auth, JsonBody, path_id};
use axum::Json;
use axum::extract::{Path, State};
use gateway_app::food_readiness::{AcknowledgeInput, FoodReadinessView};

/// The merchant's readiness checklist for GACC's food registration (Decree 248): its
/// products classified (one of the 18 categories that need the competent authority's
/// recommendation, other food registered in CIFER by the manufacturer, or not food)
/// and each step with its status (done, todo or not_applicable), why, what to do and
/// where. Its owner and operators.
#[utoipa::path(get, path = "/api/v1/merchants/{id}/food-readiness", tag = "merchants",
    params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = FoodReadinessView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn food_readiness(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<Json<FoodReadinessView>, ApiError> {
    Ok(Json(s.app.food_readiness(&who, path_id(&id, "merchant")?).await?))
}

/// The merchant's owner confirms a step only it can vouch for
/// (fda_facility_registration, number_on_packaging, renewal) with `{confirmed: true}`,
/// or withdraws the confirmation with `{confirmed: false}`. Answers the checklist.
#[utoipa::path(put, path = "/api/v1/merchants/{id}/food-readiness/{step}", tag = "merchants",
    params(("id" = String, Path), ("step" = String, Path)), request_body = AcknowledgeInput,
    security(("bearer" = [])),
    responses((status = 200, body = FoodReadinessView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn acknowledge_step(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path((id, step)): Path<(String, String)>,
    JsonBody(input): JsonBody<AcknowledgeInput>,
) -> Result<Json<FoodReadinessView>, ApiError> {
    Ok(Json(s.app.acknowledge_food_step(&who, path_id(&id, "merchant")?, &step, input).await?))
}
