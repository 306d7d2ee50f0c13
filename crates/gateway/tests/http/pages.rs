//! The pages over HTTP: languages, sizes, CSRF, the session cookie, the buy path's
//! forms and their errors. (The browser suite drives the same pages in Chromium.)

use crate::common::{TestServer, product_body, spawn, spawn_with};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, SET_COOKIE};
use serde_json::json;
use std::collections::BTreeMap;

/// A cookie-keeping client that does not follow redirects, like a browser seen from
/// the server's side (shared by the page tests of every area).
pub struct Browser<'a> {
    pub server: &'a TestServer,
    pub client: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
    pub accept_language: Option<&'static str>,
}

pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    /// The CSRF token of the page's first form.
    pub fn csrf(&self) -> String {
        csrf_of(&self.body)
    }

    /// The text of the element with `id` up to its first tag end (a shallow look).
    pub fn by_id(&self, id: &str) -> String {
        let needle = format!("id=\"{id}\"");
        let at = self.body.find(&needle).unwrap_or_else(|| panic!("no #{id} in {}", self.body));
        let rest = &self.body[at..];
        let start = rest.find('>').unwrap() + 1;
        rest[start..].split('<').next().unwrap().to_string()
    }

    /// The `value` of the input with `id`.
    pub fn value_of(&self, id: &str) -> String {
        let needle = format!("id=\"{id}\"");
        let at = self.body.find(&needle).unwrap_or_else(|| panic!("no #{id}"));
        let rest = &self.body[at..];
        let tag = &rest[..rest.find('>').unwrap()];
        tag.split("value=\"").nth(1).map(|v| v.split('"').next().unwrap().to_string()).unwrap_or_default()
    }

    /// The message beside the field `name` (its `…-error` paragraph).
    pub fn error_of(&self, name: &str) -> String {
        self.by_id(&format!("{name}-error"))
    }

    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }

    pub fn is_html(&self) -> bool {
        self.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").starts_with("text/html")
    }
}

/// The CSRF token of the first form in the HTML `body`.
pub fn csrf_of(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").expect("a form with a CSRF token") + 19;
    body[at..].split('"').next().unwrap().to_string()
}

impl<'a> Browser<'a> {
    pub fn new(server: &'a TestServer) -> Self {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { server, client, cookies: BTreeMap::new(), accept_language: None }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    pub async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let mut request = request.header("cookie", self.cookie_header());
        if let Some(lang) = self.accept_language {
            request = request.header("accept-language", lang);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        for value in headers.get_all(SET_COOKIE) {
            let text = value.to_str().unwrap();
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
        let body = response.text().await.unwrap();
        Page { status, headers, body }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = self.client.get(format!("{}{path}", self.server.base));
        self.send(request).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let request = self.client.post(format!("{}{path}", self.server.base)).form(form);
        self.send(request).await
    }

    /// Posts `form` with the CSRF token of the page at `from`.
    pub async fn submit(&mut self, from: &str, path: &str, form: &[(&str, &str)]) -> Page {
        let token = self.get(from).await.csrf();
        let mut fields = form.to_vec();
        fields.push(("csrf", &token));
        self.post(path, &fields).await
    }

    /// The session token (the same as the API's bearer token).
    pub fn token(&self) -> String {
        self.cookies.get("gw_session").expect("signed in").clone()
    }
}

/// A merchant with two products for sale and an FX rate; returns the product ids.
async fn catalog(s: &TestServer) -> (String, String) {
    s.set_fx("7.1").await;
    let (token, merchant) = s.merchant("farm@example.com", true, true).await;
    let mut ids = Vec::new();
    for sku in ["HONEY-1", "HONEY-2"] {
        let a = s.post(&format!("/api/v1/merchants/{merchant}/products"), Some(&token), &product_body(sku)).await;
        ids.push(a.ok(201)["id"].as_str().unwrap().to_string());
    }
    (ids[0].clone(), ids[1].clone())
}

#[tokio::test]
async fn pages_speak_chinese_by_default_and_english_on_request_under_100_kb() {
    let s = spawn().await;
    let (product, _) = catalog(&s).await;
    let mut b = Browser::new(&s);
    let home = b.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.is_html());
    assert!(home.body.contains("<html lang=\"zh-CN\">"), "Chinese by default");
    assert!(home.body.contains("野花蜂蜜 500克"), "the Chinese title");
    assert!(home.body.contains("lang=\"en\" hreflang=\"en\">English</a>"), "the language switch");

    let english = b.get("/?lang=en").await;
    assert!(english.body.contains("<html lang=\"en\">"));
    assert!(english.set_cookie("lang").unwrap().starts_with("lang=en;"));
    assert!(b.get("/").await.body.contains("<html lang=\"en\">"), "the cookie remembers the choice");
    assert!(b.get("/?lang=zh-CN").await.body.contains("<html lang=\"zh-CN\">"));

    let mut browser_in_english = Browser::new(&s);
    browser_in_english.accept_language = Some("en-US,en;q=0.9");
    assert!(browser_in_english.get("/").await.body.contains("<html lang=\"en\">"), "Accept-Language counts");

    for path in ["/", &format!("/products/{product}"), "/cart", "/login", "/signup"] {
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.len() < 100_000, "{path} is {} bytes", page.body.len());
        assert!(page.body.contains("class=\"skip\" href=\"#main\""), "{path} has a skip link");
    }
    let css = b.get(home.body[home.body.find("/static/app.").unwrap()..].split('"').next().unwrap()).await;
    assert_eq!(css.status, 200);
    assert!(css.headers["cache-control"].to_str().unwrap().contains("immutable"));
}

#[tokio::test]
async fn the_product_page_shows_the_landed_price_of_one_unit_from_the_quote() {
    let s = spawn().await;
    let (product, _) = catalog(&s).await;
    // The same price through the API: a one-line cart's quote.
    let cart = s.post("/api/v1/carts", None, &json!({})).await.ok(201)["id"].as_str().unwrap().to_string();
    s.put(&format!("/api/v1/carts/{cart}/items/{product}"), None, &json!({"quantity": 1})).await.ok(200);
    let quote = s.get(&format!("/api/v1/carts/{cart}/quote"), None).await;
    let order = &quote.ok(200)["orders"][0];
    let mut b = Browser::new(&s);
    let page = b.get(&format!("/products/{product}")).await;
    assert!(page.body.contains(&format!("¥{}<span class=\"tax\">含税</span>", order["total"].as_str().unwrap())));
    for field in ["goods", "freight", "vat"] {
        assert!(page.body.contains(&format!("¥{}", order[field].as_str().unwrap())), "{field} in the breakdown");
    }
    assert!(page.body.contains("<details>"), "the breakdown on demand");
    assert!(page.body.contains("草原金蜂场"), "the merchant's Chinese name");
    assert!(page.body.contains("爱荷华州"), "the origin state");
    let missing = b.get("/products/0190f000-0000-7000-8000-000000000000").await;
    assert_eq!(missing.status, 404);
    assert!(missing.is_html() && missing.body.contains("页面不存在"));
    assert_eq!(b.get("/products/not-an-id").await.status, 404);
    let unknown = b.get("/no/such/page").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.is_html());
}

#[tokio::test]
async fn every_form_needs_its_csrf_token() {
    let s = spawn().await;
    let (product, _) = catalog(&s).await;
    let mut b = Browser::new(&s);
    b.get("/login").await;
    let creds = [("email", "shopper@example.com"), ("password", "password-123"), ("role", "consumer")];
    for token in [None, Some("forged"), Some("")] {
        let mut form = creds.to_vec();
        if let Some(t) = token {
            form.push(("csrf", t));
        }
        let refused = b.post("/signup", &form).await;
        assert_eq!(refused.status, 403, "token {token:?}");
        assert!(refused.is_html() && refused.body.contains("此表单已过期或并非来自本网站"), "{}", refused.body);
    }
    let refused = b.post("/cart/items", &[("product_id", &product), ("quantity", "1")]).await;
    assert_eq!(refused.status, 403);
    // Another browser's token does not work here.
    let mut other = Browser::new(&s);
    let foreign = other.get("/login").await.csrf();
    let mut form = creds.to_vec();
    form.push(("csrf", &foreign));
    assert_eq!(b.post("/signup", &form).await.status, 403);

    let signed_up = b.submit("/signup", "/signup", &creds).await;
    assert_eq!(signed_up.status, 303, "{}", signed_up.body);
    // Signed in, the anonymous token no longer counts: the session's does.
    let anonymous_token = b.cookies.get("gw_csrf").cloned().unwrap_or_default();
    assert_eq!(b.post("/logout", &[("csrf", &anonymous_token)]).await.status, 403);
    assert_eq!(b.post("/logout", &[]).await.status, 403);
    assert!(b.cookies.contains_key("gw_session"), "still signed in");
    let out = b.submit("/", "/logout", &[]).await;
    assert_eq!(out.status, 303);
    assert!(!b.cookies.contains_key("gw_session"), "signed out");
    // A form that is not a form.
    let token = b.get("/login").await.csrf();
    let request = b.client.post(format!("{}/login", s.base)).header("content-type", "application/json").body("{}");
    let page = b.send(request).await;
    assert_eq!(page.status, 415);
    assert!(page.is_html());
    let _ = token;
}

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_and_never_opens_the_api() {
    let s = spawn().await;
    let mut b = Browser::new(&s);
    let creds = [("email", "shopper@example.com"), ("password", "password-123"), ("role", "consumer")];
    let signed_up = b.submit("/signup", "/signup", &creds).await;
    let cookie = signed_up.set_cookie("gw_session").unwrap();
    assert!(
        cookie.contains("; Path=/") && cookie.contains("; SameSite=Lax") && cookie.contains("; HttpOnly"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain HTTP without a proxy: {cookie}");
    let token = b.cookies["gw_session"].clone();
    // The cookie alone does not authenticate the API; the same token as a bearer does.
    let with_cookie = b.client.get(format!("{}/api/v1/me", s.base)).header("cookie", format!("gw_session={token}"));
    assert_eq!(with_cookie.send().await.unwrap().status(), 401);
    s.get("/api/v1/me", Some(&token)).await.ok(200);

    // Behind a TLS proxy the cookie is Secure.
    let mut behind_tls = Browser::new(&s);
    let token = behind_tls.get("/login").await.csrf();
    let request = behind_tls.client.post(format!("{}/login", s.base)).header("x-forwarded-proto", "https").form(&[
        ("email", "shopper@example.com"),
        ("password", "password-123"),
        ("csrf", &token),
    ]);
    let page = behind_tls.send(request).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(page.set_cookie("gw_session").unwrap().ends_with("; HttpOnly; Secure"));

    // A wrong password: the form again, with the message, and no session.
    let mut wrong = Browser::new(&s);
    let page = wrong.submit("/login", "/login", &[("email", "shopper@example.com"), ("password", "nope-nope")]).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("电子邮箱或密码不正确"));
    assert!(page.body.contains("value=\"shopper@example.com\""), "the e-mail is kept");
    assert!(!wrong.cookies.contains_key("gw_session"));
}

/// Two tabs adding the same product at once: every add counts (the cart adds in one
/// store operation instead of reading the line and writing the sum).
#[tokio::test]
async fn concurrent_adds_through_the_form_all_count() {
    const TABS: usize = 6;
    let s = spawn().await;
    let (honey, _) = catalog(&s).await;
    let mut b = Browser::new(&s);
    let first =
        b.submit(&format!("/products/{honey}"), "/cart/items", &[("product_id", &honey), ("quantity", "1")]).await;
    assert_eq!((first.status, first.location()), (StatusCode::SEE_OTHER, "/cart"));
    let cart = b.cookies.get("gw_cart").expect("the browser keeps its cart").clone();
    let token = b.get(&format!("/products/{honey}")).await.csrf();
    let cookie = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let tabs: Vec<_> = (0..TABS)
        .map(|_| {
            let request = b.client.post(format!("{}/cart/items", s.base)).header("cookie", cookie.clone()).form(&[
                ("product_id", honey.as_str()),
                ("quantity", "2"),
                ("csrf", token.as_str()),
            ]);
            tokio::spawn(async move { request.send().await.unwrap().status() })
        })
        .collect();
    for tab in tabs {
        assert_eq!(tab.await.unwrap(), StatusCode::SEE_OTHER, "each tab's add goes through");
    }
    let read = s.get(&format!("/api/v1/carts/{cart}"), None).await;
    let items = &read.ok(200)["items"];
    assert_eq!(items.as_array().unwrap().len(), 1, "{items}");
    assert_eq!(items[0]["quantity"], json!(1 + 2 * TABS as i64), "every tab's add counts: {items}");
}

#[tokio::test]
async fn buying_through_the_forms_with_errors_beside_the_fields_and_one_order_per_double_submit() {
    let s = spawn().await;
    let (honey, _) = catalog(&s).await;
    let mut b = Browser::new(&s);
    // An anonymous cart, taken along at sign-up.
    let added =
        b.submit(&format!("/products/{honey}"), "/cart/items", &[("product_id", &honey), ("quantity", "2")]).await;
    assert_eq!((added.status, added.location()), (StatusCode::SEE_OTHER, "/cart"));
    let bad =
        b.submit(&format!("/products/{honey}"), "/cart/items", &[("product_id", &honey), ("quantity", "0")]).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"quantity-error\""), "the error beside the field");
    let cart = b.get("/cart").await;
    assert!(cart.body.contains("您的购物车将生成 1 个订单"), "{}", cart.body);
    let creds =
        [("email", "buyer@example.com"), ("password", "password-123"), ("role", "consumer"), ("next", "/checkout")];
    let signed_up = b.submit("/signup", "/signup", &creds).await;
    assert_eq!(signed_up.location(), "/checkout");
    let checkout = b.get("/checkout").await;
    assert_eq!(checkout.status, 200);
    assert!(checkout.body.contains("/account/identity?next=/checkout"), "asks for the identity first");

    // Identity: a wrong check character, then the right one.
    let wrong = [("real_name", "王小明"), ("id_number", "11010519491231002Y"), ("phone", "1380013800")];
    let page = b.submit("/account/identity", "/account/identity", &wrong).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"phone-error\""), "{}", page.body);
    assert!(page.body.contains("value=\"王小明\""), "what was typed is kept");
    let right = [("real_name", "王小明"), ("id_number", "11010519491231002X"), ("phone", "13800138000"), ("next", "/")];
    let saved = b.submit("/account/identity", "/account/identity", &right).await;
    assert_eq!(saved.location(), "/account/identity?saved=1");
    let identity = b.get("/account/identity").await;
    assert!(identity.body.contains("1101**********002X"), "masked");
    assert!(!identity.body.contains("11010519491231002X"), "never in clear");

    // Checkout with a missing field, then twice with the same form.
    let page = b.get("/checkout").await;
    let key_at = page.body.find("name=\"idempotency_key\" value=\"").unwrap() + 30;
    let key = page.body[key_at..].split('"').next().unwrap().to_string();
    let csrf = page.csrf();
    let mut address = vec![
        ("recipient", "王小明"),
        ("phone", "13800138000"),
        ("province", "北京市"),
        ("city", "北京市"),
        ("district", "朝阳区"),
        ("street", "建国路 1 号"),
        ("postal_code", "1000"),
        ("idempotency_key", &key),
        ("csrf", &csrf),
    ];
    let refused = b.post("/checkout", &address).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("id=\"postal_code-error\""), "{}", refused.body);
    assert!(refused.body.contains("请填写 6 位邮政编码"));
    assert!(refused.body.contains("value=\"建国路 1 号\""), "nothing typed is lost");
    address[6] = ("postal_code", "100000");
    let cart_cookie = b.cookies["gw_cart"].clone();
    let first = b.post("/checkout", &address).await;
    assert_eq!((first.status, first.location()), (StatusCode::SEE_OTHER, "/orders?placed=1"), "{}", first.body);
    // The second submit of the same form (the browser still sends the old cart).
    b.cookies.insert("gw_cart".into(), cart_cookie);
    let second = b.post("/checkout", &address).await;
    assert_eq!(second.location(), "/orders?placed=1");
    let token = b.cookies["gw_session"].clone();
    let orders = s.get("/api/v1/me/orders", Some(&token)).await;
    assert_eq!(orders.ok(200)["items"].as_array().unwrap().len(), 1, "one order for two submits");
    let id = orders.body["items"][0]["id"].as_str().unwrap().to_string();

    let list = b.get("/orders?placed=1").await;
    assert!(list.body.contains(&format!("/orders/{id}")));
    let order = b.get(&format!("/orders/{id}")).await;
    assert!(order.body.contains("data-status=\"paid\""));
    let cancelled = b.submit(&format!("/orders/{id}"), &format!("/orders/{id}/cancel"), &[]).await;
    assert_eq!(cancelled.location(), format!("/orders/{id}"));
    let order = b.get(&format!("/orders/{id}")).await;
    assert!(order.body.contains("data-status=\"cancelled\"") && order.body.contains("已取消"));
    // Cancelling again: the page explains, no 5xx.
    let again = b.submit(&format!("/orders/{id}"), &format!("/orders/{id}/cancel"), &[]).await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("订单状态已变化"));
    // Someone else's order is a 403 page; a merchant cannot check out.
    let mut stranger = Browser::new(&s);
    stranger.submit("/signup", "/signup", &[("email", "x@example.com"), ("password", "password-123")]).await;
    assert_eq!(stranger.get(&format!("/orders/{id}")).await.status, 403);
    let mut merchant = Browser::new(&s);
    let creds = [("email", "m@example.com"), ("password", "password-123"), ("role", "merchant")];
    merchant.submit("/signup", "/signup", &creds).await;
    assert_eq!(merchant.get("/checkout").await.status, 403);
    // Signed out, a consumer page asks to sign in first.
    let mut visitor = Browser::new(&s);
    assert_eq!(visitor.get("/orders").await.location(), "/login?next=/orders");
}

#[tokio::test]
async fn secure_cookies_make_the_session_cookie_secure_without_a_proxy_header() {
    let s = spawn_with(|settings| settings.secure_cookies = true).await;
    let mut b = Browser::new(&s);
    let creds = [("email", "shopper@example.com"), ("password", "password-123"), ("role", "consumer")];
    let signed_up = b.submit("/signup", "/signup", &creds).await;
    let cookie = signed_up.set_cookie("gw_session").unwrap();
    assert!(cookie.ends_with("; HttpOnly; Secure"), "GATEWAY_SECURE_COOKIES over plain HTTP: {cookie}");
}

/// Every answer carries the security headers (issue 24): a CSP with no inline script
/// or style, no framing, no sniffing, a strict referrer policy; HSTS only over TLS.
#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let s = spawn().await;
    let mut b = Browser::new(&s);
    for path in ["/", "/cart", "/login", "/operator", "/merchant", "/api/v1/tax-classes", "/no-such-page"] {
        let page = b.get(path).await;
        let header = |name: &str| page.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let csp = header("content-security-policy");
        for directive in ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"] {
            assert!(csp.contains(directive), "{path}: {directive} in {csp}");
        }
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{path}: {csp}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "strict-origin-when-cross-origin", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("strict-transport-security"), "", "{path}: no HSTS over plain HTTP");
        if page.is_html() {
            assert!(!page.body.contains("<script") && !page.body.contains(" style=\""), "{path}: nothing inline");
        }
    }
    let over_tls = s.client.get(format!("{}/", s.base)).header("x-forwarded-proto", "https").send().await.unwrap();
    let hsts = over_tls.headers().get("strict-transport-security").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(hsts.starts_with("max-age=31536000"), "HSTS behind a TLS proxy: {hsts}");
}
