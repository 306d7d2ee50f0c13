//! Tariff scenarios (issue 6): the operator re-prices the catalog under a what-if rule
//! — every order at full tax, duty raised for a class, another FX rate or another
//! single-transaction limit — and compares each product's landed price with today's.
//!
//! A product is priced as the storefront shows it: one unit bought alone, a one-line
//! order with the freight its merchant's fulfilment mode charges for its weight
//! (SPEC 5), taxed by [`crate::tax`] itself (`decide_regime_under`,
//! `compute_order_tax_with`), so a scenario and a real quote can never disagree on
//! the formula.
//!
//! Decisions a rule makes explicit:
//! - `cbec_preference = false` taxes every order at full tax (duty at the class's
//!   MFN rate, CT and VAT in full, no 70%), whatever its value: the preference gone.
//! - Extra duty is in percentage points (25, or 12.5) per class or for every class
//!   (`*`); several entries for one class add up. It always raises the full-tax duty.
//!   Within the CBEC regime, whose duty is 0 by law, it applies only when
//!   `extra_duty_in_cbec` is set — a retaliatory tariff on US-origin goods would
//!   reach parcels too — and then in full, with CT and VAT at 70% on P + duty.
//! - The FX rate and the single-transaction limit may be overridden; the annual limit
//!   (26,000.00) is the law's. A unit whose dutiable value is above it cannot come in
//!   under the CBEC rules at all; it is priced at full tax and flagged.

use crate::decimal;
use crate::freight::{FreightRates, freight};
use crate::fx::FxRate;
use crate::merchant::Fulfilment;
use crate::money::{Cny, Usd};
use crate::product::NetContent;
use crate::tax::{
    ANNUAL_LIMIT, ExtraDuty, LimitError, LineInput, OrderTax, Regime, SINGLE_LIMIT, TaxRates, compute_order_tax_with,
    decide_regime_under,
};
use crate::validation::{FieldError, Validation};

/// The `tax_class` of an extra duty that hits every class.
pub const ALL_CLASSES: &str = "*";
/// The most extra duty one entry may add: 100 percentage points.
pub const MAX_EXTRA_POINTS: i64 = 100;
/// Percentage points carry up to four decimals: 12.3456 points = 123,456 ppm.
const POINT_PLACES: u32 = 4;
const PPM_PER_POINT: i64 = 10_000;
/// The most extra-duty entries a rule may hold (one per class is plenty).
pub const MAX_EXTRA_ENTRIES: usize = 20;

/// A rule as it arrives, every field optional so validation can name each fault.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleDraft {
    /// Absent: true (the law today).
    pub cbec_preference: Option<bool>,
    pub extra_duty: Vec<ExtraDutyDraft>,
    /// Absent: false.
    pub extra_duty_in_cbec: Option<bool>,
    /// CNY per USD, up to six decimals; absent: the rate in force.
    pub fx_rate: Option<String>,
    /// CNY, two decimals; absent: 5,000.00.
    pub single_limit: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtraDutyDraft {
    /// A class code, or `*` for every class.
    pub tax_class: Option<String>,
    /// Percentage points, 0 to 100, up to four decimals.
    pub points: Option<String>,
}

/// Which products an extra duty hits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClassScope {
    All,
    Class(String),
}

/// A validated what-if rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioRule {
    cbec_preference: bool,
    extra_duty: Vec<(ClassScope, i64)>,
    extra_duty_in_cbec: bool,
    fx_rate: Option<FxRate>,
    single_limit: Option<Cny>,
}

impl ScenarioRule {
    /// The law and the tables in force: pricing under it is today's landed price.
    pub fn baseline() -> Self {
        Self {
            cbec_preference: true,
            extra_duty: Vec::new(),
            extra_duty_in_cbec: false,
            fx_rate: None,
            single_limit: None,
        }
    }

    /// Validates `draft` against the codes of the classes in the table; every fault at
    /// once, named by its JSON path (`extra_duty[0].tax_class`).
    pub fn parse(draft: &RuleDraft, classes: &[&str]) -> Result<Self, Vec<FieldError>> {
        let mut v = Validation::new();
        if draft.extra_duty.len() > MAX_EXTRA_ENTRIES {
            v.push("extra_duty", format!("must hold at most {MAX_EXTRA_ENTRIES} entries"));
        }
        let mut extra_duty = Vec::new();
        for (i, entry) in draft.extra_duty.iter().enumerate() {
            let scope =
                v.required(&format!("extra_duty[{i}].tax_class"), entry.tax_class.as_deref(), |code| {
                    match code.trim() {
                        ALL_CLASSES => Ok(ClassScope::All),
                        code if classes.contains(&code) => Ok(ClassScope::Class(code.to_string())),
                        _ => Err(format!("must be one of the tax classes ({}) or * for all", classes.join(", "))),
                    }
                });
            let points = v.required(&format!("extra_duty[{i}].points"), entry.points.as_deref(), parse_points);
            if let (Some(scope), Some(points)) = (scope, points) {
                extra_duty.push((scope, points));
            }
        }
        let fx_rate = match draft.fx_rate.as_deref() {
            None => Some(None),
            Some(text) => v.check("fx_rate", FxRate::parse(text.trim())).map(Some),
        };
        let single_limit = match draft.single_limit.as_deref() {
            None => Some(None),
            Some(text) => v.check("single_limit", parse_single_limit(text.trim())).map(Some),
        };
        v.finish(|| {
            Some(Self {
                cbec_preference: draft.cbec_preference.unwrap_or(true),
                extra_duty,
                extra_duty_in_cbec: draft.extra_duty_in_cbec.unwrap_or(false),
                fx_rate: fx_rate?,
                single_limit: single_limit?,
            })
        })
    }

    pub fn cbec_preference(&self) -> bool {
        self.cbec_preference
    }

    pub fn extra_duty_in_cbec(&self) -> bool {
        self.extra_duty_in_cbec
    }

    /// The extra duty entries, in ppm (25 points = 250,000).
    pub fn extra_duty(&self) -> &[(ClassScope, i64)] {
        &self.extra_duty
    }

    /// The FX rate the rule prices at, given the one in force.
    pub fn fx(&self, in_force: FxRate) -> FxRate {
        self.fx_rate.unwrap_or(in_force)
    }

    /// The single-transaction limit the rule applies.
    pub fn single_limit(&self) -> Cny {
        self.single_limit.unwrap_or(SINGLE_LIMIT)
    }

    /// The extra duty on `class`, in ppm: the sum of the entries that hit it.
    pub fn extra_duty_ppm(&self, class: &str) -> i64 {
        self.extra_duty
            .iter()
            .filter(|(scope, _)| match scope {
                ClassScope::All => true,
                ClassScope::Class(code) => code == class,
            })
            .map(|(_, ppm)| *ppm)
            .sum()
    }
}

/// Percentage points, 0 to 100, up to four decimals, into ppm of P.
fn parse_points(text: &str) -> Result<i64, String> {
    let ppm = decimal::parse_scaled(text.trim(), POINT_PLACES).map_err(|e| e.to_string())?;
    if ppm > MAX_EXTRA_POINTS * PPM_PER_POINT {
        Err(format!("must be at most {MAX_EXTRA_POINTS} percentage points"))
    } else {
        Ok(ppm)
    }
}

/// A single-transaction limit: above zero, at most the annual limit (a larger one
/// would change nothing, since the annual limit binds first).
fn parse_single_limit(text: &str) -> Result<Cny, String> {
    let limit = Cny::parse(text).map_err(|e| e.to_string())?;
    if limit <= Cny::ZERO {
        Err("must be greater than zero".into())
    } else if limit > ANNUAL_LIMIT {
        Err(format!("must be at most {ANNUAL_LIMIT} (the annual limit)"))
    } else {
        Ok(limit)
    }
}

/// What a scenario needs of a product: one unit of it, sold by its merchant.
#[derive(Debug, Clone, Copy)]
pub struct UnitProduct<'a> {
    pub price: Usd,
    pub weight_g: i64,
    pub net_content: NetContent,
    pub tax_class: &'a str,
    pub fulfilment: Fulfilment,
}

/// The tables in force: the product's class rates, the freight tariff, the FX rate.
#[derive(Debug, Clone, Copy)]
pub struct Tables<'a> {
    pub rates: &'a TaxRates,
    pub freight: &'a FreightRates,
    pub fx: FxRate,
}

/// One unit's one-line order under a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitPrice {
    pub regime: Regime,
    /// goods + freight is at most the rule's single-transaction limit.
    pub within_single_limit: bool,
    /// goods + freight is above the annual limit: the unit cannot come in under the
    /// CBEC rules at all (priced at full tax).
    pub over_annual_limit: bool,
    pub order: OrderTax,
}

impl UnitPrice {
    /// What the consumer pays: goods + freight + tax.
    pub fn total(&self) -> Cny {
        self.order.total
    }

    pub fn full_tax(&self) -> bool {
        self.regime == Regime::CbecFullTax
    }
}

/// A product's landed unit price today and under a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub before: UnitPrice,
    pub after: UnitPrice,
}

/// Prices one unit of `product`, bought alone, under `rule` (SPEC 2, 3, 5).
pub fn price_unit(product: &UnitProduct<'_>, tables: &Tables<'_>, rule: &ScenarioRule) -> UnitPrice {
    let goods = rule.fx(tables.fx).convert(product.price);
    let freight = freight(tables.freight, product.fulfilment, product.weight_g);
    let dutiable = Cny::from_minor(goods.minor().saturating_add(freight.minor()));
    let single_limit = rule.single_limit();
    let (regime, over_annual_limit) = match decide_regime_under(dutiable, true, Cny::ZERO, single_limit) {
        Ok(regime) => (regime, false),
        Err(LimitError::AnnualLimitExceeded { .. }) => (Regime::CbecFullTax, true),
        // Never for a single item, which may pass the single limit at full tax.
        Err(LimitError::SingleLimitExceeded { .. }) => (Regime::CbecFullTax, false),
    };
    let regime = if rule.cbec_preference { regime } else { Regime::CbecFullTax };
    let line = LineInput { goods, quantity: 1, net_content: product.net_content, rates: *tables.rates };
    let extra = ExtraDuty { ppm: rule.extra_duty_ppm(product.tax_class), in_cbec: rule.extra_duty_in_cbec };
    UnitPrice {
        regime,
        within_single_limit: dutiable <= single_limit,
        over_annual_limit,
        order: compute_order_tax_with(&[line], freight, regime, extra),
    }
}

/// `product`'s landed unit price under the tables in force and under `rule`.
pub fn compare(product: &UnitProduct<'_>, tables: &Tables<'_>, rule: &ScenarioRule) -> Comparison {
    Comparison {
        before: price_unit(product, tables, &ScenarioRule::baseline()),
        after: price_unit(product, tables, rule),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::ContentUnit;
    use crate::tax_class::CtThreshold;
    use proptest::prelude::*;

    const CLASSES: [&str; 8] = ["agri", "food", "wine", "cosmetics", "apparel", "household", "electronics", "meat"];
    const THRESHOLD: CtThreshold = CtThreshold { per_g_or_ml: Cny::from_minor(1000), per_piece: Cny::from_minor(1500) };

    /// The seeded table of SPEC 3, in the order of `CLASSES`.
    fn rates(class: &str) -> TaxRates {
        let (vat_ppm, ct_ppm, ct_threshold, mfn_duty_ppm) = match class {
            "agri" | "meat" => (90_000, 0, None, if class == "agri" { 150_000 } else { 120_000 }),
            "food" => (130_000, 0, None, 150_000),
            "wine" => (130_000, 100_000, None, 140_000),
            "cosmetics" => (130_000, 150_000, Some(THRESHOLD), 10_000),
            "apparel" => (130_000, 0, None, 70_000),
            "household" => (130_000, 0, None, 80_000),
            _ => (130_000, 0, None, 0),
        };
        TaxRates { vat_ppm, ct_ppm, ct_threshold, mfn_duty_ppm }
    }

    fn fx(text: &str) -> FxRate {
        FxRate::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn product(class: &'static str, cents: i64, weight_g: i64, fulfilment: Fulfilment) -> UnitProduct<'static> {
        UnitProduct {
            price: Usd::from_minor(cents),
            weight_g,
            net_content: NetContent { milli: 1_000, unit: ContentUnit::Piece },
            tax_class: class,
            fulfilment,
        }
    }

    fn rule(draft: RuleDraft) -> ScenarioRule {
        ScenarioRule::parse(&draft, &CLASSES).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn duty(class: &str, points: &str) -> ExtraDutyDraft {
        ExtraDutyDraft { tax_class: Some(class.into()), points: Some(points.into()) }
    }

    /// (total, regime, within the single limit) of one unit under `rule`, at 7.1.
    fn priced(p: &UnitProduct<'_>, rule: &ScenarioRule) -> (i64, Regime, bool) {
        let rates = rates(p.tax_class);
        let freight = FreightRates::default();
        let u = price_unit(p, &Tables { rates: &rates, freight: &freight, fx: fx("7.1") }, rule);
        (u.total().minor(), u.regime, u.within_single_limit)
    }

    #[test]
    fn household_unit_under_each_kind_of_rule() {
        // 10.00 USD × 7.1 = 71.00; 400 g by direct mail: freight 40.00; P = 111.00.
        let lamp = product("household", 1_000, 400, Fulfilment::DirectMail);
        // Today: VAT = 0.7 × 111.00 × 13% = 10.101 → 10.10; total 121.10.
        assert_eq!(priced(&lamp, &ScenarioRule::baseline()), (12_110, Regime::Cbec, true));
        // Full tax: duty = 111.00 × 8% = 8.88; VAT = 119.88 × 13% = 15.5844 → 15.58;
        // total 111.00 + 8.88 + 15.58 = 135.46.
        let full = rule(RuleDraft { cbec_preference: Some(false), ..RuleDraft::default() });
        assert_eq!(priced(&lamp, &full), (13_546, Regime::CbecFullTax, true));
        // +25 points on household, parcels spared: the CBEC price does not move.
        let spared = rule(RuleDraft { extra_duty: vec![duty("household", "25")], ..RuleDraft::default() });
        assert_eq!(priced(&lamp, &spared), (12_110, Regime::Cbec, true));
        // +25 points reaching parcels: duty = 111.00 × 25% = 27.75;
        // VAT = 0.7 × 138.75 × 13% = 12.62625 → 12.63; total 151.38.
        let parcels = rule(RuleDraft {
            extra_duty: vec![duty("household", "25")],
            extra_duty_in_cbec: Some(true),
            ..RuleDraft::default()
        });
        assert_eq!(priced(&lamp, &parcels), (15_138, Regime::Cbec, true));
        // Full tax and +25: d = 33%: duty 36.63; VAT = 147.63 × 13% = 19.1919 → 19.19;
        // total 166.82.
        let both = rule(RuleDraft {
            cbec_preference: Some(false),
            extra_duty: vec![duty("household", "25")],
            ..RuleDraft::default()
        });
        assert_eq!(priced(&lamp, &both), (16_682, Regime::CbecFullTax, true));
        // Another class's duty leaves it alone.
        let other = rule(RuleDraft {
            extra_duty: vec![duty("agri", "25")],
            extra_duty_in_cbec: Some(true),
            ..RuleDraft::default()
        });
        assert_eq!(priced(&lamp, &other), (12_110, Regime::Cbec, true));
    }

    #[test]
    fn fractional_points_on_every_class() {
        // 20.00 USD × 7.1 = 142.00; bonded: freight 10.00; P = 152.00 (agri: v 9%, MFN 15%).
        let syrup = product("agri", 2_000, 1_200, Fulfilment::Bonded);
        // Today: VAT = 0.7 × 152.00 × 9% = 9.576 → 9.58; total 161.58.
        assert_eq!(priced(&syrup, &ScenarioRule::baseline()).0, 16_158);
        // Full tax + 12.5 points for every class: d = 27.5%: duty 41.80;
        // VAT = 193.80 × 9% = 17.442 → 17.44; total 211.24.
        let r = rule(RuleDraft {
            cbec_preference: Some(false),
            extra_duty: vec![duty("*", "12.5")],
            ..RuleDraft::default()
        });
        assert_eq!(r.extra_duty_ppm("agri"), 125_000);
        assert_eq!(priced(&syrup, &r).0, 21_124);
        // Entries add up: * 12.5 and agri 2.5 make 15 points.
        let r = rule(RuleDraft { extra_duty: vec![duty("*", "12.5"), duty("agri", "2.5")], ..RuleDraft::default() });
        assert_eq!((r.extra_duty_ppm("agri"), r.extra_duty_ppm("wine")), (150_000, 125_000));
    }

    #[test]
    fn fx_and_single_limit_overrides_move_a_unit_across_the_limit() {
        // 700.00 USD × 7.1 = 4,970.00; 800 g direct: freight 60.00; P = 5,030.00 > 5,000.00:
        // full tax today, d = 0: VAT = 5,030.00 × 13% = 653.90; total 5,683.90.
        let laptop = product("electronics", 70_000, 800, Fulfilment::DirectMail);
        assert_eq!(priced(&laptop, &ScenarioRule::baseline()), (568_390, Regime::CbecFullTax, false));
        // A 6,000.00 limit: CBEC, VAT = 0.7 × 5,030.00 × 13% = 457.73; total 5,487.73.
        let limit = rule(RuleDraft { single_limit: Some("6000".into()), ..RuleDraft::default() });
        assert_eq!(priced(&laptop, &limit), (548_773, Regime::Cbec, true));
        // At 7.0: goods 4,900.00, P = 4,960.00: VAT = 451.36; total 5,411.36.
        let rate = rule(RuleDraft { fx_rate: Some("7.0".into()), ..RuleDraft::default() });
        assert_eq!(priced(&laptop, &rate), (541_136, Regime::Cbec, true));
        // Above the annual limit: 4,000.00 USD × 7.1 = 28,400.00 + 60.00: flagged, full tax.
        let rates = rates("electronics");
        let freight = FreightRates::default();
        let tables = Tables { rates: &rates, freight: &freight, fx: fx("7.1") };
        let big = price_unit(&product("electronics", 400_000, 800, Fulfilment::DirectMail), &tables, &limit);
        assert!(big.over_annual_limit && big.full_tax() && !big.within_single_limit);
        // VAT = 28,460.00 × 13% = 3,699.80.
        assert_eq!(big.total(), Cny::from_minor(2_846_000 + 369_980));
    }

    #[test]
    fn validation_names_each_field() {
        let draft = RuleDraft {
            cbec_preference: None,
            extra_duty: vec![
                duty("toys", "25"),
                duty("agri", "-1"),
                duty("food", "100.5"),
                duty("wine", "1.23456"),
                ExtraDutyDraft::default(),
            ],
            extra_duty_in_cbec: None,
            fx_rate: Some("seven".into()),
            single_limit: Some("0".into()),
        };
        let errors = ScenarioRule::parse(&draft, &CLASSES).err().unwrap_or_default();
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(
            fields,
            [
                (
                    "extra_duty[0].tax_class",
                    "must be one of the tax classes (agri, food, wine, cosmetics, apparel, household, electronics, meat) or * for all"
                ),
                ("extra_duty[1].points", "must not be negative"),
                ("extra_duty[2].points", "must be at most 100 percentage points"),
                ("extra_duty[3].points", "must have at most 4 decimal places"),
                ("extra_duty[4].tax_class", "is required"),
                ("extra_duty[4].points", "is required"),
                ("fx_rate", "must be a decimal number such as 12.34"),
                ("single_limit", "must be greater than zero"),
            ]
        );
        let too_high = RuleDraft { single_limit: Some("26000.01".into()), ..RuleDraft::default() };
        assert!(ScenarioRule::parse(&too_high, &CLASSES).is_err());
        let many = RuleDraft { extra_duty: vec![duty("*", "1"); 21], ..RuleDraft::default() };
        let errors = ScenarioRule::parse(&many, &CLASSES).err().unwrap_or_default();
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["extra_duty"]);
        // The edges are accepted: 0 and 100 points, 26,000.00.
        let edges = RuleDraft {
            extra_duty: vec![duty("*", "0"), duty("meat", "100")],
            single_limit: Some("26000".into()),
            ..RuleDraft::default()
        };
        let r = rule(edges);
        assert_eq!((r.extra_duty_ppm("meat"), r.single_limit()), (1_000_000, ANNUAL_LIMIT));
        assert_eq!(rule(RuleDraft::default()), ScenarioRule::baseline());
    }

    fn any_product() -> impl Strategy<Value = UnitProduct<'static>> {
        (
            1i64..=1_000_000,
            0i64..=20_000,
            1i64..=1_000_000,
            prop_oneof![Just(ContentUnit::Gram), Just(ContentUnit::Millilitre), Just(ContentUnit::Piece)],
            0..CLASSES.len(),
            prop_oneof![Just(Fulfilment::DirectMail), Just(Fulfilment::Bonded)],
        )
            .prop_map(|(cents, weight_g, milli, unit, class, fulfilment)| UnitProduct {
                price: Usd::from_minor(cents),
                weight_g,
                net_content: NetContent { milli, unit },
                tax_class: CLASSES[class],
                fulfilment,
            })
    }

    fn any_extra_duty() -> impl Strategy<Value = Vec<ExtraDutyDraft>> {
        prop::collection::vec(
            (prop_oneof![Just("*"), prop::sample::select(CLASSES.to_vec())], 0i64..=1_000_000).prop_map(
                |(class, ppm)| ExtraDutyDraft {
                    tax_class: Some(class.into()),
                    points: Some(decimal::format_scaled(ppm, POINT_PLACES)),
                },
            ),
            0..=3,
        )
    }

    /// Prices `p` under `rule` at `micros` with the default freight tariff.
    fn unit(p: &UnitProduct<'_>, micros: i64, rule: &ScenarioRule) -> UnitPrice {
        let rates = rates(p.tax_class);
        let freight = FreightRates::default();
        let fx = FxRate::from_micros(micros).unwrap_or_else(|e| panic!("{e}"));
        price_unit(p, &Tables { rates: &rates, freight: &freight, fx }, rule)
    }

    proptest! {
        #[test]
        fn a_rule_equal_to_the_baseline_changes_nothing(p in any_product(), micros in 1_000_000i64..=10_000_000) {
            let rates = rates(p.tax_class);
            let freight = FreightRates::default();
            let fx = FxRate::from_micros(micros).unwrap_or_else(|e| panic!("{e}"));
            let same = rule(RuleDraft {
                cbec_preference: Some(true),
                extra_duty: vec![duty("*", "0"), duty(p.tax_class, "0")],
                extra_duty_in_cbec: Some(true),
                fx_rate: Some(fx.to_string()),
                single_limit: Some("5000.00".into()),
            });
            let c = compare(&p, &Tables { rates: &rates, freight: &freight, fx }, &same);
            prop_assert_eq!(c.before, c.after);
        }

        #[test]
        fn extra_duty_never_lowers_a_price(
            p in any_product(),
            micros in 1_000_000i64..=10_000_000,
            extra in any_extra_duty(),
            in_cbec in any::<bool>(),
            preference in any::<bool>(),
        ) {
            let without = rule(RuleDraft { cbec_preference: Some(preference), ..RuleDraft::default() });
            let with = rule(RuleDraft {
                cbec_preference: Some(preference),
                extra_duty: extra,
                extra_duty_in_cbec: Some(in_cbec),
                ..RuleDraft::default()
            });
            let (a, b) = (unit(&p, micros, &without), unit(&p, micros, &with));
            prop_assert_eq!(a.regime, b.regime);
            prop_assert!(b.total() >= a.total(), "{:?} → {:?}", a.total(), b.total());
            prop_assert!(b.order.duty >= a.order.duty && b.order.vat >= a.order.vat);
        }

        #[test]
        fn full_tax_never_costs_less_than_cbec(
            p in any_product(),
            micros in 1_000_000i64..=10_000_000,
            extra in any_extra_duty(),
            in_cbec in any::<bool>(),
        ) {
            let draft = RuleDraft { extra_duty: extra, extra_duty_in_cbec: Some(in_cbec), ..RuleDraft::default() };
            let cbec = unit(&p, micros, &rule(draft.clone()));
            let full = unit(&p, micros, &rule(RuleDraft { cbec_preference: Some(false), ..draft }));
            prop_assert!(full.full_tax());
            prop_assert!(full.total() >= cbec.total());
            prop_assert_eq!(full.order.dutiable, cbec.order.dutiable);
        }

        #[test]
        fn results_are_whole_fen_rounded_once(
            p in any_product(),
            micros in 1_000_000i64..=10_000_000,
            extra in any_extra_duty(),
            in_cbec in any::<bool>(),
            preference in any::<bool>(),
        ) {
            let r = rule(RuleDraft {
                cbec_preference: Some(preference),
                extra_duty: extra,
                extra_duty_in_cbec: Some(in_cbec),
                ..RuleDraft::default()
            });
            let u = unit(&p, micros, &r);
            let o = &u.order;
            // The parts add up to the total exactly, in fen.
            prop_assert_eq!(o.total.minor(), o.goods.minor() + o.freight.minor() + o.duty.minor() + o.consumption_tax.minor() + o.vat.minor());
            // Goods are the fen nearest price × rate (half-up).
            let exact = i128::from(p.price.minor()) * i128::from(micros);
            prop_assert!((i128::from(o.goods.minor()) * 1_000_000 - exact).abs() <= 500_000);
            // The duty is the fen nearest P × d, d the rate the rule sets for this regime.
            let d = match (u.regime, in_cbec) {
                (Regime::CbecFullTax, _) => rates(p.tax_class).mfn_duty_ppm + r.extra_duty_ppm(p.tax_class),
                (Regime::Cbec, true) => r.extra_duty_ppm(p.tax_class),
                (Regime::Cbec, false) => 0,
            };
            let exact_duty = i128::from(o.dutiable.minor()) * i128::from(d);
            prop_assert!((i128::from(o.duty.minor()) * 1_000_000 - exact_duty).abs() <= 500_000);
        }
    }
}
