//! The positive list as data (`AdminStore`, `CatalogStore::positive_list_entry_for`)
//! and the yearly weight caps it sets (`place_checkout`, `change_order_status`): every
//! change re-runs the listing check of the products it covers in its transaction, and
//! a cap is charged conditionally like the annual quota.

use super::admin::product_updates;
use super::buy::{
    Buyer, YEAR, active_merchant, buyer, change, listed, new_order, place_ok, place_refused, prepare, read_product,
};
use super::*;
use gateway_core::order::OrderStatus;
use gateway_core::positive_list::{HsPrefix, PositiveListEntry};
use gateway_store::MerchantProfile;
use gateway_store::{CheckoutRefusal, NewCheckout, OrderStatusChange, Product, WeightCharge};

fn entry(prefix: &str, class: &str) -> PositiveListEntry {
    PositiveListEntry {
        hs_prefix: HsPrefix::parse(prefix).ok().must("a prefix"),
        tax_class: class.into(),
        bonded_only: false,
        annual_cap_g: None,
        description_en: "Natural honey, \"raw\"".into(),
        description_zh: "天然蜂蜜".into(),
    }
}

fn codes(p: &Product) -> Vec<&str> {
    p.fields.problems.iter().map(|p| p.code.as_str()).collect()
}

/// The seeded list decides by the longest prefix; a line edited, added or removed
/// re-checks exactly the products its prefix covers, announcing each change once.
pub async fn positive_list_lines_recheck_the_products_they_cover(store: &dyn Store) {
    let list = store.positive_list().await.must("positive_list");
    assert!(list.len() >= 40, "the seeded list has its lines, got {}", list.len());
    assert!(list.windows(2).all(|w| w[0].hs_prefix < w[1].hs_prefix), "the list comes by prefix");
    let sugar = list.iter().find(|e| e.hs_prefix.as_str() == "1701").must("the seeded sugar line");
    assert_eq!((sugar.tax_class.as_str(), sugar.annual_cap_g), ("agri", Some(2000)), "sugar: agri, 2 kg a year");
    let found = |code: &'static str| async move {
        store.positive_list_entry_for(code).await.must("positive_list_entry_for").map(|e| e.hs_prefix)
    };
    assert_eq!(found("0409000000").await.as_ref().map(HsPrefix::as_str), Some("0409"));
    assert_eq!(found("6115950000").await.as_ref().map(HsPrefix::as_str), Some("61"), "a chapter line");
    assert_eq!(found("02023000").await, None, "meat has no line");

    let bonded = active_merchant(store).await; // new_merchant ships from a bonded warehouse
    let owner = user(store, Role::Merchant).await;
    let direct = store
        .create_merchant(NewMerchant {
            profile: MerchantProfile { fulfilment: Fulfilment::DirectMail, ..profile() },
            ..new_merchant(owner.id)
        })
        .await
        .must("a direct-mail merchant");
    let honey_b = listed(store, bonded.id, "HONEY-B", 5, 1299).await;
    let honey_d = listed(store, direct.id, "HONEY-D", 5, 1299).await;
    let other = NewProduct {
        fields: ProductFields { hs_code: "1702200000".into(), ..product_fields("SYRUP", ProductStatus::Listed) },
        ..new_product(bonded.id, "SYRUP", ProductStatus::Listed)
    };
    let syrup = store.create_product(other).await.must("a product under another heading");

    // A subheading filed in another class: the covered products are blocked.
    let head = store.outbox_head().await.must("outbox_head");
    let changed = store.put_positive_list_entry(entry("040900", "food"), t0()).await.must("put 040900");
    assert_eq!(changed, 2, "both honeys changed");
    for id in [honey_b.id, honey_d.id] {
        let p = read_product(store, id).await;
        assert_eq!((p.fields.status, codes(&p)), (ProductStatus::Blocked, vec!["hs_class_mismatch"]));
        assert!(!p.fields.problems[0].message_zh.is_empty(), "the reason in Chinese for the operator");
        assert_eq!(p.version, honey_b.version + 1, "a new version: a concurrent edit retries over it");
    }
    assert_same_product("a product under another heading is untouched", &syrup, &read_product(store, syrup.id).await);
    let mut expected =
        vec![(honey_b.id.as_uuid(), "blocked".to_string()), (honey_d.id.as_uuid(), "blocked".to_string())];
    expected.sort();
    assert_eq!(product_updates(store, head).await, expected, "one product.updated per changed product");

    // Removing it: the heading's line decides again.
    assert_eq!(
        store.delete_positive_list_entry(&HsPrefix::parse("040900").ok().must("p"), t0()).await.must("delete"),
        2
    );
    assert_eq!(read_product(store, honey_b.id).await.fields.status, ProductStatus::Listed);
    assert_not_found(
        store.delete_positive_list_entry(&HsPrefix::parse("040900").ok().must("p"), t0()).await,
        "delete an absent line",
    );

    // Bonded only, with a cap: the direct-mail merchant's honey is blocked, the bonded
    // one stays listed; both carry the cap.
    let line = PositiveListEntry { bonded_only: true, annual_cap_g: Some(1_000), ..entry("0409", "agri") };
    assert_eq!(store.put_positive_list_entry(line.clone(), t0()).await.must("put 0409"), 2);
    let (b, d) = (read_product(store, honey_b.id).await, read_product(store, honey_d.id).await);
    assert_eq!((b.fields.status, codes(&b)), (ProductStatus::Listed, vec![]));
    assert_eq!((d.fields.status, codes(&d)), (ProductStatus::Blocked, vec!["bonded_only"]));
    for p in [&b, &d] {
        assert_eq!(p.fields.annual_cap.as_ref().map(|c| (c.hs_prefix.as_str(), c.grams)), Some(("0409", 1_000)));
    }
    let stored = store.positive_list().await.must("positive_list");
    assert_eq!(stored.iter().find(|e| e.hs_prefix.as_str() == "0409"), Some(&line), "the line is stored whole");
    assert_eq!(store.put_positive_list_entry(line, t0()).await.must("the same line again"), 0, "no change");

    // An unknown class: NotFound, nothing written.
    let head = store.outbox_head().await.must("outbox_head");
    assert_not_found(store.put_positive_list_entry(entry("0409", "tobacco"), t0()).await, "put with no such class");
    assert_eq!(store.outbox_head().await.must("outbox_head"), head, "nothing written");
    assert_eq!(store.recheck_all_listings(t0()).await.must("recheck_all_listings"), 0, "every verdict is current");
}

/// A merchant's profile change (its food registration, its fulfilment mode) re-runs
/// the listing check of its products in the same transaction.
pub async fn merchant_profile_change_rechecks_its_products(store: &dyn Store) {
    let m = active_merchant(store).await;
    let honey = listed(store, m.id, "HONEY", 5, 1299).await;
    let without =
        Merchant { profile: MerchantProfile { food_registration_no: None, ..m.profile.clone() }, ..m.clone() };
    store.update_merchant(without).await.must("update_merchant");
    let p = read_product(store, honey.id).await;
    assert_eq!((p.fields.status, codes(&p)), (ProductStatus::Blocked, vec!["food_registration_missing"]));
    store.update_merchant(m).await.must("registration back");
    assert_eq!(read_product(store, honey.id).await.fields.status, ProductStatus::Listed);
}

/// A checkout of `grams` of `product` under the honey line's cap of `cap` grams.
async fn capped_checkout(
    store: &dyn Store,
    buyer: &Buyer,
    merchant: MerchantId,
    product: &Product,
    grams: i64,
    cap: i64,
    minute: i64,
) -> NewCheckout {
    let mut order = new_order(merchant, &[(product, 1)]);
    order.weight_charges = vec![WeightCharge { hs_prefix: "0409".into(), grams, cap_g: cap }];
    prepare(store, buyer, vec![order], t0() + TimeDelta::minutes(minute)).await
}

/// Caps are charged in the checkout's transaction, refused past the cap with what
/// remains (rolling everything back), given back by a cancellation, and never passed
/// by checkouts racing each other.
pub async fn weight_caps_are_charged_refused_and_given_back(store: &dyn Store) {
    let m = active_merchant(store).await;
    let jo = buyer(store).await;
    let honey = listed(store, m.id, "HONEY", 50, 1299).await;
    assert!(store.weight_cap_used(&jo.hash, YEAR).await.must("weight_cap_used").is_empty());

    let first = capped_checkout(store, &jo, m.id, &honey, 600, 1_000, 1).await;
    place_ok(store, &first, "600 g of a 1,000 g cap").await;
    assert_eq!(store.weight_cap_used(&jo.hash, YEAR).await.must("used"), vec![("0409".to_string(), 600)]);

    let second = capped_checkout(store, &jo, m.id, &honey, 500, 1_000, 2).await;
    let quota_before = store.quota_used(&jo.hash, YEAR).await.must("quota_used");
    match place_refused(store, &second, "500 g more").await {
        CheckoutRefusal::WeightCap { hs_prefix, remaining_g } => {
            assert_eq!((hs_prefix.as_str(), remaining_g), ("0409", 400))
        }
        other => panic!("expected WeightCap, got {other:?}"),
    }
    assert_eq!(store.quota_used(&jo.hash, YEAR).await.must("quota"), quota_before, "the refusal rolled back");
    assert_eq!(read_product(store, honey.id).await.fields.stock, 49, "only the first checkout took stock");

    let cancel = change(first.orders[0].id, OrderStatus::Paid, OrderStatus::Cancelled, t0() + TimeDelta::minutes(3));
    store.change_order_status(OrderStatusChange { restore: true, ..cancel }).await.must("cancel");
    assert_eq!(store.weight_cap_used(&jo.hash, YEAR).await.must("used"), vec![], "the grams came back");

    // Three racing checkouts of 400 g under a 1,000 g cap: two fit.
    let mut racing = Vec::new();
    for i in 0..3 {
        racing.push(capped_checkout(store, &jo, m.id, &honey, 400, 1_000, 10 + i).await);
    }
    let calls: Vec<BoxFuture<'_, _>> = racing.iter().map(|c| store.place_checkout(c.clone())).collect();
    let results = join_all(calls).await;
    let placed = results.iter().filter(|r| matches!(r, Ok(Ok(())))).count();
    let refused =
        results.iter().filter(|r| matches!(r, Ok(Err(CheckoutRefusal::WeightCap { remaining_g: 200, .. })))).count();
    assert_eq!((placed, refused), (2, 1), "two fit, one is refused with 200 g left: {results:?}");
    assert_eq!(store.weight_cap_used(&jo.hash, YEAR).await.must("used"), vec![("0409".to_string(), 800)]);
}
