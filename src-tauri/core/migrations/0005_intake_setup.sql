-- Intake set-up an administrator edits (channels, categories, the holiday calendar), the
-- acknowledgment deadline, and links between related and duplicate complaints.

-- Edits over the built-in channel and category lists (codes.rs), and added entries.
CREATE TABLE code_entries (
    list            TEXT NOT NULL CHECK (list IN ('channel', 'category')),
    code            TEXT NOT NULL,
    label_zh        TEXT NOT NULL,
    label_en        TEXT NOT NULL,
    definition_zh   TEXT NOT NULL,
    definition_en   TEXT NOT NULL,
    position        INTEGER NOT NULL,
    active          INTEGER NOT NULL CHECK (active IN (0, 1)),
    requires_store  INTEGER NOT NULL CHECK (requires_store IN (0, 1)),
    updated_hlc     INTEGER NOT NULL,
    PRIMARY KEY (list, code)
) STRICT;

-- Edits over the shipped holiday schedule (data/holidays-cn.json), one row a day.
CREATE TABLE calendar_days (
    date         TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('holiday', 'workday', 'ordinary')),
    name_zh      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    updated_hlc  INTEGER NOT NULL
) STRICT;

-- Complaints about the same matter. Stored in both directions; kind 'duplicate' is the link a
-- merge leaves between the merged case and the one that carries on.
CREATE TABLE case_links (
    case_id      TEXT NOT NULL REFERENCES cases (id),
    other_id     TEXT NOT NULL REFERENCES cases (id),
    kind         TEXT NOT NULL CHECK (kind IN ('related', 'duplicate')),
    note         TEXT,
    created_hlc  INTEGER NOT NULL,
    PRIMARY KEY (case_id, other_id),
    CHECK (case_id <> other_id)
) STRICT;

-- The deadline for telling the consumer the complaint was received, and when they were told.
ALTER TABLE cases ADD COLUMN ack_due_at TEXT;
ALTER TABLE cases ADD COLUMN acknowledged_at TEXT;
-- A duplicate merged into another case: the case that carries on.
ALTER TABLE cases ADD COLUMN merged_into TEXT REFERENCES cases (id);

PRAGMA user_version = 5;
