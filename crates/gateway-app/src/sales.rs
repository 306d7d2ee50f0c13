//! A merchant's sales summary in US dollars: goods value by order status, by month
//! (the last twelve, UTC), the number of orders, and the best-selling products.
//!
//! Goods value is what the merchant's own prices earned: each order line keeps the
//! USD unit price it was sold at, so the figures do not move with the exchange rate.
//! Freight and Chinese import taxes are the buyer's and are not counted. "Standing"
//! orders are those neither cancelled nor returned: the sales that hold.

use crate::products::TextView;
use crate::{App, AppError, AppResult, Principal};
use chrono::{DateTime, Datelike, TimeZone, Utc};
use gateway_core::order::OrderStatus;
use gateway_core::{MerchantId, Usd};
use gateway_store::{OrderSales, Product, ProductSales, StatusSales};
use serde::Serialize;
use std::collections::HashMap;

/// How many months the monthly table covers, the current one included.
pub const MONTHS: u32 = 12;
/// How many products the best-seller list shows.
pub const TOP_PRODUCTS: u32 = 5;

/// Orders, units and goods value (USD, two places) of some set of orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub orders: i64,
    pub units: i64,
    pub goods_usd: String,
}

impl Figures {
    fn of(orders: i64, units: i64, cents: i64) -> Self {
        Figures { orders, units, goods_usd: Usd::from_minor(cents).to_string() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusFigures {
    /// paid, shipped, delivered, cancelled or returned.
    pub status: &'static str,
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthFigures {
    pub year: i32,
    /// 1–12.
    pub month: u32,
    /// Orders placed that month that still stand.
    pub standing: Figures,
    /// Goods value of the orders placed that month and since cancelled or returned.
    pub closed_goods_usd: String,
}

#[derive(Debug, Serialize)]
pub struct TopProduct {
    pub product_id: String,
    pub sku: String,
    pub title: TextView,
    pub figures: Figures,
}

#[derive(Debug, Serialize)]
pub struct SalesSummary {
    /// Every order ever placed with the merchant.
    pub orders: i64,
    /// Paid, shipped and delivered orders together.
    pub standing: Figures,
    /// Delivered orders: goods that reached their buyers.
    pub delivered: Figures,
    /// Paid orders: still to ship.
    pub to_ship: Figures,
    /// Every status, in the order an order goes through them, zero when none.
    pub by_status: Vec<StatusFigures>,
    /// The last [`MONTHS`] months, newest first, zero when none.
    pub by_month: Vec<MonthFigures>,
    /// Best sellers by goods value over standing orders.
    pub top_products: Vec<TopProduct>,
}

/// The start (UTC) of the month `back` months before the one `now` is in.
fn month_start(now: DateTime<Utc>, back: u32) -> DateTime<Utc> {
    let index = now.year() * 12 + now.month0() as i32 - back as i32;
    let (year, month0) = (index.div_euclid(12), index.rem_euclid(12) as u32);
    Utc.with_ymd_and_hms(year, month0 + 1, 1, 0, 0, 0).single().unwrap_or(now)
}

/// A sale that stands: paid and not given back (an order awaiting its wallet payment
/// is not a sale yet).
fn standing(status: OrderStatus) -> bool {
    matches!(status, OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Delivered)
}

/// The summary from the store's figures; `orders` are those since the start of the
/// first month shown, `products` the records of the best sellers.
fn summarize(
    by_status: &[StatusSales],
    orders: &[OrderSales],
    top: &[ProductSales],
    products: &[Product],
    now: DateTime<Utc>,
) -> SalesSummary {
    let of_status = |s: OrderStatus| by_status.iter().find(|f| f.status == s);
    let figures_of = |s: OrderStatus| {
        of_status(s).map_or(Figures::of(0, 0, 0), |f| Figures::of(f.orders, f.units, f.goods_usd_cents))
    };
    let (mut count, mut units, mut cents) = (0, 0, 0);
    for f in by_status.iter().filter(|f| standing(f.status)) {
        count += f.orders;
        units += f.units;
        cents += f.goods_usd_cents;
    }
    let by_month = (0..MONTHS)
        .map(|back| {
            let start = month_start(now, back);
            let in_month =
                orders.iter().filter(|o| o.created_at.year() == start.year() && o.created_at.month() == start.month());
            let (mut count, mut units, mut cents, mut closed) = (0, 0, 0, 0);
            for o in in_month {
                if standing(o.status) {
                    count += 1;
                    units += o.units;
                    cents += o.goods_usd_cents;
                } else {
                    closed += o.goods_usd_cents;
                }
            }
            MonthFigures {
                year: start.year(),
                month: start.month(),
                standing: Figures::of(count, units, cents),
                closed_goods_usd: Usd::from_minor(closed).to_string(),
            }
        })
        .collect();
    let records: HashMap<_, _> = products.iter().map(|p| (p.id, p)).collect();
    let top_products = top
        .iter()
        .map(|t| {
            let (sku, title) = match records.get(&t.product_id) {
                Some(p) => {
                    (p.fields.sku.clone(), TextView { en: p.fields.title_en.clone(), zh: p.fields.title_zh.clone() })
                }
                None => (String::new(), TextView { en: t.product_id.to_string(), zh: None }),
            };
            TopProduct {
                product_id: t.product_id.to_string(),
                sku,
                title,
                figures: Figures::of(t.orders, t.units, t.goods_usd_cents),
            }
        })
        .collect();
    SalesSummary {
        orders: by_status.iter().map(|f| f.orders).sum(),
        standing: Figures::of(count, units, cents),
        delivered: figures_of(OrderStatus::Delivered),
        to_ship: figures_of(OrderStatus::Paid),
        by_status: OrderStatus::ALL
            .iter()
            .map(|&s| StatusFigures { status: s.as_str(), figures: figures_of(s) })
            .collect(),
        by_month,
        top_products,
    }
}

impl App {
    /// The merchant's sales summary: its owner's or an operator's.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, merchant.id = %merchant))]
    pub async fn sales_summary(&self, who: &Principal, merchant: MerchantId) -> AppResult<SalesSummary> {
        if !crate::merchant_portal::may_see(who, &self.merchant(merchant).await?) {
            return Err(AppError::Forbidden("these sales belong to another merchant"));
        }
        let now = gateway_core::clock::now();
        let by_status = self.store.sales_by_status(merchant).await?;
        let orders = self.store.order_sales_since(merchant, month_start(now, MONTHS - 1)).await?;
        let top = self.store.top_products(merchant, TOP_PRODUCTS).await?;
        let ids: Vec<_> = top.iter().map(|t| t.product_id).collect();
        let products = self.store.products_by_ids(&ids).await?;
        Ok(summarize(&by_status, &orders, &top, &products, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gateway_core::{OrderId, ProductId};

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).single().unwrap()
    }

    #[test]
    fn month_starts_go_back_across_years() {
        let now = at(2026, 2, 15);
        assert_eq!(month_start(now, 0), Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap());
        assert_eq!(month_start(now, 1), Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
        assert_eq!(month_start(now, 2), Utc.with_ymd_and_hms(2025, 12, 1, 0, 0, 0).unwrap());
        assert_eq!(month_start(now, 11), Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap());
        assert_eq!(month_start(now, 26), Utc.with_ymd_and_hms(2023, 12, 1, 0, 0, 0).unwrap());
    }

    fn sale(status: OrderStatus, created_at: DateTime<Utc>, units: i64, cents: i64) -> OrderSales {
        OrderSales { id: OrderId::new(), status, created_at, units, goods_usd_cents: cents }
    }

    #[test]
    fn sums_by_status_month_and_product() {
        let by_status = vec![
            StatusSales { status: OrderStatus::Cancelled, orders: 1, units: 1, goods_usd_cents: 1250 },
            StatusSales { status: OrderStatus::Delivered, orders: 2, units: 5, goods_usd_cents: 6250 },
            StatusSales { status: OrderStatus::Paid, orders: 3, units: 3, goods_usd_cents: 3750 },
        ];
        let orders = vec![
            sale(OrderStatus::Delivered, at(2026, 1, 3), 4, 5000),
            sale(OrderStatus::Paid, at(2026, 2, 1), 1, 1250),
            sale(OrderStatus::Cancelled, at(2026, 2, 2), 1, 1250),
            sale(OrderStatus::Paid, at(2026, 2, 28), 2, 2500),
        ];
        let honey = ProductId::new();
        let gone = ProductId::new();
        let top = vec![
            ProductSales { product_id: honey, orders: 4, units: 7, goods_usd_cents: 8750 },
            ProductSales { product_id: gone, orders: 1, units: 1, goods_usd_cents: 1250 },
        ];
        let s = summarize(&by_status, &orders, &top, &[], at(2026, 2, 28));
        assert_eq!(s.orders, 6);
        assert_eq!(s.standing, Figures { orders: 5, units: 8, goods_usd: "100.00".into() });
        assert_eq!(s.delivered.goods_usd, "62.50");
        assert_eq!(s.to_ship, Figures { orders: 3, units: 3, goods_usd: "37.50".into() });
        let statuses: Vec<_> = s.by_status.iter().map(|f| (f.status, f.figures.orders)).collect();
        assert_eq!(
            statuses,
            [("awaiting_payment", 0), ("paid", 3), ("shipped", 0), ("delivered", 2), ("cancelled", 1), ("returned", 0)],
            "every status, in lifecycle order"
        );
        assert_eq!(s.by_month.len(), MONTHS as usize);
        let feb = &s.by_month[0];
        assert_eq!((feb.year, feb.month), (2026, 2), "the current month first");
        assert_eq!(feb.standing, Figures { orders: 2, units: 3, goods_usd: "37.50".into() });
        assert_eq!(feb.closed_goods_usd, "12.50");
        let jan = &s.by_month[1];
        assert_eq!((jan.year, jan.month, jan.standing.orders), (2026, 1, 1));
        assert_eq!(jan.standing.goods_usd, "50.00");
        let last = &s.by_month[11];
        assert_eq!((last.year, last.month, last.standing.orders), (2025, 3, 0), "empty months are shown as zero");
        assert_eq!(s.top_products.len(), 2);
        assert_eq!(s.top_products[0].figures.goods_usd, "87.50");
        assert_eq!(s.top_products[1].title.en, gone.to_string(), "a product without a record shows its id");
    }
}
