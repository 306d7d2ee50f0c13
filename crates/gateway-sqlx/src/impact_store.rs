//! The impact dashboard's queries (`ImpactStore`) and the headcount reports.
//!
//! Every figure of the dashboard is one of the aggregations below, added up by the app.
//! They are the definitions docs/API.md ("Impact") gives, so a figure can be checked
//! by running the same SQL by hand. Sums are cast to BIGINT because PostgreSQL's
//! `SUM(bigint)` is `numeric`.
//!
//! Two things differ between the engines, and come from the `Engine`: the month of a
//! timestamp (`Engine::utc_month`) and how the one read-only snapshot begins
//! (`Engine::BEGIN_SNAPSHOT`).

use crate::engine::{Engine, SqlStore};
use crate::sql::{Sql, sql};
use crate::{backend, map_err};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::MerchantId;
use gateway_core::merchant::{MerchantKind, UsState};
use gateway_store::*;

/// The three monthly series, each `(month, value)` by month: merchants by the month
/// they signed up; exporting merchants by the month of their first delivery (the
/// earliest `delivered_at` among their delivered orders); delivered goods in US cents
/// by the month of delivery. Months are the engine's `Engine::utc_month`.
fn monthly_sql<E: Engine>() -> [Sql<'static>; 3] {
    let registered = E::utc_month("created_at");
    let first_export = E::utc_month("first_at");
    let delivered = E::utc_month("o.delivered_at");
    [
        format!(
            "SELECT mo, CAST(COUNT(*) AS BIGINT) FROM (SELECT {registered} AS mo FROM merchants) x \
             GROUP BY mo ORDER BY mo"
        ),
        format!(
            "SELECT mo, CAST(COUNT(*) AS BIGINT) FROM (SELECT {first_export} AS mo FROM \
             (SELECT merchant_id, MIN(delivered_at) AS first_at FROM orders \
             WHERE status = 'delivered' GROUP BY merchant_id) f) x GROUP BY mo ORDER BY mo"
        ),
        format!(
            "SELECT mo, CAST(SUM(v) AS BIGINT) FROM (SELECT {delivered} AS mo, \
             l.unit_price_usd_cents * l.quantity AS v FROM orders o \
             JOIN order_lines l ON l.order_id = o.id WHERE o.status = 'delivered') x GROUP BY mo ORDER BY mo"
        ),
    ]
    .map(|text| Sql::new(sqlx::AssertSqlSafe(text)))
}

/// SMEs by state and kind. registered: every merchant row; active: status
/// 'active'; exporting: at least one order with status 'delivered';
/// first-time: exporting and exported_before false.
const SMES: &str = "SELECT m.state, m.kind, \
     CAST(COUNT(*) AS BIGINT), \
     CAST(SUM(CASE WHEN m.status = 'active' THEN 1 ELSE 0 END) AS BIGINT), \
     CAST(SUM(CASE WHEN e.merchant_id IS NULL THEN 0 ELSE 1 END) AS BIGINT), \
     CAST(SUM(CASE WHEN e.merchant_id IS NOT NULL AND NOT m.exported_before THEN 1 ELSE 0 END) AS BIGINT) \
     FROM merchants m \
     LEFT JOIN (SELECT DISTINCT merchant_id FROM orders WHERE status = 'delivered') e \
       ON e.merchant_id = m.id \
     GROUP BY m.state, m.kind ORDER BY m.state, m.kind";

/// Export value: the USD goods of delivered orders' lines (the price in US
/// cents the order recorded, times the quantity), by the merchant's state
/// and kind and the line's tax class, with whether that class is a food
/// class in the tax-class table.
const EXPORTS: &str = "SELECT m.state, m.kind, l.tax_class, \
     CAST(CASE WHEN t.food THEN 1 ELSE 0 END AS BIGINT), \
     CAST(SUM(l.unit_price_usd_cents * l.quantity) AS BIGINT) \
     FROM orders o \
     JOIN order_lines l ON l.order_id = o.id \
     JOIN merchants m ON m.id = o.merchant_id \
     LEFT JOIN tax_classes t ON t.code = l.tax_class \
     WHERE o.status = 'delivered' \
     GROUP BY m.state, m.kind, l.tax_class, t.food \
     ORDER BY m.state, m.kind, l.tax_class";

const DELIVERED_ORDERS: &str = "SELECT CAST(COUNT(*) AS BIGINT) FROM orders WHERE status = 'delivered'";

/// The exporting SMEs' headcount: the report of each one's latest year,
/// else its employees at sign-up.
const REPORTED_JOBS: &str = "SELECT CAST(COUNT(*) AS BIGINT), \
     CAST(COALESCE(SUM(CASE WHEN h.employees IS NULL THEN 0 ELSE 1 END), 0) AS BIGINT), \
     CAST(COALESCE(SUM(h.employees), 0) AS BIGINT), \
     CAST(COALESCE(SUM(CASE WHEN h.employees IS NULL THEN 0 ELSE m.employees END), 0) AS BIGINT), \
     CAST(COALESCE(SUM(CASE WHEN h.employees IS NULL THEN m.employees ELSE 0 END), 0) AS BIGINT) \
     FROM merchants m \
     LEFT JOIN headcount_reports h ON h.merchant_id = m.id \
       AND h.year = (SELECT MAX(h2.year) FROM headcount_reports h2 WHERE h2.merchant_id = m.id) \
     WHERE EXISTS (SELECT 1 FROM orders o WHERE o.merchant_id = m.id AND o.status = 'delivered')";

fn months(rows: Vec<(Option<String>, i64)>, what: &'static str) -> StoreResult<Vec<MonthValue>> {
    rows.into_iter()
        .filter_map(|(month, value)| month.map(|m| (m, value)))
        .map(|(month, value)| Ok(MonthValue { month: StoreError::decode(what, YearMonth::parse(&month))?, value }))
        .collect()
}

#[async_trait]
impl<E: Engine> ImpactStore for SqlStore<E> {
    async fn impact_data(&self) -> StoreResult<ImpactData> {
        let mut tx = self.reads().begin_with(E::BEGIN_SNAPSHOT).await.map_err(backend)?;

        let rows: Vec<(String, String, i64, i64, i64, i64)> = sql(SMES).fetch_all(&mut *tx).await.map_err(backend)?;
        let smes = rows
            .into_iter()
            .map(|(state, kind, registered, active, exporting, first_time_exporters)| {
                Ok(SmeGroup {
                    state: StoreError::decode("merchants.state", UsState::parse(&state))?,
                    kind: StoreError::decode("merchants.kind", MerchantKind::parse(&kind))?,
                    registered,
                    active,
                    exporting,
                    first_time_exporters,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;

        let rows: Vec<(String, String, String, i64, i64)> = sql(EXPORTS).fetch_all(&mut *tx).await.map_err(backend)?;
        let exports = rows
            .into_iter()
            .map(|(state, kind, tax_class, food, goods_usd_cents)| {
                Ok(ExportGroup {
                    state: StoreError::decode("merchants.state", UsState::parse(&state))?,
                    kind: StoreError::decode("merchants.kind", MerchantKind::parse(&kind))?,
                    tax_class,
                    class_is_food: food != 0,
                    goods_usd_cents,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;

        let (delivered_orders,): (i64,) = sql(DELIVERED_ORDERS).fetch_one(&mut *tx).await.map_err(backend)?;

        let (merchants, merchants_reporting, employees_reported, at_signup_reporting, at_signup_others): (
            i64,
            i64,
            i64,
            i64,
            i64,
        ) = sql(REPORTED_JOBS).fetch_one(&mut *tx).await.map_err(backend)?;
        let reported_jobs = ReportedJobs {
            merchants,
            merchants_reporting,
            employees_reported,
            employees_at_signup_of_reporting: at_signup_reporting,
            employees_at_signup_of_others: at_signup_others,
        };

        let [registered_sql, first_export_sql, export_sql] = monthly_sql::<E>();
        let registered: Vec<(Option<String>, i64)> = registered_sql.fetch_all(&mut *tx).await.map_err(backend)?;
        let first_export: Vec<(Option<String>, i64)> = first_export_sql.fetch_all(&mut *tx).await.map_err(backend)?;
        let export: Vec<(Option<String>, i64)> = export_sql.fetch_all(&mut *tx).await.map_err(backend)?;
        tx.commit().await.map_err(backend)?;

        Ok(ImpactData {
            smes,
            exports,
            delivered_orders,
            reported_jobs,
            registered_by_month: months(registered, "merchants.created_at")?,
            first_export_by_month: months(first_export, "orders.delivered_at")?,
            export_cents_by_month: months(export, "orders.delivered_at")?,
        })
    }

    async fn save_headcount(&self, report: HeadcountReport) -> StoreResult<HeadcountReport> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        sql("INSERT INTO headcount_reports (merchant_id, year, employees, reported_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (merchant_id, year) \
             DO UPDATE SET employees = excluded.employees, reported_at = excluded.reported_at")
        .bind(report.merchant_id.as_uuid())
        .bind(i64::from(report.year))
        .bind(report.employees)
        .bind(report.reported_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => map_err(e, "headcount"),
        })?;
        tx.commit().await.map_err(backend)?;
        Ok(report)
    }

    async fn headcount_reports(&self, merchant: MerchantId) -> StoreResult<Vec<HeadcountReport>> {
        let rows: Vec<(i64, i64, DateTime<Utc>)> = sql("SELECT year, employees, reported_at FROM headcount_reports \
             WHERE merchant_id = $1 ORDER BY year DESC")
        .bind(merchant.as_uuid())
        .fetch_all(self.reads())
        .await
        .map_err(backend)?;
        rows.into_iter()
            .map(|(year, employees, reported_at)| {
                Ok(HeadcountReport {
                    merchant_id: merchant,
                    year: StoreError::decode("headcount_reports.year", i32::try_from(year))?,
                    employees,
                    reported_at,
                })
            })
            .collect()
    }
}
