//! The operator console (`/operator/…`): the platform staff's pages, English by
//! default and complete in Chinese. Every handler starts with
//! `ctx.require_operator()` (sign-in for a visitor, a 403 page for anyone else), then
//! calls one gateway-app use case, which checks the role again.
//!
//! - [`overview`] — what waits: merchants to approve, orders per status, the FX rate
//!   and the freight tariff in force.
//! - [`merchants`] — merchants by status with their profiles; approve, reject,
//!   suspend, reinstate.
//! - [`fx`] — the USD→CNY rate.
//! - [`tax`] — the tax-class table; saving a class re-runs its products' listing check.
//! - [`freight`] — the freight tariff.
//! - [`positive_list`] — the CBEC positive list; a change re-runs the listing check
//!   of the products its line covers.
//! - [`export_ready`] — the merchants' export-ready checklist in aggregate.
//! - [`scenarios`] — tariff scenarios: the catalog re-priced under a what-if rule.
//! - [`events`] — events: create one, check people in, registrations by state.
//! - [`orders`] — every order, newest first, by status; an order's page, with the
//!   actions an operator may take (confirm delivery, return).

pub mod events;
pub mod export_ready;
pub mod freight;
pub mod fx;
pub mod merchants;
pub mod orders;
pub mod overview;
pub mod positive_list;
pub mod scenarios;
pub mod tax;

use super::context::Ctx;
use crate::AppState;
use axum::Router;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// The console's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/operator", get(overview::show))
        .route("/operator/merchants", get(merchants::list))
        .route("/operator/merchants/{id}", get(merchants::show))
        .route("/operator/merchants/{id}/{action}", post(merchants::decide))
        .route("/operator/orders", get(orders::list))
        .route("/operator/orders/{id}", get(orders::show))
        .route("/operator/orders/{id}/{action}", post(orders::act))
        .route("/operator/fx", get(fx::form).post(fx::submit))
        .route("/operator/tax-classes", get(tax::list))
        .route("/operator/tax-classes/{code}", get(tax::form).post(tax::submit))
        .route("/operator/freight", get(freight::form).post(freight::submit))
        .route("/operator/positive-list", get(positive_list::list).post(positive_list::submit))
        .route("/operator/positive-list/{prefix}/delete", post(positive_list::remove))
        .route("/operator/scenarios", get(scenarios::form).post(scenarios::submit))
        .route("/operator/export-ready", get(export_ready::show))
        .route("/operator/events", get(events::list).post(events::create))
        .route("/operator/events/{id}", get(events::show))
        .route("/operator/events/{id}/check-in", post(events::check_in))
}

/// A time as the console shows it: UTC, to the minute (operators work across time
/// zones; the storefront shows China time to shoppers).
pub fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A merchant status, translated.
pub fn merchant_status(ctx: &Ctx, code: &str) -> String {
    ctx.t_dynamic(&format!("op-merchant-status-{code}"), "op-status-other")
}

/// An order status, translated (the storefront's words).
pub fn order_status(ctx: &Ctx, code: &str) -> String {
    ctx.t_dynamic(&format!("order-status-{code}"), "order-status-other")
}

/// The last 8 characters of an id, for the eye (the full id is in the link).
pub fn short_id(id: &str) -> String {
    let start = id.len().saturating_sub(8);
    id.get(start..).unwrap_or(id).to_string()
}

/// The query parameters of a page, the first value of each: read by hand so that a
/// repeated or malformed parameter is ignored rather than refused before the page
/// can answer.
pub fn query_params(query: Option<&str>) -> std::collections::HashMap<String, String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default();
    let mut params = std::collections::HashMap::new();
    for (key, value) in pairs {
        params.entry(key).or_insert(value);
    }
    params
}

/// `path` with `key=value` added to its query.
pub fn with_param(path: &str, key: &str, value: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}{key}={}", super::forms::encode(value))
}

/// A `next` target inside the console, or the console's first page.
pub fn console_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/operator") && !n.contains("//") && !n.contains('\\') => n.to_string(),
        _ => "/operator".to_string(),
    }
}

/// The form of a console action's button (merchants' decisions, orders' actions): the
/// console page to come back to.
#[derive(Deserialize)]
pub struct ActionForm {
    pub next: Option<String>,
}

/// After a console action: back to the page the form was on (`next`), with the
/// outcome (`done=`) for that page to say. Every action of the console ends this way.
pub fn back_with_done(ctx: &Ctx, next: Option<&str>, done: &str) -> Response {
    ctx.redirect(&with_param(&console_next(next), "done", done))
}

/// A choice among statuses, as a row of links with counts.
pub struct Tab {
    pub href: String,
    pub label: String,
    pub count: Option<i64>,
    pub current: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_and_utc_times() {
        assert_eq!(short_id("0190f000-0000-7000-8000-000000000abc"), "00000abc");
        assert_eq!(short_id("abc"), "abc");
        let at = DateTime::from_timestamp(1_773_500_966, 0).unwrap();
        assert_eq!(utc(at), "2026-03-14 15:09 UTC");
    }

    /// The keys the console builds at run time exist in both languages.
    #[test]
    fn keys_built_at_run_time_exist() {
        use super::super::i18n::{Locale, has};
        use gateway_core::merchant::{Fulfilment, MerchantAction, MerchantKind, MerchantStatus};
        use gateway_core::order::OrderAction;
        use gateway_core::product::{LISTING_PROBLEM_CODES, ProductStatus};
        let mut keys: Vec<String> = Vec::new();
        keys.extend(MerchantStatus::CODES.iter().map(|c| format!("op-merchant-status-{c}")));
        keys.extend(MerchantKind::CODES.iter().map(|c| format!("op-kind-{c}")));
        keys.extend(Fulfilment::CODES.iter().map(|c| format!("op-fulfilment-{c}")));
        keys.extend(ProductStatus::CODES.iter().map(|c| format!("op-product-status-{c}")));
        for action in MerchantAction::CODES {
            keys.push(format!("op-action-{action}"));
            keys.push(format!("op-done-{action}"));
        }
        keys.extend([OrderAction::Deliver, OrderAction::Return].iter().map(|a| format!("op-order-done-{a}")));
        keys.extend(LISTING_PROBLEM_CODES.iter().map(|c| format!("op-listing-{c}")));
        keys.push("problem-fx_rate_missing".into());
        // The fields of the console's forms, by the app's error paths.
        for field in [
            "rate",
            "name-en",
            "name-zh",
            "vat_rate",
            "consumption_tax_rate",
            "mfn_duty_rate",
            "consumption_tax_threshold-per_g_or_ml",
            "consumption_tax_threshold-per_piece",
            "direct_first_500g",
            "direct_each_further_500g",
            "bonded_flat",
            "hs_prefix",
            "annual_cap_g",
            "description-en",
            "description-zh",
            "extra_class",
            "extra_points",
            "fx_rate",
            "single_limit",
        ] {
            keys.push(format!("err-field-{field}"));
        }
        for locale in Locale::ALL {
            for key in &keys {
                assert!(has(locale, key), "{} has no {key}", locale.tag());
            }
        }
    }

    #[test]
    fn params_next_and_links() {
        let p = query_params(Some("status=pending&status=active&x"));
        assert_eq!(p.get("status").map(String::as_str), Some("pending"));
        assert_eq!(console_next(Some("/operator/merchants?status=pending")), "/operator/merchants?status=pending");
        assert_eq!(console_next(Some("/orders")), "/operator");
        assert_eq!(console_next(Some("/operator//evil")), "/operator");
        assert_eq!(console_next(None), "/operator");
        assert_eq!(
            with_param("/operator/merchants?status=pending", "done", "approve"),
            "/operator/merchants?status=pending&done=approve"
        );
        assert_eq!(with_param("/operator/fx", "saved", "1"), "/operator/fx?saved=1");
    }
}
