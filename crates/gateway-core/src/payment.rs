//! The payment state machine of a wallet checkout (issue 20).
//!
//! A wallet tells Gateway the result later, in notifications that may come late,
//! twice, out of order or not at all (then an inquiry asks); the clock expires a
//! payment nobody paid. Whatever the sequence, [`step`] decides what each piece of
//! news does, so that a payment is captured at most once, its reservation (stock and
//! quota) goes back at most once, and never both; a success that arrives after the
//! reservation went back is refunded, once.
//!
//! ```text
//! pending ──succeeded──▶ captured
//!    │ ──failed──▶ failed  ──succeeded (late)──▶ refunded
//!    └ ──expired─▶ expired ──succeeded (late)──▶ refunded
//! ```

use crate::code_enum;

code_enum!(
    /// Where a payment stands (`partially_refunded`: some of its orders were
    /// cancelled or returned and refunded, not all).
    PaymentStatus {
        Pending = "pending",
        Captured = "captured",
        Failed = "failed",
        Expired = "expired",
        Refunded = "refunded",
        PartiallyRefunded = "partially_refunded",
    }
);

code_enum!(
    /// How a shopper pays: the names `GATEWAY_PAYMENT_METHODS` lists, and
    /// `sandbox_wallet`, offered with `sandbox`: the sandbox as a wallet, asynchronous,
    /// paid or cancelled on Gateway's own page `/sandbox-wallet/{session}` (the demo's
    /// storefront pays through it).
    PaymentMethod { Sandbox = "sandbox", Alipay = "alipay", WechatPay = "wechat_pay", SandboxWallet = "sandbox_wallet" }
);

code_enum!(
    /// Where the shopper pays: a desktop shows the wallet's QR code to scan, a phone
    /// is sent to the wallet.
    PaymentDevice { Desktop = "desktop", Phone = "phone" }
);

code_enum!(
    /// Where a refund stands at the provider: written `requested` before the call,
    /// `processing` while the provider works on it, then `succeeded` or `failed`
    /// (an operator settles a failed one).
    RefundStatus { Requested = "requested", Processing = "processing", Succeeded = "succeeded", Failed = "failed" }
);

code_enum!(
    /// Where a payment's declaration to customs stands: written `requested` before
    /// the call, `submitted` once the provider took it, then customs' verdict.
    DeclarationStatus { Requested = "requested", Submitted = "submitted", Accepted = "accepted", Refused = "refused" }
);

code_enum!(
    /// Why an operator should look at a payment.
    PaymentReview {
        LateSuccessRefunded = "late_success_refunded",
        DeclarationRefused = "declaration_refused",
        RefundFailed = "refund_failed",
    }
);

code_enum!(
    /// Why the orders of a checkout were cancelled by its payment rather than by a
    /// person.
    PaymentCancelReason {
        PaymentExpired = "payment_expired",
        PaymentFailed = "payment_failed",
        PayerMismatch = "payer_mismatch",
    }
);

/// A piece of news about a payment: from the wallet (a verified notification or an
/// inquiry's answer), or from the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentEvent {
    /// The shopper paid.
    Succeeded,
    /// The wallet refused or the shopper cancelled there.
    Failed,
    /// The payment's time ran out with no result.
    Expired,
}

/// What Gateway does on a piece of news.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentStep {
    /// Mark the payment captured and its orders paid.
    Capture,
    /// Cancel the orders with `reason` and give their stock and quota back.
    Release { reason: PaymentCancelReason },
    /// The money came after the reservation went back: refund it and record why.
    RefundLateSuccess,
    /// Nothing: the news repeats or contradicts what is already final.
    Nothing,
}

impl PaymentStatus {
    /// Whether no news can change what was decided (a late success after a failure
    /// or an expiry still turns into a refund, so those are not final).
    pub const fn is_final(self) -> bool {
        matches!(self, PaymentStatus::Captured | PaymentStatus::Refunded | PaymentStatus::PartiallyRefunded)
    }
}

/// What `event` does to a payment in `status`, and the status it leaves.
pub const fn step(status: PaymentStatus, event: PaymentEvent) -> (PaymentStep, PaymentStatus) {
    use PaymentEvent as E;
    use PaymentStatus as S;
    match (status, event) {
        (S::Pending, E::Succeeded) => (PaymentStep::Capture, S::Captured),
        (S::Pending, E::Failed) => (PaymentStep::Release { reason: PaymentCancelReason::PaymentFailed }, S::Failed),
        (S::Pending, E::Expired) => (PaymentStep::Release { reason: PaymentCancelReason::PaymentExpired }, S::Expired),
        (S::Failed | S::Expired, E::Succeeded) => (PaymentStep::RefundLateSuccess, S::Refunded),
        // A duplicate, a failure or an expiry after the money came, or news after the
        // refund: what was decided stands.
        (S::Captured | S::Failed | S::Expired | S::Refunded | S::PartiallyRefunded, _) => {
            (PaymentStep::Nothing, status)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn each_edge_of_the_diagram() {
        use PaymentEvent as E;
        use PaymentStatus as S;
        let release = |reason| PaymentStep::Release { reason };
        let expected = |status, event| match (status, event) {
            (S::Pending, E::Succeeded) => (PaymentStep::Capture, S::Captured),
            (S::Pending, E::Failed) => (release(PaymentCancelReason::PaymentFailed), S::Failed),
            (S::Pending, E::Expired) => (release(PaymentCancelReason::PaymentExpired), S::Expired),
            (S::Failed, E::Succeeded) | (S::Expired, E::Succeeded) => (PaymentStep::RefundLateSuccess, S::Refunded),
            (s, _) => (PaymentStep::Nothing, s),
        };
        for &status in PaymentStatus::ALL {
            for event in [E::Succeeded, E::Failed, E::Expired] {
                assert_eq!(step(status, event), expected(status, event), "{status} on {event:?}");
            }
        }
    }

    #[test]
    fn codes_are_the_configuration_and_api_names() {
        assert_eq!(PaymentMethod::CODES, ["sandbox", "alipay", "wechat_pay", "sandbox_wallet"]);
        assert_eq!(PaymentStatus::parse("captured"), Ok(PaymentStatus::Captured));
        assert_eq!(PaymentCancelReason::PayerMismatch.as_str(), "payer_mismatch");
        assert!(PaymentStatus::Captured.is_final() && !PaymentStatus::Expired.is_final());
    }

    fn event() -> impl Strategy<Value = PaymentEvent> {
        prop_oneof![Just(PaymentEvent::Succeeded), Just(PaymentEvent::Failed), Just(PaymentEvent::Expired)]
    }

    proptest! {
        /// Whatever news comes, in whatever order and however often: at most one
        /// capture, at most one release, never both; a refund only after a release and
        /// at most once; and the status ends where the steps say.
        #[test]
        fn any_sequence_of_news_captures_or_releases_once(events in proptest::collection::vec(event(), 0..12)) {
            let mut status = PaymentStatus::Pending;
            let (mut captures, mut releases, mut refunds) = (0, 0, 0);
            for event in events {
                let (action, next) = step(status, event);
                match action {
                    PaymentStep::Capture => captures += 1,
                    PaymentStep::Release { .. } => releases += 1,
                    PaymentStep::RefundLateSuccess => {
                        prop_assert_eq!(releases, 1, "a refund follows a release");
                        refunds += 1;
                    }
                    PaymentStep::Nothing => prop_assert_eq!(next, status),
                }
                status = next;
            }
            prop_assert!(captures + releases <= 1);
            prop_assert!(refunds <= 1);
            let expected_final = match (captures, releases, refunds) {
                (1, 0, 0) => status == PaymentStatus::Captured,
                (0, 1, 0) => matches!(status, PaymentStatus::Failed | PaymentStatus::Expired),
                (0, 1, 1) => status == PaymentStatus::Refunded,
                (0, 0, 0) => status == PaymentStatus::Pending,
                _ => false,
            };
            prop_assert!(expected_final, "{} after {} captures, {} releases, {} refunds", status, captures, releases, refunds);
        }
    }
}
