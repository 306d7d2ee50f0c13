use crate::common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn a_merchant_signs_up_and_waits_for_approval() {
    let s = spawn().await;
    let token = s.signup("farm@example.com", "merchant").await;
    let a = s.post("/api/v1/merchants", Some(&token), &merchant_body()).await;
    let m = a.ok(201).clone();
    assert_eq!(m["status"], "pending");
    assert_eq!(m["legal_name"], "Prairie Gold Apiaries LLC");
    assert_eq!(m["display_name"], json!({"en": "Prairie Gold Apiaries", "zh": "草原金蜂场"}));
    assert_eq!((m["kind"].as_str(), m["state"].as_str(), m["city"].as_str()), (Some("farm"), Some("IA"), Some("Ames")));
    assert_eq!((m["zip"].as_str(), m["employees"].as_i64()), (Some("50010"), Some(6)));
    assert_eq!((m["exported_before"].as_bool(), m["fulfilment"].as_str()), (Some(false), Some("direct_mail")));
    assert_eq!(m["food_registration_no"], "CUSA12345678901");
    let id = m["id"].as_str().unwrap();

    // Anyone sees the public fields; the private ones only the owner and operators.
    let public = s.get(&format!("/api/v1/merchants/{id}"), None).await;
    let public = public.ok(200);
    assert_eq!(public["display_name"]["en"], "Prairie Gold Apiaries");
    for private in ["zip", "employees", "exported_before", "food_registration_no", "owner_id"] {
        assert!(public.get(private).is_none(), "{private} must not be public");
    }
    let other = s.signup("other@example.com", "merchant").await;
    assert!(s.get(&format!("/api/v1/merchants/{id}"), Some(&other)).await.ok(200).get("employees").is_none());
    assert_eq!(s.get(&format!("/api/v1/merchants/{id}"), Some(&token)).await.ok(200)["employees"], 6);
    assert_eq!(s.get("/api/v1/me/merchant", Some(&token)).await.ok(200)["id"], id);
    let admin = s.admin().await;
    assert_eq!(s.get(&format!("/api/v1/merchants/{id}"), Some(&admin)).await.ok(200)["employees"], 6);

    // One business per merchant account.
    s.post("/api/v1/merchants", Some(&token), &merchant_body()).await.problem(409, "conflict");
}

#[tokio::test]
async fn only_merchant_accounts_create_merchants() {
    let s = spawn().await;
    s.post("/api/v1/merchants", None, &merchant_body()).await.problem(401, "unauthorized");
    let consumer = s.signup("shopper@example.com", "consumer").await;
    s.post("/api/v1/merchants", Some(&consumer), &merchant_body()).await.problem(403, "forbidden");
    let admin = s.admin().await;
    s.post("/api/v1/merchants", Some(&admin), &merchant_body()).await.problem(403, "forbidden");
}

#[tokio::test]
async fn merchant_fields_are_validated_together() {
    let s = spawn().await;
    let token = s.signup("farm@example.com", "merchant").await;
    let mut body = merchant_body();
    body["state"] = json!("XX");
    body["zip"] = json!("5001");
    body["employees"] = json!(-1);
    body["kind"] = json!("cooperative");
    body["fulfilment"] = json!("air");
    body["display_name"] = json!({"zh": "只有中文"});
    body["legal_name"] = json!("   ");
    let a = s.post("/api/v1/merchants", Some(&token), &body).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.error_fields(), ["display_name.en", "employees", "fulfilment", "kind", "legal_name", "state", "zip"]);

    let a = s.post("/api/v1/merchants", Some(&token), &json!({})).await;
    assert_eq!(
        a.error_fields(),
        ["city", "display_name.en", "employees", "exported_before", "fulfilment", "kind", "legal_name", "state", "zip"]
    );
    // Lower-case states are not USPS codes; ZIP+4 is a ZIP.
    let mut body = merchant_body();
    body["state"] = json!("ia");
    assert_eq!(s.post("/api/v1/merchants", Some(&token), &body).await.error_fields(), ["state"]);
    let mut body = merchant_body();
    body["zip"] = json!("50010-1234");
    body["employees"] = json!(0);
    body["fulfilment"] = json!("bonded");
    s.post("/api/v1/merchants", Some(&token), &body).await.ok(201);
}

#[tokio::test]
async fn operators_move_merchants_along_the_state_machine() {
    let s = spawn().await;
    let (token, id) = s.merchant("farm@example.com", true, false).await;
    let admin = s.admin().await;
    let act = |action: &'static str, who: String| {
        let s = &s;
        let id = id.clone();
        async move { s.post(&format!("/api/v1/admin/merchants/{id}/{action}"), Some(&who), &json!({})).await }
    };
    act("approve", token.clone()).await.problem(403, "forbidden");
    let consumer = s.signup("shopper@example.com", "consumer").await;
    act("approve", consumer).await.problem(403, "forbidden");

    assert_eq!(act("suspend", admin.clone()).await.problem(409, "invalid_transition")["code"], "invalid_transition");
    assert_eq!(act("approve", admin.clone()).await.ok(200)["status"], "active");
    act("approve", admin.clone()).await.problem(409, "invalid_transition");
    act("reject", admin.clone()).await.problem(409, "invalid_transition");
    assert_eq!(act("suspend", admin.clone()).await.ok(200)["status"], "suspended");
    act("suspend", admin.clone()).await.problem(409, "invalid_transition");
    assert_eq!(act("reinstate", admin.clone()).await.ok(200)["status"], "active");
    act("promote", admin.clone()).await.problem(404, "not_found");

    let (_, second) = s.merchant("mill@example.com", false, false).await;
    let rejected = s.post(&format!("/api/v1/admin/merchants/{second}/reject"), Some(&admin), &json!({})).await;
    assert_eq!(rejected.ok(200)["status"], "rejected");
    s.post(&format!("/api/v1/admin/merchants/{second}/approve"), Some(&admin), &json!({}))
        .await
        .problem(409, "invalid_transition");

    let unknown = "0190f000-0000-7000-8000-000000000000";
    s.post(&format!("/api/v1/admin/merchants/{unknown}/approve"), Some(&admin), &json!({}))
        .await
        .problem(404, "not_found");
    s.post("/api/v1/admin/merchants/not-an-id/approve", Some(&admin), &json!({})).await.problem(404, "not_found");
}

#[tokio::test]
async fn approving_the_same_merchant_twice_at_once_succeeds_once() {
    let s = spawn().await;
    let (_, id) = s.merchant("farm@example.com", true, false).await;
    let admin = s.admin().await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (client, url, admin) =
            (s.client.clone(), format!("{}/api/v1/admin/merchants/{id}/approve", s.base), admin.clone());
        tasks.spawn(async move { client.post(url).bearer_auth(admin).send().await.unwrap().status().as_u16() });
    }
    let mut statuses = Vec::new();
    while let Some(status) = tasks.join_next().await {
        statuses.push(status.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses, [200, 409, 409, 409, 409, 409, 409, 409]);
}

#[tokio::test]
async fn operators_list_merchants_by_status_page_by_page() {
    let s = spawn().await;
    let admin = s.admin().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(s.merchant(&format!("m{i}@example.com"), true, i % 2 == 0).await.1);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/admin/merchants?limit=2&cursor={c}"),
            None => "/api/v1/admin/merchants?limit=2".to_string(),
        };
        let page = s.get(&path, Some(&admin)).await.ok(200).clone();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|m| m["id"].as_str().unwrap().to_string()));
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, ids);
    let pending = s.get("/api/v1/admin/merchants?status=pending", Some(&admin)).await;
    let pending: Vec<Value> = pending.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(pending.iter().map(|m| m["id"].as_str().unwrap()).collect::<Vec<_>>(), [&ids[1], &ids[3]]);
    assert!(pending.iter().all(|m| m["status"] == "pending"));

    s.get("/api/v1/admin/merchants?status=sleeping", Some(&admin)).await.problem(422, "validation_failed");
    s.get("/api/v1/admin/merchants?limit=0", Some(&admin)).await.problem(422, "validation_failed");
    s.get("/api/v1/admin/merchants?limit=abc", Some(&admin)).await.problem(422, "validation_failed");
    s.get("/api/v1/admin/merchants?cursor=zzz", Some(&admin)).await.problem(422, "validation_failed");
    let merchant = s.signup("nosy@example.com", "merchant").await;
    s.get("/api/v1/admin/merchants", Some(&merchant)).await.problem(403, "forbidden");
    s.get("/api/v1/admin/merchants", None).await.problem(401, "unauthorized");
}

#[tokio::test]
async fn a_merchant_edits_its_profile_and_a_new_registration_unblocks_food() {
    let s = spawn().await;
    let (token, id) = s.merchant("farm@example.com", false, true).await;
    let honey = s.post(&format!("/api/v1/merchants/{id}/products"), Some(&token), &product_body("HONEY")).await;
    assert_eq!(honey.body["status"], "blocked");
    let honey_id = honey.body["id"].as_str().unwrap().to_string();

    let path = format!("/api/v1/merchants/{id}");
    let story = json!({"en": "Three generations of beekeepers.", "zh": "三代养蜂人。"});
    let a = s
        .patch(&path, Some(&token), &json!({"food_registration_no": "CUSA12345678901", "story": story, "employees": 9}))
        .await;
    let m = a.ok(200);
    assert_eq!((m["food_registration_no"].as_str(), m["employees"].as_i64()), (Some("CUSA12345678901"), Some(9)));
    assert_eq!(m["story"], story);
    assert_eq!((m["status"].as_str(), m["legal_name"].as_str()), (Some("active"), Some("Prairie Gold Apiaries LLC")));
    assert_eq!(s.get(&path, None).await.body["story"], story, "the story is public");
    let honey = s.get(&format!("/api/v1/products/{honey_id}"), None).await;
    assert_eq!((honey.body["status"].as_str(), honey.body["for_sale"].as_bool()), (Some("listed"), Some(true)));

    // Removing the registration blocks the food again.
    s.patch(&path, Some(&token), &json!({"food_registration_no": ""})).await.ok(200);
    let honey = s.get(&format!("/api/v1/products/{honey_id}"), None).await;
    assert_eq!(honey.body["problems"][0]["code"], "food_registration_missing");

    let other = s.signup("other@example.com", "merchant").await;
    s.patch(&path, Some(&other), &json!({"city": "Elsewhere"})).await.problem(403, "forbidden");
    s.patch(&path, None, &json!({"city": "Elsewhere"})).await.problem(401, "unauthorized");
    let bad = s.patch(&path, Some(&token), &json!({"state": "ZZ", "zip": "1", "employees": -3})).await;
    assert_eq!(bad.error_fields(), ["employees", "state", "zip"]);
    let admin = s.admin().await;
    assert_eq!(s.patch(&path, Some(&admin), &json!({"city": "Des Moines"})).await.ok(200)["city"], "Des Moines");
}
