//! Buyer matchmaking's scenarios (`SourcingStore`): a request is stored once with its
//! matches, their notifications and outbox events; threads keep their messages in
//! order; each side's acceptance is recorded once and separately.

use super::impact::utc;
use super::*;
use chrono::NaiveDate;
use gateway_core::sourcing::{
    BuyerContact, BuyerKind, BuyerProfile, MatchReason, OfferTerms, RequestLanguage, RequestStatus, Side,
    SourcingRequestDraft,
};
use gateway_core::{Cny, MessageId, SourcingRequestId};
use gateway_store::{NewMatch, NewSourcingRequest, NotificationKind, RequestScope, SourcingOffer, ThreadMessage};

fn profile(company: &str) -> BuyerProfile {
    BuyerProfile {
        company_name: company.into(),
        kind: BuyerKind::Importer,
        province: "上海".into(),
        city: "上海".into(),
        contact: BuyerContact {
            person: "王丽".into(),
            phone: "+86 138 0000 0000".into(),
            email: "wang.li@example.cn".into(),
            wechat_id: Some("wangli_trade".into()),
        },
    }
}

fn draft() -> SourcingRequestDraft {
    SourcingRequestDraft {
        title: "求购野花蜂蜜 500罐".into(),
        details: Some("每罐500克".into()),
        language: RequestLanguage::Zh,
        quantity: 500,
        unit: "罐".into(),
        target_unit_price: Some(Cny::from_minor(8_000)),
        needed_by: NaiveDate::from_ymd_opt(2027, 3, 1).must("a date"),
        tax_class: Some("agri".into()),
        preferred_states: vec![state("MI"), state("WI")],
    }
}

fn new_request(buyer: UserId, at: &str) -> NewSourcingRequest {
    NewSourcingRequest { id: SourcingRequestId::new(), buyer_id: buyer, draft: draft(), created_at: utc(at) }
}

fn new_match(m: &Merchant, score: i64, reasons: Vec<MatchReason>) -> NewMatch {
    NewMatch { merchant_id: m.id, notify: m.owner_id, score, reasons }
}

type MatchSummary = (MerchantId, i64, i64, Vec<MatchReason>);

async fn assert_matches(store: &dyn Store, id: SourcingRequestId, expected: &[MatchSummary], step: &str) {
    let got = store.sourcing_matches(id).await.must(step);
    let summary: Vec<MatchSummary> =
        got.iter().map(|m| (m.merchant_id, m.position, m.score, m.reasons.clone())).collect();
    assert_eq!(summary, expected, "{step}: matches in the order given, with scores and reasons");
    assert!(got.iter().all(|m| m.buyer_accepted_at.is_none() && m.merchant_accepted_at.is_none()), "{step}");
}

async fn matched_topics(store: &dyn Store) -> Vec<Uuid> {
    let events = store.pending_outbox(1000).await.must("pending_outbox");
    events.into_iter().filter(|e| e.topic == "sourcing.matched").map(|e| e.aggregate_id).collect()
}

/// Buyer profiles upsert (keeping created_at); a request is stored with its matches
/// in the order given, one notification and one `sourcing.matched` event per
/// merchant; the same id again is `Conflict` and changes nothing; a merchant listed
/// twice rolls the whole request back; lists by buyer, merchant and all; closing is
/// conditional.
pub async fn sourcing_requests_are_matched_once(store: &dyn Store) {
    let buyer = user(store, Role::Consumer).await;
    assert!(store.buyer_profile(buyer.id).await.must("no profile yet").is_none());
    let first = store.save_buyer_profile(buyer.id, profile("蜜源贸易"), utc("2026-11-01T08:00:00Z")).await.must("save");
    let again = store
        .save_buyer_profile(buyer.id, profile("上海蜜源贸易有限公司"), utc("2026-11-02T08:00:00.5Z"))
        .await
        .must("save again");
    assert_eq!(again.created_at, first.created_at, "an update keeps created_at");
    assert_eq!(again.updated_at, utc("2026-11-02T08:00:00.5Z"));
    let read = store.buyer_profile(buyer.id).await.must("read").must("the profile");
    assert_eq!(read, again, "buyer profile round trip");

    let honey = merchant(store).await;
    let clover = merchant(store).await;
    let cherries = merchant(store).await;
    let request = new_request(buyer.id, "2026-12-01T09:00:00.123456Z");
    let id = request.id;
    let matches = vec![
        new_match(&clover, 910, vec![MatchReason::Relevance, MatchReason::Class, MatchReason::State]),
        new_match(&honey, 700, vec![MatchReason::Relevance]),
    ];
    let stored = store.create_sourcing_request(request.clone(), matches.clone()).await.must("create");
    assert_eq!(
        (stored.id, stored.buyer_id, &stored.draft, stored.status),
        (id, buyer.id, &draft(), RequestStatus::Open),
        "the request reads back whole"
    );
    assert_eq!(stored.created_at, utc("2026-12-01T09:00:00.123456Z"));

    let expected = vec![
        (clover.id, 1, 910, vec![MatchReason::Relevance, MatchReason::Class, MatchReason::State]),
        (honey.id, 2, 700, vec![MatchReason::Relevance]),
    ];
    assert_matches(store, id, &expected, "matches").await;
    for m in [&clover, &honey] {
        let inbox = store.notifications(m.owner_id, 10).await.must("inbox");
        assert_eq!(inbox.len(), 1, "one notification per matched merchant");
        assert_eq!(
            (inbox[0].kind, inbox[0].request_id, inbox[0].merchant_id, inbox[0].request_title.as_str()),
            (NotificationKind::SourcingMatched, id, Some(m.id), "求购野花蜂蜜 500罐")
        );
        assert_eq!(store.unread_notifications(m.owner_id).await.must("unread"), 1);
    }
    assert!(store.notifications(cherries.owner_id, 10).await.must("not matched").is_empty());
    let mut events = matched_topics(store).await;
    events.sort();
    assert_eq!(events, sorted(vec![clover.id.as_uuid(), honey.id.as_uuid()]), "one sourcing.matched per merchant");

    // The same request again: a conflict, and nothing doubled.
    assert_conflict(store.create_sourcing_request(request, matches).await, "sourcing_request", "create again");
    assert_matches(store, id, &expected, "matches after the conflict").await;
    assert_eq!(store.unread_notifications(honey.owner_id).await.must("unread after"), 1);
    assert_eq!(matched_topics(store).await.len(), 2, "no event doubled");

    // A merchant listed twice: the whole request is rolled back.
    let twice = new_request(buyer.id, "2026-12-01T10:00:00Z");
    let twice_id = twice.id;
    let dup = vec![new_match(&cherries, 500, vec![MatchReason::Relevance]); 2];
    assert_conflict(store.create_sourcing_request(twice, dup).await, "merchant", "a merchant twice");
    assert!(store.sourcing_request(twice_id).await.must("rolled back").is_none(), "nothing of it stored");
    assert!(store.notifications(cherries.owner_id, 10).await.must("inbox").is_empty(), "no notification either");

    // A second request, matched to no one; lists newest first.
    let later = store.create_sourcing_request(new_request(buyer.id, "2026-12-01T11:00:00Z"), vec![]).await.must("2nd");
    let other_buyer = user(store, Role::Consumer).await;
    let ids = |page: Page<gateway_store::SourcingRequest>| page.items.iter().map(|r| r.id).collect::<Vec<_>>();
    let all = PageRequest { after: None, limit: 10 };
    assert_eq!(ids(store.sourcing_requests(RequestScope::Buyer(buyer.id), all).await.must("buyer")), [later.id, id]);
    assert!(ids(store.sourcing_requests(RequestScope::Buyer(other_buyer.id), all).await.must("other")).is_empty());
    assert_eq!(ids(store.sourcing_requests(RequestScope::Merchant(honey.id), all).await.must("merchant")), [id]);
    assert!(ids(store.sourcing_requests(RequestScope::Merchant(cherries.id), all).await.must("unmatched")).is_empty());
    let first_page = store.sourcing_requests(RequestScope::All, PageRequest { after: None, limit: 1 }).await.must("p1");
    let next = first_page.next;
    assert_eq!((ids(first_page), next), (vec![later.id], Some(later.id.as_uuid())), "the first page of all");
    let second = PageRequest { after: next, limit: 1 };
    assert_eq!(ids(store.sourcing_requests(RequestScope::All, second).await.must("p2")), [id]);

    let closed = store.close_sourcing_request(id, utc("2026-12-02T00:00:00Z")).await.must("close");
    assert_eq!((closed.status, closed.updated_at), (RequestStatus::Closed, utc("2026-12-02T00:00:00Z")));
    assert_stale(store.close_sourcing_request(id, utc("2026-12-03T00:00:00Z")).await, "close again");
    assert_not_found(store.close_sourcing_request(SourcingRequestId::new(), t0()).await, "close unknown");
}

/// A thread's messages come back oldest first whoever wrote them; writing to a
/// thread that does not exist is `NotFound`; an offer is replaced (keeping its
/// created_at); each side's acceptance is kept once, the other side notified once;
/// marking read clears the count.
pub async fn sourcing_threads_keep_order_and_both_accept(store: &dyn Store) {
    let buyer = user(store, Role::Consumer).await;
    store.save_buyer_profile(buyer.id, profile("蜜源"), t0()).await.must("profile");
    let honey = merchant(store).await;
    let stranger = merchant(store).await;
    let request = new_request(buyer.id, "2026-12-01T09:00:00Z");
    let id = request.id;
    store.create_sourcing_request(request, vec![new_match(&honey, 600, vec![MatchReason::Relevance])]).await.must("c");

    let message = |side: Side, author: UserId, body: &str, at: &str| ThreadMessage {
        id: MessageId::new(),
        request_id: id,
        merchant_id: honey.id,
        side,
        author_id: author,
        body: body.into(),
        created_at: utc(at),
    };
    // Written out of time order, and two in the same microsecond.
    let written = [
        message(Side::Buyer, buyer.id, "你好，能供货吗？", "2026-12-01T10:00:00.000001Z"),
        message(Side::Merchant, honey.owner_id, "Yes, 500 jars by February.", "2026-12-01T10:05:00Z"),
        message(Side::Buyer, buyer.id, "好的", "2026-12-01T10:06:00Z"),
        message(Side::Merchant, honey.owner_id, "Labels in Chinese too.", "2026-12-01T10:06:00Z"),
    ];
    for m in [&written[1], &written[0], &written[2], &written[3]] {
        let notify = if m.side == Side::Buyer { honey.owner_id } else { buyer.id };
        assert_eq!(&store.add_thread_message(m.clone(), notify).await.must("add"), m);
    }
    let got = store.thread_messages(id, honey.id).await.must("messages");
    assert_eq!(got, written.to_vec(), "oldest first, ties in the order made");
    assert!(store.thread_messages(id, stranger.id).await.must("no thread").is_empty());
    let lost = ThreadMessage { merchant_id: stranger.id, ..written[0].clone() };
    assert_not_found(store.add_thread_message(lost, buyer.id).await, "a message outside any match");

    let terms =
        OfferTerms { unit_price: gateway_core::Usd::from_minor(475), quantity: 500, lead_time_days: 30, message: None };
    let offer = SourcingOffer {
        request_id: id,
        merchant_id: honey.id,
        terms: terms.clone(),
        created_at: utc("2026-12-01T11:00:00Z"),
        updated_at: utc("2026-12-01T11:00:00Z"),
    };
    store.save_offer(offer.clone(), buyer.id).await.must("offer");
    let revised_terms =
        OfferTerms { unit_price: gateway_core::Usd::from_minor(450), message: Some("Best price".into()), ..terms };
    let revised = SourcingOffer {
        terms: revised_terms.clone(),
        created_at: utc("2026-12-01T12:00:00Z"),
        updated_at: utc("2026-12-01T12:00:00Z"),
        ..offer.clone()
    };
    let saved = store.save_offer(revised, buyer.id).await.must("revise");
    assert_eq!((saved.terms.clone(), saved.created_at), (revised_terms, utc("2026-12-01T11:00:00Z")), "replaced");
    assert_eq!(store.sourcing_offers(id).await.must("offers"), vec![saved]);
    assert_not_found(
        store.save_offer(SourcingOffer { merchant_id: stranger.id, ..offer }, buyer.id).await,
        "an offer without a match",
    );

    let buyer_unread = store.unread_notifications(buyer.id).await.must("buyer unread");
    assert_eq!(buyer_unread, 4, "two messages and two offers notified the buyer");
    let accepted = store
        .accept_contacts(id, honey.id, Side::Buyer, honey.owner_id, utc("2026-12-01T13:00:00Z"))
        .await
        .must("buyer accepts");
    assert_eq!((accepted.buyer_accepted_at, accepted.merchant_accepted_at), (Some(utc("2026-12-01T13:00:00Z")), None));
    let again = store
        .accept_contacts(id, honey.id, Side::Buyer, honey.owner_id, utc("2026-12-01T14:00:00Z"))
        .await
        .must("buyer again");
    assert_eq!(again.buyer_accepted_at, Some(utc("2026-12-01T13:00:00Z")), "the first acceptance is kept");
    let both = store
        .accept_contacts(id, honey.id, Side::Merchant, buyer.id, utc("2026-12-01T15:00:00Z"))
        .await
        .must("merchant accepts");
    assert_eq!(
        (both.buyer_accepted_at, both.merchant_accepted_at),
        (Some(utc("2026-12-01T13:00:00Z")), Some(utc("2026-12-01T15:00:00Z")))
    );
    assert_not_found(
        store.accept_contacts(id, stranger.id, Side::Merchant, buyer.id, t0()).await,
        "accepting without a match",
    );
    let kinds: Vec<NotificationKind> =
        store.notifications(honey.owner_id, 10).await.must("inbox").iter().map(|n| n.kind).collect();
    assert_eq!(
        kinds,
        [
            NotificationKind::SourcingAccepted,
            NotificationKind::SourcingMessage,
            NotificationKind::SourcingMessage,
            NotificationKind::SourcingMatched
        ],
        "the merchant's inbox, newest first: accepted once"
    );
    assert_eq!(store.mark_notifications_read(honey.owner_id, t0()).await.must("read"), 4);
    assert_eq!(store.mark_notifications_read(honey.owner_id, t0()).await.must("read again"), 0);
    assert_eq!(store.unread_notifications(honey.owner_id).await.must("none unread"), 0);
    assert!(store.notifications(honey.owner_id, 10).await.must("inbox").iter().all(|n| n.read_at == Some(t0())));
    assert_eq!(store.user_email(buyer.id).await.must("email"), Some(buyer.email.clone()));
    assert_eq!(store.user_email(UserId::new()).await.must("no one"), None);
}
