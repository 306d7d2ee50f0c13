//! The tax of a cross-border retail import order (SPEC 3): freight allocation, the
//! CBEC and full-tax formulas per line, the cosmetics CT threshold, and the single and
//! annual limits that decide which regime applies.
//!
//! Everything is exact rational arithmetic on `i128`; each duty, CT and VAT amount is
//! rounded half-up to the fen exactly once, per line.

use crate::code_enum;
use crate::decimal::div_round_half_up;
use crate::money::Cny;
use crate::product::{ContentUnit, NetContent};
use crate::tax_class::{CtThreshold, RATE_ONE, TaxClass};

/// The rates of a line's tax class, in parts per million (13% = 130_000).
///
/// Rates are expected in `[0, RATE_ONE)`, as [`crate::tax_class::parse_rate`] gives
/// them; the computation clamps anything outside that range into it (the duty rate,
/// which divides nothing, into `[0, MAX_DUTY_PPM]`), so a corrupt table can never
/// divide by zero or produce a negative tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxRates {
    pub vat_ppm: i64,
    pub ct_ppm: i64,
    pub ct_threshold: Option<CtThreshold>,
    pub mfn_duty_ppm: i64,
}

impl From<&TaxClass> for TaxRates {
    fn from(class: &TaxClass) -> Self {
        Self {
            vat_ppm: class.vat_ppm,
            ct_ppm: class.ct_ppm,
            ct_threshold: class.ct_threshold,
            mfn_duty_ppm: class.mfn_duty_ppm,
        }
    }
}

code_enum!(
    /// How an order is taxed: `cbec` within both limits (duty 0, CT and VAT at 70%),
    /// `cbec_full_tax` for a single item above the single-transaction limit.
    Regime { Cbec = "cbec", CbecFullTax = "cbec_full_tax" }
);

/// One line of an order, as the tax computation needs it.
#[derive(Debug, Clone)]
pub struct LineInput {
    /// Unit price × quantity.
    pub goods: Cny,
    pub quantity: i64,
    /// Net content of one unit.
    pub net_content: NetContent,
    pub rates: TaxRates,
}

/// The tax of one line. `dutiable` = goods + freight share (the P of SPEC 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineTax {
    pub goods: Cny,
    pub freight: Cny,
    pub dutiable: Cny,
    pub duty: Cny,
    pub consumption_tax: Cny,
    pub vat: Cny,
}

impl LineTax {
    /// duty + CT + VAT.
    pub fn tax(&self) -> Cny {
        Cny::from_minor(self.duty.minor().saturating_add(self.consumption_tax.minor()).saturating_add(self.vat.minor()))
    }
}

/// The tax of one order: sums of its lines; `tax` = duty + CT + VAT; `dutiable` =
/// goods + freight; `total` = goods + freight + tax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderTax {
    pub lines: Vec<LineTax>,
    pub goods: Cny,
    pub freight: Cny,
    pub dutiable: Cny,
    pub duty: Cny,
    pub consumption_tax: Cny,
    pub vat: Cny,
    pub tax: Cny,
    pub total: Cny,
}

/// The single-transaction limit: 5,000.00 CNY (an order of exactly this is within it).
pub const SINGLE_LIMIT: Cny = Cny::from_minor(500_000);
/// The annual limit per person and calendar year: 26,000.00 CNY (reaching exactly
/// this is within it).
pub const ANNUAL_LIMIT: Cny = Cny::from_minor(2_600_000);

/// Why an order may not be imported under the CBEC rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error(
        "the order's dutiable value of {dutiable} CNY is above the single-transaction limit of 5000.00 CNY; \
         only an order of exactly one unit of one product may exceed it"
    )]
    SingleLimitExceeded { dutiable: Cny },
    #[error(
        "the order would take the buyer past the annual cross-border limit of 26000.00 CNY; \
         {remaining} CNY of this year's quota remains"
    )]
    AnnualLimitExceeded { remaining: Cny },
}

impl LimitError {
    /// The stable API error code (SPEC 9).
    pub const fn code(&self) -> &'static str {
        match self {
            LimitError::SingleLimitExceeded { .. } => "single_limit_exceeded",
            LimitError::AnnualLimitExceeded { .. } => "annual_limit_exceeded",
        }
    }
}

/// Saturates an `i128` amount of fen into a [`Cny`]; only absurd inputs get near it.
fn cny(fen: i128) -> Cny {
    Cny::from_minor(i64::try_from(fen).unwrap_or(if fen < 0 { i64::MIN } else { i64::MAX }))
}

fn clamp_rate(ppm: i64) -> i128 {
    i128::from(ppm.clamp(0, RATE_ONE - 1))
}

/// Allocates `freight` to lines in proportion to their goods value (SPEC 3, step 1).
///
/// Each share is round-half-up(freight × goods_i / Σgoods); the remainder
/// (freight − Σshares, possibly negative) goes to the line with the largest goods
/// value, the first such line on ties. Σgoods = 0 (or less) gives all the freight to
/// the first line; no lines give an empty vector. The shares always sum to `freight`.
///
/// Degenerate case: with a few fen of freight over many lines (e.g. 0.03 over six
/// equal lines, each share 0.005 → 0.01) the negative remainder could exceed the
/// largest line's share. A freight share is never negative here: the largest line
/// then goes down to 0 and the rest of the excess comes off the other lines, in
/// descending order of goods value (first on ties), each down to 0. This cannot happen
/// with the freight tariffs of SPEC 5, which are whole yuan.
///
/// Goods values and freight are expected non-negative.
pub fn allocate_freight(goods: &[Cny], freight: Cny) -> Vec<Cny> {
    if goods.is_empty() {
        return Vec::new();
    }
    let total: i128 = goods.iter().map(|g| i128::from(g.minor())).sum();
    let freight_fen = i128::from(freight.minor());
    let mut shares: Vec<i128> = if total <= 0 {
        let mut shares = vec![0; goods.len()];
        shares[0] = freight_fen;
        shares
    } else {
        goods.iter().map(|g| div_round_half_up(freight_fen * i128::from(g.minor()), total)).collect()
    };

    // Lines by descending goods value; the stable sort keeps the first on ties.
    let mut order: Vec<usize> = (0..goods.len()).collect();
    order.sort_by(|&a, &b| goods[b].cmp(&goods[a]));
    let remainder = freight_fen - shares.iter().sum::<i128>();
    let largest = order[0];
    shares[largest] += remainder;
    if shares[largest] < 0 && freight_fen >= 0 {
        let mut excess = -shares[largest];
        shares[largest] = 0;
        for &i in &order[1..] {
            let taken = excess.min(shares[i]).max(0);
            shares[i] -= taken;
            excess -= taken;
        }
    }
    shares.into_iter().map(cny).collect()
}

/// Whether the consumption tax applies to a line of dutiable value `dutiable`
/// (SPEC 3): always for a class without a threshold; for one with a threshold (high-end
/// cosmetics), only when the dutiable value per g/ml, or per piece, of the line's net
/// content (`quantity` × `net_content`) reaches it. Compared exactly in integers.
/// A line without positive net content has no value per unit; the CT then applies.
pub fn consumption_tax_applies(rates: &TaxRates, dutiable: Cny, quantity: i64, net_content: NetContent) -> bool {
    let Some(threshold) = rates.ct_threshold else {
        return true;
    };
    let per_unit = match net_content.unit {
        ContentUnit::Gram | ContentUnit::Millilitre => threshold.per_g_or_ml,
        ContentUnit::Piece => threshold.per_piece,
    };
    let content_milli = i128::from(quantity) * i128::from(net_content.milli);
    if content_milli <= 0 {
        return true;
    }
    // P ÷ (content_milli / 1000) ≥ per_unit  ⇔  P × 1000 ≥ per_unit × content_milli
    // (the right side overflows only for absurd contents, far beyond any P).
    match i128::from(per_unit.minor()).checked_mul(content_milli) {
        Some(threshold) => i128::from(dutiable.minor()) * 1000 >= threshold,
        None => per_unit < Cny::ZERO,
    }
}

/// A duty beyond the class's own, in parts per million of P: a what-if tariff (see
/// [`crate::scenario`]). The default, none, is the law today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExtraDuty {
    /// Added to the MFN duty rate in the full-tax regime.
    pub ppm: i64,
    /// Whether it is also levied within the CBEC regime, whose own duty is 0: then in
    /// full (a retaliatory tariff is not part of the 70% concession), and the CT and
    /// VAT at 70% are computed on P + duty, as the full-tax formula does.
    pub in_cbec: bool,
}

/// The highest duty rate the computation accepts: 1000% (duty, unlike CT, may exceed
/// 100%; retaliatory tariffs have). Rates beyond it are clamped, so nothing overflows.
pub const MAX_DUTY_PPM: i64 = 10 * RATE_ONE;

/// The tax of one line given its freight share (SPEC 3, step 2).
///
/// CBEC: duty = 0; CT = 0.7 × P × c/(1−c); VAT = 0.7 × (P + P × c/(1−c)) × v.
/// Full tax: duty = P × d; CT = (P + duty) × c/(1−c); VAT = (P + duty + CT) × v.
/// Each amount is computed from the exact earlier ones and rounded half-up once.
pub fn compute_line_tax(line: &LineInput, freight_share: Cny, regime: Regime) -> LineTax {
    compute_line_tax_with(line, freight_share, regime, ExtraDuty::default())
}

/// [`compute_line_tax`] with an extra duty: d becomes MFN + extra in the full-tax
/// regime, and extra within the CBEC regime when `extra.in_cbec` (CT and VAT there
/// still at 70%, on P + duty). With no extra duty both formulas are SPEC 3's.
pub fn compute_line_tax_with(line: &LineInput, freight_share: Cny, regime: Regime, extra: ExtraDuty) -> LineTax {
    const ONE: i128 = RATE_ONE as i128;
    let p = i128::from(line.goods.minor()) + i128::from(freight_share.minor());
    let dutiable = cny(p);
    let v = clamp_rate(line.rates.vat_ppm);
    let c = if consumption_tax_applies(&line.rates, dutiable, line.quantity, line.net_content) {
        clamp_rate(line.rates.ct_ppm)
    } else {
        0
    };
    // The share of the statutory CT and VAT charged, as a fraction num/den: 70% in the
    // CBEC regime, all of it in the full-tax one.
    let (duty_ppm, share_num, share_den) = match regime {
        Regime::Cbec => (if extra.in_cbec { extra.ppm } else { 0 }, 7, 10),
        Regime::CbecFullTax => (line.rates.mfn_duty_ppm.max(0).saturating_add(extra.ppm), 1, 1),
    };
    let d = i128::from(duty_ppm.clamp(0, MAX_DUTY_PPM));
    // (P + duty) = P·(1e6 + D)/1e6, and (P + duty + CT) = (P + duty)·1e6/(1e6 − C); with
    // D = 0 in the CBEC regime this is 0.7 × P × c/(1−c), the same rational number.
    let den = share_den * ONE * (ONE - c);
    let grossed = p * (ONE + d);
    LineTax {
        goods: line.goods,
        freight: freight_share,
        dutiable,
        duty: cny(div_round_half_up(p * d, ONE)),
        consumption_tax: cny(div_round_half_up(share_num * grossed * c, den)),
        vat: cny(div_round_half_up(share_num * grossed * v, den)),
    }
}

/// The tax of one order (SPEC 3): freight allocated to the lines, each line taxed,
/// the order's amounts the sums of its lines. With no lines everything is zero (there
/// is nothing to carry the freight).
pub fn compute_order_tax(lines: &[LineInput], freight: Cny, regime: Regime) -> OrderTax {
    compute_order_tax_with(lines, freight, regime, ExtraDuty::default())
}

/// [`compute_order_tax`] with the same extra duty on every line (a tariff scenario
/// prices one-line orders, so one extra duty per order is all it needs).
pub fn compute_order_tax_with(lines: &[LineInput], freight: Cny, regime: Regime, extra: ExtraDuty) -> OrderTax {
    let goods: Vec<Cny> = lines.iter().map(|l| l.goods).collect();
    let shares = allocate_freight(&goods, freight);
    let lines: Vec<LineTax> =
        lines.iter().zip(shares).map(|(line, share)| compute_line_tax_with(line, share, regime, extra)).collect();
    let sum = |f: fn(&LineTax) -> Cny| cny(lines.iter().map(|l| i128::from(f(l).minor())).sum());
    let goods = sum(|l| l.goods);
    let freight = sum(|l| l.freight);
    let duty = sum(|l| l.duty);
    let consumption_tax = sum(|l| l.consumption_tax);
    let vat = sum(|l| l.vat);
    let add = |parts: &[Cny]| cny(parts.iter().map(|p| i128::from(p.minor())).sum());
    let tax = add(&[duty, consumption_tax, vat]);
    OrderTax {
        dutiable: add(&[goods, freight]),
        total: add(&[goods, freight, tax]),
        lines,
        goods,
        freight,
        duty,
        consumption_tax,
        vat,
        tax,
    }
}

/// Decides the regime of an order (SPEC 3).
///
/// `dutiable` = the order's goods + freight; `single_item` = the order holds exactly
/// one unit of one product; `annual_used` = what the buyer already used this calendar
/// year (including earlier orders of the same checkout).
///
/// - used + dutiable > 26,000.00 → [`LimitError::AnnualLimitExceeded`] with the
///   quota that remains (this takes precedence);
/// - dutiable ≤ 5,000.00 → [`Regime::Cbec`];
/// - dutiable > 5,000.00 and a single item → [`Regime::CbecFullTax`];
/// - otherwise → [`LimitError::SingleLimitExceeded`].
pub fn decide_regime(dutiable: Cny, single_item: bool, annual_used: Cny) -> Result<Regime, LimitError> {
    decide_regime_under(dutiable, single_item, annual_used, SINGLE_LIMIT)
}

/// [`decide_regime`] with another single-transaction limit than the law's 5,000.00
/// CNY (a tariff scenario's what-if). The annual limit stays the law's.
pub fn decide_regime_under(
    dutiable: Cny,
    single_item: bool,
    annual_used: Cny,
    single_limit: Cny,
) -> Result<Regime, LimitError> {
    let used = i128::from(annual_used.minor());
    let annual = i128::from(ANNUAL_LIMIT.minor());
    if used + i128::from(dutiable.minor()) > annual {
        return Err(LimitError::AnnualLimitExceeded { remaining: cny((annual - used).max(0)) });
    }
    if dutiable <= single_limit {
        Ok(Regime::Cbec)
    } else if single_item {
        Ok(Regime::CbecFullTax)
    } else {
        Err(LimitError::SingleLimitExceeded { dutiable })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const fn fen(n: i64) -> Cny {
        Cny::from_minor(n)
    }

    const THRESHOLD: CtThreshold = CtThreshold { per_g_or_ml: fen(1000), per_piece: fen(1500) };

    /// The seeded table of SPEC 3: (code, VAT, CT, threshold, MFN duty).
    const SEEDED: [(&str, TaxRates); 8] = [
        ("agri", rates(90_000, 0, None, 150_000)),
        ("food", rates(130_000, 0, None, 150_000)),
        ("wine", rates(130_000, 100_000, None, 140_000)),
        ("cosmetics", rates(130_000, 150_000, Some(THRESHOLD), 10_000)),
        ("apparel", rates(130_000, 0, None, 70_000)),
        ("household", rates(130_000, 0, None, 80_000)),
        ("electronics", rates(130_000, 0, None, 0)),
        ("meat", rates(90_000, 0, None, 120_000)),
    ];

    const fn rates(vat_ppm: i64, ct_ppm: i64, ct_threshold: Option<CtThreshold>, mfn_duty_ppm: i64) -> TaxRates {
        TaxRates { vat_ppm, ct_ppm, ct_threshold, mfn_duty_ppm }
    }

    fn class(code: &str) -> TaxRates {
        SEEDED.iter().find(|(c, _)| *c == code).map(|(_, r)| *r).unwrap_or_else(|| panic!("no class {code}"))
    }

    fn content(milli: i64, unit: ContentUnit) -> NetContent {
        NetContent { milli, unit }
    }

    fn line(code: &str, goods: i64, quantity: i64, net_content: NetContent) -> LineInput {
        LineInput { goods: fen(goods), quantity, net_content, rates: class(code) }
    }

    /// One line, no freight: (duty, CT, VAT) in fen.
    fn taxes(line: LineInput, regime: Regime) -> (i64, i64, i64) {
        let t = compute_order_tax(&[line], Cny::ZERO, regime);
        (t.duty.minor(), t.consumption_tax.minor(), t.vat.minor())
    }

    fn shares(goods: &[i64], freight: i64) -> Vec<i64> {
        let goods: Vec<Cny> = goods.iter().copied().map(fen).collect();
        allocate_freight(&goods, fen(freight)).into_iter().map(Cny::minor).collect()
    }

    #[test]
    fn tax_rates_come_from_the_class() {
        let class = TaxClass {
            code: "cosmetics".into(),
            name_en: "Cosmetics".into(),
            name_zh: "化妆品".into(),
            vat_ppm: 130_000,
            ct_ppm: 150_000,
            ct_threshold: Some(THRESHOLD),
            mfn_duty_ppm: 10_000,
            food: false,
            positive_list: true,
        };
        assert_eq!(TaxRates::from(&class), self::class("cosmetics"));
        assert_eq!(Regime::Cbec.as_str(), "cbec");
        assert_eq!(Regime::CbecFullTax.as_str(), "cbec_full_tax");
        assert_eq!(Regime::parse("cbec_full_tax"), Ok(Regime::CbecFullTax));
    }

    #[test]
    fn cbec_worked_examples() {
        let g500 = content(500_000, ContentUnit::Gram);
        // Ordinary goods at 13% VAT: 0.7 × 13% = 9.1% of P. 100.00 → VAT 9.10.
        assert_eq!(taxes(line("food", 10_000, 1, g500), Regime::Cbec), (0, 0, 910));
        assert_eq!(taxes(line("household", 10_000, 1, g500), Regime::Cbec), (0, 0, 910));
        // Agri at 9%: 6.3% of P. 100.00 → 6.30.
        assert_eq!(taxes(line("agri", 10_000, 1, g500), Regime::Cbec), (0, 0, 630));
        // High-end cosmetics, 100.00 for 5 g (20.00/g, above the threshold):
        // CT = 0.7 × 100 × 0.15/0.85 = 12.3529… → 12.35;
        // VAT = 0.7 × (100 + 17.6470…) × 0.13 = 0.7 × 100 × 0.13/0.85 = 10.7058… → 10.71;
        // 23.06 in all, the 23.06% of SPEC 3.
        assert_eq!(
            taxes(line("cosmetics", 10_000, 1, content(5_000, ContentUnit::Gram)), Regime::Cbec),
            (0, 1235, 1071)
        );
        // Wine (c 10%, v 13%), 100.00: CT = 0.7 × 100 × 0.1/0.9 = 7.777… → 7.78;
        // VAT = 0.7 × 100 × 0.13/0.9 = 10.111… → 10.11.
        let ml750 = content(750_000, ContentUnit::Millilitre);
        assert_eq!(taxes(line("wine", 10_000, 1, ml750), Regime::Cbec), (0, 778, 1011));
        // Rounding happens once: 0.07 × 9.1% = 0.00637 → 0.01, 0.05 × 9.1% = 0.00455 → 0.00.
        assert_eq!(taxes(line("food", 7, 1, g500), Regime::Cbec), (0, 0, 1));
        assert_eq!(taxes(line("food", 5, 1, g500), Regime::Cbec), (0, 0, 0));
    }

    #[test]
    fn full_tax_worked_examples() {
        // One laptop-sized gadget: 6,000.00 goods, 800 g by direct mail → freight 60.00.
        // P = 6,060.00; d = 0, c = 0: duty 0, CT 0, VAT = 6,060.00 × 13% = 787.80.
        let gadget = line("electronics", 600_000, 1, content(1_000, ContentUnit::Piece));
        let t = compute_order_tax(std::slice::from_ref(&gadget), fen(6_000), Regime::CbecFullTax);
        assert_eq!((t.dutiable, t.duty, t.consumption_tax, t.vat), (fen(606_000), fen(0), fen(0), fen(78_780)));
        assert_eq!(t.total, fen(684_780));
        assert_eq!(decide_regime(t.dutiable, true, Cny::ZERO), Ok(Regime::CbecFullTax));

        // One 50 ml jar of cream at 5,200.00, bonded (freight 10.00): P = 5,210.00,
        // 104.20/ml, so the CT applies. d = 1%, c = 15%, v = 13%:
        // duty = 5,210.00 × 0.01 = 52.10;
        // CT = 5,262.10 × 0.15/0.85 = 928.6058… → 928.61;
        // VAT = (5,262.10 + 928.6058…) × 0.13 = 5,262.10 × 0.13/0.85 = 804.7917… → 804.79.
        let cream = line("cosmetics", 520_000, 1, content(50_000, ContentUnit::Millilitre));
        let t = compute_order_tax(&[cream], fen(1_000), Regime::CbecFullTax);
        assert_eq!((t.duty, t.consumption_tax, t.vat, t.tax), (fen(5_210), fen(92_861), fen(80_479), fen(178_550)));
        assert_eq!(t.total, fen(521_000 + 178_550));
    }

    #[test]
    fn cosmetics_threshold_per_gram_and_per_piece() {
        // Exactly 10.00/g: 100.00 for 2 × 5 g applies the CT.
        let at = line("cosmetics", 10_000, 2, content(5_000, ContentUnit::Gram));
        assert!(consumption_tax_applies(&at.rates, at.goods, at.quantity, at.net_content));
        assert_eq!(taxes(at, Regime::Cbec), (0, 1235, 1071));
        // Just below: 99.99 for 10 g is 9.999/g: c = 0, VAT is the plain 9.1% (9.0991 → 9.10).
        let below = line("cosmetics", 9_999, 2, content(5_000, ContentUnit::Gram));
        assert_eq!(taxes(below, Regime::Cbec), (0, 0, 910));
        // Fractional net content: 12.5 ml at 125.00 is exactly 10.00/ml.
        let ml = line("cosmetics", 12_500, 1, content(12_500, ContentUnit::Millilitre));
        assert_eq!(taxes(ml.clone(), Regime::Cbec).1, 1544); // 0.7 × 125 × 0.15/0.85 = 15.441…
        let ml_below = LineInput { goods: fen(12_499), ..ml };
        assert_eq!(taxes(ml_below, Regime::Cbec).1, 0);
        // Per piece at 15.00: two packs of two sheet masks = 4 pieces; 60.00 applies, 59.99 does not.
        let pieces = content(2_000, ContentUnit::Piece);
        assert_eq!(taxes(line("cosmetics", 6_000, 2, pieces), Regime::Cbec), (0, 741, 642));
        assert_eq!(taxes(line("cosmetics", 5_999, 2, pieces), Regime::Cbec), (0, 0, 546));
        // The freight share counts: 99.99 goods + 0.01 freight reaches 10.00/g.
        let t =
            compute_order_tax(&[line("cosmetics", 9_999, 1, content(10_000, ContentUnit::Gram))], fen(1), Regime::Cbec);
        assert_eq!(t.consumption_tax, fen(1235));
        // Absurd quantities neither overflow nor apply the CT.
        let huge =
            LineInput { quantity: i64::MAX, ..line("cosmetics", 10_000, 1, content(i64::MAX, ContentUnit::Gram)) };
        assert!(!consumption_tax_applies(&huge.rates, huge.goods, huge.quantity, huge.net_content));
        // Wine has no threshold: the CT applies whatever the value per millilitre.
        assert_eq!(taxes(line("wine", 100, 1, content(750_000, ContentUnit::Millilitre)), Regime::Cbec).1, 8);
        // The threshold exempts in the full-tax regime too.
        assert_eq!(
            taxes(line("cosmetics", 600_000, 1, content(1_000_000, ContentUnit::Gram)), Regime::CbecFullTax).1,
            0
        );
    }

    #[test]
    fn freight_allocation() {
        assert_eq!(shares(&[], 1000), Vec::<i64>::new());
        assert_eq!(shares(&[12_345], 1000), [1000]);
        // 1000 × 100/300 = 333.33 → 333; 1000 × 200/300 = 666.67 → 667; nothing left.
        assert_eq!(shares(&[100, 200], 1000), [333, 667]);
        // 33.33 each → 99; the remainder 1 goes to the largest line, the first on ties.
        assert_eq!(shares(&[1, 1, 1], 100), [34, 33, 33]);
        // 142.86 → 143, 428.57 → 429, 429: one too many, taken from the first largest (the second line).
        assert_eq!(shares(&[100, 300, 300], 1000), [143, 428, 429]);
        // Halves round up: 0.5 and 0.5 → 1 and 1; the excess comes off the first line.
        assert_eq!(shares(&[1, 1], 1), [0, 1]);
        // The largest line need not be first.
        assert_eq!(shares(&[100, 100, 400], 1000), [167, 167, 666]);
        // No goods value: all to the first line.
        assert_eq!(shares(&[0, 0], 500), [500, 0]);
        assert_eq!(shares(&[0, 5], 500), [0, 500]);
        assert_eq!(shares(&[300, 700], 0), [0, 0]);
        // Degenerate: 0.03 over six equal lines rounds to 0.01 each (0.06); the spec's
        // remainder would make the first line −0.02, so the excess comes off the largest
        // lines in order, none below zero.
        assert_eq!(shares(&[1; 6], 3), [0, 0, 0, 1, 1, 1]);
    }

    #[test]
    fn freight_share_of_the_largest_line_goes_through_to_the_tax() {
        // Worked two-line order, direct mail.
        //  A: one 750 ml bottle of maple syrup (agri: v 9%), 45.00, 900 g;
        //  B: two 30 ml serums (cosmetics) at 297.50 = 595.00, 150 g each.
        // Weight 1,200 g → freight 40.00 + 2 × 20.00 = 80.00 (SPEC 5).
        // Σgoods = 640.00. Shares: 80 × 45/640 = 5.625 → 5.63; 80 × 595/640 = 74.375 → 74.38;
        // Σ = 80.01, remainder −0.01 to the largest line B → 74.37.
        //  A: P = 50.63; VAT = 0.7 × 50.63 × 0.09 = 3.18969 → 3.19.
        //  B: P = 669.37, 669.37 / 60 ml = 11.156/ml ≥ 10.00 → CT applies;
        //     CT = 0.7 × 669.37 × 0.15/0.85 = 82.6868… → 82.69;
        //     VAT = 0.7 × 669.37 × 0.13/0.85 = 71.6619… → 71.66.
        // Order: goods 640.00, freight 80.00, dutiable 720.00, duty 0, CT 82.69,
        // VAT 3.19 + 71.66 = 74.85, tax 157.54, total 640.00 + 80.00 + 157.54 = 877.54.
        let freight = crate::freight::freight(
            &crate::freight::FreightRates::default(),
            crate::merchant::Fulfilment::DirectMail,
            900 + 2 * 150,
        );
        assert_eq!(freight, fen(8_000));
        let lines = [
            line("agri", 4_500, 1, content(750_000, ContentUnit::Millilitre)),
            line("cosmetics", 59_500, 2, content(30_000, ContentUnit::Millilitre)),
        ];
        let order = compute_order_tax(&lines, freight, Regime::Cbec);
        assert_eq!(
            order.lines,
            [
                LineTax {
                    goods: fen(4_500),
                    freight: fen(563),
                    dutiable: fen(5_063),
                    duty: fen(0),
                    consumption_tax: fen(0),
                    vat: fen(319),
                },
                LineTax {
                    goods: fen(59_500),
                    freight: fen(7_437),
                    dutiable: fen(66_937),
                    duty: fen(0),
                    consumption_tax: fen(8_269),
                    vat: fen(7_166),
                },
            ]
        );
        assert_eq!(
            (order.goods, order.freight, order.dutiable, order.duty, order.consumption_tax, order.vat),
            (fen(64_000), fen(8_000), fen(72_000), fen(0), fen(8_269), fen(7_485))
        );
        assert_eq!((order.tax, order.total), (fen(15_754), fen(87_754)));
        assert_eq!(order.total.to_string(), "877.54");
        assert_eq!(decide_regime(order.dutiable, false, Cny::ZERO), Ok(Regime::Cbec));
    }

    #[test]
    fn no_lines_no_tax() {
        let t = compute_order_tax(&[], fen(4_000), Regime::Cbec);
        assert!(t.lines.is_empty());
        assert_eq!((t.goods, t.freight, t.tax, t.total), (Cny::ZERO, Cny::ZERO, Cny::ZERO, Cny::ZERO));
    }

    #[test]
    fn out_of_range_rates_are_clamped() {
        let bad = LineInput {
            goods: fen(10_000),
            quantity: 1,
            net_content: content(1_000, ContentUnit::Piece),
            rates: rates(-1, RATE_ONE, None, -5),
        };
        let t = compute_order_tax(&[bad], Cny::ZERO, Regime::CbecFullTax);
        assert!(t.duty >= Cny::ZERO && t.consumption_tax >= Cny::ZERO && t.vat == Cny::ZERO);
    }

    #[test]
    fn limits_at_the_boundaries() {
        let used = Cny::ZERO;
        assert_eq!(decide_regime(fen(500_000), false, used), Ok(Regime::Cbec));
        assert_eq!(decide_regime(fen(500_000), true, used), Ok(Regime::Cbec));
        assert_eq!(
            decide_regime(fen(500_001), false, used),
            Err(LimitError::SingleLimitExceeded { dutiable: fen(500_001) })
        );
        assert_eq!(decide_regime(fen(500_001), true, used), Ok(Regime::CbecFullTax));
        // Annual: reaching exactly 26,000.00 is within; one fen more is not.
        assert_eq!(decide_regime(fen(100_000), false, fen(2_500_000)), Ok(Regime::Cbec));
        assert_eq!(
            decide_regime(fen(100_001), false, fen(2_500_000)),
            Err(LimitError::AnnualLimitExceeded { remaining: fen(100_000) })
        );
        assert_eq!(decide_regime(fen(600_000), true, fen(2_000_000)), Ok(Regime::CbecFullTax));
        // Full tax blocked by the annual limit reports the remaining quota.
        assert_eq!(
            decide_regime(fen(600_000), true, fen(2_000_001)),
            Err(LimitError::AnnualLimitExceeded { remaining: fen(599_999) })
        );
        // The annual limit takes precedence over the single limit.
        assert_eq!(
            decide_regime(fen(600_000), false, fen(2_500_000)),
            Err(LimitError::AnnualLimitExceeded { remaining: fen(100_000) })
        );
        // Already past the limit: nothing remains (never negative).
        assert_eq!(
            decide_regime(fen(1), false, fen(2_700_000)),
            Err(LimitError::AnnualLimitExceeded { remaining: Cny::ZERO })
        );
        let e = LimitError::AnnualLimitExceeded { remaining: fen(100_000) };
        assert_eq!(e.code(), "annual_limit_exceeded");
        assert!(e.to_string().contains("1000.00 CNY of this year's quota remains"), "{e}");
        let e = LimitError::SingleLimitExceeded { dutiable: fen(500_001) };
        assert_eq!(e.code(), "single_limit_exceeded");
        assert!(e.to_string().contains("5000.01 CNY"), "{e}");
    }

    fn net_content() -> impl Strategy<Value = NetContent> {
        prop_oneof![
            (1i64..=1_000_000).prop_map(|m| content(m, ContentUnit::Gram)),
            (1i64..=1_000_000).prop_map(|m| content(m, ContentUnit::Millilitre)),
            (1i64..=20).prop_map(|n| content(n * 1000, ContentUnit::Piece)),
        ]
    }

    fn line_input() -> impl Strategy<Value = LineInput> {
        (1i64..=1_000_000, 1i64..=10, net_content(), 0..SEEDED.len()).prop_map(|(goods, quantity, net_content, i)| {
            LineInput { goods: fen(goods), quantity, net_content, rates: SEEDED[i].1 }
        })
    }

    fn regime() -> impl Strategy<Value = Regime> {
        prop_oneof![Just(Regime::Cbec), Just(Regime::CbecFullTax)]
    }

    proptest! {
        #[test]
        fn freight_shares_add_up_and_stay_near_proportion(
            goods in prop::collection::vec(0i64..=1_000_000, 1..=6),
            freight in 0i64..=100_000,
        ) {
            let s = shares(&goods, freight);
            prop_assert_eq!(s.len(), goods.len());
            prop_assert_eq!(s.iter().sum::<i64>(), freight);
            let total: i128 = goods.iter().map(|&g| i128::from(g)).sum();
            let n = goods.len() as i128;
            for (share, g) in s.iter().zip(&goods) {
                prop_assert!(*share >= 0);
                if total > 0 {
                    // |share − freight × g / Σ| ≤ n fen, multiplied through by Σ.
                    let diff = i128::from(*share) * total - i128::from(freight) * i128::from(*g);
                    prop_assert!(diff.abs() <= n * total, "share {} of {:?} / {}", share, goods, freight);
                }
            }
        }

        #[test]
        fn tiny_freights_never_give_negative_shares(
            goods in prop::collection::vec(0i64..=4, 1..=6),
            freight in 0i64..=40,
        ) {
            let s = shares(&goods, freight);
            prop_assert_eq!(s.iter().sum::<i64>(), freight);
            let total: i64 = goods.iter().sum();
            let n = goods.len() as i64;
            for (share, g) in s.iter().zip(&goods) {
                prop_assert!(*share >= 0, "{:?} / {} → {:?}", goods, freight, s);
                if total > 0 {
                    prop_assert!((share * total - freight * g).abs() <= n * total);
                }
            }
        }

        #[test]
        fn order_tax_is_consistent(
            lines in prop::collection::vec(line_input(), 1..=6),
            freight in 0i64..=100_000,
            regime in regime(),
        ) {
            let t = compute_order_tax(&lines, fen(freight), regime);
            prop_assert_eq!(&t, &compute_order_tax(&lines, fen(freight), regime));
            prop_assert_eq!(t.lines.len(), lines.len());
            let sum = |f: fn(&LineTax) -> Cny| t.lines.iter().map(|l| f(l).minor()).sum::<i64>();
            prop_assert_eq!(sum(|l| l.goods), t.goods.minor());
            prop_assert_eq!(sum(|l| l.freight), t.freight.minor());
            prop_assert_eq!(t.freight.minor(), freight);
            prop_assert_eq!(sum(|l| l.dutiable), t.dutiable.minor());
            prop_assert_eq!(sum(|l| l.duty), t.duty.minor());
            prop_assert_eq!(sum(|l| l.consumption_tax), t.consumption_tax.minor());
            prop_assert_eq!(sum(|l| l.vat), t.vat.minor());
            prop_assert_eq!(t.tax.minor(), t.duty.minor() + t.consumption_tax.minor() + t.vat.minor());
            prop_assert_eq!(t.dutiable.minor(), t.goods.minor() + freight);
            prop_assert_eq!(t.total.minor(), t.goods.minor() + freight + t.tax.minor());
            for (l, input) in t.lines.iter().zip(&lines) {
                prop_assert_eq!(l.goods, input.goods);
                prop_assert_eq!(l.dutiable.minor(), l.goods.minor() + l.freight.minor());
                for amount in [l.freight, l.dutiable, l.duty, l.consumption_tax, l.vat] {
                    prop_assert!(amount >= Cny::ZERO);
                }
                if regime == Regime::Cbec {
                    prop_assert_eq!(l.duty, Cny::ZERO);
                }
            }
        }

        #[test]
        fn cbec_never_costs_more_than_full_tax(
            lines in prop::collection::vec(line_input(), 1..=6),
            freight in 0i64..=100_000,
        ) {
            let cbec = compute_order_tax(&lines, fen(freight), Regime::Cbec);
            let full = compute_order_tax(&lines, fen(freight), Regime::CbecFullTax);
            for (c, f) in cbec.lines.iter().zip(&full.lines) {
                prop_assert_eq!(c.dutiable, f.dutiable);
                prop_assert!(c.consumption_tax <= f.consumption_tax);
                prop_assert!(c.vat <= f.vat);
                prop_assert!(c.tax() <= f.tax());
            }
            prop_assert!(cbec.tax <= full.tax);
        }

        #[test]
        fn decide_regime_respects_both_limits(
            dutiable in 0i64..=3_000_000,
            single_item in any::<bool>(),
            used in 0i64..=3_000_000,
        ) {
            match decide_regime(fen(dutiable), single_item, fen(used)) {
                Ok(Regime::Cbec) => prop_assert!(dutiable <= 500_000 && used + dutiable <= 2_600_000),
                Ok(Regime::CbecFullTax) => {
                    prop_assert!(dutiable > 500_000 && single_item && used + dutiable <= 2_600_000)
                }
                Err(LimitError::SingleLimitExceeded { dutiable: d }) => {
                    prop_assert!(dutiable > 500_000 && !single_item && used + dutiable <= 2_600_000);
                    prop_assert_eq!(d, fen(dutiable));
                }
                Err(LimitError::AnnualLimitExceeded { remaining }) => {
                    prop_assert!(used + dutiable > 2_600_000);
                    prop_assert_eq!(remaining, fen((2_600_000 - used).max(0)));
                }
            }
        }
    }
}
