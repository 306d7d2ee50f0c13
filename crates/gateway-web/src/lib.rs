//! Gateway's HTTP edge. Handlers are thin: extract (auth, validated body), call one
//! gateway-app function, write JSON (`api`) or render a page (`ui`). The API's routes
//! and its OpenAPI document come from the same annotations (utoipa-axum), so they
//! cannot drift apart.

pub mod api;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod request_id;
mod security_headers;
pub mod ui;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use gateway_app::App;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Request bodies above this are refused with 413 before they are parsed.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: Arc<metrics::Metrics>,
    pub web: Arc<ui::WebState>,
    openapi_json: Arc<String>,
}

/// Settings of the HTTP edge that are not the app's.
#[derive(Debug, Clone, Default)]
pub struct WebSettings {
    /// Mark every cookie `Secure`: for a site served over HTTPS through a proxy that
    /// does not send `X-Forwarded-Proto` (see `ui::session::secure_request`).
    pub secure_cookies: bool,
}

/// The whole HTTP surface over `app`, with default web settings.
pub fn router(app: App) -> Router {
    router_with(app, WebSettings::default())
}

/// The whole HTTP surface over `app`: the JSON API and the pages.
pub fn router_with(app: App, settings: WebSettings) -> Router {
    let (api_router, openapi) = api::routes().split_for_parts();
    let openapi_json = openapi.to_pretty_json().unwrap_or_else(|_| "{}".to_string());
    let web = ui::WebState {
        csrf_key: ui::csrf::CsrfKey::new(app.derived_key("web csrf")),
        secure_cookies: settings.secure_cookies,
    };
    let state = AppState {
        app,
        metrics: Arc::new(metrics::Metrics::default()),
        web: Arc::new(web),
        openapi_json: Arc::new(openapi_json),
    };
    api_router
        .route("/api/openapi.json", axum::routing::get(openapi_document))
        .merge(ui::routes())
        .fallback(ui::fallback)
        .method_not_allowed_fallback(ui::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state.clone(), security_headers::set))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(request_id::assign))
        .with_state(state)
}

/// The OpenAPI document, generated from the route annotations.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::routes().split_for_parts().1
}

async fn openapi_document(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> impl axum::response::IntoResponse {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], state.openapi_json.as_str().to_owned())
}

/// Serves `app` on `listener` until `shutdown` completes, then finishes the requests
/// in flight. Tests bind 127.0.0.1:0 and pass the listener in.
pub async fn serve(
    app: App,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(app, WebSettings::default(), listener, shutdown).await
}

/// `serve` with the given web settings, as `gateway serve` runs it.
pub async fn serve_with(
    app: App,
    settings: WebSettings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router_with(app, settings)).with_graceful_shutdown(shutdown).await
}
