//! Request counts and latencies by route, in Prometheus text format. Small enough to
//! keep in-house: one mutex-guarded map, touched once per request.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum_seconds: f64,
    /// Cumulative counts per bucket of `BUCKETS`.
    buckets: [u64; BUCKETS.len()],
}

#[derive(Default)]
pub struct Metrics {
    /// (method, route, status) → requests.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    /// (method, route) → latency histogram.
    latency: Mutex<BTreeMap<(String, String), Series>>,
}

impl Metrics {
    pub fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut requests) = self.requests.lock() {
            *requests.entry((method.to_string(), route.to_string(), status)).or_default() += 1;
        }
        if let Ok(mut latency) = self.latency.lock() {
            let series = latency.entry((method.to_string(), route.to_string())).or_default();
            series.count += 1;
            series.sum_seconds += seconds;
            for (bucket, bound) in series.buckets.iter_mut().zip(BUCKETS) {
                if seconds <= bound {
                    *bucket += 1;
                }
            }
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP gateway_http_requests_total HTTP requests by method, route and status.\n");
        out.push_str("# TYPE gateway_http_requests_total counter\n");
        if let Ok(requests) = self.requests.lock() {
            for ((method, route, status), n) in requests.iter() {
                let _ = writeln!(
                    out,
                    "gateway_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP gateway_http_request_duration_seconds HTTP request latency by method and route.\n");
        out.push_str("# TYPE gateway_http_request_duration_seconds histogram\n");
        if let Ok(latency) = self.latency.lock() {
            for ((method, route), s) in latency.iter() {
                let labels = format!("method=\"{method}\",route=\"{route}\"");
                for (bound, n) in BUCKETS.iter().zip(s.buckets) {
                    let _ =
                        writeln!(out, "gateway_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}");
                }
                let _ =
                    writeln!(out, "gateway_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", s.count);
                let _ = writeln!(out, "gateway_http_request_duration_seconds_sum{{{labels}}} {}", s.sum_seconds);
                let _ = writeln!(out, "gateway_http_request_duration_seconds_count{{{labels}}} {}", s.count);
            }
        }
        out
    }
}

/// Middleware: times each request and records it under its route template (never the
/// raw path, so ids do not explode the label set).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    state.metrics.record(&method, &route, status, elapsed.as_secs_f64());
    tracing::debug!(http.method = %method, http.route = %route, http.status = status, duration_ms = elapsed.as_millis() as u64, "request");
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.record("GET", "/api/v1/products/{id}", 200, 0.003);
        m.record("GET", "/api/v1/products/{id}", 200, 0.2);
        m.record("GET", "/api/v1/products/{id}", 404, 0.001);
        let text = m.render();
        assert!(
            text.contains(
                "gateway_http_requests_total{method=\"GET\",route=\"/api/v1/products/{id}\",status=\"200\"} 2"
            )
        );
        assert!(
            text.contains(
                "gateway_http_requests_total{method=\"GET\",route=\"/api/v1/products/{id}\",status=\"404\"} 1"
            )
        );
        assert!(text.contains("le=\"0.005\"} 2"));
        assert!(text.contains("le=\"+Inf\"} 3"));
        assert!(
            text.contains(
                "gateway_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/products/{id}\"} 3"
            )
        );
    }
}
