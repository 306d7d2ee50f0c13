//! The storefront: home, product, cart, identity, checkout, orders, sign-in. Chinese
//! by default; every handler takes the page context, calls gateway-app, renders.

pub mod auth;
pub mod cart;
pub mod checkout;
pub mod home;
pub mod identity;
pub mod orders;
pub mod product;
pub mod search;

use super::context::{Ctx, Text};
pub use super::orders_view::Amounts;
use gateway_app::merchants::DisplayNameView;
use gateway_app::products::TextView;

/// A product's title in the page's language (or English, marked as such).
pub fn title(ctx: &Ctx, t: &TextView) -> Text {
    ctx.pick(&t.en, t.zh.as_deref())
}

/// A merchant's display name in the page's language.
pub fn name(ctx: &Ctx, n: &DisplayNameView) -> Text {
    ctx.pick(&n.en, n.zh.as_deref())
}

/// A US state's name, translated (`state-IA`).
pub fn state_name(ctx: &Ctx, code: &str) -> String {
    ctx.t_dynamic(&format!("state-{code}"), "state-unknown")
}
