use std::error::Error as StdError;

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was hit; the payload names it ("email", "sku", "owner").
    #[error("conflict on {0}")]
    Conflict(&'static str),
    /// A conditional write found the row changed since it was read.
    #[error("the record changed concurrently")]
    Stale,
    /// A stored value no longer parses as its domain type.
    #[error("corrupt stored value in {field}: {message}")]
    Corrupt { field: &'static str, message: String },
    #[error("database error")]
    Backend(#[source] Box<dyn StdError + Send + Sync>),
}

impl StoreError {
    pub fn backend(error: impl StdError + Send + Sync + 'static) -> Self {
        StoreError::Backend(Box::new(error))
    }

    /// Turns a domain parse failure of a stored value into `Corrupt`.
    pub fn decode<T, E: std::fmt::Display>(field: &'static str, result: Result<T, E>) -> StoreResult<T> {
        result.map_err(|e| StoreError::Corrupt { field, message: e.to_string() })
    }
}
