use crate::common::*;
use serde_json::Value;

#[tokio::test]
async fn healthz_answers_with_the_backend() {
    let s = spawn().await;
    let a = s.get("/healthz", None).await;
    let backend = if s.settings.database_url.is_some() { "postgres" } else { "sqlite" };
    assert_eq!(a.ok(200)["database"], backend);
    assert_eq!(a.body["status"], "ok");
}

#[tokio::test]
async fn metrics_count_requests_by_route_for_operators() {
    let s = spawn().await;
    s.get("/api/v1/tax-classes", None).await.ok(200);
    s.get("/api/v1/products/0190f000-0000-7000-8000-000000000000", None).await;
    s.get("/metrics", None).await.problem(401, "unauthorized");
    let merchant = s.signup("farm@example.com", "merchant").await;
    s.get("/metrics", Some(&merchant)).await.problem(403, "forbidden");
    let admin = s.admin().await;
    let a = s.get("/metrics", Some(&admin)).await;
    assert_eq!(a.status.as_u16(), 200);
    assert!(a.content_type.starts_with("text/plain"));
    assert!(
        a.text.contains(r#"gateway_http_requests_total{method="GET",route="/api/v1/tax-classes",status="200"} 1"#),
        "{}",
        a.text
    );
    assert!(
        a.text.contains(r#"gateway_http_requests_total{method="GET",route="/api/v1/products/{id}",status="404"} 1"#)
    );
    assert!(
        a.text.contains(r#"gateway_http_request_duration_seconds_count{method="GET",route="/api/v1/tax-classes"} 1"#)
    );
    assert!(!a.text.contains("0190f000"), "raw paths never become labels");
}

#[tokio::test]
async fn the_openapi_document_is_served_and_lists_every_route() {
    let s = spawn().await;
    let a = s.get("/api/openapi.json", None).await;
    let doc: &Value = a.ok(200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/auth/signup",
        "/api/v1/auth/login",
        "/api/v1/merchants",
        "/api/v1/merchants/{id}",
        "/api/v1/admin/merchants/{id}/{action}",
        "/api/v1/merchants/{id}/products",
        "/api/v1/products/{id}",
        "/api/v1/admin/fx/{base}/{quote}",
        "/api/v1/tax-classes",
        "/healthz",
        "/metrics",
    ] {
        assert!(paths.contains_key(path), "{path} missing from the OpenAPI document");
    }
    assert!(paths["/api/v1/products/{id}"]["patch"].is_object());
}
