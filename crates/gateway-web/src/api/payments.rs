//! Wallet payments: the providers' notifications, and a payment as its buyer or an
//! operator reads it.

use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{Auth, Query, path_id};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use gateway_app::pagination::{PageQuery, PageView};
use gateway_app::wallet_payments::PaymentDetailView;
use gateway_app::wallets::Headers;
use gateway_core::payment::PaymentMethod;
use serde::Deserialize;

fn headers_of(headers: &HeaderMap) -> Headers {
    headers
        .iter()
        .filter_map(|(name, value)| Some((name.as_str().to_ascii_lowercase(), value.to_str().ok()?.to_string())))
        .collect()
}

async fn notification(s: AppState, method: PaymentMethod, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    // Read as bytes: a body that is not UTF-8 is a refused notification, answered as
    // every other problem is.
    let Ok(body) = std::str::from_utf8(&body) else {
        let refused = gateway_app::AppError::BadNotification("the notification is not UTF-8".into());
        return ApiError::from(refused).into_response();
    };
    match s.app.wallet_notification(method, uri.path(), &headers_of(&headers), body).await {
        Ok(answer) => (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], answer).into_response(),
        Err(error) => ApiError::from(error).into_response(),
    }
}

/// Antom's `notifyPayment` and `notifyRefund` (Alipay). Verified with Antom's public
/// key; answered `{"result": {"resultCode": "SUCCESS", "resultStatus": "S", …}}` once
/// stored, so that Antom stops sending it.
#[utoipa::path(post, path = "/api/v1/payments/alipay/notify", tag = "payments", request_body = String,
    responses((status = 200, description = "stored"), (status = 400, body = Problem, description = "invalid_signature"),
              (status = 404, body = Problem, description = "Alipay is not offered")))]
pub async fn alipay_notify(State(s): State<AppState>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    notification(s, PaymentMethod::Alipay, uri, headers, body).await
}

/// WeChat Pay's payment and refund notifications, verified with the platform
/// certificate and decrypted with the API v3 key.
#[utoipa::path(post, path = "/api/v1/payments/wechat_pay/notify", tag = "payments", request_body = String,
    responses((status = 200, description = "stored"), (status = 400, body = Problem, description = "invalid_signature"),
              (status = 404, body = Problem, description = "WeChat Pay is not offered")))]
pub async fn wechat_pay_notify(State(s): State<AppState>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    notification(s, PaymentMethod::WechatPay, uri, headers, body).await
}

/// A payment: its status, what the shopper does to pay, its refunds and its
/// declarations to customs. For its buyer and operators.
#[utoipa::path(get, path = "/api/v1/payments/{id}", tag = "payments", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = PaymentDetailView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn get_payment(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<Json<PaymentDetailView>, ApiError> {
    Ok(Json(s.app.view_payment(&who, path_id(&id, "payment")?).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PaymentFilter {
    /// pending, captured, failed, expired, refunded or partially_refunded.
    pub status: Option<String>,
    /// Only those an operator should look at.
    #[serde(default)]
    pub review: bool,
}

/// Payments newest first (operators): by status, or those that need a look (a late
/// success refunded, a declaration refused, a refund that failed).
#[utoipa::path(get, path = "/api/v1/admin/payments", tag = "payments", params(PaymentFilter, PageQuery), security(("bearer" = [])),
    responses((status = 200, body = PageView<PaymentDetailView>), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn list_payments(
    State(s): State<AppState>,
    Auth(who): Auth,
    Query(filter): Query<PaymentFilter>,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<PaymentDetailView>>, ApiError> {
    Ok(Json(s.app.list_payments(&who, filter.status.as_deref(), filter.review, &page).await?))
}
