//! The USD→CNY rate (SPEC 2): the one in force, and a form to set a new one. Every
//! price shown from then on uses it; placed orders keep the rate they were priced at.

use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::OrPage;
use crate::ui::forms::{Field, FormErrors, PageForm};
use crate::ui::shared::format::utc;
use crate::ui::shared::url::query_params;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use gateway_app::fx::{FxInput, FxView};
use gateway_app::input::DecimalText;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "operator/fx.html")]
pub struct FxPage<'a> {
    pub c: &'a Ctx,
    pub current: Option<FxView>,
    pub current_at: String,
    pub field: Field,
    pub saved: bool,
    pub errors: FormErrors,
}

async fn render(
    s: &AppState,
    ctx: &Ctx,
    typed: String,
    saved: bool,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    ctx.require_operator()?;
    let current = s.app.current_fx().await.or_page(ctx)?.map(FxView::from);
    let field =
        Field::new("rate", ctx.t("op-fx-rate"), typed, &errors).hint(ctx.t("op-fx-rate-hint")).inputmode("decimal");
    let page = FxPage {
        c: ctx,
        current_at: current.as_ref().map(|f| utc(f.as_of)).unwrap_or_default(),
        current,
        field,
        saved,
        errors,
    };
    Ok(ctx.render_status(status, &page))
}

pub async fn form(State(s): State<AppState>, ctx: Ctx, RawQuery(query): RawQuery) -> PageResult {
    let saved = query_params(query.as_deref()).contains_key("saved");
    render(&s, &ctx, String::new(), saved, FormErrors::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct RateForm {
    pub rate: Option<String>,
}

pub async fn submit(State(s): State<AppState>, form: PageForm<RateForm>) -> PageResult {
    let ctx = form.ctx;
    let who = ctx.require_operator()?.clone();
    let typed = form.data.rate.unwrap_or_default().trim().to_string();
    let input = FxInput { rate: (!typed.is_empty()).then(|| DecimalText(typed.clone())) };
    match s.app.set_fx_rate(&who, input).await {
        Ok(_) => Ok(ctx.redirect("/operator/fx?saved=1")),
        Err(error) => {
            let errors = FormErrors::from_app(&ctx, error)?;
            render(&s, &ctx, typed, false, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
