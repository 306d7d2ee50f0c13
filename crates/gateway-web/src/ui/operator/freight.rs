//! The freight tariff (SPEC 5: "the operator may change these numbers"): direct mail
//! by started 500 g, bonded flat. Quotes and checkouts use a new tariff at once;
//! placed orders keep the freight they were charged.

use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::OrPage;
use crate::ui::forms::{Field, FormErrors, PageForm};
use crate::ui::shared::format::utc;
use crate::ui::shared::url::query_params;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use gateway_app::admin::FreightInput;
use gateway_app::input::DecimalText;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "operator/freight.html")]
pub struct FreightPage<'a> {
    pub c: &'a Ctx,
    /// Direct mail's two fields.
    pub direct: Vec<Field>,
    pub bonded: Field,
    pub updated: String,
    pub saved: bool,
    pub errors: FormErrors,
}

/// The form's values, as typed (CNY).
#[derive(Debug, Default, Deserialize)]
pub struct FreightForm {
    pub direct_first_500g: Option<String>,
    pub direct_each_further_500g: Option<String>,
    pub bonded_flat: Option<String>,
}

async fn render(
    s: &AppState,
    ctx: &Ctx,
    form: Option<FreightForm>,
    saved: bool,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    ctx.require_operator()?;
    let current = s.app.freight().await.or_page(ctx)?;
    let f = form.unwrap_or_else(|| FreightForm {
        direct_first_500g: Some(current.direct_first_500g.clone()),
        direct_each_further_500g: Some(current.direct_each_further_500g.clone()),
        bonded_flat: Some(current.bonded_flat.clone()),
    });
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let direct = vec![
        Field::new("direct_first_500g", ctx.t("op-freight-first"), value(&f.direct_first_500g), &errors)
            .hint(ctx.t("op-freight-first-hint"))
            .inputmode("decimal"),
        Field::new(
            "direct_each_further_500g",
            ctx.t("op-freight-further"),
            value(&f.direct_each_further_500g),
            &errors,
        )
        .hint(ctx.t("op-freight-further-hint"))
        .inputmode("decimal"),
    ];
    let bonded = Field::new("bonded_flat", ctx.t("op-freight-bonded"), value(&f.bonded_flat), &errors)
        .hint(ctx.t("op-freight-bonded-hint"))
        .inputmode("decimal");
    let page = FreightPage { c: ctx, direct, bonded, updated: utc(current.updated_at), saved, errors };
    Ok(ctx.render_status(status, &page))
}

pub async fn form(State(s): State<AppState>, ctx: Ctx, RawQuery(query): RawQuery) -> PageResult {
    let saved = query_params(query.as_deref()).contains_key("saved");
    render(&s, &ctx, None, saved, FormErrors::default(), StatusCode::OK).await
}

pub async fn submit(State(s): State<AppState>, form: PageForm<FreightForm>) -> PageResult {
    let ctx = form.ctx;
    let who = ctx.require_operator()?.clone();
    let amount =
        |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| DecimalText(s.to_string()));
    let input = FreightInput {
        direct_first_500g: amount(&form.data.direct_first_500g),
        direct_each_further_500g: amount(&form.data.direct_each_further_500g),
        bonded_flat: amount(&form.data.bonded_flat),
    };
    match s.app.set_freight(&who, input).await {
        Ok(_) => Ok(ctx.redirect("/operator/freight?saved=1")),
        Err(error) => {
            let errors = FormErrors::from_app(&ctx, error)?;
            render(&s, &ctx, Some(form.data), false, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
