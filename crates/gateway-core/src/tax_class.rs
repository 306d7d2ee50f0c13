//! Tax classes (SPEC 3): the rates a product's class carries into the CBEC tax, and
//! whether the class may be sold at all (the positive list) or needs a food
//! facility registration.

use crate::decimal;
use crate::money::Cny;

/// Rates are stored as parts per million: 13% = 130_000. The law's rates are whole
/// percents, but an operator may need 6.5% or a scenario 27.5%.
pub const RATE_PLACES: u32 = 6;
pub const RATE_ONE: i64 = 1_000_000;

/// A rate as a fraction, "0.13", parsed and printed exactly.
pub fn parse_rate(text: &str) -> Result<i64, String> {
    let ppm = decimal::parse_scaled(text, RATE_PLACES).map_err(|e| e.to_string())?;
    if ppm >= RATE_ONE { Err("must be a fraction below 1, such as 0.13".into()) } else { Ok(ppm) }
}

pub fn format_rate(ppm: i64) -> String {
    decimal::format_scaled_trimmed(ppm, RATE_PLACES)
}

/// A tax rate (VAT, consumption tax, duty) as the views carry it: parts per million,
/// written as the fraction the API has always shown ("0.13"), so a page can show it
/// in percent without parsing the text back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TaxRate(i64);

impl TaxRate {
    pub const fn from_ppm(ppm: i64) -> Self {
        Self(ppm)
    }

    pub const fn ppm(self) -> i64 {
        self.0
    }
}

/// The API form: the fraction, "0.13".
impl std::fmt::Display for TaxRate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_rate(self.0))
    }
}

impl serde::Serialize for TaxRate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The consumption-tax threshold of high-end cosmetics: the CT applies only when the
/// dutiable value per gram or millilitre, or per piece, reaches these amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CtThreshold {
    pub per_g_or_ml: Cny,
    pub per_piece: Cny,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxClass {
    pub code: String,
    pub name_en: String,
    pub name_zh: String,
    pub vat_ppm: i64,
    pub ct_ppm: i64,
    pub ct_threshold: Option<CtThreshold>,
    pub mfn_duty_ppm: i64,
    /// Food classes need the merchant's GACC registration (Decree 248).
    pub food: bool,
    /// On the CBEC positive list: may be sold through Gateway at all.
    pub positive_list: bool,
}

/// A tax-class code: lower-case letters and underscores, as the seeded ones.
pub fn parse_code(text: &str) -> Result<String, &'static str> {
    let ok = (1..=32).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    if ok { Ok(text.to_string()) } else { Err("must be a tax class code such as agri or cosmetics") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_trip() {
        assert_eq!(parse_rate("0.13"), Ok(130_000));
        assert_eq!(parse_rate("0.065"), Ok(65_000));
        assert_eq!(format_rate(130_000), "0.13");
        assert_eq!(format_rate(0), "0");
        assert!(parse_rate("1").is_err());
        assert!(parse_rate("0.1234567").is_err());
        assert!(parse_code("agri").is_ok());
        assert!(parse_code("Agri").is_err());
    }
}
