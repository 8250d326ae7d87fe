-- Bundles (docs/SYNC.md): the same events as a push or a pull, in a signed file, for branches
-- without any connection.
--
-- signing_key: this site's Ed25519 key (hex), issued with its credential by `redress-hub site
-- add`; bundles it exports are signed with it.
ALTER TABLE sync_state ADD COLUMN signing_key TEXT
    CHECK (signing_key IS NULL OR length(signing_key) = 64);

-- The public key each site's bundles were first seen signed with (trust on first use at a
-- branch; the hub checks against the key it issued). A bundle of a known site signed with
-- another key is refused.
CREATE TABLE site_keys (
    site_id        TEXT PRIMARY KEY,
    public_key     TEXT NOT NULL CHECK (length(public_key) = 64),
    first_seen_at  TEXT NOT NULL
) STRICT;

-- Events that arrived before an earlier event of their site (a bundle that came before an
-- earlier one): intact, kept as they came, and taken into the log as soon as the gap fills.
CREATE TABLE held_events (
    event_id   TEXT PRIMARY KEY,
    site_id    TEXT NOT NULL,
    site_seq   INTEGER NOT NULL,
    event      TEXT NOT NULL,
    held_at    TEXT NOT NULL
) STRICT;
CREATE INDEX held_events_by_site ON held_events (site_id, site_seq);

-- Every bundle written or read here, and by whom.
CREATE TABLE bundle_log (
    id           INTEGER PRIMARY KEY,
    direction    TEXT NOT NULL CHECK (direction IN ('export', 'import')),
    bundle_id    TEXT NOT NULL,
    site_id      TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    events       INTEGER NOT NULL,
    -- The last event of this site an export carried (incremental bundles start after it).
    own_last_seq INTEGER,
    stored       INTEGER NOT NULL DEFAULT 0,
    duplicates   INTEGER NOT NULL DEFAULT 0,
    held         INTEGER NOT NULL DEFAULT 0,
    user_id      TEXT,
    at           TEXT NOT NULL
) STRICT;

PRAGMA user_version = 21;
