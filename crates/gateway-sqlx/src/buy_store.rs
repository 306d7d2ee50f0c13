//! The buy path's half of the shared store: identities, carts, checkout, orders.

use crate::buy_rows::*;
use crate::engine::{DbConn, Engine, SqlStore};
use crate::rows::*;
use crate::sql::{Sql, sql};
use crate::{backend, fetch_limit};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::order::OrderStatus;
use gateway_core::payment::{PaymentDevice, PaymentMethod, PaymentStatus};
use gateway_core::{CartId, Cny, MerchantId, OrderId, ProductId, UserId};
use gateway_store::*;

#[macro_export]
#[doc(hidden)]
macro_rules! order_select {
    () => {
        "SELECT o.id, o.payment_id, o.buyer_id, o.merchant_id, o.status, o.regime, o.fx_rate_micros, o.goods_fen, \
         o.freight_fen, o.duty_fen, o.consumption_tax_fen, o.vat_fen, o.tax_fen, o.total_fen, o.weight_g, \
         o.quota_year, o.recipient, o.recipient_phone, o.province, o.city, o.district, o.street, o.postal_code, \
         o.carrier, o.tracking_no, o.created_at, o.updated_at, o.shipped_at, o.delivered_at, o.closed_at, \
         p.status AS payment_status, p.provider_ref AS payment_provider_ref, p.method AS payment_method, \
         p.payer_id_number_hash, o.cancel_reason \
         FROM orders o JOIN payments p ON p.id = o.payment_id "
    };
}

impl<E: Engine> SqlStore<E> {
    pub(crate) async fn fetch_orders(conn: &mut DbConn<E>, rows: Vec<OrderRow>) -> StoreResult<Vec<Order>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let text = format!(
            "SELECT order_id, line_no, product_id, sku, title_en, title_zh, tax_class, hs_code, quantity, \
             unit_price_usd_cents, unit_price_fen, goods_fen, freight_fen, duty_fen, consumption_tax_fen, \
             vat_fen FROM order_lines WHERE order_id IN ({}) ORDER BY order_id, line_no",
            placeholders(1, rows.len())
        );
        let mut query = Sql::new(sqlx::AssertSqlSafe(text));
        for row in &rows {
            query = query.bind(row.id());
        }
        let lines: Vec<OrderLineRow> = query.fetch_all(&mut *conn).await.map_err(backend)?;
        attach_lines(rows, lines)
    }

    /// A page of orders, newest first, from `sql` taking (owner id, cursor, limit).
    pub(crate) async fn list_orders(
        &self,
        text: &'static str,
        owner: uuid::Uuid,
        page: PageRequest,
    ) -> StoreResult<Page<Order>> {
        let mut conn = self.reads().acquire().await.map_err(backend)?;
        let rows: Vec<OrderRow> = sql(text)
            .bind(owner)
            .bind(page.after)
            .bind(fetch_limit(page.limit))
            .fetch_all(&mut *conn)
            .await
            .map_err(backend)?;
        let orders = Self::fetch_orders(&mut conn, rows).await?;
        Ok(Page::from_rows(orders, page.limit, |o| o.id.as_uuid()))
    }

    pub(crate) async fn fetch_order(conn: &mut DbConn<E>, id: OrderId) -> StoreResult<Option<Order>> {
        let row: Option<OrderRow> = sql(concat!(crate::order_select!(), "WHERE o.id = $1"))
            .bind(id.as_uuid())
            .fetch_optional(&mut *conn)
            .await
            .map_err(backend)?;
        Ok(Self::fetch_orders(conn, row.into_iter().collect()).await?.pop())
    }

    /// Takes the stock of every line of the checkout in one statement, whatever
    /// the cart's size: only if each product is still for sale at the quoted
    /// price and class, and has the units. Where the engine locks rows
    /// (`Engine::FOR_UPDATE`, PostgreSQL) they are first locked in product-id
    /// order, so two checkouts holding the same products in a different order
    /// queue instead of deadlocking; SQLite's write transaction holds the one
    /// write lock already.
    pub(crate) async fn take_stock(conn: &mut DbConn<E>, c: &NewCheckout) -> StoreResult<Result<(), CheckoutRefusal>> {
        let mut lines: Vec<(&OrderLine, MerchantId)> =
            c.orders.iter().flat_map(|o| o.lines.iter().map(move |l| (l, o.merchant_id))).collect();
        lines.sort_by_key(|(l, _)| l.product_id);
        if let Some(for_update) = E::FOR_UPDATE {
            let text = format!(
                "SELECT id FROM products WHERE id IN ({}) ORDER BY id {for_update}",
                placeholders(1, lines.len())
            );
            let mut lock = Sql::new(sqlx::AssertSqlSafe(text));
            for (line, _) in &lines {
                lock = lock.bind(line.product_id.as_uuid());
            }
            lock.execute(&mut *conn).await.map_err(backend)?;
        }
        let text = format!(
            "UPDATE products SET stock = products.stock - l.column2, version = products.version + 1, \
             updated_at = $1 FROM (VALUES {}) AS l \
             WHERE products.id = l.column1 AND products.stock >= l.column2 AND products.status = 'listed' \
             AND products.price_usd_cents = l.column3 AND products.tax_class = l.column4 \
             AND products.merchant_id = l.column5 AND EXISTS \
             (SELECT 1 FROM merchants m WHERE m.id = products.merchant_id AND m.status = 'active') \
             RETURNING id",
            value_rows(2, lines.len(), 5)
        );
        let mut take = Sql::new(sqlx::AssertSqlSafe(text)).bind(c.created_at);
        for (line, merchant_id) in &lines {
            take = take
                .bind(line.product_id.as_uuid())
                .bind(line.quantity)
                .bind(line.unit_price_usd_cents)
                .bind(&line.tax_class)
                .bind(merchant_id.as_uuid());
        }
        let taken = take.fetch_scalars::<uuid::Uuid, _>(&mut *conn).await.map_err(backend)?;
        if taken.len() == lines.len() {
            return Ok(Ok(()));
        }
        // Refused (the caller rolls back): name the first line that failed.
        let Some((line, _)) = lines.iter().find(|(l, _)| !taken.contains(&l.product_id.as_uuid())) else {
            return Err(StoreError::Backend("a checkout line was taken twice".into()));
        };
        let available: Option<i64> = sql("SELECT stock FROM products WHERE id = $1")
            .bind(line.product_id.as_uuid())
            .fetch_optional_scalar(&mut *conn)
            .await
            .map_err(backend)?;
        let product_id = line.product_id;
        Ok(Err(match available {
            Some(available) if available < line.quantity => CheckoutRefusal::OutOfStock { product_id, available },
            _ => CheckoutRefusal::Changed { product_id },
        }))
    }

    /// Charges the checkout's grams to the buyer's yearly weight caps,
    /// conditionally like the quota: a concurrent checkout cannot pass a cap.
    /// Two statements for any number of capped lines; none without.
    pub(crate) async fn charge_weight_caps(
        conn: &mut DbConn<E>,
        c: &NewCheckout,
    ) -> StoreResult<Result<(), CheckoutRefusal>> {
        let caps = WeightCharge::merge(c.orders.iter().flat_map(|o| o.weight_charges.iter().cloned()));
        if caps.is_empty() {
            return Ok(Ok(()));
        }
        let text = format!(
            "INSERT INTO annual_weight_usage (id_number_hash, year, hs_prefix, used_g) \
             SELECT $1, $2, l.column1, 0 FROM (VALUES {}) AS l WHERE true \
             ON CONFLICT (id_number_hash, year, hs_prefix) DO NOTHING",
            value_rows(3, caps.len(), 1)
        );
        let mut open = Sql::new(sqlx::AssertSqlSafe(text)).bind(&c.id_number_hash).bind(i64::from(c.quota_year));
        for cap in &caps {
            open = open.bind(&cap.hs_prefix);
        }
        open.execute(&mut *conn).await.map_err(backend)?;
        let text = format!(
            "UPDATE annual_weight_usage SET used_g = annual_weight_usage.used_g + l.column2 \
             FROM (VALUES {}) AS l WHERE annual_weight_usage.id_number_hash = $1 \
             AND annual_weight_usage.year = $2 AND annual_weight_usage.hs_prefix = l.column1 \
             AND annual_weight_usage.used_g + l.column2 <= l.column3 RETURNING hs_prefix",
            value_rows(3, caps.len(), 3)
        );
        let mut charge = Sql::new(sqlx::AssertSqlSafe(text)).bind(&c.id_number_hash).bind(i64::from(c.quota_year));
        for cap in &caps {
            charge = charge.bind(&cap.hs_prefix).bind(cap.grams).bind(cap.cap_g);
        }
        let charged = charge.fetch_scalars::<String, _>(&mut *conn).await.map_err(backend)?;
        let Some(cap) = caps.into_iter().find(|cap| !charged.contains(&cap.hs_prefix)) else {
            return Ok(Ok(()));
        };
        let used: i64 =
            sql("SELECT used_g FROM annual_weight_usage WHERE id_number_hash = $1 AND year = $2 AND hs_prefix = $3")
                .bind(&c.id_number_hash)
                .bind(i64::from(c.quota_year))
                .bind(&cap.hs_prefix)
                .fetch_scalar(&mut *conn)
                .await
                .map_err(backend)?;
        let remaining_g = (cap.cap_g - used).max(0);
        Ok(Err(CheckoutRefusal::WeightCap { hs_prefix: cap.hs_prefix, remaining_g }))
    }

    /// Gives a cancelled or returned order's grams back to the caps it was charged to.
    pub(crate) async fn restore_weight_caps(conn: &mut DbConn<E>, order: &Order) -> StoreResult<()> {
        let charges: Vec<(String, i64)> = sql("SELECT hs_prefix, grams FROM order_weight_charges WHERE order_id = $1")
            .bind(order.id.as_uuid())
            .fetch_all(&mut *conn)
            .await
            .map_err(backend)?;
        for (hs_prefix, grams) in charges {
            sql("UPDATE annual_weight_usage SET used_g = used_g - $1 WHERE year = $2 AND hs_prefix = $3 \
                 AND id_number_hash = (SELECT quota_id_number_hash FROM orders WHERE id = $4)")
            .bind(grams)
            .bind(i64::from(order.quota_year))
            .bind(&hs_prefix)
            .bind(order.id.as_uuid())
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        }
        Ok(())
    }

    /// Gives an order's reservation back: its stock, its dutiable value to the
    /// buyer's annual quota and its grams to the yearly weight caps.
    pub(crate) async fn release_reservation(conn: &mut DbConn<E>, order: &Order, at: DateTime<Utc>) -> StoreResult<()> {
        // Product-id order, as checkout takes them: no deadlock between the two.
        let mut lines: Vec<&OrderLine> = order.lines.iter().collect();
        lines.sort_by_key(|l| l.product_id);
        for line in lines {
            sql("UPDATE products SET stock = stock + $1, version = version + 1, updated_at = $2 WHERE id = $3")
                .bind(line.quantity)
                .bind(at)
                .bind(line.product_id.as_uuid())
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
        }
        Self::restore_weight_caps(conn, order).await?;
        let dutiable = order.amounts.goods.minor() + order.amounts.freight.minor();
        sql("UPDATE annual_quota SET used_fen = used_fen - $1 WHERE year = $2 AND id_number_hash = \
             (SELECT quota_id_number_hash FROM orders WHERE id = $3)")
        .bind(dutiable)
        .bind(i64::from(order.quota_year))
        .bind(order.id.as_uuid())
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
        Ok(())
    }

    /// Records the refund of a cancelled or returned order's total on its payment,
    /// and the refund itself, due to be sent to the provider by the payment job.
    pub(crate) async fn refund_order(
        conn: &mut DbConn<E>,
        order: &Order,
        reason: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sql("UPDATE payments SET refunded_fen = refunded_fen + $1, updated_at = $2, status = CASE \
             WHEN refunded_fen + $1 >= amount_fen THEN 'refunded' ELSE 'partially_refunded' END \
             WHERE id = $3")
        .bind(order.total.minor())
        .bind(at)
        .bind(order.payment_id.as_uuid())
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
        Self::insert_refund(conn, order.payment_id, Some(order.id), order.total, reason, at).await
    }

    /// Writes every order of the checkout, their lines, weight charges and
    /// `order.placed` events: one statement per table, whatever the cart's size.
    pub(crate) async fn insert_orders(conn: &mut DbConn<E>, c: &NewCheckout) -> StoreResult<()> {
        const ORDER_COLUMNS: usize = 12;
        let text = format!(
            "INSERT INTO orders (quota_year, recipient, recipient_phone, province, city, district, street, \
             postal_code, created_at, updated_at, payment_id, buyer_id, quota_id_number_hash, status, \
             id, merchant_id, regime, fx_rate_micros, goods_fen, freight_fen, duty_fen, \
             consumption_tax_fen, vat_fen, tax_fen, total_fen, weight_g) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $13, \
             o.column1, o.column2, o.column3, o.column4, o.column5, o.column6, o.column7, o.column8, \
             o.column9, o.column10, o.column11, o.column12 FROM (VALUES {}) AS o",
            value_rows(14, c.orders.len(), ORDER_COLUMNS)
        );
        let status = match c.payment {
            CheckoutPayment::Captured { .. } => OrderStatus::Paid,
            CheckoutPayment::Pending { .. } => OrderStatus::AwaitingPayment,
        };
        let mut orders = Sql::new(sqlx::AssertSqlSafe(text))
            .bind(i64::from(c.quota_year))
            .bind(&c.address.recipient)
            .bind(&c.address.phone)
            .bind(&c.address.province)
            .bind(&c.address.city)
            .bind(&c.address.district)
            .bind(&c.address.street)
            .bind(&c.address.postal_code)
            .bind(c.created_at)
            .bind(c.payment_id.as_uuid())
            .bind(c.buyer_id.as_uuid())
            .bind(&c.id_number_hash)
            .bind(status.as_str());
        for o in &c.orders {
            orders = orders
                .bind(o.id.as_uuid())
                .bind(o.merchant_id.as_uuid())
                .bind(&o.regime)
                .bind(o.fx_rate_micros)
                .bind(o.amounts.goods.minor())
                .bind(o.amounts.freight.minor())
                .bind(o.amounts.duty.minor())
                .bind(o.amounts.consumption_tax.minor())
                .bind(o.amounts.vat.minor())
                .bind(o.tax.minor())
                .bind(o.total.minor())
                .bind(o.weight_g);
        }
        orders.execute(&mut *conn).await.map_err(backend)?;

        let lines: Vec<(OrderId, i64, &OrderLine)> = c
            .orders
            .iter()
            .flat_map(|o| o.lines.iter().enumerate().map(move |(i, l)| (o.id, i as i64 + 1, l)))
            .collect();
        let text = format!(
            "INSERT INTO order_lines (order_id, line_no, product_id, sku, title_en, title_zh, tax_class, \
             hs_code, quantity, unit_price_usd_cents, unit_price_fen, goods_fen, freight_fen, duty_fen, \
             consumption_tax_fen, vat_fen) VALUES {}",
            value_rows(1, lines.len(), 16)
        );
        let mut insert = Sql::new(sqlx::AssertSqlSafe(text));
        for (order_id, line_no, l) in &lines {
            insert = insert
                .bind(order_id.as_uuid())
                .bind(*line_no)
                .bind(l.product_id.as_uuid())
                .bind(&l.sku)
                .bind(&l.title_en)
                .bind(&l.title_zh)
                .bind(&l.tax_class)
                .bind(&l.hs_code)
                .bind(l.quantity)
                .bind(l.unit_price_usd_cents)
                .bind(l.unit_price.minor())
                .bind(l.amounts.goods.minor())
                .bind(l.amounts.freight.minor())
                .bind(l.amounts.duty.minor())
                .bind(l.amounts.consumption_tax.minor())
                .bind(l.amounts.vat.minor());
        }
        insert.execute(&mut *conn).await.map_err(backend)?;

        let charges: Vec<(OrderId, &WeightCharge)> =
            c.orders.iter().flat_map(|o| o.weight_charges.iter().map(move |w| (o.id, w))).collect();
        if !charges.is_empty() {
            let text = format!(
                "INSERT INTO order_weight_charges (order_id, hs_prefix, grams) VALUES {}",
                value_rows(1, charges.len(), 3)
            );
            let mut insert = Sql::new(sqlx::AssertSqlSafe(text));
            for (order_id, charge) in &charges {
                insert = insert.bind(order_id.as_uuid()).bind(&charge.hs_prefix).bind(charge.grams);
            }
            insert.execute(&mut *conn).await.map_err(backend)?;
        }

        let placed = c.orders.iter().map(|o| {
            (o.id.as_uuid(), serde_json::json!({ "order_id": o.id.to_string(), "status": status }).to_string())
        });
        Self::insert_outbox_events(conn, "order.placed", placed, c.created_at).await?;
        Ok(())
    }
}

#[async_trait]
impl<E: Engine> IdentityStore for SqlStore<E> {
    async fn save_identity(&self, i: IdentityRecord) -> StoreResult<()> {
        sql("INSERT INTO identities (user_id, real_name, id_number_cipher, id_number_hash, id_number_masked, \
             phone, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (user_id) DO UPDATE SET real_name = excluded.real_name, \
             id_number_cipher = excluded.id_number_cipher, id_number_hash = excluded.id_number_hash, \
             id_number_masked = excluded.id_number_masked, phone = excluded.phone, \
             updated_at = excluded.updated_at")
        .bind(i.user_id.as_uuid())
        .bind(&i.real_name)
        .bind(&i.id_number_cipher)
        .bind(&i.id_number_hash)
        .bind(&i.id_number_masked)
        .bind(&i.phone)
        .bind(i.created_at)
        .bind(i.updated_at)
        .execute(&mut *self.writer().await.map_err(backend)?)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn identity(&self, user: UserId) -> StoreResult<Option<IdentityRecord>> {
        let row: Option<IdentityRow> =
            sql("SELECT user_id, real_name, id_number_cipher, id_number_hash, id_number_masked, phone, \
             created_at, updated_at FROM identities WHERE user_id = $1")
            .bind(user.as_uuid())
            .fetch_optional(self.reads())
            .await
            .map_err(backend)?;
        Ok(row.map(IdentityRecord::from))
    }

    async fn quota_used(&self, id_number_hash: &[u8], year: i32) -> StoreResult<Cny> {
        let used: Option<i64> = sql("SELECT used_fen FROM annual_quota WHERE id_number_hash = $1 AND year = $2")
            .bind(id_number_hash)
            .bind(i64::from(year))
            .fetch_optional_scalar(self.reads())
            .await
            .map_err(backend)?;
        Ok(Cny::from_minor(used.unwrap_or(0)))
    }

    async fn weight_cap_used(&self, id_number_hash: &[u8], year: i32) -> StoreResult<Vec<(String, i64)>> {
        sql("SELECT hs_prefix, used_g FROM annual_weight_usage \
             WHERE id_number_hash = $1 AND year = $2 AND used_g > 0 ORDER BY hs_prefix")
        .bind(id_number_hash)
        .bind(i64::from(year))
        .fetch_all(self.reads())
        .await
        .map_err(backend)
    }
}

/// A cart line's foreign key answers whether the product exists, without a read of
/// its own.
fn missing_product(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => backend(e),
    }
}

#[async_trait]
impl<E: Engine> CartStore for SqlStore<E> {
    async fn create_cart(&self, id: CartId, owner: Option<UserId>, at: DateTime<Utc>) -> StoreResult<()> {
        sql("INSERT INTO carts (id, owner_id, created_at, updated_at) VALUES ($1, $2, $3, $3)")
            .bind(id.as_uuid())
            .bind(owner.map(|o| o.as_uuid()))
            .bind(at)
            .execute(&mut *self.writer().await.map_err(backend)?)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn cart(&self, id: CartId) -> StoreResult<Option<Cart>> {
        // The cart and its lines in one statement: one row per line, or one
        // row of NULLs for an empty cart; none for no cart.
        let rows: Vec<(Option<uuid::Uuid>, Option<DateTime<Utc>>, DateTime<Utc>, Option<uuid::Uuid>, Option<i64>)> =
            sql("SELECT c.owner_id, c.checked_out_at, c.created_at, i.product_id, i.quantity \
             FROM carts c LEFT JOIN cart_items i ON i.cart_id = c.id \
             WHERE c.id = $1 ORDER BY i.added_at, i.product_id")
            .bind(id.as_uuid())
            .fetch_all(self.reads())
            .await
            .map_err(backend)?;
        let Some(&(owner, checked_out_at, created_at, _, _)) = rows.first() else { return Ok(None) };
        let items = rows
            .into_iter()
            .filter_map(|(_, _, _, p, q)| Some(CartItem { product_id: ProductId::from_uuid(p?), quantity: q? }))
            .collect();
        Ok(Some(Cart { id, owner_id: owner.map(UserId::from_uuid), items, checked_out_at, created_at }))
    }

    async fn set_cart_item(
        &self,
        cart: CartId,
        product: ProductId,
        quantity: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let open = sql("UPDATE carts SET updated_at = $1 WHERE id = $2 AND checked_out_at IS NULL")
            .bind(at)
            .bind(cart.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if open == 0 {
            return Err(StoreError::Stale);
        }
        if quantity == 0 {
            sql("DELETE FROM cart_items WHERE cart_id = $1 AND product_id = $2")
                .bind(cart.as_uuid())
                .bind(product.as_uuid())
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        } else {
            sql("INSERT INTO cart_items (cart_id, product_id, quantity, added_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity")
            .bind(cart.as_uuid())
            .bind(product.as_uuid())
            .bind(quantity)
            .bind(at)
            .execute(&mut *tx)
            .await
            // The line's foreign key answers whether the product exists,
            // without a read of its own.
            .map_err(missing_product)?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    async fn add_cart_item(
        &self,
        cart: CartId,
        product: ProductId,
        quantity: i64,
        max: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let open = sql("UPDATE carts SET updated_at = $1 WHERE id = $2 AND checked_out_at IS NULL")
            .bind(at)
            .bind(cart.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if open == 0 {
            return Err(StoreError::Stale);
        }
        // The sum is taken by the statement, on the row it updates, so two adds
        // cannot both read the old quantity; `CASE` caps it the same on both engines.
        let now: i64 = sql("INSERT INTO cart_items (cart_id, product_id, quantity, added_at) \
                 VALUES ($1, $2, CASE WHEN $3 > $4 THEN $4 ELSE $3 END, $5) \
                 ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = \
                 CASE WHEN cart_items.quantity + excluded.quantity > $4 THEN $4 \
                 ELSE cart_items.quantity + excluded.quantity END \
                 RETURNING quantity")
        .bind(cart.as_uuid())
        .bind(product.as_uuid())
        .bind(quantity)
        .bind(max)
        .bind(at)
        .fetch_scalar(&mut *tx)
        .await
        .map_err(missing_product)?;
        tx.commit().await.map_err(backend)?;
        Ok(now)
    }

    async fn claim_cart(&self, cart: CartId, owner: UserId) -> StoreResult<()> {
        sql("UPDATE carts SET owner_id = $1 WHERE id = $2 AND owner_id IS NULL")
            .bind(owner.as_uuid())
            .bind(cart.as_uuid())
            .execute(&mut *self.writer().await.map_err(backend)?)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn products_by_ids(&self, ids: &[ProductId]) -> StoreResult<Vec<Product>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let text = format!(concat!(crate::product_select!(), "WHERE p.id IN ({})"), placeholders(1, ids.len()));
        let mut query = Sql::new(sqlx::AssertSqlSafe(text));
        for id in ids {
            query = query.bind(id.as_uuid());
        }
        let rows: Vec<ProductRow> = query.fetch_all(self.reads()).await.map_err(backend)?;
        rows.into_iter().map(Product::try_from).collect()
    }

    async fn freight_rates(&self) -> StoreResult<FreightTable> {
        let (first, further, bonded): (i64, i64, i64) =
            sql("SELECT direct_first_500g_fen, direct_each_further_500g_fen, bonded_flat_fen \
             FROM freight_rates WHERE id = 1")
            .fetch_one(self.reads())
            .await
            .map_err(backend)?;
        Ok(FreightTable {
            direct_first_500g: Cny::from_minor(first),
            direct_each_further_500g: Cny::from_minor(further),
            bonded_flat: Cny::from_minor(bonded),
        })
    }
}

#[async_trait]
impl<E: Engine> OrderStore for SqlStore<E> {
    async fn claim_idempotency(
        &self,
        user: UserId,
        key: &str,
        request_hash: &[u8],
        at: DateTime<Utc>,
    ) -> StoreResult<IdempotencyClaim> {
        let inserted = sql("INSERT INTO idempotency_keys (user_id, idem_key, request_hash, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, idem_key) DO NOTHING")
        .bind(user.as_uuid())
        .bind(key)
        .bind(request_hash)
        .bind(at)
        .execute(&mut *self.writer().await.map_err(backend)?)
        .await
        .map_err(backend)?;
        if inserted == 1 {
            return Ok(IdempotencyClaim::Claimed);
        }
        // A claim whose request died without an answer (a crashed server)
        // may be taken over once it is clearly abandoned.
        let abandoned_before = at - chrono::TimeDelta::seconds(60);
        let taken_over = sql("UPDATE idempotency_keys SET request_hash = $1, created_at = $2 \
             WHERE user_id = $3 AND idem_key = $4 AND response IS NULL AND created_at < $5")
        .bind(request_hash)
        .bind(at)
        .bind(user.as_uuid())
        .bind(key)
        .bind(abandoned_before)
        .execute(&mut *self.writer().await.map_err(backend)?)
        .await
        .map_err(backend)?;
        if taken_over == 1 {
            return Ok(IdempotencyClaim::Claimed);
        }
        let (request_hash, response): (Vec<u8>, Option<String>) =
            sql("SELECT request_hash, response FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2")
                .bind(user.as_uuid())
                .bind(key)
                .fetch_one(self.reads())
                .await
                .map_err(backend)?;
        Ok(match response {
            Some(response) => IdempotencyClaim::Completed { request_hash, response },
            None => IdempotencyClaim::InProgress { request_hash },
        })
    }

    async fn release_idempotency(&self, user: UserId, key: &str) -> StoreResult<()> {
        sql("DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2 AND response IS NULL")
            .bind(user.as_uuid())
            .bind(key)
            .execute(&mut *self.writer().await.map_err(backend)?)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn place_checkout(&self, c: NewCheckout) -> StoreResult<Result<(), CheckoutRefusal>> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let cart =
            sql("UPDATE carts SET checked_out_at = $1, updated_at = $1 WHERE id = $2 AND checked_out_at IS NULL")
                .bind(c.created_at)
                .bind(c.cart_id.as_uuid())
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        if cart == 0 {
            return Ok(Err(CheckoutRefusal::CartCheckedOut));
        }
        if let Err(refusal) = Self::take_stock(&mut tx, &c).await? {
            return Ok(Err(refusal));
        }
        let dutiable: i64 = c.orders.iter().map(|o| o.amounts.goods.minor() + o.amounts.freight.minor()).sum();
        // The year's first purchase inserts the quota row, a later one adds to
        // it; either only within the limit, in one conditional statement.
        let charged =
            sql("INSERT INTO annual_quota (id_number_hash, year, used_fen) SELECT $1, $2, $3 WHERE $3 <= $4 \
             ON CONFLICT (id_number_hash, year) DO UPDATE SET used_fen = annual_quota.used_fen + excluded.used_fen \
             WHERE annual_quota.used_fen + excluded.used_fen <= $4")
            .bind(&c.id_number_hash)
            .bind(i64::from(c.quota_year))
            .bind(dutiable)
            .bind(c.quota_limit.minor())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if charged == 0 {
            let used: Option<i64> = sql("SELECT used_fen FROM annual_quota WHERE id_number_hash = $1 AND year = $2")
                .bind(&c.id_number_hash)
                .bind(i64::from(c.quota_year))
                .fetch_optional_scalar(&mut *tx)
                .await
                .map_err(backend)?;
            let remaining = Cny::from_minor((c.quota_limit.minor() - used.unwrap_or(0)).max(0));
            return Ok(Err(CheckoutRefusal::AnnualLimit { remaining }));
        }
        if let Err(refusal) = Self::charge_weight_caps(&mut tx, &c).await? {
            return Ok(Err(refusal));
        }
        let (status, method, device, provider_ref, expires_at) = match &c.payment {
            CheckoutPayment::Captured { provider_ref } => {
                (PaymentStatus::Captured, PaymentMethod::Sandbox, PaymentDevice::Desktop, provider_ref.as_str(), None)
            }
            CheckoutPayment::Pending { method, device, expires_at, .. } => {
                (PaymentStatus::Pending, *method, *device, "", Some(*expires_at))
            }
        };
        sql("INSERT INTO payments (id, buyer_id, amount_fen, refunded_fen, status, provider, provider_ref, \
             payer_id_number_hash, created_at, updated_at, method, device, expires_at) \
             VALUES ($1, $2, $3, 0, $4, $5, $6, $7, $8, $8, $9, $10, $11)")
        .bind(c.payment_id.as_uuid())
        .bind(c.buyer_id.as_uuid())
        .bind(c.amount.minor())
        .bind(status.as_str())
        .bind(&c.provider)
        .bind(provider_ref)
        .bind(&c.id_number_hash)
        .bind(c.created_at)
        .bind(method.as_str())
        .bind(device.as_str())
        .bind(expires_at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if let CheckoutPayment::Pending { check_at, .. } = &c.payment {
            Self::schedule_task(&mut tx, PaymentTaskKind::CheckPayment, &c.payment_id.to_string(), *check_at).await?;
        }
        Self::insert_orders(&mut tx, &c).await?;
        // Only while the key is still this request's unanswered claim: a
        // request that lost it (taken over after a stall) must not answer.
        let answered = sql("UPDATE idempotency_keys SET response = $1 WHERE user_id = $2 AND idem_key = $3 \
             AND request_hash = $4 AND response IS NULL")
        .bind(&c.response)
        .bind(c.buyer_id.as_uuid())
        .bind(&c.idempotency_key)
        .bind(&c.request_hash)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if answered == 0 {
            return Ok(Err(CheckoutRefusal::KeyLost));
        }
        tx.commit().await.map_err(backend)?;
        Ok(Ok(()))
    }

    async fn order(&self, id: OrderId) -> StoreResult<Option<Order>> {
        let mut conn = self.reads().acquire().await.map_err(backend)?;
        Self::fetch_order(&mut conn, id).await
    }

    async fn orders_of_buyer(&self, buyer: UserId, page: PageRequest) -> StoreResult<Page<Order>> {
        let text = concat!(
            crate::order_select!(),
            "WHERE o.buyer_id = $1 AND ($2 IS NULL OR o.id < $2) ORDER BY o.id DESC LIMIT $3"
        );
        self.list_orders(text, buyer.as_uuid(), page).await
    }

    async fn orders_of_merchant(&self, merchant: MerchantId, page: PageRequest) -> StoreResult<Page<Order>> {
        let text = concat!(
            crate::order_select!(),
            "WHERE o.merchant_id = $1 AND ($2 IS NULL OR o.id < $2) ORDER BY o.id DESC LIMIT $3"
        );
        self.list_orders(text, merchant.as_uuid(), page).await
    }

    async fn change_order_status(&self, ch: OrderStatusChange) -> StoreResult<Order> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        let (carrier, tracking_no) = ch.shipment.clone().unzip();
        let to = ch.to.as_str();
        let changed = sql("UPDATE orders SET status = $1, updated_at = $2, carrier = COALESCE($3, carrier), \
             tracking_no = COALESCE($4, tracking_no), \
             shipped_at = CASE WHEN $1 = 'shipped' THEN $2 ELSE shipped_at END, \
             delivered_at = CASE WHEN $1 = 'delivered' THEN $2 ELSE delivered_at END, \
             closed_at = CASE WHEN $1 IN ('cancelled', 'returned') THEN $2 ELSE closed_at END \
             WHERE id = $5 AND status = $6")
        .bind(to)
        .bind(ch.at)
        .bind(carrier)
        .bind(tracking_no)
        .bind(ch.id.as_uuid())
        .bind(ch.from.as_str())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if changed == 0 {
            return match Self::fetch_order(&mut tx, ch.id).await? {
                Some(_) => Err(StoreError::Stale),
                None => Err(StoreError::NotFound),
            };
        }
        let order = Self::fetch_order(&mut tx, ch.id).await?.ok_or(StoreError::NotFound)?;
        if ch.restore {
            Self::release_reservation(&mut tx, &order, ch.at).await?;
            Self::refund_order(&mut tx, &order, to, ch.at).await?;
        }
        let payload = serde_json::json!({ "order_id": ch.id.to_string(), "status": to }).to_string();
        Self::insert_outbox(&mut tx, "order.status_changed", ch.id.as_uuid(), payload, ch.at).await?;
        let order = Self::fetch_order(&mut tx, ch.id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(backend)?;
        Ok(order)
    }
}
