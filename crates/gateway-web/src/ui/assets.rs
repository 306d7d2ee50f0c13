//! The one stylesheet, served from the binary under a name that carries a hash of its
//! content, so browsers may keep it for a year and still see every change at once.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

pub const CSS: &str = include_str!("../../static/app.css");

static CSS_URL: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(CSS.as_bytes());
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("/static/app.{hex}.css")
});

/// `/static/app.<hash>.css`.
pub fn css_url() -> &'static str {
    CSS_URL.as_str()
}

/// Serves the stylesheet under its current name; an old or unknown name is 404 (a
/// stale page reloads with the new name).
pub async fn static_file(Path(name): Path<String>) -> Response {
    if format!("/static/{name}") != css_url() {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let mut response = CSS.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    response
}
