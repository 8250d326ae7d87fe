-- Document numbers are each issuing site's own. Bulletins, reports and incidents were numbered
-- in one sequence for the year across the company, so two sites issuing offline both printed
-- 〔2026〕3号 and the later to fold was listed as a clash. Each site now numbers in its own
-- sequence under its own agency code (headquarters `客服通〔2026〕3号`, a branch
-- `客服通SH01〔2026〕3号`), and the number is unique per issuing site and year.
--
-- The three tables are rebuilt with `site_id`, the issuing site, taken from the event that
-- numbered each row. Each is copied aside, dropped and created again under its own name, then
-- filled from the copy. Child rows (bulletin_cases, incident_*) are left in place: with foreign
-- keys deferred, dropping a parent counts its children as unresolved, and inserting the same
-- parent rows again resolves them, so the count is back at zero by the commit (where SQLite
-- checks it). Renaming tables would instead rewrite the children's REFERENCES clauses.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE numbered_by AS
    SELECT json_extract(payload, '$.bulletin_id') AS id, 'bulletin' AS doc, site_id
        FROM events WHERE kind = 'bulletin.issued'
    UNION ALL
    SELECT json_extract(payload, '$.report_id'), 'report', site_id
        FROM events WHERE kind = 'report.issued'
    UNION ALL
    SELECT json_extract(payload, '$.incident_id'), 'incident', site_id
        FROM events WHERE kind = 'incident.declared';
CREATE INDEX temp.numbered_by_id ON numbered_by (doc, id);

CREATE TEMP TABLE bulletins_copy AS
    SELECT b.id, b.status, b.title, b.content, b.case_count, b.doc_no,
           CASE WHEN b.seq IS NULL AND b.doc_no IS NULL THEN NULL ELSE
               (SELECT n.site_id FROM numbered_by n WHERE n.doc = 'bulletin' AND n.id = b.id
                LIMIT 1) END,
           b.year, b.seq, b.issued_on, b.issued_by, b.pdf_sha256, b.pdf_size, b.created_by,
           b.created_at, b.updated_at, b.updated_hlc
    FROM bulletins b;
DROP TABLE bulletins;
CREATE TABLE bulletins (
    id          TEXT PRIMARY KEY,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'discarded')),
    title       TEXT NOT NULL,
    content     TEXT NOT NULL,            -- JSON: documents::bulletin::BulletinContent
    case_count  INTEGER NOT NULL,
    doc_no      TEXT,
    site_id     TEXT,                     -- the issuing site, once issued
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
    UNIQUE (site_id, year, seq)
) STRICT;
INSERT INTO bulletins SELECT * FROM temp.bulletins_copy;
DROP TABLE temp.bulletins_copy;
CREATE INDEX bulletins_by_status ON bulletins (status, updated_at);

CREATE TEMP TABLE reports_copy AS
    SELECT r.id, r.period, r.status, r.title, r.conclusions, r.proposals, r.doc_no,
           CASE WHEN r.seq IS NULL AND r.doc_no IS NULL THEN NULL ELSE
               (SELECT n.site_id FROM numbered_by n WHERE n.doc = 'report' AND n.id = r.id
                LIMIT 1) END,
           r.year, r.seq, r.issued_on, r.issued_by, r.pdf_sha256, r.pdf_size, r.pages,
           r.created_by, r.created_at, r.updated_at, r.updated_hlc
    FROM reports r;
DROP TABLE reports;
CREATE TABLE reports (
    id           TEXT PRIMARY KEY,
    period       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'issued')),
    title        TEXT NOT NULL,
    conclusions  TEXT NOT NULL,
    proposals    TEXT NOT NULL,
    doc_no       TEXT,
    site_id      TEXT,                    -- the issuing site, once issued
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
    UNIQUE (site_id, year, seq)
) STRICT;
INSERT INTO reports SELECT * FROM temp.reports_copy;
DROP TABLE temp.reports_copy;
CREATE INDEX reports_by_period ON reports (period, updated_at);

CREATE TEMP TABLE incidents_copy AS
    SELECT i.id, i.incident_no,
           COALESCE((SELECT n.site_id FROM numbered_by n WHERE n.doc = 'incident' AND n.id = i.id
                     LIMIT 1), ''),
           i.year, i.seq, i.title, i.kind, i.level, i.summary, i.status, i.watch_dimension,
           i.watch_value, i.watch_label, i.origin, i.declared_at, i.declared_by, i.plan_id,
           i.plan_version, i.activated_at, i.review, i.reviewed_at, i.reviewed_by, i.closed_at,
           i.closed_by, i.updated_hlc
    FROM incidents i;
DROP TABLE incidents;
CREATE TABLE incidents (
    id            TEXT PRIMARY KEY,
    incident_no   TEXT NOT NULL,
    site_id       TEXT NOT NULL,          -- the declaring site
    year          INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    title         TEXT NOT NULL,
    kind          TEXT NOT NULL,
    level         TEXT NOT NULL CHECK (level IN ('major', 'mass')),
    summary       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    -- New cases with this value are linked as they arrive (dimension: product, store, category).
    watch_dimension TEXT,
    watch_value     TEXT,
    watch_label     TEXT,
    -- The early-warning alert it was declared from, as JSON (the evidence at that moment).
    origin        TEXT,
    declared_at   TEXT NOT NULL,
    declared_by   TEXT NOT NULL,
    plan_id       TEXT,
    plan_version  INTEGER,
    activated_at  TEXT,
    review        TEXT,
    reviewed_at   TEXT,
    reviewed_by   TEXT,
    closed_at     TEXT,
    closed_by     TEXT,
    updated_hlc   INTEGER NOT NULL,
    UNIQUE (site_id, year, seq)
) STRICT;
INSERT INTO incidents SELECT * FROM temp.incidents_copy;
DROP TABLE temp.incidents_copy;
CREATE INDEX incidents_open_watch ON incidents (watch_dimension, watch_value) WHERE status = 'open';

DROP TABLE temp.numbered_by;

PRAGMA user_version = 28;
