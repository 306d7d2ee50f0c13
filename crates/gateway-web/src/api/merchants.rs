use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{Auth, JsonBody, MaybeAuth, Query, path_id};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use gateway_app::merchants::{MerchantInput, MerchantListQuery, MerchantView};
use gateway_app::pagination::PageView;
use gateway_core::merchant::MerchantAction;

/// Register the signed-in merchant user's business; it starts `pending`.
#[utoipa::path(post, path = "/api/v1/merchants", tag = "merchants", request_body = MerchantInput, security(("bearer" = [])),
    responses((status = 201, body = MerchantView), (status = 403, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub async fn create_merchant(
    State(s): State<AppState>,
    Auth(who): Auth,
    JsonBody(input): JsonBody<MerchantInput>,
) -> Result<(StatusCode, Json<MerchantView>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.create_merchant(&who, input).await?)))
}

/// A merchant: public fields for anyone, all fields for its owner and operators.
#[utoipa::path(get, path = "/api/v1/merchants/{id}", tag = "merchants", security((), ("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = MerchantView), (status = 404, body = Problem)))]
pub async fn get_merchant(
    State(s): State<AppState>,
    MaybeAuth(who): MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<MerchantView>, ApiError> {
    Ok(Json(s.app.view_merchant(who.as_ref(), path_id(&id, "merchant")?).await?))
}

/// Edit the business profile (its owner, or an operator): any field of the creation
/// body. Adding or removing the food registration re-runs the listing check.
#[utoipa::path(patch, path = "/api/v1/merchants/{id}", tag = "merchants", request_body = MerchantInput,
    params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = MerchantView), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
pub async fn update_merchant(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<MerchantInput>,
) -> Result<Json<MerchantView>, ApiError> {
    Ok(Json(s.app.update_merchant(&who, path_id(&id, "merchant")?, input).await?))
}

/// The signed-in merchant user's own business profile.
#[utoipa::path(get, path = "/api/v1/me/merchant", tag = "merchants", security(("bearer" = [])),
    responses((status = 200, body = MerchantView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn my_merchant(State(s): State<AppState>, Auth(who): Auth) -> Result<Json<MerchantView>, ApiError> {
    Ok(Json(s.app.my_merchant(&who).await?))
}

/// Merchants for operators, optionally by status (e.g. `pending` to approve).
#[utoipa::path(get, path = "/api/v1/admin/merchants", tag = "admin", params(MerchantListQuery), security(("bearer" = [])),
    responses((status = 200, body = PageView<MerchantView>), (status = 403, body = Problem)))]
pub async fn list_merchants(
    State(s): State<AppState>,
    Auth(who): Auth,
    Query(query): Query<MerchantListQuery>,
) -> Result<Json<PageView<MerchantView>>, ApiError> {
    Ok(Json(s.app.list_merchants(&who, &query).await?))
}

/// Approve, reject, suspend or reinstate a merchant (operators). pending → active or
/// rejected; active ↔ suspended; anything else is `invalid_transition`.
#[utoipa::path(post, path = "/api/v1/admin/merchants/{id}/{action}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path), ("action" = String, Path, description = "approve, reject, suspend or reinstate")),
    responses((status = 200, body = MerchantView), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem)))]
pub async fn act_on_merchant(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path((id, action)): Path<(String, String)>,
) -> Result<Json<MerchantView>, ApiError> {
    let action = MerchantAction::parse(&action).map_err(|_| ApiError::not_found("action"))?;
    Ok(Json(s.app.act_on_merchant(&who, path_id(&id, "merchant")?, action).await?))
}
