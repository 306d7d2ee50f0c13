//! The bilingual product glossary (English → simplified Chinese), embedded in the binary.
//!
//! Why: most merchants list in English only, and shoppers search in Chinese. No
//! translation model is available offline, so each listing is expanded at index time
//! with the Chinese of the glossary terms found in its English title and description:
//! "Dried Tart Cherries" is indexed with 樱桃干 and 酸, so 樱桃干 and 樱桃 find it. The
//! same matching suggests a Chinese title a merchant can accept or edit.
//!
//! Format of `data/glossary.tsv` (maintained separately, see `data/GLOSSARY.md`): lines
//! starting with `#` are comments; other lines are `english<TAB>chinese<TAB>kind`, the
//! English a lowercase singular phrase of 1–3 words, the kind one of `product`,
//! `category`, `attribute`, `place`. An English term may have several lines (the first
//! is the preferred rendering) and a Chinese term several English ones. Lines that do
//! not fit are skipped and counted ([`Glossary::malformed_lines`]); none may panic.
//!
//! Matching works on English words as the index sees them (lower-cased, folded,
//! stemmed, so "Cherries" meets "cherry"), within one clause of text (punctuation ends a
//! phrase). Terms are found leftmost-longest: "ice cream" is 冰淇淋, not 冰 + 面霜. A
//! phrase may also match with one other word inside it ("dried *tart* cherries" matches
//! "dried cherry"), unless that word is a conjunction or preposition ("cherry and apple").

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::Serialize;
use tantivy::tokenizer::TextAnalyzer;

use crate::analysis::{en_analyzer, en_raw_analyzer, is_han, terms};

const EMBEDDED: &str = include_str!("../data/glossary.tsv");

/// What a glossary term names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TermKind {
    Product,
    Category,
    Attribute,
    Place,
}

impl TermKind {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "product" => Some(Self::Product),
            "category" => Some(Self::Category),
            "attribute" => Some(Self::Attribute),
            "place" => Some(Self::Place),
            _ => None,
        }
    }
}

/// One line of the glossary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlossaryEntry {
    pub english: String,
    pub chinese: String,
    pub kind: TermKind,
}

/// The parsed glossary, indexed by the stemmed words of its English terms.
#[derive(Debug)]
pub struct Glossary {
    entries: Vec<GlossaryEntry>,
    /// Stemmed English words joined by one space → index into `lists`.
    by_key: HashMap<String, u32>,
    /// The entries of each key, in file order (never empty).
    lists: Vec<Vec<u32>>,
    /// First stemmed word of every term of two words or more.
    phrase_starts: HashSet<String>,
    max_words: usize,
    malformed: Vec<usize>,
    fingerprint: u64,
}

/// Words that may not stand in the gap of a phrase match.
const GAP_BREAKERS: &[&str] = &["and", "or", "with", "without", "for", "in", "on", "to", "from", "by", "of", "n"];

/// Words that end the part of a title its head is taken from.
const HEAD_CONNECTORS: &[&str] = &["with", "without", "for", "in", "from", "by"];

/// Sizes, counts, packaging, cuts and audiences, skipped at the end of a title's first
/// clause when looking for its head ("Star Thistle Honey 12 oz Jar" → honey). Stemmed.
fn head_skip_words() -> &'static HashSet<String> {
    static SKIP: OnceLock<HashSet<String>> = OnceLock::new();
    SKIP.get_or_init(|| {
        const WORDS: &str = "oz ounce lb lbs pound g gram kg ml l liter litre fl qt quart gal gallon count ct \
            pack pk pc pcs piece pair set box bag jar tin bottle can canned inch mm cm mah w iu mg mcg x bar square \
            stick gift sampler assorted size dozen s man woman kid original style case pouch tub roll refill half \
            kernel slice flake granule";
        let mut analyzer = en_analyzer();
        WORDS.split_whitespace().flat_map(|w| terms(&mut analyzer, w)).collect()
    })
}

/// Characters that end a phrase: a glossary term never matches across them.
fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '/'
            | '|'
            | '"'
            | '\n'
            | '\r'
            | '\t'
            | '•'
            | '·'
            | '+'
            | '='
    )
}

/// A term found in a text: `window` words starting at `start`, all of them part of the
/// term except the one at `gap`, if any.
#[derive(Debug, Clone, Copy)]
struct Found {
    start: usize,
    window: usize,
    gap: Option<usize>,
    /// Index into `Glossary::lists`.
    list: u32,
}

impl Found {
    fn words(&self) -> usize {
        self.window - usize::from(self.gap.is_some())
    }
}

impl Glossary {
    /// The glossary compiled into this binary, parsed on first use.
    pub fn embedded() -> &'static Glossary {
        static GLOSSARY: OnceLock<Glossary> = OnceLock::new();
        GLOSSARY.get_or_init(|| Glossary::parse(EMBEDDED))
    }

    /// Parses glossary text; malformed lines are skipped and counted, never fatal.
    pub fn parse(text: &str) -> Glossary {
        let mut analyzer = en_analyzer();
        let mut glossary = Glossary {
            entries: Vec::new(),
            by_key: HashMap::new(),
            lists: Vec::new(),
            phrase_starts: HashSet::new(),
            max_words: 1,
            malformed: Vec::new(),
            fingerprint: fnv1a(text.as_bytes()),
        };
        for (number, line) in text.lines().enumerate() {
            let line = line.trim_start_matches('\u{feff}').trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((entry, words)) = parse_line(line, &mut analyzer) else {
                glossary.malformed.push(number + 1);
                continue;
            };
            let Ok(index) = u32::try_from(glossary.entries.len()) else {
                glossary.malformed.push(number + 1);
                continue;
            };
            glossary.max_words = glossary.max_words.max(words.len());
            if words.len() > 1 {
                glossary.phrase_starts.insert(words[0].clone());
            }
            let Ok(next_slot) = u32::try_from(glossary.lists.len()) else {
                glossary.malformed.push(number + 1);
                continue;
            };
            let slot = *glossary.by_key.entry(words.join(" ")).or_insert(next_slot);
            if slot == next_slot {
                glossary.lists.push(Vec::new());
            }
            if let Some(list) = glossary.lists.get_mut(slot as usize) {
                list.push(index);
            }
            glossary.entries.push(entry);
        }
        glossary
    }

    /// Number of entries (lines) parsed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, in file order.
    pub fn entries(&self) -> &[GlossaryEntry] {
        &self.entries
    }

    /// 1-based numbers of the lines that were skipped as malformed.
    pub fn malformed_lines(&self) -> &[usize] {
        &self.malformed
    }

    /// A hash of the glossary text: part of the index version, so a new glossary
    /// rebuilds the index (its expansions would be stale otherwise).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The entries whose English is this phrase, in any inflection ("Cherries").
    pub fn lookup(&self, english: &str) -> Vec<&GlossaryEntry> {
        let key = terms(&mut en_analyzer(), english).join(" ");
        self.by_key.get(&key).map(|&slot| self.entries_of(slot).collect()).unwrap_or_default()
    }

    /// A suggested Chinese title for an English one, made of the preferred renderings of
    /// the terms found, in the order of the English (a word inside a phrase match goes
    /// before the phrase: "Dried Tart Cherries" → 酸樱桃干). Words the glossary does not
    /// know (brands, sizes) are left out for the merchant to add. `None` when no product
    /// or category term is found, since a title of adjectives alone would mislead.
    pub fn suggest_title_zh(&self, title_en: &str) -> Option<String> {
        let mut analyzer = en_analyzer();
        let mut pieces: Vec<(usize, usize, &str)> = Vec::new(); // (clause, anchor, chinese)
        let mut named_a_thing = false;
        for (clause, words) in clauses(title_en, &mut analyzer).iter().enumerate() {
            for found in self.find(words) {
                let Some(entry) = self.entries_of(found.list).next() else { continue };
                named_a_thing |= matches!(entry.kind, TermKind::Product | TermKind::Category);
                // A gap match is anchored at its last word, so the gap word's own
                // translation (a modifier, usually) comes first.
                let anchor = if found.gap.is_some() { found.start + found.window - 1 } else { found.start };
                pieces.push((clause, anchor, entry.chinese.as_str()));
            }
        }
        if !named_a_thing {
            return None;
        }
        pieces.sort_by_key(|&(clause, anchor, _)| (clause, anchor));
        let mut title = String::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for (_, _, chinese) in pieces {
            if !seen.insert(chinese) {
                continue;
            }
            let joins_latin = title.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
                && chinese.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
            if joins_latin {
                title.push(' ');
            }
            title.push_str(chinese);
        }
        Some(title)
    }

    /// The Chinese of every term found in an English text (all renderings of each term,
    /// space-separated, repeated as often as the term is), appended to `out`.
    pub(crate) fn expand_into(&self, text: &str, analyzer: &mut TextAnalyzer, out: &mut String) {
        for words in clauses(text, analyzer) {
            for found in self.find(&words) {
                for entry in self.entries_of(found.list) {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(&entry.chinese);
                }
            }
        }
    }

    /// The head of an English title and its Chinese: the last word of its first clause
    /// (before a comma, "with", "for" …), skipping sizes, counts and packaging ("Raw
    /// Unsalted Almonds, 3 lb Bag" → almond; "Honey Roasted Peanuts" → peanut), as
    /// the index stems it, followed by every rendering of the glossary term that covers
    /// it (杏仁, 花生). The index weighs a match on the head above one on a modifier.
    pub(crate) fn head_terms(&self, title_en: &str, analyzer: &mut TextAnalyzer) -> Vec<String> {
        let Some(words) = title_en.split(is_clause_break).map(|c| terms(analyzer, c)).find(|w| !w.is_empty()) else {
            return Vec::new();
        };
        let skip = head_skip_words();
        let end = words.iter().position(|w| HEAD_CONNECTORS.contains(&w.as_str())).filter(|&p| p > 0);
        let mut words = words;
        words.truncate(end.unwrap_or(usize::MAX));
        while words.last().is_some_and(|w| skip.contains(w) || w.chars().any(|c| c.is_ascii_digit())) {
            words.pop();
        }
        let Some(head) = words.len().checked_sub(1) else { return Vec::new() };
        // The head as written: whoever indexes it stems it once (stemming is not idempotent).
        let clause = title_en.split(is_clause_break).find(|c| !terms(analyzer, c).is_empty()).unwrap_or_default();
        let written = terms(&mut en_raw_analyzer(), clause);
        let mut out = vec![written.get(head).cloned().unwrap_or_else(|| words[head].clone())];
        for found in self.find(&words) {
            let covers = (found.start..found.start + found.window).contains(&head) && found.gap != Some(head);
            if covers {
                out.extend(self.entries_of(found.list).map(|e| e.chinese.clone()));
            }
        }
        // And the head word's own renderings when a phrase covered it ("pecan pie":
        // 碧根果派 and 派), since the index does not split off single characters.
        if let Some(&list) = self.by_key.get(&words[head]) {
            for entry in self.entries_of(list) {
                if !out.contains(&entry.chinese) {
                    out.push(entry.chinese.clone());
                }
            }
        }
        out
    }

    /// The Chinese of the terms found in an English text, as [`Glossary::expand_into`].
    pub fn expand(&self, text: &str) -> String {
        let mut out = String::new();
        self.expand_into(text, &mut en_analyzer(), &mut out);
        out
    }

    /// The entries of one key, in file order.
    fn entries_of(&self, list: u32) -> impl Iterator<Item = &GlossaryEntry> {
        self.lists.get(list as usize).into_iter().flatten().filter_map(|&i| self.entries.get(i as usize))
    }

    /// Leftmost-longest tiling of a clause's words with glossary terms.
    fn find(&self, words: &[String]) -> Vec<Found> {
        let n = words.len();
        let mut covered = vec![false; n];
        let mut found = Vec::new();
        let mut key = String::new();
        for i in 0..n {
            if covered[i] {
                continue;
            }
            let mut best: Option<Found> = None;
            // Contiguous, longest first.
            for len in (1..=self.max_words.min(n - i)).rev() {
                if covered[i..i + len].iter().any(|&c| c) {
                    continue;
                }
                join_into(&mut key, words[i..i + len].iter());
                if let Some(&list) = self.by_key.get(&key) {
                    best = Some(Found { start: i, window: len, gap: None, list });
                    break;
                }
            }
            // With one word in the gap, only where a phrase may start.
            if self.phrase_starts.contains(&words[i]) {
                for len in (2..=self.max_words).rev() {
                    if best.is_some_and(|b| b.words() >= len) || i + len + 1 > n {
                        continue;
                    }
                    for gap in i + 1..i + len {
                        if covered[i..i + len + 1].iter().enumerate().any(|(k, &c)| c && i + k != gap)
                            || GAP_BREAKERS.contains(&words[gap].as_str())
                        {
                            continue;
                        }
                        join_into(&mut key, (i..i + len + 1).filter(|&k| k != gap).map(|k| &words[k]));
                        if let Some(&list) = self.by_key.get(&key) {
                            best = Some(Found { start: i, window: len + 1, gap: Some(gap), list });
                            break;
                        }
                    }
                }
            }
            if let Some(b) = best {
                for (k, slot) in covered.iter_mut().enumerate().skip(b.start).take(b.window) {
                    if Some(k) != b.gap {
                        *slot = true;
                    }
                }
                found.push(b);
            }
        }
        found
    }
}

fn join_into<'a>(key: &mut String, words: impl Iterator<Item = &'a String>) {
    key.clear();
    for w in words {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(w);
    }
}

/// The analyzed words of each clause of a text.
fn clauses(text: &str, analyzer: &mut TextAnalyzer) -> Vec<Vec<String>> {
    text.split(is_clause_break).map(|clause| terms(analyzer, clause)).filter(|words| !words.is_empty()).collect()
}

fn parse_line(line: &str, analyzer: &mut TextAnalyzer) -> Option<(GlossaryEntry, Vec<String>)> {
    let mut columns = line.split('\t');
    let (english, chinese, kind) = (columns.next()?.trim(), columns.next()?.trim(), columns.next()?.trim());
    if columns.next().is_some() || english.is_empty() || !chinese.chars().any(is_han) {
        return None;
    }
    let kind = TermKind::parse(kind)?;
    let words = terms(analyzer, english);
    if words.is_empty() {
        return None;
    }
    let entry = GlossaryEntry { english: english.to_lowercase(), chinese: chinese.to_string(), kind };
    Some((entry, words))
}

/// FNV-1a, 64 bits: stable across builds and platforms (unlike std's hasher).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# comment\n\
        honey\t蜂蜜\tproduct\n\
        honey\t蜜\tproduct\n\
        wildflower\t野花\tattribute\n\
        dried cherry\t樱桃干\tproduct\n\
        cherry\t樱桃\tproduct\n\
        tart\t酸\tattribute\n\
        ice cream\t冰淇淋\tproduct\n\
        cream\t面霜\tproduct\n\
        apple\t苹果\tproduct\n\
        organic\t有机\tattribute\n\
        \n\
        broken line without tabs\n\
        too\tmany\tcolumns\there\n\
        dog food\t狗粮\tunknown-kind\n\
        empty chinese\t\tproduct\n\
        latin only\tabc\tproduct\n";

    #[test]
    fn parses_and_counts_malformed_lines() {
        let g = Glossary::parse(SAMPLE);
        assert_eq!(g.len(), 10);
        assert_eq!(g.malformed_lines(), &[13, 14, 15, 16, 17]);
        assert_eq!(g.lookup("Cherries").iter().map(|e| e.chinese.as_str()).collect::<Vec<_>>(), ["樱桃"]);
        assert_eq!(g.lookup("honey").len(), 2);
    }

    #[test]
    fn suggests_titles() {
        let g = Glossary::parse(SAMPLE);
        assert_eq!(g.suggest_title_zh("Wildflower Honey").as_deref(), Some("野花蜂蜜"));
        assert_eq!(g.suggest_title_zh("Dried Tart Cherries, 16 oz").as_deref(), Some("酸樱桃干"));
        assert_eq!(g.suggest_title_zh("Sleeping Bear Organic Raw Honey").as_deref(), Some("有机蜂蜜"));
        assert_eq!(g.suggest_title_zh("Vanilla Ice Cream").as_deref(), Some("冰淇淋"));
        assert_eq!(g.suggest_title_zh("Organic Wildflower"), None, "no product named");
        assert_eq!(g.suggest_title_zh("Blue Widget"), None);
    }

    #[test]
    fn expands_with_all_renderings_longest_first() {
        let g = Glossary::parse(SAMPLE);
        assert_eq!(g.expand("Wildflower Honey"), "野花 蜂蜜 蜜");
        assert_eq!(g.expand("Dried tart cherries"), "樱桃干 酸");
        assert_eq!(g.expand("Vanilla ice cream"), "冰淇淋", "not 面霜");
        assert_eq!(g.expand("cherries and apples"), "樱桃 苹果");
        assert_eq!(g.expand("dried. Cherries"), "樱桃", "no phrase across a full stop");
        assert_eq!(g.expand("dried and cherries"), "樱桃", "no gap at a conjunction");
    }

    #[test]
    fn finds_the_head_of_a_title() {
        let g = Glossary::parse(SAMPLE);
        let mut en = en_analyzer();
        assert_eq!(g.head_terms("Wildflower Honey, 16 oz", &mut en), ["honey", "蜂蜜", "蜜"]);
        assert_eq!(g.head_terms("Dried Tart Cherries 1 lb Bag", &mut en), ["cherries", "樱桃干", "樱桃"]);
        assert_eq!(g.head_terms("Honey Roasted Apples", &mut en), ["apples", "苹果"]);
        assert_eq!(g.head_terms("Apples with Honey", &mut en), ["apples", "苹果"]);
        assert_eq!(g.head_terms("Vanilla Ice Cream Gift Set", &mut en), ["cream", "冰淇淋", "面霜"]);
        assert_eq!(g.head_terms("Widget 3000", &mut en), ["widget"]);
        assert!(g.head_terms("16 oz", &mut en).is_empty());
        assert!(g.head_terms("", &mut en).is_empty());
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in ["", "\t\t\t", "#", "\u{feff}honey\t蜂蜜\tproduct", "a\tb", "\t蜂蜜\tproduct\n"] {
            let g = Glossary::parse(text);
            let _ = g.suggest_title_zh("honey");
            let _ = g.expand("honey, honey. ");
        }
        assert_eq!(Glossary::parse("\u{feff}honey\t蜂蜜\tproduct").len(), 1);
    }

    #[test]
    fn embedded_glossary_is_well_formed() {
        let g = Glossary::embedded();
        assert!(g.malformed_lines().is_empty(), "malformed lines in data/glossary.tsv: {:?}", g.malformed_lines());
        assert!(g.len() > 100, "only {} entries", g.len());
        assert_eq!(g.suggest_title_zh("Wildflower Honey").as_deref(), Some("野花蜂蜜"));
    }

    #[test]
    fn embedded_glossary_is_full() {
        assert!(Glossary::embedded().len() > 1000, "only {} entries", Glossary::embedded().len());
    }
}
