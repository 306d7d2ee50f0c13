//! Reading the `Cookie` header and writing `Set-Cookie` values. Small enough to keep
//! in-house: the pages use three cookies, all with plain ASCII values.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The session cookie: the opaque session token the API also issues.
pub const SESSION: &str = "gw_session";
/// The anonymous CSRF nonce (signed double-submit for forms shown before sign-in).
pub const CSRF: &str = "gw_csrf";
/// The language chosen with `?lang=`.
pub const LANG: &str = "lang";
/// The cart of this browser (a cart id; the cart itself is in the database).
pub const CART: &str = "gw_cart";

/// The value of cookie `name`, if the request carries it.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// How a cookie is written.
#[derive(Debug, Clone, Copy)]
pub struct CookieOptions {
    /// Hidden from scripts: true for everything but nothing the pages' scripts need.
    pub http_only: bool,
    /// Sent only over TLS (see `session::secure_request`).
    pub secure: bool,
    /// None: until the browser closes.
    pub max_age_seconds: Option<i64>,
}

/// A `Set-Cookie` value. Every cookie is `Path=/` and `SameSite=Lax`: sent on
/// top-level navigations from other sites (so a link into Gateway arrives signed in)
/// but never on their cross-site POSTs, images or frames.
pub fn set(name: &str, value: &str, options: CookieOptions) -> String {
    let mut cookie = format!("{name}={value}; Path=/; SameSite=Lax");
    if let Some(age) = options.max_age_seconds {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    if options.http_only {
        cookie.push_str("; HttpOnly");
    }
    if options.secure {
        cookie.push_str("; Secure");
    }
    cookie
}

/// A `Set-Cookie` value that deletes cookie `name`.
pub fn clear(name: &str, secure: bool) -> String {
    set(name, "", CookieOptions { http_only: true, secure, max_age_seconds: Some(0) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_cookies_from_every_header() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=1; gw_session=gw_abc"));
        headers.append(COOKIE, HeaderValue::from_static("lang=en"));
        assert_eq!(get(&headers, SESSION), Some("gw_abc"));
        assert_eq!(get(&headers, LANG), Some("en"));
        assert_eq!(get(&headers, "a"), Some("1"));
        assert_eq!(get(&headers, "gw"), None);
    }

    #[test]
    fn writes_the_attributes() {
        let c = set(SESSION, "t", CookieOptions { http_only: true, secure: true, max_age_seconds: Some(60) });
        assert_eq!(c, "gw_session=t; Path=/; SameSite=Lax; Max-Age=60; HttpOnly; Secure");
        assert_eq!(clear(LANG, false), "lang=; Path=/; SameSite=Lax; Max-Age=0; HttpOnly");
    }
}
