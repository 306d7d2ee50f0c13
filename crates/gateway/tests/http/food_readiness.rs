//! The Decree 248 readiness checklist over HTTP (issue 6): a farm with honey (bee
//! products: the FDA's recommendation), apple cider (other food: self-registration in
//! CIFER) and a mug (not food); the JSON route and the portal page in both languages;
//! the registration number turning the registration steps done and the blocked
//! products listed; the merchant's confirmations; who may see and change what.

use crate::common::*;
use crate::merchant_pages::{PROFILE, create_product, portal_merchant, product_form};
use serde_json::{Value, json};

/// A product of the farm from the common honey body with `changes`; returns its id.
async fn product(s: &TestServer, token: &str, merchant: &str, changes: Value) -> String {
    let mut body = product_body("X");
    for (k, v) in changes.as_object().unwrap() {
        body[k] = v.clone();
    }
    let a = s.post(&format!("/api/v1/merchants/{merchant}/products"), Some(token), &body).await;
    a.ok(201)["id"].as_str().unwrap().to_string()
}

/// The farm without a registration number, and its honey, cider and mug.
struct Farm {
    token: String,
    id: String,
    honey: String,
    cider: String,
    mug: String,
}

async fn farm(s: &TestServer) -> Farm {
    let (token, id) = s.merchant("farm@example.com", false, true).await;
    let honey = product(s, &token, &id, json!({"sku": "HONEY-500"})).await;
    let cider = product(
        s,
        &token,
        &id,
        json!({"sku": "CIDER-750", "title": {"en": "Hard Apple Cider 750 ml"}, "tax_class": "wine",
               "hs_code": "22060000", "net_content": {"value": 750, "unit": "ml"}}),
    )
    .await;
    let mug = product(
        s,
        &token,
        &id,
        json!({"sku": "MUG-1", "title": {"en": "Stoneware Mug"}, "tax_class": "household",
               "hs_code": "69120010", "net_content": {"value": 1, "unit": "piece"}}),
    )
    .await;
    Farm { token, id, honey, cider, mug }
}

fn path(merchant: &str) -> String {
    format!("/api/v1/merchants/{merchant}/food-readiness")
}

/// (id, status, reason) of every step.
fn steps(v: &Value) -> Vec<(String, String, String)> {
    v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let f = |k: &str| s[k].as_str().unwrap().to_string();
            (f("id"), f("status"), f("reason"))
        })
        .collect()
}

fn step<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["steps"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap()
}

fn product_in<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["products"].as_array().unwrap().iter().find(|p| p["id"] == id).unwrap()
}

fn owned(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect()
}

#[tokio::test]
async fn a_farm_walks_from_nothing_registered_to_ready() {
    let s = spawn().await;
    let f = farm(&s).await;
    let v = s.get(&path(&f.id), Some(&f.token)).await.ok(200).clone();
    assert_eq!(v["merchant_id"], f.id);
    assert_eq!(v["kind"], "farm");
    assert_eq!((v["applies"].as_bool(), v["ready"].as_bool()), (Some(true), Some(false)));
    assert_eq!((v["done"].as_i64(), v["applicable"].as_i64()), (Some(0), Some(5)));
    assert_eq!(v["registration_no"], Value::Null);

    // Honey is a bee product: registered on the FDA's recommendation.
    let honey = product_in(&v, &f.honey);
    assert_eq!(honey["classification"], "recommended");
    assert_eq!(honey["hs_code"], "04090000");
    assert_eq!(honey["tax_class"], "agri");
    assert_eq!(honey["status"], "blocked");
    assert_eq!(
        honey["category"],
        json!({"code": "bee_products", "name_en": "Bee products", "name_zh": "蜂产品", "authority": "fda",
               "authority_confirmed": true})
    );
    // Cider is food outside the 18 categories; the mug is not food.
    let cider = product_in(&v, &f.cider);
    assert_eq!(
        (&cider["classification"], &cider["category"], &cider["status"]),
        (&json!("other_food"), &Value::Null, &json!("blocked"))
    );
    let mug = product_in(&v, &f.mug);
    assert_eq!((&mug["classification"], &mug["status"]), (&json!("not_food"), &json!("listed")));

    assert_eq!(
        steps(&v),
        owned(&[
            ("fda_facility_registration", "todo", "not_acknowledged"),
            ("competent_authority_recommendation", "todo", "recommendation_needed"),
            ("cifer_self_registration", "todo", "self_registration_needed"),
            ("registration_number", "todo", "registration_missing"),
            ("number_on_packaging", "todo", "registration_first"),
            ("renewal", "not_applicable", "no_registration_yet"),
        ])
    );
    let rec = step(&v, "competent_authority_recommendation");
    assert_eq!(rec["products"], json!([f.honey]));
    assert_eq!(rec["authorities"][0]["code"], "fda");
    assert_eq!(rec["authorities"].as_array().unwrap().len(), 1);
    assert!(rec["links"][0].as_str().unwrap().starts_with("https://www.fda.gov/"));
    assert_eq!(rec["links"][1], "https://cifer.singlewindow.cn");
    assert!(rec["why"].as_str().unwrap().contains("Article 7"));
    assert_eq!(rec["acknowledgeable"], false);
    assert_eq!(step(&v, "cifer_self_registration")["products"], json!([f.cider]));
    assert_eq!(step(&v, "registration_number")["products"], json!([f.honey, f.cider]));
    assert_eq!(step(&v, "registration_number")["links"], json!(["/merchant/profile#food_registration_no"]));

    // The registration number in the profile: the registration steps are done and the
    // blocked products listed.
    let patch = json!({"food_registration_no": "CUSA20240001"});
    s.patch(&format!("/api/v1/merchants/{}", f.id), Some(&f.token), &patch).await.ok(200);
    let v = s.get(&path(&f.id), Some(&f.token)).await.ok(200).clone();
    assert_eq!(v["registration_no"], "CUSA20240001");
    assert_eq!(
        steps(&v),
        owned(&[
            ("fda_facility_registration", "todo", "not_acknowledged"),
            ("competent_authority_recommendation", "done", "registration_on_file"),
            ("cifer_self_registration", "done", "registration_on_file"),
            ("registration_number", "done", "registration_on_file"),
            ("number_on_packaging", "todo", "not_acknowledged"),
            ("renewal", "todo", "not_acknowledged"),
        ])
    );
    assert_eq!((v["done"].as_i64(), v["applicable"].as_i64()), (Some(3), Some(6)));
    assert_eq!(step(&v, "registration_number")["products"], json!([]));
    assert_eq!(product_in(&v, &f.honey)["status"], "listed");
    assert_eq!(product_in(&v, &f.cider)["status"], "listed");

    // The three confirmations finish the list; one withdrawn reopens its step.
    for id in ["fda_facility_registration", "number_on_packaging", "renewal"] {
        let a = s.put(&format!("{}/{id}", path(&f.id)), Some(&f.token), &json!({"confirmed": true})).await;
        let v = a.ok(200);
        assert_eq!(step(v, id)["status"], "done");
        assert_eq!(step(v, id)["reason"], "acknowledged");
        assert!(step(v, id)["acknowledged_at"].is_string());
    }
    let v = s.get(&path(&f.id), Some(&f.token)).await.ok(200).clone();
    assert_eq!((v["ready"].as_bool(), v["done"].as_i64(), v["applicable"].as_i64()), (Some(true), Some(6), Some(6)));
    let first = step(&v, "renewal")["acknowledged_at"].clone();
    // Confirming again keeps the first confirmation's time.
    let again = s.put(&format!("{}/renewal", path(&f.id)), Some(&f.token), &json!({"confirmed": true})).await;
    assert_eq!(step(again.ok(200), "renewal")["acknowledged_at"], first);
    let a = s.put(&format!("{}/renewal", path(&f.id)), Some(&f.token), &json!({"confirmed": false})).await;
    let v = a.ok(200);
    assert_eq!(step(v, "renewal")["status"], "todo");
    assert_eq!(step(v, "renewal")["acknowledged_at"], Value::Null);
    assert_eq!((v["ready"].as_bool(), v["done"].as_i64()), (Some(false), Some(5)));
}

#[tokio::test]
async fn a_merchant_without_food_has_nothing_to_do_and_withdrawn_products_do_not_count() {
    let s = spawn().await;
    let f = farm(&s).await;
    for id in [&f.honey, &f.cider] {
        s.patch(&format!("/api/v1/products/{id}"), Some(&f.token), &json!({"status": "delisted"})).await.ok(200);
    }
    let v = s.get(&path(&f.id), Some(&f.token)).await.ok(200).clone();
    assert_eq!(v["products"].as_array().unwrap().len(), 1);
    assert_eq!(v["products"][0]["id"], f.mug);
    assert_eq!((v["applies"].as_bool(), v["ready"].as_bool()), (Some(false), Some(true)));
    assert_eq!((v["done"].as_i64(), v["applicable"].as_i64()), (Some(0), Some(0)));
    assert!(v["steps"].as_array().unwrap().iter().all(|s| s["status"] == "not_applicable"));
}

#[tokio::test]
async fn only_the_owner_and_operators_see_it_and_only_the_owner_confirms() {
    let s = spawn().await;
    let f = farm(&s).await;
    let p = path(&f.id);
    s.get(&p, None).await.problem(401, "unauthorized");
    let (other, _) = s.merchant("other@example.com", true, true).await;
    s.get(&p, Some(&other)).await.problem(403, "forbidden");
    let buyer = s.signup("buyer@example.com", "consumer").await;
    s.get(&p, Some(&buyer)).await.problem(403, "forbidden");
    let admin = s.admin().await;
    assert_eq!(s.get(&p, Some(&admin)).await.ok(200)["merchant_id"], f.id);
    let unknown = "0190f000-0000-7000-8000-000000000000";
    s.get(&path(unknown), Some(&f.token)).await.problem(404, "not_found");
    s.get("/api/v1/merchants/nope/food-readiness", Some(&f.token)).await.problem(404, "not_found");

    let yes = json!({"confirmed": true});
    let ack = format!("{p}/fda_facility_registration");
    s.put(&ack, None, &yes).await.problem(401, "unauthorized");
    s.put(&ack, Some(&admin), &yes).await.problem(403, "forbidden");
    s.put(&ack, Some(&other), &yes).await.problem(403, "forbidden");
    s.put(&format!("{}/renewal", path(unknown)), Some(&f.token), &yes).await.problem(404, "not_found");
    // Steps the merchant cannot vouch for, unknown steps, a missing answer.
    for bad in ["registration_number", "competent_authority_recommendation", "nonsense"] {
        let a = s.put(&format!("{p}/{bad}"), Some(&f.token), &yes).await;
        a.problem(422, "validation_failed");
        assert_eq!(a.error_fields(), ["step"], "{bad}");
    }
    let a = s.put(&ack, Some(&f.token), &json!({})).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.error_fields(), ["confirmed"]);
    // Nothing was confirmed by the refused requests.
    let v = s.get(&p, Some(&f.token)).await.ok(200).clone();
    assert_eq!(step(&v, "fda_facility_registration")["status"], "todo");
}

#[tokio::test]
async fn the_portal_page_shows_each_step_and_takes_confirmations() {
    let s = spawn().await;
    // A farm signs up through the portal without a registration number and lists
    // honey through the product form.
    let mut profile = PROFILE.to_vec();
    profile.iter_mut().find(|(n, _)| *n == "food_registration_no").unwrap().1 = "";
    let (mut b, merchant) = portal_merchant(&s, "farm@example.com", &profile).await;
    create_product(
        &mut b,
        &product_form(&[("sku", "HONEY-1"), ("title_en", "Wildflower Honey"), ("hs_code", "04090000")]),
    )
    .await;

    // The home page and the navigation lead to the checklist.
    let home = b.get("/merchant").await;
    assert_eq!(home.status, 200);
    assert_eq!(home.by_id("food-readiness"), "Food registration for China: 0 of 4 steps done. ");
    assert!(home.body.contains("href=\"/merchant/food-readiness\""));

    let page = b.get("/merchant/food-readiness").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<h1>Food registration for China (Decree 248)</h1>"));
    assert_eq!(page.by_id("food-summary"), "0 of 4 steps done.");
    assert!(page.body.contains("id=\"step-competent_authority_recommendation\" data-status=\"todo\""));
    assert!(page.body.contains("id=\"step-cifer_self_registration\" data-status=\"not_applicable\""));
    assert!(page.body.contains("Bee products: recommended by the FDA"));
    assert!(page.body.contains("href=\"https://cifer.singlewindow.cn\""));
    assert!(page.body.contains("id=\"step-registration_number\" data-status=\"todo\""));
    // The label cannot be confirmed before there is a number to print.
    assert!(!page.body.contains("id=\"confirm-number_on_packaging\""));
    assert!(page.body.contains("id=\"confirm-fda_facility_registration\""));

    // In Chinese.
    let zh = b.get("/merchant/food-readiness?lang=zh-CN").await;
    assert!(zh.body.contains("<h1>对华出口食品注册（海关总署第248号令）</h1>"));
    assert_eq!(zh.by_id("food-summary"), "已完成 0 / 4 项。");
    assert!(zh.body.contains("蜂产品: 由FDA（美国食品药品监督管理局）推荐"));
    b.get("/merchant/food-readiness?lang=en").await;

    // A confirmation without its CSRF token is refused; with it, saved.
    let forged = b.post("/merchant/food-readiness/fda_facility_registration", &[("confirmed", "true")]).await;
    assert_eq!(forged.status, 403);
    let done = b
        .submit(
            "/merchant/food-readiness",
            "/merchant/food-readiness/fda_facility_registration",
            &[("confirmed", "true")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/merchant/food-readiness?changed=confirmed#step-fda_facility_registration");
    let page = b.get("/merchant/food-readiness?changed=confirmed").await;
    assert!(page.body.contains("id=\"step-fda_facility_registration\" data-status=\"done\""));
    assert!(page.body.contains("id=\"withdraw-fda_facility_registration\""));
    assert_eq!(page.by_id("food-summary"), "1 of 4 steps done.");

    // The registration number in the profile: the step is done, the honey listed.
    let mut with_number = PROFILE.to_vec();
    with_number.iter_mut().find(|(n, _)| *n == "food_registration_no").unwrap().1 = "CUSA20240001";
    let saved = b.submit("/merchant/profile", "/merchant/profile", &with_number).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = b.get("/merchant/food-readiness").await;
    assert!(page.body.contains("id=\"step-registration_number\" data-status=\"done\""));
    assert!(page.body.contains("id=\"step-competent_authority_recommendation\" data-status=\"done\""));
    assert!(page.body.contains("id=\"confirm-number_on_packaging\""));
    assert_eq!(page.by_id("food-summary"), "3 of 5 steps done.");
    let v = s.get(&path(&merchant), Some(&b.token())).await.ok(200).clone();
    assert_eq!(v["products"][0]["status"], "listed");

    // Someone else's step names are refused with a page, not a 500.
    let bad = b
        .submit("/merchant/food-readiness", "/merchant/food-readiness/registration_number", &[("confirmed", "true")])
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
}
