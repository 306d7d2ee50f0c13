//! The storefront's queries (`StorefrontStore`): the same SQL on both engines.

/// Implements `StorefrontStore`; called by `impl_store!`.
#[macro_export]
#[doc(hidden)]
macro_rules! impl_storefront_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::async_trait::async_trait;
            use $crate::backend;
            use $crate::gateway_core::merchant::UsState;
            use $crate::gateway_store::*;
            use $crate::rows::*;
            use $crate::sqlx;

            #[async_trait]
            impl StorefrontStore for $store {
                async fn newest_for_sale(&self, limit: u32) -> StoreResult<Vec<Product>> {
                    let rows: Vec<ProductRow> = sqlx::query_as(concat!(
                        $crate::product_select!(),
                        "WHERE p.status = 'listed' AND m.status = 'active' ORDER BY p.id DESC LIMIT $1"
                    ))
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    rows.into_iter().map(Product::try_from).collect()
                }

                async fn for_sale_by_state(&self) -> StoreResult<Vec<StateCount>> {
                    let rows: Vec<(String, i64)> = sqlx::query_as(
                        "SELECT m.state, COUNT(*) FROM products p JOIN merchants m ON m.id = p.merchant_id \
                         WHERE p.status = 'listed' AND m.status = 'active' GROUP BY m.state ORDER BY m.state",
                    )
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    rows.into_iter()
                        .map(|(state, products)| {
                            Ok(StateCount {
                                state: StoreError::decode("merchants.state", UsState::parse(&state))?,
                                products,
                            })
                        })
                        .collect()
                }
            }
        };
    };
}
