//! Rows of the buy path and their conversion into store records.

use chrono::{DateTime, Utc};
use gateway_core::order::OrderStatus;
use gateway_core::payment::{PaymentCancelReason, PaymentMethod};
use gateway_core::{Cny, MerchantId, OrderId, PaymentId, ProductId, UserId};
use gateway_store::{Address, Amounts, IdentityRecord, Order, OrderLine, StoreError, StoreResult};
use uuid::Uuid;

#[derive(sqlx::FromRow)]
pub struct IdentityRow {
    user_id: Uuid,
    real_name: String,
    id_number_cipher: Vec<u8>,
    id_number_hash: Vec<u8>,
    id_number_masked: String,
    phone: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<IdentityRow> for IdentityRecord {
    fn from(r: IdentityRow) -> Self {
        IdentityRecord {
            user_id: UserId::from_uuid(r.user_id),
            real_name: r.real_name,
            id_number_cipher: r.id_number_cipher,
            id_number_hash: r.id_number_hash,
            id_number_masked: r.id_number_masked,
            phone: r.phone,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct OrderRow {
    id: Uuid,
    payment_id: Uuid,
    buyer_id: Uuid,
    merchant_id: Uuid,
    status: String,
    regime: String,
    fx_rate_micros: i64,
    goods_fen: i64,
    freight_fen: i64,
    duty_fen: i64,
    consumption_tax_fen: i64,
    vat_fen: i64,
    tax_fen: i64,
    total_fen: i64,
    weight_g: i64,
    quota_year: i64,
    recipient: String,
    recipient_phone: String,
    province: String,
    city: String,
    district: String,
    street: String,
    postal_code: String,
    carrier: Option<String>,
    tracking_no: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    shipped_at: Option<DateTime<Utc>>,
    delivered_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    payment_status: String,
    payment_provider_ref: String,
    payment_method: String,
    payer_id_number_hash: Vec<u8>,
    cancel_reason: Option<String>,
}

impl OrderRow {
    pub fn id(&self) -> Uuid {
        self.id
    }

    /// The order, with the lines read separately.
    pub fn into_order(self, lines: Vec<OrderLine>) -> StoreResult<Order> {
        Ok(Order {
            id: OrderId::from_uuid(self.id),
            payment_id: PaymentId::from_uuid(self.payment_id),
            buyer_id: UserId::from_uuid(self.buyer_id),
            merchant_id: MerchantId::from_uuid(self.merchant_id),
            status: StoreError::decode("orders.status", OrderStatus::parse(&self.status))?,
            regime: self.regime,
            fx_rate_micros: self.fx_rate_micros,
            amounts: Amounts {
                goods: Cny::from_minor(self.goods_fen),
                freight: Cny::from_minor(self.freight_fen),
                duty: Cny::from_minor(self.duty_fen),
                consumption_tax: Cny::from_minor(self.consumption_tax_fen),
                vat: Cny::from_minor(self.vat_fen),
            },
            tax: Cny::from_minor(self.tax_fen),
            total: Cny::from_minor(self.total_fen),
            weight_g: self.weight_g,
            quota_year: StoreError::decode("orders.quota_year", i32::try_from(self.quota_year))?,
            address: Address {
                recipient: self.recipient,
                phone: self.recipient_phone,
                province: self.province,
                city: self.city,
                district: self.district,
                street: self.street,
                postal_code: self.postal_code,
            },
            carrier: self.carrier,
            tracking_no: self.tracking_no,
            lines,
            payment_status: self.payment_status,
            payment_provider_ref: self.payment_provider_ref,
            payment_method: StoreError::decode("payments.method", PaymentMethod::parse(&self.payment_method))?,
            payer_id_number_hash: self.payer_id_number_hash,
            cancel_reason: self
                .cancel_reason
                .map(|r| StoreError::decode("orders.cancel_reason", PaymentCancelReason::parse(&r)))
                .transpose()?,
            created_at: self.created_at,
            updated_at: self.updated_at,
            shipped_at: self.shipped_at,
            delivered_at: self.delivered_at,
            closed_at: self.closed_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct OrderLineRow {
    pub order_id: Uuid,
    product_id: Uuid,
    sku: String,
    title_en: String,
    title_zh: Option<String>,
    tax_class: String,
    hs_code: String,
    quantity: i64,
    unit_price_usd_cents: i64,
    unit_price_fen: i64,
    goods_fen: i64,
    freight_fen: i64,
    duty_fen: i64,
    consumption_tax_fen: i64,
    vat_fen: i64,
}

impl From<OrderLineRow> for OrderLine {
    fn from(r: OrderLineRow) -> Self {
        OrderLine {
            product_id: ProductId::from_uuid(r.product_id),
            sku: r.sku,
            title_en: r.title_en,
            title_zh: r.title_zh,
            tax_class: r.tax_class,
            hs_code: r.hs_code,
            quantity: r.quantity,
            unit_price_usd_cents: r.unit_price_usd_cents,
            unit_price: Cny::from_minor(r.unit_price_fen),
            amounts: Amounts {
                goods: Cny::from_minor(r.goods_fen),
                freight: Cny::from_minor(r.freight_fen),
                duty: Cny::from_minor(r.duty_fen),
                consumption_tax: Cny::from_minor(r.consumption_tax_fen),
                vat: Cny::from_minor(r.vat_fen),
            },
        }
    }
}

/// Groups line rows (ordered by order id, line number) under their orders.
pub fn attach_lines(rows: Vec<OrderRow>, lines: Vec<OrderLineRow>) -> StoreResult<Vec<Order>> {
    let mut by_order: std::collections::HashMap<Uuid, Vec<OrderLine>> = std::collections::HashMap::new();
    for line in lines {
        by_order.entry(line.order_id).or_default().push(line.into());
    }
    rows.into_iter()
        .map(|row| {
            let lines = by_order.remove(&row.id).unwrap_or_default();
            row.into_order(lines)
        })
        .collect()
}

/// "$first, $first+1, …" for an IN list of `n` values.
pub fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// "($first, …), (…)" for a multi-row VALUES list of `rows` rows of `columns` values
/// each: one statement writes a whole checkout's lines, however many there are.
pub fn value_rows(first: usize, rows: usize, columns: usize) -> String {
    (0..rows).map(|r| format!("({})", placeholders(first + r * columns, columns))).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn value_rows_number_row_by_row() {
        assert_eq!(super::value_rows(3, 2, 2), "($3, $4), ($5, $6)");
        assert_eq!(super::value_rows(1, 1, 3), "($1, $2, $3)");
    }

    #[test]
    fn placeholders_number_from_first() {
        assert_eq!(super::placeholders(2, 3), "$2, $3, $4");
        assert_eq!(super::placeholders(1, 1), "$1");
    }
}
