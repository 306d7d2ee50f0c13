//! Wallet payments (`PaymentStore`): a pending checkout reserves stock and quota; the
//! wallet's news, applied under the payment's row lock, captures once or releases
//! once, and a success after a release records one refund; the payment job's tasks
//! are shared between workers without overlap.

use super::*;
use gateway_core::payment::{
    DeclarationStatus, PaymentCancelReason, PaymentDevice, PaymentEvent, PaymentMethod, PaymentReview, PaymentStatus,
    PaymentStep, RefundStatus,
};
use gateway_store::{CheckoutPayment, DeclarationUpdate, PaymentAction, PaymentNews, PaymentTaskKind};

fn pending(checkout: NewCheckout) -> NewCheckout {
    NewCheckout {
        provider: "alipay".into(),
        payment: CheckoutPayment::Pending {
            method: PaymentMethod::Alipay,
            device: PaymentDevice::Desktop,
            expires_at: checkout.created_at + TimeDelta::minutes(30),
            check_at: checkout.created_at + TimeDelta::minutes(3),
        },
        ..checkout
    }
}

fn news(payment: PaymentId, event: PaymentEvent, seconds: i64) -> PaymentNews {
    PaymentNews {
        payment_id: payment,
        event,
        provider_ref: Some("2026120711121280010018880000001".into()),
        at: at(seconds),
        declare_to: Some("ZONGSHU".into()),
    }
}

async fn apply(store: &dyn Store, news: PaymentNews, step: &str) -> (PaymentStep, gateway_store::PaymentRecord) {
    store.apply_payment_news(news).await.must(step).must(step)
}

/// Pending reserves; a success captures once and schedules each order's declaration;
/// repeats change nothing; a declaration's verdict is recorded.
pub async fn wallet_payment_captures_once_and_declares(store: &dyn Store) {
    let m = active_merchant(store).await;
    let honey = listed(store, m.id, "HONEY", 10, 1299).await;
    let jo = buyer(store).await;
    let checkout = pending(prepare(store, &jo, vec![new_order(m.id, &[(&honey, 3)])], at(100)).await);
    place_ok(store, &checkout, "a pending checkout").await;
    let order_id = checkout.orders[0].id;
    let placed = read_order(store, order_id, "the pending order").await;
    assert_eq!(placed.status, OrderStatus::AwaitingPayment, "the order waits for its payment");
    assert_eq!(placed.payment_method, PaymentMethod::Alipay);
    assert_eq!(read_product(store, honey.id).await.fields.stock, 7, "the stock is reserved");
    assert_eq!(store.quota_used(&jo.hash, YEAR).await.must("quota").minor(), dutiable_of(&checkout), "and the quota");
    let payment = store.payment(checkout.payment_id).await.must("payment").must("the pending payment");
    assert_eq!(
        (payment.status, payment.method, payment.order_ids.clone()),
        (PaymentStatus::Pending, PaymentMethod::Alipay, vec![order_id])
    );
    assert_eq!(payment.expires_at, Some(at(100) + TimeDelta::minutes(30)));
    assert_eq!(payment.action, None);

    let action = PaymentAction::QrCode("https://qr.alipay.com/bax00000".into());
    store.set_payment_action(checkout.payment_id, &action, at(101)).await.must("set_payment_action");
    let payment = store.payment(checkout.payment_id).await.must("payment").must("the payment");
    assert_eq!(payment.action, Some(action));

    // The check task of the pending payment is due at its check time, not before.
    let early = store.claim_payment_tasks("w1", 10, at(101), at(200)).await.must("claim before it is due");
    assert_eq!(early, vec![], "nothing is due before the first check");

    let (taken, captured) = apply(store, news(checkout.payment_id, PaymentEvent::Succeeded, 150), "capture").await;
    assert_eq!(taken, PaymentStep::Capture);
    assert_eq!(captured.status, PaymentStatus::Captured);
    assert_eq!(captured.provider_ref, "2026120711121280010018880000001");
    assert_eq!(read_order(store, order_id, "the paid order").await.status, OrderStatus::Paid);
    for (i, event) in [PaymentEvent::Succeeded, PaymentEvent::Failed, PaymentEvent::Expired].into_iter().enumerate() {
        let (taken, again) = apply(store, news(checkout.payment_id, event, 160 + i as i64), "news after capture").await;
        assert_eq!((taken, again.status), (PaymentStep::Nothing, PaymentStatus::Captured), "{event:?} after capture");
    }
    assert_eq!(read_product(store, honey.id).await.fields.stock, 7, "sold once");

    // The capture dropped the check and scheduled the order's declaration.
    let tasks = store.claim_payment_tasks("w1", 10, at(10_000), at(10_100)).await.must("claim the due tasks");
    assert_eq!(tasks.len(), 1, "one task after the capture: {tasks:?}");
    assert_eq!(tasks[0].kind, PaymentTaskKind::Declare);
    let declaration = store.declaration(&tasks[0].subject).await.must("declaration").must("the scheduled declaration");
    assert_eq!(
        (declaration.order_id, declaration.status, declaration.amount, declaration.customs_code.as_str()),
        (order_id, DeclarationStatus::Requested, checkout.orders[0].total, "ZONGSHU")
    );
    assert_eq!(declaration.id.len(), 32, "a declaration id fits the providers' 32 characters");
    store
        .record_declaration(DeclarationUpdate {
            id: declaration.id.clone(),
            status: DeclarationStatus::Accepted,
            customs_payment_id: Some("CP-0001".into()),
            result_code: Some("SUCCESS".into()),
            result_desc: None,
            at: at(300),
            payer_mismatch: false,
        })
        .await
        .must("record the declaration");
    store.finish_payment_task(tasks[0].id).await.must("finish the task");
    let declared = store.declarations_of_payment(checkout.payment_id).await.must("declarations_of_payment");
    assert_eq!(declared.len(), 1);
    assert_eq!(
        (declared[0].status, declared[0].customs_payment_id.as_deref()),
        (DeclarationStatus::Accepted, Some("CP-0001"))
    );
    assert_eq!(store.claim_payment_tasks("w1", 10, at(20_000), at(20_100)).await.must("claim").len(), 0);
}

/// An expiry releases the reservation once; a success after it records one refund
/// of the whole payment and marks it for review; a payer refused by customs holds
/// and refunds the order.
pub async fn wallet_payment_expiry_releases_and_a_late_success_is_refunded(store: &dyn Store) {
    let m = active_merchant(store).await;
    let honey = listed(store, m.id, "HONEY", 10, 1299).await;
    let jo = buyer(store).await;
    let checkout = pending(prepare(store, &jo, vec![new_order(m.id, &[(&honey, 2)])], at(100)).await);
    place_ok(store, &checkout, "a pending checkout").await;
    let (taken, expired) = apply(store, news(checkout.payment_id, PaymentEvent::Expired, 2000), "expire").await;
    assert_eq!(taken, PaymentStep::Release { reason: PaymentCancelReason::PaymentExpired });
    assert_eq!(expired.status, PaymentStatus::Expired);
    let order = read_order(store, checkout.orders[0].id, "the released order").await;
    assert_eq!(
        (order.status, order.cancel_reason),
        (OrderStatus::Cancelled, Some(PaymentCancelReason::PaymentExpired))
    );
    assert_eq!(read_product(store, honey.id).await.fields.stock, 10, "the stock came back");
    assert_eq!(store.quota_used(&jo.hash, YEAR).await.must("quota").minor(), 0, "and the quota");
    let (taken, _) = apply(store, news(checkout.payment_id, PaymentEvent::Expired, 2001), "expire again").await;
    assert_eq!(taken, PaymentStep::Nothing);
    assert_eq!(read_product(store, honey.id).await.fields.stock, 10, "released once");

    let (taken, refunded) = apply(store, news(checkout.payment_id, PaymentEvent::Succeeded, 2100), "late").await;
    assert_eq!(taken, PaymentStep::RefundLateSuccess);
    assert_eq!(
        (refunded.status, refunded.review, refunded.refunded),
        (PaymentStatus::Refunded, Some(PaymentReview::LateSuccessRefunded), checkout.amount)
    );
    let (taken, _) = apply(store, news(checkout.payment_id, PaymentEvent::Succeeded, 2101), "late again").await;
    assert_eq!(taken, PaymentStep::Nothing);
    let refunds = store.refunds_of_payment(checkout.payment_id).await.must("refunds_of_payment");
    assert_eq!(refunds.len(), 1, "one refund of the late success");
    assert_eq!(
        (refunds[0].amount, refunds[0].status, refunds[0].order_id),
        (checkout.amount, RefundStatus::Requested, None)
    );
    assert_eq!(refunds[0].payment_provider_ref, "2026120711121280010018880000001");
    let tasks = store.claim_payment_tasks("w1", 10, at(2100), at(2200)).await.must("claim the refund");
    assert_eq!(
        tasks.iter().map(|t| (t.kind, t.subject.clone())).collect::<Vec<_>>(),
        [(PaymentTaskKind::Refund, refunds[0].id.to_string())]
    );
    store.record_refund(refunds[0].id, RefundStatus::Succeeded, Some("R-1"), at(2150)).await.must("record_refund");
    let refund = store.refund(refunds[0].id).await.must("refund").must("the refund");
    assert_eq!((refund.status, refund.provider_ref.as_deref()), (RefundStatus::Succeeded, Some("R-1")));
    let review = store.list_payments(None, true, PageRequest { after: None, limit: 10 }).await.must("list_payments");
    assert_eq!(review.items.iter().map(|p| p.id).collect::<Vec<_>>(), [checkout.payment_id]);

    // A second checkout, paid by someone who is not the buyer: customs refuses it.
    let other = pending(prepare(store, &jo, vec![new_order(m.id, &[(&honey, 1)])], at(3000)).await);
    place_ok(store, &other, "a second pending checkout").await;
    apply(store, news(other.payment_id, PaymentEvent::Succeeded, 3100), "capture the second").await;
    let declaration = &store.declarations_of_payment(other.payment_id).await.must("declarations")[0];
    store
        .record_declaration(DeclarationUpdate {
            id: declaration.id.clone(),
            status: DeclarationStatus::Refused,
            customs_payment_id: None,
            result_code: Some("CHECK_NOT_PASSED".into()),
            result_desc: None,
            at: at(3200),
            payer_mismatch: true,
        })
        .await
        .must("record the refusal");
    let held = read_order(store, other.orders[0].id, "the held order").await;
    assert_eq!((held.status, held.cancel_reason), (OrderStatus::Cancelled, Some(PaymentCancelReason::PayerMismatch)));
    assert_eq!(held.payment_status, "refunded");
    assert_eq!(read_product(store, honey.id).await.fields.stock, 10);
    let refunds = store.refunds_of_payment(other.payment_id).await.must("refunds of the second");
    assert_eq!((refunds.len(), refunds[0].order_id), (1, Some(other.orders[0].id)));
    let paid = store.list_payments(Some(PaymentStatus::Refunded), false, PageRequest { after: None, limit: 10 }).await;
    assert_eq!(paid.must("list refunded").items.len(), 2);
}

/// A success and an expiry of the same payment at once: exactly one of capture and
/// release, and the stock says which.
pub async fn wallet_payment_news_race_decides_once(store: &dyn Store) {
    let m = active_merchant(store).await;
    let honey = listed(store, m.id, "HONEY", 50, 1299).await;
    for round in 0..5_i64 {
        let jo = buyer(store).await;
        let checkout = pending(prepare(store, &jo, vec![new_order(m.id, &[(&honey, 1)])], at(100 + round * 100)).await);
        place_ok(store, &checkout, "a pending checkout").await;
        let before = read_product(store, honey.id).await.fields.stock;
        let racers: Vec<BoxFuture<'_, PaymentStep>> =
            [PaymentEvent::Succeeded, PaymentEvent::Expired, PaymentEvent::Succeeded, PaymentEvent::Failed]
                .into_iter()
                .map(|event| {
                    let n = news(checkout.payment_id, event, 150 + round * 100);
                    Box::pin(async move { apply(store, n, "racing news").await.0 }) as BoxFuture<'_, PaymentStep>
                })
                .collect();
        let steps = join_all(racers).await;
        let captures = steps.iter().filter(|s| **s == PaymentStep::Capture).count();
        let releases = steps.iter().filter(|s| matches!(s, PaymentStep::Release { .. })).count();
        assert_eq!(captures + releases, 1, "round {round}: exactly one decision, got {steps:?}");
        let after = read_product(store, honey.id).await.fields.stock;
        let order = read_order(store, checkout.orders[0].id, "the raced order").await;
        if captures == 1 {
            assert_eq!((after, order.status), (before, OrderStatus::Paid), "round {round}: captured keeps the sale");
        } else {
            assert_eq!(
                (after, order.status),
                (before + 1, OrderStatus::Cancelled),
                "round {round}: released gives it back"
            );
        }
    }
}

/// Two workers claiming at once never take the same task; a lease that ran out is
/// taken again.
pub async fn payment_tasks_are_shared_between_workers(store: &dyn Store) {
    let m = active_merchant(store).await;
    let honey = listed(store, m.id, "HONEY", 50, 1299).await;
    let jo = buyer(store).await;
    let mut payments = Vec::new();
    for i in 0..6 {
        let checkout = pending(prepare(store, &jo, vec![new_order(m.id, &[(&honey, 1)])], at(100 + i)).await);
        place_ok(store, &checkout, "a pending checkout").await;
        payments.push(checkout.payment_id.to_string());
    }
    let due = at(10_000);
    let claims: Vec<BoxFuture<'_, Vec<gateway_store::PaymentTask>>> = ["w1", "w2"]
        .into_iter()
        .map(|w| {
            Box::pin(
                async move { store.claim_payment_tasks(w, 4, due, due + TimeDelta::seconds(60)).await.must("claim") },
            ) as BoxFuture<'_, _>
        })
        .collect();
    let claimed = join_all(claims).await;
    let mut subjects: Vec<String> = claimed.iter().flatten().map(|t| t.subject.clone()).collect();
    let total = subjects.len();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), total, "no task was claimed twice");
    assert_eq!(total, 6, "both workers together took all six");
    assert!(claimed.iter().flatten().all(|t| t.kind == PaymentTaskKind::CheckPayment && t.attempts == 1));
    assert_eq!(
        store.claim_payment_tasks("w3", 10, due, due + TimeDelta::seconds(60)).await.must("claim").len(),
        0,
        "all held"
    );
    // Put one back for later; the others' leases run out and are taken again.
    let first = &claimed.iter().flatten().next().must("a claimed task").clone();
    store.reschedule_payment_task(first.id, due + TimeDelta::hours(1), Some("not yet")).await.must("reschedule");
    let again = store.claim_payment_tasks("w3", 10, due + TimeDelta::seconds(61), due + TimeDelta::seconds(120)).await;
    let again = again.must("claim after the leases");
    assert_eq!(again.len(), 5, "the five whose lease ran out");
    assert!(again.iter().all(|t| t.attempts == 2 && t.id != first.id));
    let later = store.claim_payment_tasks("w3", 10, due + TimeDelta::hours(2), due + TimeDelta::hours(3)).await;
    assert_eq!(later.must("claim later").len(), 6, "the rescheduled one too, once due");
    let mut sorted = payments.clone();
    sorted.sort();
    assert_eq!(subjects, sorted);
}
