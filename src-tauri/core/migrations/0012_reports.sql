-- Statistical analysis reports (§五(三)1). A projection of `report.*` events; an issued
-- report's PDF is kept, by its SHA-256, in the evidence store beside the database, so that it
-- prints again byte for byte.
CREATE TABLE reports (
    id           TEXT PRIMARY KEY,
    period       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'issued')),
    title        TEXT NOT NULL,
    conclusions  TEXT NOT NULL,
    proposals    TEXT NOT NULL,
    doc_no       TEXT,
    year         INTEGER,
    seq          INTEGER,
    issued_on    TEXT,
    issued_by    TEXT,
    pdf_sha256   TEXT,
    pdf_size     INTEGER,
    pages        INTEGER,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_hlc  INTEGER NOT NULL,
    UNIQUE (year, seq)
) STRICT;
CREATE INDEX reports_by_period ON reports (period, updated_at);

PRAGMA user_version = 12;
