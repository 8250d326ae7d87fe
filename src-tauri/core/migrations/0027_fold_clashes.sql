-- Clashes between sites: two sites that each did something correct offline can still clash
-- (the same business key given twice, a row one expects that the other removed, a kind an older
-- version does not know). Such an event stays in the log and is listed here for a person —
-- `set_aside` (it did not take effect), `code_renamed` (an org unit whose code another unit
-- had taken first, folded under its code and a suffix) or `number_twice` (a bulletin, report or
-- incident whose number of the year another had first: in effect, under the number it was
-- printed with, without a place in the year's sequence) — instead of stopping the fold, and with
-- it every later sync and, through the refold at open, the database itself. A projection:
-- emptied and filled again by every rebuild, so every site holding the same events lists the
-- same ones.
CREATE TABLE fold_clashes (
    event_id  TEXT PRIMARY KEY,
    site_id   TEXT NOT NULL,
    hlc       INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    case_id   TEXT,
    outcome   TEXT NOT NULL CHECK (outcome IN ('set_aside', 'code_renamed', 'number_twice')),
    reason    TEXT NOT NULL           -- the database's or the fold's own words
) STRICT;

PRAGMA user_version = 27;
