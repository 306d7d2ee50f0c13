//! Translations: Fluent files for English and Simplified Chinese, embedded in the
//! binary (i18n/<locale>/*.ftl) and parsed once. A key missing from either language,
//! or used by a template or handler and defined in neither, fails the tests below.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::LazyLock;
use unic_langid::LanguageIdentifier;

/// A page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    /// Simplified Chinese, mainland China: the consumers' language.
    ZhCn,
    /// English: the merchants' and operators' language, and a choice for consumers.
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// The BCP 47 tag, as written in `lang` attributes, `?lang=` and the cookie.
    pub const fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// A tag as a user or browser writes it: `zh`, `zh-CN`, `zh-Hans`, `en`, `en-US`…
    /// Any Chinese becomes Simplified Chinese, the only Chinese Gateway has.
    pub fn parse(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Locale::ZhCn),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The language a page offers to switch to.
    pub const fn other(self) -> Locale {
        match self {
            Locale::ZhCn => Locale::En,
            Locale::En => Locale::ZhCn,
        }
    }

    /// The name of this language, written in itself (for the language switch).
    pub const fn native_name(self) -> &'static str {
        match self {
            Locale::ZhCn => "中文",
            Locale::En => "English",
        }
    }
}

/// One Fluent file per area of the site; each exists in every language. The merchant
/// portal and operator console add theirs here.
macro_rules! ftl_files {
    ($locale:literal) => {
        [
            include_str!(concat!("../../i18n/", $locale, "/common.ftl")),
            include_str!(concat!("../../i18n/", $locale, "/errors.ftl")),
            include_str!(concat!("../../i18n/", $locale, "/states.ftl")),
            include_str!(concat!("../../i18n/", $locale, "/storefront.ftl")),
            include_str!(concat!("../../i18n/", $locale, "/account.ftl")),
            include_str!(concat!("../../i18n/", $locale, "/search.ftl")),
            include_str!(concat!("../../i18n/", $locale, "/operator.ftl")),
            include_str!(concat!("../../i18n/", $locale, "/merchant.ftl")),
            include_str!(concat!("../../i18n/", $locale, "/impact.ftl")),
            include_str!(concat!("../../i18n/", $locale, "/food.ftl")),
            include_str!(concat!("../../i18n/", $locale, "/events.ftl")),
            include_str!(concat!("../../i18n/", $locale, "/sourcing.ftl")),
        ]
    };
}

const EN_FILES: [&str; 12] = ftl_files!("en");
const ZH_FILES: [&str; 12] = ftl_files!("zh-CN");

fn files(locale: Locale) -> &'static [&'static str] {
    match locale {
        Locale::ZhCn => &ZH_FILES,
        Locale::En => &EN_FILES,
    }
}

struct Bundles {
    zh: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(locale: Locale) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = locale.tag().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: every text here runs left to
    // right, and the marks would show up in copied text and in tests.
    bundle.set_use_isolating(false);
    for text in files(locale) {
        // A syntax error keeps the entries that parsed; the tests fail on any.
        let resource = FluentResource::try_new((*text).to_string()).unwrap_or_else(|(partial, _)| partial);
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(locale = locale.tag(), ?errors, "duplicate or broken Fluent entries");
        }
    }
    bundle
}

static BUNDLES: LazyLock<Bundles> = LazyLock::new(|| Bundles { zh: bundle(Locale::ZhCn), en: bundle(Locale::En) });

/// The text of `key` in `locale`, with `args` filled in. A missing key (which the
/// tests rule out for literal keys) shows the key itself and is logged.
pub fn translate(locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
    let bundle = match locale {
        Locale::ZhCn => &BUNDLES.zh,
        Locale::En => &BUNDLES.en,
    };
    let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
        tracing::warn!(locale = locale.tag(), key, "missing translation");
        return key.to_string();
    };
    let fluent_args = (!args.is_empty()).then(|| {
        let mut fa = FluentArgs::new();
        for (name, value) in args {
            // A count must reach Fluent as a number, or `[one]` never matches.
            let value = if is_count(value) { FluentValue::try_number(value) } else { FluentValue::from(*value) };
            fa.set(*name, value);
        }
        fa
    });
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, fluent_args.as_ref(), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(locale = locale.tag(), key, ?errors, "translation formatted with errors");
    }
    text.into_owned()
}

/// A whole number as counts are written ("0", "12"): passed to Fluent as a number,
/// for plural selection. Anything else stays text — a leading zero ("00001234", an
/// order's short id) or a long run of digits would not survive the trip through f64.
fn is_count(value: &str) -> bool {
    (1..=15).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_digit())
        && (value == "0" || !value.starts_with('0'))
}

/// Whether `key` exists in `locale` (for keys built at run time, such as a problem
/// code's, which fall back to a generic text).
pub fn has(locale: Locale, key: &str) -> bool {
    match locale {
        Locale::ZhCn => BUNDLES.zh.has_message(key),
        Locale::En => BUNDLES.en.has_message(key),
    }
}

/// The message ids of a Fluent source: lines `id = …` at the start of a line (terms,
/// `-id`, and attributes are not messages).
pub fn message_ids(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|line| {
            let (id, _) = line.split_once('=')?;
            let id = id.trim_end();
            let mut chars = id.chars();
            let first = chars.next()?;
            (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .then(|| id.to_string())
        })
        .collect()
}

/// The keys a template or Rust source uses literally: `t("key")`, `t1("key", …)`,
/// `t2("key", …)` (the page context's methods).
pub fn keys_used(source: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for pattern in [".t(\"", ".t1(\"", ".t2(\"", ".t3(\""] {
        let mut rest = source;
        while let Some(at) = rest.find(pattern) {
            rest = &rest[at + pattern.len()..];
            if let Some(end) = rest.find('"') {
                keys.push(rest[..end].to_string());
            }
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    fn ids(locale: Locale) -> BTreeSet<String> {
        files(locale).iter().flat_map(|text| message_ids(text)).collect()
    }

    #[test]
    fn every_file_parses_without_errors_or_duplicates() {
        for locale in Locale::ALL {
            let mut seen = BTreeSet::new();
            for text in files(locale) {
                if let Err((_, errors)) = FluentResource::try_new((*text).to_string()) {
                    panic!("{}: Fluent syntax errors: {errors:?}", locale.tag());
                }
                for id in message_ids(text) {
                    assert!(seen.insert(id.clone()), "{}: {id} is defined twice", locale.tag());
                }
            }
        }
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let zh = ids(Locale::ZhCn);
        let en = ids(Locale::En);
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(only_zh.is_empty(), "missing in en: {only_zh:?}");
        assert!(only_en.is_empty(), "missing in zh-CN: {only_en:?}");
    }

    /// Every file under `dir` (recursively) with one of `extensions`.
    fn sources(dir: &Path, extensions: &[&str], out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, extensions, out);
            } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| extensions.contains(&e)) {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                out.push((path.display().to_string(), text));
            }
        }
    }

    #[test]
    fn every_key_used_by_templates_and_handlers_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        sources(&root.join("templates"), &["html"], &mut files);
        sources(&root.join("src/ui"), &["rs"], &mut files);
        assert!(files.len() > 5, "no templates or handlers found under {}", root.display());
        let defined = ids(Locale::En);
        let mut used = 0;
        for (path, text) in &files {
            if path.ends_with("i18n.rs") {
                continue; // this file's tests use made-up keys
            }
            let mut keys = keys_used(text);
            if path.ends_with(".rs") {
                keys.extend(literal_keys(text));
            }
            for key in keys {
                used += 1;
                assert!(defined.contains(&key), "{path} uses the key {key:?}, which no .ftl file defines");
            }
        }
        assert!(used > 20, "only {used} keys found: is the scanner broken?");
    }

    /// String literals in Rust code that name a catalogue key by one of the prefixes
    /// that error pages and forms pass around (`errors::page(&ctx, …, "error-csrf")`).
    fn literal_keys(source: &str) -> Vec<String> {
        const PREFIXES: [&str; 5] = ["\"error-", "\"err-", "\"form-", "\"problem-", "\"auth-"];
        let mut keys = Vec::new();
        for prefix in PREFIXES {
            let mut rest = source;
            while let Some(at) = rest.find(prefix) {
                rest = &rest[at + 1..];
                let end = rest.find('"').unwrap_or(0);
                let key = &rest[..end];
                // Keys built with format! ("err-field-{}") are checked by the dynamic-key test.
                if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                    keys.push(key.to_string());
                }
            }
        }
        keys
    }

    #[test]
    fn keys_built_at_run_time_exist() {
        use gateway_core::merchant::UsState;
        let mut keys: Vec<String> = UsState::all().map(|s| format!("state-{s}")).collect();
        for status in gateway_core::order::OrderStatus::CODES {
            keys.push(format!("order-status-{status}"));
        }
        for unit in gateway_core::product::ContentUnit::CODES {
            keys.push(format!("unit-{unit}"));
        }
        // The problems a quote lists or a checkout refuses with (SPEC 9).
        for code in [
            "identity_required",
            "out_of_stock",
            "not_for_sale",
            "single_limit_exceeded",
            "annual_limit_exceeded",
            "weight_cap_exceeded",
            "invalid_id_number",
            "idempotency_conflict",
            "payment_failed",
            "payer_mismatch",
        ] {
            keys.push(format!("problem-{code}"));
        }
        // The fields the storefront's forms send to the app, by their error paths.
        for field in [
            "email",
            "password",
            "role",
            "real_name",
            "id_number",
            "phone",
            "quantity",
            "cart_id",
            "address-recipient",
            "address-phone",
            "address-province",
            "address-city",
            "address-district",
            "address-street",
            "address-postal_code",
        ] {
            keys.push(format!("err-field-{field}"));
        }
        keys.extend(["err-taken-email".into(), "country-US".into(), "state-unknown".into()]);
        for locale in Locale::ALL {
            for key in &keys {
                assert!(has(locale, key), "{} has no {key}", locale.tag());
            }
        }
    }

    #[test]
    fn translates_with_arguments_and_falls_back_to_the_key() {
        assert_eq!(translate(Locale::En, "lang-name", &[]), "English");
        assert_eq!(translate(Locale::ZhCn, "lang-name", &[]), "中文");
        assert_eq!(translate(Locale::En, "no-such-key", &[]), "no-such-key");
        assert!(translate(Locale::En, "cart-count", &[("count", "3")]).contains('3'));
    }

    #[test]
    fn counts_select_plurals_and_other_digits_stay_text() {
        let one = translate(Locale::En, "op-overview-pending", &[("count", "1")]);
        assert_eq!(one, "1 merchant is waiting for approval.");
        let two = translate(Locale::En, "op-overview-pending", &[("count", "2")]);
        assert_eq!(two, "2 merchants are waiting for approval.");
        assert_eq!(translate(Locale::En, "op-order-number", &[("number", "00001234")]), "Order 00001234");
        assert_eq!(translate(Locale::En, "op-order-number", &[("number", "12345678")]), "Order 12345678");
        assert!(is_count("0") && is_count("12") && !is_count("012") && !is_count("1.5") && !is_count(""));
        assert!(!is_count("1234567890123456"), "16 digits stay text");
    }

    #[test]
    fn parses_tags() {
        assert_eq!(Locale::parse("zh-CN"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse("zh_Hans"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse("EN-us"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
        assert_eq!(Locale::parse(""), None);
    }

    #[test]
    fn the_scanner_finds_literal_keys() {
        let text = r#"{{ c.t("nav-home") }} x.t1("cart-count", "count", n) c.t2("a-b", "x", 1, "y", 2)"#;
        assert_eq!(keys_used(text), ["nav-home", "cart-count", "a-b"]);
        assert_eq!(message_ids("a-b = x\n  .attr = y\n-term = z\n# c = d\nok_2 = { $n }"), ["a-b", "ok_2"]);
    }
}
