//! The headers every answer carries so that a browser runs only what Gateway serves
//! (issue 24): a Content-Security-Policy with no inline script and no inline style
//! (the pages have neither: one hashed stylesheet, no script), no framing, no MIME
//! sniffing, no full URL in the Referer of a request elsewhere, and HSTS when the
//! request came over TLS.

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Everything from Gateway itself; images also as `data:` (the QR codes are inline
/// SVG, not images); forms may lead to a wallet's HTTPS page (a phone's checkout is
/// redirected there).
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self' https:; \
     frame-ancestors 'none'";

/// A year, the subdomains included: what browsers' preload lists ask for.
const HSTS: &str = "max-age=31536000; includeSubDomains";

pub async fn set(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let tls = crate::ui::session::secure_request(request.headers(), state.web.secure_cookies);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    // The old browsers' way of saying `frame-ancestors 'none'`.
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if tls {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}
