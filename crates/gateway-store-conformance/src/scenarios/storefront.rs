//! The storefront's scenarios (`StorefrontStore`): the newest products for sale and
//! the count of products for sale per state.

use super::*;
use gateway_store::MerchantProfile;
use gateway_store::StateCount;

/// Only listed products of active merchants count, newest (highest UUIDv7) first, and
/// the limit holds.
pub async fn storefront_newest_for_sale_and_state_counts(store: &dyn Store) {
    assert!(store.newest_for_sale(10).await.must("newest of an empty store").is_empty());
    assert!(store.for_sale_by_state().await.must("states of an empty store").is_empty());

    let iowa = merchant(store).await;
    let iowa =
        store.set_merchant_status(iowa.id, MerchantStatus::Pending, MerchantStatus::Active).await.must("approve");
    let owner = user(store, Role::Merchant).await;
    let texas = NewMerchant { profile: MerchantProfile { state: state("TX"), ..profile() }, ..new_merchant(owner.id) };
    let texas = store.create_merchant(texas).await.must("create the Texas merchant");
    let texas =
        store.set_merchant_status(texas.id, MerchantStatus::Pending, MerchantStatus::Active).await.must("approve TX");
    let pending = merchant(store).await;

    let mut listed = Vec::new();
    for sku in ["A-1", "A-2", "A-3"] {
        listed.push(store.create_product(new_product(iowa.id, sku, ProductStatus::Listed)).await.must("list in IA").id);
    }
    listed.push(store.create_product(new_product(texas.id, "T-1", ProductStatus::Listed)).await.must("list in TX").id);
    store.create_product(new_product(iowa.id, "B-1", ProductStatus::Blocked)).await.must("blocked");
    store.create_product(new_product(iowa.id, "D-1", ProductStatus::Delisted)).await.must("delisted");
    store.create_product(new_product(pending.id, "P-1", ProductStatus::Listed)).await.must("pending merchant's");

    let newest: Vec<ProductId> = store.newest_for_sale(10).await.must("newest").into_iter().map(|p| p.id).collect();
    let mut expected = listed.clone();
    expected.sort_by_key(|id| std::cmp::Reverse(id.as_uuid()));
    assert_eq!(newest, expected, "newest_for_sale: the listed products of active merchants, newest first");
    let two: Vec<ProductId> = store.newest_for_sale(2).await.must("newest two").into_iter().map(|p| p.id).collect();
    assert_eq!(two, expected[..2], "newest_for_sale: the limit keeps the newest");

    let states = store.for_sale_by_state().await.must("states");
    assert_eq!(
        states,
        vec![StateCount { state: state("IA"), products: 3 }, StateCount { state: state("TX"), products: 1 }],
        "for_sale_by_state: counts per state, by code"
    );

    // A suspended merchant's products leave both lists.
    store.set_merchant_status(texas.id, MerchantStatus::Active, MerchantStatus::Suspended).await.must("suspend TX");
    assert_eq!(store.newest_for_sale(10).await.must("newest after suspension").len(), 3);
    assert_eq!(store.for_sale_by_state().await.must("states after suspension").len(), 1);
}
