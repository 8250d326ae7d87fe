-- Two sites working offline can each create an account under the same user name (every site's
-- first administrator is usually `admin`). A unique user name made the second creation fail to
-- fold wherever both arrived, and that site's sync stopped for good. User names are now
-- unique only as each site creates them (`accounts.create` still refuses a name it knows);
-- signing in looks among the accounts with a password at this site, which are this site's
-- own unless an administrator here set one. The table is rebuilt without the constraint.
CREATE TABLE accounts_rebuilt (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    unit_id       TEXT REFERENCES org_units (id),
    roles         TEXT NOT NULL,          -- JSON array of role codes
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_hlc   INTEGER NOT NULL,
    updated_hlc   INTEGER NOT NULL
) STRICT;
INSERT INTO accounts_rebuilt
    SELECT id, username, display_name, unit_id, roles, active, created_hlc, updated_hlc
    FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_rebuilt RENAME TO accounts;
CREATE INDEX accounts_by_username ON accounts (username);

PRAGMA user_version = 26;
