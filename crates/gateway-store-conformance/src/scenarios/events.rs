//! The events' scenarios (`EventStore`): events round-trip with their programme;
//! registrations fill the seats then the waitlist; a cancellation promotes the oldest
//! waitlisted registration in the same transaction; check-in is conditional and
//! idempotent; counts by US state; and the races: many registrants for the last seat,
//! cancellations racing registrations.

use super::impact::utc;
use super::*;
use gateway_core::event::{CheckInCode, EventDetails, EventSession, RegistrationKind, RegistrationStatus, UsTimeZone};
use gateway_core::{EventId, RegistrationId};
use gateway_store::{Event, NewEvent, NewRegistration, Registration, StateRegistrations};

/// Stands in for the app's SHA-256: the store only needs distinct, stable bytes.
fn token_hash(token: &str) -> Vec<u8> {
    let mut bytes = token.as_bytes().to_vec();
    bytes.extend_from_slice(b"#hash");
    bytes
}

fn details(capacity: i64) -> EventDetails {
    EventDetails {
        title_en: "Gateway 17".into(),
        title_zh: Some("门户17大会".into()),
        description_en: "Two days on selling to China.\nBring cards; and questions, too.".into(),
        description_zh: None,
        venue_name: "Cobo Center".into(),
        venue_address: "1 Washington Blvd".into(),
        city: "Detroit".into(),
        state: state("MI"),
        time_zone: match UsTimeZone::parse("America/Detroit") {
            Ok(zone) => zone,
            Err(error) => panic!("zone: {error}"),
        },
        starts_at: utc("2027-06-20T13:00:00.123456Z"),
        ends_at: utc("2027-06-21T21:00:00Z"),
        capacity,
        sessions: vec![
            EventSession {
                title_en: "Keynote".into(),
                title_zh: Some("主题演讲".into()),
                starts_at: utc("2027-06-20T13:00:00.123456Z"),
                ends_at: utc("2027-06-20T14:30:00Z"),
                room: Some("Hall A".into()),
            },
            EventSession {
                title_en: "CBEC in practice".into(),
                title_zh: None,
                starts_at: utc("2027-06-21T14:00:00Z"),
                ends_at: utc("2027-06-21T15:00:00Z"),
                room: None,
            },
        ],
    }
}

async fn event(store: &dyn Store, capacity: i64) -> Event {
    let operator = user(store, Role::Operator).await;
    let new = NewEvent { id: EventId::new(), details: details(capacity), created_by: operator.id, created_at: t0() };
    store.create_event(new).await.must("create_event")
}

fn code(text: &str) -> CheckInCode {
    match CheckInCode::parse(text) {
        Ok(code) => code,
        Err(error) => panic!("test code {text:?}: {error}"),
    }
}

/// A registration of `who@example.com` from `st`, its token `tok-<who>` and a code
/// made from the index.
fn registration(event: EventId, who: &str, st: &str, i: usize) -> NewRegistration {
    NewRegistration {
        id: RegistrationId::new(),
        event_id: event,
        name: format!("Person {who}"),
        email: email(&format!("{who}@example.com")),
        business_name: Some(format!("{who} LLC")),
        state: state(st),
        kind: if i.is_multiple_of(2) { RegistrationKind::Merchant } else { RegistrationKind::Prospect },
        user_id: None,
        manage_token_hash: token_hash(&format!("tok-{who}")),
        check_in_code: code(&format!("CKXN{i:04}").replace('0', "A").replace('1', "B")),
        created_at: t0() + TimeDelta::seconds(i as i64),
    }
}

fn statuses(rs: &[Registration]) -> Vec<(String, RegistrationStatus, Option<i64>)> {
    rs.iter().map(|r| (r.name.clone(), r.status, r.waitlist_position)).collect()
}

async fn all_registrations(store: &dyn Store, event: EventId) -> Vec<Registration> {
    store.registrations(event, None, PageRequest { after: None, limit: 200 }).await.must("registrations").items
}

async fn topics(store: &dyn Store) -> Vec<String> {
    store
        .pending_outbox(1000)
        .await
        .must("pending_outbox")
        .into_iter()
        .filter(|e| e.topic.starts_with("event_registration."))
        .map(|e| e.topic)
        .collect()
}

/// An event and its programme read back exactly (microseconds too); lists by start
/// and by end; an update replaces the details; unknown ids.
pub async fn events_round_trip_and_update(store: &dyn Store) {
    let e = event(store, 2).await;
    assert_eq!(e.details, details(2), "create_event answers the details");
    assert_eq!((e.confirmed, e.waitlisted, e.checked_in, e.seats_left()), (0, 0, 0, 2), "a new event's counts");
    let read = store.event(e.id).await.must("event").must("the event");
    assert_eq!(read, e, "event reads back what create_event answered");
    assert!(store.event(EventId::new()).await.must("unknown event").is_none(), "an unknown event");

    let mut later = details(5);
    later.starts_at = utc("2027-09-01T13:00:00Z");
    later.ends_at = utc("2027-09-01T21:00:00Z");
    later.sessions.clear();
    let operator = user(store, Role::Operator).await;
    let second = store
        .create_event(NewEvent { id: EventId::new(), details: later, created_by: operator.id, created_at: t0() })
        .await
        .must("second event");
    let ids = |events: Vec<Event>| events.into_iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(ids(store.list_events(None, 10).await.must("list all")), [e.id, second.id], "by start");
    assert_eq!(
        ids(store.list_events(Some(utc("2027-06-21T21:00:00Z")), 10).await.must("list ending after")),
        [second.id],
        "an event that ended at the instant is left out"
    );
    assert_eq!(ids(store.list_events(None, 1).await.must("list limit")).len(), 1, "the limit");

    let mut changed = details(3);
    changed.title_en = "Gateway 17, Detroit".into();
    changed.sessions.pop();
    let updated = store.update_event(e.id, changed.clone(), t0() + TimeDelta::hours(1)).await.must("update_event");
    assert_eq!(updated.details, changed, "update_event replaces the details");
    assert_eq!(updated.updated_at, t0() + TimeDelta::hours(1), "updated_at");
    assert_eq!(updated.created_at, t0(), "created_at kept");
    assert_not_found(store.update_event(EventId::new(), changed, t0()).await, "update_event of an unknown event");
}

/// Two seats: two confirmed, then the waitlist in order; one address once; a cancel
/// promotes the oldest waitlisted (positions move up) and is idempotent; a waitlisted
/// cancel promotes nobody; the capacity cannot drop below the confirmed, and raising
/// it promotes; outbox events for each change.
pub async fn events_fill_waitlist_and_promote(store: &dyn Store) {
    let e = event(store, 2).await;
    let mut made = Vec::new();
    for (i, (who, st)) in [("ann", "IA"), ("bob", "MI"), ("cat", "MI"), ("dan", "OH"), ("eve", "IA")].iter().enumerate()
    {
        made.push(store.register(registration(e.id, who, st, i)).await.must("register"));
    }
    use RegistrationStatus::{Cancelled, Confirmed, Waitlisted};
    assert_eq!(
        statuses(&made),
        [
            ("Person ann".into(), Confirmed, None),
            ("Person bob".into(), Confirmed, None),
            ("Person cat".into(), Waitlisted, Some(1)),
            ("Person dan".into(), Waitlisted, Some(2)),
            ("Person eve".into(), Waitlisted, Some(3)),
        ],
        "seats first, then the waitlist in order"
    );
    let ann = &made[0];
    assert_eq!(ann.email, "ann@example.com");
    assert_eq!(ann.business_name.as_deref(), Some("ann LLC"));
    assert_eq!((ann.kind, ann.state), (RegistrationKind::Merchant, state("IA")));
    assert_eq!(ann.created_at, t0(), "created_at keeps its microseconds");
    assert_eq!(ann.check_in_code, registration(e.id, "ann", "IA", 0).check_in_code);

    // The same address again, in any case: refused while the first is live.
    let mut again = registration(e.id, "ann", "IA", 9);
    again.email = email("ANN@example.com");
    assert_conflict(store.register(again).await, "email", "a second registration of ann");
    assert_not_found(store.register(registration(EventId::new(), "zed", "IA", 10)).await, "an unknown event");

    let read = store.registration_by_token(&token_hash("tok-dan")).await.must("by token").must("dan");
    assert_eq!(read, made[3], "registration_by_token");
    assert!(store.registration_by_token(b"nope").await.must("unknown token").is_none());

    // Bob cancels: cat (first waitlisted) gets his seat; dan and eve move up.
    let bob = store.cancel_registration(&token_hash("tok-bob"), t0() + TimeDelta::hours(1)).await.must("cancel bob");
    assert_eq!((bob.status, bob.cancelled_at), (Cancelled, Some(t0() + TimeDelta::hours(1))), "bob cancelled");
    let now = all_registrations(store, e.id).await;
    assert_eq!(
        statuses(&now),
        [
            ("Person ann".into(), Confirmed, None),
            ("Person bob".into(), Cancelled, None),
            ("Person cat".into(), Confirmed, None),
            ("Person dan".into(), Waitlisted, Some(1)),
            ("Person eve".into(), Waitlisted, Some(2)),
        ],
        "the waitlist moved up by one"
    );
    assert_eq!(now[2].promoted_at, Some(t0() + TimeDelta::hours(1)), "cat's promotion time");
    let again = store.cancel_registration(&token_hash("tok-bob"), t0() + TimeDelta::hours(2)).await.must("again");
    assert_eq!(again, bob, "cancelling again changes nothing");
    assert_eq!(all_registrations(store, e.id).await, now, "nobody else moved");
    assert_not_found(store.cancel_registration(b"nope", t0()).await, "cancel with an unknown token");

    // A waitlisted registration cancelling frees no seat.
    store.cancel_registration(&token_hash("tok-dan"), t0() + TimeDelta::hours(3)).await.must("cancel dan");
    let counts = store.event(e.id).await.must("event").must("event");
    assert_eq!((counts.confirmed, counts.waitlisted, counts.seats_left()), (2, 1, 0), "after dan left the waitlist");
    let eve = store.registration_by_token(&token_hash("tok-eve")).await.must("eve").must("eve");
    assert_eq!((eve.status, eve.waitlist_position), (Waitlisted, Some(1)), "eve is next");

    // Bob may register again once cancelled; he joins the end of the waitlist.
    let mut bob_again = registration(e.id, "bob", "MI", 11);
    bob_again.manage_token_hash = token_hash("tok-bob-2");
    let bob_again = store.register(bob_again).await.must("bob registers again");
    assert_eq!((bob_again.status, bob_again.waitlist_position), (Waitlisted, Some(2)), "bob at the end");

    // Capacity: not below the confirmed; raising it moves the waitlist up.
    assert_conflict(store.update_event(e.id, details(1), t0()).await, "capacity", "capacity below the confirmed");
    let bigger = store.update_event(e.id, details(3), t0() + TimeDelta::hours(4)).await.must("capacity 3");
    assert_eq!((bigger.confirmed, bigger.waitlisted), (3, 1), "one promoted into the new seat");
    let eve = store.registration_by_token(&token_hash("tok-eve")).await.must("eve").must("eve");
    assert_eq!((eve.status, eve.promoted_at), (Confirmed, Some(t0() + TimeDelta::hours(4))), "eve promoted");

    let mut expected = vec!["event_registration.confirmed"; 2];
    expected.extend(["event_registration.waitlisted"; 3]);
    expected.extend(["event_registration.cancelled", "event_registration.promoted", "event_registration.cancelled"]);
    expected.extend(["event_registration.waitlisted", "event_registration.promoted"]);
    assert_eq!(topics(store).await, expected, "the outbox, in order");

    let waitlisted = store
        .registrations(e.id, Some(Waitlisted), PageRequest { after: None, limit: 10 })
        .await
        .must("waitlisted only");
    assert_eq!(waitlisted.items.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["Person bob"], "by status");
    let first = store.registrations(e.id, None, PageRequest { after: None, limit: 2 }).await.must("page 1");
    let second = store.registrations(e.id, None, PageRequest { after: first.next, limit: 10 }).await.must("page 2");
    assert_eq!(first.items.len() + second.items.len(), 6, "pages cover every registration");
    assert!(second.next.is_none(), "the last page");
}

/// Check-in by code: a confirmed registration once (the first time kept); waitlisted
/// and cancelled ones refused; unknown codes and other events' codes not found; counts
/// by state.
pub async fn events_check_in_and_counts_by_state(store: &dyn Store) {
    let e = event(store, 2).await;
    let other = event(store, 5).await;
    for (i, (who, st)) in [("ann", "IA"), ("bob", "MI"), ("cat", "MI"), ("dan", "OH")].iter().enumerate() {
        store.register(registration(e.id, who, st, i)).await.must("register");
    }
    let ann_code = registration(e.id, "ann", "IA", 0).check_in_code;
    let cat_code = registration(e.id, "cat", "MI", 2).check_in_code;
    let first = store.check_in(e.id, &ann_code, t0() + TimeDelta::hours(1)).await.must("check in ann");
    let first = match first {
        Ok(r) => r,
        Err(refused) => panic!("ann is confirmed: {refused:?}"),
    };
    assert_eq!(first.checked_in_at, Some(t0() + TimeDelta::hours(1)), "checked in");
    let again = store.check_in(e.id, &code(ann_code.as_str()), t0() + TimeDelta::hours(2)).await.must("again");
    assert_eq!(again.ok().and_then(|r| r.checked_in_at), Some(t0() + TimeDelta::hours(1)), "the first time stays");

    match store.check_in(e.id, &cat_code, t0()).await.must("check in cat") {
        Err(refused) => assert_eq!(refused.registration.status, RegistrationStatus::Waitlisted, "cat waits"),
        Ok(r) => panic!("a waitlisted registration was checked in: {r:?}"),
    }
    assert_not_found(store.check_in(e.id, &code("ZZZZZZZZ"), t0()).await, "an unknown code");
    assert_not_found(store.check_in(other.id, &ann_code, t0()).await, "another event's code");

    store.cancel_registration(&token_hash("tok-bob"), t0()).await.must("cancel bob");
    let bob_code = registration(e.id, "bob", "MI", 1).check_in_code;
    match store.check_in(e.id, &bob_code, t0()).await.must("check in bob") {
        Err(refused) => assert_eq!(refused.registration.status, RegistrationStatus::Cancelled, "bob cancelled"),
        Ok(r) => panic!("a cancelled registration was checked in: {r:?}"),
    }

    let by_state = store.registrations_by_state(e.id).await.must("by state");
    let row = |st: &str, confirmed, waitlisted, checked_in| StateRegistrations {
        state: state(st),
        confirmed,
        waitlisted,
        checked_in,
    };
    // Cat moved up into bob's seat; dan waits; bob (cancelled) is not counted.
    assert_eq!(by_state, [row("IA", 1, 0, 1), row("MI", 1, 0, 0), row("OH", 0, 1, 0)], "registrations by state");
    assert!(store.registrations_by_state(other.id).await.must("empty").is_empty(), "an event without registrations");
    let counted = store.event(e.id).await.must("event").must("event");
    assert_eq!((counted.confirmed, counted.waitlisted, counted.checked_in), (2, 1, 1), "the event's counts");
}

/// Twelve registrants race for the last two seats of a nearly full event: exactly two
/// confirmed, the rest waitlisted at positions 1..=10 without gaps. Then four
/// confirmed registrations cancel at once: exactly four promoted, oldest first.
pub async fn events_last_seats_race(store: &dyn Store) {
    const RACERS: usize = 12;
    let e = event(store, 6).await;
    for i in 0..4 {
        store.register(registration(e.id, &format!("early{i}"), "IA", i)).await.must("an early registration");
    }
    let pings: Vec<BoxFuture<'_, StoreResult<()>>> = (0..RACERS).map(|_| store.ping()).collect();
    for result in join_all(pings).await {
        result.must("ping");
    }
    let racers: Vec<NewRegistration> =
        (0..RACERS).map(|i| registration(e.id, &format!("racer{i}"), "MI", 100 + i)).collect();
    let calls: Vec<BoxFuture<'_, _>> = racers.iter().map(|r| store.register(r.clone())).collect();
    let results: Vec<Registration> =
        join_all(calls).await.into_iter().map(|r| r.must("a racing registration")).collect();
    let confirmed = results.iter().filter(|r| r.status == RegistrationStatus::Confirmed).count();
    assert_eq!(confirmed, 2, "the last two seats go to exactly two racers: {:?}", statuses(&results));
    let mut positions: Vec<i64> = all_registrations(store, e.id)
        .await
        .iter()
        .filter(|r| r.status == RegistrationStatus::Waitlisted)
        .filter_map(|r| r.waitlist_position)
        .collect();
    positions.sort();
    assert_eq!(positions, (1..=10).collect::<Vec<i64>>(), "the waitlist has no gaps or duplicates");

    // The first four on the waitlist, in registration order, are the ones to move up.
    let mut waiting: Vec<Registration> = all_registrations(store, e.id)
        .await
        .into_iter()
        .filter(|r| r.status == RegistrationStatus::Waitlisted)
        .collect();
    waiting.sort_by_key(|r| r.waitlist_position);
    let next_four: Vec<RegistrationId> = waiting.iter().take(4).map(|r| r.id).collect();

    let hashes: Vec<Vec<u8>> = (0..4).map(|i| token_hash(&format!("tok-early{i}"))).collect();
    let cancels: Vec<BoxFuture<'_, _>> = hashes.iter().map(|h| store.cancel_registration(h, t0())).collect();
    for result in join_all(cancels).await {
        result.must("a racing cancellation");
    }
    let after = store.event(e.id).await.must("event").must("event");
    assert_eq!((after.confirmed, after.waitlisted), (6, 6), "four cancelled, four promoted, the event full again");
    let mut promoted: Vec<RegistrationId> =
        all_registrations(store, e.id).await.into_iter().filter(|r| r.promoted_at.is_some()).map(|r| r.id).collect();
    promoted.sort();
    let mut expected = next_four;
    expected.sort();
    assert_eq!(promoted, expected, "the oldest four waitlisted moved up");
    let promotions = topics(store).await.iter().filter(|t| *t == "event_registration.promoted").count();
    assert_eq!(promotions, 4, "one promoted event each");
}
