-- The buy path (SPEC 4–6): consumer identities, carts, payments, orders, the annual
-- CBEC quota and idempotency keys. Kept column for column in step with PostgreSQL.

-- One verified identity per consumer. The ID number is stored AES-256-GCM encrypted
-- (nonce || ciphertext), found by an HMAC-SHA256 keyed hash, and shown only masked.
CREATE TABLE identities (
    user_id BLOB PRIMARY KEY NOT NULL REFERENCES users (id),
    real_name TEXT NOT NULL,
    id_number_cipher BLOB NOT NULL,
    id_number_hash BLOB NOT NULL,
    id_number_masked TEXT NOT NULL,
    phone TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE INDEX identities_id_number_hash ON identities (id_number_hash);

-- The annual limit counts per person (by ID number), per calendar year in China.
CREATE TABLE annual_quota (
    id_number_hash BLOB NOT NULL,
    year INTEGER NOT NULL,
    used_fen INTEGER NOT NULL CHECK (used_fen >= 0),
    PRIMARY KEY (id_number_hash, year)
);

CREATE TABLE carts (
    id BLOB PRIMARY KEY NOT NULL,
    owner_id BLOB REFERENCES users (id),
    checked_out_at DATETIME,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);

CREATE TABLE cart_items (
    cart_id BLOB NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    product_id BLOB NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    added_at DATETIME NOT NULL,
    PRIMARY KEY (cart_id, product_id)
);

CREATE TABLE payments (
    id BLOB PRIMARY KEY NOT NULL,
    buyer_id BLOB NOT NULL REFERENCES users (id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    refunded_fen INTEGER NOT NULL CHECK (refunded_fen >= 0),
    status TEXT NOT NULL,
    provider TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    payer_id_number_hash BLOB NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);

CREATE TABLE orders (
    id BLOB PRIMARY KEY NOT NULL,
    payment_id BLOB NOT NULL REFERENCES payments (id),
    buyer_id BLOB NOT NULL REFERENCES users (id),
    merchant_id BLOB NOT NULL REFERENCES merchants (id),
    status TEXT NOT NULL,
    regime TEXT NOT NULL,
    fx_rate_micros INTEGER NOT NULL,
    goods_fen INTEGER NOT NULL,
    freight_fen INTEGER NOT NULL,
    duty_fen INTEGER NOT NULL,
    consumption_tax_fen INTEGER NOT NULL,
    vat_fen INTEGER NOT NULL,
    tax_fen INTEGER NOT NULL,
    total_fen INTEGER NOT NULL,
    weight_g INTEGER NOT NULL,
    quota_id_number_hash BLOB NOT NULL,
    quota_year INTEGER NOT NULL,
    recipient TEXT NOT NULL,
    recipient_phone TEXT NOT NULL,
    province TEXT NOT NULL,
    city TEXT NOT NULL,
    district TEXT NOT NULL,
    street TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    carrier TEXT,
    tracking_no TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    shipped_at DATETIME,
    delivered_at DATETIME,
    closed_at DATETIME
);
CREATE INDEX orders_buyer ON orders (buyer_id, id);
CREATE INDEX orders_merchant ON orders (merchant_id, id);
CREATE INDEX orders_payment ON orders (payment_id);

CREATE TABLE order_lines (
    order_id BLOB NOT NULL REFERENCES orders (id),
    line_no INTEGER NOT NULL,
    product_id BLOB NOT NULL REFERENCES products (id),
    sku TEXT NOT NULL,
    title_en TEXT NOT NULL,
    title_zh TEXT,
    tax_class TEXT NOT NULL,
    hs_code TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_usd_cents INTEGER NOT NULL,
    unit_price_fen INTEGER NOT NULL,
    goods_fen INTEGER NOT NULL,
    freight_fen INTEGER NOT NULL,
    duty_fen INTEGER NOT NULL,
    consumption_tax_fen INTEGER NOT NULL,
    vat_fen INTEGER NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

-- Checkout's Idempotency-Key: claimed before the payment, completed with the answer.
CREATE TABLE idempotency_keys (
    user_id BLOB NOT NULL REFERENCES users (id),
    idem_key TEXT NOT NULL,
    request_hash BLOB NOT NULL,
    response TEXT,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);

-- The operator's freight table (SPEC 5), one row.
CREATE TABLE freight_rates (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    direct_first_500g_fen INTEGER NOT NULL,
    direct_each_further_500g_fen INTEGER NOT NULL,
    bonded_flat_fen INTEGER NOT NULL,
    updated_at DATETIME NOT NULL
);
INSERT INTO freight_rates (id, direct_first_500g_fen, direct_each_further_500g_fen, bonded_flat_fen, updated_at)
VALUES (1, 4000, 2000, 1000, '2026-01-01 00:00:00+00:00');
