-- Gateway's schema on SQLite. Kept column for column in step with
-- crates/gateway-postgres/migrations (a parity test compares them).
-- Types: ids BLOB (UUID bytes), integers INTEGER (i64), timestamps DATETIME (UTC text
-- written by sqlx), booleans BOOLEAN (0/1), money as integer minor units.

CREATE TABLE users (
    id BLOB PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('consumer', 'merchant', 'operator')),
    password_hash TEXT NOT NULL,
    created_at DATETIME NOT NULL
);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE merchants (
    id BLOB PRIMARY KEY NOT NULL,
    owner_id BLOB NOT NULL UNIQUE REFERENCES users (id),
    legal_name TEXT NOT NULL,
    display_name_en TEXT NOT NULL,
    display_name_zh TEXT,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    city TEXT NOT NULL,
    zip TEXT NOT NULL,
    employees INTEGER NOT NULL CHECK (employees >= 0),
    exported_before BOOLEAN NOT NULL,
    fulfilment TEXT NOT NULL,
    food_registration_no TEXT,
    story_en TEXT,
    story_zh TEXT,
    status TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE INDEX merchants_status_id ON merchants (status, id);

CREATE TABLE tax_classes (
    code TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL,
    name_en TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    vat_ppm INTEGER NOT NULL,
    ct_ppm INTEGER NOT NULL,
    ct_threshold_per_unit_fen INTEGER,
    ct_threshold_per_piece_fen INTEGER,
    mfn_duty_ppm INTEGER NOT NULL,
    food BOOLEAN NOT NULL,
    positive_list BOOLEAN NOT NULL
);

CREATE TABLE products (
    id BLOB PRIMARY KEY NOT NULL,
    merchant_id BLOB NOT NULL REFERENCES merchants (id),
    sku TEXT NOT NULL,
    title_en TEXT NOT NULL,
    title_zh TEXT,
    description_en TEXT NOT NULL,
    description_zh TEXT,
    tax_class TEXT NOT NULL REFERENCES tax_classes (code),
    hs_code TEXT NOT NULL,
    origin_country TEXT NOT NULL,
    price_usd_cents INTEGER NOT NULL CHECK (price_usd_cents > 0),
    weight_g INTEGER NOT NULL CHECK (weight_g > 0),
    net_content_milli INTEGER NOT NULL CHECK (net_content_milli > 0),
    net_content_unit TEXT NOT NULL,
    stock INTEGER NOT NULL CHECK (stock >= 0),
    status TEXT NOT NULL,
    problems TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (merchant_id, sku)
);

CREATE TABLE fx_rates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    base TEXT NOT NULL,
    quote TEXT NOT NULL,
    rate_micros INTEGER NOT NULL CHECK (rate_micros > 0),
    set_by BLOB NOT NULL REFERENCES users (id),
    as_of DATETIME NOT NULL
);

-- Side effects (search indexing, customs messages, e-mail) written in the same
-- transaction as the change and processed by an idempotent worker.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    aggregate_id BLOB NOT NULL,
    payload TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    attempts INTEGER NOT NULL,
    processed_at DATETIME
);
CREATE INDEX outbox_pending ON outbox (id) WHERE processed_at IS NULL;
