//! Fixed-point decimal text ("12.34") to and from scaled integers, without floats.

use std::fmt::Write;

/// Why a decimal string was refused; the caller turns it into a field message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("must be a decimal number such as 12.34")]
    Syntax,
    #[error("must have at most {0} decimal places")]
    TooManyPlaces(u32),
    #[error("is too large")]
    TooLarge,
    #[error("must not be negative")]
    Negative,
}

/// Parses a non-negative decimal with at most `places` fractional digits into an
/// integer scaled by 10^places. Accepts "12", "12.3", "12.34", "0.5"; refuses signs,
/// exponents, spaces and empty parts (".5", "5.").
pub fn parse_scaled(text: &str, places: u32) -> Result<i64, DecimalError> {
    if text.starts_with('-') {
        return Err(DecimalError::Negative);
    }
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, f),
        None => (text, ""),
    };
    let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits_only(int_part) || (text.contains('.') && !digits_only(frac_part)) {
        return Err(DecimalError::Syntax);
    }
    let significant_frac = frac_part.trim_end_matches('0');
    if significant_frac.len() > places as usize {
        return Err(DecimalError::TooManyPlaces(places));
    }
    let scale = 10i64.pow(places);
    let int_value: i64 = int_part
        .trim_start_matches('0')
        .parse::<i64>()
        .or_else(|_| if int_part.trim_start_matches('0').is_empty() { Ok(0) } else { Err(()) })
        .map_err(|()| DecimalError::TooLarge)?;
    let mut frac_value: i64 = 0;
    for (i, b) in significant_frac.bytes().enumerate() {
        frac_value += i64::from(b - b'0') * 10i64.pow(places - 1 - i as u32);
    }
    int_value.checked_mul(scale).and_then(|v| v.checked_add(frac_value)).ok_or(DecimalError::TooLarge)
}

/// Writes an integer scaled by 10^places with exactly `places` fractional digits.
pub fn format_scaled(value: i64, places: u32) -> String {
    let scale = 10i64.pow(places);
    let mut out = String::new();
    if value < 0 {
        out.push('-');
    }
    let abs = value.unsigned_abs();
    let scale = scale as u64;
    let _ = write!(out, "{}", abs / scale);
    if places > 0 {
        let _ = write!(out, ".{:0width$}", abs % scale, width = places as usize);
    }
    out
}

/// Like [`format_scaled`], without trailing zeros in the fraction ("7.1" not "7.100000").
pub fn format_scaled_trimmed(value: i64, places: u32) -> String {
    let full = format_scaled(value, places);
    if full.contains('.') { full.trim_end_matches('0').trim_end_matches('.').to_string() } else { full }
}

/// Divides with rounding half away from zero (half-up for the non-negative amounts
/// that Gateway rounds). `denominator` must be positive.
pub fn div_round_half_up(numerator: i128, denominator: i128) -> i128 {
    debug_assert!(denominator > 0);
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    if remainder.abs() * 2 >= denominator { quotient + numerator.signum() } else { quotient }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_usual_forms() {
        assert_eq!(parse_scaled("12.34", 2), Ok(1234));
        assert_eq!(parse_scaled("12.3", 2), Ok(1230));
        assert_eq!(parse_scaled("12", 2), Ok(1200));
        assert_eq!(parse_scaled("0.05", 2), Ok(5));
        assert_eq!(parse_scaled("007.50", 2), Ok(750));
        assert_eq!(parse_scaled("7.123456", 6), Ok(7_123_456));
        assert_eq!(parse_scaled("12.340", 2), Ok(1234));
    }

    #[test]
    fn refuses_what_is_not_a_plain_decimal() {
        assert_eq!(parse_scaled("12.345", 2), Err(DecimalError::TooManyPlaces(2)));
        assert_eq!(parse_scaled("-1", 2), Err(DecimalError::Negative));
        for bad in ["", ".5", "5.", "1e3", " 1", "1,5", "abc", "+1", "1.2.3"] {
            assert_eq!(parse_scaled(bad, 2), Err(DecimalError::Syntax), "{bad:?}");
        }
        assert_eq!(parse_scaled("99999999999999999999", 2), Err(DecimalError::TooLarge));
    }

    #[test]
    fn formats_with_fixed_and_trimmed_places() {
        assert_eq!(format_scaled(1234, 2), "12.34");
        assert_eq!(format_scaled(5, 2), "0.05");
        assert_eq!(format_scaled(-5, 2), "-0.05");
        assert_eq!(format_scaled_trimmed(7_100_000, 6), "7.1");
        assert_eq!(format_scaled_trimmed(7_000_000, 6), "7");
    }

    #[test]
    fn rounds_half_up() {
        assert_eq!(div_round_half_up(5, 10), 1);
        assert_eq!(div_round_half_up(4, 10), 0);
        assert_eq!(div_round_half_up(15, 10), 2);
        assert_eq!(div_round_half_up(25, 10), 3);
        assert_eq!(div_round_half_up(-15, 10), -2);
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(v in 0i64..10_000_000_000_000) {
            prop_assert_eq!(parse_scaled(&format_scaled(v, 2), 2), Ok(v));
            prop_assert_eq!(parse_scaled(&format_scaled_trimmed(v, 6), 6), Ok(v));
        }
    }
}
