-- A scheduled sitting of an exam was called an exam session; "session" now
-- means only a sign-in session. Renaming keeps every row, the identity
-- sequence and the constraints (renamed along for clarity).
ALTER TABLE exam_sessions RENAME TO sittings;
ALTER INDEX exam_sessions_start RENAME TO sittings_start;
ALTER TABLE sittings RENAME CONSTRAINT exam_sessions_pkey TO sittings_pkey;
ALTER TABLE sittings RENAME CONSTRAINT exam_sessions_created_by_fkey TO sittings_created_by_fkey;
ALTER TABLE sittings RENAME CONSTRAINT exam_sessions_check TO sittings_check;
ALTER SEQUENCE exam_sessions_id_seq RENAME TO sittings_id_seq;
ALTER TABLE appointments RENAME COLUMN session_id TO sitting_id;
ALTER TABLE appointments RENAME CONSTRAINT appointments_session_id_fkey TO appointments_sitting_id_fkey;
