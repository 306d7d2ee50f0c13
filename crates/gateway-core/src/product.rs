//! Products (SPEC 7): the validated fields of a listing and the listing check.

use crate::code_enum;
use crate::decimal;
use crate::money::Usd;
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

/// One reason a product may not be sold.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListingProblem {
    pub code: String,
    pub field: String,
    pub message: String,
}

/// The listing check of SPEC 7: on the positive list, and for a food class, a
/// merchant with a GACC registration number. Returns every reason, empty when fine.
pub fn listing_check(class: &TaxClass, merchant_has_food_registration: bool) -> Vec<ListingProblem> {
    let mut problems = Vec::new();
    if !class.positive_list {
        problems.push(ListingProblem {
            code: "not_on_positive_list".into(),
            field: "tax_class".into(),
            message: format!(
                "{} goods are not on China's cross-border e-commerce positive list and cannot be sold through Gateway",
                class.name_en
            ),
        });
    }
    if class.food && !merchant_has_food_registration {
        problems.push(ListingProblem {
            code: "food_registration_missing".into(),
            field: "tax_class".into(),
            message: "food products need the merchant's GACC overseas facility registration number (Decree 248); add it to the business profile".into(),
        });
    }
    problems
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

    #[test]
    fn listing_check_gives_every_reason() {
        assert!(listing_check(&class(false, true), false).is_empty());
        assert!(listing_check(&class(true, true), true).is_empty());
        let codes = |p: Vec<ListingProblem>| p.into_iter().map(|p| p.code).collect::<Vec<_>>();
        assert_eq!(codes(listing_check(&class(true, true), false)), ["food_registration_missing"]);
        assert_eq!(
            codes(listing_check(&class(true, false), false)),
            ["not_on_positive_list", "food_registration_missing"]
        );
        assert_eq!(status_after_check(&[], false), ProductStatus::Listed);
        assert_eq!(status_after_check(&listing_check(&class(false, false), true), false), ProductStatus::Blocked);
        assert_eq!(status_after_check(&[], true), ProductStatus::Delisted);
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
