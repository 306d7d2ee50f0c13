//! `/merchant/food-readiness`: the Decree 248 readiness checklist (issue 6). A farm or
//! any merchant with food products sees which products GACC's food registration
//! concerns and through which path, each step with its status, why, what to do and
//! where; the steps only the merchant can vouch for are confirmed with small forms.

use super::portal::{Chrome, Portal};
use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::OrPage;
use crate::ui::forms::PageForm;
use crate::ui::i18n::Locale;
use askama::Template;
use axum::extract::{Path, Query, State};
use gateway_app::food_readiness::{AcknowledgeInput, FoodReadinessView, ReadinessProductView};
use serde::Deserialize;

pub const PATH: &str = "/merchant/food-readiness";

/// A product as a step or the products table shows it.
pub struct ProductRow {
    pub title: String,
    pub sku: String,
    pub hs_code: String,
    /// The category in the page's language, or "other food" / "not food".
    pub group: String,
    /// The recommending authority's name, for a product in the 18 categories.
    pub authority: Option<String>,
    /// The authority is Gateway's reading (casings, egg products): check it.
    pub authority_unconfirmed: bool,
    pub status_code: &'static str,
    pub status: String,
}

pub struct Link {
    pub href: &'static str,
    pub label: String,
}

pub struct StepRow {
    pub id: &'static str,
    pub number: usize,
    pub status_code: &'static str,
    pub status: String,
    pub title: String,
    pub why: String,
    pub todo: String,
    pub products: Vec<ProductRow>,
    pub links: Vec<Link>,
    /// Shows the confirmation form (the step applies and the merchant vouches for it).
    pub confirmable: bool,
    pub confirm_label: String,
    /// When confirmed, its date (UTC).
    pub confirmed_on: Option<String>,
}

#[derive(Template)]
#[template(path = "merchant/food_readiness.html")]
pub struct ReadinessPage<'a> {
    pub c: &'a Ctx,
    pub chrome: Chrome,
    pub ready: bool,
    pub summary: String,
    pub steps: Vec<StepRow>,
    pub products: Vec<ProductRow>,
    pub notice: Option<String>,
}

#[derive(Deserialize)]
pub struct Shown {
    /// `confirmed` or `withdrawn` after a form.
    pub changed: Option<String>,
}

fn product_row(ctx: &Ctx, p: &ReadinessProductView) -> ProductRow {
    let group = match &p.category {
        Some(c) if ctx.locale == Locale::ZhCn => c.name_zh.to_string(),
        Some(c) => c.name_en.to_string(),
        None => ctx.t(&format!("food-class-{}", p.classification)),
    };
    ProductRow {
        title: p.title.clone(),
        sku: p.sku.clone(),
        hs_code: p.hs_code.clone(),
        group,
        authority: p.category.as_ref().map(|c| ctx.t(&format!("food-authority-{}", c.authority))),
        authority_unconfirmed: p.category.as_ref().is_some_and(|c| !c.authority_confirmed),
        status_code: p.status,
        status: super::portal::product_status(ctx, p.status),
    }
}

fn link_label(ctx: &Ctx, href: &str) -> String {
    use gateway_core::food_registration::links;
    let key = match href {
        links::CIFER => "food-link-cifer",
        links::FDA_FACILITY_REGISTRATION => "food-link-fda-facility",
        links::FDA_EXPORT_LISTING => "food-link-fda-elm",
        links::FSIS_CHINA => "food-link-fsis",
        _ => "food-link-profile",
    };
    ctx.t(key)
}

fn page<'a>(ctx: &'a Ctx, portal: &Portal, view: FoodReadinessView, notice: Option<String>) -> ReadinessPage<'a> {
    let rows: Vec<ProductRow> = view.products.iter().map(|p| product_row(ctx, p)).collect();
    let steps = view
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepRow {
            id: s.id,
            number: i + 1,
            status_code: s.status,
            status: ctx.t(&format!("food-status-{}", s.status)),
            title: ctx.t(&format!("food-step-{}", s.id)),
            why: ctx.t(&format!("food-why-{}", s.reason)),
            todo: ctx.t(&format!("food-todo-{}", s.id)),
            products: s
                .products
                .iter()
                .filter_map(|id| view.products.iter().position(|p| &p.id == id))
                .map(|i| product_row(ctx, &view.products[i]))
                .collect(),
            links: s.links.iter().map(|&href| Link { href, label: link_label(ctx, href) }).collect(),
            confirmable: s.acknowledgeable && s.status != "not_applicable" && s.reason != "registration_first",
            confirm_label: ctx.t(&format!("food-confirm-{}", s.id)),
            confirmed_on: s.acknowledged_at.map(|at| at.format("%Y-%m-%d").to_string()),
        })
        .collect();
    let summary = if !view.applies {
        ctx.t("food-summary-none")
    } else if view.ready {
        ctx.t("food-summary-ready")
    } else {
        ctx.t2("food-summary", "done", view.done, "applicable", view.applicable)
    };
    ReadinessPage {
        c: ctx,
        chrome: portal.chrome(ctx, PATH),
        ready: view.ready,
        summary,
        steps,
        products: rows,
        notice,
    }
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, Query(q): Query<Shown>) -> PageResult {
    let portal = Portal::load(&s, &ctx).await?;
    let view = s.app.food_readiness(&portal.who, portal.merchant.id).await.or_page(&ctx)?;
    let notice = match q.changed.as_deref() {
        Some("confirmed") => Some(ctx.t("food-confirmed")),
        Some("withdrawn") => Some(ctx.t("food-withdrawn")),
        _ => None,
    };
    Ok(ctx.render(&page(&ctx, &portal, view, notice)))
}

#[derive(Debug, Default, Deserialize)]
pub struct ConfirmForm {
    /// "true" confirms, "false" withdraws.
    pub confirmed: Option<String>,
}

/// Confirms a step, or withdraws the confirmation, and shows the checklist again.
pub async fn confirm(State(s): State<AppState>, Path(step): Path<String>, form: PageForm<ConfirmForm>) -> PageResult {
    let PageForm { ctx, data } = form;
    let portal = Portal::load(&s, &ctx).await?;
    let confirmed = data.confirmed.as_deref() == Some("true");
    let input = AcknowledgeInput { confirmed: Some(confirmed) };
    s.app.acknowledge_food_step(&portal.who, portal.merchant.id, &step, input).await.or_page(&ctx)?;
    let changed = if confirmed { "confirmed" } else { "withdrawn" };
    Ok(ctx.redirect(&format!("{PATH}?changed={changed}#step-{step}")))
}
