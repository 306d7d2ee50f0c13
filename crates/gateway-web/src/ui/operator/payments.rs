//! Payments for the operator (issue 20): newest first, by status, with the
//! provider's reference, and a tab of those that need a person (a late success
//! refunded, a declaration customs refused, a refund the wallet refused), each with
//! its refunds and its declarations to customs.

use super::console::{Tab, with_param};
use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors;
use crate::ui::shared::format::{short_id, utc};
use crate::ui::shared::url::query_params;
use crate::ui::storefront::payment::method_name;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use gateway_app::AppError;
use gateway_app::pagination::PageQuery;
use gateway_app::wallet_payments::PaymentDetailView;
use gateway_core::payment::PaymentStatus;

/// Payments a page shows at once.
const PAGE_SIZE: u32 = 25;

pub struct PaymentRow {
    pub short_id: String,
    pub created: String,
    pub method: String,
    pub status_code: &'static str,
    pub status: String,
    pub amount: String,
    pub refunded: String,
    pub provider_ref: String,
    pub review: Option<String>,
    pub orders: Vec<String>,
    /// "accepted", "refused: CHECK_NOT_PASSED", … one per order.
    pub declarations: Vec<String>,
    pub refunds: Vec<String>,
}

#[derive(Template)]
#[template(path = "operator/payments.html")]
pub struct PaymentsPage<'a> {
    pub c: &'a Ctx,
    pub tabs: Vec<Tab>,
    pub payments: Vec<PaymentRow>,
    pub next: Option<String>,
}

fn row(ctx: &Ctx, p: &PaymentDetailView) -> PaymentRow {
    PaymentRow {
        short_id: short_id(&p.id),
        created: utc(p.created_at),
        method: method_name(ctx, p.method),
        status_code: p.status.as_str(),
        status: ctx.t_dynamic(&format!("payment-status-{}", p.status), "payment-status-other"),
        amount: p.amount.clone(),
        refunded: p.refunded.clone(),
        provider_ref: p.provider_ref.clone().unwrap_or_default(),
        review: p.review.map(|r| ctx.t_dynamic(&format!("op-payment-review-{r}"), "op-status-other")),
        orders: p.order_ids.clone(),
        declarations: p
            .declarations
            .iter()
            .map(|d| match &d.result_code {
                Some(code) => format!("{} ({code})", d.status),
                None => d.status.to_string(),
            })
            .collect(),
        refunds: p.refunds.iter().map(|r| format!("¥{} {} ({})", r.amount, r.status, r.reason)).collect(),
    }
}

pub async fn list(State(s): State<AppState>, ctx: Ctx, RawQuery(query): RawQuery) -> PageResult {
    let who = ctx.require_operator()?;
    let params = query_params(query.as_deref());
    let status = params.get("status").cloned().filter(|s| !s.is_empty());
    if status.as_deref().is_some_and(|s| PaymentStatus::parse(s).is_err()) {
        return Err(errors::page(&ctx, StatusCode::NOT_FOUND, "error-not-found"));
    }
    let review = params.get("review").is_some_and(|v| v == "true");
    let base = match (&status, review) {
        (_, true) => "/operator/payments?review=true".to_string(),
        (Some(st), false) => format!("/operator/payments?status={st}"),
        (None, false) => "/operator/payments".to_string(),
    };
    let page = PageQuery { limit: Some(PAGE_SIZE), cursor: params.get("cursor").cloned() };
    let found = match s.app.list_payments(who, status.as_deref(), review, &page).await {
        Ok(found) => found,
        // A cursor that is not one of this list's: the list from its start.
        Err(AppError::Validation(_)) => return Ok(ctx.redirect(&base)),
        Err(other) => return Err(ctx.fail(other)),
    };
    let tab = |href: String, label: String, current: bool| Tab { href, label, count: None, current };
    let mut tabs = vec![
        tab("/operator/payments".into(), ctx.t("op-payments-all"), status.is_none() && !review),
        tab("/operator/payments?review=true".into(), ctx.t("op-payments-review"), review),
    ];
    tabs.extend(PaymentStatus::ALL.iter().map(|st| {
        let label = ctx.t_dynamic(&format!("payment-status-{st}"), "payment-status-other");
        tab(format!("/operator/payments?status={st}"), label, !review && status.as_deref() == Some(st.as_str()))
    }));
    let payments = found.items.iter().map(|p| row(&ctx, p)).collect();
    let next = found.next.map(|n| with_param(&base, "cursor", &n));
    Ok(ctx.render(&PaymentsPage { c: &ctx, tabs, payments, next }))
}
