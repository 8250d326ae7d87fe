-- Files (evidence, issued PDFs) the hub is known to hold, by SHA-256: a sync asks the hub about
-- the others (attached before files travelled, brought by a bundle) and sends what it lacks.
CREATE TABLE blobs_at_hub (
    sha256  TEXT PRIMARY KEY,
    at      TEXT NOT NULL
) STRICT;

PRAGMA user_version = 23;
