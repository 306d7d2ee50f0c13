use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn signup_login_me_and_logout() {
    let s = spawn().await;
    let a = s
        .post(
            "/api/v1/auth/signup",
            None,
            &json!({"email": "Farm@Example.com", "password": "password-123", "role": "merchant"}),
        )
        .await;
    let body = a.ok(201);
    assert!(body["token"].as_str().unwrap().starts_with("gw_"));
    assert_eq!(body["user"]["email"], "farm@example.com");
    assert_eq!(body["user"]["role"], "merchant");
    assert!(body["user"]["id"].as_str().unwrap().len() == 36);

    let login =
        s.post("/api/v1/auth/login", None, &json!({"email": "farm@example.com", "password": "password-123"})).await;
    let token = login.ok(200)["token"].as_str().unwrap().to_string();
    assert_ne!(token, body["token"].as_str().unwrap(), "each login opens its own session");
    let me = s.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me.ok(200)["email"], "farm@example.com");

    s.post("/api/v1/auth/logout", Some(&token), &json!({})).await.ok(204);
    s.get("/api/v1/me", Some(&token)).await.problem(401, "unauthorized");
    // The other session is untouched.
    s.get("/api/v1/me", Some(body["token"].as_str().unwrap())).await.ok(200);
}

#[tokio::test]
async fn wrong_credentials_are_401_without_saying_which() {
    let s = spawn().await;
    s.signup("shopper@example.com", "consumer").await;
    let wrong_password = s
        .post("/api/v1/auth/login", None, &json!({"email": "shopper@example.com", "password": "nope-nope-nope"}))
        .await;
    let unknown_user =
        s.post("/api/v1/auth/login", None, &json!({"email": "ghost@example.com", "password": "password-123"})).await;
    wrong_password.problem(401, "unauthorized");
    unknown_user.problem(401, "unauthorized");
    assert_eq!(wrong_password.body["detail"], unknown_user.body["detail"]);
    s.get("/api/v1/me", Some("gw_not-a-real-token")).await.problem(401, "unauthorized");
    let a = s.send(reqwest::Method::GET, "/api/v1/me", None, None).await;
    a.problem(401, "unauthorized");
}

#[tokio::test]
async fn signup_validates_every_field_and_refuses_duplicates() {
    let s = spawn().await;
    let a = s
        .post("/api/v1/auth/signup", None, &json!({"email": "not-an-email", "password": "short", "role": "operator"}))
        .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.error_fields(), ["email", "password", "role"]);
    let a = s.post("/api/v1/auth/signup", None, &json!({})).await;
    assert_eq!(a.error_fields(), ["email", "password", "role"]);

    s.signup("twice@example.com", "consumer").await;
    let again = s
        .post(
            "/api/v1/auth/signup",
            None,
            &json!({"email": "TWICE@example.com", "password": "password-456", "role": "merchant"}),
        )
        .await;
    again.problem(409, "conflict");
    assert_eq!(again.error_fields(), ["email"]);
}

#[tokio::test]
async fn the_first_operator_comes_from_the_environment() {
    let s = spawn().await;
    let admin = s.admin().await;
    assert_eq!(s.get("/api/v1/me", Some(&admin)).await.ok(200)["role"], "operator");
}
