//! The positive list (SPEC 3, 7) as the operator keeps it: every line with its class
//! and remarks, a form that adds or replaces a line, and a button that removes one.
//! Each change re-runs the listing check of the products the line covers at once,
//! and the page says how many changed.

use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::OrPage;
use crate::ui::forms::{Field, FormErrors, PageForm};
use crate::ui::shared::url::query_params;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use gateway_app::input::BilingualInput;
use gateway_app::positive_list::{PositiveListEntryInput, PositiveListEntryView};
use serde::Deserialize;

pub struct LineRow {
    pub prefix: String,
    pub class: String,
    pub description: String,
    pub bonded_only: bool,
    pub cap: Option<String>,
}

#[derive(Template)]
#[template(path = "operator/positive_list.html")]
pub struct PositiveListPage<'a> {
    pub c: &'a Ctx,
    pub lines: Vec<LineRow>,
    pub classes: Vec<String>,
    pub fields: Vec<Field>,
    pub class: String,
    pub bonded_only: bool,
    pub done: Option<String>,
    pub errors: FormErrors,
}

/// The form's values, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct LineForm {
    pub hs_prefix: Option<String>,
    pub tax_class: Option<String>,
    pub bonded_only: Option<String>,
    pub annual_cap_g: Option<String>,
    pub description_en: Option<String>,
    pub description_zh: Option<String>,
}

/// A form with nothing but its CSRF token (the remove buttons).
#[derive(Debug, Default, Deserialize)]
pub struct NoFields {}

fn text(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

impl LineForm {
    /// The app's input, or the cap's own error when it is not a whole number.
    fn input(&self) -> Result<PositiveListEntryInput, ()> {
        let cap = match text(&self.annual_cap_g) {
            None => None,
            Some(g) => Some(g.parse::<i64>().map_err(|_| ())?),
        };
        Ok(PositiveListEntryInput {
            tax_class: text(&self.tax_class),
            bonded_only: Some(self.bonded_only.is_some()),
            annual_cap_g: cap,
            description: Some(BilingualInput { en: text(&self.description_en), zh: text(&self.description_zh) }),
        })
    }
}

fn row(ctx: &Ctx, e: PositiveListEntryView) -> LineRow {
    LineRow {
        prefix: e.hs_prefix,
        class: e.tax_class,
        description: ctx.pick(&e.description.en, e.description.zh.as_deref()).text,
        bonded_only: e.bonded_only,
        cap: e.annual_cap_g.map(|g| ctx.t1("op-pl-cap-value", "grams", g)),
    }
}

async fn render(
    s: &AppState,
    ctx: &Ctx,
    form: Option<LineForm>,
    done: Option<String>,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    ctx.require_operator()?;
    let lines = s.app.positive_list().await.or_page(ctx)?.into_iter().map(|e| row(ctx, e)).collect();
    let classes = s.app.tax_classes().await.or_page(ctx)?.into_iter().map(|c| c.code).collect();
    let f = form.unwrap_or_default();
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let fields = vec![
        Field::new("hs_prefix", ctx.t("op-pl-prefix"), value(&f.hs_prefix), &errors)
            .hint(ctx.t("op-pl-prefix-hint"))
            .inputmode("numeric"),
        Field { required: false, ..Field::new("annual_cap_g", ctx.t("op-pl-cap"), value(&f.annual_cap_g), &errors) }
            .hint(ctx.t("op-pl-cap-hint"))
            .inputmode("numeric"),
        Field::new("description_en", ctx.t("op-pl-description-en"), value(&f.description_en), &errors)
            .error_of(&errors, "description.en"),
        Field::new("description_zh", ctx.t("op-pl-description-zh"), value(&f.description_zh), &errors)
            .error_of(&errors, "description.zh"),
    ];
    let page = PositiveListPage {
        c: ctx,
        lines,
        classes,
        fields,
        class: value(&f.tax_class),
        bonded_only: f.bonded_only.is_some(),
        done,
        errors,
    };
    Ok(ctx.render_status(status, &page))
}

pub async fn list(State(s): State<AppState>, ctx: Ctx, RawQuery(query): RawQuery) -> PageResult {
    let params = query_params(query.as_deref());
    let changed = params.get("changed").and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
    let done = match (params.get("saved"), params.get("removed")) {
        (Some(prefix), _) => Some(ctx.t2("op-pl-saved", "prefix", prefix, "changed", changed)),
        (None, Some(prefix)) => Some(ctx.t2("op-pl-removed", "prefix", prefix, "changed", changed)),
        (None, None) => None,
    };
    render(&s, &ctx, None, done, FormErrors::default(), StatusCode::OK).await
}

pub async fn submit(State(s): State<AppState>, form: PageForm<LineForm>) -> PageResult {
    let ctx = form.ctx;
    let who = ctx.require_operator()?.clone();
    let prefix = text(&form.data.hs_prefix).unwrap_or_default();
    let result = match form.data.input() {
        Ok(input) => s.app.put_positive_list_entry(&who, &prefix, input).await,
        Err(()) => Err(gateway_app::AppError::field("annual_cap_g", "must be a whole number of grams")),
    };
    match result {
        Ok(change) => Ok(ctx.redirect(&format!(
            "/operator/positive-list?saved={}&changed={}",
            crate::ui::shared::url::encode(&prefix),
            change.products_changed
        ))),
        Err(error) => {
            let errors = FormErrors::from_app(&ctx, error)?;
            render(&s, &ctx, Some(form.data), None, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

pub async fn remove(State(s): State<AppState>, Path(prefix): Path<String>, form: PageForm<NoFields>) -> PageResult {
    let ctx = form.ctx;
    let who = ctx.require_operator()?.clone();
    let change = s.app.delete_positive_list_entry(&who, &prefix).await.or_page(&ctx)?;
    Ok(ctx.redirect(&format!(
        "/operator/positive-list?removed={}&changed={}",
        crate::ui::shared::url::encode(&prefix),
        change.products_changed
    )))
}
