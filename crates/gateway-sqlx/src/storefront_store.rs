//! The storefront's queries (`StorefrontStore`): the same SQL on both engines.

use crate::backend;
use crate::engine::{Engine, SqlStore};
use crate::rows::*;
use crate::sql::sql;
use async_trait::async_trait;
use gateway_core::merchant::UsState;
use gateway_store::*;

#[async_trait]
impl<E: Engine> StorefrontStore for SqlStore<E> {
    async fn newest_for_sale(&self, limit: u32) -> StoreResult<Vec<Product>> {
        let rows: Vec<ProductRow> = sql(concat!(
            crate::product_select!(),
            "WHERE p.status = 'listed' AND m.status = 'active' ORDER BY p.id DESC LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.reads())
        .await
        .map_err(backend)?;
        rows.into_iter().map(Product::try_from).collect()
    }

    async fn for_sale_by_state(&self) -> StoreResult<Vec<StateCount>> {
        let rows: Vec<(String, i64)> =
            sql("SELECT m.state, COUNT(*) FROM products p JOIN merchants m ON m.id = p.merchant_id \
             WHERE p.status = 'listed' AND m.status = 'active' GROUP BY m.state ORDER BY m.state")
            .fetch_all(self.reads())
            .await
            .map_err(backend)?;
        rows.into_iter()
            .map(|(state, products)| {
                Ok(StateCount { state: StoreError::decode("merchants.state", UsState::parse(&state))?, products })
            })
            .collect()
    }
}
