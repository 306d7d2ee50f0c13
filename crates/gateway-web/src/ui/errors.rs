//! Errors as pages: 404, 403, refusals explained, and — only for real faults — a 500
//! page that shows nothing of the cause (which is logged). Never JSON, never a blank.

use super::context::Ctx;
use super::forms::problem_message;
use super::i18n::{self, Locale};
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use gateway_app::AppError;

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub c: &'a Ctx,
    pub status: u16,
    pub title: String,
    pub detail: String,
}

fn title_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 413 | 415 => "error-title-bad-request",
        403 => "error-title-forbidden",
        404 => "error-title-not-found",
        409 | 422 => "error-title-refused",
        _ => "error-title-internal",
    }
}

/// An error page with `status` and the explanation `detail_key`.
pub fn page(ctx: &Ctx, status: StatusCode, detail_key: &str) -> Response {
    page_text(ctx, status, ctx.t(detail_key))
}

/// An error page with `status` and a translated `detail`.
/// The id in a page's path, or the not-found page when it is not one.
pub fn page_id<T: std::str::FromStr>(ctx: &Ctx, raw: &str) -> Result<T, Response> {
    raw.parse().map_err(|_| page(ctx, StatusCode::NOT_FOUND, "error-not-found"))
}

pub fn page_text(ctx: &Ctx, status: StatusCode, detail: String) -> Response {
    let page = ErrorPage { c: ctx, status: status.as_u16(), title: ctx.t(title_key(status)), detail };
    ctx.render_status(status, &page)
}

/// The page for an app error.
pub fn app_error_page(ctx: &Ctx, error: AppError) -> Response {
    match error {
        AppError::Unauthorized => ctx.login_redirect(),
        AppError::Forbidden(_) => page(ctx, StatusCode::FORBIDDEN, "error-forbidden"),
        AppError::NotFound(_) => page(ctx, StatusCode::NOT_FOUND, "error-not-found"),
        AppError::Validation(_) => page(ctx, StatusCode::UNPROCESSABLE_ENTITY, "form-has-errors"),
        AppError::Conflict { .. } | AppError::CheckoutInProgress => page(ctx, StatusCode::CONFLICT, "err-conflict"),
        AppError::InvalidTransition(_) => page(ctx, StatusCode::CONFLICT, "err-invalid-transition"),
        AppError::Refused(r) => {
            let status = match r.kind {
                gateway_app::error::RefusalKind::Conflict => StatusCode::CONFLICT,
                gateway_app::error::RefusalKind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            };
            page_text(ctx, status, problem_message(ctx, r.code, None, r.remaining.as_deref()))
        }
        AppError::Internal(_) | AppError::SearchFailed(_) => {
            log_internal(&error);
            page(ctx, StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
        }
    }
}

fn log_internal(error: &AppError) {
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

/// Unknown page: a 404 page in the layout.
pub async fn not_found(ctx: Ctx) -> Response {
    page(&ctx, StatusCode::NOT_FOUND, "error-not-found")
}

/// A page path with a method it does not take.
pub async fn method_not_allowed(ctx: Ctx) -> Response {
    page(&ctx, StatusCode::METHOD_NOT_ALLOWED, "error-method")
}
