//! What the impact dashboard (SPEC 8) reads, and the merchants' yearly headcount
//! reports it counts jobs from. Kept apart from the other traits: only the dashboard
//! and the headcount form use it.
//!
//! The store answers with small groups (by state, kind and tax class; by month), each
//! a plain SQL aggregation that can be recomputed by hand from the tables; the app
//! adds the groups up into the dashboard's figures. The definitions, in SQL, are in
//! `docs/API.md` ("Impact") and beside each query in `gateway-sqlx`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::MerchantId;
use gateway_core::merchant::{MerchantKind, UsState};

use crate::StoreResult;

/// A merchant's headcount in one calendar year, as it reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadcountReport {
    pub merchant_id: MerchantId,
    pub year: i32,
    pub employees: i64,
    pub reported_at: DateTime<Utc>,
}

/// The SMEs (merchants) of one state and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmeGroup {
    pub state: UsState,
    pub kind: MerchantKind,
    /// Every merchant profile, whatever its status.
    pub registered: i64,
    /// Status `active` now.
    pub active: i64,
    /// With at least one order whose status is `delivered`.
    pub exporting: i64,
    /// Exporting, and `exported_before` was false at sign-up.
    pub first_time_exporters: i64,
}

/// The goods value of delivered orders' lines of one merchant state, merchant kind
/// and tax class, in US cents: Σ `unit_price_usd_cents × quantity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportGroup {
    pub state: UsState,
    pub kind: MerchantKind,
    /// The line's tax class as the order recorded it.
    pub tax_class: String,
    /// Whether that class is a food class in the tax-class table now (false when the
    /// class is no longer in the table).
    pub class_is_food: bool,
    pub goods_usd_cents: i64,
}

/// The headcount of the exporting SMEs: each merchant's report of its latest year,
/// else its employees at sign-up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportedJobs {
    /// Exporting SMEs (as in [`SmeGroup::exporting`]).
    pub merchants: i64,
    /// Of them, those with at least one headcount report.
    pub merchants_reporting: i64,
    /// Σ the latest report's employees, over the reporting ones.
    pub employees_reported: i64,
    /// Σ employees at sign-up, over the same reporting ones (for the change).
    pub employees_at_signup_of_reporting: i64,
    /// Σ employees at sign-up, over the exporting SMEs without a report.
    pub employees_at_signup_of_others: i64,
}

/// A calendar month in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl YearMonth {
    /// `YYYY-MM`, as the store's queries write months.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let (y, m) = text.split_once('-').ok_or("not YYYY-MM")?;
        let year: i32 = y.parse().map_err(|_| "not YYYY-MM")?;
        let month: u32 = m.parse().map_err(|_| "not YYYY-MM")?;
        if y.len() != 4 || m.len() != 2 || !(1..=12).contains(&month) {
            return Err("not YYYY-MM");
        }
        Ok(YearMonth { year, month })
    }

    /// The month of `at` (UTC).
    pub fn of(at: DateTime<Utc>) -> Self {
        use chrono::Datelike;
        YearMonth { year: at.year(), month: at.month() }
    }

    /// The month after this one.
    pub fn next(self) -> Self {
        if self.month == 12 {
            YearMonth { year: self.year + 1, month: 1 }
        } else {
            YearMonth { year: self.year, month: self.month + 1 }
        }
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// One number for one month (not cumulative).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthValue {
    pub month: YearMonth,
    pub value: i64,
}

/// Everything the dashboard is computed from, read in one consistent snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImpactData {
    /// By state, then kind; only groups with at least one merchant.
    pub smes: Vec<SmeGroup>,
    /// By state, kind, then tax class; only groups with delivered goods.
    pub exports: Vec<ExportGroup>,
    /// Orders whose status is `delivered`.
    pub delivered_orders: i64,
    pub reported_jobs: ReportedJobs,
    /// Merchants by the month (UTC) of `created_at`.
    pub registered_by_month: Vec<MonthValue>,
    /// Exporting merchants by the month (UTC) of their first delivery: the earliest
    /// `delivered_at` among their orders whose status is `delivered`.
    pub first_export_by_month: Vec<MonthValue>,
    /// Delivered goods in US cents by the month (UTC) of each order's `delivered_at`.
    pub export_cents_by_month: Vec<MonthValue>,
}

#[async_trait]
pub trait ImpactStore: Send + Sync {
    /// The dashboard's aggregations, all from one snapshot of the database (a
    /// read-only repeatable-read transaction on PostgreSQL, one read transaction on
    /// SQLite), so that they add up.
    async fn impact_data(&self) -> StoreResult<ImpactData>;
    /// Saves the report, replacing the merchant's report of the same year if any.
    /// `NotFound` when the merchant does not exist.
    async fn save_headcount(&self, report: HeadcountReport) -> StoreResult<HeadcountReport>;
    /// A merchant's reports, latest year first.
    async fn headcount_reports(&self, merchant: MerchantId) -> StoreResult<Vec<HeadcountReport>>;
}
