-- Chinese full-text search over cases (issue: the ledger): overlapping character bigrams and
-- single characters, kept by the core from the projections (see core/src/search.rs).
CREATE VIRTUAL TABLE case_search USING fts5(
    bi, uni, who_bi, who_uni,
    tokenize = 'unicode61 remove_diacritics 0'
);

-- The index row of each case (FTS rows are numbered by the core, never by SQLite's implicit
-- rowids of `cases`, which VACUUM may renumber).
CREATE TABLE search_rows (
    case_id TEXT PRIMARY KEY,
    row     INTEGER NOT NULL UNIQUE
) STRICT;

-- Cases whose searchable text changed and must be indexed again.
CREATE TABLE search_dirty (
    case_id TEXT PRIMARY KEY
) STRICT;

-- Cases recorded before search existed are indexed when the database is next opened.
INSERT INTO search_dirty (case_id) SELECT id FROM cases;

PRAGMA user_version = 9;
