-- Evidence (§四(二)2): files kept by SHA-256 in the store beside the database, described here;
-- and its chain of custody: who added, viewed and exported what, when.

CREATE TABLE evidence (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases (id),
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    size          INTEGER NOT NULL CHECK (size >= 0),
    file_name     TEXT NOT NULL,
    mime          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    description   TEXT NOT NULL,
    source        TEXT NOT NULL,
    collected_by  TEXT NOT NULL,
    collected_at  TEXT NOT NULL,
    added_by      TEXT NOT NULL,
    added_at      TEXT NOT NULL,
    created_hlc   INTEGER NOT NULL
) STRICT;
CREATE INDEX evidence_by_case ON evidence (case_id, created_hlc);
CREATE INDEX evidence_by_hash ON evidence (sha256);

CREATE TABLE evidence_custody (
    event_id     TEXT NOT NULL,
    evidence_id  TEXT NOT NULL REFERENCES evidence (id),
    action       TEXT NOT NULL CHECK (action IN ('added', 'viewed', 'exported')),
    actor        TEXT NOT NULL,
    at           TEXT NOT NULL,
    detail       TEXT,
    PRIMARY KEY (event_id, evidence_id)
) STRICT;
CREATE INDEX evidence_custody_by_evidence ON evidence_custody (evidence_id, at);

PRAGMA user_version = 7;
