-- The KPIs' missed deadlines at a million cases: the running cases past their deadline and the
-- cases closed after it, each found by deadline in a partial index that also holds the lines
-- KPIs are given per (department, store, handler), so that counting them reads no table rows.
-- The WHEREs are `cases::RUNNING` and `kpi::CLOSED_LATE`, word for word.
DROP INDEX cases_running_by_due;
CREATE INDEX cases_running_by_due ON cases (due_at, department_id, store_id, handler_id)
    WHERE status NOT IN ('closed', 'withdrawn', 'merged') AND paused_at IS NULL;
CREATE INDEX cases_closed_late ON cases (due_at, department_id, store_id, handler_id)
    WHERE status = 'closed' AND closed_at > due_at;

PRAGMA user_version = 15;
