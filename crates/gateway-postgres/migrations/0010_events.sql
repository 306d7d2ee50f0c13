-- Events (issue 8): conferences such as the two-day Gateway conference in Detroit,
-- and their registrations. Kept column for column in step with
-- crates/gateway-sqlite/migrations.
--
-- `next_seq` numbers an event's registrations in the order they came in; taking one
-- is the UPDATE that locks the event's row, so registrations, cancellations and
-- capacity changes of one event are serialised and the seat count is exact.
-- `sessions` is the programme as JSON (read and written whole, with the event).
CREATE TABLE events (
    id UUID PRIMARY KEY NOT NULL,
    title_en TEXT NOT NULL,
    title_zh TEXT,
    description_en TEXT NOT NULL,
    description_zh TEXT,
    venue_name TEXT NOT NULL,
    venue_address TEXT NOT NULL,
    city TEXT NOT NULL,
    state TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    capacity BIGINT NOT NULL CHECK (capacity >= 1),
    sessions TEXT NOT NULL,
    next_seq BIGINT NOT NULL,
    created_by UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX events_starts_at ON events (starts_at);

-- A registration: confirmed (holds a seat), waitlisted (in `seq` order) or
-- cancelled. The manage token is stored only as its SHA-256, like sessions.
CREATE TABLE event_registrations (
    id UUID PRIMARY KEY NOT NULL,
    event_id UUID NOT NULL REFERENCES events (id),
    seq BIGINT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    business_name TEXT,
    state TEXT NOT NULL,
    kind TEXT NOT NULL,
    user_id UUID REFERENCES users (id),
    status TEXT NOT NULL,
    manage_token_hash BYTEA NOT NULL UNIQUE,
    check_in_code TEXT NOT NULL,
    checked_in_at TIMESTAMPTZ,
    promoted_at TIMESTAMPTZ,
    cancelled_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (event_id, seq),
    UNIQUE (event_id, check_in_code)
);
-- One live registration per address and event (a cancelled one may register again).
CREATE UNIQUE INDEX event_registrations_one_per_email ON event_registrations (event_id, email)
    WHERE status <> 'cancelled';
-- The waitlist, oldest first.
CREATE INDEX event_registrations_by_status ON event_registrations (event_id, status, seq);
