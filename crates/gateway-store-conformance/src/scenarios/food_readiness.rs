//! The Decree 248 checklist's scenarios (`FoodReadinessStore`): a merchant's products
//! and its confirmed steps, read together; confirming is idempotent and keeps the
//! first confirmation, withdrawing deletes it.

use super::impact::utc;
use super::*;
use gateway_core::food_registration::StepId;
use gateway_store::ReadinessAck;

/// Products of the merchant only, in id order, whatever their status; confirmations
/// in step order with who and when (microseconds kept); again keeps the first; a
/// withdrawal deletes; an unknown merchant is `NotFound`.
pub async fn food_readiness_products_and_confirmations(store: &dyn Store) {
    let farm = merchant(store).await;
    let other = merchant(store).await;
    let empty = store.food_readiness_data(farm.id).await.must("data of a merchant without products");
    assert!(empty.products.is_empty() && empty.acks.is_empty(), "nothing yet");

    let mut ids = Vec::new();
    for (sku, status) in
        [("H-1", ProductStatus::Listed), ("H-2", ProductStatus::Blocked), ("H-3", ProductStatus::Delisted)]
    {
        ids.push(store.create_product(new_product(farm.id, sku, status)).await.must("create").id);
    }
    store.create_product(new_product(other.id, "O-1", ProductStatus::Listed)).await.must("other's product");

    let ack = |step, at: &str| ReadinessAck {
        merchant_id: farm.id,
        step,
        acknowledged_by: farm.owner_id,
        acknowledged_at: utc(at),
    };
    let renewal = ack(StepId::Renewal, "2026-03-01T10:00:00.123456Z");
    let fda = ack(StepId::FdaFacilityRegistration, "2026-03-02T10:00:00.000001Z");
    store.set_readiness_ack(renewal.clone(), true).await.must("confirm renewal");
    store.set_readiness_ack(fda.clone(), true).await.must("confirm fda");
    // Again, later: the first confirmation stays.
    store.set_readiness_ack(ack(StepId::Renewal, "2026-04-01T00:00:00Z"), true).await.must("confirm renewal again");

    let data = store.food_readiness_data(farm.id).await.must("data");
    let got: Vec<Uuid> = data.products.iter().map(|p| p.id.as_uuid()).collect();
    assert_eq!(
        got,
        sorted(ids.iter().map(ProductId::as_uuid).collect()),
        "food_readiness_data: the merchant's products, every status, by id"
    );
    assert_eq!(data.products[1].fields.status, ProductStatus::Blocked, "statuses read back");
    assert_eq!(data.acks, vec![fda.clone(), renewal.clone()], "confirmations in step order, the first kept");

    store.set_readiness_ack(renewal.clone(), false).await.must("withdraw renewal");
    store.set_readiness_ack(renewal.clone(), false).await.must("withdraw renewal again");
    assert_eq!(store.food_readiness_data(farm.id).await.must("data after").acks, vec![fda], "withdrawn");
    assert!(store.food_readiness_data(other.id).await.must("other's").acks.is_empty(), "per merchant");

    let stranger = ReadinessAck { merchant_id: MerchantId::new(), ..renewal };
    match store.set_readiness_ack(stranger, true).await {
        Err(StoreError::NotFound) => {}
        other => panic!("set_readiness_ack of an unknown merchant: expected NotFound, got {other:?}"),
    }
}
