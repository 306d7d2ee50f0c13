//! The consumer's identity (SPEC 4): real name, resident ID number, phone. Customs
//! declares each import in the buyer's name; once saved, the number is shown masked.

use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::forms::{Field, FormErrors, PageForm};
use crate::ui::shared::url::safe_next;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use gateway_app::AppError;
use gateway_app::identity::{IdentityInput, IdentityView};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "storefront/identity.html")]
pub struct IdentityPage<'a> {
    pub c: &'a Ctx,
    pub saved: Option<IdentityView>,
    pub just_saved: bool,
    pub fields: Vec<Field>,
    pub next: String,
    pub errors: FormErrors,
}

fn fields(ctx: &Ctx, real_name: String, id_number: String, phone: String, errors: &FormErrors) -> Vec<Field> {
    vec![
        Field::new("real_name", ctx.t("identity-real-name"), real_name, errors)
            .hint(ctx.t("identity-real-name-hint"))
            .autocomplete("name"),
        Field::new("id_number", ctx.t("identity-id-number"), id_number, errors)
            .hint(ctx.t("identity-id-number-hint"))
            .autocomplete("off"),
        Field::new("phone", ctx.t("identity-phone"), phone, errors)
            .hint(ctx.t("identity-phone-hint"))
            .kind("tel")
            .autocomplete("tel")
            .inputmode("numeric"),
    ]
}

#[derive(Deserialize)]
pub struct IdentityQuery {
    pub next: Option<String>,
    pub saved: Option<String>,
}

async fn saved(s: &AppState, ctx: &Ctx) -> Result<Option<IdentityView>, axum::response::Response> {
    let Some(who) = ctx.principal() else { return Ok(None) };
    match s.app.my_identity(who).await {
        Ok(view) => Ok(Some(view)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(other) => Err(ctx.fail(other)),
    }
}

pub async fn form(State(s): State<AppState>, ctx: Ctx, Query(q): Query<IdentityQuery>) -> PageResult {
    ctx.require_consumer()?;
    let saved = saved(&s, &ctx).await?;
    let real_name = saved.as_ref().map(|v| v.real_name.clone()).unwrap_or_default();
    let phone = saved.as_ref().map(|v| v.phone.clone()).unwrap_or_default();
    let errors = FormErrors::default();
    let page = IdentityPage {
        c: &ctx,
        fields: fields(&ctx, real_name, String::new(), phone, &errors),
        saved,
        just_saved: q.saved.is_some(),
        next: safe_next(q.next.as_deref()),
        errors,
    };
    Ok(ctx.render(&page))
}

#[derive(Deserialize)]
pub struct IdentityForm {
    pub real_name: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub next: Option<String>,
}

pub async fn submit(State(s): State<AppState>, form: PageForm<IdentityForm>) -> PageResult {
    let PageForm { ctx, data } = form;
    ctx.require_consumer()?;
    let Some(who) = ctx.principal() else { return Err(ctx.login_redirect()) };
    let next = safe_next(data.next.as_deref());
    let input = IdentityInput {
        real_name: data.real_name.clone(),
        id_number: data.id_number.clone(),
        phone: data.phone.clone(),
    };
    match s.app.put_identity(who, input).await {
        Ok(_) if next != "/" => Ok(ctx.redirect(&next)),
        Ok(_) => Ok(ctx.redirect("/account/identity?saved=1")),
        Err(error) => {
            let errors = FormErrors::from_app(&ctx, error)?;
            let page = IdentityPage {
                c: &ctx,
                saved: saved(&s, &ctx).await?,
                just_saved: false,
                fields: fields(
                    &ctx,
                    data.real_name.unwrap_or_default(),
                    data.id_number.unwrap_or_default(),
                    data.phone.unwrap_or_default(),
                    &errors,
                ),
                next,
                errors,
            };
            Ok(ctx.render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}
