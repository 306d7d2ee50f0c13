//! The store conformance suite on PostgreSQL, when `GATEWAY_TEST_DATABASE_URL` names a
//! server (each test skips otherwise): each scenario gets a database of its own,
//! created for it and dropped after it.

use gateway_store_conformance::{Fixture, pg};
use std::sync::Arc;

async fn fresh_store() -> Option<Fixture> {
    let base_url = pg::test_database_url()?;
    let (url, guard) = match pg::fresh_database(&base_url).await {
        Ok(fresh) => fresh,
        Err(error) => panic!("cannot create a test database on {base_url}: {error}"),
    };
    let store = match gateway_postgres::connect(&url, 8).await {
        Ok(store) => store,
        Err(error) => panic!("cannot connect to {}: {error:?}", guard.name()),
    };
    if let Err(error) = store.migrate().await {
        panic!("cannot migrate {}: {error:?}", guard.name());
    }
    let pool = store.pool().clone();
    Some(Fixture::new(Arc::new(store)).with_teardown(async move {
        pool.close().await;
        guard.drop_database().await;
    }))
}

gateway_store_conformance::store_conformance_tests!(fresh_store);
