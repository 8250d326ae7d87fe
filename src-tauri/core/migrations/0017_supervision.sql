-- Supervision and assessment (§七) and personal data (PIPL): inspections of departments and
-- stages with the cases sampled and rectification items; rewards and penalties; legal holds,
-- and the log of what was done to consumers' personal data. All projections of events.

CREATE TABLE inspections (
    id             TEXT PRIMARY KEY,
    title          TEXT NOT NULL,
    held_on        TEXT NOT NULL,
    inspector_id   TEXT NOT NULL,
    -- The department, branch or store inspected (NULL: the whole company).
    unit_id        TEXT REFERENCES org_units (id),
    -- The stage inspected: a case status code, or NULL for every stage.
    stage          TEXT,
    -- JSON array of aspects: intake, process, satisfaction.
    scope          TEXT NOT NULL,
    period_from    TEXT NOT NULL,
    period_to      TEXT NOT NULL,
    -- The random sample: how many of how many, drawn with this seed (reproducible).
    population     INTEGER NOT NULL,
    sample_size    INTEGER NOT NULL,
    seed           TEXT NOT NULL,
    findings       TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    closed_at      TEXT,
    updated_hlc    INTEGER NOT NULL
) STRICT;
CREATE INDEX inspections_by_day ON inspections (held_on);

CREATE TABLE inspection_cases (
    inspection_id  TEXT NOT NULL REFERENCES inspections (id),
    case_id        TEXT NOT NULL REFERENCES cases (id),
    position       INTEGER NOT NULL,
    verdict        TEXT NOT NULL CHECK (verdict IN ('pending', 'compliant', 'issue')),
    note           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (inspection_id, case_id)
) STRICT;
CREATE INDEX inspection_cases_by_case ON inspection_cases (case_id);

CREATE TABLE rectifications (
    id             TEXT PRIMARY KEY,
    inspection_id  TEXT NOT NULL REFERENCES inspections (id),
    item           TEXT NOT NULL,
    owner_id       TEXT NOT NULL,
    due_on         TEXT NOT NULL,
    done_on        TEXT,
    done_note      TEXT,
    created_at     TEXT NOT NULL,
    updated_hlc    INTEGER NOT NULL
) STRICT;
CREATE INDEX rectifications_by_inspection ON rectifications (inspection_id);
CREATE INDEX rectifications_open ON rectifications (due_on) WHERE done_on IS NULL;

-- Rewards and penalties (奖惩): proposed with a reason, decided by a managing role.
CREATE TABLE sanctions (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('reward', 'penalty')),
    -- Whom: a staff member's account or an org unit.
    subject_kind   TEXT NOT NULL CHECK (subject_kind IN ('staff', 'unit')),
    subject_id     TEXT NOT NULL,
    period         TEXT NOT NULL,
    reason         TEXT NOT NULL,
    amount_fen     INTEGER,
    points         INTEGER,
    -- JSON array of case ids the decision rests on.
    case_ids       TEXT NOT NULL,
    -- The scorecard period it rests on, if any.
    scorecard      TEXT,
    status         TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected')),
    proposed_by    TEXT NOT NULL,
    proposed_at    TEXT NOT NULL,
    decided_by     TEXT,
    decided_at     TEXT,
    decision_note  TEXT,
    updated_hlc    INTEGER NOT NULL
) STRICT;
CREATE INDEX sanctions_by_subject ON sanctions (subject_id, period);

-- A case under legal hold (litigation, a regulator's inquiry) keeps its personal data past
-- the retention period: the reason, or NULL.
ALTER TABLE cases ADD COLUMN legal_hold TEXT;

-- What was done to consumers' personal data: anonymised (by the retention rule or on
-- request), exported on request. Never holds the data itself.
CREATE TABLE privacy_log (
    event_id     TEXT PRIMARY KEY,
    action       TEXT NOT NULL CHECK (action IN ('anonymised', 'exported')),
    basis        TEXT NOT NULL CHECK (basis IN ('retention', 'request')),
    consumer_id  TEXT NOT NULL,
    case_ids     TEXT NOT NULL,
    note         TEXT NOT NULL,
    actor        TEXT NOT NULL,
    at           TEXT NOT NULL
) STRICT;
CREATE INDEX privacy_log_by_consumer ON privacy_log (consumer_id);

-- Deleted search terms leave no trace in the full-text index's pages (FTS5 secure-delete,
-- SQLite 3.44+): an anonymised consumer's name cannot be read back from old segments.
INSERT INTO case_search (case_search, rank) VALUES ('secure-delete', 1);

PRAGMA user_version = 17;
