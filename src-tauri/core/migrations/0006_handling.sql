-- Handling a dispute (§四): the dispute team, investigation notes, solution plans and their
-- steps, negotiation rounds and feedback. All projections of case.* events.

CREATE TABLE case_team (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    account_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    duty        TEXT NOT NULL,
    lead        INTEGER NOT NULL CHECK (lead IN (0, 1)),
    PRIMARY KEY (case_id, account_id)
) STRICT;
CREATE INDEX case_team_by_member ON case_team (account_id);

CREATE TABLE case_notes (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases (id),
    fact         TEXT NOT NULL,
    source_kind  TEXT NOT NULL,
    source       TEXT NOT NULL,
    found_on     TEXT NOT NULL,
    author       TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    created_hlc  INTEGER NOT NULL
) STRICT;
CREATE INDEX case_notes_by_case ON case_notes (case_id, created_hlc);

-- Every version of every plan; a revision is a new row, never an update of the measures.
CREATE TABLE case_plans (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES cases (id),
    version         INTEGER NOT NULL CHECK (version >= 1),
    summary         TEXT NOT NULL,
    measures        TEXT NOT NULL,          -- JSON, as drafted
    money_fen       INTEGER NOT NULL,
    needs_approval  INTEGER NOT NULL CHECK (needs_approval IN (0, 1)),
    status          TEXT NOT NULL,
    decided_by      TEXT,
    decision_note   TEXT,
    author          TEXT NOT NULL,
    drafted_at      TEXT NOT NULL,
    created_hlc     INTEGER NOT NULL,
    UNIQUE (case_id, version)
) STRICT;
CREATE INDEX case_plans_pending ON case_plans (status) WHERE status = 'pending_approval';

-- The steps of accepted plans, tracked to done.
CREATE TABLE case_steps (
    id                TEXT PRIMARY KEY,
    case_id           TEXT NOT NULL REFERENCES cases (id),
    plan_id           TEXT NOT NULL REFERENCES case_plans (id),
    position          INTEGER NOT NULL,
    measure_kind      TEXT NOT NULL,
    title             TEXT NOT NULL,
    responsible_id    TEXT NOT NULL,
    responsible_name  TEXT NOT NULL,
    due_on            TEXT NOT NULL,
    done_on           TEXT,
    delays            INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX case_steps_open ON case_steps (responsible_id, due_on) WHERE done_on IS NULL;
CREATE INDEX case_steps_by_case ON case_steps (case_id, position);

CREATE TABLE case_rounds (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    plan_id     TEXT NOT NULL REFERENCES case_plans (id),
    held_on     TEXT NOT NULL,
    method      TEXT NOT NULL,
    response    TEXT NOT NULL,
    counter     TEXT,
    notes       TEXT,
    author      TEXT NOT NULL,
    created_hlc INTEGER NOT NULL
) STRICT;
CREATE INDEX case_rounds_by_case ON case_rounds (case_id, created_hlc);

CREATE TABLE case_feedback (
    event_id         TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases (id),
    communicated_by  TEXT NOT NULL,
    satisfaction     TEXT NOT NULL,
    score            INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comments         TEXT,
    recorded_at      TEXT NOT NULL,
    created_hlc      INTEGER NOT NULL
) STRICT;
CREATE INDEX case_feedback_by_case ON case_feedback (case_id, created_hlc);

ALTER TABLE cases ADD COLUMN reopen_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN typical INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN score INTEGER;

PRAGMA user_version = 6;
