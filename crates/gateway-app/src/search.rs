//! Catalog search: the query use case, and the follower that keeps this server's
//! index in step with the database.
//!
//! Each server keeps its own index (a derived cache under its data directory) and
//! follows the outbox from its own position, so several servers behind one
//! PostgreSQL all answer correctly without sharing files. An event only says *which*
//! products changed; the follower re-reads them, so applying an event twice, or out
//! of order, leaves the same index.

use crate::{App, AppError, AppResult};
use gateway_core::merchant::UsState;
use gateway_core::{Cny, FxRate, MerchantId, OrderId, ProductId, Usd};
use gateway_search::{SearchDocument, SearchQuery, SearchResults, Sort};
use gateway_store::{CATALOG_RELOADED, CatalogEntry, OutboxEvent, REFERENCE_TOPICS};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::{Duration, Instant};

pub const DEFAULT_PER_PAGE: usize = 20;
pub const MAX_PER_PAGE: usize = 100;
/// Deep pages cost the index as much as all the pages before them; nobody reads
/// past this many results.
pub const MAX_RESULT_WINDOW: usize = 10_000;
pub const MAX_QUERY_CHARS: usize = 200;
/// Outbox events read per round trip.
const FEED_BATCH: u32 = 1_000;
/// Products rebuilt per round trip.
const REBUILD_BATCH: u32 = 2_000;
/// Products between a rebuild's checkpoints (`SearchIndex::checkpoint`): the writer's
/// memory then follows this, not the catalog's size.
const REBUILD_CHECKPOINT: u64 = 100_000;
/// How long a hole in the outbox ids is waited for. A PostgreSQL sequence hands out
/// ids before commit, so a transaction that commits late leaves a hole that fills a
/// moment later; a rolled-back one leaves a hole for ever.
const GAP_GRACE: Duration = Duration::from_secs(5);
/// How often the follower looks for other servers' writes.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// How long the follower lets changes gather after it wakes: the index then lags the
/// database by this much more, and a busy checkout costs one index commit per this
/// much time instead of one per order.
const GATHER: Duration = Duration::from_millis(100);
/// How often, at most, a position that moved without changing the index is stored.
const POSITION_COMMIT_EVERY: Duration = Duration::from_secs(5);

/// GET /api/v1/search's parameters, as they arrive.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words in Chinese, English or both; empty lists everything that matches the filters.
    pub q: Option<String>,
    /// A tax class code (GET /api/v1/tax-classes).
    pub tax_class: Option<String>,
    /// The merchant's US state, as USPS writes it ("MI").
    pub state: Option<String>,
    /// Lowest CNY price (the price_cny shown), inclusive.
    pub min_price_cny: Option<String>,
    /// Highest CNY price, inclusive.
    pub max_price_cny: Option<String>,
    /// Only products with stock.
    pub in_stock: Option<bool>,
    /// relevance (default), price_asc, price_desc or newest.
    pub sort: Option<String>,
    /// 1-based page number.
    pub page: Option<usize>,
    /// Hits per page (1–100, default 20).
    pub per_page: Option<usize>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchView {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<HitView>,
    pub facets: FacetsView,
    /// The rate price_cny was computed at; null (and price_cny null) until the
    /// operator sets one.
    pub fx_rate: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HitView {
    pub id: String,
    pub title: crate::products::TextView,
    pub price_usd: String,
    pub price_cny: Option<String>,
    pub merchant_id: String,
    pub tax_class: String,
    pub state: String,
    pub in_stock: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FacetsView {
    pub tax_class: Vec<FacetView>,
    pub state: Vec<FacetView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FacetView {
    pub value: String,
    pub count: u64,
}

impl App {
    /// Searches the catalog: only products for sale are in the index.
    #[tracing::instrument(skip_all)]
    pub async fn search(&self, params: &SearchParams) -> AppResult<SearchView> {
        let fx = self.current_fx().await?.map(|q| q.rate);
        let (query, page, per_page) = parse_params(params, fx)?;
        let results = self.on_index(move |index| index.search(&query)).await?;
        Ok(view(results, page, per_page, fx))
    }

    /// Runs `work` on the index off the async runtime: analysing thousands of
    /// documents, a commit's fsync or a search are CPU or disk work that would
    /// otherwise hold a runtime thread and stall the requests queued behind it.
    pub(crate) async fn on_index<T: Send + 'static>(
        &self,
        work: impl FnOnce(&gateway_search::SearchIndex) -> Result<T, gateway_search::SearchError> + Send + 'static,
    ) -> AppResult<T> {
        let index = self.search.clone();
        tokio::task::spawn_blocking(move || work(&index))
            .await
            .map_err(|e| AppError::SearchFailed(e.to_string()))?
            .map_err(search_failed)
    }

    /// A Chinese title for `title_en` from the product glossary, for a merchant to
    /// accept or edit; None when the glossary knows none of its words.
    pub fn suggest_title_zh(&self, title_en: &str) -> Option<String> {
        gateway_search::Glossary::embedded().suggest_title_zh(title_en)
    }

    /// Tells this server's follower that the catalog changed, so its index catches
    /// up now rather than at the next poll.
    pub(crate) fn catalog_changed(&self) {
        self.search_wake.notify_one();
    }

    /// An operator's rebuild of this server's index; returns the products indexed.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn reindex_search(&self, who: &crate::Principal) -> AppResult<u64> {
        who.require(gateway_core::user::Role::Operator)?;
        self.rebuild_search_index().await
    }

    /// Rebuilds the index from the database: every product for sale, then the
    /// outbox from the position read before the scan began (so a change made during
    /// the scan is applied again, never lost). Returns the products indexed.
    #[tracing::instrument(skip_all)]
    pub async fn rebuild_search_index(&self) -> AppResult<u64> {
        let mut feed = self.search_feed.lock().await;
        self.rebuild(&mut feed).await
    }

    async fn rebuild(&self, feed: &mut Feed) -> AppResult<u64> {
        let head = self.store.outbox_head().await?;
        self.on_index(|index| index.clear()).await?;
        let mut after = None;
        let mut count = 0u64;
        let mut since_checkpoint = 0u64;
        loop {
            let entries = self.store.catalog_for_sale(after, REBUILD_BATCH).await?;
            let Some(last) = entries.last() else { break };
            after = Some(last.product.id);
            count += entries.len() as u64;
            since_checkpoint += entries.len() as u64;
            let full = entries.len() == REBUILD_BATCH as usize;
            let documents: Vec<SearchDocument> = entries.into_iter().map(document).collect();
            self.on_index(move |index| index.insert(documents)).await?;
            if since_checkpoint >= REBUILD_CHECKPOINT {
                self.on_index(|index| index.checkpoint()).await?;
                since_checkpoint = 0;
            }
            if !full {
                break;
            }
        }
        self.on_index(move |index| index.commit(head)).await?;
        feed.reset(head);
        tracing::info!(products = count, cursor = head, "search index rebuilt");
        Ok(count)
    }

    /// Follows the outbox until `shutdown`: at start (rebuilding first when the
    /// index is new or from an older build, and whenever a bulk load's
    /// `catalog.reloaded` event comes by), whenever this server changes the
    /// catalog, and every POLL_INTERVAL for the other servers' changes. Errors are
    /// logged and retried; the index lags but never stops the server.
    pub async fn follow_outbox(&self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            if let Err(error) = self.catch_up().await {
                tracing::warn!(error = %error, "search index could not catch up; retrying");
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = self.search_wake.notified() => {}
                () = tokio::time::sleep(POLL_INTERVAL) => {}
            }
            // Let the writes of a busy moment gather, so that they cost one round of
            // reads and one index commit rather than one each.
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(GATHER) => {}
            }
        }
    }

    /// Applies every outbox event not yet in the index; returns how many.
    #[tracing::instrument(skip_all)]
    pub async fn catch_up(&self) -> AppResult<usize> {
        let mut feed = self.search_feed.lock().await;
        if feed.position.is_none() {
            match self.search.cursor() {
                Some(cursor) => feed.reset(cursor),
                None => {
                    self.rebuild(&mut feed).await?;
                }
            }
        }
        let mut applied = 0;
        loop {
            let after = feed.position.unwrap_or(0);
            let events = self.store.outbox_after(after, FEED_BATCH).await?;
            if events.iter().any(|e| e.family() == REFERENCE_TOPICS && !feed.seen.contains(&e.id)) {
                // A server changed the FX rate, a tax class or the freight rates:
                // this server's copy is stale (`reference`).
                self.reference.forget();
            }
            if events.iter().any(|e| e.topic == CATALOG_RELOADED && !feed.seen.contains(&e.id)) {
                // A bulk load (`gateway seed`) wrote the catalog without an event per
                // product: rebuild from the catalog, which moves the position past it.
                self.rebuild(&mut feed).await?;
                applied += 1;
                continue;
            }
            let full = events.len() == FEED_BATCH as usize;
            let fresh: Vec<OutboxEvent> = events.into_iter().filter(|e| !feed.seen.contains(&e.id)).collect();
            let changed = self.apply(&fresh).await?;
            applied += fresh.len();
            let now = Instant::now();
            let moved = feed.advance(fresh.iter().map(|e| e.id), now);
            // The position is stored with each commit. When only it moved (orders
            // that sold nothing out), it is stored now and then: after a restart the
            // events since are read again, which changes nothing.
            if changed || moved && feed.committed.is_none_or(|at| now.duration_since(at) >= POSITION_COMMIT_EVERY) {
                let position = feed.position.unwrap_or(0);
                self.on_index(move |index| index.commit(position)).await?;
                feed.committed = Some(now);
            }
            if !full || fresh.is_empty() {
                return Ok(applied);
            }
        }
    }

    /// Re-reads every product the events touch and puts it in the index, or takes
    /// it out when it is no longer for sale; returns whether the index changed. A
    /// product that only orders touched is re-indexed only when whether it is in
    /// stock, or for sale, is not what the index shows: that is all an order changes
    /// that the index holds.
    async fn apply(&self, events: &[OutboxEvent]) -> AppResult<bool> {
        let mut products = HashSet::new();
        let mut orders = Vec::new();
        let mut merchants = Vec::new();
        for event in events {
            match event.family() {
                "product" => {
                    products.insert(ProductId::from_uuid(event.aggregate_id));
                }
                "order" => orders.push(OrderId::from_uuid(event.aggregate_id)),
                "merchant" => merchants.push(MerchantId::from_uuid(event.aggregate_id)),
                _ => {}
            }
        }
        let ordered: HashSet<ProductId> =
            self.store.order_products(&orders).await?.into_iter().filter(|id| !products.contains(id)).collect();
        let ids: Vec<ProductId> = products.into_iter().chain(ordered.iter().copied()).collect();
        let mut entries = self.store.catalog_entries(&ids).await?;
        let of_merchants = self.store.catalog_of_merchants(&merchants).await?;
        // Products only ordered, whose merchant did not change either: these the index
        // needs only if their in-stock state moved.
        let mut stock_only = ordered;
        for entry in &of_merchants {
            stock_only.remove(&entry.product.id);
        }
        entries.extend(of_merchants);
        let indexed = if stock_only.is_empty() {
            HashMap::new()
        } else {
            let ids: Vec<ProductId> = stock_only.iter().copied().collect();
            self.on_index(move |index| index.stock_states(&ids)).await?
        };
        let mut gone: HashSet<ProductId> = ids.into_iter().collect();
        let mut upserts = Vec::new();
        let mut removals = Vec::new();
        for entry in entries {
            let id = entry.product.id;
            gone.remove(&id);
            // In the index, in stock or not; or not in the index.
            let shown = entry.product.for_sale().then_some(entry.product.fields.stock > 0);
            if stock_only.contains(&id) && indexed.get(&id).copied() == shown {
                continue;
            }
            if shown.is_some() {
                upserts.push(document(entry));
            } else {
                removals.push(id);
            }
        }
        // A product gone from the database leaves the index (if it is there).
        removals.extend(gone.into_iter().filter(|id| !stock_only.contains(id) || indexed.contains_key(id)));
        if upserts.is_empty() && removals.is_empty() {
            return Ok(false);
        }
        self.on_index(move |index| {
            index.remove(&removals)?;
            index.upsert(upserts)
        })
        .await?;
        Ok(true)
    }
}

/// The follower's position in the outbox. `position` is the highest id below which
/// every event has been applied (or given up for rolled back); `seen` holds the ids
/// above it already applied, so they are not applied again while a hole below them
/// waits to fill.
#[derive(Debug, Default)]
pub struct Feed {
    position: Option<i64>,
    seen: BTreeSet<i64>,
    hole_since: Option<(i64, Instant)>,
    /// When this follower last committed the index.
    committed: Option<Instant>,
}

impl Feed {
    fn reset(&mut self, position: i64) {
        *self = Feed { position: Some(position), ..Feed::default() };
    }

    /// Records `ids` as applied and moves the position over every id now known to
    /// be complete; returns whether it moved.
    fn advance(&mut self, ids: impl Iterator<Item = i64>, now: Instant) -> bool {
        self.seen.extend(ids);
        let start = self.position.unwrap_or(0);
        let mut position = start;
        loop {
            if self.seen.remove(&(position + 1)) {
                position += 1;
                continue;
            }
            let Some(&next) = self.seen.first() else { break };
            // A hole at position + 1 with later events behind it.
            match self.hole_since {
                Some((hole, since)) if hole == position + 1 && now.duration_since(since) >= GAP_GRACE => {
                    tracing::debug!(from = hole, to = next - 1, "outbox ids skipped as rolled back");
                    position = next - 1;
                    self.hole_since = None;
                }
                Some((hole, _)) if hole == position + 1 => break,
                _ => {
                    self.hole_since = Some((position + 1, now));
                    break;
                }
            }
        }
        self.position = Some(position);
        position != start
    }
}

fn document(entry: CatalogEntry) -> SearchDocument {
    let p = entry.product;
    let f = p.fields;
    SearchDocument {
        product_id: p.id,
        merchant_id: p.merchant_id,
        title_en: f.title_en,
        title_zh: f.title_zh,
        description_en: f.description_en,
        description_zh: f.description_zh,
        merchant_name_en: entry.merchant_name_en,
        merchant_name_zh: entry.merchant_name_zh,
        tax_class: f.tax_class,
        state: entry.merchant_state,
        price_usd_cents: f.price.minor(),
        in_stock: f.stock > 0,
        created_at: p.created_at,
    }
}

fn search_failed(error: gateway_search::SearchError) -> AppError {
    AppError::SearchFailed(error.to_string())
}

fn parse_params(params: &SearchParams, fx: Option<FxRate>) -> AppResult<(SearchQuery, usize, usize)> {
    let mut errors = gateway_core::Validation::new();
    let text = params.q.clone().unwrap_or_default();
    if text.chars().count() > MAX_QUERY_CHARS {
        errors.push("q", format!("must be at most {MAX_QUERY_CHARS} characters"));
    }
    let state = params.state.as_deref().filter(|s| !s.is_empty()).and_then(|s| {
        let state = UsState::parse(s).map(|s| s.as_str().to_string());
        errors.check("state", state)
    });
    let tax_class = params.tax_class.clone().filter(|c| !c.is_empty());
    let min = price_bound(&mut errors, "min_price_cny", params.min_price_cny.as_deref(), fx, Bound::Min);
    let max = price_bound(&mut errors, "max_price_cny", params.max_price_cny.as_deref(), fx, Bound::Max);
    let sort = match params.sort.as_deref() {
        None | Some("") | Some("relevance") => Sort::Relevance,
        Some("price_asc") => Sort::PriceAsc,
        Some("price_desc") => Sort::PriceDesc,
        Some("newest") => Sort::Newest,
        Some(_) => {
            errors.push("sort", "must be one of: relevance, price_asc, price_desc, newest");
            Sort::Relevance
        }
    };
    let per_page = params.per_page.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        errors.push("per_page", format!("must be between 1 and {MAX_PER_PAGE}"));
    }
    let page = params.page.unwrap_or(1);
    if page == 0 {
        errors.push("page", "must be 1 or more");
    } else if page.saturating_mul(per_page) > MAX_RESULT_WINDOW {
        errors.push("page", format!("page × per_page must be at most {MAX_RESULT_WINDOW}; narrow the search"));
    }
    let query = SearchQuery {
        text,
        tax_class,
        state,
        min_price_usd_cents: min,
        max_price_usd_cents: max,
        in_stock_only: params.in_stock.unwrap_or(false),
        sort,
        offset: page.saturating_sub(1) * per_page,
        limit: per_page,
    };
    let query = errors.finish(|| Some(query))?;
    Ok((query, page, per_page))
}

#[derive(Clone, Copy)]
enum Bound {
    Min,
    Max,
}

/// A CNY bound as the USD cents bound that selects exactly the products whose shown
/// price_cny (round-half-up of USD × rate) is on the right side of it: the index
/// keeps USD prices, so a new rate never makes it stale.
fn price_bound(
    errors: &mut gateway_core::Validation,
    field: &str,
    text: Option<&str>,
    fx: Option<FxRate>,
    bound: Bound,
) -> Option<i64> {
    let text = text.filter(|t| !t.is_empty())?;
    let cny = errors.check(field, Cny::parse(text))?;
    let Some(rate) = fx else {
        errors.push(field, "no exchange rate is set yet, so prices cannot be filtered in CNY");
        return None;
    };
    Some(usd_bound(cny, rate, bound))
}

fn usd_bound(cny: Cny, rate: FxRate, bound: Bound) -> i64 {
    // convert() is monotonic in the cents, so start from the exact quotient and step
    // to the first (Min) or last (Max) cent whose shown price is within the bound.
    let guess = i64::try_from(i128::from(cny.minor()) * 1_000_000 / i128::from(rate.micros())).unwrap_or(i64::MAX);
    let shown = |cents: i64| rate.convert(Usd::from_minor(cents)).minor();
    match bound {
        Bound::Min => {
            let mut cents = guess.saturating_sub(2).max(0);
            while shown(cents) < cny.minor() {
                cents += 1;
            }
            cents
        }
        Bound::Max => {
            let mut cents = guess.saturating_add(2);
            while cents >= 0 && shown(cents) > cny.minor() {
                cents -= 1;
            }
            cents
        }
    }
}

fn view(results: SearchResults, page: usize, per_page: usize, fx: Option<FxRate>) -> SearchView {
    let facets = |facets: Vec<gateway_search::Facet>| {
        facets.into_iter().map(|f| FacetView { value: f.value, count: f.count }).collect()
    };
    SearchView {
        total: results.total,
        page,
        per_page,
        hits: results
            .hits
            .into_iter()
            .map(|h| {
                let price = Usd::from_minor(h.price_usd_cents);
                HitView {
                    id: h.product_id.to_string(),
                    title: crate::products::TextView { en: h.title_en, zh: h.title_zh },
                    price_usd: price.to_string(),
                    price_cny: fx.map(|rate| rate.convert(price).to_string()),
                    merchant_id: h.merchant_id.to_string(),
                    tax_class: h.tax_class,
                    state: h.state,
                    in_stock: h.in_stock,
                }
            })
            .collect(),
        facets: FacetsView { tax_class: facets(results.tax_classes), state: facets(results.states) },
        fx_rate: fx.map(|rate| rate.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_moves_over_contiguous_ids() {
        let mut feed = Feed::default();
        feed.reset(10);
        let now = Instant::now();
        assert!(feed.advance([11, 12, 13].into_iter(), now));
        assert_eq!(feed.position, Some(13));
        assert!(feed.seen.is_empty());
        assert!(!feed.advance(std::iter::empty(), now));
    }

    #[test]
    fn feed_waits_for_a_hole_then_gives_up_on_it() {
        let mut feed = Feed::default();
        feed.reset(0);
        let start = Instant::now();
        feed.advance([1, 3, 4].into_iter(), start);
        assert_eq!(feed.position, Some(1), "2 may still commit");
        feed.advance(std::iter::empty(), start + Duration::from_secs(1));
        assert_eq!(feed.position, Some(1));
        // 2 committed late: applied, and the position runs on.
        feed.advance([2].into_iter(), start + Duration::from_secs(2));
        assert_eq!(feed.position, Some(4));
        // 5 never commits (rolled back): skipped after the grace period.
        feed.advance([6].into_iter(), start + Duration::from_secs(3));
        assert_eq!(feed.position, Some(4));
        feed.advance(std::iter::empty(), start + Duration::from_secs(3) + GAP_GRACE);
        assert_eq!(feed.position, Some(6));
        assert!(feed.seen.is_empty());
    }

    fn rate(text: &str) -> FxRate {
        FxRate::parse(text).unwrap()
    }

    #[test]
    fn cny_bounds_select_exactly_the_prices_shown() {
        let rate = rate("7.1234");
        for fen in [0, 1, 71, 712, 713, 10_000, 123_457, 99_999_999] {
            let cny = Cny::from_minor(fen);
            let min = usd_bound(cny, rate, Bound::Min);
            let max = usd_bound(cny, rate, Bound::Max);
            let shown = |c: i64| rate.convert(Usd::from_minor(c)).minor();
            assert!(shown(min) >= fen && (min == 0 || shown(min - 1) < fen), "min for {fen}");
            assert!(max < 0 || shown(max) <= fen, "max for {fen}");
            assert!(shown(max + 1) > fen, "max for {fen} is the last cent");
        }
    }

    #[test]
    fn params_are_checked_field_by_field() {
        let params = SearchParams {
            q: Some("x".repeat(201)),
            state: Some("ZZ".into()),
            min_price_cny: Some("abc".into()),
            sort: Some("cheap".into()),
            page: Some(0),
            per_page: Some(101),
            ..SearchParams::default()
        };
        let Err(AppError::Validation(errors)) = parse_params(&params, Some(rate("7"))) else {
            panic!("expected a validation error")
        };
        let mut fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        fields.sort();
        assert_eq!(fields, ["min_price_cny", "page", "per_page", "q", "sort", "state"]);
    }

    #[test]
    fn price_filter_needs_a_rate() {
        let params = SearchParams { max_price_cny: Some("100".into()), ..SearchParams::default() };
        assert!(matches!(parse_params(&params, None), Err(AppError::Validation(_))));
        let (query, page, per_page) = parse_params(&params, Some(rate("7"))).unwrap();
        assert_eq!((page, per_page, query.offset), (1, DEFAULT_PER_PAGE, 0));
        // 14.28 USD shows as 99.96 CNY, 14.29 as 100.03: the last cent within 100.00 is 1428.
        assert_eq!(query.max_price_usd_cents, Some(1428));
    }
}
