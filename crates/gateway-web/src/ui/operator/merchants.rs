//! Merchants for the operator: a list by status (the pending ones first, oldest
//! first: a queue), each with the profile an approval is judged on; a merchant's page
//! with its products and latest orders; and the four decisions of SPEC 7's state
//! machine — approve, reject, suspend, reinstate — as buttons where the state allows
//! them (the app has the final word).

use super::console::{ActionForm, Tab, back_with_done, merchant_status};
use crate::AppState;
use crate::extract::path_id;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::{self, OrPage};
use crate::ui::forms::{FormErrors, PageForm};
use crate::ui::shared::format::{short_id, utc};
use crate::ui::shared::names::order_status;
use crate::ui::shared::names::state_name;
use crate::ui::shared::url::query_params;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use gateway_app::AppError;
use gateway_app::merchants::{MerchantListQuery, MerchantView};
use gateway_app::pagination::PageQuery;
use gateway_core::MerchantId;
use gateway_core::merchant::{MerchantAction, MerchantStatus};

/// Merchants a list page shows at once.
const PAGE_SIZE: u32 = 20;
/// Products and orders the merchant's page shows.
const DETAIL_ROWS: u32 = 50;
const RECENT_ORDERS: u32 = 10;

/// One decision an operator may take now.
pub struct Decision {
    pub action: &'static str,
    pub label: String,
    pub primary: bool,
}

/// A merchant as the operator reviews it: every field of the profile.
pub struct MerchantCard {
    pub id: String,
    pub name_en: String,
    pub name_zh: Option<String>,
    pub legal_name: String,
    pub kind: String,
    pub place: String,
    pub zip: String,
    pub employees: String,
    pub exported_before: String,
    pub fulfilment: String,
    pub food_registration: Option<String>,
    pub story_en: Option<String>,
    pub story_zh: Option<String>,
    pub status_code: &'static str,
    pub status: String,
    pub created: String,
    pub decisions: Vec<Decision>,
}

impl MerchantCard {
    pub fn new(ctx: &Ctx, m: &MerchantView) -> Self {
        let decisions = |list: &[(&'static str, bool)]| {
            list.iter()
                .map(|&(action, primary)| Decision {
                    action,
                    label: ctx.t_dynamic(&format!("op-action-{action}"), "op-action-other"),
                    primary,
                })
                .collect()
        };
        MerchantCard {
            id: m.id.to_string(),
            name_en: m.display_name.en.clone(),
            name_zh: m.display_name.zh.clone(),
            legal_name: m.legal_name.clone(),
            kind: ctx.t_dynamic(&format!("op-kind-{}", m.kind), "op-status-other"),
            place: format!("{}, {} ({})", m.city, state_name(ctx, m.state), m.state),
            zip: m.zip.clone().unwrap_or_default(),
            employees: m.employees.map(|n| n.to_string()).unwrap_or_default(),
            exported_before: ctx.t(if m.exported_before == Some(true) { "op-yes" } else { "op-no" }),
            fulfilment: ctx.t_dynamic(&format!("op-fulfilment-{}", m.fulfilment), "op-status-other"),
            food_registration: m.food_registration_no.clone().flatten(),
            story_en: m.story.as_ref().map(|s| s.en.clone()),
            story_zh: m.story.as_ref().and_then(|s| s.zh.clone()),
            status_code: m.status,
            status: merchant_status(ctx, m.status),
            created: utc(m.created_at),
            // What SPEC 7's state machine allows from each state.
            decisions: match m.status {
                "pending" => decisions(&[("approve", true), ("reject", false)]),
                "active" => decisions(&[("suspend", false)]),
                "suspended" => decisions(&[("reinstate", true)]),
                _ => Vec::new(),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "operator/merchants.html")]
pub struct MerchantsPage<'a> {
    pub c: &'a Ctx,
    pub tabs: Vec<Tab>,
    pub status: String,
    pub merchants: Vec<MerchantCard>,
    pub next: Option<String>,
    /// This list's own address (the forms come back to it).
    pub here: String,
    pub done: Option<String>,
    pub errors: FormErrors,
}

/// The flash message after a decision.
fn done_message(ctx: &Ctx, done: Option<&String>) -> Option<String> {
    done.map(|action| ctx.t_dynamic(&format!("op-done-{action}"), "op-done-other"))
}

pub async fn list(State(s): State<AppState>, ctx: Ctx, RawQuery(query): RawQuery) -> PageResult {
    let who = ctx.require_operator()?;
    let params = query_params(query.as_deref());
    let status = params.get("status").cloned().unwrap_or_else(|| "pending".to_string());
    if MerchantStatus::parse(&status).is_err() {
        return Err(errors::page(&ctx, StatusCode::NOT_FOUND, "error-not-found"));
    }
    let cursor = params.get("cursor").cloned();
    let q = MerchantListQuery { status: Some(status.clone()), limit: Some(PAGE_SIZE), cursor: cursor.clone() };
    let page = match s.app.list_merchants(who, &q).await {
        Ok(page) => page,
        // A cursor from another list, or edited: the list from its start.
        Err(AppError::Validation(_)) => {
            return Ok(ctx.redirect(&format!("/operator/merchants?status={status}")));
        }
        Err(other) => return Err(ctx.fail(other)),
    };
    let counts = s.app.operator_overview(who).await.or_page(&ctx)?.merchants;
    let tabs = counts
        .iter()
        .map(|m| Tab {
            href: format!("/operator/merchants?status={}", m.status),
            label: merchant_status(&ctx, m.status),
            count: Some(m.count),
            current: m.status == status,
        })
        .collect();
    let here = match &cursor {
        Some(c) => format!("/operator/merchants?status={status}&cursor={c}"),
        None => format!("/operator/merchants?status={status}"),
    };
    let view = MerchantsPage {
        c: &ctx,
        tabs,
        merchants: page.items.iter().map(|m| MerchantCard::new(&ctx, m)).collect(),
        next: page.next.map(|n| format!("/operator/merchants?status={status}&cursor={n}")),
        here,
        done: done_message(&ctx, params.get("done")),
        status,
        errors: FormErrors::default(),
    };
    Ok(ctx.render(&view))
}

pub struct ProductRow {
    pub sku: String,
    pub title: String,
    pub class: String,
    pub price_usd: String,
    pub price_cny: Option<String>,
    pub stock: i64,
    pub status_code: &'static str,
    pub status: String,
    pub problems: Vec<String>,
    pub for_sale: bool,
    pub id: String,
}

pub struct OrderRow {
    pub id: String,
    pub short_id: String,
    pub created: String,
    pub status_code: &'static str,
    pub status: String,
    pub total: String,
}

#[derive(Template)]
#[template(path = "operator/merchant.html")]
pub struct MerchantPage<'a> {
    pub c: &'a Ctx,
    pub m: MerchantCard,
    pub here: String,
    pub products: Vec<ProductRow>,
    pub more_products: bool,
    pub orders: Vec<OrderRow>,
    pub done: Option<String>,
    pub errors: FormErrors,
}

async fn render_merchant(
    s: &AppState,
    ctx: &Ctx,
    id: MerchantId,
    done: Option<String>,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let who = ctx.require_operator()?;
    let merchant = s.app.view_merchant(Some(who), id).await.or_page(ctx)?;
    let products =
        s.app.list_merchant_products(Some(who), id, &PageQuery { limit: Some(DETAIL_ROWS), cursor: None }).await;
    let products = products.or_page(ctx)?;
    let orders = s.app.merchant_orders(who, id, &PageQuery { limit: Some(RECENT_ORDERS), cursor: None }).await;
    let orders = orders.or_page(ctx)?;
    let page = MerchantPage {
        c: ctx,
        m: MerchantCard::new(ctx, &merchant),
        here: format!("/operator/merchants/{id}"),
        more_products: products.next.is_some(),
        products: products
            .items
            .iter()
            .map(|p| ProductRow {
                id: p.id.clone(),
                sku: p.sku.clone(),
                title: p.title.en.clone(),
                class: p.tax_class.clone(),
                price_usd: p.price_usd.clone(),
                price_cny: p.price_cny.clone(),
                stock: p.stock,
                status_code: p.status,
                status: ctx.t_dynamic(&format!("op-product-status-{}", p.status), "op-status-other"),
                problems: p
                    .problems
                    .iter()
                    .map(|pr| ctx.t_dynamic(&format!("op-listing-{}", pr.code), "op-listing-other"))
                    .collect(),
                for_sale: p.for_sale,
            })
            .collect(),
        orders: orders
            .items
            .iter()
            .map(|o| OrderRow {
                id: o.id.clone(),
                short_id: short_id(&o.id),
                created: utc(o.created_at),
                status_code: o.status,
                status: order_status(ctx, o.status),
                total: o.amounts.total.clone(),
            })
            .collect(),
        done,
        errors,
    };
    Ok(ctx.render_status(status, &page))
}

pub async fn show(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> PageResult {
    let id: MerchantId = errors::page_id(&ctx, &id)?;
    let done = done_message(&ctx, query_params(query.as_deref()).get("done"));
    render_merchant(&s, &ctx, id, done, FormErrors::default(), StatusCode::OK).await
}

/// Approve, reject, suspend or reinstate; back to the page the form was on, with
/// the outcome. A decision the merchant's state no longer allows (another operator
/// was quicker) shows the merchant's page with the explanation.
pub async fn decide(
    State(s): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    form: PageForm<ActionForm>,
) -> PageResult {
    let ctx = form.ctx;
    let who = ctx.require_operator()?.clone();
    let action = MerchantAction::parse(&action).ok();
    let (Ok(id), Some(action)) = (path_id::<MerchantId>(&id, "merchant"), action) else {
        return Err(errors::page(&ctx, StatusCode::NOT_FOUND, "error-not-found"));
    };
    match s.app.act_on_merchant(&who, id, action).await {
        Ok(_) => Ok(back_with_done(&ctx, form.data.next.as_deref(), action.as_str())),
        Err(AppError::InvalidTransition(_)) => {
            let errors = FormErrors::general(ctx.t("op-err-merchant-transition"));
            render_merchant(&s, &ctx, id, None, errors, StatusCode::CONFLICT).await
        }
        Err(other) => Err(ctx.fail(other)),
    }
}
