-- Events that arrived stamped far ahead of this computer's clock (docs/SYNC.md, "Clock
-- skew"): kept and folded like any other — never dropped or reordered — and listed here so a
-- person can have the other site's clock set right. Not part of the state: each site notes what
-- it saw.
CREATE TABLE clock_flags (
    event_id   TEXT PRIMARY KEY,
    site_id    TEXT NOT NULL,
    -- The event's clock (ms since 1970) and how far ahead of this computer's it was on arrival.
    stamp_ms   INTEGER NOT NULL,
    ahead_ms   INTEGER NOT NULL,
    seen_at    TEXT NOT NULL
) STRICT;

CREATE INDEX clock_flags_by_site ON clock_flags (site_id);

PRAGMA user_version = 22;
