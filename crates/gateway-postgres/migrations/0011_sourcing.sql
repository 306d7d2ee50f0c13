-- Buyer matchmaking (issue 8, part 4): business buyers' profiles, their sourcing
-- requests, the merchants each request was matched to (one thread per request and
-- merchant), offers, thread messages and the notifications inbox. Kept column for
-- column in step with crates/gateway-sqlite/migrations.
--
-- A business buyer is a consumer account with a profile: users.role keeps its CHECK
-- (SQLite cannot alter it in place), and a buyer may shop as a consumer too.
CREATE TABLE buyer_profiles (
    user_id UUID PRIMARY KEY NOT NULL REFERENCES users (id),
    company_name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('distributor', 'importer', 'shop')),
    province TEXT NOT NULL,
    city TEXT NOT NULL,
    contact_person TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    wechat_id TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- needed_by is an ISO date ("2027-03-01") as text on both engines; preferred_states
-- is the sorted USPS codes joined by commas ("" for none).
CREATE TABLE sourcing_requests (
    id UUID PRIMARY KEY NOT NULL,
    buyer_id UUID NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    details TEXT,
    language TEXT NOT NULL CHECK (language IN ('zh', 'en')),
    quantity BIGINT NOT NULL,
    unit TEXT NOT NULL,
    target_unit_price_fen BIGINT,
    needed_by TEXT NOT NULL,
    tax_class TEXT REFERENCES tax_classes (code),
    preferred_states TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sourcing_requests_buyer ON sourcing_requests (buyer_id, id);

-- One row per request and matched merchant, written once with the request: its
-- score, why (reason codes joined by commas), its place in the list, and each
-- side's consent to share contact details.
CREATE TABLE sourcing_matches (
    request_id UUID NOT NULL REFERENCES sourcing_requests (id),
    merchant_id UUID NOT NULL REFERENCES merchants (id),
    position BIGINT NOT NULL,
    score BIGINT NOT NULL,
    reasons TEXT NOT NULL,
    buyer_accepted_at TIMESTAMPTZ,
    merchant_accepted_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (request_id, merchant_id)
);
CREATE INDEX sourcing_matches_merchant ON sourcing_matches (merchant_id, request_id);

-- A merchant's offer on a request it was matched to; a new offer replaces it.
CREATE TABLE sourcing_offers (
    request_id UUID NOT NULL,
    merchant_id UUID NOT NULL,
    unit_price_usd_cents BIGINT NOT NULL,
    quantity BIGINT NOT NULL,
    lead_time_days BIGINT NOT NULL,
    message TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (request_id, merchant_id),
    FOREIGN KEY (request_id, merchant_id) REFERENCES sourcing_matches (request_id, merchant_id)
);

CREATE TABLE sourcing_messages (
    id UUID PRIMARY KEY NOT NULL,
    request_id UUID NOT NULL,
    merchant_id UUID NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('buyer', 'merchant')),
    author_id UUID NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (request_id, merchant_id) REFERENCES sourcing_matches (request_id, merchant_id)
);
CREATE INDEX sourcing_messages_thread ON sourcing_messages (request_id, merchant_id, created_at);

-- A user's inbox: what happened, on which request (and thread), read or not.
CREATE TABLE notifications (
    id UUID PRIMARY KEY NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    request_id UUID NOT NULL REFERENCES sourcing_requests (id),
    merchant_id UUID REFERENCES merchants (id),
    created_at TIMESTAMPTZ NOT NULL,
    read_at TIMESTAMPTZ
);
CREATE INDEX notifications_user ON notifications (user_id, id);
