-- Emergency handling of major and mass disputes (§六): contingency plans and their versions,
-- drills, incidents with their cases, checklist, reports to authorities, measures, review and
-- timeline. All of it a projection of `plan.*`, `drill.*` and `incident.*` events.

CREATE TABLE contingency_plans (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_hlc  INTEGER NOT NULL
) STRICT;

-- A draft is edited until it is approved; an approved version never changes again. The plan in
-- force on a day is its approved version with the latest effective_from on or before that day.
CREATE TABLE plan_versions (
    plan_id        TEXT NOT NULL REFERENCES contingency_plans (id),
    version        INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('draft', 'approved')),
    title          TEXT NOT NULL,
    content        TEXT NOT NULL,
    change_note    TEXT NOT NULL,
    source_kind    TEXT CHECK (source_kind IN ('drill', 'incident')),
    source_id      TEXT,
    drafted_by     TEXT NOT NULL,
    drafted_at     TEXT NOT NULL,
    approved_by    TEXT,
    approved_at    TEXT,
    effective_from TEXT,
    PRIMARY KEY (plan_id, version)
) STRICT;

CREATE TABLE drills (
    id               TEXT PRIMARY KEY,
    plan_id          TEXT NOT NULL REFERENCES contingency_plans (id),
    plan_version     INTEGER NOT NULL,
    held_on          TEXT NOT NULL,
    scenario         TEXT NOT NULL,
    participants     TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    problems         TEXT NOT NULL,
    revisions        TEXT NOT NULL,
    recorded_by      TEXT NOT NULL,
    recorded_at      TEXT NOT NULL
) STRICT;
CREATE INDEX drills_by_plan ON drills (plan_id, held_on);

CREATE TABLE incidents (
    id            TEXT PRIMARY KEY,
    incident_no   TEXT NOT NULL,
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
    UNIQUE (year, seq)
) STRICT;
CREATE INDEX incidents_open_watch ON incidents (watch_dimension, watch_value) WHERE status = 'open';

CREATE TABLE incident_cases (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    case_id     TEXT NOT NULL,
    linked_at   TEXT NOT NULL,
    linked_by   TEXT NOT NULL,
    auto        INTEGER NOT NULL,
    PRIMARY KEY (incident_id, case_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX incident_cases_by_case ON incident_cases (case_id);

CREATE TABLE incident_steps (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    seq         INTEGER NOT NULL,
    title       TEXT NOT NULL,
    role        TEXT NOT NULL,
    owner       TEXT NOT NULL,
    due_at      TEXT,
    started_at  TEXT,
    done_at     TEXT,
    note        TEXT NOT NULL,
    PRIMARY KEY (incident_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE incident_reports (
    id          TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    authority   TEXT NOT NULL,
    due_at      TEXT,
    reported_at TEXT,
    reported_by TEXT,
    channel     TEXT NOT NULL,
    content     TEXT NOT NULL,
    reply       TEXT,
    replied_at  TEXT
) STRICT;
CREATE INDEX incident_reports_by_incident ON incident_reports (incident_id);

CREATE TABLE incident_measures (
    id          TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    taken_at    TEXT NOT NULL,
    taken_by    TEXT NOT NULL,
    measure     TEXT NOT NULL,
    effect      TEXT,
    effect_at   TEXT
) STRICT;
CREATE INDEX incident_measures_by_incident ON incident_measures (incident_id);

-- The incident's own timeline: every event about it, in fold order.
CREATE TABLE incident_log (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    hlc         INTEGER NOT NULL,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL
) STRICT;
CREATE INDEX incident_log_by_incident ON incident_log (incident_id, hlc);

PRAGMA user_version = 16;
