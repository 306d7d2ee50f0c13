//! Every answer names its request (`X-Request-Id`), and so does every problem body,
//! so that a client's report can be found in the server's logs.

use crate::common::*;

async fn get_with_id(s: &TestServer, path: &str, id: Option<&str>) -> (Option<String>, Answer) {
    let mut request = s.client.get(format!("{}{}", s.base, path));
    if let Some(id) = id {
        request = request.header("x-request-id", id);
    }
    let response = request.send().await.unwrap();
    let echoed = response.headers().get("x-request-id").map(|v| v.to_str().unwrap().to_string());
    (echoed, TestServer::answer(response).await)
}

#[tokio::test]
async fn a_request_id_sent_is_echoed_in_the_header_and_the_problem() {
    let s = spawn().await;
    let (echoed, a) = get_with_id(&s, "/api/v1/me", Some("support-ticket-42")).await;
    assert_eq!(echoed.as_deref(), Some("support-ticket-42"));
    assert_eq!(a.problem(401, "unauthorized")["request_id"], "support-ticket-42");
    let (echoed, a) = get_with_id(&s, "/api/v1/tax-classes", Some("ok-1")).await;
    a.ok(200);
    assert_eq!(echoed.as_deref(), Some("ok-1"));
}

#[tokio::test]
async fn without_a_sane_request_id_one_is_generated_and_echoed() {
    let s = spawn().await;
    let too_long = "x".repeat(129);
    for sent in [None, Some("two words"), Some(too_long.as_str())] {
        let (echoed, a) = get_with_id(&s, "/api/v1/products/not-a-product", sent).await;
        let echoed = echoed.expect("an X-Request-Id header");
        assert!(uuid::Uuid::parse_str(&echoed).is_ok(), "{sent:?} → {echoed}");
        assert_eq!(a.body["request_id"], echoed.as_str(), "{sent:?}");
        assert!(a.status.is_client_error());
    }
    let (first, _) = get_with_id(&s, "/healthz", None).await;
    let (second, _) = get_with_id(&s, "/healthz", None).await;
    assert_ne!(first, second, "a fresh id per request");
}
