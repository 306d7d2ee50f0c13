//! Collecting every field at fault, so a client learns all its mistakes at once.

/// One field at fault: a JSON path such as `title.en` and a message for a person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// An accumulator of field errors. Parse each field through [`Validation::check`];
/// at the end, [`Validation::finish`] yields the value or every error found.
#[derive(Debug, Default)]
pub struct Validation {
    errors: Vec<FieldError>,
}

impl Validation {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the parsed value, or records the error against `field`.
    pub fn check<T, E: std::fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(field, error.to_string());
                None
            }
        }
    }

    /// A required field: missing is an error, present is parsed by `parse`.
    pub fn required<R, T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        raw: Option<R>,
        parse: impl FnOnce(R) -> Result<T, E>,
    ) -> Option<T> {
        self.patched(field, raw, parse, None)
    }

    /// A field of a patch: present is parsed by `parse`; absent keeps `current`, and
    /// is an error only when there is no current value (a creation).
    pub fn patched<R, T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        raw: Option<R>,
        parse: impl FnOnce(R) -> Result<T, E>,
        current: Option<T>,
    ) -> Option<T> {
        match (raw, current) {
            (Some(raw), _) => self.check(field, parse(raw)),
            (None, Some(current)) => Some(current),
            (None, None) => {
                self.push(field, "is required");
                None
            }
        }
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(build())` when no error was recorded. `build` runs only then, so it may
    /// unwrap the `Option`s that `check` returned through `Option::zip` or a match.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, Vec<FieldError>> {
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        build().ok_or_else(|| vec![FieldError::new("", "is invalid")])
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_error() {
        let mut v = Validation::new();
        let a: Option<i32> = v.required("a", None::<&str>, |s| s.parse::<i32>());
        let b = v.required("b", Some("x"), |s| s.parse::<i32>());
        let c = v.required("c", Some("3"), |s| s.parse::<i32>());
        assert_eq!((a, b, c), (None, None, Some(3)));
        let errors = v.finish(|| Some(())).err().unwrap_or_default();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["a", "b"]);
    }

    #[test]
    fn patches_keep_what_they_do_not_name() {
        let mut v = Validation::new();
        assert_eq!(v.patched("a", None::<&str>, |s| s.parse::<i32>(), Some(7)), Some(7));
        assert_eq!(v.patched("b", Some("8"), |s| s.parse::<i32>(), Some(7)), Some(8));
        assert_eq!(v.patched("c", Some("x"), |s| s.parse::<i32>(), Some(7)), None);
        assert_eq!(v.into_errors().len(), 1);
    }
}
