use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn a_product_is_listed_priced_in_cny_and_for_sale_once_its_merchant_is_active() {
    let s = spawn().await;
    let (token, merchant) = s.merchant("farm@example.com", true, false).await;
    let a =
        s.post(&format!("/api/v1/merchants/{merchant}/products"), Some(&token), &product_body("PGA-HONEY-500")).await;
    let p = a.ok(201).clone();
    assert_eq!(p["status"], "listed");
    assert_eq!(p["problems"], json!([]));
    assert_eq!(p["for_sale"], false, "the merchant is still pending");
    assert_eq!(p["price_usd"], "12.50");
    assert_eq!(p["price_cny"], json!(null), "no FX rate yet");
    assert_eq!(p["title"], json!({"en": "Wildflower Honey 500 g", "zh": "野花蜂蜜 500克"}));
    assert_eq!(p["description"], json!({"en": "Raw honey from Iowa prairie flowers.", "zh": null}));
    assert_eq!((p["weight_g"].as_i64(), p["stock"].as_i64()), (Some(650), Some(120)));
    assert_eq!(p["net_content"], json!({"value": 500, "unit": "g"}));
    assert_eq!(
        (p["tax_class"].as_str(), p["hs_code"].as_str(), p["origin_country"].as_str()),
        (Some("agri"), Some("04090000"), Some("US"))
    );
    let id = p["id"].as_str().unwrap();

    s.set_fx("7.10").await;
    let admin = s.admin().await;
    s.post(&format!("/api/v1/admin/merchants/{merchant}/approve"), Some(&admin), &json!({})).await.ok(200);
    let p = s.get(&format!("/api/v1/products/{id}"), None).await;
    let p = p.ok(200);
    // 12.50 × 7.10 = 88.75
    assert_eq!((p["price_cny"].as_str(), p["fx_rate"].as_str()), (Some("88.75"), Some("7.1")));
    assert_eq!(p["for_sale"], true);

    // Half-up to the fen: 19.99 × 7.123456 = 142.39688544 → 142.40; 0.07 × 7.15 = 0.5005 → 0.50
    s.set_fx("7.123456").await;
    s.patch(&format!("/api/v1/products/{id}"), Some(&token), &json!({"price_usd": "19.99"})).await.ok(200);
    assert_eq!(s.get(&format!("/api/v1/products/{id}"), None).await.body["price_cny"], "142.40");
    s.set_fx("7.15").await;
    let p = s.patch(&format!("/api/v1/products/{id}"), Some(&token), &json!({"price_usd": 0.07})).await;
    assert_eq!((p.body["price_usd"].as_str(), p.body["price_cny"].as_str()), (Some("0.07"), Some("0.50")));
}

#[tokio::test]
async fn the_listing_check_blocks_with_reasons() {
    let s = spawn().await;
    let (token, merchant) = s.merchant("farm@example.com", false, true).await;
    let path = format!("/api/v1/merchants/{merchant}/products");
    let mut meat = product_body("BISON-1");
    meat["tax_class"] = json!("meat");
    meat["hs_code"] = json!("02089000");
    let p = s.post(&path, Some(&token), &meat).await;
    let p = p.ok(201);
    assert_eq!(p["status"], "blocked");
    assert_eq!(p["for_sale"], false);
    let codes: Vec<&str> = p["problems"].as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["not_on_positive_list", "food_registration_missing"]);
    assert!(p["problems"][0]["message"].as_str().unwrap().contains("positive list"));

    let honey = s.post(&path, Some(&token), &product_body("HONEY-1")).await;
    assert_eq!(honey.body["status"], "blocked");
    assert_eq!(honey.body["problems"][0]["code"], "food_registration_missing");
    assert_eq!(honey.body["problems"][0]["field"], "tax_class");

    let mut skillet = product_body("SKILLET-1");
    skillet["tax_class"] = json!("household");
    skillet["hs_code"] = json!("73239100");
    let skillet = s.post(&path, Some(&token), &skillet).await;
    assert_eq!((skillet.body["status"].as_str(), skillet.body["for_sale"].as_bool()), (Some("listed"), Some(true)));

    // Moving the product to a class that needs no registration (and the HS code the
    // positive list files there) lists it.
    let id = honey.body["id"].as_str().unwrap();
    let moved = json!({"tax_class": "household", "hs_code": "73239100"});
    let moved = s.patch(&format!("/api/v1/products/{id}"), Some(&token), &moved).await;
    assert_eq!((moved.body["status"].as_str(), moved.body["problems"].clone()), (Some("listed"), json!([])));
}

#[tokio::test]
async fn product_fields_are_validated_with_json_paths() {
    let s = spawn().await;
    let (token, merchant) = s.merchant("farm@example.com", true, true).await;
    let path = format!("/api/v1/merchants/{merchant}/products");
    let bad = json!({
        "sku": "has space",
        "title": {"zh": "蜂蜜"},
        "description": {"en": ""},
        "tax_class": "spaceships",
        "hs_code": "0409",
        "origin_country": "usa",
        "price_usd": "12.345",
        "weight_g": 0,
        "net_content": {"value": "1.5", "unit": "piece"},
        "stock": -1
    });
    let a = s.post(&path, Some(&token), &bad).await;
    a.problem(422, "validation_failed");
    assert_eq!(
        a.error_fields(),
        [
            "description.en",
            "hs_code",
            "net_content.value",
            "origin_country",
            "price_usd",
            "sku",
            "stock",
            "title.en",
            "weight_g"
        ]
    );
    let a = s.post(&path, Some(&token), &json!({})).await;
    assert_eq!(
        a.error_fields(),
        [
            "description.en",
            "hs_code",
            "net_content.unit",
            "net_content.value",
            "price_usd",
            "sku",
            "stock",
            "tax_class",
            "title.en",
            "weight_g"
        ]
    );
    let mut unknown_class = product_body("X-1");
    unknown_class["tax_class"] = json!("spaceships");
    assert_eq!(s.post(&path, Some(&token), &unknown_class).await.error_fields(), ["tax_class"]);
    for (price, ok) in
        [("0", false), ("-1", false), ("100000.01", false), ("1e3", false), ("4.5", true), ("100000", true)]
    {
        let mut body = product_body(&format!("P-{}", price.replace(['.', '-'], "_")));
        body["price_usd"] = json!(price);
        let a = s.post(&path, Some(&token), &body).await;
        assert_eq!(a.status.as_u16() == 201, ok, "price {price}: {}", a.text);
    }
    let mut numeric = product_body("NUMERIC");
    numeric["price_usd"] = json!(12.34);
    assert_eq!(s.post(&path, Some(&token), &numeric).await.ok(201)["price_usd"], "12.34");
    numeric["sku"] = json!("NUMERIC-2");
    numeric["price_usd"] = json!(12.345);
    assert_eq!(s.post(&path, Some(&token), &numeric).await.error_fields(), ["price_usd"]);
    let mut ten_digits = product_body("HS10");
    ten_digits["hs_code"] = json!("0409000000");
    s.post(&path, Some(&token), &ten_digits).await.ok(201);
}

#[tokio::test]
async fn skus_are_unique_per_merchant_only() {
    let s = spawn().await;
    let (a_token, a) = s.merchant("a@example.com", true, true).await;
    let (b_token, b) = s.merchant("b@example.com", true, true).await;
    s.post(&format!("/api/v1/merchants/{a}/products"), Some(&a_token), &product_body("SAME")).await.ok(201);
    let dup = s.post(&format!("/api/v1/merchants/{a}/products"), Some(&a_token), &product_body("SAME")).await;
    dup.problem(409, "conflict");
    assert_eq!(dup.error_fields(), ["sku"]);
    s.post(&format!("/api/v1/merchants/{b}/products"), Some(&b_token), &product_body("SAME")).await.ok(201);
    let other = s.post(&format!("/api/v1/merchants/{b}/products"), Some(&b_token), &product_body("OTHER")).await;
    let other_id = other.body["id"].as_str().unwrap();
    let clash = s.patch(&format!("/api/v1/products/{other_id}"), Some(&b_token), &json!({"sku": "SAME"})).await;
    clash.problem(409, "conflict");
}

#[tokio::test]
async fn only_the_owner_lists_and_edits_a_merchants_products() {
    let s = spawn().await;
    let (owner, merchant) = s.merchant("farm@example.com", true, true).await;
    let (intruder, _) = s.merchant("mill@example.com", true, true).await;
    let consumer = s.signup("shopper@example.com", "consumer").await;
    let admin = s.admin().await;
    let path = format!("/api/v1/merchants/{merchant}/products");
    s.post(&path, None, &product_body("X")).await.problem(401, "unauthorized");
    s.post(&path, Some(&intruder), &product_body("X")).await.problem(403, "forbidden");
    s.post(&path, Some(&consumer), &product_body("X")).await.problem(403, "forbidden");
    s.post(&path, Some(&admin), &product_body("X")).await.problem(403, "forbidden");
    let id = s.post(&path, Some(&owner), &product_body("X")).await.ok(201)["id"].as_str().unwrap().to_string();
    let product = format!("/api/v1/products/{id}");
    s.patch(&product, Some(&intruder), &json!({"stock": 0})).await.problem(403, "forbidden");
    s.patch(&product, None, &json!({"stock": 0})).await.problem(401, "unauthorized");
    assert_eq!(s.get(&product, None).await.ok(200)["stock"], 120, "refused edits change nothing");
    s.post("/api/v1/merchants/0190f000-0000-7000-8000-000000000000/products", Some(&owner), &product_body("Y"))
        .await
        .problem(404, "not_found");
}

#[tokio::test]
async fn edits_keep_unnamed_fields_and_can_withdraw_a_product() {
    let s = spawn().await;
    let (token, merchant) = s.merchant("farm@example.com", true, true).await;
    let p = s.post(&format!("/api/v1/merchants/{merchant}/products"), Some(&token), &product_body("H-1")).await;
    let id = p.body["id"].as_str().unwrap().to_string();
    let version = p.body["version"].as_i64().unwrap();
    let path = format!("/api/v1/products/{id}");
    let edited = s.patch(&path, Some(&token), &json!({"stock": 3, "title": {"en": "Clover Honey"}})).await;
    let e = edited.ok(200);
    assert_eq!((e["stock"].as_i64(), e["title"]["en"].as_str()), (Some(3), Some("Clover Honey")));
    assert_eq!(e["title"]["zh"], json!(null), "the title is replaced as a whole");
    assert_eq!((e["price_usd"].as_str(), e["sku"].as_str()), (Some("12.50"), Some("H-1")));
    assert_eq!(e["version"].as_i64(), Some(version + 1));

    let withdrawn = s.patch(&path, Some(&token), &json!({"status": "delisted"})).await;
    assert_eq!(
        (withdrawn.body["status"].as_str(), withdrawn.body["for_sale"].as_bool()),
        (Some("delisted"), Some(false))
    );
    s.patch(&path, Some(&token), &json!({"status": "blocked"})).await.problem(422, "validation_failed");
    let public = s.get(&format!("/api/v1/merchants/{merchant}/products"), None).await;
    assert_eq!(public.ok(200)["items"], json!([]), "the public sees only products for sale");
    let own = s.get(&format!("/api/v1/merchants/{merchant}/products"), Some(&token)).await;
    assert_eq!(own.ok(200)["items"][0]["id"], id.as_str());
    let relisted = s.patch(&path, Some(&token), &json!({"status": "listed"})).await;
    assert_eq!(relisted.body["for_sale"], true);
    assert_eq!(
        s.get(&format!("/api/v1/merchants/{merchant}/products"), None).await.body["items"][0]["id"],
        id.as_str()
    );
    s.patch(&path, Some(&token), &json!({"price_usd": "0"})).await.problem(422, "validation_failed");
}

#[tokio::test]
async fn concurrent_edits_of_one_product_all_land() {
    let s = spawn().await;
    let (token, merchant) = s.merchant("farm@example.com", true, true).await;
    let p = s.post(&format!("/api/v1/merchants/{merchant}/products"), Some(&token), &product_body("H-1")).await;
    let id = p.body["id"].as_str().unwrap().to_string();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..10 {
        let (client, url, token) = (s.client.clone(), format!("{}/api/v1/products/{id}", s.base), token.clone());
        tasks.spawn(async move {
            let body = if i % 2 == 0 { json!({"stock": 7}) } else { json!({"weight_g": 700}) };
            client.patch(url).bearer_auth(token).json(&body).send().await.unwrap().status().as_u16()
        });
    }
    while let Some(status) = tasks.join_next().await {
        assert_eq!(status.unwrap(), 200);
    }
    let p = s.get(&format!("/api/v1/products/{id}"), None).await;
    assert_eq!(
        (p.body["stock"].as_i64(), p.body["weight_g"].as_i64(), p.body["version"].as_i64()),
        (Some(7), Some(700), Some(11))
    );
}

#[tokio::test]
async fn operators_set_the_fx_rate() {
    let s = spawn().await;
    s.get("/api/v1/fx/USD/CNY", None).await.problem(404, "not_found");
    let admin = s.admin().await;
    let a = s.put("/api/v1/admin/fx/USD/CNY", Some(&admin), &json!({"rate": "7.123400"})).await;
    let fx = a.ok(200);
    assert_eq!(
        (fx["base"].as_str(), fx["quote"].as_str(), fx["rate"].as_str()),
        (Some("USD"), Some("CNY"), Some("7.1234"))
    );
    assert!(fx["as_of"].as_str().unwrap().ends_with('Z'));
    assert_eq!(s.get("/api/v1/fx/USD/CNY", None).await.ok(200)["rate"], "7.1234");
    s.put("/api/v1/admin/fx/USD/CNY", Some(&admin), &json!({"rate": 7.2})).await.ok(200);
    assert_eq!(s.get("/api/v1/fx/USD/CNY", None).await.body["rate"], "7.2");

    for bad in
        [json!({"rate": "7.1234567"}), json!({"rate": "0"}), json!({"rate": "-7"}), json!({"rate": "seven"}), json!({})]
    {
        let a = s.put("/api/v1/admin/fx/USD/CNY", Some(&admin), &bad).await;
        a.problem(422, "validation_failed");
        assert_eq!(a.error_fields(), ["rate"], "{bad}");
    }
    s.put("/api/v1/admin/fx/EUR/CNY", Some(&admin), &json!({"rate": "7.8"})).await.problem(404, "not_found");
    let merchant = s.signup("farm@example.com", "merchant").await;
    s.put("/api/v1/admin/fx/USD/CNY", Some(&merchant), &json!({"rate": "1"})).await.problem(403, "forbidden");
    assert_eq!(s.get("/api/v1/fx/USD/CNY", None).await.body["rate"], "7.2", "refused writes change nothing");
}

#[tokio::test]
async fn the_tax_class_table_is_seeded() {
    let s = spawn().await;
    let a = s.get("/api/v1/tax-classes", None).await;
    let classes = a.ok(200).as_array().unwrap().clone();
    let codes: Vec<&str> = classes.iter().map(|c| c["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["agri", "food", "wine", "cosmetics", "apparel", "household", "electronics", "meat"]);
    let cosmetics = &classes[3];
    assert_eq!(
        (
            cosmetics["vat_rate"].as_str(),
            cosmetics["consumption_tax_rate"].as_str(),
            cosmetics["mfn_duty_rate"].as_str()
        ),
        (Some("0.13"), Some("0.15"), Some("0.01"))
    );
    assert_eq!(cosmetics["consumption_tax_threshold"], json!({"per_g_or_ml": "10.00", "per_piece": "15.00"}));
    assert_eq!((classes[0]["vat_rate"].as_str(), classes[0]["food"].as_bool()), (Some("0.09"), Some(true)));
    assert_eq!(
        (classes[2]["consumption_tax_rate"].as_str(), classes[2]["mfn_duty_rate"].as_str()),
        (Some("0.1"), Some("0.14"))
    );
    assert_eq!((classes[7]["positive_list"].as_bool(), classes[7]["food"].as_bool()), (Some(false), Some(true)));
    assert!(classes[..7].iter().all(|c| c["positive_list"] == true));
}
