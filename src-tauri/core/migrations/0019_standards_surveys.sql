-- Prevention, continued (§二): the company's operating standards kept as versioned reference
-- documents agents look up at intake (§二(二)), satisfaction survey results beside the
-- complaint figures (§二(四)2); and the log of the retention rule's runs (PIPL). Projections
-- of `standard.*`, `survey.*` and `retention.ran` events.

-- A standard: a service commitment, a schedule of charges, standard contract terms.
CREATE TABLE standards (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('service_commitment', 'charges', 'contract_terms', 'other')),
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_hlc  INTEGER NOT NULL
) STRICT;

-- Versioned as contingency plans are: a draft is edited until approved; an approved version
-- never changes; the one in force on a day has the latest effective_from on or before it.
CREATE TABLE standard_versions (
    standard_id    TEXT NOT NULL REFERENCES standards (id),
    version        INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('draft', 'approved')),
    title          TEXT NOT NULL,
    body           TEXT NOT NULL,
    -- JSON array of complaint category codes the standard answers (intake suggests it).
    categories     TEXT NOT NULL,
    change_note    TEXT NOT NULL,
    drafted_by     TEXT NOT NULL,
    drafted_at     TEXT NOT NULL,
    approved_by    TEXT,
    approved_at    TEXT,
    effective_from TEXT,
    PRIMARY KEY (standard_id, version)
) STRICT;

-- A survey file imported once (by its SHA-256); withdrawn if it was the wrong file.
CREATE TABLE survey_batches (
    id            TEXT PRIMARY KEY,
    file_name     TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    -- The scale the file's scores were on: five (1–5) or hundred (0–100).
    scale         TEXT NOT NULL CHECK (scale IN ('five', 'hundred')),
    rows          INTEGER NOT NULL,
    responses     INTEGER NOT NULL,
    first_day     TEXT NOT NULL,
    last_day      TEXT NOT NULL,
    imported_by   TEXT NOT NULL,
    imported_at   TEXT NOT NULL,
    withdrawn_at  TEXT,
    withdrawn_by  TEXT
) STRICT;
CREATE UNIQUE INDEX survey_batches_file ON survey_batches (sha256) WHERE withdrawn_at IS NULL;

-- One row of a survey file: a single answer (responses = 1) or a group's mean score.
CREATE TABLE survey_results (
    batch_id     TEXT NOT NULL REFERENCES survey_batches (id),
    row          INTEGER NOT NULL,
    answered_on  TEXT NOT NULL,
    store_id     TEXT NOT NULL REFERENCES org_units (id),
    -- '' when the answer is about the store as a whole.
    product      TEXT NOT NULL,
    -- On a 100-point scale (a five-point score times 20).
    score        REAL NOT NULL CHECK (score BETWEEN 0 AND 100),
    responses    INTEGER NOT NULL CHECK (responses >= 1),
    PRIMARY KEY (batch_id, row)
) WITHOUT ROWID, STRICT;
CREATE INDEX survey_results_by_store ON survey_results (store_id, answered_on);
CREATE INDEX survey_results_by_product ON survey_results (product, answered_on);

-- Each run of the retention rule, by hand or by the app's daily schedule (dry runs are not
-- runs). The consumers it anonymised are in privacy_log.
CREATE TABLE retention_runs (
    event_id     TEXT PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    automatic    INTEGER NOT NULL CHECK (automatic IN (0, 1)),
    months       INTEGER NOT NULL,
    cutoff       TEXT NOT NULL,
    anonymised   INTEGER NOT NULL,
    cases        INTEGER NOT NULL,
    held         INTEGER NOT NULL
) STRICT;
CREATE INDEX retention_runs_by_day ON retention_runs (at);

PRAGMA user_version = 19;
