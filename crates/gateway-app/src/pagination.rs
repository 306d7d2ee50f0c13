//! Keyset pagination for lists: `{items, next}` with `next` an opaque cursor.

use crate::{AppError, AppResult};
use gateway_store::PageRequest;
use serde::Deserialize;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// At most this many items (1–200, default 50).
    pub limit: Option<u32>,
    /// The `next` value of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    pub fn to_request(&self) -> AppResult<PageRequest> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(AppError::field("limit", format!("must be between 1 and {MAX_LIMIT}")));
        }
        let after = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(cursor) => Some(
                uuid::Uuid::try_parse(cursor)
                    .map_err(|_| AppError::field("cursor", "is not a cursor from this list"))?,
            ),
        };
        Ok(PageRequest { after, limit })
    }
}

/// A page as the API writes it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PageView<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next: Option<String>,
}

impl<T> PageView<T> {
    pub fn from_page<R>(page: gateway_store::Page<R>, f: impl FnMut(R) -> T) -> Self {
        let next = page.next.map(|id| id.to_string());
        PageView { items: page.items.into_iter().map(f).collect(), next }
    }
}
