-- The outbox's deliveries (e-mail, webhooks, a customs gateway) are shared by the
-- servers: each event is claimed by one server for a while (a lease), delivered, and
-- marked processed by it; a claim whose server died runs out and is taken again.
-- (Each server's search index follows the outbox separately, as a log.)
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until TIMESTAMPTZ;
ALTER TABLE outbox ADD COLUMN processed_by TEXT;
