use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{Auth, JsonBody, MaybeAuth, Query, path_id};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use gateway_app::carts::{CartCreated, CartItemInput, CartView, QuoteView};
use gateway_app::checkout::{CheckoutInput, CheckoutView};
use gateway_app::identity::{IdentityInput, IdentityView, QuotaView};
use gateway_app::orders::{OrderView, ShipInput};
use gateway_app::pagination::{PageQuery, PageView};
use gateway_core::order::OrderAction;

/// Verify the consumer's identity: real name, resident ID number, phone (SPEC 4).
/// The ID number is stored encrypted and shown only masked.
#[utoipa::path(put, path = "/api/v1/me/identity", tag = "buying", request_body = IdentityInput, security(("bearer" = [])),
    responses((status = 200, body = IdentityView), (status = 403, body = Problem),
              (status = 422, body = Problem, description = "validation_failed or invalid_id_number")))]
pub async fn put_identity(
    State(s): State<AppState>,
    Auth(who): Auth,
    JsonBody(input): JsonBody<IdentityInput>,
) -> Result<Json<IdentityView>, ApiError> {
    Ok(Json(s.app.put_identity(&who, input).await?))
}

/// The consumer's verified identity, masked.
#[utoipa::path(get, path = "/api/v1/me/identity", tag = "buying", security(("bearer" = [])),
    responses((status = 200, body = IdentityView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_identity(State(s): State<AppState>, Auth(who): Auth) -> Result<Json<IdentityView>, ApiError> {
    Ok(Json(s.app.my_identity(&who).await?))
}

/// The consumer's annual CBEC quota this calendar year (China time).
#[utoipa::path(get, path = "/api/v1/me/quota", tag = "buying", security(("bearer" = [])),
    responses((status = 200, body = QuotaView), (status = 403, body = Problem)))]
pub async fn quota(State(s): State<AppState>, Auth(who): Auth) -> Result<Json<QuotaView>, ApiError> {
    Ok(Json(s.app.my_quota(&who).await?))
}

/// A new cart (owned by the caller when signed in).
#[utoipa::path(post, path = "/api/v1/carts", tag = "buying", security((), ("bearer" = [])), responses((status = 201, body = CartCreated), (status = 401, body = Problem)))]
pub async fn create_cart(
    State(s): State<AppState>,
    MaybeAuth(who): MaybeAuth,
) -> Result<(StatusCode, Json<CartCreated>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.create_cart(who.as_ref()).await?)))
}

/// The cart's lines.
#[utoipa::path(get, path = "/api/v1/carts/{id}", tag = "buying", security((), ("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = CartView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_cart(
    State(s): State<AppState>,
    MaybeAuth(who): MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<CartView>, ApiError> {
    Ok(Json(s.app.view_cart(who.as_ref(), path_id(&id, "cart")?).await?))
}

/// Set a product's quantity in the cart (0 removes it).
#[utoipa::path(put, path = "/api/v1/carts/{id}/items/{product_id}", tag = "buying", security((), ("bearer" = [])), request_body = CartItemInput,
    params(("id" = String, Path), ("product_id" = String, Path)),
    responses((status = 200, body = CartView), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn set_item(
    State(s): State<AppState>,
    MaybeAuth(who): MaybeAuth,
    Path((id, product)): Path<(String, String)>,
    JsonBody(input): JsonBody<CartItemInput>,
) -> Result<Json<CartView>, ApiError> {
    let cart = path_id(&id, "cart")?;
    let product = path_id(&product, "product")?;
    Ok(Json(s.app.set_cart_item(who.as_ref(), cart, product, input).await?))
}

/// The landed price: one order per merchant with freight, duty, consumption tax and
/// VAT in CNY, and every problem that would stop a checkout.
#[utoipa::path(get, path = "/api/v1/carts/{id}/quote", tag = "buying", security((), ("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = QuoteView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn quote(
    State(s): State<AppState>,
    MaybeAuth(who): MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<QuoteView>, ApiError> {
    Ok(Json(s.app.quote(who.as_ref(), path_id(&id, "cart")?).await?))
}

/// Pay for the cart: one payment, one order per merchant, all or nothing. Requires an
/// `Idempotency-Key` header: the same key and body answer the same without a second
/// charge; the same key with another body is `idempotency_conflict`.
#[utoipa::path(post, path = "/api/v1/checkout", tag = "buying", request_body = CheckoutInput, security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header)),
    responses((status = 201, body = CheckoutView), (status = 403, body = Problem),
              (status = 409, body = Problem, description = "out_of_stock, not_for_sale, conflict"),
              (status = 422, body = Problem, description = "identity_required, single_limit_exceeded, annual_limit_exceeded, weight_cap_exceeded, idempotency_conflict, validation_failed")))]
pub async fn checkout(
    State(s): State<AppState>,
    Auth(who): Auth,
    headers: HeaderMap,
    JsonBody(input): JsonBody<CheckoutInput>,
) -> Result<(StatusCode, Json<CheckoutView>), ApiError> {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
    Ok((StatusCode::CREATED, Json(s.app.checkout(&who, key, input).await?)))
}

/// An order: for its buyer, its merchant and operators.
#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = OrderView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_order(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<Json<OrderView>, ApiError> {
    Ok(Json(s.app.view_order(&who, path_id(&id, "order")?).await?))
}

/// The consumer's orders, newest first.
#[utoipa::path(get, path = "/api/v1/me/orders", tag = "orders", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = PageView<OrderView>), (status = 403, body = Problem)))]
pub async fn my_orders(
    State(s): State<AppState>,
    Auth(who): Auth,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<OrderView>>, ApiError> {
    Ok(Json(s.app.my_orders(&who, &page).await?))
}

/// A merchant's orders, newest first (its owner and operators).
#[utoipa::path(get, path = "/api/v1/merchants/{id}/orders", tag = "orders", params(("id" = String, Path), PageQuery),
    security(("bearer" = [])),
    responses((status = 200, body = PageView<OrderView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn merchant_orders(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<OrderView>>, ApiError> {
    Ok(Json(s.app.merchant_orders(&who, path_id(&id, "merchant")?, &page).await?))
}

/// Ship an order (its merchant): carrier and tracking number.
#[utoipa::path(post, path = "/api/v1/orders/{id}/ship", tag = "orders", request_body = ShipInput, params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = OrderView), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn ship(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<ShipInput>,
) -> Result<Json<OrderView>, ApiError> {
    Ok(Json(s.app.act_on_order(&who, path_id(&id, "order")?, OrderAction::Ship, Some(input)).await?))
}

/// Deliver, cancel or return an order. Cancel (buyer or merchant, while paid) and
/// return (buyer or operator, within 30 days of delivery) refund the order and give
/// back its stock and quota.
#[utoipa::path(post, path = "/api/v1/orders/{id}/{action}", tag = "orders",
    params(("id" = String, Path), ("action" = String, Path, description = "deliver, cancel or return")), security(("bearer" = [])),
    responses((status = 200, body = OrderView), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem)))]
pub async fn act(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path((id, action)): Path<(String, String)>,
) -> Result<Json<OrderView>, ApiError> {
    let shopper_actions = [OrderAction::Deliver, OrderAction::Cancel, OrderAction::Return];
    let action = OrderAction::parse_among(&action, &shopper_actions).ok_or_else(|| ApiError::not_found("action"))?;
    Ok(Json(s.app.act_on_order(&who, path_id(&id, "order")?, action, None).await?))
}
