-- The buy path (SPEC 4–6): consumer identities, carts, payments, orders, the annual
-- CBEC quota and idempotency keys. Kept column for column in step with SQLite.

-- One verified identity per consumer. The ID number is stored AES-256-GCM encrypted
-- (nonce || ciphertext), found by an HMAC-SHA256 keyed hash, and shown only masked.
CREATE TABLE identities (
    user_id UUID PRIMARY KEY NOT NULL REFERENCES users (id),
    real_name TEXT NOT NULL,
    id_number_cipher BYTEA NOT NULL,
    id_number_hash BYTEA NOT NULL,
    id_number_masked TEXT NOT NULL,
    phone TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX identities_id_number_hash ON identities (id_number_hash);

-- The annual limit counts per person (by ID number), per calendar year in China.
CREATE TABLE annual_quota (
    id_number_hash BYTEA NOT NULL,
    year BIGINT NOT NULL,
    used_fen BIGINT NOT NULL CHECK (used_fen >= 0),
    PRIMARY KEY (id_number_hash, year)
);

CREATE TABLE carts (
    id UUID PRIMARY KEY NOT NULL,
    owner_id UUID REFERENCES users (id),
    checked_out_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE cart_items (
    cart_id UUID NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    product_id UUID NOT NULL REFERENCES products (id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (cart_id, product_id)
);

CREATE TABLE payments (
    id UUID PRIMARY KEY NOT NULL,
    buyer_id UUID NOT NULL REFERENCES users (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    refunded_fen BIGINT NOT NULL CHECK (refunded_fen >= 0),
    status TEXT NOT NULL,
    provider TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    payer_id_number_hash BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE orders (
    id UUID PRIMARY KEY NOT NULL,
    payment_id UUID NOT NULL REFERENCES payments (id),
    buyer_id UUID NOT NULL REFERENCES users (id),
    merchant_id UUID NOT NULL REFERENCES merchants (id),
    status TEXT NOT NULL,
    regime TEXT NOT NULL,
    fx_rate_micros BIGINT NOT NULL,
    goods_fen BIGINT NOT NULL,
    freight_fen BIGINT NOT NULL,
    duty_fen BIGINT NOT NULL,
    consumption_tax_fen BIGINT NOT NULL,
    vat_fen BIGINT NOT NULL,
    tax_fen BIGINT NOT NULL,
    total_fen BIGINT NOT NULL,
    weight_g BIGINT NOT NULL,
    quota_id_number_hash BYTEA NOT NULL,
    quota_year BIGINT NOT NULL,
    recipient TEXT NOT NULL,
    recipient_phone TEXT NOT NULL,
    province TEXT NOT NULL,
    city TEXT NOT NULL,
    district TEXT NOT NULL,
    street TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    carrier TEXT,
    tracking_no TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    shipped_at TIMESTAMPTZ,
    delivered_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ
);
CREATE INDEX orders_buyer ON orders (buyer_id, id);
CREATE INDEX orders_merchant ON orders (merchant_id, id);
CREATE INDEX orders_payment ON orders (payment_id);

CREATE TABLE order_lines (
    order_id UUID NOT NULL REFERENCES orders (id),
    line_no BIGINT NOT NULL,
    product_id UUID NOT NULL REFERENCES products (id),
    sku TEXT NOT NULL,
    title_en TEXT NOT NULL,
    title_zh TEXT,
    tax_class TEXT NOT NULL,
    hs_code TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_usd_cents BIGINT NOT NULL,
    unit_price_fen BIGINT NOT NULL,
    goods_fen BIGINT NOT NULL,
    freight_fen BIGINT NOT NULL,
    duty_fen BIGINT NOT NULL,
    consumption_tax_fen BIGINT NOT NULL,
    vat_fen BIGINT NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

-- Checkout's Idempotency-Key: claimed before the payment, completed with the answer.
CREATE TABLE idempotency_keys (
    user_id UUID NOT NULL REFERENCES users (id),
    idem_key TEXT NOT NULL,
    request_hash BYTEA NOT NULL,
    response TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);

-- The operator's freight table (SPEC 5), one row.
CREATE TABLE freight_rates (
    id BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
    direct_first_500g_fen BIGINT NOT NULL,
    direct_each_further_500g_fen BIGINT NOT NULL,
    bonded_flat_fen BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
INSERT INTO freight_rates (id, direct_first_500g_fen, direct_each_further_500g_fen, bonded_flat_fen, updated_at)
VALUES (1, 4000, 2000, 1000, '2026-01-01 00:00:00+00');
