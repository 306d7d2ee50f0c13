//! The consumer's orders: the list (newest first) and each order with its status,
//! carrier and tracking number, and the actions its status allows.

use crate::AppState;
use crate::extract::path_id;
use crate::ui::context::{Ctx, PageResult, Text};
use crate::ui::errors::{self, OrPage};
use crate::ui::forms::{FormErrors, PageForm};
use crate::ui::shared::format::short_id;
use crate::ui::shared::names::name;
use crate::ui::shared::orders_view::Amounts;
use crate::ui::shared::orders_view::{self, BuyerLine};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset, Utc};
use gateway_app::orders::OrderView;
use gateway_app::pagination::PageQuery;
use gateway_core::OrderId;
use gateway_core::order::OrderAction;
use serde::Deserialize;

/// Orders a page lists at once.
const PAGE_SIZE: u32 = 20;

/// An order as the pages show it.
pub struct OrderSummary {
    pub id: String,
    /// The first 8 characters of the id, for the eye.
    pub short_id: String,
    pub merchant: Text,
    pub status_code: &'static str,
    pub status: String,
    pub created: String,
    pub lines: Vec<BuyerLine>,
    pub amounts: Amounts,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub address: String,
    pub recipient: String,
    pub can_cancel: bool,
    pub can_confirm: bool,
    pub can_return: bool,
}

/// China time, as the buyer reads it.
fn local_time(at: DateTime<Utc>) -> String {
    let cst = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!());
    at.with_timezone(&cst).format("%Y-%m-%d %H:%M").to_string()
}

impl OrderSummary {
    fn new(ctx: &Ctx, o: &OrderView, merchant: Text) -> Self {
        let status_code = o.status;
        let a = &o.address;
        OrderSummary {
            id: o.id.clone(),
            short_id: short_id(&o.id),
            merchant,
            status_code,
            status: ctx.t_dynamic(&format!("order-status-{status_code}"), "order-status-other"),
            created: local_time(o.created_at),
            lines: o
                .lines
                .iter()
                .map(|l| BuyerLine::new(ctx, &l.product_id, &l.title, l.quantity, &l.unit_price_cny, &l.goods))
                .collect(),
            amounts: Amounts::of_order(o),
            carrier: o.carrier.clone(),
            tracking_no: o.tracking_no.clone(),
            address: format!("{} {} {} {} {}", a.province, a.city, a.district, a.street, a.postal_code),
            recipient: format!("{} {}", a.recipient, a.phone),
            // What the order's state machine allows the buyer (gateway-core has the
            // final word when the button is pressed).
            can_cancel: status_code == "paid",
            can_confirm: status_code == "shipped",
            can_return: status_code == "delivered",
        }
    }
}

#[derive(Template)]
#[template(path = "storefront/orders.html")]
pub struct OrdersPage<'a> {
    pub c: &'a Ctx,
    pub orders: Vec<OrderSummary>,
    pub placed: Option<usize>,
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    pub cursor: Option<String>,
    pub placed: Option<usize>,
}

pub async fn list(State(s): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> PageResult {
    let who = ctx.require_consumer()?;
    let page = s.app.my_orders(who, &PageQuery { limit: Some(PAGE_SIZE), cursor: q.cursor }).await.or_page(&ctx)?;
    let names = orders_view::merchant_names(&s, &ctx, &page.items, |n| name(&ctx, n)).await?;
    let orders = page
        .items
        .iter()
        .map(|o| {
            let merchant = names.get(&o.merchant_id).cloned().unwrap_or_else(|| ctx.pick("", None));
            OrderSummary::new(&ctx, o, merchant)
        })
        .collect();
    let view = OrdersPage { c: &ctx, orders, placed: q.placed, next: page.next };
    Ok(ctx.render(&view))
}

#[derive(Template)]
#[template(path = "storefront/order.html")]
pub struct OrderPage<'a> {
    pub c: &'a Ctx,
    pub o: OrderSummary,
    pub errors: FormErrors,
}

async fn render(s: &AppState, ctx: &Ctx, id: OrderId, errors: FormErrors, status: StatusCode) -> PageResult {
    let who = ctx.require_consumer()?;
    let order = s.app.view_order(who, id).await.or_page(ctx)?;
    let names = orders_view::merchant_names(s, ctx, std::slice::from_ref(&order), |n| name(ctx, n)).await?;
    let merchant = names.get(&order.merchant_id).cloned().unwrap_or_else(|| ctx.pick("", None));
    let page = OrderPage { c: ctx, o: OrderSummary::new(ctx, &order, merchant), errors };
    Ok(ctx.render_status(status, &page))
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id: OrderId = errors::page_id(&ctx, &id)?;
    render(&s, &ctx, id, FormErrors::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct ActForm {}

/// Cancel, confirm delivery or return: the app decides whether the status allows it.
pub async fn act(
    State(s): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    form: PageForm<ActForm>,
) -> PageResult {
    let ctx = form.ctx;
    let who = ctx.require_consumer()?.clone();
    let (Ok(id), Some(action)) = (
        path_id::<OrderId>(&id, "order"),
        OrderAction::parse_among(&action, &[OrderAction::Cancel, OrderAction::Deliver, OrderAction::Return]),
    ) else {
        return Err(errors::page(&ctx, StatusCode::NOT_FOUND, "error-not-found"));
    };
    match s.app.act_on_order(&who, id, action, None).await {
        Ok(_) => Ok(ctx.redirect(&format!("/orders/{id}"))),
        Err(error) => {
            let errors = FormErrors::from_app(&ctx, error)?;
            render(&s, &ctx, id, errors, StatusCode::CONFLICT).await
        }
    }
}
