-- Intake (issue: intake and triage): the date the consumer is told, and lookups by order number.

ALTER TABLE cases ADD COLUMN expected_resolution TEXT;
CREATE INDEX cases_by_order_no ON cases (order_no) WHERE order_no IS NOT NULL;

PRAGMA user_version = 3;
