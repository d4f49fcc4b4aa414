-- A scheduled sitting of an exam was called an exam session; "session" now
-- means only a sign-in session. Renaming keeps every row; SQLite rewrites
-- the foreign key of appointments and its partial index on the column.
ALTER TABLE exam_sessions RENAME TO sittings;
DROP INDEX exam_sessions_start;
CREATE INDEX sittings_start ON sittings(exam_id, starts_at);
ALTER TABLE appointments RENAME COLUMN session_id TO sitting_id;
