//! Gateway's HTTP edge. Handlers are thin: extract (auth, validated body), call one
//! gateway-app function, write JSON. Routes and the OpenAPI document come from the
//! same annotations (utoipa-axum), so they cannot drift apart.

pub mod api;
pub mod error;
pub mod extract;
pub mod metrics;

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
    openapi_json: Arc<String>,
}

/// The whole HTTP surface over `app`.
pub fn router(app: App) -> Router {
    let (api_router, openapi) = api::routes().split_for_parts();
    let openapi_json = openapi.to_pretty_json().unwrap_or_else(|_| "{}".to_string());
    let state = AppState { app, metrics: Arc::new(metrics::Metrics::default()), openapi_json: Arc::new(openapi_json) };
    api_router
        .route("/api/openapi.json", axum::routing::get(openapi_document))
        .fallback(error::not_found_fallback)
        .method_not_allowed_fallback(error::method_not_allowed_fallback)
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
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
    axum::serve(listener, router(app)).with_graceful_shutdown(shutdown).await
}
