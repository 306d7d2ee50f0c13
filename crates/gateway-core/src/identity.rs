//! Consumer identity (SPEC 4): real name, resident identity number and mobile phone.
//!
//! The identity number is sensitive personal information: its `Debug` prints it
//! masked, and so do those of the name and phone, so none of them leaks into logs.

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// ISO 7064 MOD 11-2 weights of the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder 0..=10.
const CHECK: [u8; 11] = *b"10X98765432";
/// The earliest birth date accepted: nobody alive was born before it.
const EARLIEST_BIRTH_YEAR: i32 = 1900;

/// The check character of the first 17 digits of an identity number (ISO 7064 MOD
/// 11-2), or `None` unless `first17` is exactly 17 ASCII digits.
pub fn check_character(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes.iter().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    Some(char::from(CHECK[(sum % 11) as usize]))
}

/// A mainland China resident identity number: 18 characters, the check character
/// valid and upper-case, the birth date a real date not in the future.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber {
    text: String,
    birth_date: NaiveDate,
}

/// Why an identity number was refused, checked in this order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("must be 18 characters long")]
    Length,
    #[error("must be 17 digits followed by a digit or X")]
    Characters,
    #[error("must contain a real date of birth (characters 7 to 14, YYYYMMDD) that is not in the future")]
    BirthDate,
    #[error("is not a valid identity number: its last character does not match the others; please check for a typo")]
    CheckDigit,
}

impl IdNumber {
    /// Parses an identity number exactly as given (no trimming); a lower-case `x` check
    /// character is accepted and stored upper-case. `today` bounds the birth date.
    pub fn parse(text: &str, today: NaiveDate) -> Result<Self, IdNumberError> {
        if text.chars().count() != 18 {
            return Err(IdNumberError::Length);
        }
        // 18 characters but more bytes: something other than ASCII.
        if text.len() != 18 {
            return Err(IdNumberError::Characters);
        }
        let upper = text.to_ascii_uppercase();
        let (first17, last) = (&upper[..17], upper.as_bytes()[17]);
        if !first17.bytes().all(|b| b.is_ascii_digit()) || !(last.is_ascii_digit() || last == b'X') {
            return Err(IdNumberError::Characters);
        }
        let number = |range: std::ops::Range<usize>| upper[range].parse::<u32>().ok();
        let birth_date = match (number(6..10), number(10..12), number(12..14)) {
            (Some(y), Some(m), Some(d)) => i32::try_from(y).ok().and_then(|y| NaiveDate::from_ymd_opt(y, m, d)),
            _ => None,
        }
        .filter(|date| date.year() >= EARLIEST_BIRTH_YEAR && *date <= today)
        .ok_or(IdNumberError::BirthDate)?;
        if check_character(first17) != Some(char::from(last)) {
            return Err(IdNumberError::CheckDigit);
        }
        Ok(Self { text: upper, birth_date })
    }

    /// The full number. Handle with care: store it encrypted, show it masked.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The first 4 and last 4 characters, the 10 between as `*`: "1101**********002X".
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.text[..4], "*".repeat(10), &self.text[14..])
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

/// A real name as on the identity card: 1–30 characters after trimming, only Chinese
/// characters (CJK unified ideographs and their extensions), ASCII letters, spaces and
/// the middle dot "·" (U+00B7) of transliterated names, with at least one letter or
/// Chinese character.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RealName(String);

/// CJK Unified Ideographs, Extension A, and Extensions B–I in the supplementary planes.
fn is_cjk_ideograph(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{20000}'..='\u{2EE5F}' | '\u{30000}'..='\u{323AF}')
}

impl RealName {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let name = text.trim();
        let length_ok = (1..=30).contains(&name.chars().count());
        let chars_ok = name.chars().all(|c| is_cjk_ideograph(c) || c.is_ascii_alphabetic() || c == ' ' || c == '·');
        let has_letter = name.chars().any(|c| is_cjk_ideograph(c) || c.is_ascii_alphabetic());
        if length_ok && chars_ok && has_letter {
            Ok(Self(name.to_string()))
        } else {
            Err("must be 1 to 30 Chinese characters, letters, spaces or the middle dot ·, as on the identity card")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RealName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RealName(<redacted>)")
    }
}

/// A mainland China mobile number: 11 ASCII digits, starting 1 then 3–9.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Parses the number exactly as given (no spaces, no +86).
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let b = text.as_bytes();
        let ok = b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
        if ok {
            Ok(Self(text.to_string()))
        } else {
            Err("must be an 11-digit mainland China mobile number such as 13800138000")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 3 and last 4 digits: "138****8000".
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 15).unwrap_or_else(|| panic!("date"))
    }

    /// An identity number from its first 17 digits, with the check character computed
    /// here independently of the code under test.
    fn valid(first17: &str) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = first17.chars().zip(weights).map(|(c, w)| c.to_digit(10).unwrap_or(99) * w).sum();
        let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
        format!("{first17}{check}")
    }

    #[test]
    fn accepts_valid_numbers() {
        let id = IdNumber::parse("11010519491231002X", today()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.masked(), "1101**********002X");
        assert_eq!(id.masked().len(), 18);
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap_or_else(|| panic!("date")));
        assert_eq!(check_character("11010519491231002"), Some('X'));
        assert_eq!(check_character("1101051949123100"), None);
        for first17 in ["44030419900307123", "31010120000229456", "51010719851111000", "11010120250615001"] {
            let text = valid(first17);
            let id = IdNumber::parse(&text, today()).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(id.as_str(), text);
            assert_eq!(check_character(first17), text.chars().last());
        }
    }

    #[test]
    fn lower_case_x_is_stored_upper_case() {
        let id = IdNumber::parse("11010519491231002x", today()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn refuses_bad_numbers() {
        let parse = |text: &str| IdNumber::parse(text, today()).map(|id| id.as_str().to_string());
        assert_eq!(parse(""), Err(IdNumberError::Length));
        assert_eq!(parse("11010519491231002"), Err(IdNumberError::Length));
        assert_eq!(parse("11010519491231002X0"), Err(IdNumberError::Length));
        assert_eq!(parse(" 11010519491231002X"), Err(IdNumberError::Length));
        assert_eq!(parse("1101051949123100XX"), Err(IdNumberError::Characters));
        assert_eq!(parse("11010519491231002Y"), Err(IdNumberError::Characters));
        assert_eq!(parse("A1010519491231002X"), Err(IdNumberError::Characters));
        assert_eq!(parse("1101051949123100２X"), Err(IdNumberError::Characters)); // full-width digit
        assert_eq!(parse("110105194912310021"), Err(IdNumberError::CheckDigit));
        // No 31 February; no 13th month; not in the future (today is 2025-06-15); not before 1900.
        assert_eq!(parse(&valid("11010519490231002")), Err(IdNumberError::BirthDate));
        assert_eq!(parse(&valid("11010519491331002")), Err(IdNumberError::BirthDate));
        assert_eq!(parse(&valid("11010520250616002")), Err(IdNumberError::BirthDate));
        assert_eq!(parse(&valid("11010518991231002")), Err(IdNumberError::BirthDate));
        assert_eq!(parse(&valid("11010519000229002")), Err(IdNumberError::BirthDate)); // 1900 was not a leap year
        // Born today is fine.
        assert!(parse(&valid("11010520250615002")).is_ok());
        assert_eq!(IdNumberError::CheckDigit.to_string().split(':').next(), Some("is not a valid identity number"));
    }

    #[test]
    fn debug_never_prints_the_number() {
        let id = IdNumber::parse("11010519491231002X", today()).unwrap_or_else(|e| panic!("{e}"));
        let debug = format!("{id:?}");
        assert_eq!(debug, "IdNumber(1101**********002X)");
        assert!(!debug.contains("19491231"));
        let phone = Phone::parse("13800138000").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(format!("{phone:?}"), "Phone(138****8000)");
        let name = RealName::parse("张三").unwrap_or_else(|e| panic!("{e}"));
        assert!(!format!("{name:?}").contains("张三"));
    }

    #[test]
    fn phones() {
        let phone = Phone::parse("13800138000").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(phone.as_str(), "13800138000");
        assert_eq!(phone.masked(), "138****8000");
        assert!(Phone::parse("19912345678").is_ok());
        for bad in [
            "12800138000",
            "10800138000",
            "1380013800",
            "138001380000",
            "1380013800a",
            "23800138000",
            "",
            "１3800138000",
        ] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn real_names() {
        for (text, stored) in [
            ("张三", "张三"),
            ("阿依古丽·买买提", "阿依古丽·买买提"),
            ("John Smith", "John Smith"),
            ("  李四 ", "李四"),
            ("㐀", "㐀"),               // Extension A
            ("\u{20000}", "\u{20000}"), // Extension B
        ] {
            assert_eq!(RealName::parse(text).map(|n| n.as_str().to_string()), Ok(stored.to_string()), "{text:?}");
        }
        assert!(RealName::parse(&"张".repeat(30)).is_ok());
        for bad in ["", "   ", "·", "张三1", "a\tb", "张三•李", "O'Brien", "John-Smith", "张 三!"] {
            assert!(RealName::parse(bad).is_err(), "{bad:?}");
        }
        assert!(RealName::parse(&"张".repeat(31)).is_err());
        assert!(RealName::parse(&"a".repeat(31)).is_err());
    }
}
