//! The three-document check (三单对碰) before anything is exported: the CEB311 order,
//! the CEB411 payment and the CEB511 waybill must agree with each other, and the CEB621
//! inventory list with all three. Every failure has a stable code, a message and the
//! document at fault.

use super::documents::Documents;
use gateway_core::Cny;
use serde::Serialize;

/// One disagreement between the documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Failure {
    /// Stable: order_no_mismatch, order_amounts_mismatch, goods_value_mismatch,
    /// line_total_mismatch, payment_amount_mismatch, payer_mismatch, buyer_mismatch,
    /// logistics_no_missing, logistics_no_mismatch, freight_mismatch, consignee_mismatch,
    /// inventory_lines_mismatch, country_code_unknown; from the payment's records:
    /// payment_declaration_refused, payment_declaration_pending, payer_identity_changed.
    pub code: &'static str,
    pub message: String,
    /// The document at fault: ceb311, ceb411, ceb511 or ceb621.
    pub document: &'static str,
}

fn fail(out: &mut Vec<Failure>, code: &'static str, document: &'static str, message: impl Into<String>) {
    out.push(Failure { code, message: message.into(), document });
}

fn sum(values: impl Iterator<Item = Cny>) -> Option<Cny> {
    values.into_iter().try_fold(Cny::ZERO, |acc, v| acc.checked_add(v))
}

/// Runs every rule; an empty list means the documents agree.
pub fn check(d: &Documents) -> Vec<Failure> {
    let mut out = Vec::new();
    let order = &d.ceb311.head;
    let pay = &d.ceb411.head;
    let ship = &d.ceb511.head;
    let inv = &d.ceb621.head;

    // Same order number everywhere.
    for (document, no) in [("ceb411", &pay.order_no), ("ceb511", &ship.order_no), ("ceb621", &inv.order_no)] {
        if *no != order.order_no {
            fail(
                &mut out,
                "order_no_mismatch",
                document,
                format!("order number {no} differs from the order message's {}", order.order_no),
            );
        }
    }

    // The order's own amounts: goods value + freight + tax − discount = actual paid.
    let expected = order
        .goods_value
        .minor()
        .checked_add(order.freight.minor())
        .and_then(|v| v.checked_add(order.tax_total.minor()))
        .and_then(|v| v.checked_sub(order.discount.minor()));
    if expected != Some(order.actural_paid.minor()) {
        fail(
            &mut out,
            "order_amounts_mismatch",
            "ceb311",
            format!(
                "goods value {} + freight {} + tax {} - discount {} is not the amount paid {}",
                order.goods_value, order.freight, order.tax_total, order.discount, order.actural_paid
            ),
        );
    }
    for line in &d.ceb311.lines {
        if line.price.checked_mul(line.qty) != Some(line.total_price) {
            fail(
                &mut out,
                "line_total_mismatch",
                "ceb311",
                format!(
                    "line {}: price {} x {} is not its total {}",
                    line.gnum, line.price, line.qty, line.total_price
                ),
            );
        }
    }
    if sum(d.ceb311.lines.iter().map(|l| l.total_price)) != Some(order.goods_value) {
        fail(&mut out, "goods_value_mismatch", "ceb311", "the lines' totals do not add up to the goods value");
    }

    // Payment: the amount paid and the payer.
    if pay.amount_paid != order.actural_paid {
        fail(
            &mut out,
            "payment_amount_mismatch",
            "ceb411",
            format!("payment of {} differs from the order's amount paid {}", pay.amount_paid, order.actural_paid),
        );
    }
    if pay.payer_name != order.buyer_name
        || pay.payer_id_number != order.buyer_id_number
        || pay.payer_id_type != order.buyer_id_type
    {
        fail(&mut out, "payer_mismatch", "ceb411", "the payer's name or ID number is not the buyer's");
    }

    // Waybill: present, and for the same freight and consignee.
    match ship.logistics_no.as_deref() {
        None => fail(
            &mut out,
            "logistics_no_missing",
            "ceb511",
            "no logistics (tracking) number: the order has not been shipped",
        ),
        Some(no) => {
            if inv.logistics_no.as_deref() != Some(no) {
                fail(
                    &mut out,
                    "logistics_no_mismatch",
                    "ceb621",
                    "the inventory list's logistics number differs from the waybill's",
                );
            }
        }
    }
    if ship.freight != order.freight {
        fail(
            &mut out,
            "freight_mismatch",
            "ceb511",
            format!("freight {} differs from the order's {}", ship.freight, order.freight),
        );
    }
    if ship.consignee != order.consignee
        || ship.consignee_telephone != order.consignee_telephone
        || ship.consignee_address != order.consignee_address
    {
        fail(&mut out, "consignee_mismatch", "ceb511", "the consignee, phone or address differs from the order's");
    }

    // Inventory list against the three.
    if inv.buyer_name != order.buyer_name
        || inv.buyer_id_number != order.buyer_id_number
        || inv.buyer_telephone != order.buyer_telephone
    {
        fail(&mut out, "buyer_mismatch", "ceb621", "the buyer's name, ID number or phone differs from the order's");
    }
    if inv.freight != order.freight {
        fail(
            &mut out,
            "freight_mismatch",
            "ceb621",
            format!("freight {} differs from the order's {}", inv.freight, order.freight),
        );
    }
    if inv.consignee_address != ship.consignee_address {
        fail(&mut out, "consignee_mismatch", "ceb621", "the address differs from the waybill's");
    }
    let same_lines = d.ceb621.lines.len() == d.ceb311.lines.len()
        && d.ceb621.lines.iter().zip(&d.ceb311.lines).all(|(i, o)| {
            i.item_no == o.item_no && i.qty == o.qty && i.price == o.price && i.total_price == o.total_price
        });
    if !same_lines {
        fail(&mut out, "inventory_lines_mismatch", "ceb621", "the inventory lines differ from the order's lines");
    }
    for line in &d.ceb621.lines {
        if line.country.is_empty() {
            fail(
                &mut out,
                "country_code_unknown",
                "ceb621",
                format!("line {}: the country of origin has no customs code in Gateway's table", line.gnum),
            );
        }
    }
    out
}
