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
use gateway_app::carts::QuoteOrderView;
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

/// The amounts of one order (a quote's or the landed price of one unit), for the
/// breakdown tables.
#[derive(Debug, Clone)]
pub struct Amounts {
    pub goods: String,
    pub freight: String,
    pub duty: String,
    pub consumption_tax: String,
    pub vat: String,
    pub tax: String,
    pub total: String,
    /// The full-tax regime of a single item above 5,000 CNY.
    pub full_tax: bool,
}

impl Amounts {
    pub fn of_quote(o: &QuoteOrderView) -> Self {
        Amounts {
            goods: o.goods.clone(),
            freight: o.freight.clone(),
            duty: o.duty.clone(),
            consumption_tax: o.consumption_tax.clone(),
            vat: o.vat.clone(),
            tax: o.tax.clone(),
            total: o.total.clone(),
            full_tax: o.regime == "cbec_full_tax",
        }
    }
}
