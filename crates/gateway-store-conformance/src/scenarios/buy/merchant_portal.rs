//! The merchant portal's scenarios (`MerchantPortalStore`): a merchant's orders in
//! one status, and the figures of its sales summary. A child of the buy path's
//! scenarios, whose helpers place the orders.

use super::*;
use gateway_store::{OrderSales, ProductSales, StatusSales};

/// Orders by status page in both directions; the sales figures sum each order line's
/// `unit_price_usd_cents × quantity` by status, by order (from a time, inclusive to
/// the microsecond) and by product (standing orders only); other merchants' orders
/// never count.
pub async fn merchant_portal_orders_and_sales(store: &dyn Store) {
    let a = active_merchant(store).await;
    let b = active_merchant(store).await;
    let honey = listed(store, a.id, "HONEY", 100, 1299).await;
    let comb = listed(store, a.id, "COMB", 100, 2450).await;
    let syrup = listed(store, b.id, "SYRUP", 100, 899).await;
    let jo = buyer(store).await;

    let empty = store.sales_by_status(a.id).await.must("sales_by_status before any order");
    assert!(empty.is_empty(), "no orders, no figures: {empty:?}");
    assert!(store.top_products(a.id, 5).await.must("top_products before any order").is_empty());

    // February: honey ×2. March: honey + comb, comb ×3 (shipped), honey ×1 (cancelled).
    let february = t0() - TimeDelta::days(40);
    let place = async |orders: Vec<NewOrder>, created_at: DateTime<Utc>| {
        let checkout = prepare(store, &jo, orders.clone(), created_at).await;
        place_ok(store, &checkout, "place_checkout").await;
        orders.iter().map(|o| o.id).collect::<Vec<OrderId>>()
    };
    let o1 = place(vec![new_order(a.id, &[(&honey, 2)])], february).await[0];
    let o2 = place(vec![new_order(a.id, &[(&honey, 1), (&comb, 1)]), new_order(b.id, &[(&syrup, 5)])], t0()).await[0];
    let o3 = place(vec![new_order(a.id, &[(&comb, 3)])], at(1)).await[0];
    let o4 = place(vec![new_order(a.id, &[(&honey, 1)])], at(2)).await[0];
    let shipped = OrderStatusChange {
        shipment: Some(("UPS".into(), "1Z999".into())),
        ..change(o3, OrderStatus::Paid, OrderStatus::Shipped, at(10))
    };
    store.change_order_status(shipped).await.must("ship o3");
    let cancelled =
        OrderStatusChange { restore: true, ..change(o4, OrderStatus::Paid, OrderStatus::Cancelled, at(11)) };
    store.change_order_status(cancelled).await.must("cancel o4");

    // Orders in one status, both directions, a page at a time.
    let id_of = |o: &Order| o.id.as_uuid();
    let paid = OrderStatus::Paid;
    let pages =
        walk_pages("paid, oldest first", 1, id_of, |r| store.merchant_orders_in_status(a.id, paid, true, r)).await;
    assert_eq!(pages, vec![vec![o1.as_uuid()], vec![o2.as_uuid()]], "paid orders, oldest first, one per page");
    let pages =
        walk_pages("paid, newest first", 1, id_of, |r| store.merchant_orders_in_status(a.id, paid, false, r)).await;
    assert_eq!(pages, vec![vec![o2.as_uuid()], vec![o1.as_uuid()]], "paid orders, newest first");
    let shipped =
        store.merchant_orders_in_status(a.id, OrderStatus::Shipped, false, page(None, 10)).await.must("shipped orders");
    assert_eq!(shipped.items.iter().map(id_of).collect::<Vec<_>>(), vec![o3.as_uuid()], "one shipped order");
    let order = &shipped.items[0];
    assert_eq!(order.lines.len(), 1, "the shipped order comes with its lines");
    assert_eq!((order.carrier.as_deref(), order.tracking_no.as_deref()), (Some("UPS"), Some("1Z999")));
    assert_eq!(order.address, address(), "the buyer's address, to ship to");
    let full = store.merchant_orders_in_status(a.id, paid, true, page(None, 10)).await.must("paid orders in one page");
    assert_eq!(full.items.iter().map(|o| o.lines.len()).collect::<Vec<_>>(), vec![1, 2], "each order's lines");
    let none = store
        .merchant_orders_in_status(a.id, OrderStatus::Delivered, true, page(None, 10))
        .await
        .must("delivered orders");
    assert!(none.items.is_empty() && none.next.is_none(), "no delivered orders");
    let b_paid = store.merchant_orders_in_status(b.id, paid, true, page(None, 10)).await.must("b's paid orders");
    assert_eq!(b_paid.items.len(), 1, "b sees only its own order");

    // By status, in status-code order.
    let by_status = store.sales_by_status(a.id).await.must("sales_by_status");
    assert_eq!(
        by_status,
        vec![
            StatusSales { status: OrderStatus::Cancelled, orders: 1, units: 1, goods_usd_cents: 1299 },
            StatusSales { status: OrderStatus::Paid, orders: 2, units: 4, goods_usd_cents: 2 * 1299 + 1299 + 2450 },
            StatusSales { status: OrderStatus::Shipped, orders: 1, units: 3, goods_usd_cents: 3 * 2450 },
        ],
        "sales_by_status of a"
    );
    assert_eq!(
        store.sales_by_status(b.id).await.must("b's sales"),
        vec![StatusSales { status: OrderStatus::Paid, orders: 1, units: 5, goods_usd_cents: 5 * 899 }],
        "sales_by_status of b"
    );

    // By order, from a time on: inclusive, to the microsecond.
    let sale = |id: OrderId, status: OrderStatus, created_at: DateTime<Utc>, units: i64, goods_usd_cents: i64| {
        OrderSales { id, status, created_at, units, goods_usd_cents }
    };
    let since_t0 = store.order_sales_since(a.id, t0()).await.must("order_sales_since(t0)");
    assert_eq!(
        since_t0,
        vec![
            sale(o2, OrderStatus::Paid, t0(), 2, 1299 + 2450),
            sale(o3, OrderStatus::Shipped, at(1), 3, 3 * 2450),
            sale(o4, OrderStatus::Cancelled, at(2), 1, 1299),
        ],
        "order_sales_since(t0): from t0 itself, oldest first"
    );
    let just_after =
        store.order_sales_since(a.id, t0() + TimeDelta::microseconds(1)).await.must("order_sales_since(t0 + 1 µs)");
    assert_eq!(just_after.iter().map(|s| s.id).collect::<Vec<_>>(), vec![o3, o4], "t0 + 1 µs leaves o2 out");
    let all = store.order_sales_since(a.id, february - TimeDelta::days(1)).await.must("order_sales_since(january)");
    assert_eq!(all.first(), Some(&sale(o1, OrderStatus::Paid, february, 2, 2 * 1299)), "the February order first");
    assert_eq!(all.len(), 4);
    assert!(store.order_sales_since(a.id, at(3)).await.must("after the last").is_empty(), "nothing after the last");

    // By product: standing orders only (o4 is cancelled), best goods value first.
    let top = store.top_products(a.id, 5).await.must("top_products");
    assert_eq!(
        top,
        vec![
            ProductSales { product_id: comb.id, orders: 2, units: 4, goods_usd_cents: 4 * 2450 },
            ProductSales { product_id: honey.id, orders: 2, units: 3, goods_usd_cents: 3 * 1299 },
        ],
        "top_products of a"
    );
    assert_eq!(store.top_products(a.id, 1).await.must("top_products(1)").len(), 1, "the limit holds");
    let nobody = MerchantId::new();
    assert!(store.sales_by_status(nobody).await.must("unknown merchant").is_empty());
    assert!(store.top_products(nobody, 5).await.must("unknown merchant's top").is_empty());
}
