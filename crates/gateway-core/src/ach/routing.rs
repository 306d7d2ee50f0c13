//! ABA routing transit numbers: the nine digits that name a US bank (a DFI,
//! "depository financial institution") in an ACH file.

use std::fmt;

/// The weights of the nine digits in the ABA checksum: 3, 7, 1, repeated.
const WEIGHTS: [u32; 9] = [3, 7, 1, 3, 7, 1, 3, 7, 1];

/// The check digit (0–9) that makes `dfi_identification` a valid routing number, or
/// `None` unless it is exactly 8 ASCII digits.
///
/// The ninth digit has weight 1, so it is whatever brings
/// 3(d1+d4+d7) + 7(d2+d5+d8) + (d3+d6) up to a multiple of 10. The batch header and
/// the trace number carry only those 8 digits; this is how a reader gets the
/// routing number back from them.
pub fn check_digit(dfi_identification: &str) -> Option<u8> {
    let digits = digits(dfi_identification, 8)?;
    let sum = weighted_sum(&digits);
    u8::try_from((10 - sum % 10) % 10).ok()
}

/// `text` as its digit values, if it is exactly `len` ASCII digits.
fn digits(text: &str, len: usize) -> Option<Vec<u32>> {
    // `to_digit(10)` takes ASCII digits only, so a full-width "２" is refused too.
    let values: Option<Vec<u32>> = text.chars().map(|c| c.to_digit(10)).collect();
    values.filter(|values| values.len() == len)
}

fn weighted_sum(digits: &[u32]) -> u32 {
    digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum()
}

/// An ABA routing number: nine ASCII digits whose checksum
/// 3(d1+d4+d7) + 7(d2+d5+d8) + (d3+d6+d9) is a multiple of 10.
///
/// Only the checksum is checked: whether a bank answers to the number is for the
/// Fed's directory (or the bank) to say, not for arithmetic.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoutingNumber(String);

/// Why a routing number was refused, checked in this order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    #[error("must be 9 digits long")]
    Length,
    #[error("must be digits only")]
    NotDigits,
    #[error("is not a valid routing number: its last digit does not match the others; please check for a typo")]
    CheckDigit,
}

impl RoutingNumber {
    /// Parses a routing number exactly as given (no trimming, no dashes).
    pub fn parse(text: &str) -> Result<Self, RoutingError> {
        if text.chars().count() != 9 {
            return Err(RoutingError::Length);
        }
        let digits = digits(text, 9).ok_or(RoutingError::NotDigits)?;
        if !weighted_sum(&digits).is_multiple_of(10) {
            return Err(RoutingError::CheckDigit);
        }
        Ok(Self(text.to_string()))
    }

    /// The routing number whose first 8 digits are `dfi_identification`, its check
    /// digit computed: what a batch header or a trace number stands for.
    pub fn from_dfi_identification(dfi_identification: &str) -> Result<Self, RoutingError> {
        let check = check_digit(dfi_identification).ok_or_else(|| {
            if dfi_identification.chars().count() == 8 { RoutingError::NotDigits } else { RoutingError::Length }
        })?;
        Ok(Self(format!("{dfi_identification}{check}")))
    }

    /// All nine digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 8 digits, which ACH calls the DFI identification: what the entry
    /// hash adds up and what the batch header and trace numbers carry.
    pub fn dfi_identification(&self) -> &str {
        self.0.get(..8).unwrap_or_default()
    }

    /// The ninth digit, 0–9.
    pub fn check_digit(&self) -> u8 {
        self.0.bytes().last().map_or(0, |b| b - b'0')
    }

    /// The DFI identification as a number, for the entry hash.
    pub(super) fn dfi_value(&self) -> u64 {
        self.dfi_identification().bytes().fold(0, |n, b| n * 10 + u64::from(b - b'0'))
    }
}

impl fmt::Display for RoutingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real, published routing numbers (021000021 is JPMorgan Chase's in New York,
    /// 011000015 the Federal Reserve Bank of Boston's, 026009593 and 121000358 Bank of
    /// America's).
    const PUBLISHED: [&str; 5] = ["021000021", "011000015", "122105155", "121000358", "026009593"];

    #[test]
    fn accepts_published_numbers() {
        for text in PUBLISHED {
            let routing = RoutingNumber::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(routing.as_str(), text);
            assert_eq!(routing.to_string(), text);
            assert_eq!(routing.dfi_identification(), &text[..8]);
            assert_eq!(Some(routing.check_digit()), text[8..].parse().ok());
            assert_eq!(check_digit(&text[..8]), Some(routing.check_digit()));
            assert_eq!(RoutingNumber::from_dfi_identification(&text[..8]), Ok(routing.clone()));
            assert_eq!(routing.dfi_value(), text[..8].parse::<u64>().unwrap_or(u64::MAX));
        }
        // By hand for 021000021: 3(0+0+0) + 7(2+0+2) + (1+0+1) = 30.
        assert_eq!(check_digit("02100002"), Some(1));
    }

    #[test]
    fn refuses_wrong_check_digits() {
        for text in PUBLISHED {
            let right = text.as_bytes()[8] - b'0';
            for wrong in (0..10).filter(|d| *d != right) {
                let typo = format!("{}{wrong}", &text[..8]);
                assert_eq!(RoutingNumber::parse(&typo), Err(RoutingError::CheckDigit), "{typo}");
            }
        }
        // Two neighbouring digits swapped (a common typo) is caught too.
        assert_eq!(RoutingNumber::parse("201000021"), Err(RoutingError::CheckDigit));
    }

    #[test]
    fn refuses_malformed_numbers() {
        assert_eq!(RoutingNumber::parse(""), Err(RoutingError::Length));
        assert_eq!(RoutingNumber::parse("02100002"), Err(RoutingError::Length));
        assert_eq!(RoutingNumber::parse("0210000210"), Err(RoutingError::Length));
        assert_eq!(RoutingNumber::parse(" 21000021"), Err(RoutingError::NotDigits));
        assert_eq!(RoutingNumber::parse("02100002A"), Err(RoutingError::NotDigits));
        assert_eq!(RoutingNumber::parse("0210-0002"), Err(RoutingError::NotDigits));
        assert_eq!(RoutingNumber::parse("０21000021"), Err(RoutingError::NotDigits)); // full-width digit
        assert_eq!(RoutingNumber::from_dfi_identification("0210000"), Err(RoutingError::Length));
        assert_eq!(RoutingNumber::from_dfi_identification("0210000X"), Err(RoutingError::NotDigits));
        assert_eq!(check_digit("021000021"), None);
    }
}
