-- Branch sync (docs/SYNC.md), the branch's side: where the hub is, how far this branch has
-- pulled (the hub's server_seq), and whether the projections must be folded again because
-- pulled events sorted before events already applied. Events of this site not yet
-- acknowledged by the hub are those with server_seq NULL; they are never discarded.

CREATE TABLE sync_state (
    singleton         INTEGER PRIMARY KEY CHECK (singleton = 1),
    hub_url           TEXT,
    -- The site's credential issued by `redress-hub site add`.
    token             TEXT,
    -- Certificates (PEM) trusted for the hub instead of the system's (a company CA, or a hub
    -- with a self-signed certificate); NULL: the system's roots.
    ca_pem            TEXT,
    -- The last server_seq pulled and applied.
    cursor            INTEGER NOT NULL DEFAULT 0 CHECK (cursor >= 0),
    -- 1: events were stored in the same transaction as this flag but not yet folded into the
    -- projections; the next open (or the sync itself) rebuilds them.
    projection_stale  INTEGER NOT NULL DEFAULT 0 CHECK (projection_stale IN (0, 1)),
    last_push_at      TEXT,
    last_pull_at      TEXT,
    last_error        TEXT
) STRICT;
INSERT INTO sync_state (singleton) VALUES (1);

CREATE INDEX events_unacknowledged ON events (site_id, site_seq) WHERE server_seq IS NULL;
CREATE INDEX events_by_server_seq ON events (server_seq) WHERE server_seq IS NOT NULL;

PRAGMA user_version = 20;
