//! The storefront: home, search, product, cart, identity, checkout, orders, sign-in,
//! and a business buyer's sourcing requests. Chinese by default; every handler takes
//! the page context, calls gateway-app, renders.

pub mod auth;
pub mod cart;
pub mod checkout;
pub mod home;
pub mod identity;
pub mod orders;
pub mod payment;
pub mod product;
pub mod search;
pub mod sourcing;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The storefront's pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/products/{id}", get(product::product))
        .route("/search", get(search::search))
        .route("/class/{code}", get(search::class))
        .route("/state/{code}", get(search::state))
        .route("/cart", get(cart::show))
        .route("/cart/items", post(cart::add))
        .route("/cart/items/{product_id}", post(cart::update))
        .route("/checkout", get(checkout::form).post(checkout::submit))
        .route("/account/identity", get(identity::form).post(identity::submit))
        .route("/orders", get(orders::list))
        .route("/orders/{id}", get(orders::show))
        .route("/orders/{id}/{action}", post(orders::act))
        .route("/payments/{id}", get(payment::show))
        .route("/sandbox-wallet/{session}", get(payment::sandbox_wallet))
        .route("/sandbox-wallet/{session}/{press}", post(payment::sandbox_wallet_press))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/signup", get(auth::signup_form).post(auth::signup))
        .route("/logout", post(auth::logout))
        .route("/sourcing", get(sourcing::buyer_page))
        .route("/sourcing/profile", post(sourcing::buyer_profile))
        .route("/sourcing/requests", post(sourcing::buyer_post))
        .route("/sourcing/{id}", get(sourcing::buyer_request))
        .route("/sourcing/{id}/close", post(sourcing::buyer_close))
        .route("/sourcing/{id}/threads/{merchant}", get(sourcing::buyer_thread))
        .route("/sourcing/{id}/threads/{merchant}/messages", post(sourcing::buyer_message))
        .route("/sourcing/{id}/threads/{merchant}/accept", post(sourcing::buyer_accept))
}
