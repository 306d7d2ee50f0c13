//! Records of the buy path: identities, carts, checkouts, orders and payments.

use chrono::{DateTime, Utc};
use gateway_core::{CartId, Cny, MerchantId, OrderId, PaymentId, ProductId, UserId};

/// A consumer's verified identity as stored: the ID number only encrypted, hashed
/// (to find the person's quota) and masked.
#[derive(Clone)]
pub struct IdentityRecord {
    pub user_id: UserId,
    pub real_name: String,
    pub id_number_cipher: Vec<u8>,
    pub id_number_hash: Vec<u8>,
    pub id_number_masked: String,
    pub phone: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Personal data stays out of logs.
impl std::fmt::Debug for IdentityRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityRecord").field("user_id", &self.user_id).finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct Cart {
    pub id: CartId,
    /// None for a cart made before sign-in: then its id is the only key to it.
    pub owner_id: Option<UserId>,
    pub items: Vec<CartItem>,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CartItem {
    pub product_id: ProductId,
    pub quantity: i64,
}

/// What a claim on an Idempotency-Key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// The key is new and now ours: go ahead.
    Claimed,
    /// The same key finished earlier with this answer (for the same request).
    Completed { request_hash: Vec<u8>, response: String },
    /// The same key is being worked on by another request right now.
    InProgress { request_hash: Vec<u8> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub recipient: String,
    pub phone: String,
    pub province: String,
    pub city: String,
    pub district: String,
    pub street: String,
    pub postal_code: String,
}

/// The amounts of an order or of one of its lines, in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Amounts {
    pub goods: Cny,
    pub freight: Cny,
    pub duty: Cny,
    pub consumption_tax: Cny,
    pub vat: Cny,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    pub product_id: ProductId,
    pub sku: String,
    pub title_en: String,
    pub title_zh: Option<String>,
    pub tax_class: String,
    pub hs_code: String,
    pub quantity: i64,
    pub unit_price_usd_cents: i64,
    pub unit_price: Cny,
    pub amounts: Amounts,
}

#[derive(Debug, Clone)]
pub struct NewOrder {
    pub id: OrderId,
    pub merchant_id: MerchantId,
    pub regime: String,
    pub fx_rate_micros: i64,
    pub amounts: Amounts,
    pub tax: Cny,
    pub total: Cny,
    pub weight_g: i64,
    pub lines: Vec<OrderLine>,
    /// What the order counts against the buyer's yearly weight caps, one per capped
    /// positive-list line.
    pub weight_charges: Vec<WeightCharge>,
}

/// Grams an order counts against one yearly cap (SPEC 3: lines of the positive list
/// may cap what one person imports in a year).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightCharge {
    pub hs_prefix: String,
    pub grams: i64,
    /// The cap, in grams per person and calendar year.
    pub cap_g: i64,
}

impl WeightCharge {
    /// Sums charges per capped line, in the order the lines first appear: an order's
    /// lines, or a checkout's orders, may charge the same cap.
    pub fn merge(charges: impl IntoIterator<Item = WeightCharge>) -> Vec<WeightCharge> {
        let mut merged: Vec<WeightCharge> = Vec::new();
        for c in charges {
            match merged.iter_mut().find(|m| m.hs_prefix == c.hs_prefix) {
                Some(m) => m.grams += c.grams,
                None => merged.push(c),
            }
        }
        merged
    }
}

/// A whole checkout, written in one transaction by `OrderStore::place_checkout`.
#[derive(Debug, Clone)]
pub struct NewCheckout {
    pub cart_id: CartId,
    pub buyer_id: UserId,
    pub payment_id: PaymentId,
    pub amount: Cny,
    pub provider: String,
    pub payment: CheckoutPayment,
    /// The payer's identity, which must be the buyer's (SPEC 4).
    pub id_number_hash: Vec<u8>,
    /// The calendar year (China time) the quota is charged to.
    pub quota_year: i32,
    pub quota_limit: Cny,
    pub address: Address,
    pub orders: Vec<NewOrder>,
    pub idempotency_key: String,
    /// The hash of the request that claimed the key.
    pub request_hash: Vec<u8>,
    /// The answer to store under the key.
    pub response: String,
    pub created_at: DateTime<Utc>,
}

/// How a checkout's payment stands when its transaction commits.
#[derive(Debug, Clone)]
pub enum CheckoutPayment {
    /// Captured already (the sandbox): the orders are paid.
    Captured { provider_ref: String },
    /// Waiting for the wallet: the orders are `awaiting_payment`, their stock and
    /// quota reserved; the payment is first checked at `check_at` and expires at
    /// `expires_at`.
    Pending {
        method: gateway_core::payment::PaymentMethod,
        device: gateway_core::payment::PaymentDevice,
        expires_at: DateTime<Utc>,
        check_at: DateTime<Utc>,
    },
}

/// Why the checkout transaction refused and rolled back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckoutRefusal {
    /// Fewer units left than the line asks for.
    OutOfStock { product_id: ProductId, available: i64 },
    /// The product is no longer for sale, or its price or class changed since the quote.
    Changed { product_id: ProductId },
    /// The checkout would take the buyer past the annual limit.
    AnnualLimit { remaining: Cny },
    /// The checkout would take the buyer past a yearly weight cap of the positive list.
    WeightCap { hs_prefix: String, remaining_g: i64 },
    /// The cart was checked out already.
    CartCheckedOut,
    /// The Idempotency-Key is no longer this request's claim (another request took it
    /// over or answered it).
    KeyLost,
}

#[derive(Debug, Clone)]
pub struct Order {
    pub id: OrderId,
    pub payment_id: PaymentId,
    pub buyer_id: UserId,
    pub merchant_id: MerchantId,
    pub status: gateway_core::order::OrderStatus,
    pub regime: String,
    pub fx_rate_micros: i64,
    pub amounts: Amounts,
    pub tax: Cny,
    pub total: Cny,
    pub weight_g: i64,
    pub quota_year: i32,
    pub address: Address,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub lines: Vec<OrderLine>,
    pub payment_status: String,
    /// The provider's reference of the payment, for refunds.
    pub payment_provider_ref: String,
    pub payment_method: gateway_core::payment::PaymentMethod,
    /// Whose identity paid (the keyed hash of the ID number), so that an identity
    /// changed after the order shows.
    pub payer_id_number_hash: Vec<u8>,
    /// Why a payment, not a person, cancelled the order.
    pub cancel_reason: Option<gateway_core::payment::PaymentCancelReason>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A status change of one order, applied only if it is still `from`. `restore` (cancel
/// and return) puts the stock back, gives the dutiable value back to the quota and
/// gives its grams back to the yearly weight caps and records the refund of the
/// order's total on its payment, in the same transaction.
#[derive(Debug, Clone)]
pub struct OrderStatusChange {
    pub id: OrderId,
    pub from: gateway_core::order::OrderStatus,
    pub to: gateway_core::order::OrderStatus,
    pub at: DateTime<Utc>,
    pub shipment: Option<(String, String)>,
    pub restore: bool,
}

/// The freight table as stored.
pub type FreightTable = gateway_core::freight::FreightRates;
