//! SPEC 2–6 over HTTP: identity, carts, the landed price, checkout, orders. Every
//! expected amount below is worked out by hand from SPEC 3 and 5, in the comments.

use crate::common::*;
use serde_json::{Value, json};

pub(crate) use crate::shop::*;

#[tokio::test]
async fn identity_is_validated_encrypted_and_masked() {
    let s = spawn().await;
    let token = s.signup("buyer@example.com", "consumer").await;
    let id = id_number(7);
    let a = s
        .put(
            "/api/v1/me/identity",
            Some(&token),
            &json!({"real_name": "阿依古丽·买买提", "id_number": id, "phone": "13912345678"}),
        )
        .await;
    let v = a.ok(200);
    assert_eq!(v["id_number_masked"], format!("{}**********{}", &id[..4], &id[14..]));
    assert!(!a.text.contains(&id[4..14]), "the full number never leaves the server");
    assert_eq!((v["real_name"].as_str(), v["phone"].as_str()), (Some("阿依古丽·买买提"), Some("13912345678")));
    assert_eq!(s.get("/api/v1/me/identity", Some(&token)).await.ok(200)["id_number_masked"], v["id_number_masked"]);

    let mut bad_check = id.clone();
    let last = if bad_check.ends_with('0') { "1" } else { "0" };
    bad_check.replace_range(17.., last);
    for wrong in
        [bad_check.as_str(), "11010519490231002X", "1101051949123100", "11010530000101002X", "abcdefghijklmnopqr"]
    {
        let a = s
            .put(
                "/api/v1/me/identity",
                Some(&token),
                &json!({"real_name": "张三", "id_number": wrong, "phone": "13800138000"}),
            )
            .await;
        a.problem(422, "invalid_id_number");
        assert_eq!(a.error_fields(), ["id_number"], "{wrong}");
    }
    let a = s
        .put(
            "/api/v1/me/identity",
            Some(&token),
            &json!({"real_name": "张三1", "id_number": id, "phone": "12800138000"}),
        )
        .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.error_fields(), ["phone", "real_name"]);
    let merchant = s.signup("farm@example.com", "merchant").await;
    s.put(
        "/api/v1/me/identity",
        Some(&merchant),
        &json!({"real_name": "张三", "id_number": id, "phone": "13800138000"}),
    )
    .await
    .problem(403, "forbidden");
    s.put("/api/v1/me/identity", None, &json!({})).await.problem(401, "unauthorized");
}

#[tokio::test]
async fn a_consumer_buys_from_two_merchants_at_the_landed_price() {
    let s = spawn().await;
    s.set_fx("7.10").await;
    let (m1_token, m1) = s.merchant("honey@example.com", true, true).await; // direct mail
    let (m2_token, m2) = bonded_merchant(&s, "skillet@example.com").await;
    let honey = product(&s, &m1_token, &m1, json!({"price_usd": "12.50", "weight_g": 650})).await;
    let skillet = product(
        &s,
        &m2_token,
        &m2,
        json!({"tax_class": "household", "hs_code": "73239100", "price_usd": "40.00", "weight_g": 2400}),
    )
    .await;
    let socks = product(
        &s,
        &m2_token,
        &m2,
        json!({"tax_class": "apparel", "hs_code": "61159500", "price_usd": "15.00", "weight_g": 200}),
    )
    .await;
    let buyer = shopper(&s).await;
    let cart = cart_with(&s, &buyer, &[(&honey, 2), (&skillet, 1), (&socks, 3)]).await;

    let q = s.get(&format!("/api/v1/carts/{cart}/quote"), Some(&buyer)).await;
    let q = q.ok(200).clone();
    assert_eq!(q["problems"], json!([]));
    assert_eq!(q["fx_rate"], "7.1");
    // Merchant 1, direct mail: 2 × 88.75 = 177.50; 1,300 g → 40 + 2 × 20 = 80.00.
    // P = 257.50; agri VAT 9% × 70% = 16.2225 → 16.22; total 273.72.
    let o1 = &q["orders"][0];
    assert_eq!(o1["merchant_id"], m1.as_str());
    assert_eq!(o1["regime"], "cbec");
    let amounts = |o: &Value| {
        ["goods", "freight", "duty", "consumption_tax", "vat", "tax", "total"]
            .map(|k| o[k].as_str().unwrap().to_string())
    };
    assert_eq!(amounts(o1), ["177.50", "80.00", "0.00", "0.00", "16.22", "16.22", "273.72"]);
    assert_eq!(o1["lines"][0]["unit_price_cny"], "88.75");
    // Merchant 2, bonded: 284.00 + 3 × 106.50 = 603.50; freight 10.00 split
    // 10 × 284/603.5 = 4.7059 → 4.71 and 10 × 319.5/603.5 = 5.2941 → 5.29.
    // VAT 13% × 70%: 288.71 → 26.27261 → 26.27; 324.79 → 29.55589 → 29.56.
    let o2 = &q["orders"][1];
    assert_eq!(amounts(o2), ["603.50", "10.00", "0.00", "0.00", "55.83", "55.83", "669.33"]);
    let line = |i: usize| ["goods", "freight", "vat"].map(|k| o2["lines"][i][k].as_str().unwrap().to_string());
    assert_eq!(line(0), ["284.00", "4.71", "26.27"]);
    assert_eq!(line(1), ["319.50", "5.29", "29.56"]);
    assert_eq!(q["total"], "943.05");

    let placed = checkout(&s, &buyer, &cart, "order-1").await;
    let placed = placed.ok(201).clone();
    assert_eq!(
        (placed["payment"]["amount"].as_str(), placed["payment"]["status"].as_str()),
        (Some("943.05"), Some("captured"))
    );
    let orders = placed["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 2);
    assert!(orders.iter().all(|o| o["status"] == "paid"));
    assert_eq!(amounts(&orders[1]), amounts(o2));

    // Stock went down; the quota counts goods + freight: 257.50 + 613.50 = 871.00.
    assert_eq!(s.get(&format!("/api/v1/products/{socks}"), None).await.body["stock"], 117);
    let quota = s.get("/api/v1/me/quota", Some(&buyer)).await;
    assert_eq!((quota.body["used"].as_str(), quota.body["remaining"].as_str()), (Some("871.00"), Some("25129.00")));
    assert_eq!(quota.body["limit"], "26000.00");

    // Each side sees its orders.
    let mine = s.get("/api/v1/me/orders", Some(&buyer)).await;
    assert_eq!(mine.ok(200)["items"].as_array().unwrap().len(), 2);
    let theirs = s.get(&format!("/api/v1/merchants/{m2}/orders"), Some(&m2_token)).await;
    let theirs = theirs.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(theirs.len(), 1);
    let order = &theirs[0];
    assert_eq!((order["fx_rate"].as_str(), order["total"].as_str()), (Some("7.1"), Some("669.33")));
    assert_eq!(order["address"]["postal_code"], "200120");
    assert_eq!(order["payment"]["id"], placed["payment"]["id"]);
    s.get(&format!("/api/v1/merchants/{m2}/orders"), Some(&m1_token)).await.problem(403, "forbidden");

    // The cart is spent.
    checkout(&s, &buyer, &cart, "order-2").await.problem(409, "conflict");
}

#[tokio::test]
async fn cosmetics_pay_consumption_tax_above_the_threshold_only() {
    let s = spawn().await;
    s.set_fx("7.10").await;
    let (token, merchant) = s.merchant("botanics@example.com", true, true).await;
    let serum = product(
        &s,
        &token,
        &merchant,
        json!({"tax_class": "cosmetics", "hs_code": "33049900",
        "price_usd": "95.00", "weight_g": 120, "net_content": {"value": 30, "unit": "ml"}}),
    )
    .await;
    let cream = product(
        &s,
        &token,
        &merchant,
        json!({"tax_class": "cosmetics", "hs_code": "33049900",
        "price_usd": "10.00", "weight_g": 150, "net_content": {"value": 100, "unit": "g"}}),
    )
    .await;
    let buyer = shopper(&s).await;
    // Serum: 674.50 + 40.00 = 714.50 over 30 ml = 23.82/ml ≥ 10: CT = 0.7 × 714.50 × 0.15 / 0.85
    // = 88.2617… → 88.26; VAT = 0.7 × 714.50 × 0.13 / 0.85 = 76.4935… → 76.49 (23.06%).
    let q = s.get(&format!("/api/v1/carts/{}/quote", cart_with(&s, &buyer, &[(&serum, 1)]).await), Some(&buyer)).await;
    let o = &q.body["orders"][0];
    assert_eq!([&o["consumption_tax"], &o["vat"], &o["total"]], [&json!("88.26"), &json!("76.49"), &json!("879.25")]);
    // Cream: 71.00 + 40.00 = 111.00 over 100 g = 1.11/g < 10: no CT; VAT 0.7 × 111 × 0.13 = 10.101 → 10.10.
    let q = s.get(&format!("/api/v1/carts/{}/quote", cart_with(&s, &buyer, &[(&cream, 1)]).await), Some(&buyer)).await;
    let o = &q.body["orders"][0];
    assert_eq!([&o["consumption_tax"], &o["vat"], &o["total"]], [&json!("0.00"), &json!("10.10"), &json!("121.10")]);
}

#[tokio::test]
async fn the_single_and_annual_limits() {
    let s = spawn().await;
    s.set_fx("7.10").await;
    let (token, merchant) = s.merchant("radio@example.com", true, true).await;
    // 900.00 USD = 6,390.00 CNY + 40.00 freight = 6,430.00: above 5,000.
    let radio = product(
        &s,
        &token,
        &merchant,
        json!({"tax_class": "electronics", "hs_code": "85271900",
        "price_usd": "900.00", "weight_g": 400, "stock": 50}),
    )
    .await;
    let buyer = shopper(&s).await;

    // Two units: refused, the single limit.
    let cart = cart_with(&s, &buyer, &[(&radio, 2)]).await;
    let q = s.get(&format!("/api/v1/carts/{cart}/quote"), Some(&buyer)).await;
    assert_eq!(q.body["problems"][0]["code"], "single_limit_exceeded");
    checkout(&s, &buyer, &cart, "two-radios").await.problem(422, "single_limit_exceeded");

    // One unit: full tax. Duty 0% (electronics), CT 0, VAT 13% of 6,430.00 = 835.90.
    let mut used = 0;
    for i in 0..4 {
        let cart = cart_with(&s, &buyer, &[(&radio, 1)]).await;
        let placed = checkout(&s, &buyer, &cart, &format!("radio-{i}")).await;
        let o = &placed.ok(201)["orders"][0];
        assert_eq!(o["regime"], "cbec_full_tax");
        assert_eq!([&o["duty"], &o["vat"], &o["total"]], [&json!("0.00"), &json!("835.90"), &json!("7265.90")]);
        used += 643_000;
    }
    // 4 × 6,430.00 = 25,720.00 used: 280.00 remain.
    assert_eq!(used, 2_572_000);
    let quota = s.get("/api/v1/me/quota", Some(&buyer)).await;
    assert_eq!(quota.body["remaining"], "280.00");
    let cart = cart_with(&s, &buyer, &[(&radio, 1)]).await;
    let q = s.get(&format!("/api/v1/carts/{cart}/quote"), Some(&buyer)).await;
    assert_eq!(q.body["problems"][0]["code"], "annual_limit_exceeded");
    assert_eq!(q.body["problems"][0]["remaining"], "280.00");
    let refused = checkout(&s, &buyer, &cart, "radio-5").await;
    refused.problem(422, "annual_limit_exceeded");
    assert_eq!(refused.body["remaining"], "280.00");

    // Cancelling one order gives its 6,430.00 back.
    let orders = s.get("/api/v1/me/orders", Some(&buyer)).await;
    let first = orders.body["items"][0]["id"].as_str().unwrap().to_string();
    s.post(&format!("/api/v1/orders/{first}/cancel"), Some(&buyer), &json!({})).await.ok(200);
    assert_eq!(s.get("/api/v1/me/quota", Some(&buyer)).await.body["remaining"], "6710.00");
    checkout(&s, &buyer, &cart, "radio-5").await.ok(201);
}

#[tokio::test]
async fn checkout_is_idempotent_per_key() {
    let s = spawn().await;
    s.set_fx("7.10").await;
    let (token, merchant) = s.merchant("honey@example.com", true, true).await;
    let honey = product(&s, &token, &merchant, json!({"stock": 10})).await;
    let buyer = shopper(&s).await;
    let cart = cart_with(&s, &buyer, &[(&honey, 2)]).await;
    let first = checkout(&s, &buyer, &cart, "key-1").await;
    let first = first.ok(201).clone();
    let replay = checkout(&s, &buyer, &cart, "key-1").await;
    assert_eq!(replay.ok(201), &first, "the same key and body give the same answer");
    assert_eq!(s.get(&format!("/api/v1/products/{honey}"), None).await.body["stock"], 8, "and no second sale");
    assert_eq!(s.get("/api/v1/me/orders", Some(&buyer)).await.body["items"].as_array().unwrap().len(), 1);

    let other_cart = cart_with(&s, &buyer, &[(&honey, 1)]).await;
    checkout(&s, &buyer, &other_cart, "key-1").await.problem(422, "idempotency_conflict");
    // A missing key is refused before anything happens.
    let a = s.post("/api/v1/checkout", Some(&buyer), &json!({"cart_id": other_cart, "address": address()})).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.error_fields(), ["Idempotency-Key"]);
    // Keys are per account: another buyer may use the same one.
    let second = shopper(&s).await;
    let their_cart = cart_with(&s, &second, &[(&honey, 1)]).await;
    checkout(&s, &second, &their_cart, "key-1").await.ok(201);
    // A refused checkout frees its key for the corrected retry.
    let empty = cart_with(&s, &buyer, &[]).await;
    checkout(&s, &buyer, &empty, "key-2").await.problem(422, "validation_failed");
    let retry_cart = cart_with(&s, &buyer, &[(&honey, 1)]).await;
    checkout(&s, &buyer, &retry_cart, "key-2").await.ok(201);
}

#[tokio::test]
async fn checkout_refusals_carry_their_codes() {
    let s = spawn().await;
    s.set_fx("7.10").await;
    let (token, merchant) = s.merchant("honey@example.com", true, true).await;
    let honey = product(&s, &token, &merchant, json!({"stock": 3})).await;
    let (_, pending) = s.merchant("pending@example.com", true, false).await;
    let pending_token =
        s.post("/api/v1/auth/login", None, &json!({"email": "pending@example.com", "password": "password-123"})).await;
    let pending_token = pending_token.body["token"].as_str().unwrap().to_string();
    let unsellable = product(&s, &pending_token, &pending, json!({})).await;

    // No identity yet.
    let newcomer = s.signup("new@example.com", "consumer").await;
    let cart = cart_with(&s, &newcomer, &[(&honey, 1)]).await;
    let q = s.get(&format!("/api/v1/carts/{cart}/quote"), Some(&newcomer)).await;
    assert_eq!(q.body["problems"][0]["code"], "identity_required");
    checkout(&s, &newcomer, &cart, "k").await.problem(422, "identity_required");

    let buyer = shopper(&s).await;
    let cart = cart_with(&s, &buyer, &[(&honey, 4)]).await;
    let q = s.get(&format!("/api/v1/carts/{cart}/quote"), Some(&buyer)).await;
    assert_eq!(
        (q.body["problems"][0]["code"].as_str(), q.body["problems"][0]["product_id"].as_str()),
        (Some("out_of_stock"), Some(honey.as_str()))
    );
    let refused = checkout(&s, &buyer, &cart, "k1").await;
    refused.problem(409, "out_of_stock");
    assert_eq!(refused.body["product_id"], honey.as_str());

    let cart = cart_with(&s, &buyer, &[(&unsellable, 1)]).await;
    checkout(&s, &buyer, &cart, "k2").await.problem(422, "not_for_sale");

    // Quantities are checked; carts belong to their owner; merchants do not buy.
    let a = s.put(&format!("/api/v1/carts/{cart}/items/{honey}"), Some(&buyer), &json!({"quantity": -1})).await;
    assert_eq!(a.error_fields(), ["quantity"]);
    let a = s.put(&format!("/api/v1/carts/{cart}/items/{honey}"), Some(&buyer), &json!({"quantity": 1000})).await;
    assert_eq!(a.error_fields(), ["quantity"]);
    let a = s.put(&format!("/api/v1/carts/{cart}/items/{honey}"), Some(&buyer), &json!({"quantity": "2"})).await;
    assert_eq!(a.error_fields(), ["quantity"]);
    let stranger = shopper(&s).await;
    s.get(&format!("/api/v1/carts/{cart}/quote"), Some(&stranger)).await.problem(403, "forbidden");
    s.put(&format!("/api/v1/carts/{cart}/items/{honey}"), Some(&stranger), &json!({"quantity": 1}))
        .await
        .problem(403, "forbidden");
    checkout(&s, &stranger, &cart, "k3").await.problem(403, "forbidden");
    checkout(&s, &token, &cart, "k4").await.problem(403, "forbidden");
    s.put(
        &format!("/api/v1/carts/{cart}/items/0190f000-0000-7000-8000-000000000000"),
        Some(&buyer),
        &json!({"quantity": 1}),
    )
    .await
    .problem(404, "not_found");
    let bad_address = s
        .client
        .post(format!("{}/api/v1/checkout", s.base))
        .bearer_auth(&buyer)
        .header("Idempotency-Key", "k5")
        .json(&json!({"cart_id": cart, "address": {"recipient": "张三", "phone": "123", "postal_code": "2001"}}))
        .send()
        .await
        .unwrap();
    let bad_address = TestServer::answer(bad_address).await;
    assert_eq!(
        bad_address.error_fields(),
        [
            "address.city",
            "address.district",
            "address.phone",
            "address.postal_code",
            "address.province",
            "address.street"
        ]
    );
}

#[tokio::test]
async fn an_anonymous_cart_is_taken_by_the_consumer_who_signs_in() {
    let s = spawn().await;
    s.set_fx("7.10").await;
    let (token, merchant) = s.merchant("honey@example.com", true, true).await;
    let honey = product(&s, &token, &merchant, json!({})).await;
    let cart = s.post("/api/v1/carts", None, &json!({})).await.ok(201)["id"].as_str().unwrap().to_string();
    s.put(&format!("/api/v1/carts/{cart}/items/{honey}"), None, &json!({"quantity": 1})).await.ok(200);
    let q = s.get(&format!("/api/v1/carts/{cart}/quote"), None).await;
    // 650 g by direct mail: 40.00 + 20.00. VAT 0.7 × (88.75 + 60.00) × 9% = 9.37125 → 9.37.
    assert_eq!(q.ok(200)["orders"][0]["total"], "158.12");
    let buyer = shopper(&s).await;
    checkout(&s, &buyer, &cart, "anon").await.ok(201);
    s.get(&format!("/api/v1/carts/{cart}"), None).await.problem(401, "unauthorized");
}

#[tokio::test]
async fn orders_move_through_their_states_with_refunds() {
    let s = spawn().await;
    s.set_fx("7.10").await;
    let (merchant_token, merchant) = s.merchant("honey@example.com", true, true).await;
    let honey = product(&s, &merchant_token, &merchant, json!({"stock": 10})).await;
    let buyer = shopper(&s).await;
    let stranger = shopper(&s).await;
    let admin = s.admin().await;
    let buy = |n: i64, key: &'static str| {
        let (s, buyer, honey) = (&s, buyer.clone(), honey.clone());
        async move {
            let cart = cart_with(s, &buyer, &[(&honey, n)]).await;
            checkout(s, &buyer, &cart, key).await.body["orders"][0]["id"].as_str().unwrap().to_string()
        }
    };
    let order = buy(2, "a").await;
    let path = |action: &str| format!("/api/v1/orders/{order}/{action}");
    s.get(&format!("/api/v1/orders/{order}"), Some(&stranger)).await.problem(403, "forbidden");
    s.get(&format!("/api/v1/orders/{order}"), None).await.problem(401, "unauthorized");
    assert_eq!(s.get(&format!("/api/v1/orders/{order}"), Some(&merchant_token)).await.ok(200)["status"], "paid");
    assert_eq!(s.get(&format!("/api/v1/orders/{order}"), Some(&admin)).await.ok(200)["status"], "paid");

    s.post(&path("ship"), Some(&buyer), &json!({"carrier": "EMS", "tracking_no": "EA123"}))
        .await
        .problem(403, "forbidden");
    s.post(&path("deliver"), Some(&buyer), &json!({})).await.problem(409, "invalid_transition");
    let a = s.post(&path("ship"), Some(&merchant_token), &json!({"carrier": "", "tracking_no": "bad number!"})).await;
    assert_eq!(a.error_fields(), ["carrier", "tracking_no"]);
    let shipped =
        s.post(&path("ship"), Some(&merchant_token), &json!({"carrier": "EMS", "tracking_no": "EA123456789US"})).await;
    let shipped = shipped.ok(200);
    assert_eq!(
        (shipped["status"].as_str(), shipped["carrier"].as_str(), shipped["tracking_no"].as_str()),
        (Some("shipped"), Some("EMS"), Some("EA123456789US"))
    );
    s.post(&path("cancel"), Some(&buyer), &json!({})).await.problem(409, "invalid_transition");
    s.post(&path("deliver"), Some(&merchant_token), &json!({})).await.problem(403, "forbidden");
    assert_eq!(s.post(&path("deliver"), Some(&buyer), &json!({})).await.ok(200)["status"], "delivered");
    let returned = s.post(&path("return"), Some(&buyer), &json!({})).await;
    assert_eq!(
        (returned.body["status"].as_str(), returned.body["payment"]["status"].as_str()),
        (Some("returned"), Some("refunded"))
    );
    s.post(&path("return"), Some(&buyer), &json!({})).await.problem(409, "invalid_transition");
    s.post(&path("refund"), Some(&buyer), &json!({})).await.problem(404, "not_found");
    assert_eq!(s.get(&format!("/api/v1/products/{honey}"), None).await.body["stock"], 10, "a return restocks");

    // The merchant cancels a paid order: stock, quota and payment come back.
    let second = buy(3, "b").await;
    assert_eq!(s.get(&format!("/api/v1/products/{honey}"), None).await.body["stock"], 7);
    let cancelled = s.post(&format!("/api/v1/orders/{second}/cancel"), Some(&merchant_token), &json!({})).await;
    assert_eq!(
        (cancelled.body["status"].as_str(), cancelled.body["payment"]["status"].as_str()),
        (Some("cancelled"), Some("refunded"))
    );
    assert_eq!(s.get(&format!("/api/v1/products/{honey}"), None).await.body["stock"], 10);
    assert_eq!(s.get("/api/v1/me/quota", Some(&buyer)).await.body["used"], "0.00");
    s.post(&format!("/api/v1/orders/{second}/cancel"), Some(&admin), &json!({})).await.problem(403, "forbidden");
}

#[tokio::test]
async fn the_last_units_sell_once_in_a_race() {
    let s = spawn().await;
    s.set_fx("7.10").await;
    let (token, merchant) = s.merchant("honey@example.com", true, true).await;
    let honey = product(&s, &token, &merchant, json!({"stock": 5})).await;
    let mut buyers = Vec::new();
    for _ in 0..12 {
        let buyer = shopper(&s).await;
        let cart = cart_with(&s, &buyer, &[(&honey, 1)]).await;
        buyers.push((buyer, cart));
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (buyer, cart) in buyers.clone() {
        let (client, base) = (s.client.clone(), s.base.clone());
        tasks.spawn(async move {
            let response = client
                .post(format!("{base}/api/v1/checkout"))
                .bearer_auth(&buyer)
                .header("Idempotency-Key", "race")
                .json(&json!({"cart_id": cart, "address": address()}))
                .send()
                .await
                .unwrap();
            TestServer::answer(response).await
        });
    }
    let mut sold = Vec::new();
    let mut refused = 0;
    while let Some(answer) = tasks.join_next().await {
        let answer = answer.unwrap();
        match answer.status.as_u16() {
            201 => sold.push(answer.body.clone()),
            _ => {
                answer.problem(409, "out_of_stock");
                refused += 1;
            }
        }
    }
    assert_eq!((sold.len(), refused), (5, 7));
    assert_eq!(s.get(&format!("/api/v1/products/{honey}"), None).await.body["stock"], 0);
    // Each payment has its order and each order its payment.
    let merchant_orders = s.get(&format!("/api/v1/merchants/{merchant}/orders"), Some(&token)).await;
    let orders = merchant_orders.body["items"].as_array().unwrap().clone();
    assert_eq!(orders.len(), 5);
    let mut payments: Vec<&str> = sold.iter().map(|b| b["payment"]["id"].as_str().unwrap()).collect();
    let mut order_payments: Vec<&str> = orders.iter().map(|o| o["payment"]["id"].as_str().unwrap()).collect();
    payments.sort();
    order_payments.sort();
    assert_eq!(payments, order_payments);
}

/// A provider whose payer is someone else: the checkout must be refused and the
/// charge refunded (SPEC 4: the payer must be the orderer).
struct ImpostorProvider {
    refunds: std::sync::Mutex<Vec<(String, String)>>,
}

#[async_trait::async_trait]
impl gateway_app::payments::PaymentProvider for ImpostorProvider {
    fn name(&self) -> &'static str {
        "impostor"
    }

    async fn charge(
        &self,
        request: gateway_app::payments::ChargeRequest,
    ) -> Result<gateway_app::payments::Charge, gateway_app::payments::PaymentError> {
        Ok(gateway_app::payments::Charge {
            provider_ref: format!("imp_{}", request.payment_id),
            payer_id_number_hash: vec![0; 32],
        })
    }

    async fn refund(
        &self,
        provider_ref: &str,
        amount: gateway_core::Cny,
    ) -> Result<(), gateway_app::payments::PaymentError> {
        self.refunds.lock().unwrap().push((provider_ref.to_string(), amount.to_string()));
        Ok(())
    }
}

#[tokio::test]
async fn a_payer_who_is_not_the_buyer_is_refused_and_refunded() {
    let provider = std::sync::Arc::new(ImpostorProvider { refunds: std::sync::Mutex::new(Vec::new()) });
    let s = spawn_paying_with(provider.clone()).await;
    s.set_fx("7.10").await;
    let (token, merchant) = s.merchant("honey@example.com", true, true).await;
    let honey = product(&s, &token, &merchant, json!({"stock": 4})).await;
    let buyer = shopper(&s).await;
    let cart = cart_with(&s, &buyer, &[(&honey, 1)]).await;
    checkout(&s, &buyer, &cart, "k").await.problem(422, "payer_mismatch");
    let refunds = provider.refunds.lock().unwrap().clone();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].1, "158.12", "the whole charge is refunded");
    assert_eq!(s.get(&format!("/api/v1/products/{honey}"), None).await.body["stock"], 4, "nothing was sold");
    assert_eq!(s.get("/api/v1/me/orders", Some(&buyer)).await.body["items"], json!([]));
}

#[tokio::test]
async fn a_cart_holds_at_most_a_hundred_products() {
    let s = spawn().await;
    s.set_fx("7.10").await;
    let (token, merchant) = s.merchant("many@example.com", true, true).await;
    let buyer = shopper(&s).await;
    let cart = s.post("/api/v1/carts", Some(&buyer), &json!({})).await.ok(201)["id"].as_str().unwrap().to_string();
    let mut products = Vec::new();
    for _ in 0..101 {
        products.push(product(&s, &token, &merchant, json!({"price_usd": "0.50"})).await);
    }
    for p in &products[..100] {
        s.put(&format!("/api/v1/carts/{cart}/items/{p}"), Some(&buyer), &json!({"quantity": 1})).await.ok(200);
    }
    let one = json!({"quantity": 1});
    let last = format!("/api/v1/carts/{cart}/items/{}", products[100]);
    s.put(&last, Some(&buyer), &one).await.problem(422, "cart_full");
    // Changing a product already in the cart, or removing one, still works.
    let first = &products[0];
    let changed = s.put(&format!("/api/v1/carts/{cart}/items/{first}"), Some(&buyer), &json!({"quantity": 2})).await;
    assert_eq!(changed.ok(200)["items"].as_array().unwrap().len(), 100);
    s.put(&format!("/api/v1/carts/{cart}/items/{first}"), Some(&buyer), &json!({"quantity": 0})).await.ok(200);
    s.put(&last, Some(&buyer), &one).await.ok(200);
    // The whole cart checks out in one go: one order of 100 lines.
    let placed = checkout(&s, &buyer, &cart, "hundred").await;
    assert_eq!(placed.ok(201)["orders"][0]["lines"].as_array().unwrap().len(), 100, "{}", placed.text);
}
