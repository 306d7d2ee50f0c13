//! Every error leaves as RFC 9457 problem details with a stable `code` (SPEC 9).
//! Internal errors are logged with their cause chain and answered with a generic text.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use gateway_app::error::RefusalKind;
use gateway_app::{AppError, ErrorCode};
use gateway_core::FieldError;
use serde::Serialize;

/// The problem body. `errors` lists the fields at fault for `validation_failed`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[schema(inline)]
    pub code: ErrorCode,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldErrorView>,
    /// The product at fault, for out_of_stock and not_for_sale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// What remains of the annual quota, for annual_limit_exceeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining: Option<String>,
    /// The request's id, also in its `X-Request-Id` answer header: quote it when
    /// reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldErrorView {
    /// A JSON path such as `title.en`.
    pub field: String,
    pub message: String,
}

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    detail: String,
    errors: Vec<FieldError>,
    product_id: Option<String>,
    remaining: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, detail: impl Into<String>) -> Self {
        Self { status, code, detail: detail.into(), errors: Vec::new(), product_id: None, remaining: None }
    }

    pub fn validation(status: StatusCode, detail: impl Into<String>, errors: Vec<FieldError>) -> Self {
        Self { errors, ..Self::new(status, ErrorCode::ValidationFailed, detail) }
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, format!("{what} not found"))
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let status = match &error {
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } | AppError::CheckoutInProgress | AppError::InvalidTransition(_) => {
                StatusCode::CONFLICT
            }
            AppError::Refused(r) => match r.kind {
                RefusalKind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
                RefusalKind::Conflict => StatusCode::CONFLICT,
            },
            AppError::ProviderUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::BadNotification(_) => StatusCode::BAD_REQUEST,
            AppError::Internal(_) | AppError::SearchFailed(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let code = error.code();
        match error {
            AppError::Validation(errors) => {
                ApiError::validation(status, "the request has invalid fields; see errors", errors)
            }
            AppError::Conflict { message, field: Some(field) } => ApiError {
                errors: vec![FieldError::new(field, message.clone())],
                ..ApiError::new(status, code, message)
            },
            AppError::Refused(r) => {
                let r = *r;
                let errors = r.field.map(|f| vec![FieldError::new(f, r.message.clone())]).unwrap_or_default();
                ApiError {
                    errors,
                    product_id: r.product_id,
                    remaining: r.remaining,
                    ..ApiError::new(status, code, r.message)
                }
            }
            AppError::Internal(source) => {
                let mut chain = String::new();
                let mut cause: Option<&dyn std::error::Error> = Some(&source);
                while let Some(c) = cause {
                    chain.push_str(": ");
                    chain.push_str(&c.to_string());
                    cause = c.source();
                }
                tracing::error!(error = %chain, "internal error");
                ApiError::new(status, code, "something went wrong on our side; it has been logged")
            }
            AppError::SearchFailed(cause) => {
                tracing::error!(error = %cause, "search failed");
                ApiError::new(status, code, "something went wrong on our side; it has been logged")
            }
            other => ApiError::new(status, code, other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = Problem {
            problem_type: format!("/problems/{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_string(),
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code,
            errors: self.errors.into_iter().map(|e| FieldErrorView { field: e.field, message: e.message }).collect(),
            product_id: self.product_id,
            remaining: self.remaining,
            request_id: crate::request_id::current(),
        };
        let mut response = (self.status, Json(problem)).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/problem+json"));
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
        }
        response
    }
}

pub async fn not_found_fallback() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such resource")
}

pub async fn method_not_allowed_fallback() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        "this method is not allowed on this resource",
    )
}
