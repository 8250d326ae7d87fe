-- KPIs (§七(二)): business volume per unit and month (the complaint rate's denominator), KPI
-- targets per unit and period, and the working days each case's clock stood still (handling
-- time leaves them out).

ALTER TABLE cases ADD COLUMN paused_working_days INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_by_closed ON cases (closed_at) WHERE closed_at IS NOT NULL;

-- Orders and sales of one unit (store, department, branch) in one month, that unit alone: a
-- branch's volume is its own record plus those of the units under it.
CREATE TABLE business_volume (
    unit_id      TEXT NOT NULL REFERENCES org_units (id),
    month        TEXT NOT NULL,
    orders       INTEGER NOT NULL CHECK (orders >= 0),
    sales_fen    INTEGER CHECK (sales_fen IS NULL OR sales_fen >= 0),
    updated_by   TEXT NOT NULL,
    updated_hlc  INTEGER NOT NULL,
    PRIMARY KEY (unit_id, month)
) STRICT;

-- A KPI's goal (green when met) and limit (red when worse) for a unit ('' = the company) and a
-- period (`2026`, `2026-Q3` or `2026-10`).
CREATE TABLE kpi_targets (
    unit_id      TEXT NOT NULL,
    period       TEXT NOT NULL,
    kpi          TEXT NOT NULL,
    goal         REAL NOT NULL,
    lim          REAL NOT NULL,
    updated_by   TEXT NOT NULL,
    updated_hlc  INTEGER NOT NULL,
    PRIMARY KEY (unit_id, period, kpi)
) STRICT;

PRAGMA user_version = 11;
