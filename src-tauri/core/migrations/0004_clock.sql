-- Deadline clocks that stop while waiting (for a test report, for the consumer).

ALTER TABLE cases ADD COLUMN paused_at TEXT;
ALTER TABLE cases ADD COLUMN pause_reason TEXT;

PRAGMA user_version = 4;
