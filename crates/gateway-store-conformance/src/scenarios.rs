//! The store scenarios. Each takes a fresh, migrated store and panics, naming the
//! scenario's step and what differed, when the store breaks the contract of
//! `gateway_store`. Timestamps are chosen with microsecond digits (and some with
//! sub-second boundaries) so that both engines' encodings are pinned down.

use crate::{BoxFuture, join_all};
use chrono::{DateTime, TimeDelta, Utc};
use gateway_core::merchant::{Fulfilment, MerchantKind, MerchantStatus, UsState};
use gateway_core::positive_list::{AnnualCap, ListingFacts};
use gateway_core::product::{ContentUnit, ListingProblem, ProductStatus, listing_check};
use gateway_core::user::{Email, Role};
use gateway_core::{FxRate, MerchantId, ProductId, Usd, UserId};
use gateway_store::{
    Merchant, MerchantProfile, NewMerchant, NewProduct, NewSession, NewUser, Page, PageRequest, Product, ProductFields,
    Store, StoreError, StoreResult, User,
};
use uuid::Uuid;

// ---------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------

/// Unwraps with the step's name and the error in the panic message.
trait Must<T> {
    fn must(self, step: &str) -> T;
}

impl<T> Must<T> for StoreResult<T> {
    #[track_caller]
    fn must(self, step: &str) -> T {
        match self {
            Ok(value) => value,
            Err(error) => panic!("{step}: expected success, got {error:?}"),
        }
    }
}

impl<T> Must<T> for Option<T> {
    #[track_caller]
    fn must(self, step: &str) -> T {
        match self {
            Some(value) => value,
            None => panic!("{step}: expected a value, got None"),
        }
    }
}

/// The error of `result`, or a panic naming the step and the unexpected success.
#[track_caller]
fn must_fail<T: std::fmt::Debug>(result: StoreResult<T>, step: &str) -> StoreError {
    match result {
        Ok(value) => panic!("{step}: expected an error, got Ok({value:?})"),
        Err(error) => error,
    }
}

#[track_caller]
fn assert_conflict<T: std::fmt::Debug>(result: StoreResult<T>, on: &str, step: &str) {
    match must_fail(result, step) {
        StoreError::Conflict(got) if got == on => {}
        other => panic!("{step}: expected Conflict({on:?}), got {other:?}"),
    }
}

#[track_caller]
fn assert_stale<T: std::fmt::Debug>(result: StoreResult<T>, step: &str) {
    match must_fail(result, step) {
        StoreError::Stale => {}
        other => panic!("{step}: expected Stale, got {other:?}"),
    }
}

#[track_caller]
fn assert_not_found<T: std::fmt::Debug>(result: StoreResult<T>, step: &str) {
    match must_fail(result, step) {
        StoreError::NotFound => {}
        other => panic!("{step}: expected NotFound, got {other:?}"),
    }
}

/// Compares the named fields of two records, one `assert_eq!` per field.
macro_rules! assert_fields {
    ($step:expr, $expected:expr, $got:expr; $($($field:ident).+),+ $(,)?) => {$(
        assert_eq!(
            $expected.$($field).+, $got.$($field).+,
            "{}: field `{}` differs (left: expected, right: stored)", $step, stringify!($($field).+)
        );
    )+};
}

/// 2026-03-14T15:09:26.535897Z: microsecond digits that every encoding must keep.
const T0_MICROS: i64 = 1_773_500_966_535_897;

/// The `reference.*` events (FX rate, tax class, freight rates) after outbox id
/// `after`, as (topic, payload); their aggregate is the nil UUID.
async fn reference_events(store: &dyn Store, after: i64) -> Vec<(String, serde_json::Value)> {
    let events = store.outbox_after(after, 1000).await.must("outbox_after");
    events
        .into_iter()
        .filter(|e| e.family() == gateway_store::REFERENCE_TOPICS)
        .map(|e| {
            assert_eq!(e.aggregate_id, Uuid::nil(), "{}: the platform's settings are the aggregate", e.topic);
            match serde_json::from_str(&e.payload) {
                Ok(payload) => (e.topic, payload),
                Err(error) => panic!("{} payload {:?} is not JSON: {error}", e.topic, e.payload),
            }
        })
        .collect()
}

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp_micros(T0_MICROS).must("T0 is a valid timestamp")
}

fn email(text: &str) -> Email {
    match Email::parse(text) {
        Ok(email) => email,
        Err(error) => panic!("test e-mail {text:?} does not parse: {error}"),
    }
}

fn state(code: &str) -> UsState {
    match UsState::parse(code) {
        Ok(state) => state,
        Err(error) => panic!("test state {code:?} does not parse: {error}"),
    }
}

fn new_user(address: &str, role: Role) -> NewUser {
    NewUser {
        id: UserId::new(),
        email: email(address),
        role,
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ${address}"),
        created_at: t0(),
    }
}

async fn user(store: &dyn Store, role: Role) -> User {
    let id = UserId::new();
    let new = NewUser { id, ..new_user(&format!("user-{}@example.com", id.as_uuid().simple()), role) };
    store.create_user(new).await.must("create a helper user")
}

fn assert_user(step: &str, expected: &NewUser, got: &User) {
    assert_fields!(step, expected, got; id, role, password_hash, created_at);
    assert_eq!(expected.email.as_str(), got.email, "{step}: field `email` differs");
}

fn assert_same_user(step: &str, expected: &User, got: &User) {
    assert_fields!(step, expected, got; id, email, role, password_hash, created_at);
}

/// The profile of the merchant `new_merchant` makes.
fn profile() -> MerchantProfile {
    MerchantProfile {
        legal_name: "Prairie Gold Apiaries, LLC".into(),
        display_name_en: "Prairie Gold".into(),
        display_name_zh: Some("草原金蜂场".into()),
        kind: MerchantKind::Farm,
        state: state("IA"),
        city: "Ames".into(),
        zip: "50010-1234".into(),
        employees: 12,
        exported_before: true,
        fulfilment: Fulfilment::Bonded,
        food_registration_no: Some("CUSA12345-IA".into()),
        story_en: Some("Three generations of beekeepers on the Iowa prairie.".into()),
        story_zh: Some("三代人在爱荷华草原养蜂。".into()),
    }
}

fn new_merchant(owner: UserId) -> NewMerchant {
    NewMerchant { id: MerchantId::new(), owner_id: owner, profile: profile(), created_at: t0() + TimeDelta::seconds(1) }
}

async fn merchant(store: &dyn Store) -> Merchant {
    let owner = user(store, Role::Merchant).await;
    store.create_merchant(new_merchant(owner.id)).await.must("create a helper merchant")
}

fn assert_new_merchant(step: &str, expected: &NewMerchant, got: &Merchant) {
    assert_fields!(step, expected, got;
        id, owner_id, profile.legal_name, profile.display_name_en, profile.display_name_zh, profile.kind, profile.state, profile.city, profile.zip, profile.employees,
        profile.exported_before, profile.fulfilment, profile.food_registration_no, profile.story_en, profile.story_zh, created_at);
}

fn assert_same_merchant(step: &str, expected: &Merchant, got: &Merchant) {
    assert_fields!(step, expected, got;
        id, owner_id, profile.legal_name, profile.display_name_en, profile.display_name_zh, profile.kind, profile.state, profile.city, profile.zip, profile.employees,
        profile.exported_before, profile.fulfilment, profile.food_registration_no, profile.story_en, profile.story_zh, status, created_at, updated_at);
}

fn product_fields(sku: &str, status: ProductStatus) -> ProductFields {
    ProductFields {
        sku: sku.into(),
        title_en: format!("Raw wildflower honey {sku}"),
        title_zh: Some("野花生蜂蜜".into()),
        description_en: "Unfiltered, from Story County, Iowa. \"Spun\" & creamy.".into(),
        description_zh: Some("未过滤，来自爱荷华州斯托里县。".into()),
        tax_class: "agri".into(),
        hs_code: "0409000000".into(),
        origin_country: "US".into(),
        price: Usd::from_minor(1299),
        weight_g: 540,
        net_content_milli: 500_000,
        net_content_unit: ContentUnit::Gram,
        stock: 37,
        status,
        problems: Vec::new(),
        annual_cap: None,
    }
}

fn new_product(merchant: MerchantId, sku: &str, status: ProductStatus) -> NewProduct {
    NewProduct {
        id: ProductId::new(),
        merchant_id: merchant,
        fields: product_fields(sku, status),
        created_at: t0() + TimeDelta::seconds(2),
    }
}

fn assert_fields_of_product(step: &str, expected: &ProductFields, got: &ProductFields) {
    assert_fields!(step, expected, got;
        sku, title_en, title_zh, description_en, description_zh, tax_class, hs_code, origin_country, price,
        weight_g, net_content_milli, net_content_unit, stock, status, problems);
}

fn assert_new_product(step: &str, expected: &NewProduct, got: &Product) {
    assert_fields!(step, expected, got; id, merchant_id, created_at);
    assert_fields_of_product(step, &expected.fields, &got.fields);
}

fn assert_same_product(step: &str, expected: &Product, got: &Product) {
    assert_fields!(step, expected, got; id, merchant_id, merchant_status, version, created_at, updated_at);
    assert_fields_of_product(step, &expected.fields, &got.fields);
}

fn page(after: Option<Uuid>, limit: u32) -> PageRequest {
    PageRequest { after, limit }
}

/// Walks every page of a listing, checking that each `next` is the last id of its
/// page and that the last page has none. Returns the ids page by page.
async fn walk_pages<'a, T, F>(step: &str, limit: u32, id_of: impl Fn(&T) -> Uuid, mut fetch: F) -> Vec<Vec<Uuid>>
where
    F: FnMut(PageRequest) -> BoxFuture<'a, StoreResult<Page<T>>>,
{
    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let got = fetch(page(after, limit)).await.must(&format!("{step}: page {}", pages.len() + 1));
        let ids: Vec<Uuid> = got.items.iter().map(&id_of).collect();
        assert!(
            ids.len() <= limit as usize,
            "{step}: page {} has {} items, more than the limit {limit}",
            pages.len() + 1,
            ids.len()
        );
        pages.push(ids.clone());
        match got.next {
            Some(next) => {
                assert_eq!(Some(&next), ids.last(), "{step}: `next` of page {} is not its last id", pages.len());
                after = Some(next);
            }
            None => return pages,
        }
        assert!(pages.len() <= 100, "{step}: more than 100 pages, the cursor does not advance");
    }
}

fn sorted(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort();
    ids
}

// The buy path's scenarios live in their own file; as a child module they share the
// helpers above.
mod buy;
mod positive_list;
pub use positive_list::*;
mod search_feed;
pub use buy::*;
pub use search_feed::*;
mod storefront;
pub use storefront::*;
mod impact;
pub use impact::*;
mod admin;
pub use admin::*;
mod food_readiness;
pub use food_readiness::*;
mod imports;
pub use imports::*;
mod events;
pub use events::*;
mod sourcing;
pub use sourcing::*;
mod bulk_load;
pub use bulk_load::*;

// ---------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------

/// Every field of a user survives the round trip, the e-mail is found whatever its
/// case, and `created_at` keeps its microseconds.
pub async fn users_round_trip(store: &dyn Store) {
    let new = NewUser { email: email(" Farmer.Jo@Example.COM "), ..new_user("x@example.com", Role::Merchant) };
    let created = store.create_user(new.clone()).await.must("create_user");
    assert_user("create_user's result", &new, &created);
    assert_eq!(created.email, "farmer.jo@example.com", "create_user: the e-mail is stored normalised");

    let read = store.user_by_email(&email("FARMER.JO@example.com")).await.must("user_by_email").must("user_by_email");
    assert_user("user_by_email", &new, &read);
    assert_eq!(read.created_at.timestamp_micros(), T0_MICROS, "user_by_email: created_at lost its microseconds");

    assert!(
        store.user_by_email(&email("nobody@example.com")).await.must("user_by_email(unknown)").is_none(),
        "user_by_email of an unknown address must be None"
    );

    for role in [Role::Consumer, Role::Merchant, Role::Operator] {
        let new = new_user(&format!("{role}@example.com"), role);
        store.create_user(new.clone()).await.must(&format!("create_user({role})"));
        let read = store.user_by_email(&new.email).await.must("user_by_email").must("user_by_email");
        assert_user(&format!("round trip of a {role}"), &new, &read);
    }

    // Sub-microsecond digits may be cut (PostgreSQL keeps microseconds), never more.
    let precise = t0() + TimeDelta::nanoseconds(123);
    let new = NewUser { created_at: precise, ..new_user("nanos@example.com", Role::Consumer) };
    store.create_user(new.clone()).await.must("create_user with nanoseconds");
    let read = store.user_by_email(&new.email).await.must("user_by_email").must("user_by_email");
    assert_eq!(
        read.created_at.timestamp_micros(),
        precise.timestamp_micros(),
        "created_at {precise:?} came back as {:?}, not equal to the microsecond",
        read.created_at
    );
}

/// A second account with a taken e-mail (in any case) is `Conflict("email")` and
/// leaves the first account as it was.
pub async fn users_duplicate_email_conflicts(store: &dyn Store) {
    let first = new_user("jo@example.com", Role::Consumer);
    store.create_user(first.clone()).await.must("create the first user");

    let second = NewUser { role: Role::Merchant, ..new_user("JO@Example.com", Role::Merchant) };
    assert_conflict(store.create_user(second.clone()).await, "email", "create_user with a taken e-mail");

    let read = store.user_by_email(&first.email).await.must("user_by_email").must("user_by_email");
    assert_user("the first user after the conflict", &first, &read);

    // The same rule holds for the operator created at start-up.
    let operator = NewUser { role: Role::Operator, ..new_user("jo@example.com", Role::Operator) };
    assert_conflict(store.create_first_operator(operator).await, "email", "create_first_operator with a taken e-mail");
    let read = store.user_by_email(&first.email).await.must("user_by_email").must("user_by_email");
    assert_eq!(read.role, Role::Consumer, "a failed create_first_operator changed the existing account");
}

/// `create_first_operator` creates an operator once, then reports false and creates
/// nothing; other roles do not count as operators.
pub async fn first_operator_is_created_once(store: &dyn Store) {
    user(store, Role::Consumer).await;
    user(store, Role::Merchant).await;

    let first = new_user("ops@example.com", Role::Operator);
    assert!(store.create_first_operator(first.clone()).await.must("the first create_first_operator"));
    let read = store.user_by_email(&first.email).await.must("user_by_email").must("the first operator exists");
    assert_user("the first operator", &first, &read);

    let second = new_user("ops2@example.com", Role::Operator);
    assert!(
        !store.create_first_operator(second.clone()).await.must("the second create_first_operator"),
        "a second create_first_operator must return false"
    );
    assert!(
        store.user_by_email(&second.email).await.must("user_by_email").is_none(),
        "create_first_operator returned false but created the account"
    );
}

/// Concurrent `create_first_operator` calls (distinct e-mails) create exactly one
/// operator: one call returns true, the others false.
pub async fn first_operator_race_creates_at_most_one(store: &dyn Store) {
    const CALLS: usize = 8;
    // Open several pooled connections first, so the calls really start together.
    let pings: Vec<BoxFuture<'_, StoreResult<()>>> = (0..CALLS).map(|_| store.ping()).collect();
    for result in join_all(pings).await {
        result.must("ping");
    }

    let candidates: Vec<NewUser> =
        (0..CALLS).map(|i| new_user(&format!("ops{i}@example.com"), Role::Operator)).collect();
    let calls: Vec<BoxFuture<'_, StoreResult<bool>>> =
        candidates.iter().map(|new| store.create_first_operator(new.clone())).collect();
    let results = join_all(calls).await;

    let mut operators = Vec::new();
    for new in &candidates {
        if let Some(user) = store.user_by_email(&new.email).await.must("user_by_email") {
            assert_eq!(user.role, Role::Operator, "create_first_operator stored a non-operator");
            operators.push(user.email);
        }
    }
    let outcomes: Vec<String> = results.iter().map(|r| format!("{r:?}")).collect();
    assert_eq!(
        operators.len(),
        1,
        "{CALLS} concurrent create_first_operator calls left {} operators {operators:?}; results: {outcomes:?}",
        operators.len()
    );
    let created = results.iter().filter(|r| matches!(r, Ok(true))).count();
    let declined = results.iter().filter(|r| matches!(r, Ok(false))).count();
    assert_eq!((created, declined), (1, CALLS - 1), "expected one true and {} false; results: {outcomes:?}", CALLS - 1);
}

/// A session finds its user until (strictly before) `expires_at`, to the
/// microsecond and across whole-second boundaries, and not after `delete_session`.
pub async fn sessions_expire_and_delete(store: &dyn Store) {
    let alice = user(store, Role::Consumer).await;
    let bob = user(store, Role::Merchant).await;
    let alice_token: Vec<u8> = (0u8..32).collect();
    let bob_token: Vec<u8> = (0u8..32).map(|b| 255 - b).collect();

    // Alice's session ends on a fractional second, Bob's on a whole one.
    let alice_expiry = t0() + TimeDelta::minutes(30);
    let bob_expiry = DateTime::from_timestamp(1_773_504_000, 0).must("a whole-second expiry");
    for (token, owner, expires_at) in [(&alice_token, &alice, alice_expiry), (&bob_token, &bob, bob_expiry)] {
        let session = NewSession { token_hash: token.clone(), user_id: owner.id, created_at: t0(), expires_at };
        store.create_session(session).await.must("create_session");
    }

    let micro = TimeDelta::microseconds(1);
    let cases = [
        ("alice at creation", &alice_token, t0(), Some(&alice)),
        ("alice 1 µs before expiry", &alice_token, alice_expiry - micro, Some(&alice)),
        ("alice at expiry", &alice_token, alice_expiry, None),
        ("alice 1 µs after expiry", &alice_token, alice_expiry + micro, None),
        ("bob 1 µs before a whole-second expiry", &bob_token, bob_expiry - micro, Some(&bob)),
        ("bob 1 ns before a whole-second expiry", &bob_token, bob_expiry - TimeDelta::nanoseconds(1), Some(&bob)),
        ("bob at a whole-second expiry", &bob_token, bob_expiry, None),
        ("bob half a second after expiry", &bob_token, bob_expiry + TimeDelta::milliseconds(500), None),
        ("bob a day after expiry", &bob_token, bob_expiry + TimeDelta::days(1), None),
    ];
    for (step, token, now, expected) in cases {
        let got = store.session_user(token, now).await.must(step);
        match (expected, got) {
            (Some(expected), Some(got)) => assert_same_user(step, expected, &got),
            (None, None) => {}
            (expected, got) => panic!(
                "session_user, {step} (now {now:?}): expected {:?}, got {:?}",
                expected.map(|u| u.id),
                got.map(|u| u.id)
            ),
        }
    }

    assert!(
        store.session_user(&[7u8; 32], t0()).await.must("unknown token").is_none(),
        "an unknown token found a user"
    );

    store.delete_session(&alice_token).await.must("delete_session");
    assert!(
        store.session_user(&alice_token, t0()).await.must("session_user after delete").is_none(),
        "a deleted session still finds its user"
    );
    let bob_again = store.session_user(&bob_token, t0()).await.must("the other session").must("the other session");
    assert_same_user("the other session after deleting one", &bob, &bob_again);
    store.delete_session(&alice_token).await.must("deleting a deleted session is not an error");
}

// ---------------------------------------------------------------------------------
// Merchants
// ---------------------------------------------------------------------------------

/// A new merchant is pending and every field survives the round trip, through
/// `merchant` and `merchant_by_owner`, with and without the optional fields.
pub async fn merchants_round_trip(store: &dyn Store) {
    let owner = user(store, Role::Merchant).await;
    let new = new_merchant(owner.id);
    let created = store.create_merchant(new.clone()).await.must("create_merchant");
    assert_new_merchant("create_merchant's result", &new, &created);
    assert_eq!(created.status, MerchantStatus::Pending, "a new merchant must be pending");
    assert_eq!(created.updated_at, new.created_at, "a new merchant's updated_at is its created_at");

    let by_id = store.merchant(new.id).await.must("merchant").must("merchant(id)");
    assert_same_merchant("merchant(id)", &created, &by_id);
    let by_owner = store.merchant_by_owner(owner.id).await.must("merchant_by_owner").must("merchant_by_owner");
    assert_same_merchant("merchant_by_owner", &created, &by_owner);

    let owner2 = user(store, Role::Merchant).await;
    let bare = NewMerchant {
        profile: MerchantProfile {
            display_name_zh: None,
            food_registration_no: None,
            story_en: None,
            story_zh: None,
            kind: MerchantKind::Retailer,
            state: state("VI"),
            employees: 0,
            exported_before: false,
            fulfilment: Fulfilment::DirectMail,
            ..profile()
        },
        ..new_merchant(owner2.id)
    };
    store.create_merchant(bare.clone()).await.must("create_merchant without optional fields");
    let read = store.merchant(bare.id).await.must("merchant").must("merchant(id)");
    assert_new_merchant("a merchant without optional fields", &bare, &read);

    for kind in MerchantKind::ALL {
        let owner = user(store, Role::Merchant).await;
        let new = NewMerchant { profile: MerchantProfile { kind: *kind, ..profile() }, ..new_merchant(owner.id) };
        store.create_merchant(new.clone()).await.must("create_merchant");
        let read = store.merchant(new.id).await.must("merchant").must("merchant(id)");
        assert_eq!(read.profile.kind, *kind, "merchant kind {kind} did not round-trip");
    }

    assert!(store.merchant(MerchantId::new()).await.must("merchant(unknown)").is_none());
    assert!(store.merchant_by_owner(UserId::new()).await.must("merchant_by_owner(unknown)").is_none());
}

/// A user owns at most one merchant: a second one is `Conflict("owner")`.
pub async fn merchants_one_per_owner(store: &dyn Store) {
    let owner = user(store, Role::Merchant).await;
    let first = new_merchant(owner.id);
    store.create_merchant(first.clone()).await.must("the first merchant");

    let second = NewMerchant {
        profile: MerchantProfile { legal_name: "Another LLC".into(), ..profile() },
        ..new_merchant(owner.id)
    };
    assert_conflict(store.create_merchant(second.clone()).await, "owner", "a second merchant for the same owner");
    assert!(store.merchant(second.id).await.must("merchant").is_none(), "the conflicting merchant was stored");
    let by_owner = store.merchant_by_owner(owner.id).await.must("merchant_by_owner").must("merchant_by_owner");
    assert_eq!(by_owner.id, first.id, "merchant_by_owner must still find the first merchant");

    let orphan = new_merchant(UserId::new());
    must_fail(store.create_merchant(orphan.clone()).await, "a merchant whose owner does not exist");
    assert!(store.merchant(orphan.id).await.must("merchant").is_none(), "a merchant without an owner was stored");
}

/// `update_merchant` saves the profile and nothing else: status, owner and creation
/// time stay; an unknown merchant is `NotFound`.
pub async fn merchants_profile_updates(store: &dyn Store) {
    let created = merchant(store).await;
    let active =
        store.set_merchant_status(created.id, MerchantStatus::Pending, MerchantStatus::Active).await.must("approve");
    let edited = Merchant {
        // Neither status nor owner may be written through a profile update.
        status: MerchantStatus::Rejected,
        owner_id: UserId::new(),
        profile: MerchantProfile {
            legal_name: "Prairie Gold Apiaries Cooperative".into(),
            display_name_zh: None,
            city: "Des Moines".into(),
            employees: 14,
            food_registration_no: None,
            story_en: Some("Now a cooperative of nine families.".into()),
            story_zh: None,
            ..active.profile.clone()
        },
        ..active.clone()
    };
    let saved = store.update_merchant(edited.clone()).await.must("update_merchant");
    assert_fields!("update_merchant", edited, saved;
        id, profile.legal_name, profile.display_name_en, profile.display_name_zh, profile.kind, profile.state, profile.city, profile.zip, profile.employees,
        profile.exported_before, profile.fulfilment, profile.food_registration_no, profile.story_en, profile.story_zh, created_at);
    assert_eq!(saved.status, MerchantStatus::Active, "a profile update must not change the status");
    assert_eq!(saved.owner_id, created.owner_id, "a profile update must not change the owner");
    assert!(saved.updated_at >= active.updated_at, "update_merchant must not move updated_at back");
    let read = store.merchant(created.id).await.must("merchant").must("merchant after update");
    assert_same_merchant("merchant after update_merchant", &saved, &read);

    let unknown = Merchant { id: MerchantId::new(), ..saved };
    match store.update_merchant(unknown).await {
        Err(StoreError::NotFound) => {}
        other => panic!("update_merchant of an unknown merchant: expected NotFound, got {:?}", other.map(|m| m.id)),
    }
}

/// `set_merchant_status` moves only from the expected status: `Stale` otherwise,
/// `NotFound` for an unknown merchant; of two racing decisions exactly one wins.
pub async fn merchants_status_is_conditional(store: &dyn Store) {
    let created = merchant(store).await;
    let id = created.id;

    let active = store.set_merchant_status(id, MerchantStatus::Pending, MerchantStatus::Active).await.must("approve");
    assert_eq!(active.status, MerchantStatus::Active, "approve: the returned status");
    assert!(active.updated_at > created.updated_at, "approve must move updated_at forward");
    assert_fields!("approve", created, active;
        id, owner_id, profile.legal_name, profile.display_name_en, profile.display_name_zh, profile.kind, profile.state, profile.city, profile.zip, profile.employees,
        profile.exported_before, profile.fulfilment, profile.food_registration_no, created_at);
    let read = store.merchant(id).await.must("merchant").must("merchant");
    assert_same_merchant("merchant after approve", &active, &read);

    assert_stale(
        store.set_merchant_status(id, MerchantStatus::Pending, MerchantStatus::Active).await,
        "a second approve from pending",
    );
    assert_stale(
        store.set_merchant_status(id, MerchantStatus::Pending, MerchantStatus::Rejected).await,
        "reject from pending after approval",
    );
    let read = store.merchant(id).await.must("merchant").must("merchant");
    assert_eq!(read.status, MerchantStatus::Active, "a stale transition changed the status");

    let suspended =
        store.set_merchant_status(id, MerchantStatus::Active, MerchantStatus::Suspended).await.must("suspend");
    assert_eq!(suspended.status, MerchantStatus::Suspended);
    let reinstated =
        store.set_merchant_status(id, MerchantStatus::Suspended, MerchantStatus::Active).await.must("reinstate");
    assert_eq!(reinstated.status, MerchantStatus::Active);

    assert_not_found(
        store.set_merchant_status(MerchantId::new(), MerchantStatus::Pending, MerchantStatus::Active).await,
        "set_merchant_status of an unknown merchant",
    );

    // Two operators decide on the same pending merchant at once.
    let contested = merchant(store).await;
    let decisions = join_all(vec![
        store.set_merchant_status(contested.id, MerchantStatus::Pending, MerchantStatus::Active),
        store.set_merchant_status(contested.id, MerchantStatus::Pending, MerchantStatus::Rejected),
    ])
    .await;
    let winners: Vec<MerchantStatus> = decisions.iter().filter_map(|r| r.as_ref().ok().map(|m| m.status)).collect();
    let stale = decisions.iter().filter(|r| matches!(r, Err(StoreError::Stale))).count();
    assert_eq!(
        (winners.len(), stale),
        (1, 1),
        "two racing decisions: expected one success and one Stale, got {:?}",
        decisions.iter().map(|r| r.as_ref().map(|m| m.status)).collect::<Vec<_>>()
    );
    let read = store.merchant(contested.id).await.must("merchant").must("merchant");
    assert_eq!(read.status, winners[0], "the stored status is not the winning decision");
}

/// `list_merchants` filters by status and pages by id with a keyset cursor.
pub async fn merchants_list_filters_and_pages(store: &dyn Store) {
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(merchant(store).await.id.as_uuid());
    }
    let ids = sorted(ids);
    for approved in [ids[1], ids[3]] {
        store
            .set_merchant_status(MerchantId::from_uuid(approved), MerchantStatus::Pending, MerchantStatus::Active)
            .await
            .must("approve");
    }

    let pages = walk_pages(
        "list_merchants(all, limit 2)",
        2,
        |m: &Merchant| m.id.as_uuid(),
        |request| store.list_merchants(None, request),
    )
    .await;
    assert_eq!(
        pages,
        vec![vec![ids[0], ids[1]], vec![ids[2], ids[3]], vec![ids[4]]],
        "list_merchants(all, limit 2): pages of 2, 2, 1 in id order"
    );

    for limit in [5, 6, 100] {
        let all = store.list_merchants(None, page(None, limit)).await.must("list_merchants");
        let got: Vec<Uuid> = all.items.iter().map(|m| m.id.as_uuid()).collect();
        assert_eq!(got, ids, "list_merchants(all, limit {limit})");
        assert_eq!(all.next, None, "list_merchants(all, limit {limit}) is one page and has no next");
    }

    let active = store.list_merchants(Some(MerchantStatus::Active), page(None, 10)).await.must("list active");
    assert_eq!(active.items.iter().map(|m| m.id.as_uuid()).collect::<Vec<_>>(), vec![ids[1], ids[3]], "active");
    assert!(active.items.iter().all(|m| m.status == MerchantStatus::Active));
    assert_eq!(active.next, None);

    let pending = walk_pages(
        "list_merchants(pending, limit 2)",
        2,
        |m: &Merchant| m.id.as_uuid(),
        |request| store.list_merchants(Some(MerchantStatus::Pending), request),
    )
    .await;
    assert_eq!(pending, vec![vec![ids[0], ids[2]], vec![ids[4]]], "list_merchants(pending, limit 2)");

    let rejected = store.list_merchants(Some(MerchantStatus::Rejected), page(None, 10)).await.must("list rejected");
    assert!(rejected.items.is_empty() && rejected.next.is_none(), "no merchant is rejected");

    let after_last = store.list_merchants(None, page(Some(ids[4]), 2)).await.must("list after the last id");
    assert!(after_last.items.is_empty() && after_last.next.is_none(), "nothing comes after the last id");
}

// ---------------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------------

/// The eight tax classes of SPEC 3, in order, with their exact rates.
pub async fn tax_classes_are_seeded(store: &dyn Store) {
    // (code, VAT, CT, CT threshold per g/ml and per piece in fen, MFN duty, food, positive list)
    type Row = (&'static str, i64, i64, Option<(i64, i64)>, i64, bool, bool);
    let expected: [Row; 8] = [
        ("agri", 90_000, 0, None, 150_000, true, true),
        ("food", 130_000, 0, None, 150_000, true, true),
        ("wine", 130_000, 100_000, None, 140_000, true, true),
        ("cosmetics", 130_000, 150_000, Some((1000, 1500)), 10_000, false, true),
        ("apparel", 130_000, 0, None, 70_000, false, true),
        ("household", 130_000, 0, None, 80_000, false, true),
        ("electronics", 130_000, 0, None, 0, false, true),
        ("meat", 90_000, 0, None, 120_000, true, false),
    ];
    let classes = store.tax_classes().await.must("tax_classes");
    let codes: Vec<&str> = classes.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, expected.iter().map(|row| row.0).collect::<Vec<_>>(), "tax class codes in order");

    for (class, (code, vat, ct, threshold, mfn, food, positive)) in classes.iter().zip(expected) {
        let got = (
            class.vat_ppm,
            class.ct_ppm,
            class.ct_threshold.map(|t| (t.per_g_or_ml.minor(), t.per_piece.minor())),
            class.mfn_duty_ppm,
            class.food,
            class.positive_list,
        );
        assert_eq!(
            got,
            (vat, ct, threshold, mfn, food, positive),
            "tax class {code}: (vat, ct, threshold fen, mfn, food, positive_list)"
        );
        assert!(!class.name_en.is_empty() && !class.name_zh.is_empty(), "tax class {code} needs both names");
        let one = store.tax_class(code).await.must("tax_class").must(&format!("tax_class({code})"));
        assert_eq!(&one, class, "tax_class({code}) differs from its row in tax_classes()");
    }
    assert!(store.tax_class("tobacco").await.must("tax_class(unknown)").is_none());
    assert!(store.tax_class("AGRI").await.must("tax_class(AGRI)").is_none(), "tax class codes are exact");
}

/// Every field of a product survives the round trip, including its listing problems
/// (as the listing check produces them, and with quotes and Chinese), its status and
/// its merchant's status.
pub async fn products_round_trip(store: &dyn Store) {
    let m = merchant(store).await;
    let meat = store.tax_class("meat").await.must("tax_class").must("tax_class(meat)");
    let mut problems = listing_check(&ListingFacts {
        class: &meat,
        entry: None,
        hs_code: "0210199000",
        merchant_has_food_registration: false,
        fulfilment: m.profile.fulfilment,
    });
    assert_eq!(problems.len(), 2, "meat without a registration has two listing problems");
    problems.push(ListingProblem {
        code: "custom".into(),
        field: "title_zh".into(),
        message: "a \"quoted\" \\ message".into(),
        message_zh: "含有\"引号\"、反斜杠 \\ 和换行\n的说明".into(),
    });
    let new = NewProduct {
        fields: ProductFields {
            tax_class: "meat".into(),
            hs_code: "0210199000".into(),
            status: ProductStatus::Blocked,
            problems,
            ..product_fields("PGA-BACON-1LB", ProductStatus::Blocked)
        },
        ..new_product(m.id, "unused", ProductStatus::Blocked)
    };
    let created = store.create_product(new.clone()).await.must("create_product");
    assert_new_product("create_product's result", &new, &created);
    assert_eq!(created.version, 1, "a new product is version 1");
    assert_eq!(created.updated_at, new.created_at, "a new product's updated_at is its created_at");
    assert_eq!(created.merchant_status, MerchantStatus::Pending, "the merchant's status is read with the product");

    let read = store.product(new.id).await.must("product").must("product(id)");
    assert_same_product("product(id)", &created, &read);

    let bare = NewProduct {
        fields: ProductFields {
            title_zh: None,
            description_zh: None,
            tax_class: "cosmetics".into(),
            hs_code: "33049900".into(),
            origin_country: "CA".into(),
            price: Usd::from_minor(1),
            weight_g: 1,
            net_content_milli: 3_000,
            net_content_unit: ContentUnit::Piece,
            stock: 0,
            status: ProductStatus::Listed,
            problems: Vec::new(),
            ..product_fields("LIP-BALM", ProductStatus::Listed)
        },
        ..new_product(m.id, "unused", ProductStatus::Listed)
    };
    store.create_product(bare.clone()).await.must("create_product without optional fields");
    let read = store.product(bare.id).await.must("product").must("product(id)");
    assert_new_product("a product without optional fields", &bare, &read);

    for (i, (unit, status)) in [
        (ContentUnit::Gram, ProductStatus::Delisted),
        (ContentUnit::Millilitre, ProductStatus::Listed),
        (ContentUnit::Piece, ProductStatus::Blocked),
    ]
    .into_iter()
    .enumerate()
    {
        let new = NewProduct {
            fields: ProductFields {
                net_content_unit: unit,
                price: Usd::from_minor(10_000_000),
                stock: 100_000_000,
                ..product_fields(&format!("VAR-{i}"), status)
            },
            ..new_product(m.id, "unused", status)
        };
        store.create_product(new.clone()).await.must("create_product");
        let read = store.product(new.id).await.must("product").must("product(id)");
        assert_new_product(&format!("a product in {unit} and {status}"), &new, &read);
    }

    assert!(store.product(ProductId::new()).await.must("product(unknown)").is_none());
    let orphan = new_product(MerchantId::new(), "ORPHAN", ProductStatus::Listed);
    must_fail(store.create_product(orphan.clone()).await, "a product of an unknown merchant");
    assert!(store.product(orphan.id).await.must("product").is_none());
    let unclassed = NewProduct {
        fields: ProductFields { tax_class: "tobacco".into(), ..product_fields("CIGAR", ProductStatus::Listed) },
        ..new_product(m.id, "unused", ProductStatus::Listed)
    };
    must_fail(store.create_product(unclassed.clone()).await, "a product of an unknown tax class");
    assert!(store.product(unclassed.id).await.must("product").is_none());
}

/// A SKU is unique per merchant (`Conflict("sku")`, on create and on update) but
/// two merchants may use the same one.
pub async fn products_sku_is_unique_per_merchant(store: &dyn Store) {
    let a = merchant(store).await;
    let b = merchant(store).await;
    let first = new_product(a.id, "PGA-HONEY-500", ProductStatus::Listed);
    store.create_product(first.clone()).await.must("the first product");

    let twin = new_product(a.id, "PGA-HONEY-500", ProductStatus::Listed);
    assert_conflict(store.create_product(twin.clone()).await, "sku", "the same SKU for the same merchant");
    assert!(store.product(twin.id).await.must("product").is_none(), "the conflicting product was stored");

    let other = new_product(b.id, "PGA-HONEY-500", ProductStatus::Listed);
    let created = store.create_product(other.clone()).await.must("the same SKU for another merchant");
    assert_new_product("the same SKU for another merchant", &other, &created);

    let second = new_product(a.id, "PGA-HONEY-250", ProductStatus::Listed);
    let second = store.create_product(second).await.must("a second SKU");
    let mut renamed = second.clone();
    renamed.fields.sku = "PGA-HONEY-500".into();
    assert_conflict(store.update_product(renamed).await, "sku", "renaming a product to a taken SKU");
    let read = store.product(second.id).await.must("product").must("product");
    assert_same_product("the product after a conflicting rename", &second, &read);
}

/// `update_product` saves every field, bumps the version and moves `updated_at`;
/// an update over an older version is `Stale` and changes nothing.
pub async fn products_update_is_versioned(store: &dyn Store) {
    let m = merchant(store).await;
    let new = new_product(m.id, "PGA-HONEY-500", ProductStatus::Listed);
    let original = store.create_product(new).await.must("create_product");
    let read = store.product(original.id).await.must("product").must("product");

    let mut edit = read.clone();
    edit.fields = ProductFields {
        sku: "PGA-HONEY-1KG".into(),
        title_en: "Raw honey, 1 kg".into(),
        title_zh: None,
        description_en: "Now in a bigger jar.".into(),
        description_zh: Some("更大的罐子。".into()),
        tax_class: "food".into(),
        hs_code: "04090000".into(),
        origin_country: "CA".into(),
        price: Usd::from_minor(2450),
        weight_g: 1_100,
        net_content_milli: 950_500,
        net_content_unit: ContentUnit::Millilitre,
        stock: 0,
        status: ProductStatus::Delisted,
        problems: vec![ListingProblem {
            code: "food_registration_missing".into(),
            field: "tax_class".into(),
            message: "needs a registration".into(),
            message_zh: "需要注册编号".into(),
        }],
        annual_cap: Some(AnnualCap { hs_prefix: "0409".into(), grams: 2_500 }),
    };
    let updated = store.update_product(edit.clone()).await.must("update_product");
    assert_eq!(updated.version, read.version + 1, "update_product must bump the version");
    assert_fields_of_product("update_product's result", &edit.fields, &updated.fields);
    assert_fields!("update_product's result", read, updated; id, merchant_id, merchant_status, created_at);
    assert!(updated.updated_at > read.updated_at, "update_product must move updated_at forward");
    let stored = store.product(read.id).await.must("product").must("product");
    assert_same_product("product after update", &updated, &stored);

    let mut stale = read.clone();
    stale.fields.title_en = "A lost edit".into();
    assert_stale(store.update_product(stale).await, "update_product over version 1 after it became 2");
    let stored = store.product(read.id).await.must("product").must("product");
    assert_same_product("product after a stale update", &updated, &stored);

    let mut again = updated.clone();
    again.fields.stock = 5;
    again.fields.status = ProductStatus::Listed;
    again.fields.problems.clear();
    let third = store.update_product(again.clone()).await.must("update_product from the new version");
    assert_eq!(third.version, 3, "the third version");
    assert_fields_of_product("the third version", &again.fields, &third.fields);

    let mut ghost = third.clone();
    ghost.id = ProductId::new();
    assert_not_found(store.update_product(ghost).await, "update_product of an unknown product");
}

/// `for_sale()` is true only for a listed product of an active merchant, whenever
/// the product is read (`create_product`, `product`, `update_product`, listings).
pub async fn products_for_sale_follows_merchant_status(store: &dyn Store) {
    let m = merchant(store).await;
    let listed = store.create_product(new_product(m.id, "LISTED", ProductStatus::Listed)).await.must("create");
    let blocked = store.create_product(new_product(m.id, "BLOCKED", ProductStatus::Blocked)).await.must("create");
    let delisted = store.create_product(new_product(m.id, "DELISTED", ProductStatus::Delisted)).await.must("create");
    assert!(!listed.for_sale(), "a listed product of a pending merchant is not for sale");

    let merchant_id = m.id;
    // The tracked products that `product(id)` calls for sale, checked against the
    // merchant's for-sale listing.
    let for_sale = move |tracked: Vec<ProductId>| async move {
        let mut ids = Vec::new();
        for id in tracked {
            let product = store.product(id).await.must("product").must("product");
            if product.for_sale() {
                ids.push(id);
            }
        }
        let listing = store.list_products(merchant_id, true, page(None, 10)).await.must("list_products(for sale)");
        let listed_ids: Vec<ProductId> = listing.items.iter().map(|p| p.id).collect();
        assert!(listing.items.iter().all(Product::for_sale), "list_products(for sale) returned one not for sale");
        assert_eq!(ids, listed_ids, "product(..).for_sale() and list_products(for sale) disagree");
        ids
    };
    let tracked = vec![listed.id, blocked.id, delisted.id];

    assert_eq!(for_sale(tracked.clone()).await, vec![], "merchant pending");
    store.set_merchant_status(m.id, MerchantStatus::Pending, MerchantStatus::Active).await.must("approve");
    assert_eq!(for_sale(tracked.clone()).await, vec![listed.id], "merchant active");
    let read = store.product(listed.id).await.must("product").must("product");
    assert_eq!(read.merchant_status, MerchantStatus::Active);

    let mut relist = store.product(delisted.id).await.must("product").must("product");
    relist.fields.status = ProductStatus::Listed;
    let relisted = store.update_product(relist).await.must("relist");
    assert!(relisted.for_sale(), "update_product's result reads the merchant's status");
    let fresh = store.create_product(new_product(m.id, "FRESH", ProductStatus::Listed)).await.must("create");
    assert!(fresh.for_sale(), "create_product's result reads the merchant's status");

    store.set_merchant_status(m.id, MerchantStatus::Active, MerchantStatus::Suspended).await.must("suspend");
    let tracked = vec![listed.id, blocked.id, delisted.id, fresh.id];
    assert_eq!(for_sale(tracked.clone()).await, vec![], "merchant suspended");
    let read = store.product(listed.id).await.must("product").must("product");
    assert_eq!(read.merchant_status, MerchantStatus::Suspended);
    store.set_merchant_status(m.id, MerchantStatus::Suspended, MerchantStatus::Active).await.must("reinstate");
    assert_eq!(for_sale(tracked).await, vec![listed.id, delisted.id, fresh.id], "merchant reinstated");
}

/// `list_products` keeps to one merchant, filters what is for sale and pages by id.
pub async fn products_list_filters_and_pages(store: &dyn Store) {
    let a = merchant(store).await;
    let b = merchant(store).await;
    let statuses = [
        ProductStatus::Listed,
        ProductStatus::Blocked,
        ProductStatus::Listed,
        ProductStatus::Delisted,
        ProductStatus::Listed,
    ];
    let mut created = Vec::new();
    for (i, status) in statuses.into_iter().enumerate() {
        let product = store.create_product(new_product(a.id, &format!("A-{i}"), status)).await.must("create");
        created.push(product);
    }
    for i in 0..2 {
        store.create_product(new_product(b.id, &format!("B-{i}"), ProductStatus::Listed)).await.must("create");
    }
    store.set_merchant_status(a.id, MerchantStatus::Pending, MerchantStatus::Active).await.must("approve a");
    created.sort_by_key(|p| p.id);
    let all: Vec<Uuid> = created.iter().map(|p| p.id.as_uuid()).collect();
    let listed: Vec<Uuid> =
        created.iter().filter(|p| p.fields.status == ProductStatus::Listed).map(|p| p.id.as_uuid()).collect();
    assert_eq!(listed.len(), 3);

    let pages = walk_pages(
        "list_products(a, all, limit 2)",
        2,
        |p: &Product| p.id.as_uuid(),
        |request| store.list_products(a.id, false, request),
    )
    .await;
    assert_eq!(pages, vec![all[0..2].to_vec(), all[2..4].to_vec(), all[4..].to_vec()], "pages of 2, 2, 1");

    let pages = walk_pages(
        "list_products(a, for sale, limit 2)",
        2,
        |p: &Product| p.id.as_uuid(),
        |request| store.list_products(a.id, true, request),
    )
    .await;
    assert_eq!(pages, vec![listed[0..2].to_vec(), listed[2..].to_vec()], "for sale: pages of 2, 1");

    let whole = store.list_products(a.id, false, page(None, 5)).await.must("list_products(limit 5)");
    assert_eq!(whole.next, None, "five products fit a page of five");
    for (expected, got) in created.iter().zip(&whole.items) {
        let mut expected = expected.clone();
        expected.merchant_status = MerchantStatus::Active;
        assert_same_product("an item of list_products", &expected, got);
    }

    let b_for_sale = store.list_products(b.id, true, page(None, 10)).await.must("list_products(b, for sale)");
    assert!(b_for_sale.items.is_empty(), "a pending merchant has nothing for sale");
    let b_all = store.list_products(b.id, false, page(None, 10)).await.must("list_products(b, all)");
    assert_eq!(b_all.items.len(), 2, "merchant b's own products");
    assert!(b_all.items.iter().all(|p| p.merchant_id == b.id), "list_products leaked another merchant's products");
    let none = store.list_products(MerchantId::new(), false, page(None, 10)).await.must("list_products(unknown)");
    assert!(none.items.is_empty() && none.next.is_none());
}

/// Each create and update writes one outbox event in the same transaction: topic,
/// aggregate id, time and payload; failed writes leave none.
pub async fn products_write_outbox_events(store: &dyn Store) {
    let product_events = move || async move {
        let events = store.pending_outbox(1000).await.must("pending_outbox");
        events.into_iter().filter(|e| e.topic.starts_with("product.")).collect::<Vec<_>>()
    };
    assert!(product_events().await.is_empty(), "a fresh store has no product events");

    let m = merchant(store).await;
    let p1 = store.create_product(new_product(m.id, "ONE", ProductStatus::Listed)).await.must("create one");
    let p2 = store.create_product(new_product(m.id, "TWO", ProductStatus::Blocked)).await.must("create two");
    let mut edit = p1.clone();
    edit.fields.stock = 3;
    edit.fields.status = ProductStatus::Delisted;
    let p1v2 = store.update_product(edit).await.must("update one");

    // Failed writes roll their event back with them.
    assert_conflict(
        store.create_product(new_product(m.id, "ONE", ProductStatus::Listed)).await,
        "sku",
        "a duplicate SKU",
    );
    assert_stale(store.update_product(p1.clone()).await, "a stale update");

    let events = product_events().await;
    let summary: Vec<(String, Uuid)> = events.iter().map(|e| (e.topic.clone(), e.aggregate_id)).collect();
    assert_eq!(
        summary,
        vec![
            ("product.created".to_string(), p1.id.as_uuid()),
            ("product.created".to_string(), p2.id.as_uuid()),
            ("product.updated".to_string(), p1.id.as_uuid()),
        ],
        "outbox events (topic, aggregate_id), oldest first"
    );
    assert!(events.windows(2).all(|w| w[0].id < w[1].id), "outbox ids increase");
    assert_eq!(events[0].created_at, p1.created_at, "product.created is stamped with the product's created_at");
    assert_eq!(events[2].created_at, p1v2.updated_at, "product.updated is stamped with the product's updated_at");

    for (event, product) in events.iter().zip([&p1, &p2, &p1v2]) {
        let payload: serde_json::Value = match serde_json::from_str(&event.payload) {
            Ok(value) => value,
            Err(error) => panic!("outbox payload {:?} is not JSON: {error}", event.payload),
        };
        assert_eq!(payload["product_id"], product.id.to_string(), "payload.product_id of {}", event.topic);
        assert_eq!(payload["status"], product.fields.status.as_str(), "payload.status of {}", event.topic);
        assert_eq!(payload["stock"], product.fields.stock, "payload.stock of {}", event.topic);
    }

    let first_two = store.pending_outbox(2).await.must("pending_outbox(2)");
    assert_eq!(first_two.len(), 2, "pending_outbox honours its limit");
    assert_eq!(first_two[0].id, events[0].id, "pending_outbox is oldest first");
}

/// Twenty concurrent updates from the same read version: exactly one wins, the
/// others are `Stale`, and the stored product and outbox show the winner only.
pub async fn products_concurrent_updates_one_wins(store: &dyn Store) {
    const WRITERS: i64 = 20;
    let m = merchant(store).await;
    let created = store.create_product(new_product(m.id, "RACE", ProductStatus::Listed)).await.must("create");
    let read = store.product(created.id).await.must("product").must("product");

    let updates: Vec<BoxFuture<'_, StoreResult<Product>>> = (0..WRITERS)
        .map(|i| {
            let mut edit = read.clone();
            edit.fields.stock = 100 + i;
            edit.fields.title_en = format!("Writer {i}");
            store.update_product(edit)
        })
        .collect();
    let results = join_all(updates).await;

    let winners: Vec<&Product> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    let others: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .filter(|e| !matches!(e, StoreError::Stale))
        .map(|e| format!("{e:?}"))
        .collect();
    assert!(others.is_empty(), "concurrent updates failed with errors other than Stale: {others:?}");
    assert_eq!(winners.len(), 1, "{WRITERS} concurrent updates from version 1: {} succeeded", winners.len());
    let winner = winners[0];
    assert_eq!(winner.version, 2, "the winner wrote version 2");

    let stored = store.product(read.id).await.must("product").must("product");
    assert_same_product("the stored product after the race", winner, &stored);

    let events = store.pending_outbox(1000).await.must("pending_outbox");
    let updated = events.iter().filter(|e| e.topic == "product.updated" && e.aggregate_id == read.id.as_uuid()).count();
    assert_eq!(updated, 1, "one successful update, one product.updated event");
}

/// Servers share the outbox's deliveries: two workers claiming at once get disjoint
/// events, oldest first; a claim that ran out is taken again; only the holder of an
/// event's claim completes it; the backlog counts what is left.
pub async fn outbox_claims_share_events_between_workers(store: &dyn Store) {
    let m = merchant(store).await;
    for i in 0..6 {
        store.create_product(new_product(m.id, &format!("Q{i}"), ProductStatus::Listed)).await.must("create");
    }
    let total = store.pending_outbox(1000).await.must("pending_outbox").len();
    assert!(total >= 6, "six products, six events at least: {total}");
    assert_eq!(store.outbox_backlog().await.must("backlog") as usize, total, "the backlog before any claim");

    let now = t0();
    let until = now + TimeDelta::seconds(60);
    let claims: Vec<BoxFuture<'_, StoreResult<Vec<gateway_store::OutboxEvent>>>> =
        vec![store.claim_outbox("a", 3, now, until), store.claim_outbox("b", 3, now, until)];
    let mut claims = join_all(claims).await.into_iter();
    let a: Vec<i64> = claims.next().must("a").must("claim a").iter().map(|e| e.id).collect();
    let b: Vec<i64> = claims.next().must("b").must("claim b").iter().map(|e| e.id).collect();
    assert_eq!((a.len(), b.len()), (3, 3), "each worker gets its three");
    assert!(a.iter().all(|id| !b.contains(id)), "two workers claimed the same event: {a:?} and {b:?}");
    assert!(a.windows(2).all(|w| w[0] < w[1]) && b.windows(2).all(|w| w[0] < w[1]), "claims are oldest first");
    let c: Vec<i64> = store.claim_outbox("c", 1000, now, until).await.must("claim c").iter().map(|e| e.id).collect();
    assert_eq!(c.len(), total - 6, "c gets what neither holds");
    assert!(store.claim_outbox("d", 1000, now, until).await.must("claim d").is_empty(), "nothing is free to claim");

    assert_eq!(store.complete_outbox("b", &a, now).await.must("b completes a's"), 0, "only the holder completes");
    assert_eq!(store.complete_outbox("a", &a, now).await.must("a completes"), 3, "the holder completes its own");
    assert_eq!(store.outbox_backlog().await.must("backlog") as usize, total - 3, "the backlog after a's three");

    // b and c die: after their lease, d takes their events, and b can no longer complete.
    let later = until + TimeDelta::milliseconds(1);
    let mut d: Vec<i64> = store
        .claim_outbox("d", 1000, later, later + TimeDelta::seconds(60))
        .await
        .must("claim d after the lease")
        .iter()
        .map(|e| e.id)
        .collect();
    d.sort_unstable();
    let mut expired: Vec<i64> = b.iter().chain(&c).copied().collect();
    expired.sort_unstable();
    assert_eq!(d, expired, "the expired claims are taken again, and no completed event");
    assert_eq!(
        store.complete_outbox("b", &b, later).await.must("b completes late"),
        0,
        "a lost claim completes nothing"
    );
    assert_eq!(store.complete_outbox("d", &d, later).await.must("d completes") as usize, total - 3);
    assert_eq!(store.outbox_backlog().await.must("backlog"), 0, "everything processed");
    assert!(store.pending_outbox(1000).await.must("pending_outbox").is_empty(), "no pending event is left");
}

// ---------------------------------------------------------------------------------
// FX and the store as a whole
// ---------------------------------------------------------------------------------

/// No rate at first; after two, the current one is the one set last.
pub async fn fx_current_rate_is_the_latest(store: &dyn Store) {
    assert_eq!(store.current_fx_rate().await.must("current_fx_rate"), None, "a fresh store has no FX rate");
    let operator = user(store, Role::Operator).await;
    let rate = |micros: i64| match FxRate::from_micros(micros) {
        Ok(rate) => rate,
        Err(error) => panic!("test rate {micros}: {error}"),
    };

    let head = store.outbox_head().await.must("outbox_head");
    let first = store.set_fx_rate(rate(7_100_000), operator.id, t0()).await.must("set_fx_rate");
    assert_eq!((first.rate.micros(), first.as_of), (7_100_000, t0()), "set_fx_rate's result");
    assert_eq!(store.current_fx_rate().await.must("current_fx_rate"), Some(first), "after one rate");

    let later = t0() + TimeDelta::hours(1) + TimeDelta::microseconds(1);
    let second = store.set_fx_rate(rate(7_254_321), operator.id, later).await.must("set_fx_rate");
    let current = store.current_fx_rate().await.must("current_fx_rate").must("current_fx_rate");
    assert_eq!((current.rate.micros(), current.as_of), (7_254_321, later), "the current rate is the latest");
    assert_eq!(current, second);
    assert_eq!(
        reference_events(store, head).await,
        vec![
            (gateway_store::FX_RATE_SET.to_string(), serde_json::json!({ "rate": "7.1" })),
            (gateway_store::FX_RATE_SET.to_string(), serde_json::json!({ "rate": "7.254321" })),
        ],
        "each rate announces itself, so that every server drops its copy"
    );
}

/// Pristine on a fresh store and with only the operator; not once anyone else
/// has an account.
pub async fn pristine_until_a_non_operator_signs_up(store: &dyn Store) {
    store.ping().await.must("ping");
    assert!(matches!(store.backend(), "sqlite" | "postgres"), "backend() is {:?}", store.backend());
    assert!(store.is_pristine().await.must("is_pristine"), "a fresh store is pristine");

    let operator = new_user("ops@example.com", Role::Operator);
    assert!(store.create_first_operator(operator).await.must("create_first_operator"));
    assert!(store.is_pristine().await.must("is_pristine"), "the operator alone keeps the store pristine");

    user(store, Role::Consumer).await;
    assert!(!store.is_pristine().await.must("is_pristine"), "a consumer account ends pristine");
}
