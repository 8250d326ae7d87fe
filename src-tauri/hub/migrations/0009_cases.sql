-- The hub's projection of each case (docs/SYNC.md, "The hub"): its number, the site that
-- recorded it, the site that owns it now and how often it moved, and how much has happened to
-- it. Kept in the push transaction from the events the hub takes (withheld ones do not count),
-- written under the counter row's lock like the numbers. Headquarters' app folds every event into the
-- whole case; this is what the hub itself needs (what to withhold) and what an operator asks
-- of it (`redress-hub cases`). A case whose creation has not arrived yet (its events came
-- first, through a bundle) has no number or creator until it does.
CREATE TABLE hub_cases (
    case_id     TEXT PRIMARY KEY,
    case_no     TEXT,
    created_by  TEXT,
    owner       TEXT,
    moves       INTEGER NOT NULL DEFAULT 0 CHECK (moves >= 0),
    events      BIGINT NOT NULL CHECK (events > 0),
    first_seq   BIGINT NOT NULL,
    last_seq    BIGINT NOT NULL,
    last_at     TEXT NOT NULL
);
CREATE INDEX hub_cases_by_owner ON hub_cases (owner, last_seq);

-- (Payloads are read as JSON only for these kinds, as in 0006.)
INSERT INTO hub_cases (case_id, events, first_seq, last_seq, last_at)
SELECT case_id, COUNT(*), MIN(server_seq), MAX(server_seq),
       (ARRAY_AGG(occurred_at ORDER BY server_seq DESC))[1]
FROM events WHERE case_id IS NOT NULL AND withheld IS NULL
GROUP BY case_id;

-- The first creation of each case (a hub older than 0007 may hold a second one, not withheld).
UPDATE hub_cases c SET case_no = e.no, created_by = e.site_id, owner = e.site_id
FROM (
    SELECT DISTINCT ON (case_id) case_id, site_id,
           CASE WHEN kind = 'case.created' THEN (payload::jsonb) ->> 'case_no' END AS no
    FROM events WHERE kind = 'case.created' AND withheld IS NULL AND case_id IS NOT NULL
    ORDER BY case_id, server_seq
) e
WHERE e.case_id = c.case_id;

-- The owner after the last move that names its site.
UPDATE hub_cases c SET owner = COALESCE(m.target, c.owner), moves = m.n
FROM (
    SELECT case_id, COUNT(*) AS n,
           (ARRAY_AGG(target ORDER BY server_seq DESC) FILTER (WHERE target IS NOT NULL))[1]
               AS target
    FROM (
        SELECT case_id, server_seq,
               CASE WHEN kind IN ('case.handover_granted', 'case.reassigned')
                    THEN (payload::jsonb) -> 'to' ->> 'site_id' END AS target
        FROM events
        WHERE kind IN ('case.handover_granted', 'case.reassigned') AND withheld IS NULL
          AND case_id IS NOT NULL
    ) moves
    GROUP BY case_id
) m
WHERE m.case_id = c.case_id;
