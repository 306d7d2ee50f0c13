//! Buyer matchmaking (issue 8, part 4): a business buyer in China posts a sourcing
//! request ("求购野花蜂蜜 500罐"), Gateway ranks the merchants that can supply it, and
//! the two sides talk on the platform until both agree to share contact details.
//!
//! This module holds the rules that need no I/O: what a valid buyer profile,
//! request, offer and message are; which words of a request are worth searching
//! for; how a merchant's fit is scored; and when contact details may be shown.

use crate::merchant::UsState;
use crate::text::bounded;
use crate::user::Email;
use crate::{Cny, Usd, Validation};
use chrono::NaiveDate;

crate::code_enum!(
    /// What kind of business the buyer is.
    BuyerKind { Distributor = "distributor", Importer = "importer", Shop = "shop" }
);

crate::code_enum!(
    /// A request is open while it takes offers; its buyer closes it.
    RequestStatus { Open = "open", Closed = "closed" }
);

crate::code_enum!(
    /// The language a request is written in, worked out from its text: Chinese as
    /// soon as it has a Han character, English otherwise.
    RequestLanguage { Zh = "zh", En = "en" }
);

crate::code_enum!(
    /// Who wrote a message of a thread, or accepted to share contacts.
    Side { Buyer = "buyer", Merchant = "merchant" }
);

crate::code_enum!(
    /// Why a merchant was matched, as stored beside its score: its products answer
    /// the request's words (`relevance`, always), more than one of them does
    /// (`several_products`), they are in the tax class asked for (`class`), it is in a
    /// preferred state (`state`), every applicable step of its export-ready checklist
    /// is done (`export_ready`).
    MatchReason {
        Relevance = "relevance",
        SeveralProducts = "several_products",
        Class = "class",
        State = "state",
        ExportReady = "export_ready",
    }
);

/// Longest title and details, in characters.
pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_DETAILS_CHARS: usize = 2_000;
pub const MAX_MESSAGE_CHARS: usize = 2_000;
/// Preferred states a request may name.
pub const MAX_PREFERRED_STATES: usize = 10;
pub const MAX_QUANTITY: i64 = 100_000_000;
/// Longest lead time an offer may promise: a year.
pub const MAX_LEAD_TIME_DAYS: i64 = 365;
/// How many merchants a request is sent to.
pub const MAX_MATCHES: usize = 10;

/// A business buyer's profile, owned by a consumer account: a business signs up as a
/// consumer and adds this (the `users.role` CHECK stays as it is). The contact fields
/// are shown to a merchant only once both sides of a thread accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuyerProfile {
    pub company_name: String,
    pub kind: BuyerKind,
    pub province: String,
    pub city: String,
    pub contact: BuyerContact,
}

/// How to reach the buyer: private until both sides accept.
#[derive(Clone, PartialEq, Eq)]
pub struct BuyerContact {
    pub person: String,
    pub phone: String,
    pub email: String,
    pub wechat_id: Option<String>,
}

/// Contact details are personal data: never in logs.
impl std::fmt::Debug for BuyerContact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BuyerContact(<redacted>)")
    }
}

/// A buyer profile as it arrives, every field optional so each missing one is named.
#[derive(Debug, Clone, Default)]
pub struct BuyerProfileFields<'a> {
    pub company_name: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub province: Option<&'a str>,
    pub city: Option<&'a str>,
    pub contact_person: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub wechat_id: Option<&'a str>,
}

/// A phone number as people write it: digits with an optional leading +, spaces
/// and dashes, 6 to 20 digits (a mainland mobile is 11, with +86 13).
pub fn parse_phone(raw: &str) -> Result<String, &'static str> {
    let text = raw.trim();
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let shape =
        text.chars().enumerate().all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '-' || (i == 0 && c == '+'));
    if shape && (6..=20).contains(&digits) {
        Ok(text.to_string())
    } else {
        Err("must be a phone number such as +86 138 0000 0000")
    }
}

/// A WeChat ID: 6 to 20 letters, digits, `_` or `-`, starting with a letter.
pub fn parse_wechat_id(raw: &str) -> Result<String, &'static str> {
    let text = raw.trim();
    let valid = (6..=20).contains(&text.chars().count())
        && text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if valid { Ok(text.to_string()) } else { Err("must be a WeChat ID: 6–20 letters, digits, _ or -, from a letter") }
}

/// Validates a buyer profile, naming every field at fault (`contact.phone`…).
pub fn parse_buyer_profile(f: &BuyerProfileFields<'_>) -> Result<BuyerProfile, Vec<crate::FieldError>> {
    let mut v = Validation::new();
    let company_name = v.required("company_name", f.company_name, |s| bounded(s, 200, false));
    let kind = v.required("kind", f.kind, BuyerKind::parse);
    let province = v.required("province", f.province, |s| bounded(s, 50, false));
    let city = v.required("city", f.city, |s| bounded(s, 50, false));
    let person = v.required("contact.person", f.contact_person, |s| bounded(s, 100, false));
    let phone = v.required("contact.phone", f.phone, parse_phone);
    let email = v.required("contact.email", f.email, |s| Email::parse(s).map(|e| e.as_str().to_string()));
    let wechat_id = match f.wechat_id.map(str::trim) {
        None | Some("") => Some(None),
        Some(s) => v.check("contact.wechat_id", parse_wechat_id(s)).map(Some),
    };
    v.finish(|| {
        Some(BuyerProfile {
            company_name: company_name?,
            kind: kind?,
            province: province?,
            city: city?,
            contact: BuyerContact { person: person?, phone: phone?, email: email?, wechat_id: wechat_id? },
        })
    })
}

/// A validated sourcing request, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcingRequestDraft {
    pub title: String,
    pub details: Option<String>,
    pub language: RequestLanguage,
    pub quantity: i64,
    /// What the quantity counts: 罐, jars, kg, cases…
    pub unit: String,
    /// What the buyer hopes to pay per unit, landed in China.
    pub target_unit_price: Option<Cny>,
    pub needed_by: NaiveDate,
    /// A tax-class code; whether it exists is the store's to say.
    pub tax_class: Option<String>,
    /// Sorted, without repeats.
    pub preferred_states: Vec<UsState>,
}

/// A sourcing request as it arrives.
#[derive(Debug, Clone, Default)]
pub struct RequestFields<'a> {
    pub title: Option<&'a str>,
    pub details: Option<&'a str>,
    pub quantity: Option<i64>,
    pub unit: Option<&'a str>,
    pub target_unit_price_cny: Option<&'a str>,
    pub needed_by: Option<&'a str>,
    pub tax_class: Option<&'a str>,
    pub preferred_states: Option<&'a [String]>,
}

/// Validates a request; `today` is the date in China when it is posted (the
/// needed-by date must come after it).
pub fn parse_request(f: &RequestFields<'_>, today: NaiveDate) -> Result<SourcingRequestDraft, Vec<crate::FieldError>> {
    let mut v = Validation::new();
    let title = v.required("title", f.title, |s| bounded(s, MAX_TITLE_CHARS, false));
    let details = match f.details.map(str::trim) {
        None | Some("") => Some(None),
        Some(s) => v.check("details", bounded(s, MAX_DETAILS_CHARS, true)).map(Some),
    };
    let quantity = v.required("quantity", f.quantity, parse_quantity);
    let unit = v.required("unit", f.unit, |s| bounded(s, 20, false));
    let target = match f.target_unit_price_cny.map(str::trim) {
        None | Some("") => Some(None),
        Some(s) => v
            .check("target_unit_price_cny", positive(Cny::parse(s).map_err(|e| e.to_string()), |c| c.minor()))
            .map(Some),
    };
    let needed_by = v.required("needed_by", f.needed_by, |s| parse_future_date(s, today));
    let tax_class = f.tax_class.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let mut states = Vec::new();
    let raw_states = f.preferred_states.unwrap_or_default();
    if raw_states.len() > MAX_PREFERRED_STATES {
        v.push("preferred_states", format!("must name at most {MAX_PREFERRED_STATES} states"));
    } else {
        for (i, raw) in raw_states.iter().enumerate() {
            if let Some(state) = v.check(&format!("preferred_states[{i}]"), UsState::parse(raw.trim())) {
                states.push(state);
            }
        }
    }
    states.sort_by_key(|s| s.as_str());
    states.dedup();
    v.finish(|| {
        let title = title?;
        let details = details?;
        let language = language_of(&format!("{title} {}", details.as_deref().unwrap_or_default()));
        Some(SourcingRequestDraft {
            title,
            details,
            language,
            quantity: quantity?,
            unit: unit?,
            target_unit_price: target?,
            needed_by: needed_by?,
            tax_class,
            preferred_states: states,
        })
    })
}

fn parse_quantity(n: i64) -> Result<i64, String> {
    if (1..=MAX_QUANTITY).contains(&n) { Ok(n) } else { Err(format!("must be between 1 and {MAX_QUANTITY}")) }
}

/// An amount above zero, given its minor units.
fn positive<T>(parsed: Result<T, String>, minor: impl Fn(&T) -> i64) -> Result<T, String> {
    let value = parsed?;
    if minor(&value) > 0 { Ok(value) } else { Err("must be more than 0".into()) }
}

/// "2027-03-01", after `today`.
pub fn parse_future_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| "must be a date such as 2027-03-01")?;
    if date > today { Ok(date) } else { Err(format!("must be after today ({today})")) }
}

/// Chinese as soon as the text has a Han character.
pub fn language_of(text: &str) -> RequestLanguage {
    if text.chars().any(is_han) { RequestLanguage::Zh } else { RequestLanguage::En }
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// An offer's terms, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferTerms {
    pub unit_price: Usd,
    pub quantity: i64,
    pub lead_time_days: i64,
    pub message: Option<String>,
}

/// Validates an offer's terms.
pub fn parse_offer(
    unit_price_usd: Option<&str>,
    quantity: Option<i64>,
    lead_time_days: Option<i64>,
    message: Option<&str>,
) -> Result<OfferTerms, Vec<crate::FieldError>> {
    let mut v = Validation::new();
    let price = v.required("unit_price_usd", unit_price_usd, |s| {
        positive(Usd::parse(s).map_err(|e| e.to_string()), |u| u.minor())
    });
    let quantity = v.required("quantity", quantity, parse_quantity);
    let lead = v.required("lead_time_days", lead_time_days, |d| {
        if (0..=MAX_LEAD_TIME_DAYS).contains(&d) {
            Ok(d)
        } else {
            Err(format!("must be between 0 and {MAX_LEAD_TIME_DAYS}"))
        }
    });
    let message = match message.map(str::trim) {
        None | Some("") => Some(None),
        Some(s) => v.check("message", bounded(s, MAX_MESSAGE_CHARS, true)).map(Some),
    };
    v.finish(|| Some(OfferTerms { unit_price: price?, quantity: quantity?, lead_time_days: lead?, message: message? }))
}

/// A thread message's text.
pub fn parse_message(raw: Option<&str>) -> Result<String, Vec<crate::FieldError>> {
    let mut v = Validation::new();
    let body = v.required("body", raw, |s| bounded(s, MAX_MESSAGE_CHARS, true));
    v.finish(|| body)
}

/// Words that say "I want to buy" rather than what: they would match no listing, and
/// the catalog search requires every word of a query to match.
const FILLER_ZH: [&str; 14] =
    ["求购", "采购", "收购", "寻找", "寻求", "需要", "想买", "购买", "批发", "长期", "大量", "供应商", "进口", "货源"];
const FILLER_EN: [&str; 16] = [
    "looking",
    "for",
    "wanted",
    "want",
    "to",
    "buy",
    "buying",
    "seeking",
    "need",
    "needed",
    "wholesale",
    "bulk",
    "sourcing",
    "supplier",
    "suppliers",
    "import",
];

/// The words of a request worth searching the catalog for: its title without the
/// buying words (求购, "looking for"…), quantities ("500罐", "12kg") and punctuation.
/// Falls back to the whole title when nothing would be left.
pub fn search_text(title: &str) -> String {
    let mut words = Vec::new();
    for token in title.split(|c: char| c.is_whitespace() || is_separator(c)) {
        if token.is_empty() || token.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        if FILLER_EN.iter().any(|f| token.eq_ignore_ascii_case(f)) {
            continue;
        }
        let mut word = token.to_string();
        for filler in FILLER_ZH {
            word = word.replace(filler, " ");
        }
        words.extend(word.split_whitespace().map(str::to_string));
    }
    if words.is_empty() { title.trim().to_string() } else { words.join(" ") }
}

fn is_separator(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c, '，' | '。' | '、' | '；' | '：' | '！' | '？' | '（' | '）' | '“' | '”' | '《' | '》')
}

/// What is known of one merchant's fit for a request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchSignals {
    /// The merchant's best product score over the best score of the whole result
    /// list (search scores compare only within one list): 0.0 to 1.0.
    pub relevance: f32,
    /// How many of its products answer the request.
    pub products: u32,
    /// The request named a tax class and the merchant's matching products are in it.
    pub class_fit: bool,
    /// The merchant's state is one of the request's preferred states.
    pub state_fit: bool,
    /// Steps of its export-ready checklist done, out of those that apply.
    pub export_done: u32,
    pub export_applicable: u32,
}

/// A merchant's score for a request, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchScore {
    pub points: i64,
    pub reasons: Vec<MatchReason>,
}

/// Points for the best-matching merchant's relevance; the others get their share.
pub const RELEVANCE_POINTS: i64 = 600;
/// Points per matching product beyond the first, up to [`MAX_EXTRA_PRODUCTS`].
pub const EXTRA_PRODUCT_POINTS: i64 = 20;
pub const MAX_EXTRA_PRODUCTS: i64 = 4;
pub const CLASS_POINTS: i64 = 100;
pub const STATE_POINTS: i64 = 150;
/// Points for a fully export-ready merchant; a partly ready one gets its share.
pub const EXPORT_READY_POINTS: i64 = 150;

/// Scores a merchant: relevance weighs most (what the buyer asked for), then the
/// buyer's stated preferences (state, class), then how ready the merchant is to
/// ship to China (a buyer's first order should not wait on paperwork). Integer
/// points, so both databases store and sort them alike.
pub fn score(s: &MatchSignals) -> MatchScore {
    let mut reasons = vec![MatchReason::Relevance];
    let relevance = if s.relevance.is_finite() { s.relevance.clamp(0.0, 1.0) } else { 0.0 };
    // At most 600: the cast cannot overflow.
    #[allow(clippy::cast_possible_truncation)]
    let mut points = (relevance * RELEVANCE_POINTS as f32).round() as i64;
    let extra = i64::from(s.products.saturating_sub(1)).min(MAX_EXTRA_PRODUCTS);
    if extra > 0 {
        points += extra * EXTRA_PRODUCT_POINTS;
        reasons.push(MatchReason::SeveralProducts);
    }
    if s.class_fit {
        points += CLASS_POINTS;
        reasons.push(MatchReason::Class);
    }
    if s.state_fit {
        points += STATE_POINTS;
        reasons.push(MatchReason::State);
    }
    if s.export_applicable > 0 {
        let done = i64::from(s.export_done.min(s.export_applicable));
        points += EXPORT_READY_POINTS * done / i64::from(s.export_applicable);
        if s.export_done >= s.export_applicable {
            reasons.push(MatchReason::ExportReady);
        }
    }
    MatchScore { points, reasons }
}

/// The best `n` candidates, highest points first; ties go to the smaller key, so the
/// same data always gives the same list.
pub fn top<K: Ord>(mut candidates: Vec<(K, MatchScore)>, n: usize) -> Vec<(K, MatchScore)> {
    candidates.sort_by(|(ka, a), (kb, b)| b.points.cmp(&a.points).then_with(|| ka.cmp(kb)));
    candidates.truncate(n);
    candidates
}

/// The candidates that can still reach the best `n` once at most `headroom` points
/// are added to their `partial` scores: the others are left out before the costly
/// part of their score (the export-ready checklist) is read, without changing the
/// result.
pub fn contenders<K: Clone>(partial: &[(K, i64)], n: usize, headroom: i64) -> Vec<K> {
    let mut points: Vec<i64> = partial.iter().map(|(_, p)| *p).collect();
    points.sort_unstable_by(|a, b| b.cmp(a));
    let Some(&threshold) = points.get(n.saturating_sub(1)).filter(|_| n > 0 && partial.len() > n) else {
        return partial.iter().map(|(k, _)| k.clone()).collect();
    };
    partial.iter().filter(|(_, p)| p.saturating_add(headroom) >= threshold).map(|(k, _)| k.clone()).collect()
}

/// Contact details are shared only when both sides accepted: either one alone, or
/// neither, shows nothing to anyone.
pub fn contacts_visible(buyer_accepted: bool, merchant_accepted: bool) -> bool {
    buyer_accepted && merchant_accepted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn fields(e: &[crate::FieldError]) -> Vec<&str> {
        let mut f: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        f.sort();
        f
    }

    #[test]
    fn a_chinese_request_parses_and_is_chinese() {
        let states = vec!["WI".to_string(), "MI".to_string(), "MI".to_string()];
        let f = RequestFields {
            title: Some(" 求购野花蜂蜜 500罐 "),
            details: Some("每罐500克，需要中文标签。"),
            quantity: Some(500),
            unit: Some("罐"),
            target_unit_price_cny: Some("80.00"),
            needed_by: Some("2027-03-01"),
            tax_class: Some("agri"),
            preferred_states: Some(&states),
        };
        let r = parse_request(&f, today()).unwrap();
        assert_eq!(r.title, "求购野花蜂蜜 500罐");
        assert_eq!(r.language, RequestLanguage::Zh);
        assert_eq!(r.target_unit_price, Some(Cny::from_minor(8_000)));
        assert_eq!(r.preferred_states.iter().map(|s| s.as_str()).collect::<Vec<_>>(), ["MI", "WI"]);
        assert_eq!(r.tax_class.as_deref(), Some("agri"));
        let en = RequestFields { title: Some("Wildflower honey"), details: None, ..f };
        assert_eq!(parse_request(&en, today()).unwrap().language, RequestLanguage::En);
    }

    #[test]
    fn a_request_names_every_field_at_fault() {
        let states = vec!["ZZ".to_string()];
        let f = RequestFields {
            title: Some("  "),
            quantity: Some(0),
            unit: None,
            target_unit_price_cny: Some("0"),
            needed_by: Some("2026-12-02"),
            preferred_states: Some(&states),
            ..RequestFields::default()
        };
        let e = parse_request(&f, today()).unwrap_err();
        assert_eq!(
            fields(&e),
            ["needed_by", "preferred_states[0]", "quantity", "target_unit_price_cny", "title", "unit"]
        );
        let many: Vec<String> = (0..11).map(|_| "MI".to_string()).collect();
        let f = RequestFields { preferred_states: Some(&many), ..RequestFields::default() };
        assert!(fields(&parse_request(&f, today()).unwrap_err()).contains(&"preferred_states"));
    }

    #[test]
    fn needed_by_must_be_a_later_date() {
        assert!(parse_future_date("2026-12-03", today()).is_ok());
        assert!(parse_future_date("2026-12-02", today()).is_err());
        assert!(parse_future_date("03/01/2027", today()).is_err());
    }

    #[test]
    fn a_buyer_profile_checks_its_contacts() {
        let f = BuyerProfileFields {
            company_name: Some("上海蜜源贸易有限公司"),
            kind: Some("importer"),
            province: Some("上海"),
            city: Some("上海"),
            contact_person: Some("王丽"),
            phone: Some("+86 138-0000-0000"),
            email: Some("Wang.Li@Example.cn"),
            wechat_id: Some("wangli_trade"),
        };
        let p = parse_buyer_profile(&f).unwrap();
        assert_eq!((p.kind, p.contact.email.as_str()), (BuyerKind::Importer, "wang.li@example.cn"));
        assert!(!format!("{p:?}").contains("138"), "contacts stay out of Debug output");
        let bad = BuyerProfileFields { kind: Some("farm"), phone: Some("call me"), wechat_id: Some("1x"), ..f };
        assert_eq!(fields(&parse_buyer_profile(&bad).unwrap_err()), ["contact.phone", "contact.wechat_id", "kind"]);
        let empty = parse_buyer_profile(&BuyerProfileFields::default()).unwrap_err();
        assert_eq!(empty.len(), 7, "every required field named: {empty:?}");
    }

    #[test]
    fn phones_and_wechat_ids() {
        assert!(parse_phone("13800000000").is_ok());
        assert!(parse_phone("12345").is_err());
        assert!(parse_phone("+86+138").is_err());
        assert!(parse_wechat_id("wxid_abc123").is_ok());
        assert!(parse_wechat_id("abc").is_err());
        assert!(parse_wechat_id("中文微信号abc").is_err());
    }

    #[test]
    fn offers_and_messages_are_bounded() {
        let o = parse_offer(Some("4.75"), Some(500), Some(30), Some("  Ships in 30 days. ")).unwrap();
        assert_eq!((o.unit_price, o.message.as_deref()), (Usd::from_minor(475), Some("Ships in 30 days.")));
        let e = parse_offer(Some("0"), Some(-1), Some(400), None).unwrap_err();
        assert_eq!(fields(&e), ["lead_time_days", "quantity", "unit_price_usd"]);
        assert!(parse_message(Some("你好")).is_ok());
        assert_eq!(fields(&parse_message(Some(" ")).unwrap_err()), ["body"]);
        assert!(parse_message(Some(&"x".repeat(MAX_MESSAGE_CHARS + 1))).is_err());
    }

    #[test]
    fn search_text_keeps_what_is_wanted() {
        assert_eq!(search_text("求购野花蜂蜜 500罐"), "野花蜂蜜");
        assert_eq!(search_text("长期采购：蜂蜜，500罐"), "蜂蜜");
        assert_eq!(search_text("Looking for wildflower honey, 500 jars"), "wildflower honey jars");
        assert_eq!(search_text("求购"), "求购", "nothing left: the title as it is");
    }

    fn signals() -> MatchSignals {
        MatchSignals {
            relevance: 1.0,
            products: 1,
            class_fit: false,
            state_fit: false,
            export_done: 0,
            export_applicable: 0,
        }
    }

    #[test]
    fn relevance_weighs_most() {
        let best = score(&signals());
        assert_eq!((best.points, best.reasons.clone()), (RELEVANCE_POINTS, vec![MatchReason::Relevance]));
        let half = score(&MatchSignals { relevance: 0.5, ..signals() });
        assert_eq!(half.points, RELEVANCE_POINTS / 2);
        // Every preference together does not lift a weak match over a strong one.
        let weak = score(&MatchSignals {
            relevance: 0.1,
            products: 2,
            class_fit: true,
            state_fit: true,
            export_done: 5,
            export_applicable: 5,
        });
        assert!(weak.points < best.points, "{weak:?}");
        assert_eq!(score(&MatchSignals { relevance: f32::NAN, ..signals() }).points, 0);
        assert_eq!(score(&MatchSignals { relevance: 3.0, ..signals() }).points, RELEVANCE_POINTS);
    }

    #[test]
    fn preferences_and_readiness_add_points_and_reasons() {
        let s = score(&MatchSignals {
            products: 9,
            class_fit: true,
            state_fit: true,
            export_done: 4,
            export_applicable: 4,
            ..signals()
        });
        assert_eq!(
            s.points,
            RELEVANCE_POINTS
                + MAX_EXTRA_PRODUCTS * EXTRA_PRODUCT_POINTS
                + CLASS_POINTS
                + STATE_POINTS
                + EXPORT_READY_POINTS
        );
        assert_eq!(
            s.reasons,
            [
                MatchReason::Relevance,
                MatchReason::SeveralProducts,
                MatchReason::Class,
                MatchReason::State,
                MatchReason::ExportReady
            ]
        );
        // Partly ready: its share of the points, and no reason.
        let partly = score(&MatchSignals { export_done: 2, export_applicable: 4, ..signals() });
        assert_eq!(partly.points, RELEVANCE_POINTS + EXPORT_READY_POINTS / 2);
        assert_eq!(partly.reasons, [MatchReason::Relevance]);
    }

    #[test]
    fn top_keeps_the_best_in_a_stable_order() {
        let s = |points| MatchScore { points, reasons: vec![MatchReason::Relevance] };
        let ranked = top(vec![(3, s(10)), (1, s(50)), (2, s(50)), (4, s(5))], 3);
        assert_eq!(ranked.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn only_contenders_are_scored_in_full() {
        let partial = [("a", 700), ("b", 600), ("c", 460), ("d", 440), ("e", 200)];
        // Best two: 700 and 600; with 150 more, 460 could still pass 600, 440 could not.
        assert_eq!(contenders(&partial, 2, 150), ["a", "b", "c"]);
        assert_eq!(contenders(&partial, 10, 150), ["a", "b", "c", "d", "e"], "fewer than n: all");
        assert_eq!(contenders(&partial, 5, 0), ["a", "b", "c", "d", "e"]);
        assert_eq!(contenders(&partial, 1, 0), ["a"]);
    }

    #[test]
    fn contacts_need_both_sides() {
        assert!(!contacts_visible(false, false));
        assert!(!contacts_visible(true, false));
        assert!(!contacts_visible(false, true));
        assert!(contacts_visible(true, true));
    }
}
