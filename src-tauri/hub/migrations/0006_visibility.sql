-- Which cases each site may see (docs/SYNC.md, "Visibility"): the cases it recorded and those
-- ever handed over or reassigned to it (headquarters sees every case and has no rows here).
-- Kept in the push transaction as those events arrive; a site's pull sends the events of
-- these cases and those of no case (the organisation, code lists, settings).
CREATE TABLE case_access (
    case_id  TEXT NOT NULL,
    -- The branch database's site id (events.site_id).
    site_id  TEXT NOT NULL,
    PRIMARY KEY (case_id, site_id)
);
CREATE INDEX case_access_by_site ON case_access (site_id, case_id);

INSERT INTO case_access (case_id, site_id)
SELECT case_id, site_id FROM events WHERE kind = 'case.created' AND case_id IS NOT NULL
ON CONFLICT DO NOTHING;
-- (The payload is read as JSON only for these two kinds: another event's text may hold
-- escapes jsonb refuses, such as \u0000.)
INSERT INTO case_access (case_id, site_id)
SELECT case_id, target FROM (
    SELECT case_id, CASE WHEN kind IN ('case.handover_granted', 'case.reassigned')
                         THEN (payload::jsonb) -> 'to' ->> 'site_id' END AS target
    FROM events WHERE kind IN ('case.handover_granted', 'case.reassigned')
      AND case_id IS NOT NULL
) moved WHERE target IS NOT NULL
ON CONFLICT DO NOTHING;
