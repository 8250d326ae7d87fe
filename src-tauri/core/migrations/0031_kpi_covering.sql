-- The KPIs of a year at a million cases, without a jump to any case's row (docs/BENCHMARKS.md).
-- Each of their three queries over the cases is answered from one partial index holding every
-- column it reads. SQLite reads the row for any column the query names that the index does not
-- hold, even one only tested by the index's own WHERE: hence `status`, `paused_at` and
-- `closed_at` among the columns below.

-- Missed deadlines: the running cases past theirs, the cases closed after theirs. The WHEREs
-- are `cases::RUNNING` and `kpi::CLOSED_LATE`, word for word, as in 0015.
DROP INDEX cases_running_by_due;
CREATE INDEX cases_running_by_due ON cases (
    due_at, department_id, store_id, handler_id, status, paused_at
) WHERE status NOT IN ('closed', 'withdrawn', 'merged') AND paused_at IS NULL;
DROP INDEX cases_closed_late;
CREATE INDEX cases_closed_late ON cases (
    due_at, department_id, store_id, handler_id, status, closed_at
) WHERE status = 'closed' AND closed_at > due_at;

-- Each case closed in the period (some 180,000 in a year): its lines, the times its handling
-- is counted from, its deadline, feedback, score, complexity and reopenings.
CREATE INDEX cases_closed_kpi ON cases (
    closed_at, department_id, store_id, handler_id, received_at, due_at, paused_working_days,
    satisfaction, score, complexity, reopen_count, status
) WHERE status = 'closed';

PRAGMA user_version = 31;
