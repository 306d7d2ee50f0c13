//! The web session: a cookie holding the same opaque session token that the API
//! hands out (`App::login` / `App::signup`), so one session table serves both and a
//! logout ends either. Only pages read this cookie; the JSON API authenticates by
//! bearer header alone, so a cookie can never make a cross-site request to /api/*
//! count (that is what keeps the API free of CSRF).

use super::cookies::{self, CookieOptions};
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};

/// Whether cookies set in answer to this request get the `Secure` attribute.
///
/// Gateway speaks plain HTTP and is put behind a TLS-terminating proxy in production,
/// so it cannot see TLS itself. It marks cookies `Secure` when the operator says the
/// site is served over HTTPS (`secure_cookies`), or when the request carries
/// `X-Forwarded-Proto: https` (or `Forwarded: proto=https`) from such a proxy. Trusting
/// that header without knowing the proxy is safe *for this decision only*: a client
/// that forges it merely makes its own cookie stricter (its browser will then not send
/// it over plain HTTP); it can never make a cookie less protected. A proxy that does not
/// send the header needs `secure_cookies`.
pub fn secure_request(headers: &HeaderMap, secure_cookies: bool) -> bool {
    if secure_cookies {
        return true;
    }
    let forwarded_proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    let forwarded = headers
        .get("forwarded")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split([';', ',']).any(|p| p.trim().eq_ignore_ascii_case("proto=https")));
    forwarded_proto || forwarded
}

/// The `Set-Cookie` value that signs this browser in with `token` until `expires_at`.
pub fn sign_in_cookie(token: &str, expires_at: DateTime<Utc>, secure: bool) -> String {
    let max_age = (expires_at - Utc::now()).num_seconds().max(0);
    cookies::set(cookies::SESSION, token, CookieOptions { http_only: true, secure, max_age_seconds: Some(max_age) })
}

/// The session token this browser presents, if any.
pub fn token(headers: &HeaderMap) -> Option<&str> {
    cookies::get(headers, cookies::SESSION).filter(|t| t.starts_with("gw_") && t.len() < 200)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn secure_when_configured_or_forwarded_over_https() {
        let mut h = HeaderMap::new();
        assert!(!secure_request(&h, false));
        assert!(secure_request(&h, true));
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(secure_request(&h, false));
        h.insert("x-forwarded-proto", HeaderValue::from_static("http"));
        assert!(!secure_request(&h, false));
        let mut h = HeaderMap::new();
        h.insert("forwarded", HeaderValue::from_static("for=192.0.2.60;proto=https;by=203.0.113.43"));
        assert!(secure_request(&h, false));
    }

    #[test]
    fn the_session_cookie_is_http_only_and_lax() {
        let c = sign_in_cookie("gw_x", Utc::now() + chrono::Duration::days(30), false);
        assert!(c.starts_with("gw_session=gw_x; Path=/; SameSite=Lax; Max-Age=25919"), "{c}");
        assert!(c.ends_with("; HttpOnly"), "{c}");
        assert!(sign_in_cookie("gw_x", Utc::now(), true).ends_with("; HttpOnly; Secure"));
    }
}
