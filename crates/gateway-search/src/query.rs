//! From the shopper's text to a tantivy query.
//!
//! The text is cut into words: runs of Han characters are segmented with jieba (the
//! same dictionary as the index), other runs of letters and digits are English-like
//! words. Every word must match; stop words and particles (the, for, 的, 美国 …) may.
//! A word matches through the `all` field (every term of every searchable field of the
//! listing) or one of its fallbacks below, and scores the sum of its weighted BM25 in
//! each field it occurs in:
//!
//! - English word: its stem in the English title and description, in the Chinese title
//!   (Latin words inside Chinese titles), in the merchant and state names; a USPS code
//!   ("MI") in the state field; if (nearly) no listing has the word, the words of
//!   titles and descriptions within edit distance 1 (4+ letters) or 2 (8+ letters) of
//!   it; for the last word of the query, words that start with it ("map" finds maple).
//! - Chinese word: the word in the merchant's Chinese title and description, in the
//!   glossary expansions of the English title and description, and in the merchant and
//!   state names; its character pairs in the gram field (so segmentation differences
//!   between query and listing cannot lose the match); and, for a word of three
//!   characters or more, all of its dictionary sub-words (樱桃干 → 樱桃 + 干). A word
//!   that already matches [`COMMON_DOC_FREQ`] listings as a word skips these fallbacks.
//!
//! Typo and prefix expansions are resolved against the term dictionaries here (at most
//! a few terms each, the most frequent first), so they are scored by BM25 like any term
//! and cost nothing when they expand to nothing.

use std::collections::HashMap;

use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::analysis::{en_analyzer, en_raw_analyzer, is_han, jieba, normalize_width, query_grams, terms};
use crate::index::Fields;
use crate::states;

// Field weights. The merchant's own title (either language) weighs most, then the
// glossary expansion of the English title, then descriptions and names.
const W_TITLE_EN: f32 = 3.0;
const W_TITLE_ZH: f32 = 3.0;
const W_GLOSS_TITLE: f32 = 2.0;
const W_DESC_EN: f32 = 1.0;
/// The merchant's Chinese description and the glossary expansion of the English one.
const W_DESC_ZH: f32 = 0.8;
/// Merchant names and state names.
const W_WHO: f32 = 1.5;
/// Gram fallback: a word found only as characters weighs less than the word.
const W_GRAMS: f32 = 1.0;
/// A Chinese word matched through all of its sub-words (shared among them).
const W_PIECES: f32 = 0.8;
/// A two-character word ending in the noun suffix 子 or 儿 matched by its first
/// character (袜子 in 羊毛袜).
const W_SUFFIXLESS: f32 = 0.5;
/// Bonus when the word is the head of the title (almond in "Roasted Almonds", not in
/// "Almond Butter").
const W_HEAD: f32 = 2.0;
/// Typo and prefix expansions, relative to the exact word in the same field, times a
/// typical BM25 score: expansions score a constant, since an expanded term's rarity
/// says nothing about the listing ("honey" → "honeycrisp" is rare, not relevant).
const W_FUZZY: f32 = 0.4;
const W_PREFIX: f32 = 0.6;
const EXPANSION_SCORE: f32 = 3.0;
/// Most expansions kept per word and field.
const MAX_EXPANSIONS: usize = 8;
/// A word that already matches this many listings as a word skips the fallbacks that
/// exist for segmentation differences and typos (grams, sub-words, edit-distance
/// expansions): they would add a few low-ranked matches to thousands, at the cost of
/// long posting lists. Small catalogs never reach it.
const COMMON_DOC_FREQ: u64 = 1000;
/// An English word typo expansion is tried for: one that (nearly) no listing has.
const TYPO_MAX_DOC_FREQ: u64 = 10;
/// Most dictionary words looked at per prefix and segment.
const MAX_PREFIX_SCAN: usize = 512;

/// English words that need not match.
const EN_STOP: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "for", "with", "in", "on", "to", "from", "by", "at", "is", "are", "it", "its",
    "this", "that", "my", "your", "our", "as", "be", "us", "usa", "american", "made",
];

/// Chinese words that need not match (particles, shopping filler; every product here
/// is American).
const ZH_STOP: &[&str] = &[
    "的", "了", "和", "与", "及", "或", "在", "是", "有", "我", "要", "买", "个", "款", "之", "美国", "美式", "进口",
    "正品", "包邮", "原装", "代购", "直邮", "一个", "请", "求", "推荐",
];

/// Lower-case two-letter words that are English first and a state code only when
/// typed in capitals ("MI honey" is Michigan; "oh" is not Ohio).
const CODE_WORDS: &[&str] = &["in", "or", "me", "hi", "ok", "oh", "id", "de", "pa", "la", "ma", "co", "al", "mo"];

/// A word of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Word {
    /// `raw`: lower-cased and folded, as the words field has it; `stem`: as the English
    /// fields have it.
    Latin {
        raw: String,
        stem: String,
        capitals: bool,
    },
    Han(String),
}

impl Word {
    fn optional(&self) -> bool {
        match self {
            Word::Latin { raw, .. } => EN_STOP.contains(&raw.as_str()) || raw.chars().count() == 1,
            Word::Han(w) => ZH_STOP.contains(&w.as_str()),
        }
    }
}

/// The words of a query text.
pub(crate) fn words(text: &str) -> Vec<Word> {
    let text = normalize_width(text);
    let mut analyzer = en_analyzer();
    let mut raw_analyzer = en_raw_analyzer();
    let mut out = Vec::new();
    let mut run = String::new();
    let mut run_han = false;
    let mut flush = |run: &mut String, han: bool, out: &mut Vec<Word>| {
        if run.is_empty() {
            return;
        }
        if han {
            for token in jieba().cut(run, true) {
                if token.word.chars().any(char::is_alphanumeric) {
                    out.extend(split_stop_affixes(token.word).into_iter().map(|w| Word::Han(w.to_string())));
                }
            }
        } else if let (Some(stem), Some(raw)) =
            (terms(&mut analyzer, run).into_iter().next(), terms(&mut raw_analyzer, run).into_iter().next())
        {
            let capitals = run.chars().all(|c| c.is_ascii_uppercase());
            out.push(Word::Latin { raw, stem, capitals });
        }
        run.clear();
    };
    for c in text.chars() {
        let han = is_han(c);
        if !(han || c.is_alphanumeric()) {
            flush(&mut run, run_han, &mut out);
            continue;
        }
        if !run.is_empty() && han != run_han {
            flush(&mut run, run_han, &mut out);
        }
        run.push(c);
        run_han = han;
    }
    flush(&mut run, run_han, &mut out);
    out
}

/// A word with the multi-character stop words it starts or ends with split off
/// (jieba may keep 美国进口 together): 美国进口 → 美国, 进口.
fn split_stop_affixes(word: &str) -> Vec<&str> {
    let stops = || ZH_STOP.iter().filter(|s| s.chars().count() >= 2);
    let mut before = Vec::new();
    let mut after = Vec::new();
    let mut rest = word;
    while let Some(stop) = stops().find(|s| rest.len() > s.len() && rest.starts_with(**s)) {
        before.push(*stop);
        rest = &rest[stop.len()..];
    }
    while let Some(stop) = stops().find(|s| rest.len() > s.len() && rest.ends_with(**s)) {
        after.insert(0, *stop);
        rest = &rest[..rest.len() - stop.len()];
    }
    before.push(rest);
    before.extend(after);
    before
}

/// The queries of a search: all words required, and (for three words or more) a
/// relaxed one where one word may miss, tried when the strict one finds nothing.
pub(crate) struct Plan {
    pub strict: Box<dyn Query>,
    pub relaxed: Option<Box<dyn Query>>,
}

/// `None` when the text has no words (search everything).
pub(crate) fn plan(text: &str, searcher: &Searcher, f: &Fields) -> tantivy::Result<Option<Plan>> {
    let words = words(text);
    let last_latin = words.iter().rposition(|w| matches!(w, Word::Latin { .. }));
    let mut required: Vec<Box<dyn Query>> = Vec::new();
    let mut optional: Vec<Box<dyn Query>> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let is_last = i + 1 == words.len() && last_latin == Some(i);
        let clause = match word {
            Word::Latin { raw, stem, capitals } => {
                let expansions = expansions(searcher, f, raw, stem, is_last)?;
                latin_clause(f, stem, raw, *capitals, &expansions)
            }
            Word::Han(w) => han_clause(searcher, f, w)?,
        };
        if word.optional() { optional.push(clause) } else { required.push(clause) }
    }
    if required.is_empty() {
        std::mem::swap(&mut required, &mut optional);
    }
    if required.is_empty() {
        return Ok(None);
    }
    let relaxed = (required.len() >= 3).then(|| {
        let n = required.len();
        let inner =
            BooleanQuery::union_with_minimum_required_clauses(required.iter().map(|q| q.box_clone()).collect(), n - 1);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(inner))];
        clauses.extend(optional.iter().map(|q| (Occur::Should, q.box_clone())));
        Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>
    });
    // Optional words only add to the score: each is its own lazily read link, so they
    // cost nothing for listings that do not match every required word.
    let required: Box<dyn Query> = if required.len() == 1 {
        required.remove(0)
    } else {
        Box::new(BooleanQuery::new(required.into_iter().map(|q| (Occur::Must, q)).collect()))
    };
    Ok(Some(Plan { strict: chain(required, optional), relaxed }))
}

fn term(field: Field, text: &str, weight: f32) -> Box<dyn Query> {
    let query = TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs);
    Box::new(BoostQuery::new(Box::new(query), weight))
}

fn const_term(field: Field, text: &str, score: f32) -> Box<dyn Query> {
    let query = TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic);
    Box::new(ConstScoreQuery::new(Box::new(query), score))
}

/// `matcher`, scored by the sum of the `links` that match too. Each link is a
/// required-optional pair whose optional side tantivy reads only when the listing is
/// scored, i.e. only for listings that match the whole query. (A disjunction of the
/// links would be read window by window for every listing the other words are tried
/// on.)
fn chain(matcher: Box<dyn Query>, links: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    links
        .into_iter()
        .fold(matcher, |acc, link| Box::new(BooleanQuery::new(vec![(Occur::Must, acc), (Occur::Should, link)])))
}

/// Matches (with no score of its own) if any of the queries does.
fn any_of(mut matchers: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if matchers.len() == 1 {
        return matchers.remove(0);
    }
    Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::union(matchers)), 0.0))
}

fn latin_clause(f: &Fields, stem: &str, raw: &str, capitals: bool, expansions: &[(String, f32)]) -> Box<dyn Query> {
    let mut matchers = vec![const_term(f.all, stem, 0.0)];
    let mut links = vec![
        term(f.title_en, stem, W_TITLE_EN),
        term(f.desc_en, stem, W_DESC_EN),
        term(f.title_zh, stem, W_TITLE_ZH),
        term(f.who, stem, W_WHO),
        term(f.head, stem, W_HEAD),
    ];
    if raw.len() == 2
        && (capitals || !CODE_WORDS.contains(&raw))
        && let Some(state) = states::by_code(raw)
    {
        // The index has the code in `all` as a word; the state field scores it.
        links.push(const_term(f.state, state.code, W_WHO * 2.0));
    }
    for (expansion, factor) in expansions {
        let score = factor * EXPANSION_SCORE;
        matchers.push(const_term(f.all, expansion, 0.0));
        links.push(const_term(f.title_en, expansion, W_TITLE_EN * score));
        links.push(const_term(f.desc_en, expansion, W_DESC_EN * score));
        links.push(const_term(f.head, expansion, W_HEAD * score));
    }
    chain(any_of(matchers), links)
}

/// Typo and prefix expansions of an English word, as stems with their weight factor:
/// words of the titles and descriptions (as written) within edit distance 1 (4–7
/// letters) or 2 (8+) of the word, and, for the last word of the query, words that
/// start with it; the most frequent first, at most [`MAX_EXPANSIONS`] of each kind.
fn expansions(
    searcher: &Searcher,
    f: &Fields,
    raw: &str,
    stem: &str,
    is_last: bool,
) -> tantivy::Result<Vec<(String, f32)>> {
    let letters = raw.chars().count();
    if raw.chars().any(|c| c.is_ascii_digit()) {
        return Ok(Vec::new());
    }
    let df = |field| searcher.doc_freq(&Term::from_field_text(field, stem));
    let distance = match letters {
        0..=3 => 0,
        _ if df(f.title_en)? + df(f.desc_en)? >= TYPO_MAX_DOC_FREQ => 0,
        4..=7 => 1,
        _ => 2,
    };
    let mut typos: HashMap<Vec<u8>, u64> = HashMap::new();
    let mut prefixed: HashMap<Vec<u8>, u64> = HashMap::new();
    let automaton = if distance > 0 {
        Some(FuzzyTermQuery::new(Term::from_field_text(f.words, raw), distance, true).automaton()?)
    } else {
        None
    };
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(f.words)?;
        if let Some(automaton) = &automaton {
            let mut terms = inverted.terms().search(automaton).into_stream()?;
            while terms.advance() {
                *typos.entry(terms.key().to_vec()).or_default() += u64::from(terms.value().doc_freq);
            }
        }
        if is_last && letters >= 3 {
            let mut terms = inverted.terms().range().ge(raw.as_bytes()).into_stream()?;
            let mut scanned = 0;
            while scanned < MAX_PREFIX_SCAN && terms.advance() && terms.key().starts_with(raw.as_bytes()) {
                scanned += 1;
                *prefixed.entry(terms.key().to_vec()).or_default() += u64::from(terms.value().doc_freq);
            }
        }
    }
    // A last word that some words start with is being typed, not mistyped.
    if !best(prefixed.clone(), "", &mut en_analyzer()).is_empty() {
        typos.clear();
    }
    let mut analyzer = en_analyzer();
    let mut out: Vec<(String, f32)> = Vec::new();
    for (found, factor) in [(prefixed, W_PREFIX), (typos, W_FUZZY)] {
        for expansion in best(found, stem, &mut analyzer) {
            if !out.iter().any(|(e, _)| *e == expansion) {
                out.push((expansion, factor));
            }
        }
    }
    Ok(out)
}

/// The stems of the words found, without `exclude`, the most frequent first, at most
/// [`MAX_EXPANSIONS`].
fn best(found: HashMap<Vec<u8>, u64>, exclude: &str, analyzer: &mut tantivy::tokenizer::TextAnalyzer) -> Vec<String> {
    let mut by_stem: HashMap<String, u64> = HashMap::new();
    for (word, freq) in found {
        let Ok(word) = String::from_utf8(word) else { continue };
        if let Some(stem) = terms(analyzer, &word).into_iter().next().filter(|s| s != exclude) {
            *by_stem.entry(stem).or_default() += freq;
        }
    }
    let mut found: Vec<(String, u64)> = by_stem.into_iter().collect();
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    found.truncate(MAX_EXPANSIONS);
    found.into_iter().map(|(k, _)| k).collect()
}

/// What makes a Chinese word (or sub-word) match: the word itself in any field, and,
/// when `fallbacks`, its grams (a word of two characters that the dictionary knows is
/// a word of the index wherever it occurs: search mode emits it inside longer words
/// too, so its gram would only repeat the same matches).
fn han_matcher(f: &Fields, unit: &str, fallbacks: bool) -> Box<dyn Query> {
    let mut matchers = vec![const_term(f.all, unit, 0.0)];
    match unit.chars().count() {
        1 => matchers.push(const_term(f.grams_title, unit, 0.0)),
        2 if jieba().has_word(unit) => {}
        _ if fallbacks => matchers.push(Box::new(ConstScoreQuery::new(grams(f.grams_title, unit, 1.0), 0.0))),
        _ => {}
    }
    any_of(matchers)
}

/// The conjunction of a unit's grams, weighted so that a long word's many grams do
/// not outweigh a short word's one.
fn grams(field: Field, unit: &str, weight: f32) -> Box<dyn Query> {
    let grams = query_grams(unit);
    if grams.len() <= 1 {
        return term(field, grams.first().map_or(unit, String::as_str), weight);
    }
    let n = grams.len() as f32;
    let all = BooleanQuery::intersection(grams.iter().map(|g| term(field, g, 1.0)).collect());
    Box::new(BoostQuery::new(Box::new(all), weight / n))
}

fn han_clause(searcher: &Searcher, f: &Fields, word: &str) -> tantivy::Result<Box<dyn Query>> {
    let chars: Vec<char> = word.chars().collect();
    let df = |field| searcher.doc_freq(&Term::from_field_text(field, word));
    let fallbacks = chars.len() < 3 || df(f.all)? < COMMON_DOC_FREQ;
    let mut matchers = vec![han_matcher(f, word, fallbacks)];
    let mut links = vec![
        term(f.title_zh, word, W_TITLE_ZH),
        term(f.gloss_title, word, W_GLOSS_TITLE),
        term(f.desc_zh, word, W_DESC_ZH),
        term(f.who, word, W_WHO),
        term(f.head, word, W_HEAD),
    ];
    match chars.len() {
        // A single character is rarely a word of its own in the index (茶 inside 绿茶,
        // 茶包): its gram stands for the word and weighs like a glossary match.
        1 => links.push(term(f.grams_title, word, W_GLOSS_TITLE)),
        2 => {}
        _ if fallbacks => links.push(grams(f.grams_title, word, W_GRAMS)),
        _ => {}
    }
    let pieces = if fallbacks { pieces(word) } else { Vec::new() };
    if pieces.len() >= 2 {
        let all = BooleanQuery::intersection(pieces.iter().map(|p| han_matcher(f, p, true)).collect());
        matchers.push(Box::new(all));
        let scored = BooleanQuery::intersection(pieces.iter().map(|p| han_matcher(f, p, true)).collect());
        links.push(Box::new(ConstScoreQuery::new(Box::new(scored), W_PIECES)));
    }
    if let [first, '子' | '儿'] = chars[..]
        && is_han(first)
    {
        let first = first.to_string();
        matchers.push(const_term(f.grams_title, &first, 0.0));
        links.push(const_term(f.grams_title, &first, W_GRAMS * W_SUFFIXLESS * EXPANSION_SCORE));
    }
    Ok(chain(any_of(matchers), links))
}

/// The dictionary sub-words covering a word of three characters or more, left to
/// right, longest first, single characters where no sub-word covers one.
pub(crate) fn pieces(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    if n < 3 || !chars.iter().all(|c| is_han(*c)) {
        return Vec::new();
    }
    let subs: Vec<(usize, usize)> =
        jieba().cut_for_search(word, false).iter().map(|t| (t.start, t.end)).filter(|&(s, e)| e - s < n).collect();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < n {
        let end = subs.iter().filter(|&&(s, _)| s == pos).map(|&(_, e)| e).max().unwrap_or(pos + 1);
        out.push(chars[pos..end].iter().collect());
        pos = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latin(raw: &str, stem: &str) -> Word {
        Word::Latin { raw: raw.into(), stem: stem.into(), capitals: false }
    }

    #[test]
    fn mixed_text_is_cut_into_words() {
        assert_eq!(words("密歇根 honey"), [Word::Han("密歇根".into()), latin("honey", "honey")]);
        assert_eq!(words("有机honey"), [Word::Han("有机".into()), latin("honey", "honey")]);
        assert_eq!(words("Dried  Cherries!"), [latin("dried", "dri"), latin("cherries", "cherri")]);
        assert_eq!(words("ＭＩ honey")[0], Word::Latin { raw: "mi".into(), stem: "mi".into(), capitals: true });
        assert!(words(" ，。!? ").is_empty());
    }

    #[test]
    fn stop_words_are_optional() {
        let w = words("honey for the 美国 的 蜂蜜");
        let optional: Vec<bool> = w.iter().map(Word::optional).collect();
        assert_eq!(optional, [false, true, true, true, true, false]);
    }

    #[test]
    fn stop_affixes_are_split_off() {
        assert_eq!(split_stop_affixes("美国进口"), ["美国", "进口"]);
        assert_eq!(split_stop_affixes("进口蜂蜜正品"), ["进口", "蜂蜜", "正品"]);
        assert_eq!(split_stop_affixes("蜂蜜"), ["蜂蜜"]);
        assert_eq!(split_stop_affixes("美国"), ["美国"]);
    }

    #[test]
    fn compounds_are_covered_by_sub_words() {
        assert_eq!(pieces("野花蜂蜜"), ["野花", "蜂蜜"]);
        assert_eq!(pieces("樱桃干"), ["樱桃", "干"]);
        assert!(pieces("蜂蜜").is_empty());
    }
}
