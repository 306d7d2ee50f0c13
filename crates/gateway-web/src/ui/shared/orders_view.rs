//! What the order pages of the three areas share — the storefront's cart and orders
//! (the buyer's), the merchant portal's and the operator console's: the amounts table,
//! a buyer's line, the merchants' names. The areas were written side by side and each
//! had grown its own copy of these; they read the same gateway-app views, so they are
//! built once here and an area keeps only what it shows differently.

use crate::AppState;
use crate::ui::context::{Ctx, Text};
use crate::ui::errors::OrPage;
use crate::ui::shared::names::title;
use axum::response::Response;
use gateway_app::carts::{AmountsView, QuoteOrderView};
use gateway_app::merchants::DisplayNameView;
use gateway_app::orders::OrderView;
use gateway_app::products::TextView;
use gateway_core::MerchantId;
use gateway_core::tax::Regime;
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

impl Amounts {
    pub fn new(a: &AmountsView, full_tax: bool) -> Self {
        Amounts {
            goods: a.goods.clone(),
            freight: a.freight.clone(),
            duty: a.duty.clone(),
            consumption_tax: a.consumption_tax.clone(),
            vat: a.vat.clone(),
            tax: a.tax.clone(),
            total: a.total.clone(),
            full_tax,
        }
    }

    pub fn of_quote(o: &QuoteOrderView) -> Self {
        Self::new(&o.amounts, o.regime == Regime::CbecFullTax)
    }

    pub fn of_order(o: &OrderView) -> Self {
        Self::new(&o.amounts, o.regime == Regime::CbecFullTax.as_str())
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
