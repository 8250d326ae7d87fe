-- Prevention (§二): staff training with attendance and test scores (§二(一)), and the register
-- of potential dispute risks with their preventive measures (§二(四)1). Projections of events.

CREATE TABLE trainings (
    id           TEXT PRIMARY KEY,
    topic        TEXT NOT NULL,
    title        TEXT NOT NULL,
    held_on      TEXT NOT NULL,
    trainer      TEXT NOT NULL,
    hours        REAL NOT NULL CHECK (hours > 0),
    -- The score that passes the course's test; NULL: no test.
    pass_score   INTEGER CHECK (pass_score IS NULL OR pass_score BETWEEN 0 AND 100),
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
) STRICT;
CREATE INDEX trainings_by_day ON trainings (held_on);

CREATE TABLE training_attendees (
    training_id  TEXT NOT NULL REFERENCES trainings (id),
    account_id   TEXT NOT NULL,
    score        INTEGER CHECK (score IS NULL OR score BETWEEN 0 AND 100),
    PRIMARY KEY (training_id, account_id)
) STRICT;
CREATE INDEX training_attendees_by_account ON training_attendees (account_id);

CREATE TABLE risk_points (
    id            TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL,
    -- manual, hotspot or alert; for the last two, what was found (JSON: dimension, value,
    -- label, observed, expected, period or window).
    source_kind   TEXT NOT NULL CHECK (source_kind IN ('manual', 'hotspot', 'alert')),
    source        TEXT,
    measures      TEXT NOT NULL,
    owner_id      TEXT NOT NULL,
    due_on        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('open', 'mitigated', 'closed')),
    review        TEXT,
    reviewed_at   TEXT,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_hlc   INTEGER NOT NULL
) STRICT;
CREATE INDEX risk_points_open ON risk_points (due_on) WHERE status = 'open';

PRAGMA user_version = 18;
