//! Sign-up, sign-in and sign-out. A session opened here is an ordinary app session
//! (the same token the API hands out) kept in an HttpOnly cookie; this browser's
//! anonymous cart goes along with a consumer who signs in.

use crate::AppState;
use crate::ui::context::{Ctx, PageResult, SignedIn};
use crate::ui::forms::{Field, FormErrors, PageForm, signup_fields};
use crate::ui::shared::url::safe_next;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use gateway_app::auth::{LoginInput, SessionView, SignupInput};
use gateway_app::{AppError, Principal};
use gateway_core::user::Role;
use serde::Deserialize;

/// Where a merchant lands after signing in: the merchant portal.
pub const MERCHANT_HOME: &str = "/merchant";
/// Where an operator lands after signing in: the operator console.
pub const OPERATOR_HOME: &str = "/operator";

#[derive(Template)]
#[template(path = "storefront/login.html")]
pub struct LoginPage<'a> {
    pub c: &'a Ctx,
    pub fields: Vec<Field>,
    pub next: String,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "storefront/signup.html")]
pub struct SignupPage<'a> {
    pub c: &'a Ctx,
    pub fields: Vec<Field>,
    pub role: String,
    pub next: String,
    pub errors: FormErrors,
}

#[derive(Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Credentials {
    pub email: Option<String>,
    pub password: Option<String>,
    pub role: Option<String>,
    pub next: Option<String>,
}

fn login_fields(ctx: &Ctx, email: &str, errors: &FormErrors) -> Vec<Field> {
    vec![
        Field::new("email", ctx.t("auth-email"), email, errors).kind("email").autocomplete("username"),
        Field::new("password", ctx.t("auth-password"), "", errors).kind("password").autocomplete("current-password"),
    ]
}

pub async fn login_form(ctx: Ctx, Query(q): Query<NextQuery>) -> PageResult {
    let errors = FormErrors::default();
    let page =
        LoginPage { c: &ctx, fields: login_fields(&ctx, "", &errors), next: safe_next(q.next.as_deref()), errors };
    Ok(ctx.render(&page))
}

pub async fn signup_form(ctx: Ctx, Query(q): Query<NextQuery>) -> PageResult {
    let errors = FormErrors::default();
    let page = SignupPage {
        c: &ctx,
        fields: signup_fields(&ctx, "", &errors),
        role: "consumer".into(),
        next: safe_next(q.next.as_deref()),
        errors,
    };
    Ok(ctx.render(&page))
}

/// Signs the browser in with `session`, takes its anonymous cart along (a consumer's
/// only) and goes on to `next`, or to the home of the account's role.
async fn signed_in(s: &AppState, mut ctx: Ctx, session: SessionView, next: &str) -> PageResult {
    let Ok(role) = session.user.role.parse::<Role>() else { return Err(ctx.fail(AppError::Unauthorized)) };
    let principal = Principal { user_id: session.user.id, role };
    ctx.sign_in(&session.token, session.expires_at, SignedIn { principal, email: session.user.email.clone() });
    // Opening the cart as the consumer claims it; a cart of someone else is dropped.
    super::cart::current_cart(s, &mut ctx).await?;
    let target = match (next, role) {
        ("/", Role::Merchant) => MERCHANT_HOME,
        ("/", Role::Operator) => OPERATOR_HOME,
        (next, _) => next,
    };
    Ok(ctx.redirect(target))
}

pub async fn login(State(s): State<AppState>, form: PageForm<Credentials>) -> PageResult {
    let PageForm { ctx, data } = form;
    let next = safe_next(data.next.as_deref());
    let email = data.email.clone().unwrap_or_default();
    match s.app.login(LoginInput { email: data.email, password: data.password }).await {
        Ok(session) => signed_in(&s, ctx, session, &next).await,
        Err(error) => {
            let errors = match error {
                // Which of the two was wrong is not said (the app does not say either).
                AppError::Unauthorized => FormErrors::general(ctx.t("auth-wrong-credentials")),
                other => FormErrors::from_app(&ctx, other)?,
            };
            let page = LoginPage { c: &ctx, fields: login_fields(&ctx, &email, &errors), next, errors };
            Ok(ctx.render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

pub async fn signup(State(s): State<AppState>, form: PageForm<Credentials>) -> PageResult {
    let PageForm { ctx, data } = form;
    let next = safe_next(data.next.as_deref());
    let email = data.email.clone().unwrap_or_default();
    let role = data.role.clone().unwrap_or_else(|| "consumer".into());
    let input = SignupInput { email: data.email, password: data.password, role: Some(role.clone()) };
    match s.app.signup(input).await {
        Ok(session) => signed_in(&s, ctx, session, &next).await,
        Err(error) => {
            let errors = FormErrors::from_app(&ctx, error)?;
            let page = SignupPage { c: &ctx, fields: signup_fields(&ctx, &email, &errors), role, next, errors };
            Ok(ctx.render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

#[derive(Deserialize)]
pub struct Empty {}

/// Ends the session (in the database, so the token is dead everywhere) and forgets it
/// and the cart in this browser.
pub async fn logout(State(s): State<AppState>, form: PageForm<Empty>) -> PageResult {
    let mut ctx = form.ctx;
    if let Some(token) = ctx.session_token().map(str::to_string)
        && let Err(error) = s.app.logout(&token).await
    {
        return Err(ctx.fail(error));
    }
    ctx.sign_out();
    Ok(ctx.redirect("/"))
}
