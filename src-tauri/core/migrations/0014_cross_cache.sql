-- Cross tabulations (any two dimensions) cannot be kept for every pair as cases change, so
-- they are cached per day, pair and pair of values when first asked for, and recounted for
-- the days whose cases changed since: `count_days` numbers each day's changes (bumped by the
-- triggers below, or by the importer and a rebuild while the triggers are deferred), and a
-- cached day of a pair is good while its version matches (`core/src/counts.rs`).
CREATE TABLE count_days (
    day     TEXT PRIMARY KEY,
    version INTEGER NOT NULL
) WITHOUT ROWID, STRICT;

CREATE TABLE cross_cache (
    pair TEXT NOT NULL,
    day  TEXT NOT NULL,
    a    TEXT NOT NULL,
    b    TEXT NOT NULL,
    n    INTEGER NOT NULL,
    PRIMARY KEY (pair, day, a, b)
) WITHOUT ROWID, STRICT;

CREATE TABLE cross_cached (
    pair    TEXT NOT NULL,
    day     TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (pair, day)
) WITHOUT ROWID, STRICT;

CREATE TRIGGER count_days_insert AFTER INSERT ON cases
WHEN NOT EXISTS (SELECT 1 FROM counts_deferred)
BEGIN
    INSERT INTO count_days (day, version) SELECT date(NEW.received_at, '+8 hours'), 1 WHERE true
        ON CONFLICT (day) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER count_days_delete AFTER DELETE ON cases
WHEN NOT EXISTS (SELECT 1 FROM counts_deferred)
BEGIN
    INSERT INTO count_days (day, version) SELECT date(OLD.received_at, '+8 hours'), 1 WHERE true
        ON CONFLICT (day) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER count_days_update AFTER UPDATE OF status, received_at, category, channel,
    department_id, store_id, product_name, severity, root_cause ON cases
WHEN NOT EXISTS (SELECT 1 FROM counts_deferred)
BEGIN
    INSERT INTO count_days (day, version) SELECT date(OLD.received_at, '+8 hours'), 1 WHERE true
        ON CONFLICT (day) DO UPDATE SET version = version + 1;
    INSERT INTO count_days (day, version) SELECT date(NEW.received_at, '+8 hours'), 1 WHERE true
        ON CONFLICT (day) DO UPDATE SET version = version + 1;
END;

INSERT INTO count_days (day, version)
    SELECT DISTINCT date(received_at, '+8 hours'), 1 FROM cases WHERE true;

PRAGMA user_version = 14;
