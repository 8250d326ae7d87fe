-- The ledger at a million cases: an index for each filter the ledger offers, sorted by the
-- received time (its default order); imported cases and their batches; per-account ledger
-- preferences (columns, saved filters), which are local settings of a person, not events.

CREATE INDEX cases_by_category ON cases (category, received_at);
CREATE INDEX cases_by_channel ON cases (channel, received_at);
CREATE INDEX cases_by_severity ON cases (severity, received_at);
CREATE INDEX cases_by_store ON cases (store_id, received_at);
CREATE INDEX cases_by_handler_received ON cases (handler_id, received_at);
CREATE INDEX cases_by_product ON cases (product_name);
CREATE INDEX cases_by_case_no ON cases (case_no);
CREATE INDEX cases_by_handler_name ON cases (handler);
-- Open cases whose clock runs, by deadline: "overdue" counts and lists walk only these (the
-- WHERE is `cases::RUNNING`, word for word, so that the planner can use the index).
CREATE INDEX cases_running_by_due ON cases (due_at)
    WHERE status NOT IN ('closed', 'withdrawn', 'merged') AND paused_at IS NULL;
-- The ledger sorts status and severity by meaning (the workflow's order, gravity): the same
-- expressions as `CaseSortField::column`, so that the sort can walk an index.
CREATE INDEX cases_by_status_order ON cases ((CASE status WHEN 'received' THEN 0 WHEN 'investigating' THEN 1
    WHEN 'planning' THEN 2 WHEN 'negotiating' THEN 3 WHEN 'executing' THEN 4
    WHEN 'feedback' THEN 5 WHEN 'closed' THEN 6 WHEN 'withdrawn' THEN 7 ELSE 8 END));
CREATE INDEX cases_by_severity_order ON cases ((CASE severity WHEN 'general' THEN 0 WHEN 'serious' THEN 1
    WHEN 'major' THEN 2 ELSE 3 END));
CREATE INDEX cases_by_satisfaction ON cases (satisfaction, received_at) WHERE satisfaction IS NOT NULL;

-- Where an imported case came from: the source (a mapping's `source`), the row's key in it
-- (its external id, or a fingerprint of the row) and its row number in the file.
CREATE TABLE case_imports (
    case_id   TEXT PRIMARY KEY,
    batch_id  TEXT NOT NULL,
    source    TEXT NOT NULL,
    key       TEXT NOT NULL,
    row       INTEGER NOT NULL
) STRICT;
CREATE INDEX case_imports_by_key ON case_imports (source, key);
CREATE INDEX case_imports_by_batch ON case_imports (batch_id, row);

CREATE TABLE import_batches (
    id          TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    started_at  TEXT NOT NULL,
    started_by  TEXT NOT NULL,
    -- running (or interrupted, if no process finishes it), done, cancelled
    status      TEXT NOT NULL,
    finished_at TEXT,
    imported    INTEGER NOT NULL DEFAULT 0,
    duplicates  INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX import_batches_by_start ON import_batches (started_at);

-- A consumer record merged into another (the same person recorded twice).
ALTER TABLE consumers ADD COLUMN merged_into TEXT;

CREATE TABLE preferences (
    account_id TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account_id, key)
) STRICT;

PRAGMA user_version = 10;
