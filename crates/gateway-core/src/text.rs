//! Bounded human text: trimmed, non-empty, at most N characters, no control characters.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must not contain control characters")]
    Control,
}

/// Trims `raw` and checks it is 1..=max characters of printable text. Newlines and
/// tabs are allowed only when `multiline` (descriptions), never in names or titles.
pub fn bounded(raw: &str, max: usize, multiline: bool) -> Result<String, TextError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(TextError::Empty);
    }
    if text.chars().count() > max {
        return Err(TextError::TooLong(max));
    }
    let allowed = |c: char| !c.is_control() || (multiline && matches!(c, '\n' | '\r' | '\t'));
    if !text.chars().all(allowed) {
        return Err(TextError::Control);
    }
    Ok(text.to_string())
}

/// Text in two languages: English required, Chinese optional (SPEC 7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bilingual {
    pub en: String,
    pub zh: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds() {
        assert_eq!(bounded("  Honey ", 10, false), Ok("Honey".into()));
        assert_eq!(bounded("   ", 10, false), Err(TextError::Empty));
        assert_eq!(bounded("野花蜂蜜", 4, false), Ok("野花蜂蜜".into()));
        assert_eq!(bounded("野花蜂蜜!", 4, false), Err(TextError::TooLong(4)));
        assert_eq!(bounded("a\nb", 10, false), Err(TextError::Control));
        assert_eq!(bounded("a\nb", 10, true), Ok("a\nb".into()));
    }
}
