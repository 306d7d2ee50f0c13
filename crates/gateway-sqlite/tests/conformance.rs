//! The store conformance suite on SQLite: each scenario gets a fresh database file in
//! its own temporary directory (a file, not `:memory:`, so WAL and the writer's and the
//! readers' connections are the real ones).

use gateway_store_conformance::Fixture;
use std::sync::Arc;

async fn fresh_store() -> Option<Fixture> {
    let dir = match tempfile::TempDir::new() {
        Ok(dir) => dir,
        Err(error) => panic!("cannot create a temporary directory: {error}"),
    };
    let url = format!("sqlite://{}", dir.path().join("gateway.db").display());
    let store = match gateway_sqlite::connect(&url).await {
        Ok(store) => store,
        Err(error) => panic!("cannot open {url}: {error:?}"),
    };
    if let Err(error) = store.migrate().await {
        panic!("cannot migrate {url}: {error:?}");
    }
    let closing = store.clone();
    Some(Fixture::new(Arc::new(store)).with_teardown(async move {
        closing.close().await;
        drop(dir);
    }))
}

gateway_store_conformance::store_conformance_tests!(fresh_store);
