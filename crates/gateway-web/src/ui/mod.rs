//! The server-rendered pages. Each URL area owns its routes and handlers: the
//! [`storefront`] (Chinese by default), the [`merchant`] portal and the [`operator`]
//! console (English by default), and the public [`events`] and [`impact`] pages.
//!
//! Shared infrastructure, for every area:
//! - [`context::Ctx`] — the extractor every page handler takes: language
//!   ([`locale`]), signed-in user ([`session`]), CSRF token, cookies to set; it renders
//!   templates (`ctx.render(&page)`), redirects (`ctx.redirect`) and turns app errors
//!   into pages (`result.or_page(&ctx)?`).
//! - [`forms::PageForm`] — the extractor of every POST: checks the CSRF token
//!   ([`csrf`]) and parses the form; [`forms::FormErrors`] puts the app's validation
//!   errors beside the fields, translated.
//! - [`i18n`] — Fluent catalogues in `i18n/<locale>/*.ftl`; templates call
//!   `c.t(KEY)`, `c.t1(KEY, ARG, value)`.
//! - `templates/base.html` — the layout (skip link, header, language switch, footer);
//!   pages `{% extends "base.html" %}` and fill `title` and `content`.
//! - [`errors`] — 403/404/… pages.
//! - [`shared`] — what several areas show: names, formatting, URLs, the order pages'
//!   amounts table and lines, choices; and the bare answers for when no page context
//!   exists.

// A handler's error is the page it answers with (`Result<Response, Response>`): built
// once per request on the way out, so its size (an http::Response, 128 bytes) costs
// nothing worth boxing for.
#![allow(clippy::result_large_err)]

pub mod assets;
pub mod context;
pub mod cookies;
pub mod csrf;
pub mod errors;
pub mod events;
pub mod forms;
pub mod i18n;
mod impact;
pub mod locale;
mod merchant;
mod operator;
pub mod session;
mod shared;
mod storefront;

use crate::AppState;
use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// What the pages need beyond the app: the CSRF key and the cookie policy.
#[derive(Debug, Clone)]
pub struct WebState {
    pub csrf_key: csrf::CsrfKey,
    /// Mark cookies `Secure` on every answer (the site is served over HTTPS by a proxy
    /// that does not send `X-Forwarded-Proto`).
    pub secure_cookies: bool,
}

/// Every page route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/{name}", get(assets::static_file))
        .merge(storefront::routes())
        .route("/impact", get(impact::page))
        .merge(events::routes())
        .merge(merchant::routes())
        .merge(operator::routes())
}

/// Paths whose errors are problem+json rather than pages.
fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/") || path == "/api" || path == "/healthz" || path == "/metrics"
}

/// Unknown routes: a problem for the API, a page for everything else.
pub async fn fallback(State(state): State<AppState>, request: Request) -> Response {
    if is_api_path(request.uri().path()) {
        return crate::error::not_found_fallback().await.into_response();
    }
    let (mut parts, _) = request.into_parts();
    match context::Ctx::from_request_parts(&mut parts, &state).await {
        Ok(ctx) => errors::not_found(ctx).await,
        Err(response) => response,
    }
}

/// Known routes, other method: a problem for the API, a page for everything else.
pub async fn method_not_allowed(State(state): State<AppState>, request: Request) -> Response {
    if is_api_path(request.uri().path()) {
        return crate::error::method_not_allowed_fallback().await.into_response();
    }
    let (mut parts, _) = request.into_parts();
    match context::Ctx::from_request_parts(&mut parts, &state).await {
        Ok(ctx) => errors::method_not_allowed(ctx).await,
        Err(response) => response,
    }
}
