//! The reference data every price is made of — the FX rate, the tax classes, the
//! freight rates — kept in memory by each server.
//!
//! A checkout and a product page each read all three, and the operator changes them
//! a few times a year: reading them from the database every time cost three
//! statements per checkout. A server drops its copy when it changes the data itself
//! (at once) and when its outbox follower reads another server's change (the
//! `reference.*` events, within the follower's poll), and reloads a copy older than
//! `MAX_AGE` in any case: that bounds how long a change made behind Gateway's back (SQL
//! by hand) or on a server without a follower goes unseen.

use crate::{App, AppResult};
use gateway_core::tax_class::TaxClass;
use gateway_store::{FreightTable, FxQuote, StoreResult};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest a copy is used without being reloaded.
pub const MAX_AGE: Duration = Duration::from_secs(10);

#[derive(Default)]
pub(crate) struct ReferenceCache {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Moves on every `forget`: a load that began before it must not store what it read.
    generation: u64,
    fx: Option<Held<Option<FxQuote>>>,
    tax_classes: Option<Held<Arc<[TaxClass]>>>,
    freight: Option<Held<FreightTable>>,
}

struct Held<T> {
    value: T,
    loaded: Instant,
}

impl ReferenceCache {
    /// Drops every copy: the next reader loads from the database.
    pub(crate) fn forget(&self) {
        let mut state = self.lock();
        state.generation += 1;
        state.fx = None;
        state.tax_classes = None;
        state.freight = None;
    }

    pub(crate) async fn fx(
        &self,
        load: impl Future<Output = StoreResult<Option<FxQuote>>>,
    ) -> StoreResult<Option<FxQuote>> {
        self.get(|s| &mut s.fx, load).await
    }

    pub(crate) async fn tax_classes(
        &self,
        load: impl Future<Output = StoreResult<Arc<[TaxClass]>>>,
    ) -> StoreResult<Arc<[TaxClass]>> {
        self.get(|s| &mut s.tax_classes, load).await
    }

    pub(crate) async fn freight(
        &self,
        load: impl Future<Output = StoreResult<FreightTable>>,
    ) -> StoreResult<FreightTable> {
        self.get(|s| &mut s.freight, load).await
    }

    /// The copy in `slot` if it is fresh, else what `load` reads, kept unless a
    /// `forget` came in meanwhile (the read may predate the change it announced).
    async fn get<T: Clone>(
        &self,
        slot: fn(&mut State) -> &mut Option<Held<T>>,
        load: impl Future<Output = StoreResult<T>>,
    ) -> StoreResult<T> {
        let generation = {
            let mut state = self.lock();
            if let Some(copy) = slot(&mut state).as_ref().filter(|c| c.loaded.elapsed() < MAX_AGE) {
                return Ok(copy.value.clone());
            }
            state.generation
        };
        let loaded = Instant::now();
        let value = load.await?;
        let mut state = self.lock();
        if state.generation == generation {
            *slot(&mut state) = Some(Held { value: value.clone(), loaded });
        }
        Ok(value)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a set of independent copies: one a panicking reader left
        // behind is still whole.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl App {
    /// The USD→CNY rate in force, None until the operator sets one.
    #[tracing::instrument(skip_all)]
    pub async fn current_fx(&self) -> AppResult<Option<FxQuote>> {
        Ok(self.reference.fx(self.store.current_fx_rate()).await?)
    }

    /// Every tax class, in the table's order.
    pub(crate) async fn tax_table(&self) -> AppResult<Arc<[TaxClass]>> {
        Ok(self.reference.tax_classes(async { Ok(Arc::from(self.store.tax_classes().await?)) }).await?)
    }

    /// The freight tariff in force.
    pub(crate) async fn freight_table(&self) -> AppResult<FreightTable> {
        Ok(self.reference.freight(self.store.freight_rates()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gateway_core::FxRate;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn quote(rate: &str) -> Option<FxQuote> {
        Some(FxQuote { rate: FxRate::parse(rate).unwrap(), as_of: chrono::DateTime::UNIX_EPOCH })
    }

    #[tokio::test]
    async fn a_copy_is_read_once_until_forgotten() {
        let cache = ReferenceCache::default();
        let loads = AtomicU32::new(0);
        let load = |rate: &'static str| {
            let loads = &loads;
            async move {
                loads.fetch_add(1, Ordering::SeqCst);
                Ok(quote(rate))
            }
        };
        assert_eq!(cache.fx(load("7.1")).await.unwrap(), quote("7.1"));
        assert_eq!(cache.fx(load("7.2")).await.unwrap(), quote("7.1"), "the copy, not a second read");
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        cache.forget();
        assert_eq!(cache.fx(load("7.2")).await.unwrap(), quote("7.2"), "read again after forget");
        assert_eq!(loads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_read_that_a_forget_overtook_is_not_kept() {
        let cache = ReferenceCache::default();
        // The read starts, the data changes and the cache is told, then the read
        // (of the old value) finishes: it is answered but not kept.
        let stale = cache.fx(async {
            cache.forget();
            Ok(quote("7.1"))
        });
        assert_eq!(stale.await.unwrap(), quote("7.1"));
        assert_eq!(cache.fx(async { Ok(quote("7.3")) }).await.unwrap(), quote("7.3"), "the next reader reads anew");
        assert_eq!(cache.fx(async { Ok(quote("9.9")) }).await.unwrap(), quote("7.3"), "and that one is kept");
    }

    #[tokio::test]
    async fn a_failed_read_keeps_nothing() {
        let cache = ReferenceCache::default();
        let failed = cache.fx(async { Err(gateway_store::StoreError::NotFound) }).await;
        assert!(failed.is_err());
        assert_eq!(cache.fx(async { Ok(quote("7.1")) }).await.unwrap(), quote("7.1"));
    }

    #[tokio::test]
    async fn each_kind_has_its_own_copy() {
        let cache = ReferenceCache::default();
        let classes: Arc<[TaxClass]> = Arc::from(Vec::new());
        cache.tax_classes(async { Ok(classes.clone()) }).await.unwrap();
        let freight = FreightTable {
            direct_first_500g: gateway_core::Cny::from_minor(1_000),
            direct_each_further_500g: gateway_core::Cny::from_minor(500),
            bonded_flat: gateway_core::Cny::from_minor(800),
        };
        assert_eq!(cache.freight(async { Ok(freight) }).await.unwrap(), freight);
        assert_eq!(cache.fx(async { Ok(quote("7.1")) }).await.unwrap(), quote("7.1"), "fx is not freight's copy");
    }
}
