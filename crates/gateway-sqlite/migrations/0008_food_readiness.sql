-- The Decree 248 readiness checklist: the steps a merchant's owner confirmed (its FDA
-- facility registration, the registration number on its packaging, its renewal
-- date), which Gateway cannot check itself. Kept column for column in step with
-- crates/gateway-postgres/migrations.
--
-- One row per merchant and step; withdrawing a confirmation deletes it.
CREATE TABLE food_readiness_acks (
    merchant_id BLOB NOT NULL REFERENCES merchants (id),
    step TEXT NOT NULL,
    acknowledged_by BLOB NOT NULL REFERENCES users (id),
    acknowledged_at DATETIME NOT NULL,
    PRIMARY KEY (merchant_id, step)
);
