-- Events the hub keeps but sends to no site (docs/SYNC.md, "Visibility"): a branch's write to
-- a case it may not see, a second creation of a case the hub holds, a change of owner from a
-- site that may not make it. Refusing the push would stop the branch for good (its chain
-- cannot skip the event); kept and withheld, the chain goes on and a person at headquarters
-- sees them (`GET /v1/health` counts them, the log names each).
ALTER TABLE events ADD COLUMN withheld TEXT
    CHECK (withheld IS NULL OR withheld IN ('not_visible', 'duplicate_case', 'not_hq'));
CREATE INDEX events_withheld ON events (server_seq) WHERE withheld IS NOT NULL;
