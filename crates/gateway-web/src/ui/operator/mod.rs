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

pub mod console;
pub mod events;
pub mod export_ready;
pub mod freight;
pub mod fx;
pub mod merchants;
pub mod orders;
pub mod overview;
pub mod payments;
pub mod positive_list;
pub mod scenarios;
pub mod tax;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

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
        .route("/operator/payments", get(payments::list))
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
