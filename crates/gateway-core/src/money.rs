//! Money as integer minor units: USD cents and CNY fen. Never floats.

use crate::decimal::{self, DecimalError};
use std::fmt;

macro_rules! currency {
    ($name:ident, $code:literal, $minor:literal) => {
        #[doc = concat!("An amount in ", $code, ", as an integer count of ", $minor, ".")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(i64);

        impl $name {
            pub const ZERO: Self = Self(0);
            pub const CODE: &'static str = $code;

            pub const fn from_minor(minor: i64) -> Self {
                Self(minor)
            }

            pub const fn minor(self) -> i64 {
                self.0
            }

            /// Parses "12.34" (at most two decimals, not negative).
            pub fn parse(text: &str) -> Result<Self, DecimalError> {
                decimal::parse_scaled(text, 2).map(Self)
            }

            pub fn checked_add(self, other: Self) -> Option<Self> {
                self.0.checked_add(other.0).map(Self)
            }

            pub fn checked_mul(self, factor: i64) -> Option<Self> {
                self.0.checked_mul(factor).map(Self)
            }
        }

        /// The API form: a decimal string with two places, "12.34".
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&decimal::format_scaled(self.0, 2))
            }
        }
    };
}

currency!(Usd, "USD", "cents");
currency!(Cny, "CNY", "fen");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_two_places() {
        assert_eq!(Usd::from_minor(1250).to_string(), "12.50");
        assert_eq!(Cny::from_minor(7).to_string(), "0.07");
        assert_eq!(Cny::parse("5000").map(Cny::minor), Ok(500_000));
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(Usd::from_minor(i64::MAX).checked_add(Usd::from_minor(1)), None);
        assert_eq!(Usd::from_minor(250).checked_mul(3), Some(Usd::from_minor(750)));
    }
}
