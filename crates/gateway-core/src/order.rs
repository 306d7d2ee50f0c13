//! The order state machine (SPEC 6).
//!
//! ```text
//! awaiting_payment ──captured──▶ paid      (a wallet checkout; released: cancelled)
//! paid ──ship (merchant)──▶ shipped ──deliver (buyer, operator)──▶ delivered
//!   │                                                                  │
//!   └─cancel (buyer, merchant)─▶ cancelled     return (buyer, operator, ≤ 30 days)
//!                                                                      ▼
//!                                                                  returned
//! ```

use crate::code_enum;
use chrono::{DateTime, TimeDelta, Utc};

code_enum!(
    /// Where an order stands.
    OrderStatus { AwaitingPayment = "awaiting_payment", Paid = "paid", Shipped = "shipped", Delivered = "delivered", Cancelled = "cancelled", Returned = "returned" }
);

impl OrderStatus {
    /// Whether the order's dutiable value counts against the buyer's annual quota:
    /// a cancelled or returned order gives it back (SPEC 3); an order awaiting its
    /// wallet payment holds it reserved.
    pub const fn counts_against_quota(self) -> bool {
        !matches!(self, OrderStatus::Cancelled | OrderStatus::Returned)
    }

    /// Whether no action can move the order any further.
    pub const fn is_final(self) -> bool {
        matches!(self, OrderStatus::Cancelled | OrderStatus::Returned)
    }
}

code_enum!(
    /// What someone does to an order.
    OrderAction { Ship = "ship", Deliver = "deliver", Cancel = "cancel", Return = "return" }
);

code_enum!(
    /// Who acts on an order: its buyer, its merchant, or the platform's operator.
    Party { Buyer = "buyer", Merchant = "merchant", Operator = "operator" }
);

impl OrderAction {
    /// The parties who may take this action (SPEC 6).
    pub const fn allowed_parties(self) -> &'static [Party] {
        match self {
            OrderAction::Ship => &[Party::Merchant],
            OrderAction::Deliver => &[Party::Buyer, Party::Operator],
            OrderAction::Cancel => &[Party::Buyer, Party::Merchant],
            OrderAction::Return => &[Party::Buyer, Party::Operator],
        }
    }

    /// The one state this action leaves from, and the one it leads to.
    pub const fn edge(self) -> (OrderStatus, OrderStatus) {
        match self {
            OrderAction::Ship => (OrderStatus::Paid, OrderStatus::Shipped),
            OrderAction::Deliver => (OrderStatus::Shipped, OrderStatus::Delivered),
            OrderAction::Cancel => (OrderStatus::Paid, OrderStatus::Cancelled),
            OrderAction::Return => (OrderStatus::Delivered, OrderStatus::Returned),
        }
    }

    pub fn allows(self, party: Party) -> bool {
        self.allowed_parties().contains(&party)
    }
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderTransitionError {
    #[error("cannot {action} an order that is {from}")]
    Invalid { action: &'static str, from: OrderStatus },
    #[error("the {party} may not {action} an order")]
    NotAllowed { action: &'static str, party: &'static str },
    #[error("the 30-day return window after delivery has closed")]
    ReturnWindowClosed,
}

/// Days after delivery during which the order may be returned, inclusive.
pub const RETURN_WINDOW_DAYS: i64 = 30;

/// The last instant a delivered order may be returned: `delivered_at` + 30 days.
pub fn return_window_closes_at(delivered_at: DateTime<Utc>) -> DateTime<Utc> {
    delivered_at + TimeDelta::days(RETURN_WINDOW_DAYS)
}

/// Applies `action` by `party` to an order in `from` (SPEC 6):
/// paid → shipped (merchant); shipped → delivered (buyer or operator);
/// paid → cancelled (buyer or merchant); delivered → returned (buyer or operator)
/// while `now − delivered_at ≤ 30 days` (inclusive: exactly 30 days after delivery is
/// still in time). Nothing else.
///
/// Checks the party first ([`OrderTransitionError::NotAllowed`]), then the edge
/// ([`OrderTransitionError::Invalid`]), then the return window
/// ([`OrderTransitionError::ReturnWindowClosed`], also when a delivered order has no
/// `delivered_at`, since the window cannot be shown to be open).
pub fn transition(
    from: OrderStatus,
    action: OrderAction,
    party: Party,
    delivered_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<OrderStatus, OrderTransitionError> {
    if !action.allows(party) {
        return Err(OrderTransitionError::NotAllowed { action: action.as_str(), party: party.as_str() });
    }
    let (source, target) = action.edge();
    if from != source {
        return Err(OrderTransitionError::Invalid { action: action.as_str(), from });
    }
    if action == OrderAction::Return {
        let in_time = delivered_at.is_some_and(|at| now <= return_window_closes_at(at));
        if !in_time {
            return Err(OrderTransitionError::ReturnWindowClosed);
        }
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, day, hour, 0, 0).single().unwrap_or_else(|| panic!("time"))
    }

    #[test]
    fn exactly_the_spec_edges_succeed() {
        use OrderAction as A;
        use OrderStatus as S;
        use Party as P;
        let delivered = Some(at(1, 12));
        let now = at(2, 12);
        let expected = |from, action, party| match (from, action, party) {
            (S::Paid, A::Ship, P::Merchant) => Some(S::Shipped),
            (S::Shipped, A::Deliver, P::Buyer | P::Operator) => Some(S::Delivered),
            (S::Paid, A::Cancel, P::Buyer | P::Merchant) => Some(S::Cancelled),
            (S::Delivered, A::Return, P::Buyer | P::Operator) => Some(S::Returned),
            _ => None,
        };
        let mut allowed = 0;
        for &from in S::ALL {
            for &action in A::ALL {
                for &party in P::ALL {
                    let result = transition(from, action, party, delivered, now);
                    match expected(from, action, party) {
                        Some(to) => {
                            assert_eq!(result, Ok(to), "{from} {action} {party}");
                            allowed += 1;
                        }
                        None if !action.allows(party) => assert_eq!(
                            result,
                            Err(OrderTransitionError::NotAllowed { action: action.as_str(), party: party.as_str() }),
                            "{from} {action} {party}"
                        ),
                        None => assert_eq!(
                            result,
                            Err(OrderTransitionError::Invalid { action: action.as_str(), from }),
                            "{from} {action} {party}"
                        ),
                    }
                }
            }
        }
        assert_eq!(allowed, 7);
        assert_eq!(S::ALL.len() * A::ALL.len() * P::ALL.len(), 72);
    }

    #[test]
    fn party_is_checked_before_the_edge() {
        // A buyer shipping a cancelled order: the party is wrong first.
        assert_eq!(
            transition(OrderStatus::Cancelled, OrderAction::Ship, Party::Buyer, None, at(1, 0)),
            Err(OrderTransitionError::NotAllowed { action: "ship", party: "buyer" })
        );
        // An operator returning an order past the window that is not delivered: the edge is wrong first.
        assert_eq!(
            transition(
                OrderStatus::Shipped,
                OrderAction::Return,
                Party::Operator,
                Some(at(1, 0)),
                at(31, 0) + TimeDelta::days(30)
            ),
            Err(OrderTransitionError::Invalid { action: "return", from: OrderStatus::Shipped })
        );
    }

    #[test]
    fn return_window_is_thirty_days_inclusive() {
        let delivered_at = at(1, 12);
        let ret = |now| transition(OrderStatus::Delivered, OrderAction::Return, Party::Buyer, Some(delivered_at), now);
        assert_eq!(ret(delivered_at), Ok(OrderStatus::Returned));
        assert_eq!(ret(delivered_at + TimeDelta::days(29)), Ok(OrderStatus::Returned));
        // Day 30: exactly 30 × 24 h after delivery is still in time.
        assert_eq!(ret(delivered_at + TimeDelta::days(30)), Ok(OrderStatus::Returned));
        assert_eq!(ret(at(31, 12)), Ok(OrderStatus::Returned));
        assert_eq!(
            ret(delivered_at + TimeDelta::days(30) + TimeDelta::seconds(1)),
            Err(OrderTransitionError::ReturnWindowClosed)
        );
        // Day 31.
        assert_eq!(ret(delivered_at + TimeDelta::days(31)), Err(OrderTransitionError::ReturnWindowClosed));
        assert_eq!(return_window_closes_at(delivered_at), at(31, 12));
        // A delivered order without a delivery time cannot show the window is open.
        assert_eq!(
            transition(OrderStatus::Delivered, OrderAction::Return, Party::Operator, None, delivered_at),
            Err(OrderTransitionError::ReturnWindowClosed)
        );
    }

    #[test]
    fn codes_and_messages() {
        assert_eq!(OrderStatus::parse("delivered"), Ok(OrderStatus::Delivered));
        assert_eq!(OrderStatus::CODES, ["awaiting_payment", "paid", "shipped", "delivered", "cancelled", "returned"]);
        assert_eq!(OrderAction::CODES, ["ship", "deliver", "cancel", "return"]);
        assert_eq!(Party::CODES, ["buyer", "merchant", "operator"]);
        assert!(OrderStatus::Shipped.counts_against_quota());
        assert!(OrderStatus::AwaitingPayment.counts_against_quota() && !OrderStatus::AwaitingPayment.is_final());
        assert!(!OrderStatus::Cancelled.counts_against_quota());
        assert!(!OrderStatus::Returned.counts_against_quota());
        assert!(OrderStatus::Returned.is_final() && !OrderStatus::Delivered.is_final());
        assert_eq!(
            OrderTransitionError::Invalid { action: "cancel", from: OrderStatus::Shipped }.to_string(),
            "cannot cancel an order that is shipped"
        );
        assert_eq!(
            OrderTransitionError::NotAllowed { action: "ship", party: "buyer" }.to_string(),
            "the buyer may not ship an order"
        );
    }
}
