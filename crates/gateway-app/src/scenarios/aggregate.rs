//! The aggregates of a scenario, kept in constant memory while the catalog streams
//! past: sums and counts per tax class and overall, a bounded histogram of per-mille
//! changes for the median, and a bounded heap of the largest increases.
//!
//! Pure: no store, no I/O. Amounts are fen, changes parts per million of the price
//! before; nothing passes through a float.

use gateway_core::decimal::{div_round_half_up, format_scaled};
use gateway_core::scenario::Comparison;
use gateway_core::{Cny, ProductId};
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap};

/// The per-mille changes the median histogram tells apart: −100.0% to +1000.0%.
/// Changes beyond are counted at the bound, so the histogram holds at most 11,001
/// buckets whatever the size of the catalog (in practice a few hundred: most
/// products of a class move alike).
pub const PER_MILLE_MIN: i64 = -1_000;
pub const PER_MILLE_MAX: i64 = 10_000;
/// Decimal places of a share ("0.7500").
const SHARE_PLACES: u32 = 4;

/// The relative change from `before` to `after`, in ppm of `before`, rounded half
/// away from zero; 0 when `before` is 0 (nothing to compare with).
pub fn change_ppm(before: Cny, after: Cny) -> i64 {
    relative(before, after, 1_000_000)
}

/// The same change in per mille, held within the histogram's range.
pub fn change_per_mille(before: Cny, after: Cny) -> i64 {
    relative(before, after, 1_000).clamp(PER_MILLE_MIN, PER_MILLE_MAX)
}

fn relative(before: Cny, after: Cny, scale: i128) -> i64 {
    if before.minor() <= 0 {
        return 0;
    }
    let diff = i128::from(after.minor()) - i128::from(before.minor());
    let value = div_round_half_up(diff * scale, i128::from(before.minor()));
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

/// A part of a whole, in ten-thousandths (rounded half-up): the API writes it as a
/// fraction with four places ("0.7500"), the pages as a percentage ("75.00").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Share(i64);

impl Share {
    /// `part` of `whole`; nothing of nothing.
    pub fn of(part: u64, whole: u64) -> Self {
        if whole == 0 {
            return Share(0);
        }
        let scaled = div_round_half_up(i128::from(part) * 10_000, i128::from(whole));
        Share(i64::try_from(scaled).unwrap_or(0))
    }

    /// As a percentage with two decimals: 0.7500 → "75.00".
    pub fn as_percent(self) -> String {
        format_scaled(self.0, 2)
    }
}

impl std::fmt::Display for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_scaled(self.0, SHARE_PLACES))
    }
}

impl serde::Serialize for Share {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The text of [`Share::of`]: a fraction with four places ("0.7500"); "0.0000" of nothing.
pub fn share(part: u64, whole: u64) -> String {
    Share::of(part, whole).to_string()
}

/// ppm as a percentage with two decimals: 91,000 ppm → "9.10".
pub fn ppm_as_percent(ppm: i128) -> String {
    let hundredths = div_round_half_up(ppm, 100);
    format_scaled(i64::try_from(hundredths).unwrap_or(i64::MAX), 2)
}

/// The mean of `sum` over `count`, rounded half-up (0 of nothing).
fn mean(sum: i128, count: u64) -> i128 {
    if count == 0 { 0 } else { div_round_half_up(sum, i128::from(count)) }
}

/// The figures of one group of products (a tax class, or the whole catalog).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Group {
    pub products: u64,
    pub sum_before: i128,
    pub sum_after: i128,
    pub sum_change_ppm: i128,
    /// Products by their change in per mille (see [`PER_MILLE_MIN`]).
    pub per_mille: BTreeMap<i64, u64>,
    pub within_before: u64,
    pub within_after: u64,
    /// Within the single limit before, above it after.
    pub crossed_over: u64,
    /// Above the single limit before, within it after.
    pub crossed_under: u64,
    pub full_tax_before: u64,
    pub full_tax_after: u64,
}

impl Group {
    pub fn add(&mut self, c: &Comparison) {
        let (before, after) = (c.before.total(), c.after.total());
        self.products += 1;
        self.sum_before += i128::from(before.minor());
        self.sum_after += i128::from(after.minor());
        self.sum_change_ppm += i128::from(change_ppm(before, after));
        *self.per_mille.entry(change_per_mille(before, after)).or_default() += 1;
        let (was, is) = (c.before.within_single_limit, c.after.within_single_limit);
        self.within_before += u64::from(was);
        self.within_after += u64::from(is);
        self.crossed_over += u64::from(was && !is);
        self.crossed_under += u64::from(!was && is);
        self.full_tax_before += u64::from(c.before.full_tax());
        self.full_tax_after += u64::from(c.after.full_tax());
    }

    pub fn mean_before(&self) -> Cny {
        cny(mean(self.sum_before, self.products))
    }

    pub fn mean_after(&self) -> Cny {
        cny(mean(self.sum_after, self.products))
    }

    /// The mean of the products' changes, in ppm.
    pub fn mean_change_ppm(&self) -> i128 {
        mean(self.sum_change_ppm, self.products)
    }

    /// The median change in ppm, from the per-mille histogram (so to 0.1 point):
    /// the middle product's, or the mean of the two middle ones; 0 of nothing.
    pub fn median_change_ppm(&self) -> i128 {
        if self.products == 0 {
            return 0;
        }
        // 1-based ranks of the two middle products (the same one when the count is odd).
        let (low, high) = (self.products.div_ceil(2), self.products / 2 + 1);
        let (mut seen, mut low_value, mut high_value) = (0u64, None, None);
        for (&value, &count) in &self.per_mille {
            seen += count;
            if low_value.is_none() && seen >= low {
                low_value = Some(value);
            }
            if seen >= high {
                high_value = Some(value);
                break;
            }
        }
        let (low, high) = (low_value.unwrap_or(0), high_value.unwrap_or(0));
        // (a + b) / 2 per mille = (a + b) × 500 ppm, exact.
        (i128::from(low) + i128::from(high)) * 500
    }
}

fn cny(fen: i128) -> Cny {
    Cny::from_minor(i64::try_from(fen).unwrap_or(i64::MAX))
}

/// A product whose price rose, ranked by relative change, then by the increase in
/// fen, then by id (smaller first), so that the list is the same on every run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Increase<T> {
    pub change_ppm: i64,
    pub increase: Cny,
    pub id: ProductId,
    /// What the list shows of the product.
    pub item: T,
}

impl<T: Eq> Increase<T> {
    fn key(&self) -> (i64, Cny, Reverse<ProductId>) {
        (self.change_ppm, self.increase, Reverse(self.id))
    }
}

impl<T: Eq> Ord for Increase<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl<T: Eq> PartialOrd for Increase<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The `n` largest increases seen, in a min-heap of at most `n` entries.
#[derive(Debug)]
pub struct Largest<T> {
    n: usize,
    heap: BinaryHeap<Reverse<Increase<T>>>,
}

impl<T: Eq> Largest<T> {
    pub fn new(n: usize) -> Self {
        Self { n, heap: BinaryHeap::with_capacity(n + 1) }
    }

    /// Offers a product; only a price that rose is an increase. `item` is built only
    /// when the product makes the list.
    pub fn offer(&mut self, id: ProductId, c: &Comparison, item: impl FnOnce() -> T) {
        let (before, after) = (c.before.total(), c.after.total());
        if after <= before || self.n == 0 {
            return;
        }
        let probe = (change_ppm(before, after), Cny::from_minor(after.minor() - before.minor()), Reverse(id));
        if self.heap.len() == self.n && self.heap.peek().is_some_and(|Reverse(least)| probe <= least.key()) {
            return;
        }
        let (change_ppm, increase, Reverse(id)) = probe;
        self.heap.push(Reverse(Increase { change_ppm, increase, id, item: item() }));
        if self.heap.len() > self.n {
            self.heap.pop();
        }
    }

    /// The increases, largest first.
    pub fn into_sorted(self) -> Vec<Increase<T>> {
        // Sorted ascending by Reverse is descending by the increase itself.
        self.heap.into_sorted_vec().into_iter().map(|Reverse(i)| i).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gateway_core::scenario::UnitPrice;
    use gateway_core::tax::{OrderTax, Regime};

    fn unit(total: i64, within: bool, regime: Regime) -> UnitPrice {
        let fen = Cny::from_minor;
        UnitPrice {
            regime,
            within_single_limit: within,
            over_annual_limit: false,
            order: OrderTax {
                lines: Vec::new(),
                goods: fen(total),
                freight: fen(0),
                dutiable: fen(total),
                duty: fen(0),
                consumption_tax: fen(0),
                vat: fen(0),
                tax: fen(0),
                total: fen(total),
            },
        }
    }

    fn comparison(before: i64, after: i64) -> Comparison {
        Comparison { before: unit(before, true, Regime::Cbec), after: unit(after, true, Regime::Cbec) }
    }

    #[test]
    fn changes_and_shares() {
        let fen = Cny::from_minor;
        // 121.10 → 151.38: +25.0041…% = 250,041 ppm, 250 ‰.
        assert_eq!(change_ppm(fen(12_110), fen(15_138)), 250_041);
        assert_eq!(change_per_mille(fen(12_110), fen(15_138)), 250);
        assert_eq!(change_ppm(fen(200), fen(100)), -500_000);
        assert_eq!(change_per_mille(fen(100), fen(2_000_000)), PER_MILLE_MAX);
        assert_eq!(change_ppm(fen(0), fen(100)), 0);
        assert_eq!(share(3, 4), "0.7500");
        assert_eq!(share(1, 3), "0.3333");
        assert_eq!(share(2, 3), "0.6667");
        assert_eq!(share(0, 0), "0.0000");
        assert_eq!(Share::of(3, 4).as_percent(), "75.00");
        assert_eq!(serde_json::to_value(Share::of(1, 3)).unwrap_or_default(), "0.3333");
        assert_eq!(ppm_as_percent(250_041), "25.00");
        assert_eq!(ppm_as_percent(-5_050), "-0.51");
    }

    #[test]
    fn a_group_counts_means_medians_and_crossings() {
        let mut g = Group::default();
        // 100.00 → 110.00 (+10%), 100.00 → 100.00 (0), 200.00 → 260.00 (+30%), 50.00 → 45.00 (−10%).
        for (b, a) in [(10_000, 11_000), (10_000, 10_000), (20_000, 26_000), (5_000, 4_500)] {
            g.add(&comparison(b, a));
        }
        // One that crosses the limit and goes to full tax.
        g.add(&Comparison {
            before: unit(499_000, true, Regime::Cbec),
            after: unit(520_000, false, Regime::CbecFullTax),
        });
        assert_eq!(g.products, 5);
        // Means: (100 + 100 + 200 + 50 + 4,990) / 5 = 1,088.00; after (110 + 100 + 260 + 45 + 5,200) / 5 = 1,143.00.
        assert_eq!((g.mean_before(), g.mean_after()), (Cny::from_minor(108_800), Cny::from_minor(114_300)));
        // Changes: 100,000 + 0 + 300,000 − 100,000 + 42,084 (21,000 / 4,990 → 42,084.168) = 342,084;
        // mean 68,416.8 → 68,417 ppm, 6.84%.
        assert_eq!(g.mean_change_ppm(), 68_417);
        // Per mille sorted: −100, 0, 42, 100, 300: the median is 42 ‰ = 42,000 ppm.
        assert_eq!(g.median_change_ppm(), 42_000);
        g.add(&comparison(10_000, 12_000)); // +200 ‰: the middle two are 42 and 100 → 71 ‰.
        assert_eq!(g.median_change_ppm(), 71_000);
        assert_eq!((g.within_before, g.within_after, g.crossed_over, g.crossed_under), (6, 5, 1, 0));
        assert_eq!((g.full_tax_before, g.full_tax_after), (0, 1));
        assert_eq!(Group::default().median_change_ppm(), 0);
    }

    #[test]
    fn the_largest_increases_are_kept_in_bounded_memory() {
        let ids: Vec<ProductId> = (0..6).map(|_| ProductId::new()).collect();
        let mut largest = Largest::new(3);
        let changes =
            [(10_000, 11_000), (10_000, 9_000), (10_000, 13_000), (5_000, 6_500), (10_000, 10_000), (20_000, 22_000)];
        for (id, (b, a)) in ids.iter().zip(changes) {
            largest.offer(*id, &comparison(b, a), || format!("{b}→{a}"));
            assert!(largest.heap.len() <= 3);
        }
        let kept: Vec<(String, i64)> = largest.into_sorted().into_iter().map(|i| (i.item, i.change_ppm)).collect();
        // +30% twice (the larger increase in fen first: 30.00 before 15.00), then +10% of 200.00 over +10% of 100.00.
        assert_eq!(
            kept,
            [("10000→13000".to_string(), 300_000), ("5000→6500".into(), 300_000), ("20000→22000".into(), 100_000)]
        );
        let mut none = Largest::<()>::new(0);
        none.offer(ids[0], &comparison(1, 2), || ());
        assert!(none.into_sorted().is_empty());
    }
}
