//! The merchant portal, under `/merchant` (English by default): sign-up, the
//! business profile and its approval status, products with the listing check, the
//! orders to ship, and the sales summary in US dollars. Every handler takes the page
//! context, finds the signed-in merchant user's business ([`portal::Portal::load`]), calls
//! one gateway-app function and renders.

pub mod academy;
pub mod export_ready;
pub mod food_readiness;
pub mod headcount;
pub mod home;
pub mod import;
pub mod orders;
pub mod portal;
pub mod product_form;
pub mod products;
pub mod profile;
pub mod sales;
pub mod sourcing;
pub mod widgets;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The portal's pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/merchant", get(home::home))
        .route("/merchant/signup", get(home::signup_form).post(home::signup))
        .route("/merchant/profile", get(profile::form).post(profile::submit))
        .route("/merchant/products", get(products::list))
        .route("/merchant/products/new", get(product_form::new_form).post(product_form::create))
        .route("/merchant/products/{id}", get(product_form::edit_form).post(product_form::update))
        .route("/merchant/products/{id}/status", post(products::set_status))
        .route("/merchant/orders", get(orders::list))
        .route("/merchant/orders/{id}", get(orders::show))
        .route("/merchant/orders/{id}/ship", post(orders::ship))
        .route("/merchant/orders/{id}/cancel", post(orders::cancel))
        .route("/merchant/sales", get(sales::show))
        .route(food_readiness::PATH, get(food_readiness::show))
        .route(export_ready::PATH, get(export_ready::show))
        .route(academy::PATH, get(academy::show))
        .route("/merchant/food-readiness/{step}", post(food_readiness::confirm))
        .route(
            "/merchant/import",
            get(import::form)
                .post(import::upload)
                // The export is larger than the 1 MiB of other forms.
                .layer(axum::extract::DefaultBodyLimit::max(gateway_app::import::MAX_IMPORT_BYTES + 64 * 1024)),
        )
        .route("/merchant/import/{id}/apply", post(import::apply))
        .route("/merchant/sourcing", get(sourcing::merchant_list))
        .route("/merchant/sourcing/{id}", get(sourcing::merchant_thread))
        .route("/merchant/sourcing/{id}/offer", post(sourcing::merchant_offer))
        .route("/merchant/sourcing/{id}/messages", post(sourcing::merchant_message))
        .route("/merchant/sourcing/{id}/accept", post(sourcing::merchant_accept))
        .route("/merchant/headcount", get(headcount::form).post(headcount::submit))
        .route("/merchant/notifications/read", post(sourcing::merchant_read))
}
