//! Buyer matchmaking (issue 8): a buyer in China posts 求购野花蜂蜜 in Chinese; the
//! honey merchants are matched and notified, a cherry farm and a merchant not yet
//! approved are not; an offer, messages both ways, and contact details that stay out
//! of every answer until both sides accepted.

use crate::common::*;
use crate::search::{english_product, merchant_in, search_until};
use serde_json::{Value, json};

const BUYER_PHONE: &str = "+86 138 0013 8000";
const BUYER_EMAIL: &str = "wang.li@mibuyer.cn";
const BUYER_WECHAT: &str = "wangli_trade";
const WI_EMAIL: &str = "badger-bees@example.com";
const MI_EMAIL: &str = "traverse-bees@example.com";

/// Strings no answer may contain before both sides of a thread accepted.
const PRIVATE: [&str; 5] = ["138 0013 8000", BUYER_EMAIL, BUYER_WECHAT, WI_EMAIL, MI_EMAIL];

fn assert_no_contacts(answer: &Answer, what: &str) {
    for secret in PRIVATE {
        assert!(!answer.text.contains(secret), "{what} shows {secret:?} before both accepted: {}", answer.text);
    }
}

/// 120 days from now: always after today in China.
fn needed_by() -> String {
    gateway_core::clock::now().date_naive().iter_days().nth(120).unwrap().to_string()
}

fn buyer_profile() -> Value {
    json!({
        "company_name": "上海蜜源贸易有限公司",
        "kind": "importer",
        "province": "上海",
        "city": "上海",
        "contact": {"person": "王丽", "phone": BUYER_PHONE, "email": BUYER_EMAIL, "wechat_id": BUYER_WECHAT}
    })
}

fn honey_request() -> Value {
    json!({
        "title": "求购野花蜂蜜 500罐",
        "details": "每罐500克，需要中文标签，希望长期合作。",
        "quantity": 500,
        "unit": "罐",
        "target_unit_price_cny": "80.00",
        "needed_by": needed_by(),
        "tax_class": "agri",
        "preferred_states": ["WI"]
    })
}

fn match_ids(request: &Value) -> Vec<String> {
    let mut ids: Vec<String> =
        request["matches"].as_array().unwrap().iter().map(|m| m["merchant_id"].as_str().unwrap().into()).collect();
    ids.sort();
    ids
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

struct Market {
    s: TestServer,
    wi: (String, String),
    mi: (String, String),
    cherries: (String, String),
    pending: (String, String),
}

/// Two honey merchants (Wisconsin, Michigan), a cherry farm, and a honey merchant
/// that is not approved yet; everything for sale indexed.
async fn market() -> Market {
    let s = spawn().await;
    let wi = merchant_in(&s, WI_EMAIL, "WI", "Badger Bee Co").await;
    let mi = merchant_in(&s, MI_EMAIL, "MI", "Traverse Bay Farms").await;
    let cherries = merchant_in(&s, "cherries@example.com", "MI", "Cherry Lane Orchards").await;
    english_product(&s, &wi.0, &wi.1, "Raw Wildflower Honey", "9.50", 200).await;
    english_product(&s, &mi.0, &mi.1, "Wildflower Honey", "12.50", 40).await;
    english_product(&s, &mi.0, &mi.1, "Wildflower Honey Creamed", "13.50", 40).await;
    english_product(&s, &cherries.0, &cherries.1, "Dried Tart Cherries", "9.00", 30).await;
    // A honey merchant the operator has not approved: its products are not for sale.
    let pending = s.merchant("pending-bees@example.com", true, false).await;
    let a = s.post(&format!("/api/v1/merchants/{}/products", pending.1), Some(&pending.0), &product_body("P-1")).await;
    a.ok(201);
    assert_eq!(search_until(&s, &[], |b| b["total"] == 4).await["total"], 4, "the four listed products indexed");
    Market { s, wi, mi, cherries, pending }
}

async fn buyer(s: &TestServer, email: &str) -> String {
    let token = s.signup(email, "consumer").await;
    s.put("/api/v1/me/buyer-profile", Some(&token), &buyer_profile()).await.ok(200);
    token
}

#[tokio::test]
async fn a_chinese_request_reaches_the_honey_merchants_and_contacts_wait_for_both() {
    let Market { s, wi, mi, cherries, pending } = market().await;
    let buyer = buyer(&s, "buyer@mibuyer.cn").await;

    let posted = s.post("/api/v1/sourcing-requests", Some(&buyer), &honey_request()).await;
    let request = posted.ok(201).clone();
    assert_no_contacts(&posted, "the posted request");
    let id = request["id"].as_str().unwrap().to_string();
    assert_eq!((request["language"].as_str(), request["status"].as_str()), (Some("zh"), Some("open")));
    assert_eq!(match_ids(&request), sorted(vec![wi.1.clone(), mi.1.clone()]), "both honey merchants: {request}");
    let matches = request["matches"].as_array().unwrap();
    let scores: Vec<i64> = matches.iter().map(|m| m["score"].as_i64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
    assert_eq!(matches.iter().map(|m| m["position"].as_i64().unwrap()).collect::<Vec<_>>(), [1, 2]);
    for m in matches {
        let reasons: Vec<&str> = m["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
        assert!(reasons.contains(&"relevance") && reasons.contains(&"class"), "{m}");
        // Wisconsin is the preferred state; Michigan sells two matching jars.
        let in_wi = m["merchant_id"] == wi.1.as_str();
        assert_eq!(reasons.contains(&"state"), in_wi, "{m}");
        assert_eq!(reasons.contains(&"several_products"), !in_wi, "{m}");
    }

    // The honey merchants are notified and see the request with their own match only.
    for (token, merchant) in [(&wi.0, &wi.1), (&mi.0, &mi.1)] {
        let inbox = s.get("/api/v1/me/notifications", Some(token)).await.ok(200).clone();
        assert_eq!(inbox["unread"], 1, "{inbox}");
        assert_eq!(inbox["items"][0]["kind"], "sourcing_matched");
        assert_eq!(inbox["items"][0]["request_id"], id.as_str());
        assert_eq!(inbox["items"][0]["request_title"], "求购野花蜂蜜 500罐");
        let list = s.get("/api/v1/sourcing-requests", Some(token)).await;
        assert_no_contacts(&list, "a merchant's list");
        let list = list.ok(200);
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        assert_eq!(match_ids(&list["items"][0]), vec![merchant.clone()], "its own match only");
        assert_eq!(list["items"][0]["buyer"]["company_name"], "上海蜜源贸易有限公司");
        let one = s.get(&format!("/api/v1/sourcing-requests/{id}"), Some(token)).await;
        assert_no_contacts(&one, "a merchant's view of the request");
        one.ok(200);
    }
    // The cherry farm and the unapproved merchant are not.
    for token in [&cherries.0, &pending.0] {
        let inbox = s.get("/api/v1/me/notifications", Some(token)).await.ok(200).clone();
        assert_eq!((inbox["unread"].as_i64(), inbox["items"].as_array().unwrap().len()), (Some(0), 0));
        let list = s.get("/api/v1/sourcing-requests", Some(token)).await.ok(200).clone();
        assert!(list["items"].as_array().unwrap().is_empty(), "{list}");
        s.get(&format!("/api/v1/sourcing-requests/{id}"), Some(token)).await.problem(403, "forbidden");
    }
    let thread = format!("/api/v1/sourcing-requests/{id}/threads/{}", wi.1);
    s.get(&thread, Some(&cherries.0)).await.problem(403, "forbidden");
    let offer = json!({"unit_price_usd": "4.75", "quantity": 500, "lead_time_days": 30,
                       "message": "Raw wildflower honey, 500 g jars, Chinese labels available."});
    s.put(&format!("/api/v1/sourcing-requests/{id}/offer"), Some(&cherries.0), &offer).await.problem(403, "forbidden");

    // An offer from Wisconsin, messages both ways.
    let bad = s
        .put(
            &format!("/api/v1/sourcing-requests/{id}/offer"),
            Some(&wi.0),
            &json!({"unit_price_usd": "0", "quantity": 0}),
        )
        .await;
    bad.problem(422, "validation_failed");
    assert_eq!(bad.error_fields(), ["lead_time_days", "quantity", "unit_price_usd"]);
    let made = s.put(&format!("/api/v1/sourcing-requests/{id}/offer"), Some(&wi.0), &offer).await;
    assert_no_contacts(&made, "the offer answer");
    assert_eq!(made.ok(200)["offer"]["unit_price_usd"], "4.75");
    s.put(&format!("/api/v1/sourcing-requests/{id}/offer"), Some(&buyer), &offer).await.problem(403, "forbidden");
    let said = s.post(&format!("{thread}/messages"), Some(&buyer), &json!({"body": "你好！二月前能到上海吗？"})).await;
    assert_no_contacts(&said, "the buyer's message answer");
    said.ok(201);
    let answered =
        s.post(&format!("{thread}/messages"), Some(&wi.0), &json!({"body": "Yes: by the end of January."})).await;
    assert_no_contacts(&answered, "the merchant's message answer");
    answered.ok(201);
    s.post(&format!("{thread}/messages"), Some(&wi.0), &json!({"body": "  "})).await.problem(422, "validation_failed");
    let seen = s.get(&format!("/api/v1/sourcing-requests/{id}"), Some(&buyer)).await.ok(200).clone();
    let wi_match = seen["matches"].as_array().unwrap().iter().find(|m| m["merchant_id"] == wi.1.as_str()).unwrap();
    assert_eq!(wi_match["offer"]["quantity"], 500, "the buyer sees the offer: {seen}");

    // Contacts: hidden from both while neither, then one side, accepted.
    for token in [&buyer, &wi.0] {
        let view = s.get(&thread, Some(token)).await;
        assert_no_contacts(&view, "the thread");
        let body = view.ok(200);
        let sides: Vec<&str> =
            body["messages"].as_array().unwrap().iter().map(|m| m["side"].as_str().unwrap()).collect();
        assert_eq!(sides, ["buyer", "merchant"], "messages oldest first: {body}");
        assert!(body["contacts"].is_null());
    }
    let one = s.post(&format!("{thread}/accept"), Some(&buyer), &json!({})).await;
    assert_no_contacts(&one, "the thread after the buyer accepted");
    assert_eq!(
        (one.ok(200)["buyer_accepted"].as_bool(), one.body["merchant_accepted"].as_bool()),
        (Some(true), Some(false))
    );
    let merchant_view = s.get(&thread, Some(&wi.0)).await;
    assert_no_contacts(&merchant_view, "the merchant's thread after the buyer alone accepted");
    assert!(merchant_view.ok(200)["contacts"].is_null());

    let both = s.post(&format!("{thread}/accept"), Some(&wi.0), &json!({})).await.ok(200).clone();
    assert_eq!(both["contacts"]["buyer"]["phone"], BUYER_PHONE, "the merchant now sees the buyer: {both}");
    assert_eq!(both["contacts"]["buyer"]["wechat_id"], BUYER_WECHAT);
    let buyer_view = s.get(&thread, Some(&buyer)).await.ok(200).clone();
    assert_eq!(buyer_view["contacts"]["merchant"]["email"], WI_EMAIL, "the buyer now sees the merchant: {buyer_view}");
    assert_eq!(buyer_view["contacts"]["merchant"]["legal_name"], "Prairie Gold Apiaries LLC");
    // The Michigan thread is another thread: nothing shared there.
    let mi_thread = s.get(&format!("/api/v1/sourcing-requests/{id}/threads/{}", mi.1), Some(&buyer)).await;
    assert_no_contacts(&mi_thread, "the other thread");
    mi_thread.ok(200);

    // The buyer's inbox heard of the offer, the reply and the acceptance.
    let inbox = s.get("/api/v1/me/notifications", Some(&buyer)).await.ok(200).clone();
    let kinds: Vec<&str> = inbox["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["sourcing_accepted", "sourcing_message", "sourcing_offer"], "{inbox}");
    assert_eq!(s.post("/api/v1/me/notifications/read", Some(&buyer), &json!({})).await.ok(200)["unread"], 0);

    // Closing: no more offers.
    let closed = s.post(&format!("/api/v1/sourcing-requests/{id}/close"), Some(&buyer), &json!({})).await;
    assert_eq!(closed.ok(200)["status"], "closed");
    s.post(&format!("/api/v1/sourcing-requests/{id}/close"), Some(&buyer), &json!({}))
        .await
        .problem(409, "invalid_transition");
    s.put(&format!("/api/v1/sourcing-requests/{id}/offer"), Some(&mi.0), &offer).await.problem(409, "request_closed");
}

#[tokio::test]
async fn an_english_request_finds_the_same_merchants() {
    let Market { s, wi, mi, .. } = market().await;
    let buyer = buyer(&s, "buyer@mibuyer.cn").await;
    let body = json!({"title": "Looking for wildflower honey", "quantity": 200, "unit": "jars",
                      "needed_by": needed_by()});
    let request = s.post("/api/v1/sourcing-requests", Some(&buyer), &body).await.ok(201).clone();
    assert_eq!(request["language"], "en");
    assert_eq!(match_ids(&request), sorted(vec![wi.1, mi.1]), "{request}");
    assert!(request["target_unit_price_cny"].is_null() && request["tax_class"].is_null());
}

#[tokio::test]
async fn who_may_post_read_and_write() {
    let Market { s, wi, .. } = market().await;
    let path = "/api/v1/sourcing-requests";
    s.post(path, None, &honey_request()).await.problem(401, "unauthorized");
    s.get(path, None).await.problem(401, "unauthorized");
    s.get("/api/v1/me/notifications", None).await.problem(401, "unauthorized");
    // A merchant account cannot post, nor hold a buyer profile.
    s.post(path, Some(&wi.0), &honey_request()).await.problem(403, "forbidden");
    s.put("/api/v1/me/buyer-profile", Some(&wi.0), &buyer_profile()).await.problem(403, "forbidden");
    // A consumer needs a profile first, with valid fields.
    let consumer = s.signup("shop@example.cn", "consumer").await;
    s.get("/api/v1/me/buyer-profile", Some(&consumer)).await.problem(404, "not_found");
    s.post(path, Some(&consumer), &honey_request()).await.problem(422, "buyer_profile_required");
    let mut bad_profile = buyer_profile();
    bad_profile["kind"] = json!("farm");
    bad_profile["contact"]["phone"] = json!("call me");
    let a = s.put("/api/v1/me/buyer-profile", Some(&consumer), &bad_profile).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.error_fields(), ["contact.phone", "kind"]);
    let saved = s.put("/api/v1/me/buyer-profile", Some(&consumer), &buyer_profile()).await.ok(200).clone();
    assert_eq!(saved["contact"]["email"], BUYER_EMAIL, "the owner sees their own contacts");
    let bad = json!({"title": "", "quantity": 0, "unit": "罐", "needed_by": "2020-01-01", "tax_class": "nope",
                     "preferred_states": ["ZZ"], "target_unit_price_cny": "-1"});
    let a = s.post(path, Some(&consumer), &bad).await;
    a.problem(422, "validation_failed");
    assert_eq!(
        a.error_fields(),
        ["needed_by", "preferred_states[0]", "quantity", "target_unit_price_cny", "tax_class", "title"]
    );

    // Someone else's request: forbidden; an unknown one: not found.
    let id = s.post(path, Some(&consumer), &honey_request()).await.ok(201)["id"].as_str().unwrap().to_string();
    let other = buyer(&s, "other@example.cn").await;
    s.get(&format!("{path}/{id}"), Some(&other)).await.problem(403, "forbidden");
    s.post(&format!("{path}/{id}/close"), Some(&other), &json!({})).await.problem(403, "forbidden");
    s.get(&format!("{path}/{id}/threads/{}", wi.1), Some(&other)).await.problem(403, "forbidden");
    assert!(s.get(path, Some(&other)).await.ok(200)["items"].as_array().unwrap().is_empty());
    s.get(&format!("{path}/0190a000-0000-7000-8000-000000000000"), Some(&consumer)).await.problem(404, "not_found");
    s.get(&format!("{path}/not-an-id"), Some(&consumer)).await.problem(404, "not_found");
    let stranger_thread = format!("{path}/{id}/threads/0190a000-0000-7000-8000-000000000000");
    s.get(&stranger_thread, Some(&consumer)).await.problem(404, "not_found");
    s.post(&format!("{stranger_thread}/messages"), Some(&consumer), &json!({"body": "hi"}))
        .await
        .problem(404, "not_found");
    // An operator reads everything but does not write in threads.
    let admin = s.admin().await;
    let all = s.get(path, Some(&admin)).await.ok(200).clone();
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    let thread = format!("{path}/{id}/threads/{}", wi.1);
    let read = s.get(&thread, Some(&admin)).await;
    assert_no_contacts(&read, "an operator's view before both accepted");
    assert!(read.ok(200)["you"].is_null());
    s.post(&format!("{thread}/messages"), Some(&admin), &json!({"body": "hi"})).await.problem(403, "forbidden");
}

#[tokio::test]
async fn buyers_and_merchants_talk_through_the_pages() {
    use crate::pages::Browser;
    let Market { s, wi, .. } = market().await;
    let mut buyer = Browser::new(&s);
    let creds = [("email", "shop@example.cn"), ("password", "a long password")];
    assert_eq!(buyer.submit("/signup", "/signup", &creds).await.status, 303);
    let first = buyer.get("/sourcing").await;
    assert_eq!(first.status, 200);
    assert!(first.body.contains("采购需求") && first.body.contains("id=\"save-profile\""), "{}", first.body);
    assert!(!first.body.contains("id=\"post-request\""), "no request form before the profile");

    let bad = buyer.submit("/sourcing", "/sourcing/profile", &[("company_name", "蜜源贸易"), ("kind", "farm")]).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(!bad.error_of("kind").is_empty() && !bad.error_of("phone").is_empty());
    let profile = [
        ("company_name", "上海蜜源贸易有限公司"),
        ("kind", "importer"),
        ("province", "上海"),
        ("city", "上海"),
        ("person", "王丽"),
        ("phone", BUYER_PHONE),
        ("email", BUYER_EMAIL),
        ("wechat_id", BUYER_WECHAT),
    ];
    let saved = buyer.submit("/sourcing", "/sourcing/profile", &profile).await;
    assert_eq!((saved.status.as_u16(), saved.location()), (303, "/sourcing"), "{}", saved.body);
    let by = needed_by();
    let wanted = [
        ("title", "求购野花蜂蜜 500罐"),
        ("quantity", "500"),
        ("unit", "罐"),
        ("needed_by", by.as_str()),
        ("tax_class", "agri"),
        ("preferred_states", "wi"),
    ];
    let refused = buyer.submit("/sourcing", "/sourcing/requests", &[("title", "蜂蜜"), ("quantity", "many")]).await;
    assert_eq!(refused.status, 422);
    assert!(!refused.error_of("quantity").is_empty() && !refused.error_of("needed_by").is_empty());
    let posted = buyer.submit("/sourcing", "/sourcing/requests", &wanted).await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let request_path = posted.location().to_string();
    let id = request_path.trim_start_matches("/sourcing/").to_string();
    let request_page = buyer.get(&request_path).await;
    assert!(request_page.body.contains("Badger Bee Co") && request_page.body.contains("Traverse Bay Farms"));
    assert!(!request_page.body.contains("Cherry Lane"), "the cherry farm is not matched");

    // The Wisconsin merchant signs in to the portal: the count in the navigation.
    let mut merchant = Browser::new(&s);
    let login = merchant.submit("/login", "/login", &[("email", WI_EMAIL), ("password", "password-123")]).await;
    assert_eq!(login.status, 303, "{}", login.body);
    let list = merchant.get("/merchant/sourcing").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Buyer requests (1)") && list.body.contains("求购野花蜂蜜 500罐"), "{}", list.body);
    let thread = format!("/merchant/sourcing/{id}");
    let page = merchant.get(&thread).await;
    assert!(page.body.contains("id=\"make-offer\"") && !page.body.contains(BUYER_PHONE), "{}", page.body);
    let offer = [
        ("unit_price_usd", "4.75"),
        ("quantity", "500"),
        ("lead_time_days", "30"),
        ("message", "Chinese labels ready."),
    ];
    assert_eq!(merchant.submit(&thread, &format!("{thread}/offer"), &offer).await.status, 303);
    let said = merchant.submit(&thread, &format!("{thread}/messages"), &[("body", "Hello from Wisconsin!")]).await;
    assert_eq!(said.status, 303);
    assert_eq!(merchant.submit(&thread, &format!("{thread}/accept"), &[]).await.status, 303);
    assert!(!merchant.get(&thread).await.body.contains(BUYER_PHONE), "one side alone shares nothing");

    let buyer_thread = format!("/sourcing/{id}/threads/{}", wi.1);
    let seen = buyer.get(&buyer_thread).await;
    assert!(seen.body.contains("4.75") && seen.body.contains("Hello from Wisconsin!"), "{}", seen.body);
    assert!(!seen.body.contains(WI_EMAIL), "hidden until the buyer accepts too");
    assert_eq!(buyer.submit(&buyer_thread, &format!("{buyer_thread}/accept"), &[]).await.status, 303);
    assert!(buyer.get(&buyer_thread).await.body.contains(WI_EMAIL), "the buyer sees the merchant's e-mail");
    assert!(merchant.get(&thread).await.body.contains(BUYER_PHONE), "the merchant sees the buyer's phone");

    let read = merchant.submit("/merchant/sourcing", "/merchant/notifications/read", &[]).await;
    assert_eq!(read.status, 303);
    let after = merchant.get("/merchant/sourcing").await;
    assert!(!after.body.contains("Buyer requests (") && after.body.contains("Buyer requests"));
}
