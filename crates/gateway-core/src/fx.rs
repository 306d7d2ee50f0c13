//! The operator's USD→CNY rate and the conversion SPEC section 2 fixes.

use crate::decimal::{self, DecimalError};
use crate::money::{Cny, Usd};
use std::fmt;

/// Decimal places an FX rate may carry.
pub const FX_PLACES: u32 = 6;
const FX_SCALE: i128 = 1_000_000;
/// A rate above this is certainly a typo (CNY has never been near 1,000 per USD).
const MAX_RATE_MICROS: i64 = 1_000 * 1_000_000;

/// CNY per USD, stored as millionths ("7.123456" → 7_123_456).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FxRate(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FxRateError {
    #[error("{0}")]
    Decimal(#[from] DecimalError),
    #[error("must be greater than zero")]
    Zero,
    #[error("must be at most 1000")]
    TooLarge,
}

impl FxRate {
    pub fn parse(text: &str) -> Result<Self, FxRateError> {
        Self::from_micros(decimal::parse_scaled(text, FX_PLACES)?)
    }

    pub fn from_micros(micros: i64) -> Result<Self, FxRateError> {
        match micros {
            0 => Err(FxRateError::Zero),
            m if m > MAX_RATE_MICROS => Err(FxRateError::TooLarge),
            m if m < 0 => Err(FxRateError::Decimal(DecimalError::Negative)),
            m => Ok(Self(m)),
        }
    }

    pub const fn micros(self) -> i64 {
        self.0
    }

    /// round-half-up(usd × rate) to the fen (SPEC 2).
    pub fn convert(self, usd: Usd) -> Cny {
        let exact = i128::from(usd.minor()) * i128::from(self.0);
        let fen = decimal::div_round_half_up(exact, FX_SCALE);
        // |usd| ≤ i64::MAX cents and rate ≤ 1000 can overflow i64 only for absurd
        // prices that validation refuses long before; saturate rather than wrap.
        Cny::from_minor(i64::try_from(fen).unwrap_or(i64::MAX))
    }
}

/// The API form: the shortest exact decimal, "7.1" or "7.123456".
impl fmt::Display for FxRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal::format_scaled_trimmed(self.0, FX_PLACES))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rate(text: &str) -> FxRate {
        FxRate::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn converts_with_half_up_rounding() {
        // 12.50 × 7.10 = 88.75 exactly.
        assert_eq!(rate("7.10").convert(Usd::from_minor(1250)), Cny::from_minor(8875));
        // 0.01 × 7.15 = 0.0715 → 0.07; 0.07 × 7.15 = 0.5005 → 0.50; 0.10 × 7.15 = 0.715 → 0.72
        assert_eq!(rate("7.15").convert(Usd::from_minor(1)), Cny::from_minor(7));
        assert_eq!(rate("7.15").convert(Usd::from_minor(7)), Cny::from_minor(50));
        assert_eq!(rate("7.15").convert(Usd::from_minor(10)), Cny::from_minor(72));
        // 19.99 × 7.123456 = 142.39688544 → 142.40
        assert_eq!(rate("7.123456").convert(Usd::from_minor(1999)), Cny::from_minor(14240));
    }

    #[test]
    fn refuses_bad_rates() {
        assert_eq!(FxRate::parse("0"), Err(FxRateError::Zero));
        assert_eq!(FxRate::parse("7.1234567"), Err(FxRateError::Decimal(DecimalError::TooManyPlaces(6))));
        assert_eq!(FxRate::parse("-7"), Err(FxRateError::Decimal(DecimalError::Negative)));
        assert_eq!(FxRate::parse("1000.000001"), Err(FxRateError::TooLarge));
        assert_eq!(rate("7.100000").to_string(), "7.1");
    }

    proptest! {
        #[test]
        fn conversion_is_within_half_a_fen_of_exact(cents in 0i64..100_000_000, micros in 1i64..20_000_000) {
            let fx = FxRate::from_micros(micros).unwrap_or_else(|e| panic!("{e}"));
            let fen = i128::from(fx.convert(Usd::from_minor(cents)).minor());
            let exact_scaled = i128::from(cents) * i128::from(micros);
            // |fen × 10^6 − exact| ≤ 0.5 × 10^6, and exactly-half rounds up.
            let diff = fen * FX_SCALE - exact_scaled;
            prop_assert!(diff <= FX_SCALE / 2 && diff > -FX_SCALE / 2);
        }
    }
}
