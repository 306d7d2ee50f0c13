//! What the order pages of the three areas share — the storefront's cart and orders
//! (the buyer's), the merchant portal's and the operator console's: the amounts table,
//! a buyer's line, the merchants' names. The areas were written side by side and each
//! had grown its own copy of these; they read the same gateway-app views, so they are
//! built once here and an area keeps only what it shows differently.

use crate::AppState;
use crate::ui::context::{Ctx, OrPage, Text};
use crate::ui::storefront::title;
use axum::response::Response;
use gateway_app::carts::QuoteOrderView;
use gateway_app::merchants::DisplayNameView;
use gateway_app::orders::OrderView;
use gateway_app::products::TextView;
use gateway_core::MerchantId;
use std::collections::HashMap;

/// The amounts of one order (a quote's, an order's or the landed price of one unit),
/// for the breakdown tables.
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

/// The quote's and the order's amounts are two gateway-app types with the same field
/// names (`QuoteOrderView`, `OrderView`): one body reads either.
macro_rules! amounts_of {
    ($o:expr) => {
        Amounts {
            goods: $o.goods.clone(),
            freight: $o.freight.clone(),
            duty: $o.duty.clone(),
            consumption_tax: $o.consumption_tax.clone(),
            vat: $o.vat.clone(),
            tax: $o.tax.clone(),
            total: $o.total.clone(),
            full_tax: $o.regime == "cbec_full_tax",
        }
    };
}

impl Amounts {
    pub fn of_quote(o: &QuoteOrderView) -> Self {
        amounts_of!(o)
    }

    pub fn of_order(o: &OrderView) -> Self {
        amounts_of!(o)
    }
}

/// A line as the buyer sees it, in the cart and in an order: the title in the page's
/// language and the prices in yuan.
pub struct BuyerLine {
    pub product_id: String,
    pub title: Text,
    pub quantity: i64,
    pub unit_price: String,
    pub goods: String,
}

impl BuyerLine {
    /// From a quote's or an order's line (two gateway-app types, the same fields).
    pub fn new(ctx: &Ctx, product_id: &str, t: &TextView, quantity: i64, unit_price_cny: &str, goods: &str) -> Self {
        BuyerLine {
            product_id: product_id.to_string(),
            title: title(ctx, t),
            quantity,
            unit_price: unit_price_cny.to_string(),
            goods: goods.to_string(),
        }
    }
}

/// The merchants' names of `orders`, looked up once per merchant; `name` picks the
/// name an area shows (the buyer's language in the storefront, English in the
/// console).
pub async fn merchant_names<T>(
    s: &AppState,
    ctx: &Ctx,
    orders: &[OrderView],
    name: impl Fn(&DisplayNameView) -> T,
) -> Result<HashMap<String, T>, Response> {
    let mut names = HashMap::new();
    for o in orders {
        if names.contains_key(&o.merchant_id) {
            continue;
        }
        let Ok(id) = o.merchant_id.parse::<MerchantId>() else { continue };
        let m = s.app.view_merchant(None, id).await.or_page(ctx)?;
        names.insert(o.merchant_id.clone(), name(&m.display_name));
    }
    Ok(names)
}
