//! The impact dashboard's scenarios (`ImpactStore`): the SME, export, jobs and monthly
//! aggregations, worked out by hand below, and the headcount reports.
//!
//! Timestamps sit on month boundaries in UTC (the last microsecond of January, half a
//! second into March) so that both engines' month of a timestamp is pinned down.

use super::buy::{Buyer, buyer, change, new_order, place_ok, prepare};
use super::*;
use gateway_core::order::OrderStatus;
use gateway_store::MerchantProfile;
use gateway_store::{ExportGroup, HeadcountReport, ImpactData, MonthValue, ReportedJobs, SmeGroup, YearMonth};

pub(super) fn utc(text: &str) -> DateTime<Utc> {
    match DateTime::parse_from_rfc3339(text) {
        Ok(at) => at.with_timezone(&Utc),
        Err(error) => panic!("test timestamp {text:?}: {error}"),
    }
}

fn month(text: &str) -> YearMonth {
    YearMonth::parse(text).must_ok(text)
}

trait MustOk<T> {
    fn must_ok(self, what: &str) -> T;
}

impl<T, E: std::fmt::Debug> MustOk<T> for Result<T, E> {
    #[track_caller]
    fn must_ok(self, what: &str) -> T {
        match self {
            Ok(value) => value,
            Err(error) => panic!("{what}: {error:?}"),
        }
    }
}

/// A merchant of `state` and `kind`, created at `created_at`, active when `active`.
async fn merchant_of(
    store: &dyn Store,
    state_code: &str,
    kind: MerchantKind,
    exported_before: bool,
    employees: i64,
    created_at: &str,
    active: bool,
) -> Merchant {
    let owner = user(store, Role::Merchant).await;
    let new = NewMerchant {
        created_at: utc(created_at),
        profile: MerchantProfile { state: state(state_code), kind, exported_before, employees, ..profile() },
        ..new_merchant(owner.id)
    };
    let m = store.create_merchant(new).await.must("create a merchant");
    if active {
        store.set_merchant_status(m.id, MerchantStatus::Pending, MerchantStatus::Active).await.must("approve")
    } else {
        m
    }
}

/// A listed product of `merchant` in `class` at `cents`.
async fn product_in(store: &dyn Store, merchant: MerchantId, sku: &str, class: &str, cents: i64) -> Product {
    let new = NewProduct {
        fields: ProductFields {
            tax_class: class.into(),
            price: Usd::from_minor(cents),
            stock: 100,
            ..product_fields(sku, ProductStatus::Listed)
        },
        ..new_product(merchant, sku, ProductStatus::Listed)
    };
    store.create_product(new).await.must("create a product")
}

/// Places one order of `merchant` for `items` at `placed`, then moves it along `path`
/// (each status at its own time).
async fn order(
    store: &dyn Store,
    who: &Buyer,
    merchant: MerchantId,
    items: &[(&Product, i64)],
    placed: &str,
    path: &[(OrderStatus, &str)],
) {
    let new = new_order(merchant, items);
    let id = new.id;
    let checkout = prepare(store, who, vec![new], utc(placed)).await;
    place_ok(store, &checkout, "place an order").await;
    let mut from = OrderStatus::Paid;
    for (to, at) in path {
        store.change_order_status(change(id, from, *to, utc(at))).await.must("move the order along");
        from = *to;
    }
}

/// An empty store aggregates to nothing; then four merchants in two states, five
/// orders (two delivered, one cancelled, one only paid, one delivered then returned)
/// and three headcount reports give the figures worked out in the comments.
pub async fn impact_aggregates_smes_exports_jobs_and_months(store: &dyn Store) {
    assert_eq!(store.impact_data().await.must("impact_data of an empty store"), ImpactData::default());

    // A: Iowa farm, new to exporting, 6 employees, January.
    let a = merchant_of(store, "IA", MerchantKind::Farm, false, 6, "2026-01-15T10:00:00.123456Z", true).await;
    // B: Iowa brand that exported before, 20 employees, the last microsecond of January.
    let b = merchant_of(store, "IA", MerchantKind::Brand, true, 20, "2026-01-31T23:59:59.999999Z", true).await;
    // C: Wisconsin manufacturer still pending, February.
    let c = merchant_of(store, "WI", MerchantKind::Manufacturer, false, 3, "2026-02-01T00:00:00.000001Z", false).await;
    // D: Wisconsin farm, active, March; it sells but nothing is delivered.
    let d = merchant_of(store, "WI", MerchantKind::Farm, false, 4, "2026-03-10T08:00:00Z", true).await;

    let a_honey = product_in(store, a.id, "A-HONEY", "agri", 1_250).await;
    let a_crate = product_in(store, a.id, "A-CRATE", "household", 4_000).await;
    let b_cream = product_in(store, b.id, "B-CREAM", "cosmetics", 3_000).await;
    let b_sauce = product_in(store, b.id, "B-SAUCE", "food", 500).await;
    let d_oats = product_in(store, d.id, "D-OATS", "agri", 999).await;
    let jo = buyer(store).await;

    use OrderStatus::{Cancelled, Delivered, Returned, Shipped};
    // O1: A, honey 2 × 12.50 + crate 1 × 40.00 = 65.00, delivered 5 February.
    order(
        store,
        &jo,
        a.id,
        &[(&a_honey, 2), (&a_crate, 1)],
        "2026-02-01T09:00:00Z",
        &[(Shipped, "2026-02-02T09:00:00Z"), (Delivered, "2026-02-05T09:00:00Z")],
    )
    .await;
    // O2: B, cream 1 × 30.00 + sauce 3 × 5.00 = 45.00, delivered half a second into March.
    order(
        store,
        &jo,
        b.id,
        &[(&b_cream, 1), (&b_sauce, 3)],
        "2026-02-20T09:00:00Z",
        &[(Shipped, "2026-02-21T09:00:00Z"), (Delivered, "2026-03-01T00:00:00.5Z")],
    )
    .await;
    // O3: B, cream 2 × 30.00, cancelled: not counted.
    order(store, &jo, b.id, &[(&b_cream, 2)], "2026-02-22T09:00:00Z", &[(Cancelled, "2026-02-22T10:00:00Z")]).await;
    // O4: D, oats 1 × 9.99, only paid: not counted, D is not exporting.
    order(store, &jo, d.id, &[(&d_oats, 1)], "2026-03-11T09:00:00Z", &[]).await;
    // O5: A, honey 4 × 12.50, delivered in January, then returned: not counted, so
    // A's first delivery is O1's.
    order(
        store,
        &jo,
        a.id,
        &[(&a_honey, 4)],
        "2026-01-20T09:00:00Z",
        &[(Shipped, "2026-01-21T09:00:00Z"), (Delivered, "2026-01-25T09:00:00Z"), (Returned, "2026-02-10T09:00:00Z")],
    )
    .await;

    // Headcount: A reports 2025 (7) and 2026 (8, then 9, which replaces it); D (not
    // exporting) reports 10.
    let report = |merchant: MerchantId, year, employees, at: &str| HeadcountReport {
        merchant_id: merchant,
        year,
        employees,
        reported_at: utc(at),
    };
    for r in [
        report(a.id, 2025, 7, "2026-02-01T12:00:00.000001Z"),
        report(a.id, 2026, 8, "2026-02-02T12:00:00Z"),
        report(d.id, 2026, 10, "2026-03-12T12:00:00Z"),
    ] {
        assert_eq!(
            store.save_headcount(r.clone()).await.must("save_headcount"),
            r,
            "save_headcount answers the report"
        );
    }
    let replaced = report(a.id, 2026, 9, "2026-03-15T12:34:56.789012Z");
    store.save_headcount(replaced.clone()).await.must("save_headcount again for 2026");
    assert_eq!(
        store.headcount_reports(a.id).await.must("headcount_reports"),
        vec![replaced, report(a.id, 2025, 7, "2026-02-01T12:00:00.000001Z")],
        "headcount_reports: one per year, latest year first, the second 2026 report replacing the first"
    );
    assert!(store.headcount_reports(c.id).await.must("reports of C").is_empty(), "C has not reported");
    match store.save_headcount(report(MerchantId::new(), 2026, 1, "2026-03-15T00:00:00Z")).await {
        Err(StoreError::NotFound) => {}
        other => panic!("save_headcount of an unknown merchant: expected NotFound, got {other:?}"),
    }

    let data = store.impact_data().await.must("impact_data");
    let sme = |s: &str, kind, registered, active, exporting, first_time_exporters| SmeGroup {
        state: state(s),
        kind,
        registered,
        active,
        exporting,
        first_time_exporters,
    };
    assert_eq!(
        data.smes,
        vec![
            // B: exporting (O2), but it had exported before.
            sme("IA", MerchantKind::Brand, 1, 1, 1, 0),
            // A: exporting (O1), a first-time exporter.
            sme("IA", MerchantKind::Farm, 1, 1, 1, 1),
            // D: active, only a paid order.
            sme("WI", MerchantKind::Farm, 1, 1, 0, 0),
            // C: pending.
            sme("WI", MerchantKind::Manufacturer, 1, 0, 0, 0),
        ],
        "impact_data.smes: by state, then kind"
    );
    let export = |kind, class: &str, food, cents| ExportGroup {
        state: state("IA"),
        kind,
        tax_class: class.into(),
        class_is_food: food,
        goods_usd_cents: cents,
    };
    assert_eq!(
        data.exports,
        vec![
            export(MerchantKind::Brand, "cosmetics", false, 3_000),
            export(MerchantKind::Brand, "food", true, 1_500),
            export(MerchantKind::Farm, "agri", true, 2_500),
            export(MerchantKind::Farm, "household", false, 4_000),
        ],
        "impact_data.exports: USD goods of delivered orders only, by state, kind, class"
    );
    assert_eq!(data.delivered_orders, 2, "impact_data.delivered_orders: O1 and O2");
    assert_eq!(
        data.reported_jobs,
        ReportedJobs {
            merchants: 2,
            merchants_reporting: 1,
            // A's latest year (2026): 9.
            employees_reported: 9,
            employees_at_signup_of_reporting: 6,
            // B has not reported: 20 at sign-up. D's report does not count (not exporting).
            employees_at_signup_of_others: 20,
        },
        "impact_data.reported_jobs"
    );
    let mv = |m: &str, value| MonthValue { month: month(m), value };
    assert_eq!(
        data.registered_by_month,
        vec![mv("2026-01", 2), mv("2026-02", 1), mv("2026-03", 1)],
        "registered_by_month: B's last microsecond of January is January"
    );
    assert_eq!(
        data.first_export_by_month,
        vec![mv("2026-02", 1), mv("2026-03", 1)],
        "first_export_by_month: A in February (its January delivery was returned), B in March"
    );
    assert_eq!(
        data.export_cents_by_month,
        vec![mv("2026-02", 6_500), mv("2026-03", 4_500)],
        "export_cents_by_month: O1 in February, O2 in March"
    );
}
