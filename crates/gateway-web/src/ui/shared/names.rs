//! Names every area shows: a product's title and a merchant's name in the page's
//! language, a US state's name.

use crate::ui::context::{Ctx, Text};
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

/// An order status, translated (the storefront's words, in every area).
pub fn order_status(ctx: &Ctx, code: &str) -> String {
    ctx.t_dynamic(&format!("order-status-{code}"), "order-status-other")
}
