//! The CBEC positive list as data (SPEC 3 and 7): which goods may be imported as
//! cross-border retail, by HS code prefix, with the remarks the list attaches to a
//! line — bonded-warehouse only, or a yearly weight cap per buyer.
//!
//! The real list (the 2019 edition and its 2022 update, 1,476 tariff lines) is a list
//! of 10-digit tariff lines with remarks such as 仅限网购保税商品 ("bonded only").
//! Gateway keeps it as prefixes so that an operator can allow a whole heading (4
//! digits) and refine one subheading below it: the longest prefix that matches a
//! product's HS code decides.

use crate::merchant::Fulfilment;

/// An HS code prefix: 2 to 10 digits (a chapter, heading, subheading or tariff line).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HsPrefix(String);

impl HsPrefix {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let ok = (2..=10).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
        if ok { Ok(Self(text.to_string())) } else { Err("must be 2 to 10 digits (an HS chapter, heading or line)") }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn covers(&self, hs_code: &str) -> bool {
        hs_code.starts_with(&self.0)
    }
}

/// The most a yearly cap may be: 1,000 kg, a guard against a typo in grams.
pub const MAX_ANNUAL_CAP_G: i64 = 1_000_000;

/// One line of the positive list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositiveListEntry {
    pub hs_prefix: HsPrefix,
    /// The tax class goods under this prefix are filed in: a product of another class
    /// is refused, because its class decides the tax it pays.
    pub tax_class: String,
    /// Only from a bonded warehouse (customs mode 1210), never by direct mail (9610).
    pub bonded_only: bool,
    /// Grams one buyer may import per calendar year, where the list sets a cap.
    pub annual_cap_g: Option<i64>,
    pub description_en: String,
    pub description_zh: String,
}

/// The entry that decides for `hs_code`: the one with the longest matching prefix.
pub fn longest_match<'a>(entries: &'a [PositiveListEntry], hs_code: &str) -> Option<&'a PositiveListEntry> {
    entries.iter().filter(|e| e.hs_prefix.covers(hs_code)).max_by_key(|e| e.hs_prefix.as_str().len())
}

/// The yearly cap a product falls under: the deciding line's prefix (one counter per
/// buyer and prefix) and its grams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnualCap {
    pub hs_prefix: String,
    pub grams: i64,
}

impl PositiveListEntry {
    pub fn annual_cap(&self) -> Option<AnnualCap> {
        self.annual_cap_g.map(|grams| AnnualCap { hs_prefix: self.hs_prefix.as_str().to_string(), grams })
    }
}

/// The grams of a product a buyer's yearly cap counts: its net content when that is
/// a weight, otherwise its shipping weight (a cap on "2 kg of sugar" means the sugar,
/// but a product sold by the piece or the millilitre has only its shipping weight).
pub fn capped_grams(net_content: crate::product::NetContent, weight_g: i64) -> i64 {
    match net_content.unit {
        // Rounded up: a cap must never let through a fraction of a gram more.
        crate::product::ContentUnit::Gram => (net_content.milli + 999) / 1000,
        _ => weight_g,
    }
}

/// The facts the listing check needs about one product.
#[derive(Debug, Clone, Copy)]
pub struct ListingFacts<'a> {
    pub class: &'a crate::tax_class::TaxClass,
    /// The positive-list entry for the product's HS code, if any.
    pub entry: Option<&'a PositiveListEntry>,
    pub hs_code: &'a str,
    pub merchant_has_food_registration: bool,
    pub fulfilment: Fulfilment,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(prefix: &str, class: &str) -> PositiveListEntry {
        PositiveListEntry {
            hs_prefix: HsPrefix::parse(prefix).unwrap(),
            tax_class: class.into(),
            bonded_only: false,
            annual_cap_g: None,
            description_en: String::new(),
            description_zh: String::new(),
        }
    }

    #[test]
    fn prefixes_parse() {
        assert!(HsPrefix::parse("04").is_ok());
        assert!(HsPrefix::parse("0409000000").is_ok());
        for bad in ["0", "04090000001", "04a9", "", " 0409"] {
            assert!(HsPrefix::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_longest_prefix_decides() {
        let list = [entry("04", "food"), entry("0409", "agri"), entry("040900", "food")];
        assert_eq!(longest_match(&list, "04090000").map(|e| e.hs_prefix.as_str()), Some("040900"));
        assert_eq!(longest_match(&list, "04091000").map(|e| e.hs_prefix.as_str()), Some("0409"));
        assert_eq!(longest_match(&list, "04061000").map(|e| e.hs_prefix.as_str()), Some("04"));
        assert_eq!(longest_match(&list, "17022000"), None);
    }

    #[test]
    fn capped_grams_prefer_the_net_weight() {
        use crate::product::{ContentUnit, NetContent};
        let grams = NetContent { milli: 500_500, unit: ContentUnit::Gram };
        assert_eq!(capped_grams(grams, 650), 501, "500.5 g rounds up");
        let ml = NetContent { milli: 250_000, unit: ContentUnit::Millilitre };
        assert_eq!(capped_grams(ml, 520), 520);
    }

    proptest! {
        /// Whatever the list, the match covers the code, and no longer covering prefix exists.
        #[test]
        fn match_is_the_longest_covering(prefixes in proptest::collection::vec("[0-9]{2,6}", 0..12), code in "[0-9]{8}") {
            let list: Vec<_> = prefixes.iter().map(|p| entry(p, "agri")).collect();
            match longest_match(&list, &code) {
                Some(m) => {
                    prop_assert!(code.starts_with(m.hs_prefix.as_str()));
                    prop_assert!(list.iter().all(|e| !e.hs_prefix.covers(&code) || e.hs_prefix.as_str().len() <= m.hs_prefix.as_str().len()));
                }
                None => prop_assert!(list.iter().all(|e| !e.hs_prefix.covers(&code))),
            }
        }
    }
}
