//! Text analysis: how English and Chinese text becomes index terms, the same way at
//! index time and at query time.
//!
//! Five analyzers are registered on every index:
//!
//! - [`EN`] (English fields): tantivy's simple tokenizer, lower-casing, ASCII folding
//!   ("crème" → "creme") and the English Snowball stemmer, so "Cherries", "cherry" and
//!   "CHERRY" are one term. This is tantivy's `en_stem` plus folding.
//! - [`EN_RAW`]: the same without stemming, for the dictionary of words as written that
//!   typo and prefix expansion search ("choclate" is one edit from "chocolate", but
//!   three from its stem "chocol").
//! - [`ZH`] (Chinese fields): jieba in search mode (a compound such as 北京大学 is
//!   indexed whole and as its dictionary sub-words 北京, 大学), with the dictionary
//!   compiled into the binary and extended by every Chinese term of the glossary and of
//!   the state table, so that the words a query is made of are words of the index too.
//!   jieba emits spaces and punctuation as tokens and keeps case: those tokens are
//!   dropped, and the rest go through the same lower-casing, folding and stemming as
//!   English, so Latin words inside Chinese text ("Apple 手机壳") meet English queries.
//!
//! The Snowball stemmer leaves irregular plurals apart from their singular ("knives" →
//! knive, "knife" → knife), so the English chains first map the common ones to their
//! singular ([`IrregularPlurals`]).
//! - [`LIST`] (the head field, whose terms the index computes): split on spaces only,
//!   English normalized as above, Chinese kept whole.
//! - [`GRAMS`] (the fallback fields): every Han character and every pair of adjacent Han
//!   characters. When a query word was segmented differently from the listing (jieba
//!   decides by context), the word still matches as the conjunction of its character
//!   pairs; a one-character query word (茶, 鞋) matches inside longer words (绿茶, 跑鞋).

use std::sync::OnceLock;

use jieba_rs::Jieba;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer, WhitespaceTokenizer,
};

use crate::glossary::Glossary;
use crate::states::STATES;

/// English fields.
pub(crate) const EN: &str = "gw_en";
/// English words as typed (lower-cased and folded, not stemmed): the dictionary that
/// typo and prefix expansion search.
pub(crate) const EN_RAW: &str = "gw_en_raw";
/// Chinese (and mixed) fields.
pub(crate) const ZH: &str = "gw_zh";
/// Han unigrams and bigrams.
pub(crate) const GRAMS: &str = "gw_grams";
/// Terms given one by one, space-separated (the head field): English ones are
/// normalized like [`EN`], Chinese ones kept as given.
pub(crate) const LIST: &str = "gw_list";

/// Tokens longer than this many bytes are dropped (part numbers, URLs, garbage).
const MAX_TOKEN_BYTES: usize = 40;

/// The analyzer of English fields.
pub(crate) fn en_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(IrregularPlurals)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The analyzer of the unstemmed English words field.
pub(crate) fn en_raw_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(IrregularPlurals)
        .build()
}

/// The analyzer of Chinese fields.
pub(crate) fn zh_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(JiebaTokenizer)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(IrregularPlurals)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The analyzer of fields whose terms the index builds itself.
pub(crate) fn list_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WhitespaceTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(IrregularPlurals)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The analyzer of the Han n-gram fields.
pub(crate) fn grams_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(HanGramTokenizer).build()
}

/// Registers the three analyzers on an index (they are not persisted with it).
pub(crate) fn register(index: &tantivy::Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(EN, en_analyzer());
    tokenizers.register(EN_RAW, en_raw_analyzer());
    tokenizers.register(ZH, zh_analyzer());
    tokenizers.register(GRAMS, grams_analyzer());
    tokenizers.register(LIST, list_analyzer());
}

/// All the terms an analyzer makes of a text.
pub(crate) fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// A Han ideograph (the unified blocks and their extensions, and the compatibility block).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF | 0x30000..=0x3134F)
}

/// Full-width ASCII (typed by Chinese input methods) to ASCII, the ideographic space to
/// a space.
pub(crate) fn normalize_width(text: &str) -> String {
    text.chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => c,
        })
        .collect()
}

/// The jieba instance: the default dictionary (compiled in) plus the Chinese terms of
/// the glossary and of the state table, built once.
pub(crate) fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(|| {
        let mut jieba = Jieba::new();
        let glossary_words = Glossary::embedded().entries().iter().map(|e| e.chinese.as_str());
        let state_words = STATES.iter().flat_map(|s| s.names_zh.iter().copied());
        for word in glossary_words.chain(state_words) {
            // jieba only segments runs of Han characters; a word with Latin letters in
            // it (t恤) could never be produced, and a single character always is.
            if word.chars().count() >= 2 && word.chars().all(is_han) && !jieba.has_word(word) {
                jieba.add_word(word, None, None);
            }
        }
        jieba
    })
}

/// jieba segmentation (search mode) as a tantivy tokenizer, keeping only tokens with a
/// letter, digit or ideograph in them.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct JiebaTokenizer;

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let tokens = jieba()
            .cut_for_search(text, true)
            .into_iter()
            .filter(|t| t.word.chars().any(char::is_alphanumeric))
            .enumerate()
            .map(|(position, t)| Token {
                offset_from: t.byte_start,
                offset_to: t.byte_end,
                position,
                text: t.word.to_string(),
                position_length: 1,
            })
            .collect();
        VecTokenStream::new(tokens)
    }
}

/// The singular of a common irregular English plural (lower case), if it is one.
fn singular(word: &str) -> Option<&'static str> {
    Some(match word {
        "knives" => "knife",
        "leaves" => "leaf",
        "loaves" => "loaf",
        "halves" => "half",
        "shelves" => "shelf",
        "scarves" => "scarf",
        "wolves" => "wolf",
        "wives" => "wife",
        "lives" => "life",
        "calves" => "calf",
        "thieves" => "thief",
        "hooves" => "hoof",
        "elves" => "elf",
        "men" => "man",
        "women" => "woman",
        "children" => "child",
        "feet" => "foot",
        "teeth" => "tooth",
        "geese" => "goose",
        "mice" => "mouse",
        _ => return None,
    })
}

/// A token filter mapping common irregular plurals to their singular (after
/// lower-casing, before stemming).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct IrregularPlurals;

impl TokenFilter for IrregularPlurals {
    type Tokenizer<T: Tokenizer> = IrregularPluralsTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> IrregularPluralsTokenizer<T> {
        IrregularPluralsTokenizer(tokenizer)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct IrregularPluralsTokenizer<T>(T);

impl<T: Tokenizer> Tokenizer for IrregularPluralsTokenizer<T> {
    type TokenStream<'a> = IrregularPluralsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        IrregularPluralsStream(self.0.token_stream(text))
    }
}

pub(crate) struct IrregularPluralsStream<S>(S);

impl<S: TokenStream> TokenStream for IrregularPluralsStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        if let Some(singular) = singular(&self.0.token().text) {
            let token = self.0.token_mut();
            token.text.clear();
            token.text.push_str(singular);
        }
        true
    }

    fn token(&self) -> &Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// Han unigrams and bigrams of every run of Han characters; anything else is skipped.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct HanGramTokenizer;

impl Tokenizer for HanGramTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens = Vec::new();
        let mut previous: Option<(usize, char)> = None;
        for (offset, c) in text.char_indices() {
            if !is_han(c) {
                previous = None;
                continue;
            }
            let end = offset + c.len_utf8();
            if let Some((start, p)) = previous {
                let position = tokens.len();
                tokens.push(Token {
                    offset_from: start,
                    offset_to: end,
                    position,
                    text: [p, c].iter().collect(),
                    position_length: 1,
                });
            }
            let position = tokens.len();
            tokens.push(Token {
                offset_from: offset,
                offset_to: end,
                position,
                text: c.to_string(),
                position_length: 1,
            });
            previous = Some((offset, c));
        }
        VecTokenStream::new(tokens)
    }
}

/// A Chinese word and its dictionary sub-words that end it: Chinese compounds put
/// their head last, so 野花蜂蜜 is a kind of 蜂蜜 and 杏仁酱 is not a kind of 杏仁.
pub(crate) fn han_suffixes(word: &str) -> Vec<&str> {
    let mut out = vec![word];
    for token in jieba().cut_for_search(word, false) {
        if token.byte_end == word.len() && token.byte_start > 0 && !out.contains(&token.word) {
            out.push(token.word);
        }
    }
    out
}

/// The grams [`HanGramTokenizer`] would index for a word: the character itself for one
/// character, its adjacent pairs otherwise (deduplicated, in order).
pub(crate) fn query_grams(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().filter(|c| is_han(*c)).collect();
    if chars.len() == 1 {
        return vec![chars[0].to_string()];
    }
    let mut grams: Vec<String> = Vec::new();
    for pair in chars.windows(2) {
        let gram: String = pair.iter().collect();
        if !grams.contains(&gram) {
            grams.push(gram);
        }
    }
    grams
}

/// A token stream over tokens computed up front.
pub(crate) struct VecTokenStream {
    tokens: Vec<Token>,
    /// How many tokens `advance` has returned; the current one is `advanced - 1`.
    advanced: usize,
    empty: Token,
}

impl VecTokenStream {
    fn new(tokens: Vec<Token>) -> Self {
        Self { tokens, advanced: 0, empty: Token::default() }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.advanced < self.tokens.len() {
            self.advanced += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        self.advanced.checked_sub(1).and_then(|i| self.tokens.get(i)).unwrap_or(&self.empty)
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.advanced.checked_sub(1) {
            Some(i) if i < self.tokens.len() => &mut self.tokens[i],
            _ => &mut self.empty,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_lowercased_and_stemmed() {
        let mut en = en_analyzer();
        assert_eq!(terms(&mut en, "Dried Tart CHERRIES, 16-oz."), ["dri", "tart", "cherri", "16", "oz"]);
        assert_eq!(terms(&mut en, "cherry"), terms(&mut en, "cherries"));
        assert_eq!(terms(&mut en, "Crème brûlée"), ["creme", "brule"]);
        assert_eq!(terms(&mut en, "Knives, knife; Tea Leaves"), ["knife", "knife", "tea", "leaf"]);
        assert_eq!(terms(&mut en_raw_analyzer(), "Chocolate KNIVES"), ["chocolate", "knife"]);
    }

    #[test]
    fn chinese_drops_spaces_and_punctuation_and_lowercases() {
        let mut zh = zh_analyzer();
        let tokens = terms(&mut zh, "密歇根州 野花蜂蜜，纯天然！ Raw HONEY (16 oz)");
        assert!(!tokens.is_empty());
        for t in &tokens {
            assert!(t.chars().all(char::is_alphanumeric), "{t:?} has space or punctuation");
            assert_eq!(t, &t.to_lowercase(), "{t:?} is not lower case");
        }
        assert!(tokens.contains(&"蜂蜜".to_string()), "{tokens:?}");
        assert!(tokens.contains(&"密歇根".to_string()), "{tokens:?}");
        // Latin words inside Chinese text are stemmed like English ones.
        assert!(tokens.contains(&"honey".to_string()), "{tokens:?}");
        assert!(tokens.contains(&"raw".to_string()), "{tokens:?}");
        assert!(tokens.contains(&"16".to_string()), "{tokens:?}");
        // Search mode: a compound is indexed with its sub-words.
        let tokens = terms(&mut zh, "樱桃干");
        assert!(tokens.contains(&"樱桃".to_string()), "{tokens:?}");
    }

    #[test]
    fn grams_are_han_unigrams_and_bigrams() {
        let mut grams = grams_analyzer();
        assert_eq!(terms(&mut grams, "绿茶 tea 茶"), ["绿", "绿茶", "茶", "茶"]);
        assert_eq!(query_grams("樱桃干"), ["樱桃", "桃干"]);
        assert_eq!(query_grams("茶"), ["茶"]);
    }

    #[test]
    fn suffixes_are_the_heads_of_compounds() {
        assert_eq!(han_suffixes("野花蜂蜜"), ["野花蜂蜜", "蜂蜜"]);
        assert!(!han_suffixes("杏仁酱").contains(&"杏仁"));
    }

    #[test]
    fn full_width_is_folded() {
        assert_eq!(normalize_width("ｈｏｎｅｙ\u{3000}蜂蜜"), "honey 蜂蜜");
    }
}
