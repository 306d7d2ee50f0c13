//! The buy path's scenarios: identities, carts, idempotency keys, checkouts and order
//! states (`IdentityStore`, `CartStore`, `OrderStore`).
//!
//! Checkouts are built by hand, as the app builds them after pricing: the store keeps
//! the amounts it is given, so they are made up with a distinct value per field (a
//! swapped column shows), while prices, tax classes and merchants are the products'
//! own (the store checks those).

use super::*;
use gateway_core::freight::FreightRates;
use gateway_core::order::OrderStatus;
use gateway_core::payment::PaymentMethod;
use gateway_core::{CartId, Cny, OrderId, PaymentId};
use gateway_store::{
    Address, Amounts, CartItem, CheckoutPayment, CheckoutRefusal, IdempotencyClaim, IdentityRecord, NewCheckout,
    NewOrder, Order, OrderLine, OrderStatusChange,
};

// The merchant portal's scenarios use the helpers below.
mod merchant_portal;
mod wallets;
pub use merchant_portal::*;
pub use wallets::*;

// ---------------------------------------------------------------------------------
// Helpers of the buy path
// ---------------------------------------------------------------------------------

/// USD→CNY 7.123456, as stored on each order.
const FX_MICROS: i64 = 7_123_456;
/// The quota year of the checkouts (China time).
pub(super) const YEAR: i32 = 2026;
/// The CBEC annual limit, 26,000.00 yuan.
const ANNUAL_LIMIT: Cny = Cny::from_minor(2_600_000);
/// The freight of every order, shared out over its lines.
const ORDER_FREIGHT_FEN: i64 = 1_000;

/// T0 plus whole seconds: keeps T0's microsecond digits.
fn at(seconds: i64) -> DateTime<Utc> {
    t0() + TimeDelta::seconds(seconds)
}

fn fen(minor: i64) -> Cny {
    Cny::from_minor(minor)
}

/// A 32-byte stand-in for the keyed hash of a person's ID number.
fn id_hash(user: UserId) -> Vec<u8> {
    let bytes = user.as_uuid().into_bytes();
    bytes.iter().chain(bytes.iter().rev()).copied().collect()
}

fn identity_of(user: UserId, id_number_hash: Vec<u8>, created_at: DateTime<Utc>) -> IdentityRecord {
    IdentityRecord {
        user_id: user,
        real_name: "王小明".into(),
        // nonce || ciphertext, with the bytes an encoding might mangle (0x00, 0xff).
        id_number_cipher: (0u8..=27).chain([0x00, 0xff, 0x80, 0x00]).collect(),
        id_number_hash,
        id_number_masked: "1101**********123X".into(),
        phone: "+86 138 0013 8000".into(),
        created_at,
        updated_at: created_at + TimeDelta::microseconds(1),
    }
}

fn assert_identity(step: &str, expected: &IdentityRecord, got: &IdentityRecord) {
    assert_fields!(step, expected, got;
        user_id, real_name, id_number_cipher, id_number_hash, id_number_masked, phone, created_at, updated_at);
}

/// A consumer with a verified identity.
pub(super) struct Buyer {
    pub(super) id: UserId,
    pub(super) hash: Vec<u8>,
}

pub(super) async fn buyer(store: &dyn Store) -> Buyer {
    let user = user(store, Role::Consumer).await;
    let hash = id_hash(user.id);
    store.save_identity(identity_of(user.id, hash.clone(), t0())).await.must("save a buyer's identity");
    Buyer { id: user.id, hash }
}

/// A merchant approved by the operator (Pending → Active).
pub(super) async fn active_merchant(store: &dyn Store) -> Merchant {
    let m = merchant(store).await;
    store.set_merchant_status(m.id, MerchantStatus::Pending, MerchantStatus::Active).await.must("approve a merchant")
}

/// A listed product with the given stock and price.
pub(super) async fn listed(
    store: &dyn Store,
    merchant: MerchantId,
    sku: &str,
    stock: i64,
    price_cents: i64,
) -> Product {
    let new = NewProduct {
        fields: ProductFields {
            stock,
            price: Usd::from_minor(price_cents),
            ..product_fields(sku, ProductStatus::Listed)
        },
        ..new_product(merchant, sku, ProductStatus::Listed)
    };
    store.create_product(new).await.must("create a listed product")
}

pub(super) async fn read_product(store: &dyn Store, id: ProductId) -> Product {
    store.product(id).await.must("product").must("a product of the scenario")
}

/// Made-up amounts of a line, distinct per field: the store keeps what it is given.
fn line_amounts(goods: i64, freight: i64) -> Amounts {
    let dutiable = goods + freight;
    Amounts {
        goods: fen(goods),
        freight: fen(freight),
        duty: fen(dutiable * 3 / 100 + 1),
        consumption_tax: fen(dutiable * 2 / 100 + 2),
        vat: fen(dutiable * 63 / 1000 + 3),
    }
}

/// One order of `merchant` for `items` (product, quantity), at the products' own
/// prices and classes, with the order's amounts summed from its lines.
pub(super) fn new_order(merchant: MerchantId, items: &[(&Product, i64)]) -> NewOrder {
    let n = items.len() as i64;
    let lines: Vec<OrderLine> = items
        .iter()
        .enumerate()
        .map(|(i, &(product, quantity))| {
            let unit_price = fen((product.fields.price.minor() * FX_MICROS + 500_000) / 1_000_000);
            let share = ORDER_FREIGHT_FEN / n;
            let freight = if i as i64 == n - 1 { ORDER_FREIGHT_FEN - share * (n - 1) } else { share };
            OrderLine {
                product_id: product.id,
                sku: product.fields.sku.clone(),
                title_en: product.fields.title_en.clone(),
                title_zh: product.fields.title_zh.clone(),
                tax_class: product.fields.tax_class.clone(),
                hs_code: product.fields.hs_code.clone(),
                quantity,
                unit_price_usd_cents: product.fields.price.minor(),
                unit_price,
                amounts: line_amounts(unit_price.minor() * quantity, freight),
            }
        })
        .collect();
    let sum = |field: fn(&Amounts) -> Cny| fen(lines.iter().map(|l| field(&l.amounts).minor()).sum());
    let amounts = Amounts {
        goods: sum(|a| a.goods),
        freight: sum(|a| a.freight),
        duty: sum(|a| a.duty),
        consumption_tax: sum(|a| a.consumption_tax),
        vat: sum(|a| a.vat),
    };
    let tax = fen(amounts.duty.minor() + amounts.consumption_tax.minor() + amounts.vat.minor());
    NewOrder {
        id: OrderId::new(),
        merchant_id: merchant,
        regime: "cbec".into(),
        fx_rate_micros: FX_MICROS,
        amounts,
        tax,
        total: fen(amounts.goods.minor() + amounts.freight.minor() + tax.minor()),
        weight_g: items.iter().map(|&(product, quantity)| product.fields.weight_g * quantity).sum(),
        lines,
        weight_charges: Vec::new(),
    }
}

/// What an order charges against the annual quota: goods plus freight.
fn dutiable(order: &NewOrder) -> i64 {
    order.amounts.goods.minor() + order.amounts.freight.minor()
}

fn dutiable_of(checkout: &NewCheckout) -> i64 {
    checkout.orders.iter().map(dutiable).sum()
}

fn address() -> Address {
    Address {
        recipient: "王小明".into(),
        phone: "13800138000".into(),
        province: "浙江省".into(),
        city: "杭州市".into(),
        district: "西湖区".into(),
        street: "文三路 90 号 \"东部软件园\" 3 幢 1201".into(),
        postal_code: "310012".into(),
    }
}

/// The request hash every scenario claims `key` with.
fn request_hash(key: &str) -> Vec<u8> {
    format!("sha256:{key}").into_bytes()
}

/// When a checkout made at `created_at` claimed its key.
fn claimed_at(created_at: DateTime<Utc>) -> DateTime<Utc> {
    created_at - TimeDelta::seconds(1)
}

async fn claim_key(store: &dyn Store, buyer: &Buyer, key: &str, created_at: DateTime<Utc>) {
    let claim = store
        .claim_idempotency(buyer.id, key, &request_hash(key), claimed_at(created_at))
        .await
        .must("claim_idempotency of a new key");
    assert_eq!(claim, IdempotencyClaim::Claimed, "claim_idempotency of the new key {key:?}");
}

/// The checkout of `orders` from `cart`, paying their totals, with the answer to store.
fn new_checkout(
    cart: CartId,
    buyer: &Buyer,
    key: String,
    orders: Vec<NewOrder>,
    created_at: DateTime<Utc>,
) -> NewCheckout {
    let payment_id = PaymentId::new();
    let amount = fen(orders.iter().map(|o| o.total.minor()).sum());
    let order_ids: Vec<String> = orders.iter().map(|o| o.id.to_string()).collect();
    let response = serde_json::json!({
        "payment_id": payment_id.to_string(),
        "orders": order_ids,
        "total": amount.to_string(),
    })
    .to_string();
    NewCheckout {
        cart_id: cart,
        buyer_id: buyer.id,
        payment_id,
        amount,
        provider: "sandbox".into(),
        payment: CheckoutPayment::Captured { provider_ref: format!("sbx_{}", payment_id.as_uuid().simple()) },
        id_number_hash: buyer.hash.clone(),
        quota_year: YEAR,
        quota_limit: ANNUAL_LIMIT,
        address: address(),
        orders,
        request_hash: request_hash(&key),
        idempotency_key: key,
        response,
        created_at,
    }
}

/// The same checkout (payment, key, cart) with other orders, paying their totals.
fn with_orders(checkout: &NewCheckout, orders: Vec<NewOrder>) -> NewCheckout {
    NewCheckout { amount: fen(orders.iter().map(|o| o.total.minor()).sum()), orders, ..checkout.clone() }
}

/// A cart of the buyer holding the orders' lines, a claimed key, and the checkout.
pub(super) async fn prepare(
    store: &dyn Store,
    buyer: &Buyer,
    orders: Vec<NewOrder>,
    created_at: DateTime<Utc>,
) -> NewCheckout {
    let cart = CartId::new();
    store.create_cart(cart, Some(buyer.id), created_at - TimeDelta::minutes(5)).await.must("create a cart");
    for (i, line) in orders.iter().flat_map(|o| &o.lines).enumerate() {
        let added_at = created_at - TimeDelta::minutes(4) + TimeDelta::seconds(i as i64);
        store.set_cart_item(cart, line.product_id, line.quantity, added_at).await.must("put a line in the cart");
    }
    let key = format!("checkout-{}", cart.as_uuid().simple());
    claim_key(store, buyer, &key, created_at).await;
    new_checkout(cart, buyer, key, orders, created_at)
}

pub(super) async fn place_ok(store: &dyn Store, checkout: &NewCheckout, step: &str) {
    match store.place_checkout(checkout.clone()).await {
        Ok(Ok(())) => {}
        other => panic!("{step}: expected place_checkout to succeed, got {other:?}"),
    }
}

pub(super) async fn place_refused(store: &dyn Store, checkout: &NewCheckout, step: &str) -> CheckoutRefusal {
    match store.place_checkout(checkout.clone()).await {
        Ok(Err(refusal)) => refusal,
        other => panic!("{step}: expected place_checkout to refuse, got {other:?}"),
    }
}

/// The order as `order()` must return it right after the checkout.
fn expected_order(checkout: &NewCheckout, order: &NewOrder) -> Order {
    Order {
        id: order.id,
        payment_id: checkout.payment_id,
        buyer_id: checkout.buyer_id,
        merchant_id: order.merchant_id,
        status: OrderStatus::Paid,
        regime: order.regime.clone(),
        fx_rate_micros: order.fx_rate_micros,
        amounts: order.amounts,
        tax: order.tax,
        total: order.total,
        weight_g: order.weight_g,
        quota_year: checkout.quota_year,
        address: checkout.address.clone(),
        carrier: None,
        tracking_no: None,
        lines: order.lines.clone(),
        payment_status: "captured".into(),
        payment_provider_ref: match &checkout.payment {
            CheckoutPayment::Captured { provider_ref } => provider_ref.clone(),
            CheckoutPayment::Pending { .. } => String::new(),
        },
        payment_method: PaymentMethod::Sandbox,
        payer_id_number_hash: checkout.id_number_hash.clone(),
        cancel_reason: None,
        created_at: checkout.created_at,
        updated_at: checkout.created_at,
        shipped_at: None,
        delivered_at: None,
        closed_at: None,
    }
}

fn assert_order(step: &str, expected: &Order, got: &Order) {
    assert_fields!(step, expected, got;
        id, payment_id, buyer_id, merchant_id, status, regime, fx_rate_micros, amounts, tax, total, weight_g,
        quota_year, address, carrier, tracking_no, payment_status, payment_provider_ref, created_at, updated_at,
        shipped_at, delivered_at, closed_at);
    assert_eq!(expected.lines.len(), got.lines.len(), "{step}: the number of lines");
    for (i, (e, g)) in expected.lines.iter().zip(&got.lines).enumerate() {
        let line = format!("{step}, line {}", i + 1);
        assert_fields!(line, e, g;
            product_id, sku, title_en, title_zh, tax_class, hs_code, quantity, unit_price_usd_cents, unit_price,
            amounts);
    }
}

async fn read_order(store: &dyn Store, id: OrderId, step: &str) -> Order {
    store.order(id).await.must(step).must(step)
}

/// (topic, order id, payload status, created_at) of the outbox's `order.*` events.
async fn order_events(store: &dyn Store) -> Vec<(String, Uuid, String, DateTime<Utc>)> {
    let events = store.pending_outbox(1000).await.must("pending_outbox");
    events
        .into_iter()
        .filter(|e| e.topic.starts_with("order."))
        .map(|e| {
            let payload: serde_json::Value = match serde_json::from_str(&e.payload) {
                Ok(value) => value,
                Err(error) => panic!("outbox payload {:?} is not JSON: {error}", e.payload),
            };
            assert_eq!(
                payload["order_id"],
                e.aggregate_id.to_string(),
                "payload.order_id of {} differs from its aggregate id",
                e.topic
            );
            let status = payload["status"].as_str().unwrap_or("<no status>").to_string();
            (e.topic, e.aggregate_id, status, e.created_at)
        })
        .collect()
}

/// What a refused checkout must leave as it was.
#[derive(Debug, PartialEq)]
struct Snapshot {
    /// (id, stock, version, updated_at) of the tracked products.
    products: Vec<(ProductId, i64, i64, DateTime<Utc>)>,
    quota: Cny,
    buyer_orders: Vec<Uuid>,
    outbox: Vec<i64>,
    cart_checked_out_at: Option<DateTime<Utc>>,
    cart_items: Vec<CartItem>,
}

async fn snapshot(store: &dyn Store, products: &[&Product], buyer: &Buyer, cart: CartId) -> Snapshot {
    let mut rows = Vec::new();
    for product in products {
        let p = read_product(store, product.id).await;
        rows.push((p.id, p.fields.stock, p.version, p.updated_at));
    }
    let orders = store.orders_of_buyer(buyer.id, page(None, 100)).await.must("orders_of_buyer");
    let outbox = store.pending_outbox(1000).await.must("pending_outbox");
    let cart = store.cart(cart).await.must("cart").must("the checkout's cart");
    Snapshot {
        products: rows,
        quota: store.quota_used(&buyer.hash, YEAR).await.must("quota_used"),
        buyer_orders: orders.items.iter().map(|o| o.id.as_uuid()).collect(),
        outbox: outbox.iter().map(|e| e.id).collect(),
        cart_checked_out_at: cart.checked_out_at,
        cart_items: cart.items,
    }
}

/// A refused checkout wrote nothing: stock, versions, quota, orders, outbox and cart
/// are as before, its orders do not exist and its key holds no answer.
async fn assert_nothing_written(
    store: &dyn Store,
    step: &str,
    before: &Snapshot,
    products: &[&Product],
    buyer: &Buyer,
    checkout: &NewCheckout,
) {
    let after = snapshot(store, products, buyer, checkout.cart_id).await;
    assert_eq!(before, &after, "{step}: the refused checkout changed stock, quota, orders, outbox or cart");
    for order in &checkout.orders {
        assert!(store.order(order.id).await.must("order").is_none(), "{step}: the refused order {} exists", order.id);
    }
    let key = &checkout.idempotency_key;
    let claim = store
        .claim_idempotency(buyer.id, key, b"another request", claimed_at(checkout.created_at))
        .await
        .must("claim_idempotency after a refusal");
    assert_eq!(
        claim,
        IdempotencyClaim::InProgress { request_hash: request_hash(key) },
        "{step}: the key of a refused checkout must stay in progress, with no answer stored"
    );
}

pub(super) fn change(id: OrderId, from: OrderStatus, to: OrderStatus, at: DateTime<Utc>) -> OrderStatusChange {
    OrderStatusChange { id, from, to, at, shipment: None, restore: false }
}

// ---------------------------------------------------------------------------------
// Identities
// ---------------------------------------------------------------------------------

/// Every field of an identity survives the round trip (bytes and microseconds
/// included); saving again replaces it for the same user only; unknown users have
/// none and unknown people have used none of their quota.
pub async fn identities_round_trip_and_upsert(store: &dyn Store) {
    let jo = user(store, Role::Consumer).await;
    let ann = user(store, Role::Consumer).await;
    assert!(store.identity(jo.id).await.must("identity before any").is_none(), "no identity before save_identity");

    let first = identity_of(jo.id, id_hash(jo.id), t0());
    store.save_identity(first.clone()).await.must("save_identity");
    let read = store.identity(jo.id).await.must("identity").must("identity after save_identity");
    assert_identity("identity after save_identity", &first, &read);
    assert_eq!(read.created_at.timestamp_micros(), T0_MICROS, "identity: created_at lost its microseconds");

    let anns = IdentityRecord {
        real_name: "李娜".into(),
        id_number_cipher: vec![9; 40],
        id_number_masked: "3301**********0021".into(),
        phone: "13900139000".into(),
        ..identity_of(ann.id, id_hash(ann.id), at(5))
    };
    store.save_identity(anns.clone()).await.must("save_identity of another user");

    // The app re-verifies with the first created_at and a new updated_at.
    let second = IdentityRecord {
        real_name: "王晓明".into(),
        id_number_cipher: (100u8..160).collect(),
        id_number_hash: vec![0xab; 32],
        id_number_masked: "4403**********5678".into(),
        phone: "+86 139 0000 0001".into(),
        updated_at: at(3600) + TimeDelta::microseconds(7),
        ..first.clone()
    };
    store.save_identity(second.clone()).await.must("save_identity again (upsert)");
    let read = store.identity(jo.id).await.must("identity").must("identity after the second save");
    assert_identity("identity after saving again", &second, &read);
    let read = store.identity(ann.id).await.must("identity").must("the other user's identity");
    assert_identity("the other user's identity after jo saved again", &anns, &read);

    assert!(store.identity(UserId::new()).await.must("identity(unknown)").is_none(), "identity of an unknown user");
    assert_eq!(store.quota_used(&[0x42; 32], YEAR).await.must("quota_used(unknown)"), Cny::ZERO, "unknown hash");
    assert_eq!(store.quota_used(&second.id_number_hash, YEAR).await.must("quota_used"), Cny::ZERO, "no order yet");
    assert_eq!(store.quota_used(&[], 1999).await.must("quota_used(empty hash)"), Cny::ZERO, "empty hash");
}

// ---------------------------------------------------------------------------------
// Carts
// ---------------------------------------------------------------------------------

/// Carts with and without owner; items in the order added, quantities replaced in
/// place, 0 removes; `claim_cart` only gives an owner-less cart an owner; a
/// checked-out cart is `Stale` to `set_cart_item`.
pub async fn carts_round_trip_and_items(store: &dyn Store) {
    let m = active_merchant(store).await;
    let p1 = listed(store, m.id, "P1", 50, 1299).await;
    let p2 = listed(store, m.id, "P2", 50, 2450).await;
    let p3 = listed(store, m.id, "P3", 50, 899).await;
    let jo = buyer(store).await;
    let intruder = user(store, Role::Consumer).await;

    let owned = CartId::new();
    store.create_cart(owned, Some(jo.id), at(0)).await.must("create_cart with an owner");
    let read = store.cart(owned).await.must("cart").must("the owned cart");
    assert_eq!(
        (read.id, read.owner_id, read.items.clone(), read.checked_out_at, read.created_at),
        (owned, Some(jo.id), vec![], None, at(0)),
        "a new cart with an owner: (id, owner, items, checked_out_at, created_at)"
    );
    let anon = CartId::new();
    store.create_cart(anon, None, at(1)).await.must("create_cart without an owner");
    let read = store.cart(anon).await.must("cart").must("the anonymous cart");
    assert_eq!(
        (read.id, read.owner_id, read.items.clone(), read.checked_out_at, read.created_at),
        (anon, None, vec![], None, at(1)),
        "a new cart without an owner: (id, owner, items, checked_out_at, created_at)"
    );
    assert!(store.cart(CartId::new()).await.must("cart(unknown)").is_none(), "cart of an unknown id");

    let item = |product: &Product, quantity: i64| CartItem { product_id: product.id, quantity };
    let items = move |cart: CartId| async move { store.cart(cart).await.must("cart").must("cart").items };

    // Added out of id order: the cart keeps the order they were added in.
    store.set_cart_item(owned, p3.id, 2, at(10)).await.must("add p3");
    store.set_cart_item(owned, p1.id, 1, at(11)).await.must("add p1");
    store.set_cart_item(owned, p2.id, 5, at(12)).await.must("add p2");
    assert_eq!(items(owned).await, vec![item(&p3, 2), item(&p1, 1), item(&p2, 5)], "items in the order added");

    store.set_cart_item(owned, p3.id, 7, at(13)).await.must("change p3's quantity");
    assert_eq!(items(owned).await, vec![item(&p3, 7), item(&p1, 1), item(&p2, 5)], "a quantity replaced in place");
    store.set_cart_item(owned, p1.id, 0, at(14)).await.must("remove p1");
    assert_eq!(items(owned).await, vec![item(&p3, 7), item(&p2, 5)], "quantity 0 removes the line");
    store.set_cart_item(owned, p1.id, 0, at(15)).await.must("remove p1 again");
    assert_eq!(items(owned).await, vec![item(&p3, 7), item(&p2, 5)], "removing an absent line changes nothing");
    store.set_cart_item(owned, p1.id, 4, at(16)).await.must("add p1 back");
    assert_eq!(items(owned).await, vec![item(&p3, 7), item(&p2, 5), item(&p1, 4)], "a line added back comes last");

    assert_not_found(store.set_cart_item(owned, ProductId::new(), 1, at(16)).await, "a product that does not exist");
    assert_eq!(items(owned).await, vec![item(&p3, 7), item(&p2, 5), item(&p1, 4)], "a refused line changes nothing");
    store.set_cart_item(owned, ProductId::new(), 0, at(16)).await.must("removing one that does not exist");

    store.set_cart_item(anon, p2.id, 1, at(17)).await.must("add to the anonymous cart");
    assert_eq!(items(anon).await, vec![item(&p2, 1)], "the anonymous cart's items");
    assert_eq!(items(owned).await, vec![item(&p3, 7), item(&p2, 5), item(&p1, 4)], "carts keep their own items");

    // Claims.
    store.claim_cart(anon, jo.id).await.must("claim the anonymous cart");
    let read = store.cart(anon).await.must("cart").must("cart");
    assert_eq!(read.owner_id, Some(jo.id), "claim_cart gives an owner-less cart its owner");
    assert_eq!(read.items, vec![item(&p2, 1)], "claim_cart keeps the items");
    store.claim_cart(anon, intruder.id).await.must("a second claim by another user");
    let read = store.cart(anon).await.must("cart").must("cart");
    assert_eq!(read.owner_id, Some(jo.id), "a second claim by another user must not change the owner");
    store.claim_cart(owned, intruder.id).await.must("claim a cart created with an owner");
    let read = store.cart(owned).await.must("cart").must("cart");
    assert_eq!(read.owner_id, Some(jo.id), "a claim of a cart created with an owner must not change the owner");

    // Checked out: no more changes.
    let order = new_order(m.id, &[(&p3, 7), (&p2, 5), (&p1, 4)]);
    let key = "cart-checkout".to_string();
    claim_key(store, &jo, &key, at(100)).await;
    let checkout = new_checkout(owned, &jo, key, vec![order], at(100));
    place_ok(store, &checkout, "check the cart out").await;
    let read = store.cart(owned).await.must("cart").must("cart");
    assert_eq!(read.checked_out_at, Some(at(100)), "place_checkout marks the cart checked out at the checkout's time");
    let before = read.items;
    assert_stale(store.set_cart_item(owned, p1.id, 2, at(101)).await, "set_cart_item on a checked-out cart");
    assert_stale(store.set_cart_item(owned, p1.id, 0, at(102)).await, "removing from a checked-out cart");
    assert_stale(store.set_cart_item(owned, p2.id, 0, at(102)).await, "removing another line of a checked-out cart");
    assert_eq!(items(owned).await, before, "a refused set_cart_item changed a checked-out cart");
    store.set_cart_item(anon, p1.id, 3, at(103)).await.must("the other cart is still open");
    assert_eq!(items(anon).await, vec![item(&p2, 1), item(&p1, 3)], "the open cart's items");
}

/// `add_cart_item` adds to the line in one operation: adds of one product to one
/// cart that run at once all count, whether the line existed or not; a line stops at
/// `max`; an unknown product is `NotFound`, a checked-out cart `Stale`, and neither
/// changes the cart.
pub async fn carts_concurrent_adds_all_count(store: &dyn Store) {
    const CALLS: usize = 8;
    const MAX: i64 = 999;
    let m = active_merchant(store).await;
    let honey = listed(store, m.id, "HONEY", 50, 1299).await;
    let tea = listed(store, m.id, "TEA", 50, 899).await;
    let jo = buyer(store).await;
    let cart = CartId::new();
    store.create_cart(cart, Some(jo.id), at(0)).await.must("create a cart");
    let item = |product: &Product, quantity: i64| CartItem { product_id: product.id, quantity };
    let items = move |cart: CartId| async move { store.cart(cart).await.must("cart").must("cart").items };

    // Open several pooled connections first, so the calls really start together.
    let pings: Vec<BoxFuture<'_, StoreResult<()>>> = (0..CALLS).map(|_| store.ping()).collect();
    for result in join_all(pings).await {
        result.must("ping");
    }
    // The line does not exist yet: the adds race to make it.
    let adds: Vec<BoxFuture<'_, _>> = (0..CALLS).map(|_| store.add_cart_item(cart, honey.id, 2, MAX, at(1))).collect();
    let mut after: Vec<i64> = join_all(adds).await.into_iter().map(|r| r.must("a racing add")).collect();
    after.sort_unstable();
    let expected: Vec<i64> = (1..=CALLS as i64).map(|n| 2 * n).collect();
    assert_eq!(after, expected, "{CALLS} racing adds of 2 units: each sees the line after its own add");
    assert_eq!(items(cart).await, vec![item(&honey, 2 * CALLS as i64)], "{CALLS} racing adds of 2 units all count");

    // The line exists: the adds race to update it.
    let adds: Vec<BoxFuture<'_, _>> = (0..CALLS).map(|_| store.add_cart_item(cart, honey.id, 3, MAX, at(2))).collect();
    for result in join_all(adds).await {
        result.must("a racing add to an existing line");
    }
    assert_eq!(items(cart).await, vec![item(&honey, 5 * CALLS as i64)], "racing adds to an existing line all count");

    // A second line comes after the first; the bound caps a line.
    let now = store.add_cart_item(cart, tea.id, 7, MAX, at(3)).await.must("add tea");
    assert_eq!(now, 7, "a new line holds the units added");
    let now = store.add_cart_item(cart, tea.id, MAX, MAX, at(4)).await.must("add past the bound");
    assert_eq!(now, MAX, "an add past the bound leaves the line at the bound");
    let now = store.add_cart_item(cart, tea.id, 1, MAX, at(5)).await.must("add to a full line");
    assert_eq!(now, MAX, "an add to a full line leaves it at the bound");
    let now = store.add_cart_item(cart, honey.id, MAX - 40, MAX, at(6)).await.must("add up to the bound");
    assert_eq!(now, MAX, "an add that reaches the bound exactly");
    assert_eq!(items(cart).await, vec![item(&honey, MAX), item(&tea, MAX)], "the lines in the order added");

    assert_not_found(store.add_cart_item(cart, ProductId::new(), 1, MAX, at(7)).await, "a product that does not exist");
    assert_eq!(items(cart).await, vec![item(&honey, MAX), item(&tea, MAX)], "a refused add changes nothing");

    // Checked out: no more adds.
    let order = new_order(m.id, &[(&honey, 2), (&tea, 1)]);
    store.set_cart_item(cart, honey.id, 2, at(8)).await.must("set honey for the checkout");
    store.set_cart_item(cart, tea.id, 1, at(8)).await.must("set tea for the checkout");
    let key = "add-checkout".to_string();
    claim_key(store, &jo, &key, at(100)).await;
    place_ok(store, &new_checkout(cart, &jo, key, vec![order], at(100)), "check the cart out").await;
    assert_stale(store.add_cart_item(cart, honey.id, 1, MAX, at(101)).await, "add to a checked-out cart");
    assert_stale(store.add_cart_item(cart, ProductId::new(), 1, MAX, at(101)).await, "add an unknown product");
    assert_eq!(items(cart).await, vec![item(&honey, 2), item(&tea, 1)], "a refused add changed a checked-out cart");
}

/// `products_by_ids` returns exactly the products that exist, whatever their status
/// or merchant's status, with every field; unknown ids are ignored.
pub async fn carts_products_by_ids_returns_the_existing_ones(store: &dyn Store) {
    let active = active_merchant(store).await;
    let pending = merchant(store).await;
    let p1 = listed(store, active.id, "P1", 3, 1299).await;
    let blocked = store
        .create_product(new_product(pending.id, "BLOCKED", ProductStatus::Blocked))
        .await
        .must("create a blocked product");
    let p3 = listed(store, active.id, "P3", 0, 1).await;
    listed(store, active.id, "NOT-ASKED", 9, 100).await;

    let asked = [p3.id, ProductId::new(), p1.id, blocked.id, ProductId::new()];
    let mut got = store.products_by_ids(&asked).await.must("products_by_ids");
    got.sort_by_key(|p| p.id);
    let got_blocked = got.iter().find(|p| p.id == blocked.id).must("the blocked product is returned");
    let expected = sorted(vec![p1.id.as_uuid(), blocked.id.as_uuid(), p3.id.as_uuid()]);
    assert_eq!(
        got.iter().map(|p| p.id.as_uuid()).collect::<Vec<_>>(),
        expected,
        "products_by_ids returns exactly the existing products asked for"
    );
    for product in &got {
        let read = read_product(store, product.id).await;
        assert_same_product("an item of products_by_ids", &read, product);
    }
    assert_eq!(got_blocked.merchant_status, MerchantStatus::Pending, "products_by_ids reads the merchant's status");

    assert!(store.products_by_ids(&[]).await.must("products_by_ids([])").is_empty(), "empty input, empty output");
    let none = store.products_by_ids(&[ProductId::new(), ProductId::new()]).await.must("products_by_ids(unknown)");
    assert!(none.is_empty(), "unknown ids only: no products, got {}", none.len());
    let one = store.products_by_ids(&[blocked.id]).await.must("products_by_ids(one)");
    assert_eq!(one.len(), 1, "products_by_ids of one id");
    assert_same_product("products_by_ids of one id", &blocked, &one[0]);
}

/// The freight table is seeded with SPEC 5's numbers.
pub async fn freight_rates_are_seeded(store: &dyn Store) {
    let rates = store.freight_rates().await.must("freight_rates");
    assert_eq!(
        (rates.direct_first_500g.minor(), rates.direct_each_further_500g.minor(), rates.bonded_flat.minor()),
        (4_000, 2_000, 1_000),
        "freight rates in fen: (direct first 500 g, each further 500 g, bonded flat)"
    );
    assert_eq!(rates, FreightRates::default(), "the seeded freight table is SPEC 5's");
}

// ---------------------------------------------------------------------------------
// Idempotency keys
// ---------------------------------------------------------------------------------

/// A key is claimed once, then in progress (with the first request's hash) until a
/// checkout completes it with its answer; releasing frees an in-progress key but
/// not a completed one; keys are per user.
pub async fn idempotency_keys_claim_complete_release(store: &dyn Store) {
    let jo = buyer(store).await;
    let ann = buyer(store).await;
    let (h1, h2) = (b"request-1".to_vec(), b"request-2".to_vec());
    let claim = move |who: UserId, key: &'static str, hash: Vec<u8>, at: DateTime<Utc>| async move {
        store.claim_idempotency(who, key, &hash, at).await.must(&format!("claim_idempotency({key})"))
    };

    assert_eq!(claim(jo.id, "key-1", h1.clone(), at(0)).await, IdempotencyClaim::Claimed, "the first claim");
    assert_eq!(
        claim(jo.id, "key-1", h2.clone(), at(1)).await,
        IdempotencyClaim::InProgress { request_hash: h1.clone() },
        "a second claim (another request) finds the first request's hash in progress"
    );
    assert_eq!(
        claim(jo.id, "key-1", h1.clone(), at(2)).await,
        IdempotencyClaim::InProgress { request_hash: h1.clone() },
        "a second claim (the same request) finds it in progress"
    );

    // Keys are per user.
    assert_eq!(
        claim(ann.id, "key-1", h2.clone(), at(3)).await,
        IdempotencyClaim::Claimed,
        "the same key, another user"
    );
    assert_eq!(
        claim(ann.id, "key-1", h1.clone(), at(4)).await,
        IdempotencyClaim::InProgress { request_hash: h2.clone() },
        "the other user's claim holds their own request hash"
    );

    // Releasing an in-progress key frees it, for its user only.
    store.release_idempotency(jo.id, "key-1").await.must("release_idempotency");
    assert_eq!(claim(jo.id, "key-1", h2.clone(), at(5)).await, IdempotencyClaim::Claimed, "a claim after release");
    assert_eq!(
        claim(jo.id, "key-1", h1.clone(), at(6)).await,
        IdempotencyClaim::InProgress { request_hash: h2.clone() },
        "the key claimed again holds the new request's hash"
    );
    assert_eq!(
        claim(ann.id, "key-1", h1.clone(), at(7)).await,
        IdempotencyClaim::InProgress { request_hash: h2.clone() },
        "releasing jo's key must not release ann's"
    );
    store.release_idempotency(jo.id, "never-claimed").await.must("releasing an unknown key is not an error");

    // A checkout completes its key with its answer.
    let m = active_merchant(store).await;
    let honey = listed(store, m.id, "HONEY", 10, 1299).await;
    let checkout = prepare(store, &jo, vec![new_order(m.id, &[(&honey, 1)])], at(100)).await;
    place_ok(store, &checkout, "place_checkout").await;
    let key = checkout.idempotency_key.as_str();
    let completed =
        IdempotencyClaim::Completed { request_hash: request_hash(key), response: checkout.response.clone() };
    let got = store.claim_idempotency(jo.id, key, b"a retry", at(101)).await.must("claim a completed key");
    assert_eq!(got, completed, "a claim after the checkout finds it completed with the stored answer");

    store.release_idempotency(jo.id, key).await.must("release a completed key");
    let got = store.claim_idempotency(jo.id, key, b"a retry", at(102)).await.must("claim after releasing");
    assert_eq!(got, completed, "release_idempotency must not delete a completed key");
    // Much later, still completed.
    let got = store.claim_idempotency(jo.id, key, b"a retry", at(86_400)).await.must("claim a day later");
    assert_eq!(got, completed, "a completed key stays completed");

    let got = store.claim_idempotency(ann.id, key, b"ann's", at(103)).await.must("claim jo's key as ann");
    assert_eq!(got, IdempotencyClaim::Claimed, "jo's completed key is not ann's");
}

/// Concurrent claims of one key by one user (distinct requests): exactly one is
/// `Claimed`, every other finds the winner's request in progress.
pub async fn idempotency_concurrent_claims_one_wins(store: &dyn Store) {
    const CALLS: usize = 8;
    let jo = buyer(store).await;
    let pings: Vec<BoxFuture<'_, StoreResult<()>>> = (0..CALLS).map(|_| store.ping()).collect();
    for result in join_all(pings).await {
        result.must("ping");
    }
    let hashes: Vec<Vec<u8>> = (0..CALLS).map(|i| format!("request-{i}").into_bytes()).collect();
    let calls: Vec<BoxFuture<'_, _>> =
        hashes.iter().map(|hash| store.claim_idempotency(jo.id, "double-click", hash, at(0))).collect();
    let results = join_all(calls).await;
    let outcomes: Vec<String> = results.iter().map(|r| format!("{r:?}")).collect();
    let winners: Vec<&Vec<u8>> = hashes
        .iter()
        .zip(&results)
        .filter(|(_, r)| matches!(r, Ok(IdempotencyClaim::Claimed)))
        .map(|(hash, _)| hash)
        .collect();
    assert_eq!(winners.len(), 1, "{CALLS} concurrent claims of one key: exactly one Claimed; all: {outcomes:?}");
    let in_progress = IdempotencyClaim::InProgress { request_hash: winners[0].clone() };
    let others = results.iter().filter(|r| matches!(r, Ok(claim) if *claim == in_progress)).count();
    assert_eq!(others, CALLS - 1, "the others find the winner's request in progress; all: {outcomes:?}");
}

// ---------------------------------------------------------------------------------
// Checkout
// ---------------------------------------------------------------------------------

/// A checkout of two orders (two merchants, three lines) takes the stock, bumps the
/// products' versions, stores the orders with every field, charges the quota, writes
/// `order.placed` events, checks the cart out and completes the key; the same cart
/// cannot be checked out twice.
pub async fn checkout_writes_everything(store: &dyn Store) {
    let a = active_merchant(store).await;
    let b = active_merchant(store).await;
    let honey = listed(store, a.id, "HONEY", 10, 1299).await;
    let comb = listed(store, a.id, "COMB", 5, 2450).await;
    let syrup = listed(store, b.id, "SYRUP", 4, 899).await;
    let jo = buyer(store).await;
    let ann = buyer(store).await;
    assert!(order_events(store).await.is_empty(), "no order events before the checkout");

    let first = new_order(a.id, &[(&honey, 2), (&comb, 1)]);
    let second = NewOrder { regime: "cbec_full_tax".into(), ..new_order(b.id, &[(&syrup, 3)]) };
    let checkout = prepare(store, &jo, vec![first.clone(), second.clone()], at(100)).await;
    place_ok(store, &checkout, "place_checkout").await;

    for (product, quantity) in [(&honey, 2), (&comb, 1), (&syrup, 3)] {
        let read = read_product(store, product.id).await;
        let step = format!("product {} after the checkout", product.fields.sku);
        assert_eq!(read.fields.stock, product.fields.stock - quantity, "{step}: stock minus the quantity");
        assert_eq!(read.version, product.version + 1, "{step}: the version is bumped once");
        let expected = ProductFields { stock: product.fields.stock - quantity, ..product.fields.clone() };
        assert_fields_of_product(&step, &expected, &read.fields);
    }

    for order in &checkout.orders {
        let got = read_order(store, order.id, "order after the checkout").await;
        assert_order("order() after the checkout", &expected_order(&checkout, order), &got);
    }
    assert!(store.order(OrderId::new()).await.must("order(unknown)").is_none(), "order of an unknown id");

    let mine = store.orders_of_buyer(jo.id, page(None, 10)).await.must("orders_of_buyer");
    assert_eq!(
        mine.items.iter().map(|o| o.id).collect::<Vec<_>>(),
        vec![second.id, first.id],
        "orders_of_buyer: both orders, newest first"
    );
    assert_eq!(mine.next, None, "orders_of_buyer: one page");
    for (got, order) in mine.items.iter().zip([&second, &first]) {
        assert_order("an item of orders_of_buyer", &expected_order(&checkout, order), got);
    }
    let of_a = store.orders_of_merchant(a.id, page(None, 10)).await.must("orders_of_merchant(a)");
    assert_eq!(of_a.items.iter().map(|o| o.id).collect::<Vec<_>>(), vec![first.id], "orders_of_merchant(a)");
    assert_order("an item of orders_of_merchant", &expected_order(&checkout, &first), &of_a.items[0]);
    let of_b = store.orders_of_merchant(b.id, page(None, 10)).await.must("orders_of_merchant(b)");
    assert_eq!(of_b.items.iter().map(|o| o.id).collect::<Vec<_>>(), vec![second.id], "orders_of_merchant(b)");
    let anns = store.orders_of_buyer(ann.id, page(None, 10)).await.must("orders_of_buyer(ann)");
    assert!(anns.items.is_empty() && anns.next.is_none(), "another buyer has no orders");

    let charged = dutiable(&first) + dutiable(&second);
    assert_eq!(store.quota_used(&jo.hash, YEAR).await.must("quota_used"), fen(charged), "quota: Σ(goods + freight)");
    assert_eq!(store.quota_used(&jo.hash, YEAR + 1).await.must("quota_used"), Cny::ZERO, "quota of another year");
    assert_eq!(store.quota_used(&ann.hash, YEAR).await.must("quota_used"), Cny::ZERO, "quota of another person");

    let placed = vec![
        ("order.placed".to_string(), first.id.as_uuid(), "paid".to_string(), at(100)),
        ("order.placed".to_string(), second.id.as_uuid(), "paid".to_string(), at(100)),
    ];
    assert_eq!(order_events(store).await, placed, "outbox: one order.placed per order (topic, id, status, time)");

    let cart = store.cart(checkout.cart_id).await.must("cart").must("the checked-out cart");
    assert_eq!(cart.checked_out_at, Some(at(100)), "the cart is checked out at the checkout's time");
    let completed =
        store.claim_idempotency(jo.id, &checkout.idempotency_key, b"retry", at(101)).await.must("claim the used key");
    assert_eq!(
        completed,
        IdempotencyClaim::Completed {
            request_hash: request_hash(&checkout.idempotency_key),
            response: checkout.response.clone()
        },
        "the checkout's key is completed with its answer"
    );

    // The same cart again, with a new key and payment: refused, nothing written.
    let key = "second-try".to_string();
    claim_key(store, &jo, &key, at(200)).await;
    let again = new_checkout(checkout.cart_id, &jo, key, vec![new_order(a.id, &[(&honey, 1)])], at(200));
    let products = [&honey, &comb, &syrup];
    let before = snapshot(store, &products, &jo, again.cart_id).await;
    let refusal = place_refused(store, &again, "a second checkout of the same cart").await;
    assert_eq!(refusal, CheckoutRefusal::CartCheckedOut, "a second checkout of the same cart");
    assert_nothing_written(store, "a second checkout of the same cart", &before, &products, &jo, &again).await;
    assert_eq!(order_events(store).await, placed, "no new order events after the refusal");
}

/// Orders are listed newest first, by buyer and by merchant, in keyset pages.
pub async fn checkout_orders_list_newest_first(store: &dyn Store) {
    let a = active_merchant(store).await;
    let b = active_merchant(store).await;
    let honey = listed(store, a.id, "HONEY", 100, 1299).await;
    let syrup = listed(store, b.id, "SYRUP", 100, 899).await;
    let jo = buyer(store).await;
    let ann = buyer(store).await;

    let mut placed: Vec<(NewCheckout, NewOrder)> = Vec::new();
    let mut checkout_of = async |who: &Buyer, orders: Vec<NewOrder>, seconds: i64| {
        let checkout = prepare(store, who, orders, at(seconds)).await;
        place_ok(store, &checkout, "place_checkout").await;
        placed.extend(checkout.orders.iter().map(|o| (checkout.clone(), o.clone())));
        checkout.orders.iter().map(|o| o.id.as_uuid()).collect::<Vec<_>>()
    };
    let j1 = checkout_of(&jo, vec![new_order(a.id, &[(&honey, 1)])], 100).await;
    let j2 = checkout_of(&jo, vec![new_order(a.id, &[(&honey, 2)])], 200).await;
    let an = checkout_of(&ann, vec![new_order(a.id, &[(&honey, 3)]), new_order(b.id, &[(&syrup, 1)])], 300).await;
    let j3 = checkout_of(&jo, vec![new_order(a.id, &[(&honey, 4)])], 400).await;
    let (j1, j2, j3, ann_a, ann_b) = (j1[0], j2[0], j3[0], an[0], an[1]);

    let id_of = |o: &Order| o.id.as_uuid();
    let pages = walk_pages("orders_of_buyer(jo, limit 1)", 1, id_of, |r| store.orders_of_buyer(jo.id, r)).await;
    assert_eq!(pages, vec![vec![j3], vec![j2], vec![j1]], "orders_of_buyer(jo, limit 1): newest first, one per page");
    let pages = walk_pages("orders_of_buyer(jo, limit 2)", 2, id_of, |r| store.orders_of_buyer(jo.id, r)).await;
    assert_eq!(pages, vec![vec![j3, j2], vec![j1]], "orders_of_buyer(jo, limit 2)");
    let pages = walk_pages("orders_of_buyer(ann, limit 1)", 1, id_of, |r| store.orders_of_buyer(ann.id, r)).await;
    assert_eq!(pages, vec![vec![ann_b], vec![ann_a]], "orders_of_buyer(ann, limit 1)");
    let pages = walk_pages("orders_of_merchant(a, limit 1)", 1, id_of, |r| store.orders_of_merchant(a.id, r)).await;
    assert_eq!(pages, vec![vec![j3], vec![ann_a], vec![j2], vec![j1]], "orders_of_merchant(a, limit 1)");
    let pages = walk_pages("orders_of_merchant(b, limit 1)", 1, id_of, |r| store.orders_of_merchant(b.id, r)).await;
    assert_eq!(pages, vec![vec![ann_b]], "orders_of_merchant(b, limit 1)");

    let whole = store.orders_of_buyer(jo.id, page(None, 3)).await.must("orders_of_buyer(limit 3)");
    assert_eq!(whole.next, None, "three orders fit a page of three");
    for got in &whole.items {
        let (checkout, order) = placed.iter().find(|(_, o)| o.id == got.id).must("a listed order was placed");
        assert_order("an item of orders_of_buyer", &expected_order(checkout, order), got);
    }
    let whole = store.orders_of_merchant(a.id, page(None, 10)).await.must("orders_of_merchant(limit 10)");
    for got in &whole.items {
        let (checkout, order) = placed.iter().find(|(_, o)| o.id == got.id).must("a listed order was placed");
        assert_order("an item of orders_of_merchant", &expected_order(checkout, order), got);
    }

    let after_last = store.orders_of_buyer(jo.id, page(Some(j1), 1)).await.must("orders_of_buyer after the last");
    assert!(after_last.items.is_empty() && after_last.next.is_none(), "nothing comes after the oldest order");
    let middle = store.orders_of_buyer(jo.id, page(Some(j2), 5)).await.must("orders_of_buyer after j2");
    assert_eq!(middle.items.iter().map(id_of).collect::<Vec<_>>(), vec![j1], "the page after j2");
    let nobody = store.orders_of_buyer(UserId::new(), page(None, 5)).await.must("orders_of_buyer(unknown)");
    assert!(nobody.items.is_empty() && nobody.next.is_none(), "an unknown buyer has no orders");
    let nothing = store.orders_of_merchant(MerchantId::new(), page(None, 5)).await.must("orders_of_merchant(unknown)");
    assert!(nothing.items.is_empty() && nothing.next.is_none(), "an unknown merchant has no orders");
}

/// A line above the stock refuses the whole checkout with `OutOfStock` and the
/// available units, and rolls everything back (other lines' and orders' stock
/// included); the same payment and orders go through once within the stock.
pub async fn checkout_out_of_stock_rolls_back(store: &dyn Store) {
    let a = active_merchant(store).await;
    let b = active_merchant(store).await;
    let honey = listed(store, a.id, "HONEY", 2, 1299).await;
    let comb = listed(store, a.id, "COMB", 5, 2450).await;
    let syrup = listed(store, b.id, "SYRUP", 4, 899).await;
    let products = [&honey, &comb, &syrup];
    let jo = buyer(store).await;

    // One line above the stock.
    let greedy = prepare(store, &jo, vec![new_order(a.id, &[(&honey, 3)])], at(100)).await;
    let before = snapshot(store, &products, &jo, greedy.cart_id).await;
    assert_eq!(before.cart_checked_out_at, None, "the cart is open before the checkout");
    let refusal = place_refused(store, &greedy, "3 units of 2").await;
    assert_eq!(refusal, CheckoutRefusal::OutOfStock { product_id: honey.id, available: 2 }, "3 units of 2");
    assert_nothing_written(store, "3 units of 2", &before, &products, &jo, &greedy).await;

    // Two orders, the second one short: the first order's stock is not taken.
    let split =
        prepare(store, &jo, vec![new_order(a.id, &[(&comb, 2)]), new_order(b.id, &[(&syrup, 5)])], at(200)).await;
    let before = snapshot(store, &products, &jo, split.cart_id).await;
    let refusal = place_refused(store, &split, "the second order short").await;
    assert_eq!(refusal, CheckoutRefusal::OutOfStock { product_id: syrup.id, available: 4 }, "the second order short");
    assert_nothing_written(store, "the second order short", &before, &products, &jo, &split).await;

    // One order, its second line short: the first line's stock is not taken.
    let lines = prepare(store, &jo, vec![new_order(a.id, &[(&comb, 1), (&honey, 3)])], at(300)).await;
    let before = snapshot(store, &products, &jo, lines.cart_id).await;
    let refusal = place_refused(store, &lines, "the second line short").await;
    assert_eq!(refusal, CheckoutRefusal::OutOfStock { product_id: honey.id, available: 2 }, "the second line short");
    assert_nothing_written(store, "the second line short", &before, &products, &jo, &lines).await;

    // The same payment and order ids within the stock: nothing of the refusal was
    // left behind to collide with (payment, orders, lines).
    let within = NewOrder { id: split.orders[1].id, ..new_order(b.id, &[(&syrup, 4)]) };
    let fixed = with_orders(&split, vec![split.orders[0].clone(), within]);
    place_ok(store, &fixed, "the refused checkout retried within the stock").await;
    assert_eq!(read_product(store, comb.id).await.fields.stock, 3, "comb after the retry");
    assert_eq!(read_product(store, syrup.id).await.fields.stock, 0, "syrup after the retry: all 4 taken");
    for order in &fixed.orders {
        let got = read_order(store, order.id, "an order of the retried checkout").await;
        assert_order("an order of the retried checkout", &expected_order(&fixed, order), &got);
    }
    let used = store.quota_used(&jo.hash, YEAR).await.must("quota_used");
    assert_eq!(used, fen(dutiable_of(&fixed)), "only the placed checkout is charged to the quota");

    // Exactly the stock is enough; then none is left.
    let all = with_orders(&greedy, vec![NewOrder { id: greedy.orders[0].id, ..new_order(a.id, &[(&honey, 2)]) }]);
    place_ok(store, &all, "2 units of 2").await;
    assert_eq!(read_product(store, honey.id).await.fields.stock, 0, "honey after taking all 2 units");
    let late = prepare(store, &jo, vec![new_order(a.id, &[(&honey, 1)])], at(400)).await;
    let before = snapshot(store, &products, &jo, late.cart_id).await;
    let refusal = place_refused(store, &late, "1 unit of 0").await;
    assert_eq!(refusal, CheckoutRefusal::OutOfStock { product_id: honey.id, available: 0 }, "1 unit of 0");
    assert_nothing_written(store, "1 unit of 0", &before, &products, &jo, &late).await;
}

/// A line that no longer matches its product (price, tax class, merchant, existence,
/// listing, merchant's status) refuses the checkout with `Changed` and writes nothing.
pub async fn checkout_changed_products_are_refused(store: &dyn Store) {
    let a = active_merchant(store).await;
    let other = active_merchant(store).await;
    let pending = merchant(store).await;
    let honey = listed(store, a.id, "HONEY", 10, 1299).await;
    let delisted = {
        let p = listed(store, a.id, "DELISTED", 10, 500).await;
        let mut edit = p.clone();
        edit.fields.status = ProductStatus::Delisted;
        store.update_product(edit).await.must("delist a product")
    };
    let suspended_m = active_merchant(store).await;
    let of_suspended = listed(store, suspended_m.id, "SUSPENDED", 10, 700).await;
    let of_pending = listed(store, pending.id, "PENDING", 10, 700).await;
    let jo = &buyer(store).await;
    let products = [&honey, &delisted, &of_suspended, &of_pending];

    let honest = |seconds: i64| prepare(store, jo, vec![new_order(a.id, &[(&honey, 1)])], at(seconds));

    let mut cheaper = honest(100).await;
    cheaper.orders[0].lines[0].unit_price_usd_cents = 1199;
    let mut reclassed = honest(200).await;
    reclassed.orders[0].lines[0].tax_class = "food".into();
    let mut elsewhere = honest(300).await;
    elsewhere.orders[0].merchant_id = other.id;
    let ghost = ProductId::new();
    let mut unknown = honest(400).await;
    unknown.orders[0].lines[0].product_id = ghost;
    let not_listed = prepare(store, jo, vec![new_order(a.id, &[(&delisted, 1)])], at(500)).await;
    let not_pending = prepare(store, jo, vec![new_order(pending.id, &[(&of_pending, 1)])], at(600)).await;
    let not_suspended = prepare(store, jo, vec![new_order(suspended_m.id, &[(&of_suspended, 1)])], at(700)).await;
    store
        .set_merchant_status(suspended_m.id, MerchantStatus::Active, MerchantStatus::Suspended)
        .await
        .must("suspend a merchant after the quote");
    // The second line changed: the first line's stock is not taken either.
    let mut second_line = prepare(store, jo, vec![new_order(a.id, &[(&honey, 2), (&delisted, 1)])], at(800)).await;
    second_line.orders[0].lines[1].unit_price_usd_cents += 1;

    let cases = [
        ("a line priced below the product", &cheaper, honey.id),
        ("a line of another tax class", &reclassed, honey.id),
        ("an order naming another merchant", &elsewhere, honey.id),
        ("an unknown product", &unknown, ghost),
        ("a delisted product", &not_listed, delisted.id),
        ("a product of a pending merchant", &not_pending, of_pending.id),
        ("a product of a suspended merchant", &not_suspended, of_suspended.id),
        ("the second line changed", &second_line, delisted.id),
    ];
    for (step, checkout, product_id) in cases {
        let before = snapshot(store, &products, jo, checkout.cart_id).await;
        let refusal = place_refused(store, checkout, step).await;
        assert_eq!(refusal, CheckoutRefusal::Changed { product_id }, "{step}");
        assert_nothing_written(store, step, &before, &products, jo, checkout).await;
    }

    // At the product's own price the same checkout goes through.
    let mut fair = cheaper.clone();
    fair.orders[0].lines[0].unit_price_usd_cents = honey.fields.price.minor();
    place_ok(store, &fair, "the refused checkout at the product's price").await;
    assert_eq!(read_product(store, honey.id).await.fields.stock, 9, "honey after the fair checkout");
}

/// The quota is charged only up to the limit: above it the checkout is refused with
/// `AnnualLimit` and the remaining amount, and nothing is written; exactly at the
/// limit is allowed; years and people are counted apart.
pub async fn checkout_annual_limit_rolls_back(store: &dyn Store) {
    let a = active_merchant(store).await;
    let honey = listed(store, a.id, "HONEY", 20, 1299).await;
    let products = [&honey];
    let jo = buyer(store).await;
    let ann = buyer(store).await;

    // A first checkout one fen over the limit: all of the limit remains.
    let mut first = prepare(store, &jo, vec![new_order(a.id, &[(&honey, 2)])], at(100)).await;
    let d1 = dutiable_of(&first);
    first.quota_limit = fen(d1 - 1);
    let before = snapshot(store, &products, &jo, first.cart_id).await;
    let refusal = place_refused(store, &first, "the first checkout over the limit").await;
    assert_eq!(refusal, CheckoutRefusal::AnnualLimit { remaining: fen(d1 - 1) }, "the first checkout over the limit");
    assert_nothing_written(store, "the first checkout over the limit", &before, &products, &jo, &first).await;
    assert_eq!(store.quota_used(&jo.hash, YEAR).await.must("quota_used"), Cny::ZERO, "nothing charged");

    // Exactly at the limit.
    first.quota_limit = fen(d1);
    place_ok(store, &first, "a checkout exactly at the limit").await;
    assert_eq!(store.quota_used(&jo.hash, YEAR).await.must("quota_used"), fen(d1), "charged d1");

    // A second checkout one fen over what remains.
    let mut second = prepare(store, &jo, vec![new_order(a.id, &[(&honey, 3)])], at(200)).await;
    let d2 = dutiable_of(&second);
    second.quota_limit = fen(d1 + d2 - 1);
    let before = snapshot(store, &products, &jo, second.cart_id).await;
    let refusal = place_refused(store, &second, "the second checkout over the limit").await;
    assert_eq!(refusal, CheckoutRefusal::AnnualLimit { remaining: fen(d2 - 1) }, "the second checkout over the limit");
    assert_nothing_written(store, "the second checkout over the limit", &before, &products, &jo, &second).await;

    // A limit below what is used already: nothing remains.
    second.quota_limit = fen(d1 - 5);
    let refusal = place_refused(store, &second, "a limit below the used quota").await;
    assert_eq!(refusal, CheckoutRefusal::AnnualLimit { remaining: Cny::ZERO }, "a limit below the used quota");
    assert_nothing_written(store, "a limit below the used quota", &before, &products, &jo, &second).await;

    // Another year has its own quota.
    second.quota_year = YEAR + 1;
    second.quota_limit = fen(d2);
    place_ok(store, &second, "the second checkout in the next year").await;
    assert_eq!(store.quota_used(&jo.hash, YEAR).await.must("quota_used"), fen(d1), "this year's quota unchanged");
    assert_eq!(store.quota_used(&jo.hash, YEAR + 1).await.must("quota_used"), fen(d2), "next year's quota");
    let order = read_order(store, second.orders[0].id, "the next year's order").await;
    assert_eq!(order.quota_year, YEAR + 1, "the order records its quota year");

    // Another person has their own quota.
    let mut anns = prepare(store, &ann, vec![new_order(a.id, &[(&honey, 2)])], at(300)).await;
    anns.quota_limit = fen(dutiable_of(&anns));
    place_ok(store, &anns, "another person's checkout at their limit").await;
    assert_eq!(store.quota_used(&ann.hash, YEAR).await.must("quota_used"), fen(dutiable_of(&anns)), "ann's quota");
    assert_eq!(store.quota_used(&jo.hash, YEAR).await.must("quota_used"), fen(d1), "jo's quota after ann's");
    assert_eq!(read_product(store, honey.id).await.fields.stock, 20 - 2 - 3 - 2, "honey after three checkouts");
}

/// Ten concurrent checkouts of the last three units, one unit each: exactly three
/// succeed, seven are `OutOfStock` with none available, and the stock, orders, quotas
/// and outbox show the three winners only.
pub async fn checkout_last_units_race(store: &dyn Store) {
    const CALLS: usize = 10;
    const STOCK: i64 = 3;
    let a = active_merchant(store).await;
    let honey = listed(store, a.id, "LAST-UNITS", STOCK, 1299).await;
    let mut buyers = Vec::new();
    for _ in 0..5 {
        buyers.push(buyer(store).await);
    }
    let mut checkouts = Vec::new();
    for i in 0..CALLS {
        let who = &buyers[i % buyers.len()];
        checkouts.push(prepare(store, who, vec![new_order(a.id, &[(&honey, 1)])], at(100 + i as i64)).await);
    }
    // Open several pooled connections first, so the calls really start together.
    let pings: Vec<BoxFuture<'_, StoreResult<()>>> = (0..CALLS).map(|_| store.ping()).collect();
    for result in join_all(pings).await {
        result.must("ping");
    }

    let calls: Vec<BoxFuture<'_, _>> = checkouts.iter().map(|c| store.place_checkout(c.clone())).collect();
    let results = join_all(calls).await;
    let outcomes: Vec<String> = results.iter().map(|r| format!("{r:?}")).collect();
    let mut winners = Vec::new();
    let mut losers = Vec::new();
    for (checkout, result) in checkouts.iter().zip(&results) {
        match result {
            Ok(Ok(())) => winners.push(checkout),
            Ok(Err(CheckoutRefusal::OutOfStock { product_id, available: 0 })) if *product_id == honey.id => {
                losers.push(checkout)
            }
            other => panic!("a racing checkout: expected success or OutOfStock(0), got {other:?}; all: {outcomes:?}"),
        }
    }
    assert_eq!(
        (winners.len(), losers.len()),
        (STOCK as usize, CALLS - STOCK as usize),
        "{CALLS} checkouts of {STOCK} units: (successes, OutOfStock); all: {outcomes:?}"
    );

    let read = read_product(store, honey.id).await;
    assert_eq!(read.fields.stock, 0, "the stock after the race");
    assert_eq!(read.version, honey.version + STOCK, "one version per unit taken");
    let orders = store.orders_of_merchant(a.id, page(None, 100)).await.must("orders_of_merchant");
    let winning_orders = sorted(winners.iter().map(|c| c.orders[0].id.as_uuid()).collect());
    assert_eq!(sorted(orders.items.iter().map(|o| o.id.as_uuid()).collect()), winning_orders, "the orders stored");
    for order in &orders.items {
        assert_eq!(order.lines.len(), 1, "a race order's lines");
        assert_eq!(order.payment_status, "captured", "a race order's payment");
    }
    for who in &buyers {
        let won: i64 = winners.iter().filter(|c| c.buyer_id == who.id).map(|c| dutiable_of(c)).sum();
        assert_eq!(store.quota_used(&who.hash, YEAR).await.must("quota_used"), fen(won), "a racing buyer's quota");
    }
    let events = order_events(store).await;
    let mut placed: Vec<Uuid> = events.iter().filter(|e| e.0 == "order.placed").map(|e| e.1).collect();
    placed.sort();
    assert_eq!(placed, winning_orders, "one order.placed event per winner");

    for checkout in &winners {
        let cart = store.cart(checkout.cart_id).await.must("cart").must("a winner's cart");
        assert_eq!(cart.checked_out_at, Some(checkout.created_at), "a winner's cart is checked out");
    }
    for checkout in &losers {
        let cart = store.cart(checkout.cart_id).await.must("cart").must("a loser's cart");
        assert_eq!(cart.checked_out_at, None, "a loser's cart stays open");
        assert!(store.order(checkout.orders[0].id).await.must("order").is_none(), "a loser's order exists");
        let claim = store
            .claim_idempotency(checkout.buyer_id, &checkout.idempotency_key, b"x", claimed_at(checkout.created_at))
            .await
            .must("claim a loser's key");
        let expected = IdempotencyClaim::InProgress { request_hash: request_hash(&checkout.idempotency_key) };
        assert_eq!(claim, expected, "a loser's key holds no answer");
    }
}

/// Concurrent checkouts whose lines take the same two products in opposite orders
/// (A then B, B then A), with stock for all: every one succeeds. Locking the
/// products in line order would let two of them deadlock on a row-locking engine.
pub async fn checkout_crossed_lines_race_all_succeed(store: &dyn Store) {
    const CALLS: usize = 10;
    let a = active_merchant(store).await;
    let honey = listed(store, a.id, "HONEY", 100, 1299).await;
    let comb = listed(store, a.id, "COMB", 100, 2450).await;
    let mut buyers = Vec::new();
    for _ in 0..CALLS {
        buyers.push(buyer(store).await);
    }
    let mut checkouts = Vec::new();
    for (i, who) in buyers.iter().enumerate() {
        let items = if i % 2 == 0 { [(&honey, 1), (&comb, 2)] } else { [(&comb, 2), (&honey, 1)] };
        checkouts.push(prepare(store, who, vec![new_order(a.id, &items)], at(100 + i as i64)).await);
    }
    let pings: Vec<BoxFuture<'_, StoreResult<()>>> = (0..CALLS).map(|_| store.ping()).collect();
    for result in join_all(pings).await {
        result.must("ping");
    }

    let calls: Vec<BoxFuture<'_, _>> = checkouts.iter().map(|c| store.place_checkout(c.clone())).collect();
    let results = join_all(calls).await;
    let failed: Vec<String> = results.iter().filter(|r| !matches!(r, Ok(Ok(())))).map(|r| format!("{r:?}")).collect();
    assert!(failed.is_empty(), "{CALLS} concurrent checkouts with stock for all: {} failed: {failed:?}", failed.len());
    let n = CALLS as i64;
    assert_eq!(read_product(store, honey.id).await.fields.stock, 100 - n, "honey after the race");
    assert_eq!(read_product(store, comb.id).await.fields.stock, 100 - 2 * n, "comb after the race");
    let orders = store.orders_of_merchant(a.id, page(None, 100)).await.must("orders_of_merchant");
    assert_eq!(orders.items.len(), CALLS, "one order per checkout");
}

/// Concurrent checkouts of one person on separate products (so only the quota is
/// shared) never charge past the limit: exactly as many as fit succeed, the others
/// are `AnnualLimit`, and the quota used is theirs.
pub async fn checkout_quota_race_never_overspends(store: &dyn Store) {
    const CALLS: usize = 8;
    const FIT: usize = 3;
    let a = active_merchant(store).await;
    let jo = buyer(store).await;
    let mut checkouts = Vec::new();
    for i in 0..CALLS {
        let product = listed(store, a.id, &format!("JAR-{i}"), 5, 1299).await;
        checkouts.push(prepare(store, &jo, vec![new_order(a.id, &[(&product, 2)])], at(100 + i as i64)).await);
    }
    let each = dutiable_of(&checkouts[0]);
    assert!(checkouts.iter().all(|c| dutiable_of(c) == each), "every checkout charges the same");
    let limit = fen(each * FIT as i64 + each / 2);
    for checkout in &mut checkouts {
        checkout.quota_limit = limit;
    }
    let pings: Vec<BoxFuture<'_, StoreResult<()>>> = (0..CALLS).map(|_| store.ping()).collect();
    for result in join_all(pings).await {
        result.must("ping");
    }

    let calls: Vec<BoxFuture<'_, _>> = checkouts.iter().map(|c| store.place_checkout(c.clone())).collect();
    let results = join_all(calls).await;
    let outcomes: Vec<String> = results.iter().map(|r| format!("{r:?}")).collect();
    let mut placed = 0;
    for result in &results {
        match result {
            Ok(Ok(())) => placed += 1,
            Ok(Err(CheckoutRefusal::AnnualLimit { remaining })) => assert!(
                remaining.minor() < each,
                "AnnualLimit with {remaining:?} remaining, enough for the checkout; all: {outcomes:?}"
            ),
            other => panic!("a racing checkout: expected success or AnnualLimit, got {other:?}; all: {outcomes:?}"),
        }
    }
    assert_eq!(placed, FIT, "{CALLS} checkouts of which {FIT} fit the limit: successes; all: {outcomes:?}");
    let used = store.quota_used(&jo.hash, YEAR).await.must("quota_used");
    assert_eq!(used, fen(each * FIT as i64), "the quota used after the race");
    let orders = store.orders_of_buyer(jo.id, page(None, 100)).await.must("orders_of_buyer");
    assert_eq!(orders.items.len(), FIT, "one order per placed checkout");
}

// ---------------------------------------------------------------------------------
// Order states
// ---------------------------------------------------------------------------------

/// Ship (carrier, tracking, shipped_at), deliver (delivered_at) and return with
/// restore (stock, quota, refund, closed_at); each change is conditional (`Stale`
/// from another state, `NotFound` for an unknown order) and writes an
/// `order.status_changed` event.
pub async fn order_status_ship_deliver_return(store: &dyn Store) {
    let a = active_merchant(store).await;
    let honey = listed(store, a.id, "HONEY", 10, 1299).await;
    let jo = buyer(store).await;
    let checkout = prepare(store, &jo, vec![new_order(a.id, &[(&honey, 2)])], at(100)).await;
    place_ok(store, &checkout, "place_checkout").await;
    let order = &checkout.orders[0];
    let id = order.id;
    let mut expected = expected_order(&checkout, order);
    let charged = fen(dutiable(order));
    let (honey_id, jo_hash) = (honey.id, jo.hash.as_slice());
    let unchanged = move |step: &'static str| async move {
        let read = read_product(store, honey_id).await;
        assert_eq!((read.fields.stock, read.version), (8, 2), "{step}: honey's (stock, version) must not change");
        assert_eq!(store.quota_used(jo_hash, YEAR).await.must("quota_used"), charged, "{step}: the quota");
    };

    let ship_at = at(200) + TimeDelta::microseconds(3);
    let ship = OrderStatusChange {
        shipment: Some(("SF Express".into(), "SF1234567890".into())),
        ..change(id, OrderStatus::Paid, OrderStatus::Shipped, ship_at)
    };
    let shipped = store.change_order_status(ship.clone()).await.must("ship");
    expected.status = OrderStatus::Shipped;
    expected.carrier = Some("SF Express".into());
    expected.tracking_no = Some("SF1234567890".into());
    expected.shipped_at = Some(ship_at);
    expected.updated_at = ship_at;
    assert_order("change_order_status(ship)'s result", &expected, &shipped);
    assert_order("order() after shipping", &expected, &read_order(store, id, "order").await);
    unchanged("after shipping").await;

    let reship = OrderStatusChange {
        shipment: Some(("EMS".into(), "EE000000000US".into())),
        ..change(id, OrderStatus::Paid, OrderStatus::Shipped, at(210))
    };
    assert_stale(store.change_order_status(reship).await, "a second ship from paid");
    let cancel = OrderStatusChange { restore: true, ..change(id, OrderStatus::Paid, OrderStatus::Cancelled, at(220)) };
    assert_stale(store.change_order_status(cancel).await, "a cancel with restore from paid after shipping");
    assert_order("order() after the stale changes", &expected, &read_order(store, id, "order").await);
    unchanged("after the stale changes").await;
    assert_not_found(
        store.change_order_status(change(OrderId::new(), OrderStatus::Paid, OrderStatus::Shipped, at(230))).await,
        "change_order_status of an unknown order",
    );

    let deliver_at = at(300) + TimeDelta::microseconds(5);
    let delivered = store
        .change_order_status(change(id, OrderStatus::Shipped, OrderStatus::Delivered, deliver_at))
        .await
        .must("deliver");
    expected.status = OrderStatus::Delivered;
    expected.delivered_at = Some(deliver_at);
    expected.updated_at = deliver_at;
    assert_order("change_order_status(deliver)'s result", &expected, &delivered);
    assert_order("order() after delivery", &expected, &read_order(store, id, "order").await);
    unchanged("after delivery").await;

    let return_at = at(400) + TimeDelta::microseconds(7);
    let returned = store
        .change_order_status(OrderStatusChange {
            restore: true,
            ..change(id, OrderStatus::Delivered, OrderStatus::Returned, return_at)
        })
        .await
        .must("return with restore");
    expected.status = OrderStatus::Returned;
    expected.closed_at = Some(return_at);
    expected.updated_at = return_at;
    expected.payment_status = "refunded".into();
    assert_order("change_order_status(return)'s result", &expected, &returned);
    assert_order("order() after the return", &expected, &read_order(store, id, "order").await);
    let read = read_product(store, honey.id).await;
    assert_eq!((read.fields.stock, read.version), (10, 3), "honey's (stock, version) after the return");
    assert_eq!(store.quota_used(&jo.hash, YEAR).await.must("quota_used"), Cny::ZERO, "the quota after the return");

    let events: Vec<(String, Uuid, String, DateTime<Utc>)> =
        order_events(store).await.into_iter().filter(|e| e.0 == "order.status_changed").collect();
    let changed = |status: &str, when| ("order.status_changed".to_string(), id.as_uuid(), status.to_string(), when);
    assert_eq!(
        events,
        vec![changed("shipped", ship_at), changed("delivered", deliver_at), changed("returned", return_at)],
        "outbox: one order.status_changed per change (topic, id, status, time)"
    );
}

/// Cancelling with restore puts the stock back, gives the goods and freight back to
/// the quota, refunds the payment (`refunded` when it paid one order,
/// `partially_refunded` while another order of the same payment stands) and closes
/// the order; a second cancel is `Stale` and restores nothing twice.
pub async fn order_cancel_restores_stock_quota_and_refunds(store: &dyn Store) {
    let a = active_merchant(store).await;
    let b = active_merchant(store).await;
    let honey = listed(store, a.id, "HONEY", 10, 1299).await;
    let syrup = listed(store, b.id, "SYRUP", 6, 899).await;
    let jo = buyer(store).await;
    let single = prepare(store, &jo, vec![new_order(a.id, &[(&honey, 3)])], at(100)).await;
    place_ok(store, &single, "a checkout of one order").await;
    let pair =
        prepare(store, &jo, vec![new_order(a.id, &[(&honey, 2)]), new_order(b.id, &[(&syrup, 4)])], at(200)).await;
    place_ok(store, &pair, "a checkout of two orders").await;
    let (lone, pair_a, pair_b) = (&single.orders[0], &pair.orders[0], &pair.orders[1]);
    let jo_hash = jo.hash.as_slice();
    let quota = move || async move { store.quota_used(jo_hash, YEAR).await.must("quota_used").minor() };
    let stock = move |id: ProductId| async move {
        let p = read_product(store, id).await;
        (p.fields.stock, p.version)
    };
    assert_eq!(quota().await, dutiable(lone) + dutiable(pair_a) + dutiable(pair_b), "the quota after both checkouts");
    assert_eq!((stock(honey.id).await, stock(syrup.id).await), ((5, 3), (2, 2)), "(stock, version) before cancels");
    let cancel = |id: OrderId, seconds: i64| OrderStatusChange {
        restore: true,
        ..change(id, OrderStatus::Paid, OrderStatus::Cancelled, at(seconds) + TimeDelta::microseconds(11))
    };
    let cancelled = |checkout: &NewCheckout, order: &NewOrder, seconds: i64, payment: &str| Order {
        status: OrderStatus::Cancelled,
        closed_at: Some(at(seconds) + TimeDelta::microseconds(11)),
        updated_at: at(seconds) + TimeDelta::microseconds(11),
        payment_status: payment.into(),
        ..expected_order(checkout, order)
    };

    // The only order of its payment.
    let got = store.change_order_status(cancel(lone.id, 300)).await.must("cancel the lone order");
    let expected = cancelled(&single, lone, 300, "refunded");
    assert_order("cancel the lone order: the result", &expected, &got);
    assert_order("order() after cancelling the lone order", &expected, &read_order(store, lone.id, "order").await);
    assert_eq!(stock(honey.id).await, (8, 4), "honey's (stock, version) after cancelling 3");
    assert_eq!(stock(syrup.id).await, (2, 2), "syrup untouched by another order's cancel");
    assert_eq!(quota().await, dutiable(pair_a) + dutiable(pair_b), "the quota after cancelling the lone order");
    let paid = read_order(store, pair_a.id, "an order of the other payment").await;
    assert_order("an order of another payment", &expected_order(&pair, pair_a), &paid);

    // One of two orders of a payment.
    let got = store.change_order_status(cancel(pair_b.id, 400)).await.must("cancel one of two");
    let expected = cancelled(&pair, pair_b, 400, "partially_refunded");
    assert_order("cancel one of two: the result", &expected, &got);
    assert_eq!(stock(syrup.id).await, (6, 3), "syrup's (stock, version) after cancelling 4");
    assert_eq!(stock(honey.id).await, (8, 4), "honey untouched by the syrup order's cancel");
    assert_eq!(quota().await, dutiable(pair_a), "the quota after cancelling one of two");
    let sibling = read_order(store, pair_a.id, "the other order of the payment").await;
    let expected_sibling = Order { payment_status: "partially_refunded".into(), ..expected_order(&pair, pair_a) };
    assert_order("the standing order of a partially refunded payment", &expected_sibling, &sibling);

    // The second of two: the payment is refunded in full.
    let got = store.change_order_status(cancel(pair_a.id, 500)).await.must("cancel the second of two");
    assert_order("cancel the second of two: the result", &cancelled(&pair, pair_a, 500, "refunded"), &got);
    let first_of_pair = read_order(store, pair_b.id, "the first cancelled order of the pair").await;
    assert_order("the pair's first cancel", &cancelled(&pair, pair_b, 400, "refunded"), &first_of_pair);
    assert_eq!(stock(honey.id).await, (10, 5), "honey's (stock, version) after every cancel");
    assert_eq!(quota().await, 0, "the quota after every cancel");

    // A second cancel restores nothing twice.
    assert_stale(store.change_order_status(cancel(lone.id, 600)).await, "a second cancel");
    assert_eq!((stock(honey.id).await, stock(syrup.id).await), ((10, 5), (6, 3)), "after a stale cancel");
    assert_eq!(quota().await, 0, "the quota after a stale cancel");

    let events: Vec<(String, Uuid, String, DateTime<Utc>)> =
        order_events(store).await.into_iter().filter(|e| e.0 == "order.status_changed").collect();
    let changed = |order: &NewOrder, seconds: i64| {
        let when = at(seconds) + TimeDelta::microseconds(11);
        ("order.status_changed".to_string(), order.id.as_uuid(), "cancelled".to_string(), when)
    };
    assert_eq!(
        events,
        vec![changed(lone, 300), changed(pair_b, 400), changed(pair_a, 500)],
        "outbox: one order.status_changed per cancel (topic, id, status, time)"
    );
}

/// A checkout stores its answer only under its own unanswered claim: one whose key was
/// answered meanwhile (or taken over by another request) is `KeyLost`, and nothing of
/// it is written.
pub async fn checkout_needs_its_claim(store: &dyn Store) {
    let a = active_merchant(store).await;
    let honey = listed(store, a.id, "HONEY", 5, 1299).await;
    let jo = buyer(store).await;
    let first = prepare(store, &jo, vec![new_order(a.id, &[(&honey, 1)])], at(100)).await;
    place_ok(store, &first, "the first checkout").await;

    let mut late = prepare(store, &jo, vec![new_order(a.id, &[(&honey, 1)])], at(200)).await;
    late.idempotency_key = first.idempotency_key.clone();
    late.request_hash = first.request_hash.clone();
    let before = snapshot(store, &[&honey], &jo, late.cart_id).await;
    let refusal = place_refused(store, &late, "a checkout under an answered key").await;
    assert_eq!(refusal, CheckoutRefusal::KeyLost, "a checkout under an answered key");
    let after = snapshot(store, &[&honey], &jo, late.cart_id).await;
    assert_eq!(before, after, "a checkout under an answered key wrote something");
}

/// The search feed finds the products whose stock an order changed.
pub async fn search_feed_order_products(store: &dyn Store) {
    let a = active_merchant(store).await;
    let b = active_merchant(store).await;
    let honey = listed(store, a.id, "HONEY", 10, 1299).await;
    let comb = listed(store, a.id, "COMB", 5, 2450).await;
    let syrup = listed(store, b.id, "SYRUP", 4, 899).await;
    listed(store, b.id, "UNSOLD", 4, 899).await;
    let jo = buyer(store).await;
    let first = new_order(a.id, &[(&honey, 2), (&comb, 1)]);
    let second = new_order(b.id, &[(&syrup, 3)]);
    let checkout = prepare(store, &jo, vec![first.clone(), second.clone()], at(100)).await;
    place_ok(store, &checkout, "place_checkout").await;

    let mut got = store.order_products(&[first.id, second.id, OrderId::new()]).await.must("order_products");
    got.sort();
    let mut expected = vec![honey.id, comb.id, syrup.id];
    expected.sort();
    assert_eq!(got, expected, "each product of the orders once; an unknown order adds nothing");
    assert_eq!(store.order_products(&[second.id]).await.must("one order"), vec![syrup.id], "one order's products");
    assert!(store.order_products(&[]).await.must("no orders").is_empty(), "no orders, no products");
}
