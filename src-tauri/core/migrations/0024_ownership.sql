-- Case ownership between sites (docs/SYNC.md, "Ownership"). A case is owned by the site that
-- recorded it (cases.site_id) until it is handed over: a release by the owner
-- (`case.handover_requested`), granted by headquarters (`case.handover_granted`), or
-- headquarters' forced reassignment (`case.reassigned`). Each change of owner bumps the epoch.
-- Only the owner changes a case's state; anyone who sees it may add to its timeline.

-- Projection: cases whose owner is not (or no longer only) the site that recorded them, and
-- hand-overs asked for. No row: owned by cases.site_id, epoch 0, nothing asked.
CREATE TABLE case_owners (
    case_id        TEXT PRIMARY KEY REFERENCES cases (id),
    owner_site     TEXT NOT NULL,
    owner_code     TEXT NOT NULL,
    owner_name     TEXT NOT NULL,
    epoch          INTEGER NOT NULL CHECK (epoch >= 0),
    -- A hand-over asked for by the owner and not yet granted or declined.
    pending_site   TEXT,
    pending_code   TEXT,
    pending_name   TEXT,
    pending_reason TEXT,
    updated_hlc    INTEGER NOT NULL
) STRICT;

-- Projection: events that changed a case's state written by a site that did not own it at
-- that point of the fold (the old owner, late, after a reassignment). Kept in the log and
-- shown on the timeline, but not folded; a person at the owning site reviews each.
CREATE TABLE held_for_review (
    event_id     TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases (id),
    site_id      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    hlc          INTEGER NOT NULL,
    -- not_owner: written by a site that did not own the case then; no_request: a grant with no
    -- hand-over asked for (declined or granted meanwhile).
    reason       TEXT NOT NULL CHECK (reason IN ('not_owner', 'no_request')),
    epoch        INTEGER NOT NULL,
    reviewed_by  TEXT,
    reviewed_at  TEXT,
    review_note  TEXT
) STRICT;
CREATE INDEX held_for_review_by_case ON held_for_review (case_id);
CREATE INDEX held_for_review_open ON held_for_review (reviewed_at) WHERE reviewed_at IS NULL;

-- Not a projection: the sites the hub told this one about at its last sync (hand-over targets,
-- and whether this site is headquarters).
CREATE TABLE known_sites (
    site_id   TEXT PRIMARY KEY,
    code      TEXT NOT NULL,
    name      TEXT NOT NULL,
    is_hq     INTEGER NOT NULL CHECK (is_hq IN (0, 1)),
    seen_at   TEXT NOT NULL
) STRICT;

PRAGMA user_version = 24;
