-- Daily counts of the cases received, per value of each statistics dimension (category,
-- channel, department, store, product, severity, root cause, status), merged cases left out:
-- a year's statistics read a few hundred thousand of these rows instead of every case of
-- three years. Kept by the triggers below in the same transaction as the case; an import
-- (and a rebuild of the projections) pauses them with a row in `counts_deferred` and adds its
-- cases' counts in one statement per dimension (`core/src/counts.rs`). A value that is missing
-- is counted under ''. Rows whose count fell to 0 stay (they add nothing).
CREATE TABLE case_counts (
    dimension TEXT NOT NULL,
    day       TEXT NOT NULL,
    key       TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (dimension, day, key)
) WITHOUT ROWID, STRICT;

-- While it has a row, the triggers leave the counts to whoever put it there.
CREATE TABLE counts_deferred (
    id INTEGER PRIMARY KEY CHECK (id = 1)
) STRICT;

CREATE TRIGGER case_counts_insert AFTER INSERT ON cases
WHEN NEW.status <> 'merged' AND NOT EXISTS (SELECT 1 FROM counts_deferred)
BEGIN
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'category', date(NEW.received_at, '+8 hours'), NEW.category, 1 WHERE true
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'channel', date(NEW.received_at, '+8 hours'), NEW.channel, 1 WHERE true
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'department', date(NEW.received_at, '+8 hours'), COALESCE(NEW.department_id, ''), 1 WHERE true
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'store', date(NEW.received_at, '+8 hours'), COALESCE(NEW.store_id, ''), 1 WHERE true
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'product', date(NEW.received_at, '+8 hours'), NEW.product_name, 1 WHERE true
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'severity', date(NEW.received_at, '+8 hours'), NEW.severity, 1 WHERE true
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'root_cause', date(NEW.received_at, '+8 hours'), COALESCE(NEW.root_cause, ''), 1 WHERE true
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'status', date(NEW.received_at, '+8 hours'), NEW.status, 1 WHERE true
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER case_counts_delete AFTER DELETE ON cases
WHEN OLD.status <> 'merged' AND NOT EXISTS (SELECT 1 FROM counts_deferred)
BEGIN
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'category'
        AND day = date(OLD.received_at, '+8 hours') AND key = OLD.category;
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'channel'
        AND day = date(OLD.received_at, '+8 hours') AND key = OLD.channel;
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'department'
        AND day = date(OLD.received_at, '+8 hours') AND key = COALESCE(OLD.department_id, '');
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'store'
        AND day = date(OLD.received_at, '+8 hours') AND key = COALESCE(OLD.store_id, '');
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'product'
        AND day = date(OLD.received_at, '+8 hours') AND key = OLD.product_name;
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'severity'
        AND day = date(OLD.received_at, '+8 hours') AND key = OLD.severity;
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'root_cause'
        AND day = date(OLD.received_at, '+8 hours') AND key = COALESCE(OLD.root_cause, '');
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'status'
        AND day = date(OLD.received_at, '+8 hours') AND key = OLD.status;
END;

-- A case whose status or received time changes moves in every dimension (a merged case
-- leaves them all).
CREATE TRIGGER case_counts_move AFTER UPDATE OF status, received_at ON cases
WHEN (OLD.status IS NOT NEW.status OR OLD.received_at IS NOT NEW.received_at)
    AND NOT EXISTS (SELECT 1 FROM counts_deferred)
BEGIN
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'category'
        AND day = date(OLD.received_at, '+8 hours') AND key = OLD.category AND OLD.status <> 'merged';
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'channel'
        AND day = date(OLD.received_at, '+8 hours') AND key = OLD.channel AND OLD.status <> 'merged';
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'department'
        AND day = date(OLD.received_at, '+8 hours') AND key = COALESCE(OLD.department_id, '') AND OLD.status <> 'merged';
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'store'
        AND day = date(OLD.received_at, '+8 hours') AND key = COALESCE(OLD.store_id, '') AND OLD.status <> 'merged';
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'product'
        AND day = date(OLD.received_at, '+8 hours') AND key = OLD.product_name AND OLD.status <> 'merged';
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'severity'
        AND day = date(OLD.received_at, '+8 hours') AND key = OLD.severity AND OLD.status <> 'merged';
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'root_cause'
        AND day = date(OLD.received_at, '+8 hours') AND key = COALESCE(OLD.root_cause, '') AND OLD.status <> 'merged';
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'status'
        AND day = date(OLD.received_at, '+8 hours') AND key = OLD.status AND OLD.status <> 'merged';
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'category', date(NEW.received_at, '+8 hours'), NEW.category, 1 WHERE NEW.status <> 'merged'
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'channel', date(NEW.received_at, '+8 hours'), NEW.channel, 1 WHERE NEW.status <> 'merged'
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'department', date(NEW.received_at, '+8 hours'), COALESCE(NEW.department_id, ''), 1 WHERE NEW.status <> 'merged'
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'store', date(NEW.received_at, '+8 hours'), COALESCE(NEW.store_id, ''), 1 WHERE NEW.status <> 'merged'
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'product', date(NEW.received_at, '+8 hours'), NEW.product_name, 1 WHERE NEW.status <> 'merged'
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'severity', date(NEW.received_at, '+8 hours'), NEW.severity, 1 WHERE NEW.status <> 'merged'
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'root_cause', date(NEW.received_at, '+8 hours'), COALESCE(NEW.root_cause, ''), 1 WHERE NEW.status <> 'merged'
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'status', date(NEW.received_at, '+8 hours'), NEW.status, 1 WHERE NEW.status <> 'merged'
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
END;

-- Its category alone changed.
CREATE TRIGGER case_counts_category AFTER UPDATE OF category ON cases
WHEN OLD.category IS NOT NEW.category AND OLD.status IS NEW.status
    AND OLD.received_at IS NEW.received_at AND NEW.status <> 'merged'
    AND NOT EXISTS (SELECT 1 FROM counts_deferred)
BEGIN
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'category'
        AND day = date(OLD.received_at, '+8 hours') AND key = OLD.category;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'category', date(NEW.received_at, '+8 hours'), NEW.category, 1 WHERE true
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
END;

-- Its channel alone changed.
CREATE TRIGGER case_counts_channel AFTER UPDATE OF channel ON cases
WHEN OLD.channel IS NOT NEW.channel AND OLD.status IS NEW.status
    AND OLD.received_at IS NEW.received_at AND NEW.status <> 'merged'
    AND NOT EXISTS (SELECT 1 FROM counts_deferred)
BEGIN
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'channel'
        AND day = date(OLD.received_at, '+8 hours') AND key = OLD.channel;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'channel', date(NEW.received_at, '+8 hours'), NEW.channel, 1 WHERE true
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
END;

-- Its department alone changed.
CREATE TRIGGER case_counts_department AFTER UPDATE OF department_id ON cases
WHEN OLD.department_id IS NOT NEW.department_id AND OLD.status IS NEW.status
    AND OLD.received_at IS NEW.received_at AND NEW.status <> 'merged'
    AND NOT EXISTS (SELECT 1 FROM counts_deferred)
BEGIN
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'department'
        AND day = date(OLD.received_at, '+8 hours') AND key = COALESCE(OLD.department_id, '');
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'department', date(NEW.received_at, '+8 hours'), COALESCE(NEW.department_id, ''), 1 WHERE true
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
END;

-- Its store alone changed.
CREATE TRIGGER case_counts_store AFTER UPDATE OF store_id ON cases
WHEN OLD.store_id IS NOT NEW.store_id AND OLD.status IS NEW.status
    AND OLD.received_at IS NEW.received_at AND NEW.status <> 'merged'
    AND NOT EXISTS (SELECT 1 FROM counts_deferred)
BEGIN
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'store'
        AND day = date(OLD.received_at, '+8 hours') AND key = COALESCE(OLD.store_id, '');
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'store', date(NEW.received_at, '+8 hours'), COALESCE(NEW.store_id, ''), 1 WHERE true
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
END;

-- Its product alone changed.
CREATE TRIGGER case_counts_product AFTER UPDATE OF product_name ON cases
WHEN OLD.product_name IS NOT NEW.product_name AND OLD.status IS NEW.status
    AND OLD.received_at IS NEW.received_at AND NEW.status <> 'merged'
    AND NOT EXISTS (SELECT 1 FROM counts_deferred)
BEGIN
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'product'
        AND day = date(OLD.received_at, '+8 hours') AND key = OLD.product_name;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'product', date(NEW.received_at, '+8 hours'), NEW.product_name, 1 WHERE true
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
END;

-- Its severity alone changed.
CREATE TRIGGER case_counts_severity AFTER UPDATE OF severity ON cases
WHEN OLD.severity IS NOT NEW.severity AND OLD.status IS NEW.status
    AND OLD.received_at IS NEW.received_at AND NEW.status <> 'merged'
    AND NOT EXISTS (SELECT 1 FROM counts_deferred)
BEGIN
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'severity'
        AND day = date(OLD.received_at, '+8 hours') AND key = OLD.severity;
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'severity', date(NEW.received_at, '+8 hours'), NEW.severity, 1 WHERE true
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
END;

-- Its root cause alone changed.
CREATE TRIGGER case_counts_root_cause AFTER UPDATE OF root_cause ON cases
WHEN OLD.root_cause IS NOT NEW.root_cause AND OLD.status IS NEW.status
    AND OLD.received_at IS NEW.received_at AND NEW.status <> 'merged'
    AND NOT EXISTS (SELECT 1 FROM counts_deferred)
BEGIN
    UPDATE case_counts SET n = n - 1 WHERE dimension = 'root_cause'
        AND day = date(OLD.received_at, '+8 hours') AND key = COALESCE(OLD.root_cause, '');
    INSERT INTO case_counts (dimension, day, key, n)
        SELECT 'root_cause', date(NEW.received_at, '+8 hours'), COALESCE(NEW.root_cause, ''), 1 WHERE true
        ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + 1;
END;

-- The cases already there.
INSERT INTO case_counts (dimension, day, key, n)
    SELECT 'category', date(c.received_at, '+8 hours') AS day, c.category AS k, COUNT(*) FROM cases c
    WHERE c.status <> 'merged' GROUP BY day, k;
INSERT INTO case_counts (dimension, day, key, n)
    SELECT 'channel', date(c.received_at, '+8 hours') AS day, c.channel AS k, COUNT(*) FROM cases c
    WHERE c.status <> 'merged' GROUP BY day, k;
INSERT INTO case_counts (dimension, day, key, n)
    SELECT 'department', date(c.received_at, '+8 hours') AS day, COALESCE(c.department_id, '') AS k, COUNT(*) FROM cases c
    WHERE c.status <> 'merged' GROUP BY day, k;
INSERT INTO case_counts (dimension, day, key, n)
    SELECT 'store', date(c.received_at, '+8 hours') AS day, COALESCE(c.store_id, '') AS k, COUNT(*) FROM cases c
    WHERE c.status <> 'merged' GROUP BY day, k;
INSERT INTO case_counts (dimension, day, key, n)
    SELECT 'product', date(c.received_at, '+8 hours') AS day, c.product_name AS k, COUNT(*) FROM cases c
    WHERE c.status <> 'merged' GROUP BY day, k;
INSERT INTO case_counts (dimension, day, key, n)
    SELECT 'severity', date(c.received_at, '+8 hours') AS day, c.severity AS k, COUNT(*) FROM cases c
    WHERE c.status <> 'merged' GROUP BY day, k;
INSERT INTO case_counts (dimension, day, key, n)
    SELECT 'root_cause', date(c.received_at, '+8 hours') AS day, COALESCE(c.root_cause, '') AS k, COUNT(*) FROM cases c
    WHERE c.status <> 'merged' GROUP BY day, k;
INSERT INTO case_counts (dimension, day, key, n)
    SELECT 'status', date(c.received_at, '+8 hours') AS day, c.status AS k, COUNT(*) FROM cases c
    WHERE c.status <> 'merged' GROUP BY day, k;

PRAGMA user_version = 13;
