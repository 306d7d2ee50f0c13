//! The merchant's orders: by status, the ones to ship first (oldest first), each with
//! its lines, its goods value in US dollars and the buyer's delivery address as the
//! order has it; shipping one (carrier and tracking number) and cancelling one that
//! has not shipped.

use super::portal::{Chrome, Portal, usd};
use super::widgets::blank_is_required;
use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::{self, OrPage};
use crate::ui::forms::{FormErrors, PageForm};
use crate::ui::shared::format::{short_id, utc};
use crate::ui::shared::names::order_status;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use gateway_app::AppError;
use gateway_app::merchant_portal::MerchantOrderView;
use gateway_app::orders::{AddressView, ShipInput};
use gateway_app::pagination::PageQuery;
use gateway_core::OrderId;
use gateway_core::order::{OrderAction, OrderStatus};
use serde::Deserialize;

/// Orders a page lists at once.
const PAGE_SIZE: u32 = 20;

pub struct Line {
    pub sku: String,
    pub title_en: String,
    pub title_zh: Option<String>,
    pub quantity: i64,
    pub unit_usd: String,
}

/// An order as the portal shows it.
pub struct OrderCard {
    pub id: String,
    pub short_id: String,
    pub status_code: &'static str,
    pub status: String,
    pub placed: String,
    pub lines: Vec<Line>,
    pub units: i64,
    pub goods_usd: String,
    /// What the buyer paid in all: goods, freight and import taxes.
    pub buyer_total_cny: String,
    pub fx_rate: String,
    /// Where the buyer wants the parcel, as they wrote it at checkout (in Chinese).
    pub ship_to: AddressView,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub shipped: Option<String>,
    /// What the order's state machine allows its merchant (gateway-core has the final
    /// word when the button is pressed).
    pub can_ship: bool,
    pub can_cancel: bool,
}

impl OrderCard {
    fn new(ctx: &Ctx, m: &MerchantOrderView) -> Self {
        let o = &m.order;
        OrderCard {
            id: o.id.clone(),
            short_id: short_id(&o.id),
            status_code: o.status,
            status: order_status(ctx, o.status),
            placed: utc(o.created_at),
            lines: o
                .lines
                .iter()
                .map(|l| Line {
                    sku: l.sku.clone(),
                    title_en: l.title.en.clone(),
                    title_zh: l.title.zh.clone(),
                    quantity: l.quantity,
                    unit_usd: usd(ctx, &l.unit_price_usd),
                })
                .collect(),
            units: m.units,
            goods_usd: usd(ctx, &m.goods_usd),
            buyer_total_cny: o.amounts.total.clone(),
            fx_rate: o.fx_rate.clone(),
            ship_to: o.address.clone(),
            carrier: o.carrier.clone(),
            tracking_no: o.tracking_no.clone(),
            shipped: o.shipped_at.map(utc),
            can_ship: o.status == OrderStatus::Paid.as_str(),
            can_cancel: o.status == OrderStatus::Paid.as_str(),
        }
    }
}

/// One status's tab, with how many orders it holds.
pub struct Tab {
    pub status: &'static str,
    pub label: String,
    pub count: i64,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "merchant/orders.html")]
pub struct OrdersPage<'a> {
    pub c: &'a Ctx,
    pub chrome: Chrome,
    pub tabs: Vec<Tab>,
    pub status: &'static str,
    pub heading: String,
    pub none: String,
    pub orders: Vec<OrderCard>,
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    pub status: Option<String>,
    pub cursor: Option<String>,
}

pub async fn list(State(s): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> PageResult {
    let portal = Portal::load(&s, &ctx).await?;
    let wanted = q.status.as_deref().unwrap_or("paid");
    let Some(&status) = OrderStatus::CODES.iter().find(|c| **c == wanted) else {
        return Err(errors::page(&ctx, StatusCode::NOT_FOUND, "error-not-found"));
    };
    let counts = s.app.order_counts(&portal.who, portal.merchant.id).await.or_page(&ctx)?;
    let page = s
        .app
        .merchant_orders_in_status(
            &portal.who,
            portal.merchant.id,
            status,
            &PageQuery { limit: Some(PAGE_SIZE), cursor: q.cursor },
        )
        .await
        .or_page(&ctx)?;
    let tabs = counts
        .iter()
        .map(|c| Tab {
            status: c.status,
            label: ctx.t_dynamic(&format!("orders-tab-{}", c.status), "order-status-other"),
            count: c.orders,
            current: c.status == status,
        })
        .collect();
    let view = OrdersPage {
        c: &ctx,
        chrome: portal.chrome(&ctx, "/merchant/orders"),
        tabs,
        status,
        heading: ctx.t_dynamic(&format!("orders-tab-{status}"), "order-status-other"),
        none: ctx.t_dynamic(&format!("orders-none-{status}"), "orders-none-paid"),
        orders: page.items.iter().map(|o| OrderCard::new(&ctx, o)).collect(),
        next: page.next,
    };
    Ok(ctx.render(&view))
}

#[derive(Template)]
#[template(path = "merchant/order.html")]
pub struct OrderPage<'a> {
    pub c: &'a Ctx,
    pub chrome: Chrome,
    pub o: OrderCard,
    pub carrier: String,
    pub tracking_no: String,
    pub notice: Option<String>,
    pub errors: FormErrors,
}

struct Shown<'f> {
    carrier: &'f str,
    tracking_no: &'f str,
    notice: Option<String>,
}

async fn render(
    s: &AppState,
    ctx: &Ctx,
    portal: &Portal,
    id: OrderId,
    shown: Shown<'_>,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let order = s.app.merchant_order(&portal.who, id).await.or_page(ctx)?;
    let page = OrderPage {
        c: ctx,
        chrome: portal.chrome(ctx, "/merchant/orders"),
        o: OrderCard::new(ctx, &order),
        carrier: shown.carrier.to_string(),
        tracking_no: shown.tracking_no.to_string(),
        notice: shown.notice,
        errors,
    };
    Ok(ctx.render_status(status, &page))
}

#[derive(Deserialize)]
pub struct ShowQuery {
    /// `shipped` or `cancelled`, after that action.
    pub done: Option<String>,
}

pub async fn show(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let portal = Portal::load(&s, &ctx).await?;
    let id = errors::page_id(&ctx, &id)?;
    let notice = match q.done.as_deref() {
        Some("shipped") => Some(ctx.t("order-shipped-notice")),
        Some("cancelled") => Some(ctx.t("order-cancelled-notice")),
        _ => None,
    };
    let shown = Shown { carrier: "", tracking_no: "", notice };
    render(&s, &ctx, &portal, id, shown, FormErrors::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct ShipForm {
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
}

/// The status an order's page answers with when an action on it was refused.
fn refused_status(errors: &FormErrors) -> StatusCode {
    if errors.fields.is_empty() { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY }
}

pub async fn ship(State(s): State<AppState>, Path(id): Path<String>, form: PageForm<ShipForm>) -> PageResult {
    let PageForm { ctx, data } = form;
    let portal = Portal::load(&s, &ctx).await?;
    let id = errors::page_id(&ctx, &id)?;
    let input = ShipInput { carrier: data.carrier.clone(), tracking_no: data.tracking_no.clone() };
    match s.app.act_on_order(&portal.who, id, OrderAction::Ship, Some(input)).await {
        Ok(_) => Ok(ctx.redirect(&format!("/merchant/orders/{id}?done=shipped"))),
        Err(error) => {
            let mut errors = FormErrors::from_app(&ctx, error)?;
            let submitted = [("carrier", data.carrier.as_deref()), ("tracking_no", data.tracking_no.as_deref())];
            blank_is_required(&ctx, &mut errors, &submitted);
            let shown = Shown {
                carrier: data.carrier.as_deref().unwrap_or_default(),
                tracking_no: data.tracking_no.as_deref().unwrap_or_default(),
                notice: None,
            };
            let status = refused_status(&errors);
            render(&s, &ctx, &portal, id, shown, errors, status).await
        }
    }
}

#[derive(Deserialize)]
pub struct CancelForm {}

pub async fn cancel(State(s): State<AppState>, Path(id): Path<String>, form: PageForm<CancelForm>) -> PageResult {
    let ctx = form.ctx;
    let portal = Portal::load(&s, &ctx).await?;
    let id = errors::page_id(&ctx, &id)?;
    match s.app.act_on_order(&portal.who, id, OrderAction::Cancel, None).await {
        Ok(_) => Ok(ctx.redirect(&format!("/merchant/orders/{id}?done=cancelled"))),
        Err(error @ (AppError::Forbidden(_) | AppError::NotFound(_))) => Err(ctx.fail(error)),
        Err(error) => {
            let errors = FormErrors::from_app(&ctx, error)?;
            let shown = Shown { carrier: "", tracking_no: "", notice: None };
            render(&s, &ctx, &portal, id, shown, errors, StatusCode::CONFLICT).await
        }
    }
}
