//! The impact dashboard (SPEC 8): how many US small businesses export through Gateway,
//! what they export, and how many jobs that supports, measured three ways, against the
//! 2017 pledge's goals of one million exporting SMEs and one million jobs.
//!
//! Every figure is recomputable by hand from the database. The store returns plain SQL
//! aggregations (gateway-sqlx `impact_store.rs`); this module only adds them up:
//!
//! - **registered** SMEs: every row of `merchants`, whatever its status;
//!   **active**: `status = 'active'`; **exporting**: with at least one order whose
//!   `status = 'delivered'` (a cancelled, paid, shipped or returned order does not
//!   count); **first-time exporters**: exporting and `exported_before = false`.
//! - **export value** (USD): Σ `order_lines.unit_price_usd_cents × quantity` over the
//!   lines of delivered orders — the US-dollar price each order recorded, not its CNY
//!   goods converted back. Farm goods: lines of a merchant whose `kind = 'farm'`, or
//!   whose tax class is a food class (`tax_classes.food`: agri, food, wine and meat in
//!   the seeded table — HS chapters 1–24, what USDA counts as agricultural).
//! - **jobs reported**: over exporting SMEs, the employees of each one's headcount
//!   report of its latest year, else its employees at sign-up.
//! - **jobs estimated**: farm goods × 7,580 and other goods × 4,269 jobs per US$1
//!   billion ([`jobs`]), rounded half-up to hundredths of a job.
//! - **jobs, one per exporting SME**: the 2017 pledge's arithmetic.
//! - **over time**: per calendar month (UTC) from the first merchant's to the current
//!   one, cumulative: merchants by `created_at`, exporting SMEs by their first
//!   delivery (`MIN(delivered_at)` of their delivered orders), export value by each
//!   delivered order's `delivered_at`. A later return removes an order from every
//!   month, so past months can go down: the figures describe the orders as they stand.

mod csv;
mod headcount;
pub mod jobs;

pub use csv::Figure;
pub use headcount::{HeadcountInput, HeadcountPage, HeadcountView, reportable_years};
pub use jobs::JobsEstimate;

use crate::{App, AppResult};
use chrono::{DateTime, Utc};
use gateway_core::decimal::format_scaled;
use gateway_core::merchant::{MerchantKind, UsState};
use gateway_store::{ImpactData, ReportedJobs, YearMonth};
use serde::Serialize;
use std::collections::BTreeMap;

/// The 2017 pledge's goals.
pub const GOAL_EXPORTING_SMES: i64 = 1_000_000;
pub const GOAL_JOBS: i64 = 1_000_000;

/// The longest history the dashboard draws, in months (a guard against a corrupt
/// timestamp far in the past; fifty years is more than Gateway will see).
const MAX_MONTHS: usize = 600;

pub const SOURCE_DATABASE: &str = "Gateway database";
pub const SOURCE_PLEDGE: &str = "The 2017 pledge to President-elect Trump (New York, January 2017): one million US \
     small businesses selling to Chinese consumers, one million US jobs in five years; \"if they each hire at least \
     one person, that gives you a million jobs\" (Alibaba Group, April 2017)";
pub const METHOD_REPORTED: &str = "Sum over exporting SMEs of the employees in each one's yearly headcount report \
     of its latest year; an SME that has not reported counts its employees at sign-up. Self-declared, not audited.";
pub const SOURCE_REPORTED: &str = "Merchants' own reports in Gateway (headcount_reports; merchants.employees)";
pub const METHOD_ESTIMATED: &str = "(farm goods in USD × 7,580 + other goods in USD × 4,269) / 1,000,000,000. \
     Farm goods: the lines of a farm merchant, and lines in a food tax class (agri, food, wine, meat: HS chapters \
     1–24). Economy-wide averages of jobs supported along the supply chain, not jobs at the SMEs. Each figure \
     rounded half-up once to hundredths of a job; the total from the exact sum.";
pub const METHOD_NAIVE: &str = "One job per exporting SME, the 2017 pledge's arithmetic.";

/// SMEs counted four ways.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SmeCounts {
    /// Every merchant profile, whatever its status.
    pub registered: i64,
    /// Approved and not suspended.
    pub active: i64,
    /// With at least one delivered order.
    pub exporting: i64,
    /// Exporting, and had not exported before joining.
    pub first_time_exporters: i64,
}

impl SmeCounts {
    fn add(&mut self, other: SmeCounts) {
        self.registered += other.registered;
        self.active += other.active;
        self.exporting += other.exporting;
        self.first_time_exporters += other.first_time_exporters;
    }
}

/// A tax class's export value, with its names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassValue {
    pub code: String,
    pub name_en: String,
    pub name_zh: String,
    /// A food class (farm goods for the estimate).
    pub food: bool,
    pub cents: i64,
}

/// One month of the history, cumulative up to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthPoint {
    pub month: YearMonth,
    pub registered: i64,
    pub exporting: i64,
    pub export_cents: i64,
}

/// The dashboard's figures as numbers (cents, hundredths of a job), for the page to
/// draw; [`Impact::view`] writes them for the API and [`Impact::figures`] for the CSV.
#[derive(Debug, Clone)]
pub struct Impact {
    pub generated_at: DateTime<Utc>,
    pub smes: SmeCounts,
    /// The states with at least one merchant, by code.
    pub smes_by_state: Vec<(UsState, SmeCounts)>,
    /// Every kind, in the order of `MerchantKind::ALL`.
    pub smes_by_kind: Vec<(MerchantKind, SmeCounts)>,
    pub export_cents: i64,
    pub farm_cents: i64,
    pub other_cents: i64,
    pub delivered_orders: i64,
    /// The states with delivered goods, by code.
    pub export_by_state: Vec<(UsState, i64)>,
    /// Every class of the tax-class table in its order (zero when nothing was
    /// delivered), then any class that orders recorded and the table no longer has.
    pub export_by_class: Vec<ClassValue>,
    pub reported: ReportedJobs,
    pub estimate: JobsEstimate,
    pub months: Vec<MonthPoint>,
}

impl Impact {
    /// Jobs reported: the latest reports plus the sign-up figures of the others.
    pub fn jobs_reported(&self) -> i64 {
        self.reported.employees_reported + self.reported.employees_at_signup_of_others
    }

    /// Jobs at one per exporting SME.
    pub fn jobs_naive(&self) -> i64 {
        self.smes.exporting
    }

    /// Change in headcount since sign-up of the SMEs that reported.
    pub fn change_since_signup(&self) -> i64 {
        self.reported.employees_reported - self.reported.employees_at_signup_of_reporting
    }

    pub fn exporting_percent(&self) -> String {
        jobs::percent_of_goal(self.smes.exporting, 1, GOAL_EXPORTING_SMES)
    }

    pub fn jobs_reported_percent(&self) -> String {
        jobs::percent_of_goal(self.jobs_reported(), 1, GOAL_JOBS)
    }

    pub fn jobs_estimated_percent(&self) -> String {
        jobs::percent_of_goal(self.estimate.total_hundredths, 100, GOAL_JOBS)
    }

    pub fn jobs_naive_percent(&self) -> String {
        jobs::percent_of_goal(self.jobs_naive(), 1, GOAL_JOBS)
    }
}

/// US cents as a two-decimal string.
pub fn usd(cents: i64) -> String {
    format_scaled(cents, 2)
}

/// Adds up the store's groups into the dashboard.
fn compute(data: ImpactData, classes: &[gateway_core::tax_class::TaxClass], now: DateTime<Utc>) -> Impact {
    let mut smes = SmeCounts::default();
    let mut by_state: BTreeMap<&'static str, (UsState, SmeCounts)> = BTreeMap::new();
    let mut by_kind: BTreeMap<&'static str, SmeCounts> = BTreeMap::new();
    for g in &data.smes {
        let counts = SmeCounts {
            registered: g.registered,
            active: g.active,
            exporting: g.exporting,
            first_time_exporters: g.first_time_exporters,
        };
        smes.add(counts);
        by_state.entry(g.state.as_str()).or_insert((g.state, SmeCounts::default())).1.add(counts);
        by_kind.entry(g.kind.as_str()).or_default().add(counts);
    }
    let smes_by_kind =
        MerchantKind::ALL.iter().map(|k| (*k, by_kind.get(k.as_str()).copied().unwrap_or_default())).collect();

    let (mut export_cents, mut farm_cents) = (0i64, 0i64);
    let mut export_by_state: BTreeMap<&'static str, (UsState, i64)> = BTreeMap::new();
    let mut class_cents: BTreeMap<String, (bool, i64)> = BTreeMap::new();
    for g in &data.exports {
        export_cents += g.goods_usd_cents;
        if g.kind == MerchantKind::Farm || g.class_is_food {
            farm_cents += g.goods_usd_cents;
        }
        export_by_state.entry(g.state.as_str()).or_insert((g.state, 0)).1 += g.goods_usd_cents;
        let entry = class_cents.entry(g.tax_class.clone()).or_insert((g.class_is_food, 0));
        entry.1 += g.goods_usd_cents;
    }
    let other_cents = export_cents - farm_cents;
    let mut export_by_class: Vec<ClassValue> = classes
        .iter()
        .map(|c| {
            let cents = class_cents.remove(&c.code).map_or(0, |(_, cents)| cents);
            let (code, name_en, name_zh) = (c.code.clone(), c.name_en.clone(), c.name_zh.clone());
            ClassValue { code, name_en, name_zh, food: c.food, cents }
        })
        .collect();
    // Classes the table no longer has keep their code as their name.
    export_by_class.extend(class_cents.into_iter().map(|(code, (food, cents))| ClassValue {
        name_en: code.clone(),
        name_zh: code.clone(),
        code,
        food,
        cents,
    }));

    let months = history(&data, now);
    Impact {
        generated_at: now,
        smes,
        smes_by_state: by_state.into_values().collect(),
        smes_by_kind,
        export_cents,
        farm_cents,
        other_cents,
        delivered_orders: data.delivered_orders,
        export_by_state: export_by_state.into_values().collect(),
        export_by_class,
        estimate: JobsEstimate::of(farm_cents, other_cents),
        reported: data.reported_jobs,
        months,
    }
}

/// The cumulative monthly series from the first month with data (the first
/// merchant's) to the current month, every month present.
fn history(data: &ImpactData, now: DateTime<Utc>) -> Vec<MonthPoint> {
    let series = [&data.registered_by_month, &data.first_export_by_month, &data.export_cents_by_month];
    let Some(first) = series.iter().flat_map(|s| s.iter().map(|m| m.month)).min() else {
        return Vec::new();
    };
    let last = series.iter().flat_map(|s| s.iter().map(|m| m.month)).max().unwrap_or(first).max(YearMonth::of(now));
    let of = |s: &[gateway_store::MonthValue]| -> BTreeMap<YearMonth, i64> {
        s.iter().map(|m| (m.month, m.value)).collect()
    };
    let (registered, exporting, cents) =
        (of(&data.registered_by_month), of(&data.first_export_by_month), of(&data.export_cents_by_month));
    let mut points = Vec::new();
    let mut point = MonthPoint { month: first, registered: 0, exporting: 0, export_cents: 0 };
    let mut month = first;
    loop {
        point.month = month;
        point.registered += registered.get(&month).copied().unwrap_or(0);
        point.exporting += exporting.get(&month).copied().unwrap_or(0);
        point.export_cents += cents.get(&month).copied().unwrap_or(0);
        points.push(point);
        if month >= last {
            break;
        }
        month = month.next();
    }
    // Keep the most recent months when the history is longer than the guard; their
    // cumulative values already include everything earlier.
    if points.len() > MAX_MONTHS {
        points.drain(..points.len() - MAX_MONTHS);
    }
    points
}

impl App {
    /// The dashboard's figures, computed now from one snapshot of the database.
    #[tracing::instrument(skip_all)]
    pub async fn impact(&self) -> AppResult<Impact> {
        let data = self.store.impact_data().await?;
        let classes = self.tax_table().await?;
        Ok(compute(data, &classes, gateway_core::clock::now()))
    }
}

// ---------------------------------------------------------------------------------
// The API's view
// ---------------------------------------------------------------------------------

/// `GET /api/v1/impact`: SPEC 8. Counts are integers, money two-decimal strings in
/// USD, estimated jobs two-decimal strings, percentages of a goal four-decimal strings.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImpactView {
    pub generated_at: DateTime<Utc>,
    pub goals: GoalsView,
    pub progress: ProgressView,
    pub smes: SmesView,
    pub export_value: ExportValueView,
    pub jobs: JobsView,
    /// One entry per calendar month (UTC), from the first merchant's to the current
    /// month; every figure cumulative to the month's end.
    pub over_time: Vec<MonthView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GoalsView {
    /// 1,000,000.
    pub exporting_smes: i64,
    /// 1,000,000.
    pub jobs: i64,
    pub source: &'static str,
}

/// Each figure as a percentage of its goal, rounded half-up to four decimals.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProgressView {
    pub exporting_smes_percent: String,
    pub jobs_reported_percent: String,
    pub jobs_estimated_percent: String,
    pub jobs_naive_percent: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SmesView {
    pub total: SmeCounts,
    /// The states with at least one merchant, by USPS code.
    pub by_state: Vec<SmesOfState>,
    /// farm, manufacturer, brand, retailer.
    pub by_kind: Vec<SmesOfKind>,
    pub method: &'static str,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SmesOfState {
    pub state: &'static str,
    #[serde(flatten)]
    pub counts: SmeCounts,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SmesOfKind {
    pub kind: &'static str,
    #[serde(flatten)]
    pub counts: SmeCounts,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExportValueView {
    /// Always `USD`.
    pub currency: &'static str,
    /// Goods value of delivered orders.
    pub total: String,
    pub delivered_orders: i64,
    /// Farm goods (see `jobs.estimated.method`).
    pub farm_goods: String,
    pub other_goods: String,
    /// The states with delivered goods, by USPS code.
    pub by_state: Vec<ValueOfState>,
    /// Every tax class, in the table's order.
    pub by_tax_class: Vec<ValueOfClass>,
    pub method: &'static str,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ValueOfState {
    pub state: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ValueOfClass {
    pub tax_class: String,
    pub name: ClassNameView,
    /// A food class: farm goods for the estimate.
    pub food: bool,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClassNameView {
    pub en: String,
    pub zh: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobsView {
    pub reported: ReportedJobsView,
    pub estimated: EstimatedJobsView,
    pub naive: NaiveJobsView,
}

/// Jobs reported by merchants: which figure each exporting SME contributes is shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportedJobsView {
    /// `jobs_from_reports + jobs_from_signup`.
    pub jobs: i64,
    pub exporting_smes: i64,
    /// Exporting SMEs counted by their latest yearly report.
    pub smes_with_report: i64,
    /// Exporting SMEs counted by their employees at sign-up (no report yet).
    pub smes_at_signup: i64,
    pub jobs_from_reports: i64,
    pub jobs_from_signup: i64,
    /// Latest reports minus the same SMEs' employees at sign-up.
    pub change_since_signup: i64,
    pub method: &'static str,
    pub source: &'static str,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EstimatedJobsView {
    /// Hundredths of a job, from the exact sum of both parts.
    pub jobs: String,
    pub farm: EstimatePartView,
    pub other: EstimatePartView,
    pub method: &'static str,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EstimatePartView {
    pub export_value: String,
    pub jobs_per_billion_usd: i64,
    /// The year the coefficient measures.
    pub coefficient_year: i32,
    pub jobs: String,
    pub source: &'static str,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NaiveJobsView {
    pub jobs: i64,
    pub method: &'static str,
    pub source: &'static str,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonthView {
    /// `YYYY-MM` (UTC).
    pub month: String,
    pub registered_smes: i64,
    pub exporting_smes: i64,
    pub export_value: String,
}

pub const METHOD_SMES: &str = "registered: every merchant profile, whatever its status; active: status active; \
     exporting: at least one order with status delivered; first-time exporters: exporting and exported_before \
     false. By the merchant's state and kind.";
pub const METHOD_EXPORT_VALUE: &str = "Sum of unit_price_usd_cents × quantity over the lines of orders with status \
     delivered (the US-dollar price each order recorded), by the merchant's state and the line's tax class.";

impl Impact {
    pub fn view(&self) -> ImpactView {
        ImpactView {
            generated_at: self.generated_at,
            goals: GoalsView { exporting_smes: GOAL_EXPORTING_SMES, jobs: GOAL_JOBS, source: SOURCE_PLEDGE },
            progress: ProgressView {
                exporting_smes_percent: self.exporting_percent(),
                jobs_reported_percent: self.jobs_reported_percent(),
                jobs_estimated_percent: self.jobs_estimated_percent(),
                jobs_naive_percent: self.jobs_naive_percent(),
            },
            smes: SmesView {
                total: self.smes,
                by_state: self
                    .smes_by_state
                    .iter()
                    .map(|(s, counts)| SmesOfState { state: s.as_str(), counts: *counts })
                    .collect(),
                by_kind: self
                    .smes_by_kind
                    .iter()
                    .map(|(k, counts)| SmesOfKind { kind: k.as_str(), counts: *counts })
                    .collect(),
                method: METHOD_SMES,
            },
            export_value: ExportValueView {
                currency: "USD",
                total: usd(self.export_cents),
                delivered_orders: self.delivered_orders,
                farm_goods: usd(self.farm_cents),
                other_goods: usd(self.other_cents),
                by_state: self
                    .export_by_state
                    .iter()
                    .map(|(s, cents)| ValueOfState { state: s.as_str(), value: usd(*cents) })
                    .collect(),
                by_tax_class: self
                    .export_by_class
                    .iter()
                    .map(|c| ValueOfClass {
                        tax_class: c.code.clone(),
                        name: ClassNameView { en: c.name_en.clone(), zh: c.name_zh.clone() },
                        food: c.food,
                        value: usd(c.cents),
                    })
                    .collect(),
                method: METHOD_EXPORT_VALUE,
            },
            jobs: JobsView {
                reported: ReportedJobsView {
                    jobs: self.jobs_reported(),
                    exporting_smes: self.reported.merchants,
                    smes_with_report: self.reported.merchants_reporting,
                    smes_at_signup: self.reported.merchants - self.reported.merchants_reporting,
                    jobs_from_reports: self.reported.employees_reported,
                    jobs_from_signup: self.reported.employees_at_signup_of_others,
                    change_since_signup: self.change_since_signup(),
                    method: METHOD_REPORTED,
                    source: SOURCE_REPORTED,
                },
                estimated: EstimatedJobsView {
                    jobs: jobs::hundredths(self.estimate.total_hundredths),
                    farm: EstimatePartView {
                        export_value: usd(self.farm_cents),
                        jobs_per_billion_usd: jobs::USDA_ERS_2013.jobs_per_billion_usd,
                        coefficient_year: jobs::USDA_ERS_2013.year,
                        jobs: jobs::hundredths(self.estimate.farm_hundredths),
                        source: jobs::USDA_ERS_2013.source,
                    },
                    other: EstimatePartView {
                        export_value: usd(self.other_cents),
                        jobs_per_billion_usd: jobs::ITA_2021.jobs_per_billion_usd,
                        coefficient_year: jobs::ITA_2021.year,
                        jobs: jobs::hundredths(self.estimate.other_hundredths),
                        source: jobs::ITA_2021.source,
                    },
                    method: METHOD_ESTIMATED,
                },
                naive: NaiveJobsView { jobs: self.jobs_naive(), method: METHOD_NAIVE, source: SOURCE_PLEDGE },
            },
            over_time: self
                .months
                .iter()
                .map(|m| MonthView {
                    month: m.month.to_string(),
                    registered_smes: m.registered,
                    exporting_smes: m.exporting,
                    export_value: usd(m.export_cents),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gateway_store::{ExportGroup, MonthValue, SmeGroup};

    fn state(code: &str) -> UsState {
        UsState::parse(code).unwrap()
    }

    fn ym(text: &str) -> YearMonth {
        YearMonth::parse(text).unwrap()
    }

    fn class(code: &str, food: bool) -> gateway_core::tax_class::TaxClass {
        gateway_core::tax_class::TaxClass {
            code: code.into(),
            name_en: format!("{code} (en)"),
            name_zh: format!("{code}（中）"),
            vat_ppm: 130_000,
            ct_ppm: 0,
            ct_threshold: None,
            mfn_duty_ppm: 0,
            food,
            positive_list: true,
        }
    }

    fn data() -> ImpactData {
        let sme = |s: &str, kind, registered, active, exporting, first| SmeGroup {
            state: state(s),
            kind,
            registered,
            active,
            exporting,
            first_time_exporters: first,
        };
        let export = |s: &str, kind, class: &str, food, cents| ExportGroup {
            state: state(s),
            kind,
            tax_class: class.into(),
            class_is_food: food,
            goods_usd_cents: cents,
        };
        ImpactData {
            smes: vec![
                sme("IA", MerchantKind::Farm, 3, 2, 2, 1),
                sme("IA", MerchantKind::Brand, 1, 1, 0, 0),
                sme("WI", MerchantKind::Manufacturer, 2, 2, 1, 1),
            ],
            exports: vec![
                // A farm's household goods are farm goods (by kind) …
                export("IA", MerchantKind::Farm, "household", false, 1_000),
                export("IA", MerchantKind::Farm, "agri", true, 2_500),
                // … and a manufacturer's food is farm goods (by class).
                export("WI", MerchantKind::Manufacturer, "food", true, 700),
                export("WI", MerchantKind::Manufacturer, "household", false, 4_000),
                export("WI", MerchantKind::Manufacturer, "retired", false, 30),
            ],
            delivered_orders: 4,
            reported_jobs: ReportedJobs {
                merchants: 3,
                merchants_reporting: 1,
                employees_reported: 9,
                employees_at_signup_of_reporting: 6,
                employees_at_signup_of_others: 15,
            },
            registered_by_month: vec![
                MonthValue { month: ym("2025-11"), value: 4 },
                MonthValue { month: ym("2026-01"), value: 2 },
            ],
            first_export_by_month: vec![MonthValue { month: ym("2026-01"), value: 3 }],
            export_cents_by_month: vec![
                MonthValue { month: ym("2026-01"), value: 8_000 },
                MonthValue { month: ym("2026-02"), value: 230 },
            ],
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-14T15:09:26Z").unwrap().with_timezone(&Utc)
    }

    #[test]
    fn groups_add_up_by_state_kind_and_class() {
        let i = compute(data(), &[class("agri", true), class("food", true), class("household", false)], now());
        assert_eq!(i.smes, SmeCounts { registered: 6, active: 5, exporting: 3, first_time_exporters: 2 });
        assert_eq!(i.smes_by_state.len(), 2);
        assert_eq!(
            i.smes_by_state[0],
            (state("IA"), SmeCounts { registered: 4, active: 3, exporting: 2, first_time_exporters: 1 })
        );
        let kinds: Vec<(&str, i64)> = i.smes_by_kind.iter().map(|(k, c)| (k.as_str(), c.registered)).collect();
        assert_eq!(kinds, [("farm", 3), ("manufacturer", 2), ("brand", 1), ("retailer", 0)]);

        // 1,000 + 2,500 + 700 + 4,000 + 30 cents.
        assert_eq!(i.export_cents, 8_230);
        // Farm: the farm's 1,000 + 2,500, and the food line 700.
        assert_eq!((i.farm_cents, i.other_cents), (4_200, 4_030));
        assert_eq!(i.export_by_state, vec![(state("IA"), 3_500), (state("WI"), 4_730)]);
        let classes: Vec<(&str, i64)> = i.export_by_class.iter().map(|c| (c.code.as_str(), c.cents)).collect();
        assert_eq!(classes, [("agri", 2_500), ("food", 700), ("household", 5_000), ("retired", 30)]);
        assert_eq!(i.export_by_class[3].name_en, "retired");

        // Reported: 9 by report + 15 at sign-up; change 9 − 6.
        assert_eq!((i.jobs_reported(), i.change_since_signup(), i.jobs_naive()), (24, 3, 3));
        assert_eq!(i.estimate, JobsEstimate::of(4_200, 4_030));
        assert_eq!(i.exporting_percent(), "0.0003");
        assert_eq!(i.jobs_reported_percent(), "0.0024");
    }

    #[test]
    fn history_is_cumulative_and_fills_every_month_to_now() {
        let i = compute(data(), &[], now());
        let months: Vec<(String, i64, i64, i64)> =
            i.months.iter().map(|m| (m.month.to_string(), m.registered, m.exporting, m.export_cents)).collect();
        assert_eq!(
            months,
            [
                ("2025-11".into(), 4, 0, 0),
                ("2025-12".into(), 4, 0, 0),
                ("2026-01".into(), 6, 3, 8_000),
                ("2026-02".into(), 6, 3, 8_230),
                ("2026-03".into(), 6, 3, 8_230),
            ]
        );
        let view = i.view();
        assert_eq!(view.over_time.last().unwrap().export_value, "82.30");
        assert!(compute(ImpactData::default(), &[], now()).months.is_empty());
    }

    #[test]
    fn the_view_writes_money_and_jobs_as_decimal_strings() {
        let v = compute(data(), &[class("agri", true)], now()).view();
        assert_eq!(v.export_value.total, "82.30");
        assert_eq!((v.export_value.farm_goods.as_str(), v.export_value.other_goods.as_str()), ("42.00", "40.30"));
        assert_eq!(v.jobs.reported.jobs, 24);
        assert_eq!((v.jobs.reported.smes_with_report, v.jobs.reported.smes_at_signup), (1, 2));
        assert_eq!(v.jobs.estimated.jobs, "0.00");
        assert_eq!(v.jobs.estimated.farm.jobs_per_billion_usd, 7_580);
        assert_eq!(v.jobs.estimated.other.jobs_per_billion_usd, 4_269);
        assert_eq!(v.goals.exporting_smes, 1_000_000);
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(
            json["smes"]["by_state"][0],
            serde_json::json!({"state": "IA", "registered": 4, "active": 3, "exporting": 2, "first_time_exporters": 1})
        );
    }
}
