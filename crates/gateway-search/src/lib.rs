//! The catalog search index of Gateway: US merchants list in English, shoppers in
//! mainland China search in Chinese (and English, and both at once).
//!
//! A pure library over [tantivy](https://docs.rs/tantivy): no async runtime, no
//! database. The index is derived data, fed from the outbox by the caller; it can be
//! thrown away and rebuilt at any time, which is what [`SearchIndex::open`] does when
//! the index on disk was written by a build with another schema, analyzers or glossary.
//!
//! Why it is built the way it is:
//!
//! - **Chinese finds English-only listings.** Most merchants write English only. Each
//!   listing is indexed with the Chinese of the [`Glossary`] terms found in its English
//!   title and description (see [`glossary`]), and with its merchant's state in English,
//!   Chinese and USPS code (see [`states`]), so 蜂蜜 finds "Wildflower Honey" and
//!   "密歇根 蜂蜜", "Michigan honey" and "MI honey" all find the Michigan jars.
//! - **Segmentation must not decide recall.** Chinese is segmented with jieba (see
//!   `src/analysis.rs`); a query word that the listing's text was segmented around still
//!   matches through its dictionary sub-words or its character pairs (`src/query.rs`).
//! - **Every query word must match** (in some field, in some form: exact, stemmed,
//!   typo-tolerant, as a prefix for the last English word, or through the glossary).
//!   Particles and stop words (的, "for", 美国 — every product here is American) may
//!   match but need not. Only when this finds nothing and the query has three words or
//!   more is one word allowed to miss.
//! - **Ranking**: BM25 per field, with field weights: the merchant's own title (either
//!   language) above the glossary expansion of it, titles above descriptions, exact words
//!   above typo and prefix expansions; and a bonus when the word is the head of the
//!   title (almond in "Roasted Almonds", not in "Almond Butter"; 蜂蜜 in 野花蜂蜜).
//! - **Fast at a million listings**: a word matches through one posting list holding
//!   every term of the listing, so a query of several words is an intersection of plain
//!   term lists; the per-field lists that score are read only for listings that match
//!   every word. Filters, facets and the page come from fast fields in the same pass.
//! - **Filters and facets** run in one pass over the matches with fast fields. Facet
//!   counts are *disjunctive*: the tax-class counts ignore the tax-class filter (but obey
//!   every other one), and the state counts ignore the state filter, so a shopper who
//!   picked "food" still sees how many matches the other classes have.
//! - **Reads are cheap and concurrent, writes are serialized.** [`SearchIndex`] is
//!   `Send + Sync`; a search takes a snapshot (tantivy `Searcher`) and never waits for
//!   the writer. Changes become visible when [`SearchIndex::commit`] returns, and the
//!   commit stores the caller's outbox cursor atomically with the documents.

mod analysis;
mod collector;
pub mod glossary;
mod index;
#[cfg(test)]
mod index_tests;
mod query;
pub mod states;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use gateway_core::ids::{MerchantId, ProductId};
use serde::{Deserialize, Serialize};

pub use glossary::{Glossary, GlossaryEntry, TermKind};
pub use index::{INDEX_FORMAT_VERSION, MAX_WINDOW, SearchIndex};

/// A listing as the index sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchDocument {
    pub product_id: ProductId,
    pub merchant_id: MerchantId,
    pub title_en: String,
    pub title_zh: Option<String>,
    pub description_en: String,
    pub description_zh: Option<String>,
    pub merchant_name_en: String,
    pub merchant_name_zh: Option<String>,
    /// Tax-class code, e.g. "food", "cosmetics"; filtered and faceted exactly.
    pub tax_class: String,
    /// USPS code of the merchant's state, e.g. "MI" (stored upper case).
    pub state: String,
    pub price_usd_cents: i64,
    pub in_stock: bool,
    pub created_at: DateTime<Utc>,
}

/// Result order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first; for an empty text, newest first.
    #[default]
    Relevance,
    PriceAsc,
    PriceDesc,
    Newest,
}

/// A search: text, filters, order and page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// Chinese, English or both; may be empty: then every listing that passes the
    /// filters matches (newest first under [`Sort::Relevance`]).
    pub text: String,
    /// Exact tax-class code.
    pub tax_class: Option<String>,
    /// Exact USPS code (any case).
    pub state: Option<String>,
    /// Inclusive.
    pub min_price_usd_cents: Option<i64>,
    /// Inclusive.
    pub max_price_usd_cents: Option<i64>,
    pub in_stock_only: bool,
    pub sort: Sort,
    pub offset: usize,
    /// Hits per page; `offset + limit` is capped at [`MAX_WINDOW`].
    pub limit: usize,
}

impl SearchQuery {
    /// A query for a text, with no filters: relevance order, first 20 hits.
    pub fn new(text: impl Into<String>) -> Self {
        Self { text: text.into(), ..Self::default() }
    }
}

impl Default for SearchQuery {
    fn default() -> Self {
        Self {
            text: String::new(),
            tax_class: None,
            state: None,
            min_price_usd_cents: None,
            max_price_usd_cents: None,
            in_stock_only: false,
            sort: Sort::Relevance,
            offset: 0,
            limit: 20,
        }
    }
}

/// One result, with what a result list shows (no description: fetch the product for
/// more).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub product_id: ProductId,
    pub merchant_id: MerchantId,
    pub title_en: String,
    pub title_zh: Option<String>,
    pub tax_class: String,
    pub state: String,
    pub price_usd_cents: i64,
    pub in_stock: bool,
    /// Relevance score (higher is better; comparable within one result list only).
    /// Computed for every sort when the text is not empty; 0 for an empty text.
    pub score: f32,
}

/// A facet value and how many matches have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facet {
    pub value: String,
    pub count: u64,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Matches of the text and every filter.
    pub total: usize,
    pub hits: Vec<SearchHit>,
    /// Counts per tax class over the matches of the text and every filter except the
    /// tax-class one; most frequent first, then by value.
    pub tax_classes: Vec<Facet>,
    /// Counts per state over the matches of the text and every filter except the state
    /// one; most frequent first, then by value.
    pub states: Vec<Facet>,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What can go wrong. Every variant is an internal error to a client (the index is
/// derived data): log it with its cause chain and answer generically.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    #[error("search index i/o at {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The directory holds files that tantivy did not write: refused rather than wiped.
    #[error("{0} holds files that are not a search index; refusing to use it")]
    NotAnIndex(PathBuf),
    /// Another writer (another process on the same directory) holds the index.
    #[error("the search index is locked by another writer")]
    Locked,
    /// A stored document that does not read back (a product id that is not a UUID…).
    #[error("search index holds a corrupt document: {0}")]
    Corrupt(String),
    /// A thread panicked while holding the writer.
    #[error("the search index writer was poisoned by a panic")]
    Poisoned,
    #[error("search index: {0}")]
    Index(#[source] BoxError),
}

impl SearchError {
    /// A stable code for logs and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "search_io",
            Self::NotAnIndex(_) => "search_not_an_index",
            Self::Locked => "search_locked",
            Self::Corrupt(_) => "search_corrupt",
            Self::Poisoned => "search_poisoned",
            Self::Index(_) => "search_index",
        }
    }
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(error: tantivy::TantivyError) -> Self {
        match error {
            tantivy::TantivyError::LockFailure(..) => Self::Locked,
            other => Self::Index(Box::new(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn index_is_send_and_sync() {
        assert_send_sync::<SearchIndex>();
        assert_send_sync::<Glossary>();
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(SearchError::Locked.code(), "search_locked");
        assert_eq!(SearchError::NotAnIndex(PathBuf::from("/x")).code(), "search_not_an_index");
    }
}
