//! The console's first page: merchants waiting for approval (the daily task), orders
//! per status, and the FX rate and freight tariff in force, each linking on.

use super::console::{Tab, merchant_status};
use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::OrPage;
use crate::ui::shared::format::utc;
use crate::ui::shared::names::order_status;
use askama::Template;
use axum::extract::State;
use gateway_app::admin::FreightView;
use gateway_app::fx::FxView;

#[derive(Template)]
#[template(path = "operator/overview.html")]
pub struct OverviewPage<'a> {
    pub c: &'a Ctx,
    pub pending: i64,
    pub merchants: Vec<Tab>,
    pub orders: Vec<Tab>,
    pub fx: Option<FxView>,
    pub fx_at: String,
    pub freight: FreightView,
}

pub async fn show(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let who = ctx.require_operator()?;
    let o = s.app.operator_overview(who).await.or_page(&ctx)?;
    let pending = o.merchants.iter().find(|m| m.status == "pending").map_or(0, |m| m.count);
    let page = OverviewPage {
        c: &ctx,
        pending,
        merchants: o
            .merchants
            .iter()
            .map(|m| Tab {
                href: format!("/operator/merchants?status={}", m.status),
                label: merchant_status(&ctx, m.status),
                count: Some(m.count),
                current: false,
            })
            .collect(),
        orders: o
            .orders
            .iter()
            .map(|m| Tab {
                href: format!("/operator/orders?status={}", m.status),
                label: order_status(&ctx, m.status),
                count: Some(m.count),
                current: false,
            })
            .collect(),
        fx_at: o.fx.as_ref().map(|f| utc(f.as_of)).unwrap_or_default(),
        fx: o.fx,
        freight: o.freight,
    };
    Ok(ctx.render(&page))
}
