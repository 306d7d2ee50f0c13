//! The operator console's scenarios (`AdminStore`): editing a tax class with the
//! listing check of its products in the same transaction, the freight tariff, every
//! order by status, and the overview's counts.

use super::buy::{Buyer, active_merchant, buyer, change, listed, new_order, place_ok, prepare, read_product};
use super::*;
use gateway_core::freight::FreightRates;
use gateway_core::order::OrderStatus;
use gateway_core::positive_list::ListingFacts;
use gateway_core::product::listing_check;
use gateway_core::tax_class::{CtThreshold, TaxClass};
use gateway_core::{Cny, OrderId};
use gateway_store::MerchantProfile;
use gateway_store::{FreightSettings, Order, OutboxEvent};

pub(super) fn problem(code: &str) -> ListingProblem {
    ListingProblem {
        code: code.into(),
        field: "tax_class".into(),
        message: format!("the {code} message: \"quoted\""),
        message_zh: format!("{code}的说明"),
    }
}

/// (status, problem codes, version) of a product as stored.
async fn listing_of(store: &dyn Store, id: ProductId) -> (ProductStatus, Vec<String>, i64) {
    let p = read_product(store, id).await;
    (p.fields.status, p.fields.problems.iter().map(|p| p.code.clone()).collect(), p.version)
}

/// The `product.updated` events after `after`, as (product id, payload status).
pub(super) async fn product_updates(store: &dyn Store, after: i64) -> Vec<(Uuid, String)> {
    let events: Vec<OutboxEvent> = store.outbox_after(after, 1000).await.must("outbox_after");
    let mut updates: Vec<(Uuid, String)> = events
        .into_iter()
        .filter(|e| e.topic == "product.updated")
        .map(|e| {
            let payload: serde_json::Value = match serde_json::from_str(&e.payload) {
                Ok(value) => value,
                Err(error) => panic!("outbox payload {:?} is not JSON: {error}", e.payload),
            };
            assert_eq!(payload["product_id"], e.aggregate_id.to_string(), "payload.product_id is the aggregate id");
            (e.aggregate_id, payload["status"].as_str().unwrap_or("<no status>").to_string())
        })
        .collect();
    updates.sort();
    updates
}

/// Saving a class stores every editable field and re-runs the listing check of each
/// of its products (whose merchant has a food registration or not) in one go: a
/// withdrawn product stays withdrawn, products of other classes are untouched, each
/// changed product gets a new version and an outbox event, and an unchanged one
/// neither.
pub async fn admin_tax_class_update_rechecks_its_products(store: &dyn Store) {
    let registered = active_merchant(store).await;
    let owner = user(store, Role::Merchant).await;
    let unregistered = store
        .create_merchant(NewMerchant {
            profile: MerchantProfile { food_registration_no: None, ..profile() },
            ..new_merchant(owner.id)
        })
        .await
        .must("m2");
    let listed_p = store.create_product(new_product(registered.id, "A-LISTED", ProductStatus::Listed)).await.must("p1");
    let delisted_p =
        store.create_product(new_product(registered.id, "A-DELISTED", ProductStatus::Delisted)).await.must("p2");
    let blocked_new = NewProduct {
        fields: ProductFields {
            problems: vec![problem("food_registration_missing")],
            ..product_fields("A-BLOCKED", ProductStatus::Blocked)
        },
        ..new_product(unregistered.id, "A-BLOCKED", ProductStatus::Blocked)
    };
    let blocked_p = store.create_product(blocked_new).await.must("p3");
    let other_class = NewProduct {
        fields: ProductFields { tax_class: "food".into(), ..product_fields("F-1", ProductStatus::Listed) },
        ..new_product(registered.id, "F-1", ProductStatus::Listed)
    };
    let other_p = store.create_product(other_class).await.must("p4");
    let versions_before = [listed_p.version, delisted_p.version, blocked_p.version];

    // Off the positive list, with new rates and names.
    let agri = store.tax_class("agri").await.must("agri").must("the agri class");
    let edited = TaxClass {
        name_en: "Farm goods \"edited\"".into(),
        name_zh: "农产品（已编辑）".into(),
        vat_ppm: 65_000,
        ct_ppm: 12_345,
        ct_threshold: Some(CtThreshold { per_g_or_ml: Cny::from_minor(1), per_piece: Cny::from_minor(123_456) }),
        mfn_duty_ppm: 999_999,
        food: true,
        positive_list: false,
        ..agri.clone()
    };
    let head = store.outbox_head().await.must("outbox_head");
    let saved = store.update_tax_class(edited.clone(), t0() + TimeDelta::hours(1)).await.must("update");
    assert_eq!(saved.class, edited, "update_tax_class returns the class as stored");
    assert_eq!(store.tax_class("agri").await.must("agri again"), Some(edited.clone()), "every field is stored");
    assert_eq!(saved.products_changed, 3, "the class's three products changed");
    assert_eq!(
        listing_of(store, listed_p.id).await,
        (ProductStatus::Blocked, vec!["not_on_positive_list".into()], versions_before[0] + 1),
        "a listed product of a registered merchant: blocked, one problem, new version"
    );
    assert_eq!(
        listing_of(store, delisted_p.id).await,
        (ProductStatus::Delisted, vec!["not_on_positive_list".into()], versions_before[1] + 1),
        "a withdrawn product stays withdrawn, with the class's problems"
    );
    assert_eq!(
        listing_of(store, blocked_p.id).await,
        (
            ProductStatus::Blocked,
            vec!["not_on_positive_list".into(), "food_registration_missing".into()],
            versions_before[2] + 1
        ),
        "a product of a merchant without a registration: the unregistered verdict"
    );
    let problems = read_product(store, listed_p.id).await.fields.problems;
    let expected = listing_check(&ListingFacts {
        class: &edited,
        entry: None,
        hs_code: "0409000000",
        merchant_has_food_registration: true,
        fulfilment: registered.profile.fulfilment,
    });
    assert_eq!(problems, expected, "the problems are the listing check's, stored whole (both languages)");
    let untouched = read_product(store, other_p.id).await;
    assert_same_product("a product of another class is untouched", &other_p, &untouched);
    let mut expected = vec![
        (listed_p.id.as_uuid(), "blocked".to_string()),
        (delisted_p.id.as_uuid(), "delisted".to_string()),
        (blocked_p.id.as_uuid(), "blocked".to_string()),
    ];
    expected.sort();
    assert_eq!(product_updates(store, head).await, expected, "one product.updated per changed product");

    // The same verdicts again: nothing changes, nothing is announced.
    let head = store.outbox_head().await.must("outbox_head");
    let again = store.update_tax_class(edited.clone(), t0() + TimeDelta::hours(2)).await.must("update again");
    assert_eq!(again.products_changed, 0, "same verdicts: no product changes");
    assert_eq!(listing_of(store, listed_p.id).await.2, versions_before[0] + 1, "no new version");
    assert!(product_updates(store, head).await.is_empty(), "no event for an unchanged product");

    // Back on the list, without a threshold.
    let restored = TaxClass { positive_list: true, ct_threshold: None, ..edited };
    let head = store.outbox_head().await.must("outbox_head");
    let saved = store.update_tax_class(restored.clone(), t0() + TimeDelta::hours(3)).await.must("restore");
    assert_eq!(
        reference_events(store, head).await,
        vec![(gateway_store::TAX_CLASS_UPDATED.to_string(), serde_json::json!({ "code": restored.code }))],
        "a saved class announces itself"
    );
    assert_eq!(saved.class.ct_threshold, None, "the threshold is removed");
    assert_eq!(saved.products_changed, 3);
    assert_eq!(listing_of(store, listed_p.id).await.0, ProductStatus::Listed, "listed again");
    let (status, problems, _) = listing_of(store, delisted_p.id).await;
    assert_eq!(status, ProductStatus::Delisted, "still withdrawn");
    assert!(problems.is_empty(), "a withdrawn product's problems are cleared");
    assert_eq!(listing_of(store, blocked_p.id).await.1, vec!["food_registration_missing".to_string()]);

    // An unknown class: NotFound, and nothing written.
    let head = store.outbox_head().await.must("outbox_head");
    let unknown = TaxClass { code: "tobacco".into(), ..restored };
    assert_not_found(store.update_tax_class(unknown, t0()).await, "update_tax_class(unknown)");
    assert!(store.tax_class("tobacco").await.must("tobacco").is_none(), "no class is created");
    assert_eq!(store.outbox_head().await.must("outbox_head"), head, "nothing written for an unknown class");
    assert_eq!(store.tax_classes().await.must("tax_classes").len(), 8, "still eight classes");
}

/// The freight tariff starts at SPEC 5's numbers; a new one replaces it for the
/// quotes (`freight_rates`) too, with its time.
pub async fn admin_freight_rates_round_trip(store: &dyn Store) {
    let seeded = store.freight_settings().await.must("freight_settings");
    assert_eq!(seeded.rates, FreightRates::default(), "SPEC 5's tariff is seeded");
    let rates = FreightRates {
        direct_first_500g: Cny::from_minor(3_599),
        direct_each_further_500g: Cny::from_minor(0),
        bonded_flat: Cny::from_minor(123_456),
    };
    let at = t0() + TimeDelta::days(3);
    let head = store.outbox_head().await.must("outbox_head");
    let saved = store.set_freight_rates(rates, at).await.must("set_freight_rates");
    assert_eq!(
        reference_events(store, head).await,
        vec![(
            gateway_store::FREIGHT_RATES_SET.to_string(),
            serde_json::json!({
                "direct_first_500g_fen": 3_599,
                "direct_each_further_500g_fen": 0,
                "bonded_flat_fen": 123_456,
            })
        )],
        "a new tariff announces itself"
    );
    assert_eq!(saved, FreightSettings { rates, updated_at: at });
    assert_eq!(store.freight_settings().await.must("freight_settings again"), saved, "read back with its time");
    assert_eq!(store.freight_rates().await.must("freight_rates"), rates, "the quotes' tariff is the new one");
}

async fn one_order(store: &dyn Store, buyer: &Buyer, product: &Product, seconds: i64) -> OrderId {
    let order = new_order(product.merchant_id, &[(product, 1)]);
    let id = order.id;
    let checkout = prepare(store, buyer, vec![order], t0() + TimeDelta::seconds(seconds)).await;
    place_ok(store, &checkout, "place a checkout").await;
    id
}

/// Every order of every buyer and merchant, newest first, by status if asked, in
/// pages; and the counts per status of orders and merchants.
pub async fn admin_all_orders_newest_first_by_status(store: &dyn Store) {
    let empty = store.all_orders(None, page(None, 10)).await.must("all_orders of an empty store");
    assert!(empty.items.is_empty() && empty.next.is_none());
    assert!(store.order_counts().await.must("order_counts").is_empty(), "no orders, no counts");
    assert!(store.merchant_counts().await.must("merchant_counts").is_empty(), "no merchants, no counts");

    let a = active_merchant(store).await;
    let b = active_merchant(store).await;
    merchant(store).await; // pending
    let honey = listed(store, a.id, "HONEY", 50, 1299).await;
    let syrup = listed(store, b.id, "SYRUP", 50, 899).await;
    let (jo, ann) = (buyer(store).await, buyer(store).await);
    let first = one_order(store, &jo, &honey, 10).await;
    let second = one_order(store, &ann, &syrup, 20).await;
    let third = one_order(store, &jo, &syrup, 30).await;
    let at = t0() + TimeDelta::minutes(5);
    store.change_order_status(change(second, OrderStatus::Paid, OrderStatus::Shipped, at)).await.must("ship");

    let all = store.all_orders(None, page(None, 10)).await.must("all_orders");
    assert_eq!(all.items.iter().map(|o| o.id).collect::<Vec<_>>(), vec![third, second, first], "newest first");
    assert_eq!(all.next, None);
    let third_read = store.order(third).await.must("order").must("the third order");
    assert_eq!(all.items[0].lines.len(), third_read.lines.len(), "orders come with their lines");
    assert_eq!(all.items[0].total, third_read.total);

    let paid = store.all_orders(Some(OrderStatus::Paid), page(None, 10)).await.must("paid orders");
    assert_eq!(paid.items.iter().map(|o| o.id).collect::<Vec<_>>(), vec![third, first], "only the paid ones");
    let shipped = store.all_orders(Some(OrderStatus::Shipped), page(None, 10)).await.must("shipped orders");
    assert_eq!(shipped.items.iter().map(|o| o.id).collect::<Vec<_>>(), vec![second]);
    let none = store.all_orders(Some(OrderStatus::Returned), page(None, 10)).await.must("returned orders");
    assert!(none.items.is_empty());

    let pages =
        walk_pages("all_orders by one", 1, |o: &Order| o.id.as_uuid(), |p| Box::pin(store.all_orders(None, p))).await;
    let walked: Vec<Uuid> = pages.into_iter().flatten().collect();
    assert_eq!(walked, vec![third.as_uuid(), second.as_uuid(), first.as_uuid()], "pages walk newest first");

    assert_eq!(
        store.order_counts().await.must("order_counts"),
        vec![(OrderStatus::Paid, 2), (OrderStatus::Shipped, 1)],
        "orders per status, by status code"
    );
    assert_eq!(
        store.merchant_counts().await.must("merchant_counts"),
        vec![(MerchantStatus::Active, 2), (MerchantStatus::Pending, 1)],
        "merchants per status, by status code"
    );
}
