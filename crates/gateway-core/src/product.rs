//! Products (SPEC 7): the validated fields of a listing and the listing check.

use crate::code_enum;
use crate::decimal;
use crate::merchant::Fulfilment;
use crate::money::Usd;
use crate::positive_list::{AnnualCap, ListingFacts, PositiveListEntry};
#[cfg(test)]
use crate::tax_class::TaxClass;

/// A stock-keeping unit, unique per merchant: 1–64 letters, digits, '-', '_' or '.'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sku(String);

impl Sku {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let ok = (1..=64).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if ok { Ok(Self(text.to_string())) } else { Err("must be 1 to 64 letters, digits, '-', '_' or '.'") }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Harmonized System code as China Customs uses it: 8 or 10 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HsCode(String);

impl HsCode {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let ok = matches!(text.len(), 8 | 10) && text.bytes().all(|b| b.is_ascii_digit());
        if ok { Ok(Self(text.to_string())) } else { Err("must be 8 or 10 digits") }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ISO 3166-1 alpha-2 country code in capitals, such as US.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let ok = text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase());
        if ok { Ok(Self(text.to_string())) } else { Err("must be a two-letter country code in capitals, such as US") }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The most a listing may cost: a guard against typos (and the CBEC single limit of
/// 5,000 CNY is far below it anyway).
pub const MAX_PRICE: Usd = Usd::from_minor(10_000_000); // 100,000.00 USD
pub const MAX_WEIGHT_G: i64 = 1_000_000;
pub const MAX_STOCK: i64 = 100_000_000;

pub fn parse_price(text: &str) -> Result<Usd, String> {
    let price = Usd::parse(text).map_err(|e| e.to_string())?;
    if price == Usd::ZERO {
        Err("must be greater than zero".into())
    } else if price > MAX_PRICE {
        Err(format!("must be at most {MAX_PRICE}"))
    } else {
        Ok(price)
    }
}

pub fn parse_weight_g(n: i64) -> Result<i64, String> {
    if n <= 0 {
        Err("must be a whole number of grams greater than zero".into())
    } else if n > MAX_WEIGHT_G {
        Err(format!("must be at most {MAX_WEIGHT_G}"))
    } else {
        Ok(n)
    }
}

pub fn parse_stock(n: i64) -> Result<i64, String> {
    if n < 0 {
        Err("must not be negative".into())
    } else if n > MAX_STOCK {
        Err(format!("must be at most {MAX_STOCK}"))
    } else {
        Ok(n)
    }
}

code_enum!(
    /// The unit of a product's net content.
    ContentUnit { Gram = "g", Millilitre = "ml", Piece = "piece" }
);

/// Net content (e.g. 500 g, 30 ml, 2 pieces), in thousandths of the unit so that
/// 12.5 g is exact. It feeds the cosmetics CT threshold (value per gram or piece).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetContent {
    pub milli: i64,
    pub unit: ContentUnit,
}

pub const NET_CONTENT_PLACES: u32 = 3;

impl NetContent {
    /// `value` is the decimal text of the amount ("500", "12.5").
    pub fn parse(value: &str, unit: ContentUnit) -> Result<Self, String> {
        let milli = decimal::parse_scaled(value, NET_CONTENT_PLACES).map_err(|e| e.to_string())?;
        if milli == 0 {
            return Err("must be greater than zero".into());
        }
        if unit == ContentUnit::Piece && milli % 1000 != 0 {
            return Err("must be a whole number of pieces".into());
        }
        Ok(Self { milli, unit })
    }

    pub fn value_text(self) -> String {
        decimal::format_scaled_trimmed(self.milli, NET_CONTENT_PLACES)
    }
}

code_enum!(
    /// Whether a product is for sale: `listed` passes the listing check, `blocked`
    /// fails it (with reasons), `delisted` was withdrawn by its merchant.
    ProductStatus { Listed = "listed", Blocked = "blocked", Delisted = "delisted" }
);

/// One reason a product may not be sold, in English for the merchant and in Chinese
/// for the operator (problems stored before the Chinese text existed read it empty).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListingProblem {
    pub code: String,
    pub field: String,
    pub message: String,
    #[serde(default)]
    pub message_zh: String,
}

impl ListingProblem {
    fn new(code: &str, field: &str, message: String, message_zh: String) -> Self {
        ListingProblem { code: code.into(), field: field.into(), message, message_zh }
    }
}

/// Every code `listing_check` may give (the pages translate each).
pub const LISTING_PROBLEM_CODES: &[&str] = &[
    "not_on_positive_list",
    "hs_not_on_positive_list",
    "hs_class_mismatch",
    "bonded_only",
    "food_registration_missing",
];

/// The listing check of SPEC 7: the class on the positive list, the HS code under an
/// entry of the list filed in the same class, bonded-only goods from a bonded
/// merchant, and for a food class a merchant with a GACC registration number.
/// Returns every reason, empty when fine.
pub fn listing_check(facts: &ListingFacts<'_>) -> Vec<ListingProblem> {
    let class = facts.class;
    let hs = facts.hs_code;
    let mut problems = Vec::new();
    if !class.positive_list {
        problems.push(ListingProblem::new(
            "not_on_positive_list",
            "tax_class",
            format!(
                "{} goods are not on China's cross-border e-commerce positive list and cannot be sold through Gateway",
                class.name_en
            ),
            format!("{}不在跨境电商零售进口商品清单内，不能通过跨境电商销售", class.name_zh),
        ));
    } else {
        // The class is allowed: the HS code decides the rest (a class that is off the
        // list already says why, once).
        match facts.entry {
            None => problems.push(ListingProblem::new(
                "hs_not_on_positive_list",
                "hs_code",
                format!(
                    "HS code {hs} is not on China's cross-border e-commerce positive list; check the code (the operator's positive list shows what is allowed)"
                ),
                format!("HS编码{hs}不在跨境电商零售进口商品清单内"),
            )),
            Some(entry) => {
                if entry.tax_class != class.code {
                    problems.push(ListingProblem::new(
                        "hs_class_mismatch",
                        "tax_class",
                        format!(
                            "HS code {hs} is listed in the {} tax class, not {}: choose {} or correct the HS code",
                            entry.tax_class, class.code, entry.tax_class
                        ),
                        format!("HS编码{hs}在清单中归入“{}”税类，与所选“{}”不符", entry.tax_class, class.code),
                    ));
                }
                if entry.bonded_only && facts.fulfilment == Fulfilment::DirectMail {
                    let prefix = entry.hs_prefix.as_str();
                    problems.push(ListingProblem::new(
                        "bonded_only",
                        "hs_code",
                        format!(
                            "goods under HS {prefix} may only be imported from a bonded warehouse, and this business ships by direct mail; change the fulfilment mode in the business profile to sell them"
                        ),
                        format!("HS {prefix}项下商品仅限网购保税进口，该商家为直邮模式"),
                    ));
                }
            }
        }
    }
    if class.food && !facts.merchant_has_food_registration {
        problems.push(ListingProblem::new(
            "food_registration_missing",
            "tax_class",
            "food products need the merchant's GACC overseas facility registration number (Decree 248); add it to the business profile".into(),
            "食品须有境外生产企业在海关总署的注册编号（第248号令），商家资料中尚未填写".into(),
        ));
    }
    problems
}

/// What the listing check decides for a product: its status, the reasons, and the
/// yearly cap per buyer its positive-list line sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingVerdict {
    pub status: ProductStatus,
    pub problems: Vec<ListingProblem>,
    pub annual_cap: Option<AnnualCap>,
}

/// The whole verdict for a product; `withdrawn` when its merchant delisted it, which
/// it stays whatever the check says.
pub fn listing_verdict(facts: &ListingFacts<'_>, withdrawn: bool) -> ListingVerdict {
    let problems = listing_check(facts);
    ListingVerdict {
        status: status_after_check(&problems, withdrawn),
        problems,
        annual_cap: facts.entry.and_then(PositiveListEntry::annual_cap),
    }
}

/// The status a product gets after the check, unless its merchant withdrew it.
pub fn status_after_check(problems: &[ListingProblem], withdrawn: bool) -> ProductStatus {
    if withdrawn {
        ProductStatus::Delisted
    } else if problems.is_empty() {
        ProductStatus::Listed
    } else {
        ProductStatus::Blocked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(prefix: &str, class: &str) -> PositiveListEntry {
        PositiveListEntry {
            hs_prefix: crate::positive_list::HsPrefix::parse(prefix).unwrap(),
            tax_class: class.into(),
            bonded_only: false,
            annual_cap_g: None,
            description_en: String::new(),
            description_zh: String::new(),
        }
    }

    fn class(food: bool, positive_list: bool) -> TaxClass {
        TaxClass {
            code: "x".into(),
            name_en: "Test".into(),
            name_zh: "测试".into(),
            vat_ppm: 130_000,
            ct_ppm: 0,
            ct_threshold: None,
            mfn_duty_ppm: 0,
            food,
            positive_list,
        }
    }

    fn check(
        class: &TaxClass,
        entry: Option<&PositiveListEntry>,
        registered: bool,
        fulfilment: Fulfilment,
    ) -> Vec<String> {
        let facts =
            ListingFacts { class, entry, hs_code: "04090000", merchant_has_food_registration: registered, fulfilment };
        listing_check(&facts).into_iter().map(|p| p.code).collect()
    }

    #[test]
    fn listing_check_gives_every_reason() {
        let honey = entry("0409", "x");
        let direct = Fulfilment::DirectMail;
        assert!(check(&class(false, true), Some(&honey), false, direct).is_empty());
        assert!(check(&class(true, true), Some(&honey), true, direct).is_empty());
        assert_eq!(check(&class(true, true), Some(&honey), false, direct), ["food_registration_missing"]);
        assert_eq!(
            check(&class(true, false), Some(&honey), false, direct),
            ["not_on_positive_list", "food_registration_missing"],
            "a class off the list says so once, without the HS reasons"
        );
        assert_eq!(check(&class(true, false), None, true, direct), ["not_on_positive_list"]);
        assert_eq!(check(&class(false, true), None, false, direct), ["hs_not_on_positive_list"]);
        let problems = listing_check(&ListingFacts {
            class: &class(false, true),
            entry: Some(&entry("0409", "food")),
            hs_code: "04090000",
            merchant_has_food_registration: true,
            fulfilment: direct,
        });
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].code.as_str(), problems[0].field.as_str()), ("hs_class_mismatch", "tax_class"));
        assert!(problems[0].message.contains("listed in the food tax class, not x"), "{}", problems[0].message);
        assert!(problems[0].message_zh.contains("“food”税类"), "{}", problems[0].message_zh);
        let bonded_only = PositiveListEntry { bonded_only: true, ..entry("0409", "x") };
        assert_eq!(check(&class(false, true), Some(&bonded_only), false, direct), ["bonded_only"]);
        assert!(check(&class(false, true), Some(&bonded_only), false, Fulfilment::Bonded).is_empty());
        assert_eq!(status_after_check(&[], false), ProductStatus::Listed);
        let blocked = listing_check(&ListingFacts {
            class: &class(false, false),
            entry: None,
            hs_code: "02023000",
            merchant_has_food_registration: true,
            fulfilment: direct,
        });
        assert_eq!(status_after_check(&blocked, false), ProductStatus::Blocked);
        assert!(blocked.iter().all(|p| !p.message.is_empty() && !p.message_zh.is_empty()));
        assert_eq!(status_after_check(&[], true), ProductStatus::Delisted);
    }

    #[test]
    fn problems_stored_without_chinese_still_read() {
        let old = r#"[{"code":"not_on_positive_list","field":"tax_class","message":"m"}]"#;
        let problems: Vec<ListingProblem> = serde_json::from_str(old).unwrap();
        assert_eq!(problems[0].message_zh, "");
    }

    #[test]
    fn field_parsers() {
        assert!(Sku::parse("PGA-HONEY-500").is_ok());
        assert!(Sku::parse("").is_err());
        assert!(Sku::parse("has space").is_err());
        assert!(HsCode::parse("04090000").is_ok());
        assert!(HsCode::parse("0409000000").is_ok());
        for bad in ["0409", "040900000", "04090000a", "04090000000"] {
            assert!(HsCode::parse(bad).is_err(), "{bad}");
        }
        assert!(CountryCode::parse("US").is_ok());
        assert!(CountryCode::parse("us").is_err());
        assert_eq!(parse_price("12.34"), Ok(Usd::from_minor(1234)));
        assert!(parse_price("0").is_err());
        assert!(parse_price("12.345").is_err());
        assert!(parse_price("100000.01").is_err());
        assert!(parse_weight_g(0).is_err());
        assert!(parse_stock(-1).is_err());
        assert_eq!(NetContent::parse("12.5", ContentUnit::Gram).map(|n| n.milli), Ok(12_500));
        assert!(NetContent::parse("1.5", ContentUnit::Piece).is_err());
        assert!(NetContent::parse("0", ContentUnit::Millilitre).is_err());
        assert_eq!(NetContent::parse("500", ContentUnit::Gram).map(NetContent::value_text), Ok("500".into()));
    }
}
