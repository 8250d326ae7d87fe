-- The headquarters hub (docs/SYNC.md): the sites and their credentials, every site's events
-- numbered in one order (server_seq), and the counter that numbers them.
--
-- server_seq comes from the counter row, updated inside the push transaction
-- (`UPDATE hub_counter SET v = v + k RETURNING v`): numbers follow commit order without gaps,
-- which a sequence does not (it hands numbers out before commit, so a reader could see 2
-- before 1 commits and move past 1 for ever).

CREATE TABLE sites (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    code           TEXT NOT NULL UNIQUE,
    -- SHA-256 of the site's token; the token itself is shown once, at `site add`.
    token_sha256   TEXT NOT NULL UNIQUE,
    -- The branch database's site id, bound by its first push.
    site_id        TEXT UNIQUE,
    -- The next site_seq expected of it, and the hash of its last event held.
    next_seq       BIGINT NOT NULL DEFAULT 1 CHECK (next_seq >= 1),
    head_hash      TEXT NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',
    -- Headquarters sees every case.
    is_hq          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE hub_counter (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    v   BIGINT NOT NULL CHECK (v >= 0)
);
INSERT INTO hub_counter (id, v) VALUES (1, 0);

CREATE TABLE events (
    server_seq   BIGINT PRIMARY KEY,
    event_id     TEXT NOT NULL UNIQUE,
    site_id      TEXT NOT NULL,
    site_seq     BIGINT NOT NULL,
    hlc          BIGINT NOT NULL,
    occurred_at  TEXT NOT NULL,
    case_id      TEXT,
    actor        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (site_id, site_seq)
);
CREATE INDEX events_by_case ON events (case_id) WHERE case_id IS NOT NULL;

-- Consumers' keys for the personal data sealed in their cases' events (crypto-shredding: the
-- log keeps only sealed data). They travel with the events over TLS; an erased consumer's key
-- is dropped here as its `consumer.anonymised` event arrives, and stays dropped.
CREATE TABLE consumer_keys (
    consumer_id  TEXT PRIMARY KEY,
    key          TEXT CHECK (key IS NULL OR length(key) = 64),
    erased_at    TIMESTAMPTZ,
    CHECK ((key IS NULL) = (erased_at IS NOT NULL))
);

CREATE TABLE case_consumers (
    case_id      TEXT NOT NULL,
    consumer_id  TEXT NOT NULL,
    PRIMARY KEY (case_id, consumer_id)
);
