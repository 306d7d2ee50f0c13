//! The one error type of the use cases. Each variant has a stable code (SPEC 9) that
//! the HTTP edge turns into problem details; the internal one carries its cause for
//! the log and shows a client nothing of it.

use gateway_core::FieldError;
use gateway_store::StoreError;

pub type AppResult<T> = Result<T, AppError>;

gateway_core::code_enum!(
    /// The stable `code` of every problem answer and of every quote problem (SPEC 9).
    /// Clients branch on it, so a code, once answered, never changes.
    ErrorCode {
        ValidationFailed = "validation_failed",
        Unauthorized = "unauthorized",
        Forbidden = "forbidden",
        NotFound = "not_found",
        Conflict = "conflict",
        InvalidTransition = "invalid_transition",
        InternalError = "internal_error",
        OutOfStock = "out_of_stock",
        SingleLimitExceeded = "single_limit_exceeded",
        AnnualLimitExceeded = "annual_limit_exceeded",
        WeightCapExceeded = "weight_cap_exceeded",
        IdentityRequired = "identity_required",
        InvalidIdNumber = "invalid_id_number",
        IdempotencyConflict = "idempotency_conflict",
        NotForSale = "not_for_sale",
        PayerMismatch = "payer_mismatch",
        PaymentFailed = "payment_failed",
        CartFull = "cart_full",
        FxRateMissing = "fx_rate_missing",
        BuyerProfileRequired = "buyer_profile_required",
        RequestClosed = "request_closed",
        EventAlreadyRegistered = "event_already_registered",
        EventCapacityBelowConfirmed = "event_capacity_below_confirmed",
        EventCheckInRefused = "event_check_in_refused",
        EventRegistrationCancelled = "event_registration_cancelled",
        EventRegistrationClosed = "event_registration_closed",
        // Answered by the HTTP edge before a use case runs.
        BadRequest = "bad_request",
        MethodNotAllowed = "method_not_allowed",
        PayloadTooLarge = "payload_too_large",
        UnsupportedMediaType = "unsupported_media_type",
        Unavailable = "unavailable",
        InvalidSignature = "invalid_signature",
    }
);

// Published as a string enum, so that a generated client knows every code.
impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Self::CODES.iter().copied()))
            .into()
    }
}

impl utoipa::ToSchema for ErrorCode {}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    #[error("authentication required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    Conflict { message: String, field: Option<&'static str> },
    /// A checkout with the same Idempotency-Key and request is still running: the
    /// client retries in a moment and gets its answer.
    #[error("a checkout with this Idempotency-Key is in progress; retry in a moment")]
    CheckoutInProgress,
    #[error("{0}")]
    InvalidTransition(String),
    /// A business rule said no (SPEC 9's out_of_stock, single_limit_exceeded, …).
    #[error("{}", .0.message)]
    Refused(Box<Refusal>),
    /// A payment provider did not answer in time, or its answer is unknown: the same
    /// request, retried later, is safe (calls are idempotent by Gateway's ids).
    #[error("{0}")]
    ProviderUnavailable(String),
    /// A notification that is not the provider's: its signature does not verify.
    #[error("{0}")]
    BadNotification(String),
    #[error("internal error")]
    Internal(#[source] StoreError),
    /// The search index failed (I/O, a corrupt segment): internal, logged.
    #[error("search failed: {0}")]
    SearchFailed(String),
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Validation(_) => ErrorCode::ValidationFailed,
            AppError::Unauthorized => ErrorCode::Unauthorized,
            AppError::Forbidden(_) => ErrorCode::Forbidden,
            AppError::NotFound(_) => ErrorCode::NotFound,
            // Kept as `conflict` on the wire: clients written before it had a variant
            // retry on that code.
            AppError::Conflict { .. } | AppError::CheckoutInProgress => ErrorCode::Conflict,
            AppError::InvalidTransition(_) => ErrorCode::InvalidTransition,
            AppError::Refused(r) => r.code,
            AppError::ProviderUnavailable(_) => ErrorCode::Unavailable,
            AppError::BadNotification(_) => ErrorCode::InvalidSignature,
            AppError::Internal(_) | AppError::SearchFailed(_) => ErrorCode::InternalError,
        }
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn conflict(field: &'static str, message: impl Into<String>) -> Self {
        AppError::Conflict { message: message.into(), field: Some(field) }
    }
}

/// Whether a refusal is about the request itself (422) or the state of things (409).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    Unprocessable,
    Conflict,
}

/// A refusal with its stable code and the details a client acts on.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub code: ErrorCode,
    pub kind: RefusalKind,
    pub message: String,
    /// The field at fault, if one is.
    pub field: Option<String>,
    /// The product at fault (out of stock, not for sale).
    pub product_id: Option<String>,
    /// What remains of the annual quota, for annual_limit_exceeded.
    pub remaining: Option<String>,
}

impl AppError {
    pub fn refused(code: ErrorCode, kind: RefusalKind, message: impl Into<String>) -> Self {
        AppError::Refused(Box::new(Refusal {
            code,
            kind,
            message: message.into(),
            field: None,
            product_id: None,
            remaining: None,
        }))
    }

    /// The same refusal naming a field, a product or the remaining quota.
    pub fn with(mut self, f: impl FnOnce(&mut Refusal)) -> Self {
        if let AppError::Refused(r) = &mut self {
            f(r);
        }
        self
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => AppError::NotFound("record"),
            StoreError::Conflict(on) => AppError::conflict(on, format!("{on} is already taken")),
            StoreError::Stale => AppError::Conflict {
                message: "the record was changed by someone else; read it again and retry".into(),
                field: None,
            },
            other => AppError::Internal(other),
        }
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(errors: Vec<FieldError>) -> Self {
        AppError::Validation(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn error_codes_serialise_as_their_code_and_parse_back() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), *code);
        }
        assert!(serde_json::from_str::<ErrorCode>("\"no_such_code\"").is_err());
    }
}
