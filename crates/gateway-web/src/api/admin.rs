//! The operator's tables (tax classes, freight) and the list of every order.

use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{Auth, JsonBody, Query};
use axum::Json;
use axum::extract::{Path, State};
use gateway_app::admin::{FreightInput, FreightView, OrderListQuery, TaxClassInput};
use gateway_app::orders::OrderView;
use gateway_app::pagination::PageView;
use gateway_app::tax_classes::TaxClassView;

/// Replace a tax class's names, rates, threshold and flags (operators); its code
/// stays. The listing check of every product in the class runs again at once, so a
/// class taken off the positive list blocks its products (and putting it back lists
/// them). Rates are fractions ("0.13"); VAT at most 0.3, consumption tax at most 0.6,
/// MFN duty at most 0.8; thresholds CNY, 0 to 5000.00.
#[utoipa::path(put, path = "/api/v1/admin/tax-classes/{code}", tag = "admin", request_body = TaxClassInput,
    params(("code" = String, Path, example = "agri")), security(("bearer" = [])),
    responses((status = 200, body = TaxClassView), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
pub async fn put_tax_class(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(code): Path<String>,
    JsonBody(input): JsonBody<TaxClassInput>,
) -> Result<Json<TaxClassView>, ApiError> {
    Ok(Json(s.app.update_tax_class(&who, &code, input).await?.class))
}

/// The freight tariff (SPEC 5): direct mail by weight, bonded flat, in CNY.
#[utoipa::path(get, path = "/api/v1/freight", tag = "catalog", responses((status = 200, body = FreightView)))]
pub async fn get_freight(State(s): State<AppState>) -> Result<Json<FreightView>, ApiError> {
    Ok(Json(s.app.freight().await?))
}

/// Set the freight tariff (operators): each amount CNY, 0 to 1000.00. Quotes use it
/// at once; placed orders keep their freight.
#[utoipa::path(put, path = "/api/v1/admin/freight", tag = "admin", request_body = FreightInput, security(("bearer" = [])),
    responses((status = 200, body = FreightView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_freight(
    State(s): State<AppState>,
    Auth(who): Auth,
    JsonBody(input): JsonBody<FreightInput>,
) -> Result<Json<FreightView>, ApiError> {
    Ok(Json(s.app.set_freight(&who, input).await?))
}

/// Every order, newest first, optionally by status (operators).
#[utoipa::path(get, path = "/api/v1/admin/orders", tag = "admin", params(OrderListQuery), security(("bearer" = [])),
    responses((status = 200, body = PageView<OrderView>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_orders(
    State(s): State<AppState>,
    Auth(who): Auth,
    Query(query): Query<OrderListQuery>,
) -> Result<Json<PageView<OrderView>>, ApiError> {
    Ok(Json(s.app.all_orders(&who, &query).await?))
}
