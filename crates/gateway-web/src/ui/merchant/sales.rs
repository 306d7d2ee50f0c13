//! The sales summary in US dollars: totals, by status, by month (the last twelve,
//! UTC) and the best sellers, all computed by gateway-app.

use super::portal::{Chrome, Portal, usd};
use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::OrPage;
use crate::ui::shared::names::order_status;
use askama::Template;
use axum::extract::State;
use gateway_app::sales::{Figures, SalesSummary};

/// A row of one of the summary's tables.
pub struct Row {
    pub label: String,
    pub lang: &'static str,
    pub sub: String,
    pub orders: i64,
    pub units: i64,
    pub goods: String,
    /// Goods value of orders since cancelled or returned (the monthly table only).
    pub closed: String,
}

impl Row {
    fn new(ctx: &Ctx, label: String, f: &Figures) -> Self {
        Row {
            label,
            lang: "",
            sub: String::new(),
            orders: f.orders,
            units: f.units,
            goods: usd(ctx, &f.goods_usd),
            closed: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "merchant/sales.html")]
pub struct SalesPage<'a> {
    pub c: &'a Ctx,
    pub chrome: Chrome,
    pub orders: i64,
    pub standing: String,
    pub standing_orders: i64,
    pub delivered: String,
    pub to_ship: i64,
    pub by_status: Vec<Row>,
    pub by_month: Vec<Row>,
    pub top: Vec<Row>,
}

fn page<'a>(ctx: &'a Ctx, chrome: Chrome, s: &SalesSummary) -> SalesPage<'a> {
    SalesPage {
        c: ctx,
        chrome,
        orders: s.orders,
        standing: usd(ctx, &s.standing.goods_usd),
        standing_orders: s.standing.orders,
        delivered: usd(ctx, &s.delivered.goods_usd),
        to_ship: s.to_ship.orders,
        by_status: s.by_status.iter().map(|f| Row::new(ctx, order_status(ctx, f.status), &f.figures)).collect(),
        by_month: s
            .by_month
            .iter()
            .map(|m| {
                let name = ctx.t_dynamic(&format!("month-{}", m.month), "month-1");
                let label = ctx.t2("sales-month", "name", name, "year", m.year);
                Row { closed: usd(ctx, &m.closed_goods_usd), ..Row::new(ctx, label, &m.standing) }
            })
            .collect(),
        top: s
            .top_products
            .iter()
            .map(|p| Row { lang: "en", sub: p.sku.clone(), ..Row::new(ctx, p.title.en.clone(), &p.figures) })
            .collect(),
    }
}

pub async fn show(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let portal = Portal::load(&s, &ctx).await?;
    let summary = s.app.sales_summary(&portal.who, portal.merchant.id).await.or_page(&ctx)?;
    Ok(ctx.render(&page(&ctx, portal.chrome(&ctx, "/merchant/sales"), &summary)))
}
