use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::Auth;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use gateway_app::ErrorCode;
use gateway_core::user::Role;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    status: &'static str,
    database: &'static str,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Problem)))]
pub async fn healthz(State(s): State<AppState>) -> Result<Json<Health>, ApiError> {
    let store = s.app.store();
    store.ping().await.map_err(|e| {
        tracing::error!(error = %e, "health check: database unreachable");
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable, "the database is unreachable")
    })?;
    Ok(Json(Health { status: "ok", database: store.backend() }))
}

/// Request counts and latencies, and the outbox's deliveries and backlog, in
/// Prometheus text format (operators).
#[utoipa::path(get, path = "/metrics", tag = "operations", security(("bearer" = [])),
    responses((status = 200, content_type = "text/plain", body = String), (status = 403, body = Problem)))]
pub async fn metrics(State(s): State<AppState>, Auth(who): Auth) -> Result<impl IntoResponse, ApiError> {
    who.require(Role::Operator)?;
    let mut text = s.metrics.render();
    let backlog = s.app.outbox_backlog().await?;
    text.push_str(&format!(
        "# HELP gateway_outbox_delivered_total Outbox events this server delivered.\n\
         # TYPE gateway_outbox_delivered_total counter\n\
         gateway_outbox_delivered_total{{worker=\"{}\"}} {}\n\
         # HELP gateway_outbox_backlog Outbox events waiting for delivery, for all servers.\n\
         # TYPE gateway_outbox_backlog gauge\n\
         gateway_outbox_backlog {backlog}\n",
        s.app.worker_id(),
        s.app.events_delivered(),
    ));
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text))
}
