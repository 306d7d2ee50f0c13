//! Every order for the operator, newest first, by status; and an order's page with
//! everything customs and support ask about (lines, amounts, the rate it was priced
//! at, the address, carrier and tracking, the payment), and the two actions SPEC 6
//! gives an operator: confirm delivery of a shipped order, return a delivered one.

use super::console::{ActionForm, Tab, back_with_done, with_param};
use crate::AppState;
use crate::extract::path_id;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::{self, OrPage};
use crate::ui::forms::{FormErrors, PageForm};
use crate::ui::shared::format::{short_id, utc};
use crate::ui::shared::names::order_status;
use crate::ui::shared::orders_view::{self, Amounts};
use crate::ui::shared::url::query_params;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use gateway_app::AppError;
use gateway_app::admin::OrderListQuery;
use gateway_app::orders::OrderView;
use gateway_core::OrderId;
use gateway_core::order::{OrderAction, OrderStatus};

/// Orders a list page shows at once.
const PAGE_SIZE: u32 = 25;

pub struct OrderRow {
    pub id: String,
    pub short_id: String,
    pub created: String,
    pub merchant_id: String,
    pub merchant: String,
    pub status_code: &'static str,
    pub status: String,
    pub items: i64,
    pub total: String,
}

#[derive(Template)]
#[template(path = "operator/orders.html")]
pub struct OrdersPage<'a> {
    pub c: &'a Ctx,
    pub tabs: Vec<Tab>,
    pub orders: Vec<OrderRow>,
    pub next: Option<String>,
    pub filtered: bool,
}

pub async fn list(State(s): State<AppState>, ctx: Ctx, RawQuery(query): RawQuery) -> PageResult {
    let who = ctx.require_operator()?;
    let params = query_params(query.as_deref());
    let status = params.get("status").cloned().filter(|s| !s.is_empty());
    if status.as_deref().is_some_and(|s| OrderStatus::parse(s).is_err()) {
        return Err(errors::page(&ctx, StatusCode::NOT_FOUND, "error-not-found"));
    }
    let base = match &status {
        Some(st) => format!("/operator/orders?status={st}"),
        None => "/operator/orders".to_string(),
    };
    let q = OrderListQuery { status: status.clone(), limit: Some(PAGE_SIZE), cursor: params.get("cursor").cloned() };
    let page = match s.app.all_orders(who, &q).await {
        Ok(page) => page,
        // A cursor that is not one of this list's: the list from its start.
        Err(AppError::Validation(_)) => return Ok(ctx.redirect(&base)),
        Err(other) => return Err(ctx.fail(other)),
    };
    let counts = s.app.operator_overview(who).await.or_page(&ctx)?.orders;
    let all: i64 = counts.iter().map(|c| c.count).sum();
    let mut tabs = vec![Tab {
        href: "/operator/orders".into(),
        label: ctx.t("op-orders-all"),
        count: Some(all),
        current: status.is_none(),
    }];
    tabs.extend(counts.iter().map(|c| Tab {
        href: format!("/operator/orders?status={}", c.status),
        label: order_status(&ctx, c.status),
        count: Some(c.count),
        current: status.as_deref() == Some(c.status),
    }));
    // The merchants' English names (the console is English first; the names are their own).
    let names = orders_view::merchant_names(&s, &ctx, &page.items, |n| n.en.clone()).await?;
    let orders = page
        .items
        .iter()
        .map(|o| OrderRow {
            id: o.id.clone(),
            short_id: short_id(&o.id),
            created: utc(o.created_at),
            merchant_id: o.merchant_id.clone(),
            merchant: names.get(&o.merchant_id).cloned().unwrap_or_default(),
            status_code: o.status,
            status: order_status(&ctx, o.status),
            items: o.lines.iter().map(|l| l.quantity).sum(),
            total: o.amounts.total.clone(),
        })
        .collect();
    let next = page.next.map(|n| with_param(&base, "cursor", &n));
    Ok(ctx.render(&OrdersPage { c: &ctx, tabs, orders, next, filtered: status.is_some() }))
}

pub struct LineRow {
    pub product_id: String,
    pub sku: String,
    pub title: String,
    pub title_zh: Option<String>,
    pub quantity: i64,
    pub unit_usd: String,
    pub unit_cny: String,
    pub goods: String,
    pub tax: String,
}

#[derive(Template)]
#[template(path = "operator/order.html")]
pub struct OrderPage<'a> {
    pub c: &'a Ctx,
    pub o: OrderView,
    pub short_id: String,
    pub merchant: String,
    pub status: String,
    pub created: String,
    pub shipped: Option<String>,
    pub delivered: Option<String>,
    pub closed: Option<String>,
    pub lines: Vec<LineRow>,
    pub p: Amounts,
    pub can_deliver: bool,
    pub can_return: bool,
    pub here: String,
    pub done: Option<String>,
    pub errors: FormErrors,
}

async fn render(
    s: &AppState,
    ctx: &Ctx,
    id: OrderId,
    done: Option<String>,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let who = ctx.require_operator()?;
    let o = s.app.view_order(who, id).await.or_page(ctx)?;
    let names = orders_view::merchant_names(s, ctx, std::slice::from_ref(&o), |n| n.en.clone()).await?;
    // Fen sums of a line's three taxes, for the lines table.
    let tax_of = |duty: &str, ct: &str, vat: &str| -> String {
        let fen = |t: &str| gateway_core::Cny::parse(t).map(|c| c.minor()).unwrap_or(0);
        gateway_core::Cny::from_minor(fen(duty) + fen(ct) + fen(vat)).to_string()
    };
    let page = OrderPage {
        c: ctx,
        short_id: short_id(&o.id),
        merchant: names.get(&o.merchant_id).cloned().unwrap_or_default(),
        status: order_status(ctx, o.status),
        created: utc(o.created_at),
        shipped: o.shipped_at.map(utc),
        delivered: o.delivered_at.map(utc),
        closed: o.closed_at.map(utc),
        lines: o
            .lines
            .iter()
            .map(|l| LineRow {
                product_id: l.product_id.clone(),
                sku: l.sku.clone(),
                title: l.title.en.clone(),
                title_zh: l.title.zh.clone(),
                quantity: l.quantity,
                unit_usd: l.unit_price_usd.clone(),
                unit_cny: l.unit_price_cny.clone(),
                goods: l.goods.clone(),
                tax: tax_of(&l.duty, &l.consumption_tax, &l.vat),
            })
            .collect(),
        p: Amounts::of_order(&o),
        // What SPEC 6 lets an operator do from each state (the app decides).
        can_deliver: o.status == "shipped",
        can_return: o.status == "delivered",
        here: format!("/operator/orders/{id}"),
        o,
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
    let id: OrderId = errors::page_id(&ctx, &id)?;
    let done = query_params(query.as_deref())
        .get("done")
        .map(|action| ctx.t_dynamic(&format!("op-order-done-{action}"), "op-done-other"));
    render(&s, &ctx, id, done, FormErrors::default(), StatusCode::OK).await
}

/// Confirm delivery or return, on the operator's side of SPEC 6.
pub async fn act(
    State(s): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    form: PageForm<ActionForm>,
) -> PageResult {
    let ctx = form.ctx;
    let who = ctx.require_operator()?.clone();
    let action = OrderAction::parse_among(&action, &[OrderAction::Deliver, OrderAction::Return]);
    let (Ok(id), Some(action)) = (path_id::<OrderId>(&id, "order"), action) else {
        return Err(errors::page(&ctx, StatusCode::NOT_FOUND, "error-not-found"));
    };
    match s.app.act_on_order(&who, id, action, None).await {
        Ok(_) => Ok(back_with_done(&ctx, form.data.next.as_deref(), action.as_str())),
        Err(error) => {
            let errors = FormErrors::from_app(&ctx, error)?;
            render(&s, &ctx, id, None, errors, StatusCode::CONFLICT).await
        }
    }
}
