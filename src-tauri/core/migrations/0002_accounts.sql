-- Accounts, roles and settings (issue: accounts, roles and audit trail).

-- People who sign in. A projection of account.* events.
CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    unit_id       TEXT REFERENCES org_units (id),
    roles         TEXT NOT NULL,          -- JSON array of role codes
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_hlc   INTEGER NOT NULL,
    updated_hlc   INTEGER NOT NULL
) STRICT;

-- Password hashes and sign-in state: secrets and local counters, deliberately outside the
-- immutable log (an old hash must be replaceable for good). Events record that a password was
-- set or an account locked, never the hash.
CREATE TABLE credentials (
    account_id           TEXT PRIMARY KEY,  -- no foreign key: survives a projection rebuild
    password_hash        TEXT NOT NULL,
    must_change          INTEGER NOT NULL DEFAULT 0 CHECK (must_change IN (0, 1)),
    failed_attempts      INTEGER NOT NULL DEFAULT 0,
    locked_until         TEXT,
    password_changed_at  TEXT NOT NULL
) STRICT;

-- Roles whose permissions an administrator changed; the others keep the defaults in code.
CREATE TABLE role_overrides (
    code         TEXT PRIMARY KEY,
    permissions  TEXT NOT NULL,           -- JSON array of permission codes
    case_scope   TEXT NOT NULL CHECK (case_scope IN ('all', 'department', 'own')),
    updated_hlc  INTEGER NOT NULL
) STRICT;

-- Settings an administrator changed; the others keep their defaults in code.
CREATE TABLE settings (
    key          TEXT PRIMARY KEY,
    value        TEXT NOT NULL,           -- JSON
    updated_hlc  INTEGER NOT NULL
) STRICT;

-- Who received and who handles a case, as accounts (the name columns keep the name as it was).
ALTER TABLE cases ADD COLUMN received_by_id TEXT;
ALTER TABLE cases ADD COLUMN handler_id TEXT;
CREATE INDEX cases_by_handler ON cases (handler_id) WHERE handler_id IS NOT NULL;
CREATE INDEX cases_by_department ON cases (department_id, received_at);

PRAGMA user_version = 2;
