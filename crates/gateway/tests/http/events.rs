//! Events over HTTP (issue 8): an event of two seats fills, the third registrant is
//! waitlisted, a cancellation promotes them; check-in at the door; the iCalendar file;
//! registrations by state; who may do what and the stable codes of every refusal;
//! and the pages (public, registrant's, console) in both languages.

use crate::common::*;
use crate::operator_pages::operator;
use crate::pages::Browser;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A two-day event in Detroit in 2031 (EDT, UTC−4) with `capacity` seats.
fn event_body(capacity: i64) -> Value {
    json!({
        "title": {"en": "Gateway 31: Selling to China, in Detroit", "zh": "门户31大会：向中国销售（底特律）"},
        "description": {"en": "Two days for US small businesses.\nBring questions; and samples, if you like."},
        "venue": {"name": "Huntington Place", "address": "1 Washington Blvd", "city": "Detroit", "state": "MI"},
        "time_zone": "America/Detroit",
        "starts_at": "2031-06-20T09:00",
        "ends_at": "2031-06-21T17:00",
        "capacity": capacity,
        "sessions": [
            {"title": {"en": "Keynote: a million small businesses", "zh": "主题演讲"},
             "starts_at": "2031-06-20T09:00", "ends_at": "2031-06-20T10:30", "room": "Hall A"},
            {"title": {"en": "CBEC, positive list and tax"}, "starts_at": "2031-06-21T10:00",
             "ends_at": "2031-06-21T11:00"}
        ]
    })
}

async fn create_event(s: &TestServer, admin: &str, capacity: i64) -> String {
    let a = s.post("/api/v1/admin/events", Some(admin), &event_body(capacity)).await;
    a.ok(201)["id"].as_str().unwrap().to_string()
}

fn person(name: &str, state: &str) -> Value {
    json!({"name": name, "email": format!("{}@example.com", name.to_lowercase()), "business_name": format!("{name} Farms"),
           "state": state})
}

/// Registers; returns (the registration, its manage token).
async fn register(s: &TestServer, event: &str, token: Option<&str>, body: &Value) -> (Value, String) {
    let a = s.post(&format!("/api/v1/events/{event}/registrations"), token, body).await;
    let v = a.ok(201).clone();
    let token = v["manage_token"].as_str().unwrap().to_string();
    assert_eq!(v["manage_path"], format!("/events/registrations/{token}"));
    (v["registration"].clone(), token)
}

async fn registration(s: &TestServer, token: &str) -> Value {
    s.get(&format!("/api/v1/registrations/{token}"), None).await.ok(200)["registration"].clone()
}

#[tokio::test]
async fn an_event_fills_and_its_waitlist_moves() {
    let s = spawn().await;
    let admin = s.admin().await;
    let id = create_event(&s, &admin, 2).await;
    let event = s.get(&format!("/api/v1/events/{id}"), None).await.ok(200).clone();
    assert_eq!(event["starts_at"], "2031-06-20T13:00:00Z", "09:00 in Detroit is 13:00 UTC in June");
    assert_eq!(event["local_starts_at"], "2031-06-20T09:00");
    assert_eq!(event["sessions"][1]["local_ends_at"], "2031-06-21T11:00");
    assert_eq!((event["seats_left"].as_i64(), event["registration_open"].as_bool()), (Some(2), Some(true)));

    // A signed-in merchant is a merchant registrant by default, linked to their account.
    let (merchant_token, _) = s.merchant("ann@example.com", true, true).await;
    let (ann, ann_token) = register(&s, &id, Some(&merchant_token), &person("Ann", "IA")).await;
    assert_eq!((ann["status"].as_str(), ann["kind"].as_str()), (Some("confirmed"), Some("merchant")));
    let (bob, bob_token) = register(&s, &id, None, &person("Bob", "MI")).await;
    assert_eq!((bob["status"].as_str(), bob["kind"].as_str()), (Some("confirmed"), Some("prospect")));
    let (cat, cat_token) = register(&s, &id, None, &person("Cat", "MI")).await;
    assert_eq!((cat["status"].as_str(), cat["waitlist_position"].as_i64()), (Some("waitlisted"), Some(1)));
    let (dan, dan_token) = register(&s, &id, None, &person("Dan", "OH")).await;
    assert_eq!((dan["status"].as_str(), dan["waitlist_position"].as_i64()), (Some("waitlisted"), Some(2)));
    assert_eq!(ann["check_in_code"].as_str().unwrap().len(), 8);

    let full = s.get(&format!("/api/v1/events/{id}"), None).await.ok(200).clone();
    assert_eq!(
        (full["seats_left"].as_i64(), full["confirmed"].as_i64(), full["waitlisted"].as_i64()),
        (Some(0), Some(2), Some(2))
    );
    let listed = s.get("/api/v1/events", None).await.ok(200).clone();
    assert_eq!(listed[0]["id"], id.as_str(), "the public list");

    // Bob cancels: Cat gets his seat at once, Dan moves up.
    let cancelled = s.post(&format!("/api/v1/registrations/{bob_token}/cancel"), None, &json!({})).await;
    assert_eq!(cancelled.ok(200)["registration"]["status"], "cancelled");
    let cat_now = registration(&s, &cat_token).await;
    assert_eq!(cat_now["status"], "confirmed", "the first on the waitlist was promoted");
    assert!(cat_now["promoted_at"].is_string());
    let dan_now = registration(&s, &dan_token).await;
    assert_eq!((dan_now["status"].as_str(), dan_now["waitlist_position"].as_i64()), (Some("waitlisted"), Some(1)));
    let again = s.post(&format!("/api/v1/registrations/{bob_token}/cancel"), None, &json!({})).await;
    assert_eq!(again.ok(200)["registration"]["status"], "cancelled", "cancelling again is harmless");
    assert_eq!(registration(&s, &dan_token).await["waitlist_position"], 1, "and moves nobody");

    // Check-in at the door, by code, forgiving case and dashes; once.
    let code = cat["check_in_code"].as_str().unwrap().to_string();
    let typed = format!("{}-{}", &code[..4], &code[4..]).to_lowercase();
    let path = format!("/api/v1/admin/events/{id}/check-in");
    let first = s.post(&path, Some(&admin), &json!({"code": typed})).await.ok(200).clone();
    assert_eq!(first["name"], "Cat");
    let second = s.post(&path, Some(&admin), &json!({"code": code})).await.ok(200).clone();
    assert_eq!(second["checked_in_at"], first["checked_in_at"], "the first check-in time stays");
    let refused = s.post(&path, Some(&admin), &json!({"code": dan["check_in_code"]})).await;
    refused.problem(409, "event_check_in_refused");
    let refused = s.post(&path, Some(&admin), &json!({"code": bob["check_in_code"]})).await;
    refused.problem(409, "event_check_in_refused");
    s.post(&path, Some(&admin), &json!({"code": "ZZZZ2222"})).await.problem(404, "not_found");
    let bad = s.post(&path, Some(&admin), &json!({"code": "nope"})).await;
    bad.problem(422, "validation_failed");
    assert_eq!(bad.error_fields(), ["code"]);

    // The operator sees registrations by state (cancelled ones left out) and the list.
    let by_state =
        s.get(&format!("/api/v1/admin/events/{id}/registrations/by-state"), Some(&admin)).await.ok(200).clone();
    assert_eq!(
        by_state["states"],
        json!([
            {"state": "IA", "confirmed": 1, "waitlisted": 0, "checked_in": 0},
            {"state": "MI", "confirmed": 1, "waitlisted": 0, "checked_in": 1},
            {"state": "OH", "confirmed": 0, "waitlisted": 1, "checked_in": 0}
        ])
    );
    assert_eq!(by_state["total"], json!({"state": "all", "confirmed": 2, "waitlisted": 1, "checked_in": 1}));
    let all = s.get(&format!("/api/v1/admin/events/{id}/registrations"), Some(&admin)).await.ok(200).clone();
    let names: Vec<&str> = all["items"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ann", "Bob", "Cat", "Dan"], "in registration order");
    let waiting = s.get(&format!("/api/v1/admin/events/{id}/registrations?status=waitlisted"), Some(&admin)).await;
    assert_eq!(waiting.ok(200)["items"][0]["name"], "Dan");
    let paged = s.get(&format!("/api/v1/admin/events/{id}/registrations?limit=3"), Some(&admin)).await.ok(200).clone();
    assert!(paged["next"].is_string(), "a next page");
    let bad = s.get(&format!("/api/v1/admin/events/{id}/registrations?status=maybe"), Some(&admin)).await;
    assert_eq!(bad.problem(422, "validation_failed")["errors"][0]["field"], "status");

    // Raising the capacity promotes Dan; lowering it below the confirmed is refused.
    let lower = s.put(&format!("/api/v1/admin/events/{id}"), Some(&admin), &event_body(1)).await;
    assert_eq!(lower.problem(409, "event_capacity_below_confirmed")["errors"][0]["field"], "capacity");
    let raised = s.put(&format!("/api/v1/admin/events/{id}"), Some(&admin), &event_body(3)).await.ok(200).clone();
    assert_eq!((raised["confirmed"].as_i64(), raised["waitlisted"].as_i64()), (Some(3), Some(0)));
    assert_eq!(registration(&s, &dan_token).await["status"], "confirmed");
    assert_eq!(registration(&s, &ann_token).await["status"], "confirmed", "Ann kept her seat throughout");
}

#[tokio::test]
async fn the_calendar_file_is_rfc_5545() {
    let s = spawn().await;
    let admin = s.admin().await;
    let id = create_event(&s, &admin, 1).await;
    let (_, token) = register(&s, &id, None, &person("Ann", "IA")).await;
    let (_, waiting) = register(&s, &id, None, &person("Bob", "MI")).await;
    let response = s.client.get(format!("{}/api/v1/registrations/{token}/calendar.ics", s.base)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert_eq!(header("content-type"), "text/calendar; charset=utf-8");
    assert_eq!(header("content-disposition"), format!("attachment; filename=\"event-{id}.ics\""));
    let text = response.text().await.unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "every line ends in CRLF");
    let lines: Vec<&str> = text.split("\r\n").collect();
    for line in &lines {
        assert!(line.len() <= 75, "{line:?} is longer than 75 octets");
    }
    assert!(lines.iter().any(|l| l.starts_with(' ')), "long lines are folded");
    let unfolded = text.replace("\r\n ", "");
    let property = |name: &str| {
        unfolded.split("\r\n").find(|l| l.starts_with(&format!("{name}:"))).unwrap_or_default().to_string()
    };
    assert_eq!(property("METHOD"), "METHOD:PUBLISH");
    assert_eq!(property("DTSTART"), "DTSTART:20310620T130000Z");
    assert_eq!(property("DTEND"), "DTEND:20310621T210000Z");
    assert!(property("UID").ends_with("@gateway-events"));
    assert!(property("DTSTAMP").ends_with('Z'));
    assert_eq!(
        property("SUMMARY"),
        "SUMMARY:Gateway 31: Selling to China\\, in Detroit / 门户31大会：向中国销售（底特律）"
    );
    assert_eq!(property("LOCATION"), "LOCATION:Huntington Place\\, 1 Washington Blvd\\, Detroit\\, MI");
    let description = property("DESCRIPTION");
    assert!(description.contains("Two days for US small businesses.\\nBring questions\\; and samples\\, if you like."));
    assert!(
        description.contains("2031-06-20 09:00 – 10:30  Keynote: a million small businesses (Hall A)"),
        "{description}"
    );
    assert!(description.contains("Check-in code: "));
    let waitlisted =
        s.client.get(format!("{}/api/v1/registrations/{waiting}/calendar.ics", s.base)).send().await.unwrap();
    assert!(waitlisted.text().await.unwrap().replace("\r\n ", "").contains("waitlist (position 1)"));

    s.post(&format!("/api/v1/registrations/{token}/cancel"), None, &json!({})).await.ok(200);
    let gone = s.get(&format!("/api/v1/registrations/{token}/calendar.ics"), None).await;
    gone.problem(409, "event_registration_cancelled");
    s.get("/api/v1/registrations/evr_unknown/calendar.ics", None).await.problem(404, "not_found");
}

#[tokio::test]
async fn refusals_have_stable_codes() {
    let s = spawn().await;
    let admin = s.admin().await;
    let (merchant, _) = s.merchant("m@example.com", true, true).await;
    s.post("/api/v1/admin/events", None, &event_body(2)).await.problem(401, "unauthorized");
    s.post("/api/v1/admin/events", Some(&merchant), &event_body(2)).await.problem(403, "forbidden");
    s.get("/api/v1/admin/events", Some(&merchant)).await.problem(403, "forbidden");

    let mut bad = event_body(0);
    bad["time_zone"] = json!("Europe/Paris");
    bad["venue"]["state"] = json!("ZZ");
    bad["title"] = json!({"zh": "只有中文"});
    bad["sessions"][0]["ends_at"] = json!("soon");
    let a = s.post("/api/v1/admin/events", Some(&admin), &bad).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.error_fields(), ["capacity", "sessions[0].ends_at", "time_zone", "title.en", "venue.state"]);
    let mut outside = event_body(2);
    outside["sessions"][1]["ends_at"] = json!("2031-06-21T18:00");
    outside["ends_at"] = json!("2031-06-21T17:00:00-04:00");
    let a = s.post("/api/v1/admin/events", Some(&admin), &outside).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.error_fields(), ["sessions[1].ends_at"]);

    let id = create_event(&s, &admin, 2).await;
    s.get("/api/v1/events/not-an-id", None).await.problem(404, "not_found");
    s.get(&format!("/api/v1/events/{}", uuid_like()), None).await.problem(404, "not_found");
    s.put(&format!("/api/v1/admin/events/{}", uuid_like()), Some(&admin), &event_body(2))
        .await
        .problem(404, "not_found");
    s.put(&format!("/api/v1/admin/events/{id}"), Some(&merchant), &event_body(2)).await.problem(403, "forbidden");
    s.post(&format!("/api/v1/admin/events/{id}/check-in"), Some(&merchant), &json!({"code": "AAAA2222"}))
        .await
        .problem(403, "forbidden");
    s.get(&format!("/api/v1/admin/events/{id}/registrations"), None).await.problem(401, "unauthorized");

    let a = s
        .post(&format!("/api/v1/events/{id}/registrations"), None, &json!({"email": "not an address", "kind": "vip"}))
        .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.error_fields(), ["email", "kind", "name", "state"]);
    register(&s, &id, None, &person("Ann", "IA")).await;
    let mut twice = person("Ann", "IA");
    twice["email"] = json!("  ANN@Example.com ");
    let a = s.post(&format!("/api/v1/events/{id}/registrations"), None, &twice).await;
    assert_eq!(a.problem(409, "event_already_registered")["errors"][0]["field"], "email");
    s.post(&format!("/api/v1/events/{}/registrations", uuid_like()), None, &person("Bob", "MI"))
        .await
        .problem(404, "not_found");
    s.get("/api/v1/registrations/evr_nothing", None).await.problem(404, "not_found");
    s.post("/api/v1/registrations/evr_nothing/cancel", None, &json!({})).await.problem(404, "not_found");

    // An event that has started takes no registration; the public list leaves out ended ones.
    let mut past = event_body(5);
    past["starts_at"] = json!("2020-06-20T09:00");
    past["ends_at"] = json!("2020-06-21T17:00");
    past["sessions"] = json!([]);
    let old = s.post("/api/v1/admin/events", Some(&admin), &past).await.ok(201)["id"].as_str().unwrap().to_string();
    s.post(&format!("/api/v1/events/{old}/registrations"), None, &person("Cat", "OH"))
        .await
        .problem(409, "event_registration_closed");
    let public: Vec<String> = s
        .get("/api/v1/events", None)
        .await
        .ok(200)
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(public, [id.as_str()], "ended events are not listed publicly");
    let all = s.get("/api/v1/admin/events", Some(&admin)).await.ok(200).as_array().unwrap().len();
    assert_eq!(all, 2, "the operator sees past events too");
}

fn uuid_like() -> &'static str {
    "0190f000-0000-7000-8000-000000000abc"
}

#[tokio::test]
async fn registering_cancelling_and_checking_in_through_the_pages() {
    let s = spawn().await;
    let mut op = operator(&s).await;
    // The operator creates the event in the console, with one session.
    let created = op
        .submit(
            "/operator/events",
            "/operator/events",
            &[
                ("title.en", "Gateway 31"),
                ("title.zh", "门户31"),
                ("description.en", "Two days in Detroit."),
                ("venue.name", "Huntington Place"),
                ("venue.address", "1 Washington Blvd"),
                ("venue.city", "Detroit"),
                ("venue.state", "MI"),
                ("time_zone", "America/Detroit"),
                ("starts_at", "2031-06-20T09:00"),
                ("ends_at", "2031-06-21T17:00"),
                ("capacity", "1"),
                ("sessions[0].title.en", "Keynote"),
                ("sessions[0].starts_at", "2031-06-20T09:00"),
                ("sessions[0].ends_at", "2031-06-20T10:00"),
                ("sessions[0].room", "Hall A"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let console = created.location().to_string();
    assert!(console.starts_with("/operator/events/") && console.ends_with("?done=created"), "{console}");
    let id = console.trim_start_matches("/operator/events/").trim_end_matches("?done=created").to_string();
    let refused = op
        .submit(
            "/operator/events",
            "/operator/events",
            &[("title.en", "X"), ("capacity", "many"), ("time_zone", "America/Detroit")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Enter the number of seats"), "the capacity's own message");

    // A visitor registers through the event's page, in English by default.
    let mut visitor = Browser::new(&s);
    let list = visitor.get("/events").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("lang=\"en\"") && list.body.contains("Gateway 31") && list.body.contains("1 seat left"));
    let page = visitor.get(&format!("/events/{id}")).await;
    assert!(
        page.body.contains("Keynote") && page.body.contains("2031-06-20 09:00 – 10:00") && page.body.contains("Hall A")
    );
    let form = [
        ("name", "Ann"),
        ("email", "ann@example.com"),
        ("business_name", "Ann Farms"),
        ("state", "IA"),
        ("kind", "prospect"),
    ];
    let done = visitor.submit(&format!("/events/{id}"), &format!("/events/{id}/register"), &form).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let ann_page = done.location().split('?').next().unwrap().to_string();
    assert!(done.location().ends_with("?done=registered"));
    assert!(ann_page.starts_with("/events/registrations/evr_"), "{ann_page}");
    let mine = visitor.get(&ann_page).await;
    assert_eq!(mine.by_id("status"), "Confirmed");
    let code = mine.by_id("check-in-code");
    assert_eq!(code.len(), 8);
    assert!(mine.body.contains("/calendar.ics"), "the add-to-calendar link");

    // The event is full: the next visitor joins the waitlist, in Chinese.
    let mut second = Browser::new(&s);
    let full = second.get(&format!("/events/{id}?lang=zh-CN")).await;
    assert!(full.body.contains("加入候补名单"), "the button says waitlist");
    let form = [("name", "Bob"), ("email", "bob@example.com"), ("state", "MI"), ("kind", "merchant")];
    let done = second.submit(&format!("/events/{id}"), &format!("/events/{id}/register"), &form).await;
    let bob_page = done.location().split('?').next().unwrap().to_string();
    let bob = second.get(&bob_page).await;
    assert_eq!((bob.by_id("status"), bob.by_id("waitlist-position")), ("候补中".to_string(), "1".to_string()));
    let again = second.submit(&format!("/events/{id}"), &format!("/events/{id}/register"), &form).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("此电子邮箱已报名本活动"), "{}", again.body);
    let invalid = second.submit(&format!("/events/{id}"), &format!("/events/{id}/register"), &[("name", "")]).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Ann cancels on her page: Bob moves up.
    let cancel_path = format!("{ann_page}/cancel");
    let without_token = visitor.post(&cancel_path, &[]).await;
    assert_eq!(without_token.status, StatusCode::FORBIDDEN, "the cancel form needs its CSRF token");
    let cancelled = visitor.submit(&ann_page, &cancel_path, &[]).await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    assert_eq!(visitor.get(&ann_page).await.by_id("status"), "Cancelled");
    let bob = second.get(&format!("{bob_page}?lang=en")).await;
    assert_eq!(bob.by_id("status"), "Confirmed", "the waitlist moved");
    let bob_code = bob.by_id("check-in-code");

    // Check-in at the door in the console.
    let path = format!("/operator/events/{id}/check-in");
    let wrong = op.submit(&format!("/operator/events/{id}"), &path, &[("code", &code)]).await;
    assert_eq!(wrong.status, StatusCode::CONFLICT, "Ann cancelled: no seat");
    assert!(wrong.body.contains("not confirmed"));
    let checked = op.submit(&format!("/operator/events/{id}"), &path, &[("code", &bob_code.to_lowercase())]).await;
    assert_eq!(checked.status, StatusCode::SEE_OTHER);
    let console = op.get(checked.location()).await;
    assert_eq!(console.by_id("done"), "Bob is checked in.");
    assert!(console.body.contains("id=\"state-MI\""), "the by-state table");
    assert!(!console.body.contains("id=\"state-IA\""), "cancelled registrations are not counted");
    let zh = op.get(&format!("/operator/events/{id}?lang=zh-CN")).await;
    assert!(zh.body.contains("按州统计报名") && zh.body.contains("入场签到"));
    let nav = op.get("/operator").await;
    assert!(nav.body.contains("href=\"/operator/events\""), "the console links its events");
    let unknown = visitor.get("/events/registrations/evr_nothing").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let not_operator = visitor.get("/operator/events").await;
    assert_eq!(not_operator.status, StatusCode::SEE_OTHER, "visitors are asked to sign in");
}
