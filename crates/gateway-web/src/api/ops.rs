use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::Auth;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
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
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the database is unreachable")
    })?;
    Ok(Json(Health { status: "ok", database: store.backend() }))
}

/// Request counts and latencies in Prometheus text format (operators).
#[utoipa::path(get, path = "/metrics", tag = "operations", security(("bearer" = [])),
    responses((status = 200, content_type = "text/plain", body = String), (status = 403, body = Problem)))]
pub async fn metrics(State(s): State<AppState>, Auth(who): Auth) -> Result<impl IntoResponse, ApiError> {
    who.require(Role::Operator)?;
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], s.metrics.render()))
}
