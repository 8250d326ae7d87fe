-- A database restored from a backup while this site syncs with a hub (docs/BACKUP.md,
-- docs/SYNC.md): the hub may hold events this site recorded after the backup was made. Until
-- the first sync has taken them back, nothing new may be recorded (its event would take the
-- place in the site's chain of one the hub already has). Local to this machine, not an event.
ALTER TABLE sync_state ADD COLUMN restored_at TEXT;

-- Sign-in records made in that time (signing in must work, to sync): appended to the log, in
-- order, once the site's own events are back.
CREATE TABLE deferred_events (
    id           INTEGER PRIMARY KEY,
    actor        TEXT NOT NULL,
    occurred_at  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL
) STRICT;

PRAGMA user_version = 30;
