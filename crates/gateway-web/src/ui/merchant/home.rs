//! The portal's front door: for visitors, what selling through Gateway means and the
//! way in (a merchant account); for a merchant, the business's approval status, what
//! happens next, and the orders waiting to ship.

use super::portal::{Chrome, Portal, merchant_status};
use crate::AppState;
use crate::ui::context::{Ctx, PageResult, SignedIn};
use crate::ui::errors::OrPage;
use crate::ui::forms::{Field, FormErrors, PageForm, signup_fields};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use gateway_app::Principal;
use gateway_app::auth::SignupInput;
use gateway_core::user::Role;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "merchant/landing.html")]
pub struct LandingPage<'a> {
    pub c: &'a Ctx,
}

#[derive(Template)]
#[template(path = "merchant/home.html")]
pub struct HomePage<'a> {
    pub c: &'a Ctx,
    pub chrome: Chrome,
    /// pending, active, rejected or suspended.
    pub status_code: &'static str,
    pub status: String,
    /// What happens next, for this status.
    pub next_steps: String,
    pub to_ship: i64,
    pub notice: Option<String>,
    /// The profile lacks the food registration number (food classes need it).
    pub no_food_registration: bool,
    /// The Decree 248 checklist's progress, for farms and merchants with food
    /// products.
    pub food_readiness: Option<FoodProgress>,
}

/// The Decree 248 checklist's progress on the home page.
pub struct FoodProgress {
    /// "N of M steps done", or an invitation when no product is food yet.
    pub text: String,
    pub ready: bool,
}

#[derive(Deserialize)]
pub struct HomeQuery {
    /// `created` or `saved` after the profile form.
    pub profile: Option<String>,
}

pub async fn home(State(s): State<AppState>, ctx: Ctx, Query(q): Query<HomeQuery>) -> PageResult {
    if ctx.user.is_none() {
        return Ok(ctx.render(&LandingPage { c: &ctx }));
    }
    let portal = Portal::load(&s, &ctx).await?;
    let counts = s.app.order_counts(&portal.who, portal.merchant.id).await.or_page(&ctx)?;
    let to_ship = counts.iter().find(|c| c.status == "paid").map_or(0, |c| c.orders);
    let status_code = portal.merchant.status;
    let food = s.app.food_readiness(&portal.who, portal.merchant.id).await.or_page(&ctx)?;
    let food_readiness = (food.applies || food.kind == "farm").then(|| FoodProgress {
        text: if food.applies {
            ctx.t2("portal-food-readiness", "done", food.done, "applicable", food.applicable)
        } else {
            ctx.t("portal-food-readiness-none")
        },
        ready: food.applies && food.ready,
    });
    let notice = match q.profile.as_deref() {
        Some("created") => Some(ctx.t("profile-created")),
        Some("saved") => Some(ctx.t("profile-saved")),
        _ => None,
    };
    let page = HomePage {
        c: &ctx,
        chrome: portal.chrome(&ctx, "/merchant"),
        status_code,
        status: merchant_status(&ctx, status_code),
        next_steps: ctx.t_dynamic(&format!("portal-next-{status_code}"), "portal-next-pending"),
        to_ship,
        notice,
        no_food_registration: matches!(portal.merchant.food_registration_no, Some(None)),
        food_readiness,
    };
    Ok(ctx.render(&page))
}

#[derive(Template)]
#[template(path = "merchant/signup.html")]
pub struct SignupPage<'a> {
    pub c: &'a Ctx,
    pub fields: Vec<Field>,
    pub errors: FormErrors,
}

pub async fn signup_form(ctx: Ctx) -> PageResult {
    if ctx.user.as_ref().is_some_and(SignedIn::is_merchant) {
        return Ok(ctx.redirect("/merchant"));
    }
    let errors = FormErrors::default();
    Ok(ctx.render(&SignupPage { c: &ctx, fields: signup_fields(&ctx, "", &errors), errors }))
}

#[derive(Deserialize)]
pub struct SignupForm {
    pub email: Option<String>,
    pub password: Option<String>,
}

/// Creates a merchant account, signs it in, and goes on to the business profile.
pub async fn signup(State(s): State<AppState>, form: PageForm<SignupForm>) -> PageResult {
    let PageForm { mut ctx, data } = form;
    let email = data.email.clone().unwrap_or_default();
    let input = SignupInput { email: data.email, password: data.password, role: Some(Role::Merchant.as_str().into()) };
    match s.app.signup(input).await {
        Ok(session) => {
            let principal = Principal { user_id: session.user.id, role: Role::Merchant };
            ctx.sign_in(&session.token, session.expires_at, SignedIn { principal, email: session.user.email });
            Ok(ctx.redirect("/merchant/profile"))
        }
        Err(error) => {
            let errors = FormErrors::from_app(&ctx, error)?;
            let page = SignupPage { c: &ctx, fields: signup_fields(&ctx, &email, &errors), errors };
            Ok(ctx.render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}
