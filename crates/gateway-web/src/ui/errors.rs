//! Errors as pages: 404, 403, refusals explained, and — only for real faults — a 500
//! page that shows nothing of the cause (which is logged). Never JSON, never a blank.

use super::context::Ctx;
use super::i18n;
use super::shared::bare;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use gateway_app::{AppError, ErrorCode, Principal};
use gateway_core::user::Role;

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub c: &'a Ctx,
    pub status: u16,
    pub title: String,
    pub detail: String,
}

fn title_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 413 | 415 => "error-title-bad-request",
        403 => "error-title-forbidden",
        404 => "error-title-not-found",
        409 | 422 => "error-title-refused",
        _ => "error-title-internal",
    }
}

/// An error page with `status` and the explanation `detail_key`.
pub fn page(ctx: &Ctx, status: StatusCode, detail_key: &str) -> Response {
    page_text(ctx, status, ctx.t(detail_key))
}

/// The id in a page's path, or the not-found page when it is not one.
pub fn page_id<T: std::str::FromStr>(ctx: &Ctx, raw: &str) -> Result<T, Response> {
    raw.parse().map_err(|_| page(ctx, StatusCode::NOT_FOUND, "error-not-found"))
}

/// An error page with `status` and a translated `detail`.
pub fn page_text(ctx: &Ctx, status: StatusCode, detail: String) -> Response {
    let page = ErrorPage { c: ctx, status: status.as_u16(), title: ctx.t(title_key(status)), detail };
    ctx.render_status(status, &page)
}

/// The page for an app error.
pub fn app_error_page(ctx: &Ctx, error: AppError) -> Response {
    match error {
        AppError::Unauthorized => ctx.login_redirect(),
        AppError::Forbidden(_) => page(ctx, StatusCode::FORBIDDEN, "error-forbidden"),
        AppError::NotFound(_) => page(ctx, StatusCode::NOT_FOUND, "error-not-found"),
        AppError::Validation(_) => page(ctx, StatusCode::UNPROCESSABLE_ENTITY, "form-has-errors"),
        AppError::Conflict { .. } | AppError::CheckoutInProgress => page(ctx, StatusCode::CONFLICT, "err-conflict"),
        AppError::InvalidTransition(_) => page(ctx, StatusCode::CONFLICT, "err-invalid-transition"),
        AppError::Refused(r) => {
            let status = match r.kind {
                gateway_app::error::RefusalKind::Conflict => StatusCode::CONFLICT,
                gateway_app::error::RefusalKind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            };
            page_text(ctx, status, problem_message(ctx, r.code, None, r.remaining.as_deref()))
        }
        AppError::ProviderUnavailable(_) => page(ctx, StatusCode::SERVICE_UNAVAILABLE, "error-internal"),
        AppError::BadNotification(_) => page(ctx, StatusCode::BAD_REQUEST, "error-not-found"),
        AppError::Internal(_) | AppError::SearchFailed(_) => {
            bare::log_internal(&error);
            page(ctx, StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
        }
    }
}

/// Unknown page: a 404 page in the layout.
pub async fn not_found(ctx: Ctx) -> Response {
    page(&ctx, StatusCode::NOT_FOUND, "error-not-found")
}

/// A page path with a method it does not take.
pub async fn method_not_allowed(ctx: Ctx) -> Response {
    page(&ctx, StatusCode::METHOD_NOT_ALLOWED, "error-method")
}

/// A quote's or a refusal's problem, by its stable code, naming the product and the
/// remaining quota where there is one.
pub fn problem_message(ctx: &Ctx, code: ErrorCode, product: Option<&str>, remaining: Option<&str>) -> String {
    let mut key = format!("problem-{code}");
    if !i18n::has(ctx.locale, &key) {
        return ctx.t("problem-other");
    }
    // Without the product or the amount its text names, a general variant if any.
    let general = format!("{key}-general");
    if product.is_none() && remaining.is_none() && i18n::has(ctx.locale, &general) {
        key = general;
    }
    i18n::translate(ctx.locale, &key, &[("product", product.unwrap_or("")), ("remaining", remaining.unwrap_or(""))])
}

/// The refusals of a page context, beside the pages they answer with (so that
/// `context` needs nothing from here).
impl Ctx {
    /// The signed-in consumer, or the way out: sign-in for a visitor, a 403 page for
    /// a merchant or operator (only consumers buy).
    pub fn require_consumer(&self) -> Result<&Principal, Response> {
        self.require(Role::Consumer, "error-consumers-only")
    }

    /// The signed-in merchant user, or the way out: sign-in for a visitor, a 403 page
    /// for a consumer or an operator (the merchant portal is the merchants').
    pub fn require_merchant(&self) -> Result<&Principal, Response> {
        self.require(Role::Merchant, "error-merchants-only")
    }

    /// The signed-in operator, or the way out: sign-in for a visitor, a 403 page for
    /// a consumer or a merchant (the console is the platform staff's).
    pub fn require_operator(&self) -> Result<&Principal, Response> {
        self.require(Role::Operator, "error-operators-only")
    }

    /// The signed-in user of `role`; sign-in for a visitor, else the 403 page saying
    /// `refusal_key`.
    fn require(&self, role: Role, refusal_key: &str) -> Result<&Principal, Response> {
        match &self.user {
            None => Err(self.login_redirect()),
            Some(u) if u.principal.role != role => Err(page(self, StatusCode::FORBIDDEN, refusal_key)),
            Some(u) => Ok(&u.principal),
        }
    }

    /// The page for an error of the app: sign-in for `Unauthorized`, a 403 or 404 page,
    /// or the refusal explained; internal errors are logged, never shown.
    pub fn fail(&self, error: AppError) -> Response {
        app_error_page(self, error)
    }
}

/// `.or_page(&ctx)?`: an app error becomes its page.
pub trait OrPage<T> {
    fn or_page(self, ctx: &Ctx) -> Result<T, Response>;
}

impl<T> OrPage<T> for Result<T, AppError> {
    fn or_page(self, ctx: &Ctx) -> Result<T, Response> {
        self.map_err(|e| ctx.fail(e))
    }
}
