//! URLs the pages build: query values percent-encoded, and `next` targets kept on
//! this site.

/// Percent-encodes a query parameter's value.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A `next` target that stays on this site (a path, never `//host` or a URL).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

/// The query parameters of a page, the first value of each: read by hand so that a
/// repeated or malformed parameter is ignored rather than refused before the page
/// can answer.
pub fn query_params(query: Option<&str>) -> std::collections::HashMap<String, String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default();
    let mut params = std::collections::HashMap::new();
    for (key, value) in pairs {
        params.entry(key).or_insert(value);
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_the_site() {
        assert_eq!(safe_next(Some("/orders?x=1")), "/orders?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn encodes_query_values() {
        assert_eq!(encode("/checkout?a=1&b=野"), "/checkout%3Fa%3D1%26b%3D%E9%87%8E");
    }
}
