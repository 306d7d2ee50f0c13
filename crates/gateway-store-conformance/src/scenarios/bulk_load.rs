//! Bulk loading (`BulkLoadStore`, `gateway seed`): loaded rows read back through the
//! ordinary methods exactly like written ones, text that COPY must escape included;
//! a load writes no outbox row per product, only the one event that ends it.

use super::*;
use gateway_store::MerchantProfile;
use gateway_store::{BulkBatch, BulkMerchant, CATALOG_RELOADED, IdentityRecord};

/// Users, an active merchant, a listed and a blocked product and an identity, loaded
/// in one batch, read back field for field; loading them again is a conflict that
/// leaves nothing half-written; finishing writes one `catalog.reloaded` event.
pub async fn bulk_load_rows_read_back_like_written_ones(store: &dyn Store) {
    let owner = new_user("bulk-owner@example.com", Role::Merchant);
    let buyer = new_user("bulk-buyer@example.com", Role::Consumer);
    let merchant = NewMerchant {
        profile: MerchantProfile {
            story_en: Some("Tabs\tand back\\slashes,\r\nnew lines: COPY escapes them all.".into()),
            display_name_zh: None,
            ..profile()
        },
        ..new_merchant(owner.id)
    };
    let listed = new_product(merchant.id, "BULK-1", ProductStatus::Listed);
    let mut blocked = new_product(merchant.id, "BULK-2", ProductStatus::Blocked);
    blocked.fields.problems = vec![ListingProblem {
        code: "not_on_positive_list".into(),
        field: "hs_code".into(),
        message: "Not on the \"positive list\"".into(),
        message_zh: "不在正面清单内".into(),
    }];
    blocked.fields.annual_cap = Some(AnnualCap { hs_prefix: "1701".into(), grams: 2000 });
    let identity = IdentityRecord {
        user_id: buyer.id,
        real_name: "张三".into(),
        id_number_cipher: vec![0, 1, 92, 10, 255],
        id_number_hash: vec![0xab; 32],
        id_number_masked: "1101**********002X".into(),
        phone: "13800138000".into(),
        created_at: t0(),
        updated_at: t0() + TimeDelta::microseconds(1),
    };
    let batch = BulkBatch {
        users: vec![owner.clone(), buyer.clone()],
        merchants: vec![BulkMerchant { merchant: merchant.clone(), status: MerchantStatus::Active }],
        products: vec![listed.clone(), blocked.clone()],
        identities: vec![identity.clone()],
    };
    let head = store.outbox_head().await.must("outbox head before");
    store.bulk_load(&batch).await.must("bulk_load");
    assert_eq!(store.outbox_head().await.must("outbox head after"), head, "bulk_load writes no outbox rows");

    let got = store.user_by_email(&owner.email).await.must("owner").must("the loaded owner");
    assert_user("loaded owner", &owner, &got);
    let got = store.merchant(merchant.id).await.must("merchant").must("the loaded merchant");
    assert_new_merchant("loaded merchant", &merchant, &got);
    assert_eq!((got.status, got.updated_at), (MerchantStatus::Active, merchant.created_at), "loaded merchant");
    for expected in [&listed, &blocked] {
        let got = store.product(expected.id).await.must("product").must("the loaded product");
        assert_new_product("loaded product", expected, &got);
        assert_eq!(got.fields.annual_cap, expected.fields.annual_cap, "loaded product: annual_cap");
        assert_eq!((got.version, got.updated_at), (1, expected.created_at), "loaded product: version, updated_at");
        assert_eq!(got.for_sale(), expected.fields.status == ProductStatus::Listed, "loaded product: for sale");
    }
    let got = store.identity(buyer.id).await.must("identity").must("the loaded identity");
    assert_fields!("loaded identity", identity, got;
        user_id, real_name, id_number_cipher, id_number_hash, id_number_masked, phone, created_at, updated_at);
    let for_sale = store.catalog_for_sale(None, 10).await.must("catalog_for_sale");
    assert_eq!(for_sale.iter().map(|e| e.product.id).collect::<Vec<_>>(), vec![listed.id], "the catalog for sale");

    let again = BulkBatch { users: Vec::new(), ..batch.clone() };
    assert_conflict(store.bulk_load(&again).await, "seed", "loading the same merchant again");
    let fresh = new_user("bulk-late@example.com", Role::Consumer);
    let half = BulkBatch { users: vec![fresh.clone()], products: vec![listed.clone()], ..BulkBatch::default() };
    assert_conflict(store.bulk_load(&half).await, "seed", "a batch with one duplicate");
    assert!(store.user_by_email(&fresh.email).await.must("late user").is_none(), "a failed batch writes nothing");

    store.bulk_load_finished("{\"seed\":1}".into(), t0()).await.must("bulk_load_finished");
    let events = store.outbox_after(head, 10).await.must("outbox after the load");
    assert_eq!(events.len(), 1, "one event ends a load");
    assert_eq!((events[0].topic.as_str(), events[0].payload.as_str()), (CATALOG_RELOADED, "{\"seed\":1}"));
}
