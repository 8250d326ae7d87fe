-- Foundation: the identity of this installation, the immutable event log, the keys that
-- protect consumers' personal data, and the first projections (organisation, consumers, cases).

-- This installation (one site = one database). Not derived from events: it is who writes them.
CREATE TABLE site (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    site_id     TEXT NOT NULL,
    site_code   TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;

-- The record of change. Rows are never updated or deleted (triggers below); a correction is a
-- new event. hash = SHA-256 over the row's content and prev_hash, chaining each site's events.
-- server_seq / received_at are filled once by the hub's acknowledgment (sync issue).
CREATE TABLE events (
    event_id     TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL,
    site_seq     INTEGER NOT NULL CHECK (site_seq >= 1),
    hlc          INTEGER NOT NULL,
    occurred_at  TEXT NOT NULL,
    case_id      TEXT,
    actor        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    server_seq   INTEGER,
    received_at  TEXT,
    UNIQUE (site_id, site_seq)
) STRICT;
CREATE INDEX events_fold_order ON events (hlc, site_id, event_id);
CREATE INDEX events_by_case ON events (case_id, hlc) WHERE case_id IS NOT NULL;

CREATE TRIGGER events_are_not_deleted BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are immutable');
END;

CREATE TRIGGER events_are_not_rewritten
BEFORE UPDATE OF event_id, site_id, site_seq, hlc, occurred_at, case_id, actor, kind, payload,
                 prev_hash, hash ON events
BEGIN
    SELECT RAISE(ABORT, 'events are immutable');
END;

-- One key per consumer. Personal data in event payloads is sealed with it; erasing a consumer
-- destroys the key (crypto-shredding), which leaves every event and its hash intact.
CREATE TABLE consumer_keys (
    consumer_id  TEXT PRIMARY KEY,
    key          BLOB CHECK (key IS NULL OR length(key) = 32),
    erased_at    TEXT,
    CHECK ((key IS NULL) = (erased_at IS NOT NULL))
) STRICT;

-- ---------------------------------------------------------------------------------------------
-- Projections: current state, written in the same transaction as the event and rebuildable
-- from the log by folding the events in (hlc, site_id, event_id) order.

CREATE TABLE org_units (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('company', 'subsidiary', 'branch', 'department', 'store')),
    parent_id   TEXT REFERENCES org_units (id),
    city        TEXT,
    created_hlc INTEGER NOT NULL
) STRICT;

CREATE TABLE consumers (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    mobile    TEXT,
    landline  TEXT,
    email     TEXT,
    address   TEXT,
    erased    INTEGER NOT NULL DEFAULT 0 CHECK (erased IN (0, 1))
) STRICT;
CREATE INDEX consumers_by_mobile ON consumers (mobile) WHERE mobile IS NOT NULL;

CREATE TABLE cases (
    id                 TEXT PRIMARY KEY,
    case_no            TEXT NOT NULL,
    site_id            TEXT NOT NULL,
    received_at        TEXT NOT NULL,
    channel            TEXT NOT NULL,
    store_id           TEXT REFERENCES org_units (id),
    department_id      TEXT REFERENCES org_units (id),
    consumer_id        TEXT NOT NULL REFERENCES consumers (id),
    product_name       TEXT NOT NULL,
    product_model      TEXT,
    quantity           INTEGER NOT NULL CHECK (quantity > 0),
    amount_paid_fen    INTEGER CHECK (amount_paid_fen IS NULL OR amount_paid_fen >= 0),
    order_no           TEXT,
    purchased_at       TEXT,
    category           TEXT NOT NULL,
    severity           TEXT NOT NULL,
    complexity         TEXT NOT NULL,
    content            TEXT NOT NULL,
    demand             TEXT NOT NULL,
    demand_amount_fen  INTEGER,
    status             TEXT NOT NULL,
    received_by        TEXT NOT NULL,
    handler            TEXT,
    due_at             TEXT,
    closed_at          TEXT,
    satisfaction       TEXT,
    result             TEXT,
    root_cause         TEXT,
    created_hlc        INTEGER NOT NULL,
    updated_hlc        INTEGER NOT NULL,
    UNIQUE (site_id, case_no)
) STRICT;
CREATE INDEX cases_by_received ON cases (received_at);
CREATE INDEX cases_by_status ON cases (status, received_at);
CREATE INDEX cases_by_due ON cases (due_at);
CREATE INDEX cases_by_consumer ON cases (consumer_id);

-- The last case number issued per site and year (derived from cases; kept for O(1) numbering).
CREATE TABLE case_no_counters (
    site_id  TEXT NOT NULL,
    year     INTEGER NOT NULL,
    last     INTEGER NOT NULL,
    PRIMARY KEY (site_id, year)
) STRICT;

PRAGMA user_version = 1;
