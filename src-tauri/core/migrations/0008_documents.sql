-- Internal bulletins on typical cases (issue: documents). A projection of `bulletin.*` events;
-- an issued bulletin's PDF is kept, by its SHA-256, in the evidence store beside the database,
-- so it prints again byte for byte.
CREATE TABLE bulletins (
    id          TEXT PRIMARY KEY,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'discarded')),
    title       TEXT NOT NULL,
    content     TEXT NOT NULL,            -- JSON: documents::bulletin::BulletinContent
    case_count  INTEGER NOT NULL,
    doc_no      TEXT,
    year        INTEGER,
    seq         INTEGER,
    issued_on   TEXT,
    issued_by   TEXT,
    pdf_sha256  TEXT,
    pdf_size    INTEGER,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_hlc INTEGER NOT NULL,
    UNIQUE (year, seq)
) STRICT;
CREATE INDEX bulletins_by_status ON bulletins (status, updated_at);

-- Which cases a bulletin tells, to list a case's bulletins.
CREATE TABLE bulletin_cases (
    bulletin_id TEXT NOT NULL REFERENCES bulletins (id),
    case_id     TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (bulletin_id, case_id)
) STRICT;
CREATE INDEX bulletin_cases_by_case ON bulletin_cases (case_id);

PRAGMA user_version = 8;
