//! A real `gateway` server per test, started the way `gateway serve` starts, on
//! SQLite in a temporary directory or, when GATEWAY_TEST_DATABASE_URL is set, on a
//! fresh PostgreSQL database of its own.

use gateway::config::Settings;
use gateway_store_conformance::pg::{DatabaseGuard, fresh_database};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::path::PathBuf;

pub const ADMIN_EMAIL: &str = "admin@gateway.test";
pub const ADMIN_PASSWORD: &str = "admin-password-1";

pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub settings: Settings,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
    _db: Option<DatabaseGuard>,
}

/// The answer to one request: status, content type and body (JSON when it parses).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Value,
    pub text: String,
}

impl Answer {
    /// Asserts a problem+json error with this status and code; returns the body.
    pub fn problem(&self, status: u16, code: &str) -> &Value {
        assert_eq!(self.status.as_u16(), status, "status of {}", self.text);
        assert_eq!(self.content_type, "application/problem+json", "content type of {}", self.text);
        assert_eq!(self.body["code"], code, "code of {}", self.text);
        assert_eq!(self.body["status"], status, "status field of {}", self.text);
        assert!(self.body["title"].is_string() && self.body["detail"].is_string() && self.body["type"].is_string());
        &self.body
    }

    /// The fields named in a validation problem, sorted.
    pub fn error_fields(&self) -> Vec<String> {
        let mut fields: Vec<String> = self.body["errors"]
            .as_array()
            .map(|a| a.iter().map(|e| e["field"].as_str().unwrap_or_default().to_string()).collect())
            .unwrap_or_default();
        fields.sort();
        fields
    }

    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "unexpected answer: {}", self.text);
        &self.body
    }
}

pub async fn spawn() -> TestServer {
    spawn_with(|_| {}).await
}

/// Starts a server after letting the test adjust its settings.
pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestServer {
    spawn_full(adjust, |app| app, true).await
}

/// Starts a server with `adjust`ed settings whose app is `customize`d (another
/// payment provider, another event sink).
pub async fn spawn_custom(
    adjust: impl FnOnce(&mut Settings),
    customize: impl FnOnce(gateway_app::App) -> gateway_app::App,
) -> TestServer {
    spawn_full(adjust, customize, true).await
}

/// A server without the search follower beside it: the only SQL it runs is its
/// requests' own (the statement-count test counts them).
pub async fn spawn_quiet() -> TestServer {
    spawn_full(|_| {}, |app| app, false).await
}

/// Starts a server that pays through `provider` instead of the sandbox.
pub async fn spawn_paying_with(provider: std::sync::Arc<dyn gateway_app::payments::PaymentProvider>) -> TestServer {
    spawn_full(|_| {}, move |app| app.with_payments(provider), true).await
}

async fn spawn_full(
    adjust: impl FnOnce(&mut Settings),
    customize: impl FnOnce(gateway_app::App) -> gateway_app::App,
    follower: bool,
) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let (database_url, guard) = match std::env::var("GATEWAY_TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            let (url, guard) = fresh_database(&base).await.expect("creating a test database");
            (Some(url), Some(guard))
        }
        _ => (None, None),
    };
    let mut settings = Settings {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: PathBuf::from(dir.path()),
        database_url,
        demo: false,
        secure_cookies: false,
        pg_max_connections: 8,
        admin_email: Some(ADMIN_EMAIL.into()),
        admin_password: Some(ADMIN_PASSWORD.into()),
        identity_key: None,
        payments: Default::default(),
        customs: Default::default(),
    };
    adjust(&mut settings);
    // Bound first, so that the server knows its own address (the wallets' notify URL).
    let listener = tokio::net::TcpListener::bind(settings.addr).await.unwrap();
    settings.addr = listener.local_addr().unwrap();
    let prepared = gateway::prepare(&settings).await.expect("preparing the server");
    let app = customize(prepared.app);
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        let _ = rx.await;
    };
    if follower {
        tokio::spawn(gateway::run(app, settings.web(), listener, shutdown));
    } else {
        tokio::spawn(gateway_web::serve_with(app, settings.web(), listener, shutdown));
    }
    TestServer { base, client: reqwest::Client::new(), settings, shutdown: Some(tx), _dir: dir, _db: guard }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl TestServer {
    pub async fn send(&self, method: Method, path: &str, token: Option<&str>, body: Option<&Value>) -> Answer {
        let mut request = self.client.request(method, format!("{}{}", self.base, path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        Self::answer(request.send().await.expect("request")).await
    }

    pub async fn answer(response: reqwest::Response) -> Answer {
        let status = response.status();
        let content_type =
            response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, content_type, body, text }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.send(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Answer {
        self.send(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Answer {
        self.send(Method::PATCH, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Answer {
        self.send(Method::PUT, path, token, Some(body)).await
    }

    /// Signs up and returns the token.
    pub async fn signup(&self, email: &str, role: &str) -> String {
        let a = self
            .post("/api/v1/auth/signup", None, &json!({"email": email, "password": "password-123", "role": role}))
            .await;
        a.ok(201)["token"].as_str().unwrap().to_string()
    }

    pub async fn admin(&self) -> String {
        let a = self.post("/api/v1/auth/login", None, &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).await;
        a.ok(200)["token"].as_str().unwrap().to_string()
    }

    /// A merchant user with a business profile; approved when `approve`. Returns
    /// (token, merchant id).
    pub async fn merchant(&self, email: &str, food_registration: bool, approve: bool) -> (String, String) {
        let token = self.signup(email, "merchant").await;
        let mut body = merchant_body();
        if !food_registration {
            body["food_registration_no"] = Value::Null;
        }
        let id = self.post("/api/v1/merchants", Some(&token), &body).await.ok(201)["id"].as_str().unwrap().to_string();
        if approve {
            let admin = self.admin().await;
            self.post(&format!("/api/v1/admin/merchants/{id}/approve"), Some(&admin), &json!({})).await.ok(200);
        }
        (token, id)
    }

    pub async fn set_fx(&self, rate: &str) {
        let admin = self.admin().await;
        self.put("/api/v1/admin/fx/USD/CNY", Some(&admin), &json!({"rate": rate})).await.ok(200);
    }
}

pub fn merchant_body() -> Value {
    json!({
        "legal_name": "Prairie Gold Apiaries LLC",
        "display_name": {"en": "Prairie Gold Apiaries", "zh": "草原金蜂场"},
        "kind": "farm",
        "state": "IA",
        "city": "Ames",
        "zip": "50010",
        "employees": 6,
        "exported_before": false,
        "fulfilment": "direct_mail",
        "food_registration_no": "CUSA12345678901"
    })
}

pub fn product_body(sku: &str) -> Value {
    json!({
        "sku": sku,
        "title": {"en": "Wildflower Honey 500 g", "zh": "野花蜂蜜 500克"},
        "description": {"en": "Raw honey from Iowa prairie flowers."},
        "tax_class": "agri",
        "hs_code": "04090000",
        "origin_country": "US",
        "price_usd": "12.50",
        "weight_g": 650,
        "net_content": {"value": 500, "unit": "g"},
        "stock": 120
    })
}
