-- The hub's order, checked (docs/SYNC.md, "A hub restored from a backup"): with its cursor the
-- site keeps the hub's chain value at that number (a hash over every event the hub numbered up
-- to there, in order). A hub restored from a backup numbers again from an older point, and
-- the same number may then name other events: the pull sends this value, and the hub answers
-- `reset` when its own chain at that number differs. NULL before the first pull, and from a
-- hub that keeps no chain.
ALTER TABLE sync_state ADD COLUMN cursor_chain TEXT;

PRAGMA user_version = 32;
