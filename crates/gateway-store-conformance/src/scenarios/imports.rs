//! Product imports (`ImportStore`): a merchant's product by SKU, and an upload kept
//! between preview and apply, another merchant's out of reach, used once, expired.

use super::*;
use gateway_core::ImportId;
use gateway_store::ProductImport;

fn upload(merchant: MerchantId, by: UserId, bytes: &[u8], at: DateTime<Utc>) -> ProductImport {
    ProductImport {
        id: ImportId::new(),
        merchant_id: merchant,
        created_by: by,
        format: "shopify".into(),
        bytes: bytes.to_vec(),
        created_at: at,
    }
}

pub async fn imports_products_by_sku_and_uploads_used_once(store: &dyn Store) {
    let m1 = merchant(store).await;
    let m2 = merchant(store).await;
    let p = store.create_product(new_product(m1.id, "SRT_COT_111", ProductStatus::Listed)).await.must("product");
    let found = store.product_by_sku(m1.id, "SRT_COT_111").await.must("by sku");
    assert_eq!(found.map(|f| (f.id, f.fields.sku)), Some((p.id, "SRT_COT_111".to_string())));
    assert!(store.product_by_sku(m2.id, "SRT_COT_111").await.must("other merchant").is_none());
    assert!(store.product_by_sku(m1.id, "srt_cot_111").await.must("case").is_none(), "SKUs are exact");

    // Bytes kept exactly, whatever they are (a BOM, CRLF, a Latin-1 byte).
    let bytes = b"\xEF\xBB\xBFHandle,Title\r\ncafe,Caf\xE9\r\n";
    let old = upload(m1.id, m1.owner_id, b"old", t0());
    store.save_product_import(old.clone(), t0() - chrono::Duration::days(1)).await.must("save old");
    let now = t0() + chrono::Duration::days(2);
    let fresh = upload(m1.id, m1.owner_id, bytes, now);
    store.save_product_import(fresh.clone(), now - chrono::Duration::days(1)).await.must("save fresh");
    assert_eq!(store.product_import(m1.id, fresh.id).await.must("read"), Some(fresh.clone()));
    assert!(store.product_import(m1.id, old.id).await.must("expired").is_none(), "saving expires older uploads");
    assert!(store.product_import(m2.id, fresh.id).await.must("another's").is_none());
    assert!(!store.delete_product_import(m2.id, fresh.id).await.must("delete another's"));
    assert!(store.delete_product_import(m1.id, fresh.id).await.must("delete"));
    assert!(!store.delete_product_import(m1.id, fresh.id).await.must("delete again"), "used once");
    assert!(store.product_import(m1.id, fresh.id).await.must("gone").is_none());
}
