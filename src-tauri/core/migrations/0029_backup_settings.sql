-- Backups of this machine's data (docs/BACKUP.md): the folder they go to, how many of this
-- site's are kept there, whether one is made every day, and how the last went. Local to this
-- machine like sync_state: not an event, not synced, not folded.
CREATE TABLE backup_state (
    singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
    folder         TEXT,
    keep           INTEGER NOT NULL DEFAULT 30 CHECK (keep BETWEEN 1 AND 1000),
    daily          INTEGER NOT NULL DEFAULT 1 CHECK (daily IN (0, 1)),
    -- The last backup made (by hand or on schedule), and when.
    last_at        TEXT,
    last_name      TEXT,
    -- The last attempt that failed, when it came after the last success: code and detail.
    last_error     TEXT,
    last_error_at  TEXT
) STRICT;
INSERT INTO backup_state (singleton) VALUES (1);

PRAGMA user_version = 29;
