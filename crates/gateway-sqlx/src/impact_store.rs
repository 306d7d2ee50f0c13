//! The impact dashboard's queries (`ImpactStore`) and the headcount reports.
//!
//! Every figure of the dashboard is one of the aggregations below, added up by the app.
//! They are the definitions docs/API.md ("Impact") gives, so a figure can be checked
//! by running the same SQL by hand. Sums are cast to BIGINT because PostgreSQL's
//! `SUM(bigint)` is `numeric`.
//!
//! Two things differ between the engines, chosen by the backend name `impl_store!`
//! passes: the month of a timestamp (SQLite keeps RFC 3339 text written by sqlx, always
//! in UTC, so its first seven characters are the month; PostgreSQL formats a
//! `timestamptz` in UTC), and how the one read-only snapshot begins.

/// The three monthly series, each `(month, value)` by month: merchants by the month
/// they signed up; exporting merchants by the month of their first delivery (the
/// earliest `delivered_at` among their delivered orders); delivered goods in US cents
/// by the month of delivery. `$open column $close` is the UTC month of a timestamp
/// as `YYYY-MM` in the engine's SQL.
#[macro_export]
#[doc(hidden)]
macro_rules! impact_monthly_sql {
    ($open:literal, $close:literal) => {
        [
            concat!(
                "SELECT mo, CAST(COUNT(*) AS BIGINT) FROM (SELECT ",
                $open,
                "created_at",
                $close,
                " AS mo FROM merchants) x GROUP BY mo ORDER BY mo"
            ),
            concat!(
                "SELECT mo, CAST(COUNT(*) AS BIGINT) FROM (SELECT ",
                $open,
                "first_at",
                $close,
                " AS mo FROM (SELECT merchant_id, MIN(delivered_at) AS first_at FROM orders \
                 WHERE status = 'delivered' GROUP BY merchant_id) f) x GROUP BY mo ORDER BY mo"
            ),
            concat!(
                "SELECT mo, CAST(SUM(v) AS BIGINT) FROM (SELECT ",
                $open,
                "o.delivered_at",
                $close,
                " AS mo, l.unit_price_usd_cents * l.quantity AS v FROM orders o \
                 JOIN order_lines l ON l.order_id = o.id WHERE o.status = 'delivered') x GROUP BY mo ORDER BY mo"
            ),
        ]
    };
}

/// Implements `ImpactStore`; called by `impl_store!`.
#[macro_export]
#[doc(hidden)]
macro_rules! impl_impact_store {
    ($store:ty, $db:ty, $backend:literal) => {
        const _: () = {
            use $crate::async_trait::async_trait;
            use $crate::chrono::{DateTime, Utc};
            use $crate::gateway_core::MerchantId;
            use $crate::gateway_core::merchant::{MerchantKind, UsState};
            use $crate::gateway_store::*;
            use $crate::sqlx;
            use $crate::{backend, map_err};

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

            const MONTHLY_SQLITE: [&str; 3] = $crate::impact_monthly_sql!("substr(", ", 1, 7)");
            const MONTHLY_POSTGRES: [&str; 3] = $crate::impact_monthly_sql!("to_char(", " AT TIME ZONE 'UTC', 'YYYY-MM')");

            fn monthly_sql() -> [&'static str; 3] {
                if $backend == "sqlite" { MONTHLY_SQLITE } else { MONTHLY_POSTGRES }
            }

            /// One snapshot for every query: SQLite's read transaction sees the
            /// database as of its first read; PostgreSQL needs repeatable read for
            /// that (read committed takes a new snapshot per statement).
            fn begin_read() -> &'static str {
                if $backend == "sqlite" { "BEGIN" } else { "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY" }
            }

            fn months(rows: Vec<(Option<String>, i64)>, what: &'static str) -> StoreResult<Vec<MonthValue>> {
                rows.into_iter()
                    .filter_map(|(month, value)| month.map(|m| (m, value)))
                    .map(|(month, value)| Ok(MonthValue { month: StoreError::decode(what, YearMonth::parse(&month))?, value }))
                    .collect()
            }

            #[async_trait]
            impl ImpactStore for $store {
                async fn impact_data(&self) -> StoreResult<ImpactData> {
                    let mut tx = self.pool.begin_with(begin_read()).await.map_err(backend)?;

                    let rows: Vec<(String, String, i64, i64, i64, i64)> =
                        sqlx::query_as(SMES).fetch_all(&mut *tx).await.map_err(backend)?;
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

                    let rows: Vec<(String, String, String, i64, i64)> =
                        sqlx::query_as(EXPORTS).fetch_all(&mut *tx).await.map_err(backend)?;
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

                    let (delivered_orders,): (i64,) =
                        sqlx::query_as(DELIVERED_ORDERS).fetch_one(&mut *tx).await.map_err(backend)?;

                    let (merchants, merchants_reporting, employees_reported, at_signup_reporting, at_signup_others): (
                        i64,
                        i64,
                        i64,
                        i64,
                        i64,
                    ) = sqlx::query_as(REPORTED_JOBS).fetch_one(&mut *tx).await.map_err(backend)?;
                    let reported_jobs = ReportedJobs {
                        merchants,
                        merchants_reporting,
                        employees_reported,
                        employees_at_signup_of_reporting: at_signup_reporting,
                        employees_at_signup_of_others: at_signup_others,
                    };

                    let [registered_sql, first_export_sql, export_sql] = monthly_sql();
                    let registered: Vec<(Option<String>, i64)> =
                        sqlx::query_as(registered_sql).fetch_all(&mut *tx).await.map_err(backend)?;
                    let first_export: Vec<(Option<String>, i64)> =
                        sqlx::query_as(first_export_sql).fetch_all(&mut *tx).await.map_err(backend)?;
                    let export: Vec<(Option<String>, i64)> =
                        sqlx::query_as(export_sql).fetch_all(&mut *tx).await.map_err(backend)?;
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
                    sqlx::query(
                        "INSERT INTO headcount_reports (merchant_id, year, employees, reported_at) \
                         VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (merchant_id, year) \
                         DO UPDATE SET employees = excluded.employees, reported_at = excluded.reported_at",
                    )
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
                    let rows: Vec<(i64, i64, DateTime<Utc>)> = sqlx::query_as(
                        "SELECT year, employees, reported_at FROM headcount_reports \
                         WHERE merchant_id = $1 ORDER BY year DESC",
                    )
                    .bind(merchant.as_uuid())
                    .fetch_all(&self.pool)
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
        };
    };
}
