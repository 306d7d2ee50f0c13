//! The server-rendered pages: the storefront (Chinese by default) and, later, the
//! merchant portal and operator console (English by default).
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
//! - [`orders_view`] — what the order pages of every area share: the amounts table,
//!   a buyer's line, the merchants' names.

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
pub mod orders_view;
pub mod session;
mod shared;
pub mod sourcing;
mod storefront;

use crate::AppState;
use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

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
        .route("/", get(storefront::home::home))
        .route("/products/{id}", get(storefront::product::product))
        .route("/search", get(storefront::search::search))
        .route("/class/{code}", get(storefront::search::class))
        .route("/state/{code}", get(storefront::search::state))
        .route("/cart", get(storefront::cart::show))
        .route("/cart/items", post(storefront::cart::add))
        .route("/cart/items/{product_id}", post(storefront::cart::update))
        .route("/checkout", get(storefront::checkout::form).post(storefront::checkout::submit))
        .route("/account/identity", get(storefront::identity::form).post(storefront::identity::submit))
        .route("/orders", get(storefront::orders::list))
        .route("/orders/{id}", get(storefront::orders::show))
        .route("/orders/{id}/{action}", post(storefront::orders::act))
        .route("/login", get(storefront::auth::login_form).post(storefront::auth::login))
        .route("/signup", get(storefront::auth::signup_form).post(storefront::auth::signup))
        .route("/logout", post(storefront::auth::logout))
        .route("/impact", get(impact::page))
        .route("/merchant/headcount", get(impact::headcount::form).post(impact::headcount::submit))
        .merge(events::routes())
        .route("/sourcing", get(sourcing::buyer_page))
        .route("/sourcing/profile", post(sourcing::buyer_profile))
        .route("/sourcing/requests", post(sourcing::buyer_post))
        .route("/sourcing/{id}", get(sourcing::buyer_request))
        .route("/sourcing/{id}/close", post(sourcing::buyer_close))
        .route("/sourcing/{id}/threads/{merchant}", get(sourcing::buyer_thread))
        .route("/sourcing/{id}/threads/{merchant}/messages", post(sourcing::buyer_message))
        .route("/sourcing/{id}/threads/{merchant}/accept", post(sourcing::buyer_accept))
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
