-- Cases this site holds events of but not the case itself: handed over to it, so the hub sends
-- the case's earlier history, which this site's pull cursor had passed before it could see the
-- case (docs/SYNC.md, "Visibility"). A sync asks the hub for them until they have arrived.
CREATE TABLE cases_wanted (
    case_id  TEXT PRIMARY KEY,
    since    TEXT NOT NULL
) STRICT;

PRAGMA user_version = 25;
