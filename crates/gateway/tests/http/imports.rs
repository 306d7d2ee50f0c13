//! Importing a Shopify product export (SPEC 7): Shopify's own template, as a new
//! merchant would, then again (all updates); bad files change nothing.

use crate::common::*;
use serde_json::{Value, json};

/// Shopify's product CSV template, unchanged (crates/gateway-app/testdata/shopify).
const TEMPLATE: &[u8] = include_bytes!("../../../gateway-app/testdata/shopify/product_template.csv");

async fn upload(s: &TestServer, token: &str, merchant: &str, content_type: &str, body: &[u8]) -> Answer {
    let response = s
        .client
        .post(format!("{}/api/v1/merchants/{merchant}/imports/shopify", s.base))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    TestServer::answer(response).await
}

async fn products(s: &TestServer, token: &str, merchant: &str) -> Vec<Value> {
    let page = s.get(&format!("/api/v1/merchants/{merchant}/products?limit=200"), Some(token)).await;
    page.ok(200)["items"].as_array().unwrap().clone()
}

fn by_sku<'a>(items: &'a [Value], sku: &str) -> &'a Value {
    items.iter().find(|p| p["sku"] == sku).unwrap_or_else(|| panic!("no product {sku}"))
}

#[tokio::test]
async fn shopifys_template_is_imported_as_a_new_merchant_would_then_updated() {
    let s = spawn().await;
    let (token, merchant) = s.merchant("shop@example.com", false, true).await;

    let preview = upload(&s, &token, &merchant, "text/csv", TEMPLATE).await;
    let p = preview.ok(200).clone();
    // 17 rows: 12 shirts, 3 jeans and a row that only adds an image, 1 beanie.
    assert_eq!(
        (p["rows"].as_u64(), p["created"].as_u64(), p["updated"].as_u64(), p["failed_rows"].as_u64()),
        (Some(17), Some(16), Some(0), Some(0))
    );
    assert_eq!((p["image_rows"].as_u64(), p["applied"].as_bool()), (Some(1), Some(false)));
    assert_eq!(p["errors"], json!([]));
    let first = &p["items"][0];
    assert_eq!(
        (first["row"].as_u64(), first["sku"].as_str(), first["action"].as_str()),
        (Some(2), Some("SRT_COT_111"), Some("create"))
    );
    assert_eq!((first["tax_class"].as_str(), first["hs_code"].as_str()), (Some("apparel"), Some("61091000")));
    assert_eq!(first["class_reason"], "Product Category: apparel");
    assert_eq!(first["title_en"], "Example T-Shirt - Green / S");
    assert_eq!(p["items"][12]["withdrawn"], true, "the jeans are a draft in Shopify");
    let import_id = p["import_id"].as_str().unwrap().to_string();
    assert!(products(&s, &token, &merchant).await.is_empty(), "a preview changes nothing");

    let applied =
        s.post(&format!("/api/v1/merchants/{merchant}/imports/{import_id}/apply"), Some(&token), &json!({})).await;
    let a = applied.ok(200);
    assert_eq!((a["created"].as_u64(), a["updated"].as_u64(), a["applied"].as_bool()), (Some(16), Some(0), Some(true)));

    let items = products(&s, &token, &merchant).await;
    assert_eq!(items.len(), 16);
    let shirt = by_sku(&items, "SRT_COT_111");
    assert_eq!(shirt["title"]["en"], "Example T-Shirt - Green / S");
    assert!(shirt["description"]["en"].as_str().unwrap().starts_with("This t-shirt is as simple as it gets."));
    assert_eq!((shirt["price_usd"].as_str(), shirt["weight_g"].as_i64()), (Some("25.00"), Some(145)));
    assert_eq!((shirt["stock"].as_i64(), shirt["status"].as_str()), (Some(0), Some("listed")));
    assert_eq!((shirt["tax_class"].as_str(), shirt["hs_code"].as_str()), (Some("apparel"), Some("61091000")));
    assert_eq!(shirt["net_content"], json!({"value": 1, "unit": "piece"}));
    let jeans = by_sku(&items, "PNT_DEN_285");
    assert_eq!((jeans["price_usd"].as_str(), jeans["weight_g"].as_i64()), (Some("95.00"), Some(227)));
    assert_eq!((jeans["stock"].as_i64(), jeans["status"].as_str()), (Some(20), Some("delisted")));
    assert_eq!(by_sku(&items, "HAT_GRY_275")["title"]["en"], "Example Beanie");

    // Applied once: the same import again is gone.
    s.post(&format!("/api/v1/merchants/{merchant}/imports/{import_id}/apply"), Some(&token), &json!({}))
        .await
        .problem(404, "not_found");

    // The merchant corrects a class; the same file again is all updates, which keep it.
    let id = shirt["id"].as_str().unwrap();
    s.patch(&format!("/api/v1/products/{id}"), Some(&token), &json!({"hs_code": "61099090", "stock": 3})).await.ok(200);
    let again = upload(&s, &token, &merchant, "text/csv; charset=utf-8", TEMPLATE).await;
    let p = again.ok(200).clone();
    assert_eq!((p["created"].as_u64(), p["updated"].as_u64()), (Some(0), Some(16)));
    assert!(p["items"].as_array().unwrap().iter().all(|i| i["action"] == "update"));
    assert_eq!(p["items"][0]["hs_code"], "61099090", "an update shows the code set in Gateway");
    let import_id = p["import_id"].as_str().unwrap();
    let a = s.post(&format!("/api/v1/merchants/{merchant}/imports/{import_id}/apply"), Some(&token), &json!({})).await;
    assert_eq!((a.ok(200)["created"].as_u64(), a.body["updated"].as_u64()), (Some(0), Some(16)));
    let items = products(&s, &token, &merchant).await;
    assert_eq!(items.len(), 16);
    let shirt = by_sku(&items, "SRT_COT_111");
    assert_eq!((shirt["hs_code"].as_str(), shirt["stock"].as_i64()), (Some("61099090"), Some(0)));
}

#[tokio::test]
async fn a_bad_file_is_refused_whole_and_changes_nothing() {
    let s = spawn().await;
    let (token, merchant) = s.merchant("shop@example.com", false, true).await;
    let other = s.signup("other@example.com", "merchant").await;

    // Latin-1 "é" in a title: where, exactly.
    let mut latin1 = b"Handle,Title,Variant Grams,Variant Price\ncafe,Caf".to_vec();
    latin1.extend_from_slice(&[0xE9, b',', b'1', b'0', b'0', b',', b'3', b'\n']);
    let a = upload(&s, &token, &merchant, "text/csv", &latin1).await;
    let body = a.problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "file");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("byte 0xE9 on line 2 (byte offset 49)"), "{message}");

    let a = upload(&s, &token, &merchant, "text/csv", b"Handle,Title\nsyrup,Maple Syrup\n").await;
    let message = a.problem(422, "validation_failed")["errors"][0]["message"].as_str().unwrap().to_string();
    assert!(message.contains("Variant Price, Variant Grams"), "{message}");

    let broken = b"Handle,Title,Variant Grams,Variant Price\nsyrup,\"Maple Syrup,500,12\nnuts,Pecans,454,9\n";
    let a = upload(&s, &token, &merchant, "text/csv", broken).await;
    let message = a.problem(422, "validation_failed")["errors"][0]["message"].as_str().unwrap().to_string();
    assert!(message.contains("starts on line 2 is never closed"), "{message}");

    upload(&s, &token, &merchant, "text/csv", b"").await.problem(422, "validation_failed");
    upload(&s, &token, &merchant, "application/json", TEMPLATE).await.problem(415, "unsupported_media_type");
    upload(&s, &other, &merchant, "text/csv", TEMPLATE).await.problem(403, "forbidden");
    assert!(products(&s, &token, &merchant).await.is_empty());

    // Another merchant cannot apply this merchant's import.
    let p = upload(&s, &token, &merchant, "text/csv", TEMPLATE).await;
    let import_id = p.ok(200)["import_id"].as_str().unwrap().to_string();
    s.post(&format!("/api/v1/merchants/{merchant}/imports/{import_id}/apply"), Some(&other), &json!({}))
        .await
        .problem(403, "forbidden");
    s.post(&format!("/api/v1/merchants/{merchant}/imports/not-an-id/apply"), Some(&token), &json!({}))
        .await
        .problem(404, "not_found");
    assert!(products(&s, &token, &merchant).await.is_empty());
}

/// A multipart/form-data body with the CSRF token and the file, as a browser sends it.
fn multipart_body(boundary: &str, csrf: &str, file: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\n\
         Content-Disposition: form-data; name=\"file\"; filename=\"products_export.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

async fn upload_page(b: &mut crate::pages::Browser<'_>, csrf: &str, file: &[u8]) -> crate::pages::Page {
    let boundary = "gateway-test-boundary-7MA4YWxk";
    let request = b
        .client
        .post(format!("{}/merchant/import", b.server.base))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(multipart_body(boundary, csrf, file));
    b.send(request).await
}

#[tokio::test]
async fn the_portal_uploads_previews_and_applies_an_export() {
    let s = spawn().await;
    let (mut b, merchant) =
        crate::merchant_pages::portal_merchant(&s, "shop@example.com", &crate::merchant_pages::PROFILE).await;
    let list = b.get("/merchant/products").await;
    assert!(list.body.contains("href=\"/merchant/import\""), "the products page links to the import");
    let form = b.get("/merchant/import").await;
    assert_eq!(form.status, 200);
    let csrf = form.csrf();

    // Without the CSRF token: refused.
    assert_eq!(upload_page(&mut b, "forged", TEMPLATE).await.status, 403);
    // A bad file: the form again, with where the file is broken; nothing stored.
    let bad = upload_page(&mut b, &csrf, b"Handle,Title,Variant Grams,Variant Price\ncafe,Caf\xe9,100,3\n").await;
    assert_eq!(bad.status, 422);
    assert!(bad.by_id("import-file-error").contains("byte 0xE9 on line 2"), "{}", bad.body);

    let preview = upload_page(&mut b, &csrf, TEMPLATE).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(
        (preview.by_id("import-rows"), preview.by_id("import-created"), preview.by_id("import-failed")),
        ("17".to_string(), "16".to_string(), "0".to_string())
    );
    assert!(preview.body.contains("SRT_COT_111") && preview.body.contains("61091000"));
    let at = preview.body.find("action=\"/merchant/import/").expect("an apply form") + 8;
    let action = preview.body[at..].split('"').next().unwrap().to_string();
    let token = b.token();
    assert!(products(&s, &token, &merchant).await.is_empty(), "a preview changes nothing");

    let applied = b.post(&action, &[("csrf", &csrf)]).await;
    assert_eq!(applied.status, 200, "{}", applied.body);
    assert_eq!(applied.by_id("import-created"), "16");
    assert!(applied.body.contains("id=\"import-applied\""));
    assert_eq!(products(&s, &token, &merchant).await.len(), 16);
    // Applied once.
    assert_eq!(b.post(&action, &[("csrf", &csrf)]).await.status, 404);

    let zh = b.get("/merchant/import?lang=zh-CN").await;
    assert!(zh.body.contains("从 Shopify 导入商品"), "{}", zh.body);
}
