//! The search feed's scenarios (`SearchFeedStore`): the outbox read as a log, the
//! catalog read as search documents, and the events merchant changes write.

use super::*;
use gateway_store::MerchantProfile;

async fn approve(store: &dyn Store, m: &Merchant) -> Merchant {
    store.set_merchant_status(m.id, MerchantStatus::Pending, MerchantStatus::Active).await.must("approve")
}

async fn create(store: &dyn Store, merchant: MerchantId, sku: &str, status: ProductStatus) -> Product {
    store.create_product(new_product(merchant, sku, status)).await.must("create a product")
}

fn ids_of(entries: &[gateway_store::CatalogEntry]) -> Vec<ProductId> {
    entries.iter().map(|e| e.product.id).collect()
}

/// The outbox reads as a log: ids above a position, in order, `limit` at a time,
/// whether or not another consumer marked them processed; the head is the last id.
pub async fn search_feed_reads_the_outbox_as_a_log(store: &dyn Store) {
    assert_eq!(store.outbox_head().await.must("head of an empty outbox"), 0, "an empty outbox's head is 0");
    assert!(store.outbox_after(0, 10).await.must("after 0").is_empty(), "an empty outbox reads empty");
    let m = merchant(store).await;
    let mut created = Vec::new();
    for sku in ["A", "B", "C", "D", "E"] {
        created.push(create(store, m.id, sku, ProductStatus::Listed).await.id.as_uuid());
    }
    let all = store.outbox_after(0, 100).await.must("the whole outbox");
    let products: Vec<Uuid> = all.iter().filter(|e| e.topic == "product.created").map(|e| e.aggregate_id).collect();
    assert_eq!(products, created, "product events in the order they were written");
    assert!(all.windows(2).all(|w| w[0].id < w[1].id), "ids increase");
    let head = store.outbox_head().await.must("head");
    assert_eq!(head, all.last().must("last event").id, "the head is the last id");

    let first = store.outbox_after(0, 2).await.must("first page");
    assert_eq!(first.len(), 2, "the limit holds");
    let rest = store.outbox_after(first[1].id, 100).await.must("the rest");
    assert_eq!(rest.len(), all.len() - 2, "reading after a position skips exactly what came before");
    assert_eq!(rest[0].id, all[2].id, "the next page starts after the position");
    assert!(store.outbox_after(head, 10).await.must("after the head").is_empty(), "nothing after the head");
}

/// The rebuild scan returns only products for sale, in id order, page by page, with
/// the merchant's state and names.
pub async fn search_feed_catalog_for_sale(store: &dyn Store) {
    let active = approve(store, &merchant(store).await).await;
    let pending = merchant(store).await;
    let mut for_sale = Vec::new();
    for sku in ["L1", "L2", "L3", "L4", "L5"] {
        for_sale.push(create(store, active.id, sku, ProductStatus::Listed).await.id);
    }
    create(store, active.id, "BLOCKED", ProductStatus::Blocked).await;
    create(store, active.id, "DELISTED", ProductStatus::Delisted).await;
    create(store, pending.id, "PENDING", ProductStatus::Listed).await;

    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store.catalog_for_sale(after, 2).await.must("a page of the catalog");
        assert!(page.len() <= 2, "the limit holds");
        let Some(last) = page.last() else { break };
        after = Some(last.product.id);
        seen.extend(ids_of(&page));
    }
    let mut expected = for_sale.clone();
    expected.sort();
    assert_eq!(seen, expected, "every product for sale once, in id order, and nothing else");

    let first = &store.catalog_for_sale(None, 1).await.must("first entry")[0];
    assert_eq!(first.merchant_state, active.profile.state.as_str(), "merchant_state");
    assert_eq!(first.merchant_name_en, active.profile.display_name_en, "merchant_name_en");
    assert_eq!(first.merchant_name_zh, active.profile.display_name_zh, "merchant_name_zh");
    assert!(first.product.for_sale(), "an entry of the scan is for sale");
    assert_eq!(first.merchant_fulfilment, active.profile.fulfilment, "merchant_fulfilment");
}

/// Each entry of the scan carries its own merchant's fulfilment mode, which a tariff
/// scenario needs for the freight of a unit (SPEC 5): one bonded and one direct-mail
/// merchant, interleaved in id order.
pub async fn search_feed_catalog_carries_fulfilment(store: &dyn Store) {
    let bonded = approve(store, &merchant(store).await).await;
    let owner = user(store, Role::Merchant).await;
    let direct = NewMerchant {
        profile: MerchantProfile { fulfilment: Fulfilment::DirectMail, ..profile() },
        ..new_merchant(owner.id)
    };
    let direct = store.create_merchant(direct).await.must("create a direct-mail merchant");
    let direct = approve(store, &direct).await;
    assert_eq!((bonded.profile.fulfilment, direct.profile.fulfilment), (Fulfilment::Bonded, Fulfilment::DirectMail));
    let mut expected = Vec::new();
    for (i, m) in [&bonded, &direct, &bonded, &direct].into_iter().enumerate() {
        let product = create(store, m.id, &format!("F{i}"), ProductStatus::Listed).await;
        expected.push((product.id, m.profile.fulfilment));
    }
    expected.sort_by_key(|(id, _)| *id);
    let entries = store.catalog_for_sale(None, 10).await.must("the catalog");
    let got: Vec<(ProductId, Fulfilment)> = entries.iter().map(|e| (e.product.id, e.merchant_fulfilment)).collect();
    assert_eq!(got, expected, "each product with its merchant's fulfilment mode");
}

/// Entries by product and by merchant come whatever their state, so the follower
/// can take what is no longer for sale out of the index.
pub async fn search_feed_entries_by_product_and_merchant(store: &dyn Store) {
    let active = approve(store, &merchant(store).await).await;
    let other = merchant(store).await;
    let listed = create(store, active.id, "LISTED", ProductStatus::Listed).await;
    let blocked = create(store, active.id, "BLOCKED", ProductStatus::Blocked).await;
    let pending = create(store, other.id, "PENDING", ProductStatus::Listed).await;
    let missing = ProductId::new();

    let entries = store.catalog_entries(&[blocked.id, missing, listed.id, pending.id]).await.must("by ids");
    let mut expected = vec![listed.id, blocked.id, pending.id];
    expected.sort();
    assert_eq!(ids_of(&entries), expected, "the existing ones, in id order; the missing one absent");
    let of_pending = entries.iter().find(|e| e.product.id == pending.id).must("the pending merchant's product");
    assert!(!of_pending.product.for_sale(), "a pending merchant's product is not for sale");
    assert_eq!(of_pending.merchant_name_en, other.profile.display_name_en, "merchant_name_en by id");

    assert!(store.catalog_entries(&[]).await.must("no ids").is_empty(), "no ids, no entries");
    let by_merchant = store.catalog_of_merchants(&[active.id]).await.must("by merchant");
    let mut expected = vec![listed.id, blocked.id];
    expected.sort();
    assert_eq!(ids_of(&by_merchant), expected, "every product of the merchant, whatever its status");

    // More ids than one bound statement takes.
    let many: Vec<ProductId> = (0..1_200).map(|_| ProductId::new()).chain([listed.id]).collect();
    assert_eq!(ids_of(&store.catalog_entries(&many).await.must("many ids")), vec![listed.id], "chunked id lists");
}

/// A merchant's profile edit and status change each write an event in the same
/// transaction, since every one of its products may change in the index with them.
pub async fn search_feed_merchant_changes_write_events(store: &dyn Store) {
    let m = merchant(store).await;
    let before = store.outbox_head().await.must("head");
    let active = approve(store, &m).await;
    let mut edited = active.clone();
    edited.profile.display_name_en = "Renamed Farm".into();
    store.update_merchant(edited).await.must("update");
    assert_stale(
        store.set_merchant_status(m.id, MerchantStatus::Pending, MerchantStatus::Active).await,
        "a stale status change",
    );
    let events = store.outbox_after(before, 10).await.must("events");
    let summary: Vec<(&str, Uuid)> = events.iter().map(|e| (e.topic.as_str(), e.aggregate_id)).collect();
    assert_eq!(
        summary,
        vec![("merchant.status_changed", m.id.as_uuid()), ("merchant.updated", m.id.as_uuid())],
        "one event per change; none for the refused one"
    );
    let payload: serde_json::Value = serde_json::from_str(&events[0].payload).must_json();
    assert_eq!(payload["status"], "active", "payload.status");
    assert_eq!(payload["merchant_id"], m.id.to_string(), "payload.merchant_id");
}

trait MustJson {
    fn must_json(self) -> serde_json::Value;
}

impl MustJson for Result<serde_json::Value, serde_json::Error> {
    #[track_caller]
    fn must_json(self) -> serde_json::Value {
        match self {
            Ok(value) => value,
            Err(error) => panic!("outbox payload is not JSON: {error}"),
        }
    }
}
