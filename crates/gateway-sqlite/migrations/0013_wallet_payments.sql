-- Wallet payments (issue 20): a checkout paid at Alipay or WeChat Pay reserves its
-- stock and quota, waits for the wallet's word, and is captured, released or, when
-- the money comes too late, refunded. Kept column for column in step with PostgreSQL.

-- How the payment is made, when its session closes, and what the shopper is shown
-- (a redirect or a QR code). `review` names why an operator should look at it.
ALTER TABLE payments ADD COLUMN method TEXT NOT NULL DEFAULT 'sandbox';
ALTER TABLE payments ADD COLUMN device TEXT NOT NULL DEFAULT 'desktop';
ALTER TABLE payments ADD COLUMN expires_at DATETIME;
ALTER TABLE payments ADD COLUMN action_kind TEXT;
ALTER TABLE payments ADD COLUMN action_value TEXT;
ALTER TABLE payments ADD COLUMN review TEXT;
CREATE INDEX payments_status ON payments (status, id);

-- Why a payment, not a person, cancelled the order (payment_expired, …).
ALTER TABLE orders ADD COLUMN cancel_reason TEXT;

-- Every refund, written before the provider is called: its id is the provider's
-- idempotency key, so that a crash between the call and the answer repeats the same
-- refund rather than a second one.
CREATE TABLE payment_refunds (
    id BLOB PRIMARY KEY NOT NULL,
    payment_id BLOB NOT NULL REFERENCES payments (id),
    order_id BLOB REFERENCES orders (id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    provider_ref TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE INDEX payment_refunds_payment ON payment_refunds (payment_id);

-- Each paid order's payment declared to customs (the payment document, CEB411).
CREATE TABLE payment_declarations (
    id TEXT PRIMARY KEY NOT NULL,
    order_id BLOB NOT NULL UNIQUE REFERENCES orders (id),
    payment_id BLOB NOT NULL REFERENCES payments (id),
    amount_fen INTEGER NOT NULL,
    customs_code TEXT NOT NULL,
    status TEXT NOT NULL,
    customs_payment_id TEXT,
    result_code TEXT,
    result_desc TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE INDEX payment_declarations_payment ON payment_declarations (payment_id);

-- The work the payment job owes the providers: check a pending payment (and expire
-- it), send a refund, send or check a declaration. Servers share it by leases, as
-- they share the outbox.
CREATE TABLE payment_tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    due_at DATETIME NOT NULL,
    claimed_by TEXT,
    claimed_until DATETIME,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    UNIQUE (kind, subject)
);
CREATE INDEX payment_tasks_due ON payment_tasks (due_at);
