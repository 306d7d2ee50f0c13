//! [`SearchIndex`]: the schema, the writer (one, behind a mutex), the reader (manual
//! reload after each commit, so a commit is visible as soon as it returns) and the
//! search entry point.
//!
//! On disk the index is one directory of tantivy files (`meta.json`, `.managed.json`,
//! segment files named by UUID, lock files). The commit payload of `meta.json` holds
//! the index format and the caller's cursor: `gateway-search;format=<v>.<glossary
//! hash>;cursor=<n|none>`, written atomically with the documents by tantivy's commit.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};

use tantivy::indexer::LogMergePolicy;
use tantivy::query::{AllQuery, BooleanQuery, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{PreTokenizedString, TextAnalyzer, Token};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::analysis::{self, EN, EN_RAW, GRAMS, LIST, ZH, en_analyzer, han_suffixes, is_han, jieba, zh_analyzer};
use crate::collector::{Fruit, Page, SearchCollector};
use crate::glossary::Glossary;
use crate::query::{self, Plan};
use crate::{Facet, SearchDocument, SearchError, SearchHit, SearchQuery, SearchResults, Sort, states};

/// Bump when the schema, an analyzer, the state table or the way documents are built
/// changes: an index written with another version is wiped and rebuilt on open.
pub const INDEX_FORMAT_VERSION: u32 = 4;

/// `offset + limit` is capped here: deeper pages cost a heap that large per search.
pub const MAX_WINDOW: usize = 10_000;

/// Writer memory per indexing thread.
const WRITER_MEMORY_PER_THREAD: usize = 64 * 1024 * 1024;

/// The fields of the schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub merchant_id: Field,
    pub title_en: Field,
    pub desc_en: Field,
    /// The merchant's Chinese title.
    pub title_zh: Field,
    /// The Chinese of the glossary terms found in `title_en`.
    pub gloss_title: Field,
    /// The merchant's Chinese description and the Chinese of the glossary terms found
    /// in `description_en` (one field: fewer posting lists per query word).
    pub desc_zh: Field,
    /// Who and where: the merchant's names in both languages and the state's names.
    pub who: Field,
    /// Han grams of the title-level Chinese (own title, glossary of the title, merchant, state).
    pub grams_title: Field,
    /// The head of the title: its last noun in English (stemmed), its glossary Chinese,
    /// and the last word of the Chinese title. A match here is a bonus, never required.
    pub head: Field,
    /// Title and description words as written (not stemmed): only its dictionary is
    /// used, to expand typos and prefixes.
    pub words: Field,
    /// Every term of every searchable field (and the state's USPS code), doc ids only:
    /// the posting list that decides whether a query word matches. One list per word
    /// makes a multi-word query an intersection of plain term lists, which skips
    /// through its blocks; the per-field lists are read only to score the listings that
    /// match every word.
    pub all: Field,
    pub tax_class: Field,
    pub state: Field,
    pub price: Field,
    pub in_stock: Field,
    pub created_at: Field,
}

pub(crate) mod names {
    pub const TAX_CLASS: &str = "tax_class";
    pub const STATE: &str = "state";
    pub const PRICE: &str = "price_usd_cents";
    pub const IN_STOCK: &str = "in_stock";
    pub const CREATED_AT: &str = "created_at_micros";
}

fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str, stored: bool| {
        let indexing =
            TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(IndexRecordOption::WithFreqs);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored { options.set_stored() } else { options }
    };
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        merchant_id: b.add_text_field("merchant_id", STORED),
        title_en: b.add_text_field("title_en", text(EN, true)),
        desc_en: b.add_text_field("description_en", text(EN, false)),
        title_zh: b.add_text_field("title_zh", text(ZH, true)),
        desc_zh: b.add_text_field("description_zh", text(ZH, false)),
        who: b.add_text_field("who", text(ZH, false)),
        gloss_title: b.add_text_field("gloss_title", text(ZH, false)),
        grams_title: b.add_text_field("grams_title", text(GRAMS, false)),
        head: b.add_text_field("head", text(LIST, false)),
        words: b.add_text_field(
            "words",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(EN_RAW)
                    .set_index_option(IndexRecordOption::Basic)
                    .set_fieldnorms(false),
            ),
        ),
        all: b.add_text_field(
            "all",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("raw")
                    .set_index_option(IndexRecordOption::Basic)
                    .set_fieldnorms(false),
            ),
        ),
        tax_class: b.add_text_field(names::TAX_CLASS, STRING | FAST | STORED),
        state: b.add_text_field(names::STATE, STRING | FAST | STORED),
        price: b.add_i64_field(names::PRICE, FAST | STORED),
        in_stock: b.add_bool_field(names::IN_STOCK, FAST | STORED),
        created_at: b.add_i64_field(names::CREATED_AT, FAST | INDEXED),
    };
    (b.build(), fields)
}

/// The format string of this build: the format version and the glossary's fingerprint.
fn format_string() -> String {
    format!("{INDEX_FORMAT_VERSION}.{:016x}", Glossary::embedded().fingerprint())
}

/// What the commit payload holds.
#[derive(Debug, PartialEq, Eq)]
struct Payload {
    format: String,
    cursor: Option<i64>,
}

impl Payload {
    const PREFIX: &'static str = "gateway-search;format=";

    fn encode(&self) -> String {
        match self.cursor {
            Some(cursor) => format!("{}{};cursor={cursor}", Self::PREFIX, self.format),
            None => format!("{}{};cursor=none", Self::PREFIX, self.format),
        }
    }

    fn decode(text: &str) -> Option<Payload> {
        let rest = text.strip_prefix(Self::PREFIX)?;
        let (format, cursor) = rest.split_once(";cursor=")?;
        let cursor = if cursor == "none" { None } else { Some(cursor.parse().ok()?) };
        Some(Payload { format: format.to_string(), cursor })
    }
}

/// The catalog index. `Send + Sync`: share it in an `Arc`. Searches run concurrently on
/// a snapshot; writes (`upsert`, `remove`, `clear`, `commit`) take the one writer in
/// turn and become visible together at the next `commit`.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    /// `None` only while [`Self::wait_for_merges`] swaps it (or after it failed to
    /// make a new one; the next write tries again).
    writer: Mutex<Option<IndexWriter>>,
    threads: usize,
    fields: Fields,
    cursor: RwLock<Option<i64>>,
    was_reset: bool,
    format: String,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("docs", &self.len()).field("cursor", &self.cursor()).finish()
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> SearchError + '_ {
    move |source| SearchError::Io { path: path.to_path_buf(), source }
}

/// Whether a file name is one tantivy writes into an index directory.
fn is_tantivy_file(name: &str) -> bool {
    let segment_file =
        name.len() > 33 && name.as_bytes()[..32].iter().all(u8::is_ascii_hexdigit) && name.as_bytes()[32] == b'.';
    segment_file
        || matches!(name, "meta.json" | ".managed.json" | ".tantivy-meta.lock" | ".tantivy-writer.lock")
        || name.starts_with(".tmp")
}

/// The entries of an index directory, or `NotAnIndex` if any is not tantivy's.
fn tantivy_files(dir: &Path) -> Result<Vec<PathBuf>, SearchError> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_error(dir))? {
        let entry = entry.map_err(io_error(dir))?;
        let name = entry.file_name();
        let is_file = entry.file_type().map_err(io_error(dir))?.is_file();
        match name.to_str() {
            Some(name) if is_file && is_tantivy_file(name) => files.push(entry.path()),
            _ => return Err(SearchError::NotAnIndex(dir.to_path_buf())),
        }
    }
    Ok(files)
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory and an empty index if absent.
    /// An index written by a build with another format (schema, analyzers, glossary),
    /// or one that cannot be read, is wiped and recreated empty: [`Self::was_reset`]
    /// says so and [`Self::cursor`] is `None`, and the caller re-feeds it from scratch.
    /// A directory holding other files is refused ([`SearchError::NotAnIndex`]), and one
    /// whose writer lock another process holds is [`SearchError::Locked`].
    pub fn open(dir: &Path) -> Result<Self, SearchError> {
        fs::create_dir_all(dir).map_err(io_error(dir))?;
        let (schema, fields) = build_schema();
        let format = format_string();
        let files = tantivy_files(dir)?;
        let mut was_reset = false;
        if dir.join("meta.json").exists() {
            if let Ok(index) = Index::open_in_dir(dir) {
                let payload = index.load_metas().ok().and_then(|m| m.payload).and_then(|p| Payload::decode(&p));
                match payload {
                    Some(payload) if payload.format == format && index.schema() == schema => {
                        return Self::from_index(index, fields, payload.cursor, false, format, writer_threads());
                    }
                    _ => {
                        // Stale. Before wiping, make sure nobody is writing to it.
                        analysis::register(&index);
                        let writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
                        drop(writer);
                    }
                }
            }
            was_reset = true;
        }
        for file in files {
            fs::remove_file(&file).map_err(io_error(&file))?;
        }
        let index = Index::create_in_dir(dir, schema)?;
        let mut created = Self::from_index(index, fields, None, was_reset, format, writer_threads())?;
        created.commit_payload(None)?;
        created.was_reset = was_reset;
        Ok(created)
    }

    /// An index in memory (tests, tools): one indexing thread, so document order and
    /// tie-breaks are deterministic.
    pub fn in_memory() -> Result<Self, SearchError> {
        let (schema, fields) = build_schema();
        let index = Index::create_in_ram(schema);
        let created = Self::from_index(index, fields, None, false, format_string(), 1)?;
        created.commit_payload(None)?;
        Ok(created)
    }

    fn from_index(
        index: Index,
        fields: Fields,
        cursor: Option<i64>,
        was_reset: bool,
        format: String,
        threads: usize,
    ) -> Result<Self, SearchError> {
        analysis::register(&index);
        let writer = writer(&index, threads)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(Some(writer)),
            threads,
            fields,
            cursor: RwLock::new(cursor),
            was_reset,
            format,
        })
    }

    /// Whether `open` found an index of another format (or an unreadable one) and
    /// replaced it with an empty one.
    pub fn was_reset(&self) -> bool {
        self.was_reset
    }

    /// Adds documents, replacing any with the same product id (also within the batch:
    /// the last one wins). Visible after the next [`Self::commit`].
    pub fn upsert(&self, docs: Vec<SearchDocument>) -> Result<(), SearchError> {
        let mut analyzers = Analyzers::new();
        let built: Vec<(Term, TantivyDocument)> = docs
            .iter()
            .map(|d| (self.id_term(&d.product_id.to_string()), self.build_document(d, &mut analyzers)))
            .collect();
        self.with_writer(|writer| {
            for (id, doc) in built {
                writer.delete_term(id);
                writer.add_document(doc)?;
            }
            Ok(())
        })
    }

    /// Adds documents known not to be in the index: a rebuild's, after [`Self::clear`].
    /// Unlike [`Self::upsert`] it queues no delete per document, which over a catalog
    /// of millions the writer would keep until the rebuild's commit.
    pub fn insert(&self, docs: Vec<SearchDocument>) -> Result<(), SearchError> {
        let mut analyzers = Analyzers::new();
        let built: Vec<TantivyDocument> = docs.iter().map(|d| self.build_document(d, &mut analyzers)).collect();
        self.with_writer(|writer| {
            for doc in built {
                writer.add_document(doc)?;
            }
            Ok(())
        })
    }

    /// Makes the changes so far durable without showing them to searches and without a
    /// cursor: a long rebuild checkpoints this way, so that the writer does not hold the
    /// whole catalog's work until the end, while searches keep answering from the index
    /// as it was. An index whose last commit is a checkpoint has no cursor, so a rebuild
    /// that was interrupted is started again.
    pub fn checkpoint(&self) -> Result<(), SearchError> {
        self.with_writer(|writer| {
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&Payload { format: self.format.clone(), cursor: None }.encode());
            prepared.commit()?;
            *self.cursor.write().map_err(|_| SearchError::Poisoned)? = None;
            Ok(())
        })
    }

    /// Whether each of `ids` that the committed index holds shows as in stock; ids it
    /// does not hold are left out. The follower asks this before re-indexing a product
    /// an order touched: an order changes only the stock, and the index only shows
    /// whether there is any.
    pub fn stock_states(
        &self,
        ids: &[gateway_core::ids::ProductId],
    ) -> Result<std::collections::HashMap<gateway_core::ids::ProductId, bool>, SearchError> {
        let searcher = self.reader.searcher();
        let mut states = std::collections::HashMap::with_capacity(ids.len());
        for id in ids {
            let query = TermQuery::new(self.id_term(&id.to_string()), IndexRecordOption::Basic);
            // A product id is in one document at most (upsert deletes before it adds).
            let found = searcher.search(&query, &tantivy::collector::DocSetCollector)?;
            if let Some(address) = found.into_iter().next() {
                let doc: TantivyDocument = searcher.doc(address)?;
                states.insert(*id, doc.get_first(self.fields.in_stock).and_then(|v| v.as_bool()).unwrap_or(false));
            }
        }
        Ok(states)
    }

    /// Removes documents by product id (unknown ids are ignored). Visible after the
    /// next [`Self::commit`].
    pub fn remove(&self, ids: &[gateway_core::ids::ProductId]) -> Result<(), SearchError> {
        self.with_writer(|writer| {
            for id in ids {
                writer.delete_term(self.id_term(&id.to_string()));
            }
            Ok(())
        })
    }

    /// Removes every document, committed or not (a full rebuild starts here). Visible
    /// after the next [`Self::commit`].
    pub fn clear(&self) -> Result<(), SearchError> {
        self.with_writer(|writer| {
            writer.delete_all_documents()?;
            Ok(())
        })
    }

    /// Makes every change since the last commit durable and visible, storing `cursor`
    /// (the caller's outbox position) atomically with them.
    pub fn commit(&self, cursor: i64) -> Result<(), SearchError> {
        self.commit_payload(Some(cursor))
    }

    fn commit_payload(&self, cursor: Option<i64>) -> Result<(), SearchError> {
        self.with_writer(|writer| {
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&Payload { format: self.format.clone(), cursor }.encode());
            prepared.commit()?;
            // Still under the writer lock: two commits reload in the order they committed.
            self.reader.reload()?;
            *self.cursor.write().map_err(|_| SearchError::Poisoned)? = cursor;
            Ok(())
        })
    }

    /// Waits until the background merges of segments are done, then makes the merged
    /// segments visible. Merges also become visible at the next commit; this is for
    /// tools, benchmarks and before a backup. Uncommitted changes are discarded: commit
    /// first.
    pub fn wait_for_merges(&self) -> Result<(), SearchError> {
        let mut guard = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        if let Some(writer) = guard.take() {
            writer.wait_merging_threads()?;
        }
        *guard = Some(self.new_writer()?);
        self.reader.reload()?;
        Ok(())
    }

    /// Number of segments searches go through (merges lower it).
    pub fn segment_count(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// The cursor stored by the last commit; `None` for a new or reset index.
    pub fn cursor(&self) -> Option<i64> {
        self.cursor.read().map(|c| *c).unwrap_or(None)
    }

    /// Number of documents visible to searches.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs a search on the current snapshot.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
        let searcher = self.reader.searcher();
        let plan = query::plan(&q.text, &searcher, &self.fields)?;
        let sort = match (q.sort, &plan) {
            (Sort::Relevance, None) => Sort::Newest,
            (sort, _) => sort,
        };
        let window = q.offset.saturating_add(q.limit).min(MAX_WINDOW);
        let collector = SearchCollector::new(q, sort, window, plan.is_some());
        let fruit = match &plan {
            None => searcher.search(browse_query(&self.fields, q).as_ref(), &collector)?,
            Some(Plan { strict, relaxed }) => {
                let fruit = searcher.search(strict.as_ref(), &collector)?;
                match relaxed {
                    Some(relaxed) if fruit.total == 0 => searcher.search(relaxed.as_ref(), &collector)?,
                    _ => fruit,
                }
            }
        };
        self.results(&searcher, fruit, q.offset, window)
    }

    fn results(
        &self,
        searcher: &Searcher,
        fruit: Fruit,
        offset: usize,
        window: usize,
    ) -> Result<SearchResults, SearchError> {
        let Fruit { total, top, tax_classes, states } = fruit;
        let hits = top
            .into_iter()
            .take(window)
            .skip(offset)
            .map(|Page { score, address }| self.hit(searcher, address, score))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SearchResults { total, hits, tax_classes: facets(tax_classes), states: facets(states) })
    }

    fn hit(&self, searcher: &Searcher, address: DocAddress, score: f32) -> Result<SearchHit, SearchError> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let f = &self.fields;
        let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
        let corrupt = |what: &str| SearchError::Corrupt(format!("{what} of {address:?}"));
        Ok(SearchHit {
            product_id: text(f.id).and_then(|s| s.parse().ok()).ok_or_else(|| corrupt("product id"))?,
            merchant_id: text(f.merchant_id).and_then(|s| s.parse().ok()).ok_or_else(|| corrupt("merchant id"))?,
            title_en: text(f.title_en).unwrap_or_default(),
            title_zh: text(f.title_zh),
            tax_class: text(f.tax_class).unwrap_or_default(),
            state: text(f.state).unwrap_or_default(),
            price_usd_cents: doc.get_first(f.price).and_then(|v| v.as_i64()).ok_or_else(|| corrupt("price"))?,
            in_stock: doc.get_first(f.in_stock).and_then(|v| v.as_bool()).unwrap_or(false),
            score,
        })
    }

    fn with_writer<T>(&self, f: impl FnOnce(&mut IndexWriter) -> Result<T, SearchError>) -> Result<T, SearchError> {
        let mut guard = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        if guard.is_none() {
            *guard = Some(self.new_writer()?);
        }
        match guard.as_mut() {
            Some(writer) => f(writer),
            None => Err(SearchError::Poisoned),
        }
    }

    fn new_writer(&self) -> Result<IndexWriter, SearchError> {
        writer(&self.index, self.threads)
    }

    fn id_term(&self, id: &str) -> Term {
        Term::from_field_text(self.fields.id, id)
    }

    fn build_document(&self, d: &SearchDocument, analyzers: &mut Analyzers) -> TantivyDocument {
        let f = &self.fields;
        let glossary = Glossary::embedded();
        let mut doc = TantivyDocument::new();
        let mut all = AllTerms::default();
        doc.add_text(f.id, d.product_id.to_string());
        doc.add_text(f.merchant_id, d.merchant_id.to_string());
        doc.add_text(f.title_en, &d.title_en);
        doc.add_text(f.desc_en, &d.description_en);
        all.add(&mut analyzers.en, &d.title_en);
        all.add(&mut analyzers.en, &d.description_en);
        let present =
            |text: &Option<String>| text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
        let title_zh = present(&d.title_zh);
        let desc_zh = present(&d.description_zh);
        let merchant_zh = present(&d.merchant_name_zh);
        let state = d.state.trim().to_ascii_uppercase();
        let place = states::place_text(&state);
        let mut gloss_title = String::new();
        glossary.expand_into(&d.title_en, &mut analyzers.en, &mut gloss_title);
        let mut gloss_desc = String::new();
        glossary.expand_into(&d.description_en, &mut analyzers.en, &mut gloss_desc);

        let mut zh = |field: Field, text: &str, all: &mut AllTerms, grams: bool| {
            if text.is_empty() {
                return;
            }
            doc.add_text(field, text);
            all.add(&mut analyzers.zh, text);
            if grams {
                doc.add_text(f.grams_title, text);
            }
        };
        zh(f.title_zh, title_zh.as_deref().unwrap_or_default(), &mut all, true);
        zh(f.desc_zh, desc_zh.as_deref().unwrap_or_default(), &mut all, false);
        zh(f.gloss_title, &gloss_title, &mut all, true);
        zh(f.desc_zh, &gloss_desc, &mut all, false);
        zh(f.who, &d.merchant_name_en, &mut all, false);
        zh(f.who, merchant_zh.as_deref().unwrap_or_default(), &mut all, true);
        zh(f.who, &place, &mut all, true);

        let mut head = String::new();
        let zh_head = title_zh.as_deref().and_then(chinese_head).map(str::to_string);
        for term in glossary.head_terms(&d.title_en, &mut analyzers.en).into_iter().chain(zh_head) {
            let suffixes: Vec<&str> = if term.chars().any(is_han) { han_suffixes(&term) } else { vec![term.as_str()] };
            for t in suffixes {
                head.push_str(t);
                head.push(' ');
            }
        }
        if !head.trim().is_empty() {
            doc.add_text(f.head, &head);
        }
        doc.add_text(f.words, &d.title_en);
        doc.add_text(f.words, &d.description_en);
        if states::by_code(&state).is_some() {
            all.push(state.to_ascii_lowercase());
        }
        doc.add_pre_tokenized_text(f.all, all.finish());
        doc.add_text(f.tax_class, d.tax_class.trim());
        doc.add_text(f.state, &state);
        doc.add_i64(f.price, d.price_usd_cents);
        doc.add_bool(f.in_stock, d.in_stock);
        doc.add_i64(f.created_at, d.created_at.timestamp_micros());
        doc
    }
}

/// The analyzers a document is built with, made once per batch.
pub(crate) struct Analyzers {
    en: TextAnalyzer,
    zh: TextAnalyzer,
}

impl Analyzers {
    fn new() -> Self {
        Self { en: en_analyzer(), zh: zh_analyzer() }
    }
}

/// The distinct terms of a document for the `all` field.
#[derive(Default)]
struct AllTerms {
    terms: std::collections::HashSet<String>,
}

impl AllTerms {
    fn add(&mut self, analyzer: &mut TextAnalyzer, text: &str) {
        let mut stream = analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            if !self.terms.contains(&token.text) {
                self.terms.insert(token.text.clone());
            }
        }
    }

    fn push(&mut self, term: String) {
        self.terms.insert(term);
    }

    fn finish(self) -> PreTokenizedString {
        let tokens = self
            .terms
            .into_iter()
            .enumerate()
            .map(|(position, text)| Token { offset_from: 0, offset_to: 0, position, text, position_length: 1 })
            .collect();
        PreTokenizedString { text: String::new(), tokens }
    }
}

/// The head of a Chinese title: the last word of its first run of two Han characters
/// or more ("加州烤杏仁 盐焗" → 杏仁), with the word before it when it is a single
/// character ("科纳咖啡豆" → 科纳咖啡豆, not 豆). Its dictionary suffixes (咖啡豆) are
/// indexed with it.
fn chinese_head(title_zh: &str) -> Option<&str> {
    let run = title_zh.split(|c: char| !is_han(c)).find(|run| run.chars().count() >= 2)?;
    let words = jieba().cut(run, true);
    let last = words.last()?;
    let start = match words.len().checked_sub(2).and_then(|i| words.get(i)) {
        Some(before) if last.end - last.start == 1 => before.byte_start,
        _ => last.byte_start,
    };
    run.get(start..last.byte_end)
}

/// A writer whose merge policy keeps the segment count low: every search pays a
/// dictionary lookup per term and segment, so merges start at 4 segments of a size
/// (tantivy's default is 8).
fn writer(index: &Index, threads: usize) -> Result<IndexWriter, SearchError> {
    let writer: IndexWriter = index.writer_with_num_threads(threads, threads * WRITER_MEMORY_PER_THREAD)?;
    let mut policy = LogMergePolicy::default();
    policy.set_min_num_segments(4);
    writer.set_merge_policy(Box::new(policy));
    Ok(writer)
}

fn writer_threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get().clamp(1, 2)).unwrap_or(1)
}

/// What an empty text searches. With both a tax-class and a state filter, only
/// listings that pass one of them count anywhere (in the results, or in the facet of the
/// other), so their union is enough; otherwise a facet counts over every listing.
fn browse_query(f: &Fields, q: &SearchQuery) -> Box<dyn Query> {
    match (q.tax_class.as_deref(), q.state.as_deref()) {
        (Some(tax), Some(state)) => {
            let term = |field, value: &str| -> Box<dyn Query> {
                Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
            };
            Box::new(BooleanQuery::union(vec![
                term(f.tax_class, tax.trim()),
                term(f.state, &state.trim().to_ascii_uppercase()),
            ]))
        }
        _ => Box::new(AllQuery),
    }
}

fn facets(counts: Vec<(String, u64)>) -> Vec<Facet> {
    let mut facets: Vec<Facet> =
        counts.into_iter().filter(|(_, count)| *count > 0).map(|(value, count)| Facet { value, count }).collect();
    facets.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    facets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trips() {
        for cursor in [None, Some(0), Some(-5), Some(i64::MAX)] {
            let p = Payload { format: "1.00ff".into(), cursor };
            assert_eq!(Payload::decode(&p.encode()), Some(p));
        }
        assert_eq!(Payload::decode("something else"), None);
        assert_eq!(Payload::decode("gateway-search;format=1;cursor=x"), None);
    }

    #[test]
    fn finds_the_head_of_a_chinese_title() {
        // A compound of the glossary stays whole; the index's search mode adds 蜂蜜.
        assert!(chinese_head("密歇根生野花蜂蜜 454克").is_some_and(|h| h.ends_with("蜂蜜")));
        assert!(chinese_head("100%科纳咖啡豆 一磅").is_some_and(|h| h.ends_with("咖啡豆")));
        assert!(chinese_head("加州烤杏仁 盐焗 两磅装").is_some_and(|h| h.ends_with("杏仁")));
        assert_eq!(chinese_head("T恤"), None);
    }

    #[test]
    fn recognizes_tantivy_files() {
        assert!(is_tantivy_file("meta.json"));
        assert!(is_tantivy_file("0123456789abcdef0123456789abcdef.idx"));
        assert!(is_tantivy_file("0123456789abcdef0123456789abcdef.12.del"));
        assert!(!is_tantivy_file("notes.txt"));
        assert!(!is_tantivy_file("gateway.sqlite"));
    }
}
