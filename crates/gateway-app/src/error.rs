//! The one error type of the use cases. Each variant has a stable code (SPEC 9) that
//! the HTTP edge turns into problem details; the internal one carries its cause for
//! the log and shows a client nothing of it.

use gateway_core::FieldError;
use gateway_store::StoreError;

pub type AppResult<T> = Result<T, AppError>;

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
    #[error("{0}")]
    InvalidTransition(String),
    /// A business rule said no (SPEC 9's out_of_stock, single_limit_exceeded, …).
    #[error("{}", .0.message)]
    Refused(Box<Refusal>),
    #[error("internal error")]
    Internal(#[source] StoreError),
    /// The search index failed (I/O, a corrupt segment): internal, logged.
    #[error("search failed: {0}")]
    SearchFailed(String),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "validation_failed",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict { .. } => "conflict",
            AppError::InvalidTransition(_) => "invalid_transition",
            AppError::Refused(r) => r.code,
            AppError::Internal(_) | AppError::SearchFailed(_) => "internal_error",
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
    pub code: &'static str,
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
    pub fn refused(code: &'static str, kind: RefusalKind, message: impl Into<String>) -> Self {
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
