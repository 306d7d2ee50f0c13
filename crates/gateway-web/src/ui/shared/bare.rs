//! Answers for faults before a page context exists, or when even the layout cannot be
//! rendered: a plain page in the visitor's language, the cause logged, never shown.

use crate::ui::i18n::{self, Locale};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use gateway_app::AppError;

/// Logs an internal error with its whole chain of causes.
pub fn log_internal(error: &AppError) {
    let mut chain = String::new();
    let mut cause: Option<&dyn std::error::Error> = Some(error);
    while let Some(c) = cause {
        chain.push_str(": ");
        chain.push_str(&c.to_string());
        cause = c.source();
    }
    tracing::error!(error = %chain, "internal error on a page");
}

/// A fault before the page context exists (the session could not be read): a plain
/// page in `locale`, the cause logged.
pub fn bare_error(locale: Locale, error: AppError) -> Response {
    log_internal(&error);
    bare_500(locale)
}

/// The last resort when even the layout cannot be rendered.
pub fn bare_500(locale: Locale) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><title>{}</title><h1>{}</h1><p>{}</p><p><a href=\"/\">{}</a></p></html>",
        locale.tag(),
        i18n::translate(locale, "error-title-internal", &[]),
        i18n::translate(locale, "error-title-internal", &[]),
        i18n::translate(locale, "error-internal", &[]),
        i18n::translate(locale, "nav-home", &[]),
    );
    let mut response = (StatusCode::INTERNAL_SERVER_ERROR, Html(html)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
