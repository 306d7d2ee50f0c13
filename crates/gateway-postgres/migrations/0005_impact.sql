-- The impact dashboard (SPEC 8): the merchants' yearly headcount reports. Kept column
-- for column in step with crates/gateway-sqlite/migrations.
--
-- One report per merchant and calendar year; reporting the same year again replaces
-- it (the primary key makes the upsert). "Jobs reported by merchants" takes each
-- merchant's report of its latest year, else its employees at sign-up.
CREATE TABLE headcount_reports (
    merchant_id UUID NOT NULL REFERENCES merchants (id),
    year BIGINT NOT NULL,
    employees BIGINT NOT NULL CHECK (employees >= 0 AND employees <= 1000000),
    reported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (merchant_id, year)
);

-- The dashboard's aggregations start from delivered orders.
CREATE INDEX orders_status_merchant ON orders (status, merchant_id);
