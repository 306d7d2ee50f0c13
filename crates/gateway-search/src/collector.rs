//! One pass over the matches of the text query: filters (fast fields), the total, the
//! top `offset + limit` by the requested order, and the disjunctive facet counts.
//!
//! Tax class and state are filtered here rather than in the query so that one pass can
//! count each facet under every filter but its own: a match counts towards the
//! tax-class facet if it passes the state filter, towards the state facet if it passes
//! the tax-class filter, and towards the results if it passes both. Values are compared
//! as term ordinals of each segment's dictionary, so no string is touched per document.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::index::names;
use crate::{SearchQuery, Sort};

/// One hit of the page: where it is and its score.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Page {
    pub score: f32,
    pub address: DocAddress,
}

/// What a search collects.
#[derive(Debug, Default)]
pub(crate) struct Fruit {
    pub total: usize,
    /// Best first, at most `window` long.
    pub top: Vec<Page>,
    pub tax_classes: Vec<(String, u64)>,
    pub states: Vec<(String, u64)>,
}

pub(crate) struct SearchCollector {
    tax_class: Option<String>,
    state: Option<String>,
    min_price: i64,
    max_price: i64,
    in_stock_only: bool,
    sort: Sort,
    window: usize,
    scoring: bool,
}

impl SearchCollector {
    pub(crate) fn new(q: &SearchQuery, sort: Sort, window: usize, scoring: bool) -> Self {
        Self {
            tax_class: q.tax_class.as_deref().map(str::trim).map(str::to_string),
            state: q.state.as_deref().map(|s| s.trim().to_ascii_uppercase()),
            min_price: q.min_price_usd_cents.unwrap_or(i64::MIN),
            max_price: q.max_price_usd_cents.unwrap_or(i64::MAX),
            in_stock_only: q.in_stock_only,
            sort,
            window,
            scoring,
        }
    }
}

/// A sort key: bigger is better; ties go to the newer listing, then to the earlier
/// document (deterministic for one snapshot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    primary: u64,
    secondary: u64,
    segment: Reverse<SegmentOrdinal>,
    doc: Reverse<DocId>,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    key: Key,
    score: f32,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

/// Order-preserving maps into u64.
fn ordered_i64(v: i64) -> u64 {
    (v as u64) ^ (1 << 63)
}

fn ordered_f32(v: f32) -> u64 {
    let bits = v.to_bits();
    u64::from(if bits & 0x8000_0000 != 0 { !bits } else { bits | 0x8000_0000 })
}

/// A filter value resolved against one segment's dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    Any,
    Ord(u64),
    /// The value does not occur in this segment.
    Nothing,
}

impl Wanted {
    fn resolve(value: Option<&str>, column: Option<&StrColumn>) -> tantivy::Result<Wanted> {
        let Some(value) = value else { return Ok(Wanted::Any) };
        let Some(column) = column else { return Ok(Wanted::Nothing) };
        Ok(match column.dictionary().term_ord(value)? {
            Some(ord) => Wanted::Ord(ord),
            None => Wanted::Nothing,
        })
    }

    fn accepts(self, ord: Option<u64>) -> bool {
        match self {
            Wanted::Any => true,
            Wanted::Ord(wanted) => ord == Some(wanted),
            Wanted::Nothing => false,
        }
    }
}

impl Collector for SearchCollector {
    type Fruit = Fruit;
    type Child = SegmentSearchCollector;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<Self::Child> {
        let fast = reader.fast_fields();
        let tax = fast.str(names::TAX_CLASS)?;
        let state = fast.str(names::STATE)?;
        let tax_wanted = Wanted::resolve(self.tax_class.as_deref(), tax.as_ref())?;
        let state_wanted = Wanted::resolve(self.state.as_deref(), state.as_ref())?;
        let tax_counts = vec![0; tax.as_ref().map_or(0, |c| c.num_terms())];
        let state_counts = vec![0; state.as_ref().map_or(0, |c| c.num_terms())];
        Ok(SegmentSearchCollector {
            segment,
            price: fast.i64(names::PRICE)?,
            in_stock: fast.bool(names::IN_STOCK)?,
            created: fast.i64(names::CREATED_AT)?,
            tax_ords: tax.as_ref().map(|c| c.ords().clone()),
            state_ords: state.as_ref().map(|c| c.ords().clone()),
            tax,
            state,
            tax_wanted,
            state_wanted,
            min_price: self.min_price,
            max_price: self.max_price,
            in_stock_only: self.in_stock_only,
            sort: self.sort,
            window: self.window,
            heap: BinaryHeap::with_capacity(self.window.min(1024) + 1),
            total: 0,
            tax_counts,
            state_counts,
            tax_block: Vec::new(),
            state_block: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Fruit> {
        let mut total = 0;
        let mut entries = Vec::new();
        let mut tax: HashMap<String, u64> = HashMap::new();
        let mut states: HashMap<String, u64> = HashMap::new();
        for fruit in fruits {
            total += fruit.total;
            entries.extend(fruit.entries);
            for (value, count) in fruit.tax_classes {
                *tax.entry(value).or_default() += count;
            }
            for (value, count) in fruit.states {
                *states.entry(value).or_default() += count;
            }
        }
        entries.sort_unstable_by(|a, b| b.cmp(a));
        entries.truncate(self.window);
        let top = entries
            .into_iter()
            .map(|e| Page { score: e.score, address: DocAddress::new(e.key.segment.0, e.key.doc.0) })
            .collect();
        Ok(Fruit { total, top, tax_classes: tax.into_iter().collect(), states: states.into_iter().collect() })
    }
}

pub(crate) struct SegmentFruit {
    total: usize,
    entries: Vec<Entry>,
    tax_classes: Vec<(String, u64)>,
    states: Vec<(String, u64)>,
}

pub(crate) struct SegmentSearchCollector {
    segment: SegmentOrdinal,
    tax: Option<StrColumn>,
    state: Option<StrColumn>,
    tax_ords: Option<Column<u64>>,
    state_ords: Option<Column<u64>>,
    price: Column<i64>,
    in_stock: Column<bool>,
    created: Column<i64>,
    tax_wanted: Wanted,
    state_wanted: Wanted,
    min_price: i64,
    max_price: i64,
    in_stock_only: bool,
    sort: Sort,
    window: usize,
    /// Min-heap of the best `window` entries (its top is the worst kept).
    heap: BinaryHeap<Reverse<Entry>>,
    total: usize,
    tax_counts: Vec<u64>,
    state_counts: Vec<u64>,
    /// Buffers for `collect_block`.
    tax_block: Vec<Option<u64>>,
    state_block: Vec<Option<u64>>,
}

impl SegmentSearchCollector {
    fn created(&self, doc: DocId) -> u64 {
        ordered_i64(self.created.first(doc).unwrap_or(i64::MIN))
    }

    /// Offers a match to the heap. Fast fields are read only as far as needed: most
    /// matches lose on the primary key to a full heap, and never read the secondary.
    fn offer(&mut self, doc: DocId, score: Score, price: Option<i64>) {
        let price = |this: &Self| ordered_i64(price.or_else(|| this.price.first(doc)).unwrap_or(0));
        let primary = match self.sort {
            Sort::Relevance => ordered_f32(score),
            Sort::PriceAsc => !price(self),
            Sort::PriceDesc => price(self),
            Sort::Newest => self.created(doc),
        };
        let full = self.heap.len() >= self.window;
        if full && self.heap.peek().is_some_and(|worst| primary < worst.0.key.primary) {
            return;
        }
        let secondary = if self.sort == Sort::Newest { 0 } else { self.created(doc) };
        let entry = Entry { key: Key { primary, secondary, segment: Reverse(self.segment), doc: Reverse(doc) }, score };
        if !full {
            self.heap.push(Reverse(entry));
        } else if let Some(mut worst) = self.heap.peek_mut()
            && entry.key > worst.0.key
        {
            *worst = Reverse(entry);
        }
    }
}

fn counts(column: Option<StrColumn>, counts: Vec<u64>) -> Vec<(String, u64)> {
    let Some(column) = column else { return Vec::new() };
    let mut out = Vec::new();
    for (ord, count) in counts.into_iter().enumerate() {
        let mut value = String::new();
        if count > 0 && matches!(column.ord_to_str(ord as u64, &mut value), Ok(true)) {
            out.push((value, count));
        }
    }
    out
}

impl SegmentCollector for SegmentSearchCollector {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.in_stock_only && self.in_stock.first(doc) != Some(true) {
            return;
        }
        let mut price = None;
        if self.min_price != i64::MIN || self.max_price != i64::MAX {
            match self.price.first(doc) {
                Some(p) if (self.min_price..=self.max_price).contains(&p) => price = Some(p),
                _ => return,
            }
        }
        let tax = self.tax_ords.as_ref().and_then(|c| c.first(doc));
        let state = self.state_ords.as_ref().and_then(|c| c.first(doc));
        let tax_ok = self.tax_wanted.accepts(tax);
        let state_ok = self.state_wanted.accepts(state);
        if state_ok && let Some(slot) = tax.and_then(|o| self.tax_counts.get_mut(o as usize)) {
            *slot += 1;
        }
        if tax_ok && let Some(slot) = state.and_then(|o| self.state_counts.get_mut(o as usize)) {
            *slot += 1;
        }
        if !(tax_ok && state_ok) {
            return;
        }
        self.total += 1;
        if self.window > 0 {
            self.offer(doc, score, price);
        }
    }

    /// Without scoring (an empty text), matches come in blocks: the facet columns are
    /// read a block at a time, which decodes them much faster than doc by doc.
    fn collect_block(&mut self, docs: &[DocId]) {
        if self.in_stock_only || self.min_price != i64::MIN || self.max_price != i64::MAX {
            for &doc in docs {
                self.collect(doc, 0.0);
            }
            return;
        }
        let n = docs.len();
        self.tax_block.clear();
        self.tax_block.resize(n, None);
        self.state_block.clear();
        self.state_block.resize(n, None);
        if let Some(column) = &self.tax_ords {
            column.first_vals(docs, &mut self.tax_block);
        }
        if let Some(column) = &self.state_ords {
            column.first_vals(docs, &mut self.state_block);
        }
        for (i, &doc) in docs.iter().enumerate() {
            let (tax, state) = (self.tax_block[i], self.state_block[i]);
            let tax_ok = self.tax_wanted.accepts(tax);
            let state_ok = self.state_wanted.accepts(state);
            if state_ok && let Some(slot) = tax.and_then(|o| self.tax_counts.get_mut(o as usize)) {
                *slot += 1;
            }
            if tax_ok && let Some(slot) = state.and_then(|o| self.state_counts.get_mut(o as usize)) {
                *slot += 1;
            }
            if tax_ok && state_ok {
                self.total += 1;
                if self.window > 0 {
                    self.offer(doc, 0.0, None);
                }
            }
        }
    }

    fn harvest(self) -> SegmentFruit {
        SegmentFruit {
            total: self.total,
            entries: self.heap.into_iter().map(|Reverse(e)| e).collect(),
            tax_classes: counts(self.tax, self.tax_counts),
            states: counts(self.state, self.state_counts),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_maps_preserve_order() {
        let ints = [i64::MIN, -5, -1, 0, 1, 7, i64::MAX];
        assert!(ints.windows(2).all(|w| ordered_i64(w[0]) < ordered_i64(w[1])));
        let floats = [f32::NEG_INFINITY, -3.5, -0.0, 0.0, 1e-9, 2.0, f32::INFINITY];
        assert!(floats.windows(2).all(|w| ordered_f32(w[0]) <= ordered_f32(w[1])));
        assert!(ordered_f32(1.0) < ordered_f32(1.5));
    }
}
