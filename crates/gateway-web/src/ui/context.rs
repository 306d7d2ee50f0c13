//! The page context every handler starts from: the language, the signed-in user (from
//! the session cookie), the CSRF token for this page's forms, and the cookies to set
//! with the answer. Templates reach it as `c` and translate with `c.t(KEY)`.

use super::cookies::{self, CookieOptions};
use super::csrf::{self, Binding};
use super::i18n::{self, Locale};
use super::shared::{bare, url};
use super::{locale, session};
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use gateway_app::{AppError, Principal};
use gateway_core::CartId;
use gateway_core::user::Role;
use std::sync::Mutex;

/// The signed-in user, as the pages need it.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub principal: Principal,
    pub email: String,
}

impl SignedIn {
    pub fn is_consumer(&self) -> bool {
        self.principal.role == Role::Consumer
    }
    pub fn is_merchant(&self) -> bool {
        self.principal.role == Role::Merchant
    }
    pub fn is_operator(&self) -> bool {
        self.principal.role == Role::Operator
    }
}

/// A piece of text with the language it is written in, so that a template can mark
/// text in the other language (`lang="en"` on an English title of a Chinese page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    pub lang: &'static str,
}

pub struct Ctx {
    pub locale: Locale,
    /// The request's path, e.g. `/products/…`.
    pub path: String,
    /// The path and query, for `?next=` after sign-in.
    pub path_and_query: String,
    /// The same page in the other language.
    pub switch_url: String,
    pub user: Option<SignedIn>,
    /// The token of this page's forms (hidden field `csrf`).
    pub csrf: String,
    /// Whether cookies get `Secure` (see `session::secure_request`).
    pub secure: bool,
    /// The cart this browser holds, if any (not yet checked against the database).
    pub cart_id: Option<CartId>,
    session_token: Option<String>,
    anon_nonce: Option<String>,
    set_cookies: Mutex<Vec<String>>,
    csrf_key: csrf::CsrfKey,
}

impl Ctx {
    /// `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        i18n::translate(self.locale, key, &[])
    }

    /// `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        i18n::translate(self.locale, key, &[(name, &value.to_string())])
    }

    /// `key` with two arguments.
    pub fn t2(&self, key: &str, n1: &str, v1: impl std::fmt::Display, n2: &str, v2: impl std::fmt::Display) -> String {
        i18n::translate(self.locale, key, &[(n1, &v1.to_string()), (n2, &v2.to_string())])
    }

    /// `key` with three arguments.
    pub fn t3(
        &self,
        key: &str,
        (n1, v1): (&str, &dyn std::fmt::Display),
        (n2, v2): (&str, &dyn std::fmt::Display),
        (n3, v3): (&str, &dyn std::fmt::Display),
    ) -> String {
        i18n::translate(self.locale, key, &[(n1, &v1.to_string()), (n2, &v2.to_string()), (n3, &v3.to_string())])
    }

    /// A key built at run time (a status, a state, a problem code): `fallback` when
    /// the catalogue has no such key.
    pub fn t_dynamic(&self, key: &str, fallback: &str) -> String {
        if i18n::has(self.locale, key) {
            i18n::translate(self.locale, key, &[])
        } else {
            i18n::translate(self.locale, fallback, &[])
        }
    }

    /// The Chinese text when the page is Chinese and there is one, else the English;
    /// marked with the language it is in.
    pub fn pick(&self, en: &str, zh: Option<&str>) -> Text {
        match (self.locale, zh.filter(|z| !z.trim().is_empty())) {
            (Locale::ZhCn, Some(zh)) => Text { text: zh.to_string(), lang: "zh-CN" },
            _ => Text { text: en.to_string(), lang: "en" },
        }
    }

    pub fn lang(&self) -> &'static str {
        self.locale.tag()
    }

    pub fn other_locale(&self) -> Locale {
        self.locale.other()
    }

    /// The stylesheet's URL (with its content hash, so it can be cached for a year).
    pub fn css_url(&self) -> &'static str {
        super::assets::css_url()
    }

    pub fn is_consumer(&self) -> bool {
        self.user.as_ref().is_some_and(SignedIn::is_consumer)
    }

    pub fn principal(&self) -> Option<&Principal> {
        self.user.as_ref().map(|u| &u.principal)
    }

    /// Queues a `Set-Cookie` for the answer.
    pub fn add_cookie(&self, cookie: String) {
        if let Ok(mut cookies) = self.set_cookies.lock() {
            cookies.push(cookie);
        }
    }

    /// Signs this browser in with a session the app opened: its cookie is set, and the
    /// page's CSRF token follows the new session.
    pub fn sign_in(&mut self, token: &str, expires_at: chrono::DateTime<chrono::Utc>, user: SignedIn) {
        self.add_cookie(session::sign_in_cookie(token, expires_at, self.secure));
        self.csrf = self.key_token(Binding::Session(token));
        self.session_token = Some(token.to_string());
        self.user = Some(user);
    }

    /// The session token the browser presented (for logout).
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// Forgets the session and the cart in this browser.
    pub fn sign_out(&mut self) {
        self.add_cookie(cookies::clear(cookies::SESSION, self.secure));
        self.add_cookie(cookies::clear(cookies::CART, self.secure));
        self.session_token = None;
        self.user = None;
        self.cart_id = None;
    }

    /// Remembers `cart` as this browser's cart.
    pub fn keep_cart(&mut self, cart: CartId) {
        self.add_cookie(cookies::set(
            cookies::CART,
            &cart.to_string(),
            CookieOptions { http_only: true, secure: self.secure, max_age_seconds: Some(60 * 60 * 24 * 30) },
        ));
        self.cart_id = Some(cart);
    }

    pub fn forget_cart(&mut self) {
        self.add_cookie(cookies::clear(cookies::CART, self.secure));
        self.cart_id = None;
    }

    fn key_token(&self, binding: Binding<'_>) -> String {
        self.csrf_key.token(binding)
    }

    /// Whether `submitted` is this browser's CSRF token: bound to its session when
    /// signed in, else to its anonymous nonce cookie (see `csrf`).
    pub fn csrf_ok(&self, submitted: Option<&str>) -> bool {
        let Some(submitted) = submitted else { return false };
        match (&self.session_token, &self.anon_nonce) {
            (Some(token), _) => self.csrf_key.verify(Binding::Session(token), submitted),
            (None, Some(nonce)) => self.csrf_key.verify(Binding::Anonymous(nonce), submitted),
            (None, None) => false,
        }
    }

    fn take_cookies(&self) -> Vec<String> {
        self.set_cookies.lock().map(|mut c| std::mem::take(&mut *c)).unwrap_or_default()
    }

    /// Adds the queued cookies to `response`.
    pub fn finish(&self, mut response: Response) -> Response {
        for cookie in self.take_cookies() {
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
    }

    /// Renders `template` as the answer, with `status`.
    pub fn render_status(&self, status: StatusCode, template: &impl askama::Template) -> Response {
        match template.render() {
            Ok(html) => {
                let mut response = (status, Html(html)).into_response();
                // Pages carry personal data and CSRF tokens: never cached by proxies.
                response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
                self.finish(response)
            }
            Err(error) => {
                tracing::error!(%error, "a template failed to render");
                self.finish(bare::bare_500(self.locale))
            }
        }
    }

    pub fn render(&self, template: &impl askama::Template) -> Response {
        self.render_status(StatusCode::OK, template)
    }

    /// 303 See Other to `to` (after a form), with the queued cookies.
    pub fn redirect(&self, to: &str) -> Response {
        let location = HeaderValue::from_str(to).unwrap_or_else(|_| HeaderValue::from_static("/"));
        self.finish((StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response())
    }

    /// The sign-in page, coming back here afterwards.
    pub fn login_redirect(&self) -> Response {
        self.redirect(&format!("/login?next={}", url::encode(&self.path_and_query)))
    }
}

/// A handler's answer: the page, or the page of what went wrong.
pub type PageResult = Result<Response, Response>;

impl FromRequestParts<AppState> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path().to_string();
        let query = parts.uri.query();
        let (locale, from_query) = locale::resolve(&path, query, &parts.headers);
        let secure = session::secure_request(&parts.headers, state.web.secure_cookies);
        let mut set_cookies = Vec::new();
        if from_query {
            set_cookies.push(cookies::set(
                cookies::LANG,
                locale.tag(),
                CookieOptions { http_only: true, secure, max_age_seconds: Some(60 * 60 * 24 * 365) },
            ));
        }
        let mut user = None;
        let mut session_token = None;
        if let Some(token) = session::token(&parts.headers) {
            match state.app.authenticate(token).await {
                Ok((principal, account)) => {
                    user = Some(SignedIn { principal, email: account.email });
                    session_token = Some(token.to_string());
                }
                // Expired or logged out elsewhere: carry on signed out.
                Err(AppError::Unauthorized) => set_cookies.push(cookies::clear(cookies::SESSION, secure)),
                Err(other) => return Err(bare::bare_error(locale, other)),
            }
        }
        let mut anon_nonce = cookies::get(&parts.headers, cookies::CSRF).map(str::to_string);
        let csrf = match &session_token {
            Some(token) => state.web.csrf_key.token(Binding::Session(token)),
            None => {
                let nonce = anon_nonce.clone().unwrap_or_else(|| {
                    let nonce = csrf::new_nonce();
                    set_cookies.push(cookies::set(
                        cookies::CSRF,
                        &nonce,
                        CookieOptions { http_only: true, secure, max_age_seconds: None },
                    ));
                    anon_nonce = Some(nonce.clone());
                    nonce
                });
                state.web.csrf_key.token(Binding::Anonymous(&nonce))
            }
        };
        let cart_id = cookies::get(&parts.headers, cookies::CART).and_then(|c| c.parse().ok());
        let path_and_query = parts.uri.path_and_query().map_or_else(|| path.clone(), |p| p.as_str().to_string());
        Ok(Ctx {
            locale,
            switch_url: locale::with_lang(&path, query, locale.other()),
            path,
            path_and_query,
            user,
            csrf,
            secure,
            cart_id,
            session_token,
            anon_nonce,
            set_cookies: Mutex::new(set_cookies),
            csrf_key: state.web.csrf_key.clone(),
        })
    }
}
