//! GET /api/v1/search over a catalog built through the API: Chinese queries find
//! English-only listings, filters and sorting, and the index following every change
//! (edits, delisting, selling out, a merchant suspended) on this server and on a
//! second server sharing the database.

use crate::buying::{cart_with, checkout, product, shopper};
use crate::common::*;
use serde_json::{Value, json};
use std::time::Duration;

/// An approved merchant in `state`; returns (token, merchant id).
pub(crate) async fn merchant_in(s: &TestServer, email: &str, state: &str, name_en: &str) -> (String, String) {
    let token = s.signup(email, "merchant").await;
    let mut body = merchant_body();
    body["state"] = json!(state);
    body["zip"] = json!(if state == "MI" { "49684" } else { "53703" });
    body["display_name"] = json!({"en": name_en});
    let id = s.post("/api/v1/merchants", Some(&token), &body).await.ok(201)["id"].as_str().unwrap().to_string();
    let admin = s.admin().await;
    s.post(&format!("/api/v1/admin/merchants/{id}/approve"), Some(&admin), &json!({})).await.ok(200);
    (token, id)
}

/// An English-only product; returns its id.
pub(crate) async fn english_product(
    s: &TestServer,
    token: &str,
    merchant: &str,
    title: &str,
    price: &str,
    stock: i64,
) -> String {
    let overrides = json!({"title": {"en": title}, "description": {"en": format!("{title}, from our farm.")},
                           "price_usd": price, "stock": stock});
    product(s, token, merchant, overrides).await
}

pub(crate) fn search_path(query: &[(&str, &str)]) -> String {
    let encoded: Vec<String> = query.iter().map(|(k, v)| format!("{k}={}", url_encode(v))).collect::<Vec<_>>();
    format!("/api/v1/search?{}", encoded.join("&"))
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn hit_ids(body: &Value) -> Vec<String> {
    body["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect()
}

/// Searches until `accept` holds for the answer (the index follows the database a
/// moment behind it) or ten seconds pass; returns the last answer.
pub(crate) async fn search_until(s: &TestServer, query: &[(&str, &str)], accept: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let body = s.get(&search_path(query), None).await.ok(200).clone();
        if accept(&body) || tokio::time::Instant::now() > deadline {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn chinese_and_mixed_queries_find_english_only_listings() {
    let s = spawn().await;
    s.set_fx("7.10").await;
    let (mi, michigan) = merchant_in(&s, "bees@example.com", "MI", "Traverse Bay Farms").await;
    let (wi, wisconsin) = merchant_in(&s, "cheese@example.com", "WI", "Dairyland Creamery").await;
    let honey = english_product(&s, &mi, &michigan, "Wildflower Honey", "12.50", 40).await;
    let cherries = english_product(&s, &mi, &michigan, "Dried Tart Cherries", "9.00", 30).await;
    let cheese = english_product(&s, &wi, &wisconsin, "Aged Cheddar Cheese", "15.00", 10).await;
    let wi_honey = english_product(&s, &wi, &wisconsin, "Clover Honey", "8.00", 5).await;

    // The index follows the database a moment behind: wait until all four are in.
    assert_eq!(search_until(&s, &[], |b| b["total"] == 4).await["total"], 4, "all four products indexed");
    let found = |id: &str| {
        let id = id.to_string();
        move |b: &Value| hit_ids(b).contains(&id)
    };
    let body = search_until(&s, &[("q", "蜂蜜")], found(&honey)).await;
    let ids = hit_ids(&body);
    assert!(ids.contains(&honey) && ids.contains(&wi_honey), "蜂蜜 finds both English-only honeys: {body}");
    assert!(!ids.contains(&cheese) && !ids.contains(&cherries), "and nothing else: {body}");
    assert_eq!(body["total"], 2);

    let body = search_until(&s, &[("q", "樱桃干")], found(&cherries)).await;
    assert_eq!(hit_ids(&body), vec![cherries.clone()], "樱桃干 finds Dried Tart Cherries: {body}");

    // The state's Chinese name with an English word: only the Michigan honey.
    let body = search_until(&s, &[("q", "密歇根 honey")], found(&honey)).await;
    assert_eq!(hit_ids(&body)[0], honey, "密歇根 honey puts the Michigan honey first: {body}");
    assert!(!hit_ids(&body).contains(&cheese), "{body}");

    // A hit carries what a result list shows: 12.50 × 7.10 = 88.75.
    let hit = &body["hits"][0];
    assert_eq!(hit["title"], json!({"en": "Wildflower Honey", "zh": null}));
    assert_eq!((hit["price_usd"].as_str(), hit["price_cny"].as_str()), (Some("12.50"), Some("88.75")));
    assert_eq!((hit["merchant_id"].as_str(), hit["state"].as_str()), (Some(michigan.as_str()), Some("MI")));
    assert_eq!((hit["tax_class"].as_str(), hit["in_stock"].as_bool()), (Some("agri"), Some(true)));
    assert_eq!(body["fx_rate"], "7.1");

    // English: a typo and a prefix.
    let body = search_until(&s, &[("q", "huney")], found(&honey)).await;
    assert!(hit_ids(&body).contains(&honey), "a small typo is forgiven: {body}");
    let body = search_until(&s, &[("q", "chedd")], found(&cheese)).await;
    assert_eq!(hit_ids(&body), vec![cheese], "a prefix of the last word matches: {body}");
}

#[tokio::test]
async fn filters_facets_sorting_and_pages() {
    let s = spawn().await;
    s.set_fx("7.00").await;
    let (mi, michigan) = merchant_in(&s, "mi@example.com", "MI", "Lakeshore Goods").await;
    let (wi, wisconsin) = merchant_in(&s, "wi@example.com", "WI", "Badger Pantry").await;
    // Prices 5, 10, 20, 40 USD → 35, 70, 140, 280 CNY at 7.00.
    let a = english_product(&s, &mi, &michigan, "Maple Syrup Small", "5.00", 3).await;
    let b = english_product(&s, &mi, &michigan, "Maple Syrup Medium", "10.00", 3).await;
    let c = english_product(&s, &wi, &wisconsin, "Maple Syrup Large", "20.00", 3).await;
    let d = english_product(&s, &wi, &wisconsin, "Maple Syrup Gallon", "40.00", 3).await;
    let all = search_until(&s, &[("q", "maple syrup")], |b| b["total"] == 4).await;
    assert_eq!(all["total"], 4, "{all}");
    let facet = |body: &Value, name: &str| -> Vec<(String, u64)> {
        body["facets"][name]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["value"].as_str().unwrap().to_string(), f["count"].as_u64().unwrap()))
            .collect()
    };
    let mut states = facet(&all, "state");
    states.sort();
    assert_eq!(states, vec![("MI".to_string(), 2), ("WI".to_string(), 2)], "{all}");
    assert_eq!(facet(&all, "tax_class"), vec![("agri".to_string(), 4)], "{all}");

    let q = |extra: &[(&'static str, &'static str)]| {
        let mut query = vec![("q", "maple syrup")];
        query.extend_from_slice(extra);
        query
    };
    let get = |query: Vec<(&'static str, &'static str)>| {
        let s = &s;
        async move { s.get(&search_path(&query), None).await.ok(200).clone() }
    };
    assert_eq!(hit_ids(&get(q(&[("sort", "price_asc")])).await), vec![a.clone(), b.clone(), c.clone(), d.clone()]);
    assert_eq!(hit_ids(&get(q(&[("sort", "price_desc")])).await), vec![d.clone(), c.clone(), b.clone(), a.clone()]);
    assert_eq!(hit_ids(&get(q(&[("sort", "newest")])).await), vec![d.clone(), c.clone(), b.clone(), a.clone()]);
    let mut wi_only = hit_ids(&get(q(&[("state", "WI")])).await);
    wi_only.sort();
    let mut expected = vec![c.clone(), d.clone()];
    expected.sort();
    assert_eq!(wi_only, expected, "state filter");
    assert_eq!(get(q(&[("tax_class", "cosmetics")])).await["total"], 0, "class filter");
    // Inclusive CNY bounds on the price shown: 70.00 ≤ price ≤ 140.00 → b and c.
    let body = get(q(&[("min_price_cny", "70.00"), ("max_price_cny", "140"), ("sort", "price_asc")])).await;
    assert_eq!(hit_ids(&body), vec![b.clone(), c.clone()], "price range in CNY: {body}");
    let body = get(q(&[("min_price_cny", "70.01"), ("sort", "price_asc")])).await;
    assert_eq!(hit_ids(&body), vec![c.clone(), d.clone()], "a bound one fen above a price excludes it");

    // Pages of two, in price order.
    let page1 = get(q(&[("sort", "price_asc"), ("per_page", "2")])).await;
    let page2 = get(q(&[("sort", "price_asc"), ("per_page", "2"), ("page", "2")])).await;
    let page3 = get(q(&[("sort", "price_asc"), ("per_page", "2"), ("page", "3")])).await;
    assert_eq!((hit_ids(&page1), hit_ids(&page2)), (vec![a.clone(), b.clone()], vec![c.clone(), d.clone()]));
    assert!(hit_ids(&page3).is_empty() && page3["total"] == 4, "past the end: no hits, same total");
    assert_eq!((page2["page"].as_u64(), page2["per_page"].as_u64()), (Some(2), Some(2)));

    // No words: everything that matches the filters, newest first.
    let body = get(vec![("state", "MI")]).await;
    assert_eq!(hit_ids(&body), vec![b, a], "an empty query lists by the filters");
}

#[tokio::test]
async fn the_index_follows_edits_delisting_selling_out_and_merchant_status() {
    let s = spawn().await;
    s.set_fx("7.00").await;
    let (token, merchant) = merchant_in(&s, "orchard@example.com", "MI", "Cherry Orchard").await;
    let jam = english_product(&s, &token, &merchant, "Cherry Jam", "6.00", 1).await;
    let pie = english_product(&s, &token, &merchant, "Cherry Pie Filling", "7.00", 5).await;
    let has = |id: &str| {
        let id = id.to_string();
        move |b: &Value| hit_ids(b).contains(&id)
    };
    let lacks = |id: &str| {
        let id = id.to_string();
        move |b: &Value| !hit_ids(b).contains(&id)
    };
    search_until(&s, &[("q", "cherry")], |b| b["total"] == 2).await;

    // An edit: the new title is found, the old word no longer.
    s.patch(&format!("/api/v1/products/{jam}"), Some(&token), &json!({"title": {"en": "Blueberry Jam"}})).await.ok(200);
    let body = search_until(&s, &[("q", "blueberry")], has(&jam)).await;
    assert!(hit_ids(&body).contains(&jam), "an edited title is found: {body}");
    let body = search_until(&s, &[("q", "蓝莓")], has(&jam)).await;
    assert!(hit_ids(&body).contains(&jam), "and in Chinese through the glossary: {body}");

    // Selling the last unit: out of the in-stock filter, still found without it.
    let buyer = shopper(&s).await;
    let cart = cart_with(&s, &buyer, &[(&jam, 1)]).await;
    let placed = checkout(&s, &buyer, &cart, "sell-out-1").await.ok(201).clone();
    let body = search_until(&s, &[("q", "jam"), ("in_stock", "true")], lacks(&jam)).await;
    assert!(!hit_ids(&body).contains(&jam), "sold out: not in stock: {body}");
    let body = s.get(&search_path(&[("q", "jam")]), None).await.ok(200).clone();
    assert_eq!(body["hits"][0]["in_stock"], false, "a sold-out product shows as such: {body}");

    // The merchant cancels that order: the unit comes back, and so does the product
    // in the in-stock filter (an order event re-indexes what changed from in stock).
    let order = placed["orders"][0]["id"].as_str().unwrap().to_string();
    s.post(&format!("/api/v1/orders/{order}/cancel"), Some(&token), &json!({})).await.ok(200);
    let body = search_until(&s, &[("q", "jam"), ("in_stock", "true")], has(&jam)).await;
    assert!(hit_ids(&body).contains(&jam), "back in stock after the cancellation: {body}");
    // Selling one of five leaves the pie in stock; the one left of the jam sells out again.
    let cart = cart_with(&s, &buyer, &[(&pie, 1), (&jam, 1)]).await;
    checkout(&s, &buyer, &cart, "sell-out-2").await.ok(201);
    let body = search_until(&s, &[("q", "jam"), ("in_stock", "true")], lacks(&jam)).await;
    assert!(!hit_ids(&body).contains(&jam), "the jam sold out again: {body}");
    let body = s.get(&search_path(&[("q", "cherry"), ("in_stock", "true")]), None).await.ok(200).clone();
    assert_eq!(hit_ids(&body), vec![pie.clone()], "the pie, four left, is still in stock: {body}");

    // Delisting takes it out.
    let a = s.patch(&format!("/api/v1/products/{pie}"), Some(&token), &json!({"status": "delisted"})).await;
    assert_eq!(a.ok(200)["status"], "delisted");
    let body = search_until(&s, &[("q", "cherry")], lacks(&pie)).await;
    assert!(!hit_ids(&body).contains(&pie), "a delisted product is not found: {body}");

    // A suspended merchant's products leave the index, and come back on reinstatement.
    let admin = s.admin().await;
    s.post(&format!("/api/v1/admin/merchants/{merchant}/suspend"), Some(&admin), &json!({})).await.ok(200);
    let body = search_until(&s, &[("q", "jam")], lacks(&jam)).await;
    assert!(!hit_ids(&body).contains(&jam), "a suspended merchant sells nothing: {body}");
    s.post(&format!("/api/v1/admin/merchants/{merchant}/reinstate"), Some(&admin), &json!({})).await.ok(200);
    let body = search_until(&s, &[("q", "jam")], has(&jam)).await;
    assert!(hit_ids(&body).contains(&jam), "reinstated: for sale again: {body}");

    // An order and a new merchant name at the same moment (one batch for the
    // follower, which waits a moment after it wakes): the order alone would not
    // re-index the product, the merchant's change must.
    let butter = english_product(&s, &token, &merchant, "Cherry Butter", "5.00", 5).await;
    search_until(&s, &[("q", "butter")], has(&butter)).await;
    let cart = cart_with(&s, &buyer, &[(&butter, 1)]).await;
    checkout(&s, &buyer, &cart, "beside-a-rename").await.ok(201);
    let name = json!({"display_name": {"en": "Zanzibar Orchard"}});
    s.patch(&format!("/api/v1/merchants/{merchant}"), Some(&token), &name).await.ok(200);
    let body = search_until(&s, &[("q", "zanzibar butter")], has(&butter)).await;
    assert!(hit_ids(&body).contains(&butter), "found by the merchant's new name: {body}");
}

#[tokio::test]
async fn a_second_server_on_the_same_database_answers_the_same() {
    let first = spawn().await;
    let url = first.settings.effective_database_url();
    let second = spawn_with(move |settings| settings.database_url = Some(url)).await;
    let (token, merchant) = merchant_in(&first, "two@example.com", "MI", "Two Servers Farm").await;
    let honey = english_product(&first, &token, &merchant, "Buckwheat Honey", "11.00", 4).await;
    // Written through the first server, found through the second (its own index,
    // following the shared outbox), then taken out through the second and gone
    // from the first.
    let body = search_until(&second, &[("q", "荞麦蜂蜜")], |b| b["total"] == 1).await;
    assert_eq!(hit_ids(&body), vec![honey.clone()], "the second server follows the outbox: {body}");
    let admin = second.admin().await;
    second.post(&format!("/api/v1/admin/merchants/{merchant}/suspend"), Some(&admin), &json!({})).await.ok(200);
    let body = search_until(&first, &[("q", "honey")], |b| b["total"] == 0).await;
    assert_eq!(body["total"], 0, "the first server follows the second's change: {body}");
}

#[tokio::test]
async fn search_parameters_are_validated() {
    let s = spawn().await;
    let a = s.get("/api/v1/search?per_page=0&page=0&sort=cheapest&state=XX&min_price_cny=abc", None).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.error_fields(), vec!["min_price_cny", "page", "per_page", "sort", "state"]);
    let a = s.get("/api/v1/search?max_price_cny=100", None).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.error_fields(), vec!["max_price_cny"], "no rate set yet: {}", a.text);
    let a = s.get("/api/v1/search?page=501&per_page=20", None).await;
    assert_eq!(a.problem(422, "validation_failed")["errors"][0]["field"], "page", "deep pages are refused");
    let a = s.get("/api/v1/search?per_page=ten", None).await;
    a.problem(422, "validation_failed");
    let long = "蜂".repeat(201);
    s.get(&search_path(&[("q", &long)]), None).await.problem(422, "validation_failed");
    // An empty index, a query of punctuation only: an empty answer, not an error.
    let body = s.get(&search_path(&[("q", "!!! ??? 。，")]), None).await.ok(200).clone();
    assert_eq!(body["total"], 0);
}

#[tokio::test]
async fn operators_reindex_and_merchants_get_title_suggestions() {
    let s = spawn().await;
    let (token, merchant) = merchant_in(&s, "re@example.com", "MI", "Reindex Farm").await;
    english_product(&s, &token, &merchant, "Raw Honey", "10.00", 4).await;
    english_product(&s, &token, &merchant, "Maple Syrup", "10.00", 4).await;
    let admin = s.admin().await;
    let body = s.post("/api/v1/admin/search/reindex", Some(&admin), &json!({})).await.ok(200).clone();
    assert_eq!(body["products"], 2, "both products for sale are indexed: {body}");
    let body = s.get(&search_path(&[("q", "枫糖浆")]), None).await.ok(200).clone();
    assert_eq!(body["total"], 1, "searchable right after the rebuild: {body}");
    s.post("/api/v1/admin/search/reindex", Some(&token), &json!({})).await.problem(403, "forbidden");
    s.post("/api/v1/admin/search/reindex", None, &json!({})).await.problem(401, "unauthorized");

    let a = s.get(&format!("/api/v1/suggestions/title-zh?title_en={}", url_encode("Wildflower Honey")), None).await;
    let title = a.ok(200)["title_zh"].as_str().unwrap().to_string();
    assert!(title.contains("蜂蜜") || title.contains("蜜"), "a Chinese title from the glossary: {title}");
    let a = s.get("/api/v1/suggestions/title-zh?title_en=Xyzzy%20Qwerty", None).await;
    assert_eq!(a.ok(200)["title_zh"], Value::Null, "nothing known, nothing suggested");
    s.get("/api/v1/suggestions/title-zh", None).await.problem(422, "validation_failed");
}
