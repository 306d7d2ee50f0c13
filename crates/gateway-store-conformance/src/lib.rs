//! One suite of store scenarios, run against every backend.
//!
//! Each scenario in [`scenarios`] is a `pub async fn(&dyn Store)` that receives a fresh,
//! migrated store and panics with a message naming what differed. A backend's test
//! binary turns the whole list into one `#[tokio::test]` per scenario with
//! [`store_conformance_tests!`], given an async factory that returns a [`Fixture`] (or
//! `None` to skip, e.g. when no PostgreSQL is configured):
//!
//! ```text
//! async fn fresh() -> Option<Fixture> { /* connect, migrate */ }
//! gateway_store_conformance::store_conformance_tests!(fresh);
//! ```
//!
//! [`pg`] creates and drops a throw-away PostgreSQL database per test, for this suite
//! and for any other test that needs one.

pub mod pg;
pub mod scenarios;

use gateway_store::Store;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;

/// A boxed, sendable future, as scenarios and teardowns are passed around.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A fresh, migrated store for one scenario, and what to do once it has run (close
/// the pool, drop the database or the temporary directory).
pub struct Fixture {
    store: Arc<dyn Store>,
    teardown: Option<BoxFuture<'static, ()>>,
}

impl Fixture {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store, teardown: None }
    }

    /// Runs `teardown` after the scenario, whether it passed or panicked.
    pub fn with_teardown(mut self, teardown: impl Future<Output = ()> + Send + 'static) -> Self {
        self.teardown = Some(Box::pin(teardown));
        self
    }

    pub fn store(&self) -> Arc<dyn Store> {
        Arc::clone(&self.store)
    }
}

/// Runs one scenario on its own task (so a panic is caught), tears the fixture down,
/// then re-raises the scenario's panic, if any, with its original message.
pub async fn run_scenario<S>(fixture: Fixture, scenario: S)
where
    S: for<'a> FnOnce(&'a dyn Store) -> BoxFuture<'a, ()> + Send + 'static,
{
    let Fixture { store, teardown } = fixture;
    let outcome = tokio::spawn(async move { scenario(&*store).await }).await;
    if let Some(teardown) = teardown {
        teardown.await;
    }
    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("the scenario's task failed: {error}"),
        }
    }
}

/// Polls every future on the current task until all are done; results in input order.
///
/// Scenarios borrow their store (`&dyn Store`), so their concurrent calls cannot be
/// spawned as `'static` tasks (`JoinSet`); driving them from one task still puts them
/// on separate pooled connections at once, which is the concurrency the database sees.
pub async fn join_all<'a, T: Send + 'a>(futures: Vec<BoxFuture<'a, T>>) -> Vec<T> {
    let mut slots: Vec<(BoxFuture<'a, T>, Option<T>)> = futures.into_iter().map(|f| (f, None)).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in slots.iter_mut() {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => *output = Some(value),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending { Poll::Pending } else { Poll::Ready(()) }
    })
    .await;
    slots.into_iter().filter_map(|(_, output)| output).collect()
}

/// One `#[tokio::test]` per scenario of [`scenarios`], each named after its scenario.
///
/// `$factory` is a path to `async fn() -> Option<Fixture>`; returning `None` skips the
/// test (the factory says why on stdout). The calling crate needs `tokio` (with the
/// `macros` and `rt-multi-thread` features) among its dev-dependencies.
#[macro_export]
macro_rules! store_conformance_tests {
    ($factory:path) => {
        $crate::__store_conformance_tests!($factory;
            users_round_trip,
            users_duplicate_email_conflicts,
            first_operator_is_created_once,
            first_operator_race_creates_at_most_one,
            sessions_expire_and_delete,
            merchants_round_trip,
            merchants_one_per_owner,
            merchants_profile_updates,
            merchants_status_is_conditional,
            merchants_list_filters_and_pages,
            tax_classes_are_seeded,
            products_round_trip,
            products_sku_is_unique_per_merchant,
            products_update_is_versioned,
            products_for_sale_follows_merchant_status,
            products_list_filters_and_pages,
            products_write_outbox_events,
            products_concurrent_updates_one_wins,
            outbox_claims_share_events_between_workers,
            fx_current_rate_is_the_latest,
            pristine_until_a_non_operator_signs_up,
            identities_round_trip_and_upsert,
            carts_round_trip_and_items,
            carts_concurrent_adds_all_count,
            carts_products_by_ids_returns_the_existing_ones,
            freight_rates_are_seeded,
            idempotency_keys_claim_complete_release,
            idempotency_concurrent_claims_one_wins,
            checkout_writes_everything,
            checkout_orders_list_newest_first,
            checkout_out_of_stock_rolls_back,
            checkout_needs_its_claim,
            checkout_changed_products_are_refused,
            checkout_annual_limit_rolls_back,
            checkout_last_units_race,
            checkout_crossed_lines_race_all_succeed,
            checkout_quota_race_never_overspends,
            order_status_ship_deliver_return,
            order_cancel_restores_stock_quota_and_refunds,
            wallet_payment_captures_once_and_declares,
            wallet_payment_expiry_releases_and_a_late_success_is_refunded,
            wallet_payment_news_race_decides_once,
            payment_tasks_are_shared_between_workers,
            search_feed_reads_the_outbox_as_a_log,
            search_feed_catalog_for_sale,
            search_feed_catalog_carries_fulfilment,
            search_feed_entries_by_product_and_merchant,
            search_feed_merchant_changes_write_events,
            search_feed_order_products,
            storefront_newest_for_sale_and_state_counts,
            impact_aggregates_smes_exports_jobs_and_months,
            admin_tax_class_update_rechecks_its_products,
            admin_freight_rates_round_trip,
            positive_list_lines_recheck_the_products_they_cover,
            merchant_profile_change_rechecks_its_products,
            weight_caps_are_charged_refused_and_given_back,
            admin_all_orders_newest_first_by_status,
            merchant_portal_orders_and_sales,
            food_readiness_products_and_confirmations,
            imports_products_by_sku_and_uploads_used_once,
            events_round_trip_and_update,
            events_fill_waitlist_and_promote,
            events_check_in_and_counts_by_state,
            events_last_seats_race,
            sourcing_requests_are_matched_once,
            sourcing_threads_keep_order_and_both_accept,
            bulk_load_rows_read_back_like_written_ones,
        );
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __store_conformance_tests {
    ($factory:path; $($scenario:ident),+ $(,)?) => {$(
        #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $scenario() {
            if let ::std::option::Option::Some(fixture) = $factory().await {
                $crate::run_scenario(fixture, |store| {
                    ::std::boxed::Box::pin($crate::scenarios::$scenario(store))
                })
                .await;
            }
        }
    )+};
}

#[cfg(test)]
mod tests {
    /// The macro's list and the scenarios module stay in step: a scenario that is
    /// written but not listed would silently never run.
    #[test]
    fn every_scenario_is_listed_in_the_macro() {
        // The scenarios of scenarios.rs and of its child modules (re-exported there).
        let scenarios = [
            include_str!("scenarios.rs"),
            include_str!("scenarios/buy.rs"),
            include_str!("scenarios/search_feed.rs"),
            include_str!("scenarios/storefront.rs"),
            include_str!("scenarios/impact.rs"),
            include_str!("scenarios/admin.rs"),
            include_str!("scenarios/buy/merchant_portal.rs"),
            include_str!("scenarios/buy/wallets.rs"),
            include_str!("scenarios/food_readiness.rs"),
            include_str!("scenarios/imports.rs"),
            include_str!("scenarios/bulk_load.rs"),
            include_str!("scenarios/positive_list.rs"),
            include_str!("scenarios/events.rs"),
            include_str!("scenarios/sourcing.rs"),
        ]
        .concat();
        let lib = include_str!("lib.rs");
        let listed: Vec<&str> = lib
            .split("$crate::__store_conformance_tests!($factory;")
            .nth(1)
            .and_then(|rest| rest.split(");").next())
            .map(|list| list.split(',').map(str::trim).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        let defined: Vec<&str> = scenarios
            .lines()
            .filter_map(|line| line.strip_prefix("pub async fn "))
            .filter_map(|rest| rest.split('(').next())
            .collect();
        assert!(!defined.is_empty(), "no scenarios found");
        for name in &defined {
            assert!(listed.contains(name), "scenario {name} is not listed in store_conformance_tests!");
        }
        for name in &listed {
            assert!(defined.contains(name), "{name} is listed but is not a scenario");
        }
    }

    #[tokio::test]
    async fn join_all_keeps_input_order() {
        let futures: Vec<super::BoxFuture<'_, u32>> = (0..5u32)
            .map(|i| {
                Box::pin(async move {
                    tokio::time::sleep(std::time::Duration::from_millis(u64::from(5 - i))).await;
                    i
                }) as super::BoxFuture<'_, u32>
            })
            .collect();
        assert_eq!(super::join_all(futures).await, vec![0, 1, 2, 3, 4]);
    }
}
