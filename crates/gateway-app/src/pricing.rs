//! Pricing a cart: one order per merchant, freight by weight (SPEC 5), the CBEC tax
//! (SPEC 3) and the limits, with every problem listed rather than failing. Quotes
//! show the result; checkout charges it.

use crate::identity::quota_year;
use crate::{App, AppError, AppResult, ErrorCode};
use gateway_core::freight::freight;
use gateway_core::positive_list::capped_grams;
use gateway_core::product::NetContent;
use gateway_core::tax::{
    ANNUAL_LIMIT, LimitError, LineInput, OrderTax, Regime, TaxRates, compute_order_tax, decide_regime,
};
use gateway_core::{Cny, FxRate, MerchantId};
use gateway_store::{Cart, IdentityRecord, Merchant, Product, WeightCharge};
use std::collections::HashMap;

/// One problem that stops a checkout, as the quote lists it.
// Published as `QuoteProblem`: the schema `Problem` is the error body's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = QuoteProblem)]
pub struct Problem {
    #[schema(inline)]
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// For annual_limit_exceeded: what the buyer may still import this year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining: Option<String>,
    /// For weight_cap_exceeded: the grams the buyer may still import this year under
    /// the capped positive-list line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining_g: Option<i64>,
}

impl Problem {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Problem { code, message: message.into(), product_id: None, remaining: None, remaining_g: None }
    }
}

pub struct PricedLine {
    pub product: Product,
    pub quantity: i64,
    pub unit_price: Cny,
}

pub struct PricedOrder {
    pub merchant: Merchant,
    pub regime: Regime,
    pub lines: Vec<PricedLine>,
    pub tax: OrderTax,
    pub weight_g: i64,
    /// What the order counts against the buyer's yearly weight caps.
    pub weight_charges: Vec<WeightCharge>,
}

pub struct PricedCart {
    /// None when the operator has set no rate yet: nothing can be priced.
    pub fx: Option<FxRate>,
    pub orders: Vec<PricedOrder>,
    pub total: Cny,
    pub problems: Vec<Problem>,
}

impl App {
    /// Prices `cart` for `buyer` (whose annual quota counts; None before identity
    /// verification, which is then itself a problem).
    pub(crate) async fn price_cart(&self, cart: &Cart, buyer: Option<&IdentityRecord>) -> AppResult<PricedCart> {
        let mut problems = Vec::new();
        let fx = self.current_fx().await?.map(|q| q.rate);
        let ids: Vec<_> = cart.items.iter().map(|i| i.product_id).collect();
        let mut products: HashMap<_, _> =
            self.store.products_by_ids(&ids).await?.into_iter().map(|p| (p.id, p)).collect();
        let classes: HashMap<String, TaxRates> =
            self.tax_table().await?.iter().map(|c| (c.code.clone(), TaxRates::from(c))).collect();
        let rates = self.freight_table().await?;
        let mut used = match buyer {
            Some(identity) => self.store.quota_used(&identity.id_number_hash, quota_year()).await?,
            None => {
                problems.push(Problem::new(ErrorCode::IdentityRequired, "verify your identity before checking out"));
                Cny::ZERO
            }
        };
        // What the buyer may still import this year, before this checkout.
        let remaining_before = Cny::from_minor((ANNUAL_LIMIT.minor() - used.minor()).max(0));
        let Some(fx) = fx else {
            problems.push(Problem::new(ErrorCode::NotForSale, "prices are not available yet: no exchange rate is set"));
            return Ok(PricedCart { fx, orders: Vec::new(), total: Cny::ZERO, problems });
        };

        // Lines grouped by merchant, in the order the shopper added them.
        let mut groups: Vec<(MerchantId, Vec<PricedLine>)> = Vec::new();
        for item in &cart.items {
            let Some(product) = products.remove(&item.product_id) else { continue };
            let id = product.id.to_string();
            if !product.for_sale() {
                problems.push(Problem {
                    product_id: Some(id.clone()),
                    ..Problem::new(ErrorCode::NotForSale, format!("{} is not for sale", product.fields.title_en))
                });
            } else if item.quantity > product.fields.stock {
                problems.push(Problem {
                    product_id: Some(id.clone()),
                    ..Problem::new(
                        ErrorCode::OutOfStock,
                        format!("only {} of {} left", product.fields.stock, product.fields.title_en),
                    )
                });
            }
            let line = PricedLine { unit_price: fx.convert(product.fields.price), quantity: item.quantity, product };
            match groups.iter_mut().find(|(m, _)| *m == line.product.merchant_id) {
                Some((_, lines)) => lines.push(line),
                None => groups.push((line.product.merchant_id, vec![line])),
            }
        }

        let merchant_ids: Vec<MerchantId> = groups.iter().map(|(m, _)| *m).collect();
        let mut merchants: HashMap<MerchantId, Merchant> =
            self.store.merchants_by_ids(&merchant_ids).await?.into_iter().map(|m| (m.id, m)).collect();
        let mut orders = Vec::new();
        let mut total = Cny::ZERO;
        for (merchant_id, lines) in groups {
            let merchant = merchants.remove(&merchant_id).ok_or(AppError::NotFound("merchant"))?;
            let weight_g: i64 = lines.iter().map(|l| l.product.fields.weight_g * l.quantity).sum();
            let freight_fen = freight(&rates, merchant.profile.fulfilment, weight_g);
            let inputs: Vec<LineInput> = lines
                .iter()
                .map(|l| LineInput {
                    goods: Cny::from_minor(l.unit_price.minor() * l.quantity),
                    quantity: l.quantity,
                    net_content: NetContent {
                        milli: l.product.fields.net_content_milli,
                        unit: l.product.fields.net_content_unit,
                    },
                    rates: classes.get(&l.product.fields.tax_class).cloned().unwrap_or(TaxRates {
                        vat_ppm: 0,
                        ct_ppm: 0,
                        ct_threshold: None,
                        mfn_duty_ppm: 0,
                    }),
                })
                .collect();
            let goods: i64 = inputs.iter().map(|l| l.goods.minor()).sum();
            let dutiable = Cny::from_minor(goods + freight_fen.minor());
            let single_item = lines.len() == 1 && lines[0].quantity == 1;
            let regime = match decide_regime(dutiable, single_item, used) {
                Ok(regime) => regime,
                Err(LimitError::SingleLimitExceeded { dutiable }) => {
                    problems.push(Problem::new(
                        ErrorCode::SingleLimitExceeded,
                        format!(
                            "the order from {} is {dutiable} CNY with freight: above the 5,000.00 CNY single-order limit; split it or remove items",
                            merchant.profile.display_name_en
                        ),
                    ));
                    Regime::Cbec
                }
                Err(LimitError::AnnualLimitExceeded { .. }) => {
                    let remaining = remaining_before;
                    problems.push(Problem {
                        remaining: Some(remaining.to_string()),
                        ..Problem::new(
                            ErrorCode::AnnualLimitExceeded,
                            format!(
                                "this would pass your 26,000.00 CNY annual limit: {remaining} CNY remain this year"
                            ),
                        )
                    });
                    Regime::Cbec
                }
            };
            used = Cny::from_minor(used.minor() + dutiable.minor());
            let tax = compute_order_tax(&inputs, freight_fen, regime);
            total = Cny::from_minor(total.minor() + tax.total.minor());
            let weight_charges = weight_charges(&lines);
            orders.push(PricedOrder { merchant, regime, lines, tax, weight_g, weight_charges });
        }
        if let Some(identity) = buyer {
            self.check_weight_caps(identity, &orders, &mut problems).await?;
        }
        // One annual-limit problem is enough, with what really remains.
        if problems.iter().filter(|p| p.code == ErrorCode::AnnualLimitExceeded).count() > 1 {
            let mut seen = false;
            problems.retain(|p| p.code != ErrorCode::AnnualLimitExceeded || !std::mem::replace(&mut seen, true));
        }
        Ok(PricedCart { fx: Some(fx), orders, total, problems })
    }

    /// Lists a problem for each yearly weight cap the cart would pass. Reads the
    /// buyer's usage only when the cart holds capped goods (rare), so an ordinary
    /// quote costs no query more. Checkout charges the caps again, conditionally.
    async fn check_weight_caps(
        &self,
        buyer: &IdentityRecord,
        orders: &[PricedOrder],
        problems: &mut Vec<Problem>,
    ) -> AppResult<()> {
        let wanted = WeightCharge::merge(orders.iter().flat_map(|o| o.weight_charges.iter().cloned()));
        if wanted.is_empty() {
            return Ok(());
        }
        let used = self.store.weight_cap_used(&buyer.id_number_hash, quota_year()).await?;
        for charge in wanted {
            let already = used.iter().find(|(prefix, _)| *prefix == charge.hs_prefix).map_or(0, |(_, g)| *g);
            if already + charge.grams > charge.cap_g {
                let remaining_g = (charge.cap_g - already).max(0);
                problems.push(Problem {
                    remaining_g: Some(remaining_g),
                    ..Problem::new(
                        ErrorCode::WeightCapExceeded,
                        format!(
                            "goods under HS {} are capped at {} g per person a year: {remaining_g} g remain and the cart holds {} g",
                            charge.hs_prefix, charge.cap_g, charge.grams
                        ),
                    )
                });
            }
        }
        Ok(())
    }
}

/// An order's grams under each capped positive-list line.
fn weight_charges(lines: &[PricedLine]) -> Vec<WeightCharge> {
    WeightCharge::merge(lines.iter().filter_map(|l| {
        let f = &l.product.fields;
        let cap = f.annual_cap.as_ref()?;
        let net = NetContent { milli: f.net_content_milli, unit: f.net_content_unit };
        Some(WeightCharge {
            hs_prefix: cap.hs_prefix.clone(),
            grams: capped_grams(net, f.weight_g) * l.quantity,
            cap_g: cap.grams,
        })
    }))
}
