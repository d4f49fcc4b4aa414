-- Admission: a proctor (or an admin) confirms a checked-in candidate's
-- identity before a proctored exam can start, and the attempt that starts is
-- bound to the appointment. New states: admitted, started.
ALTER TABLE appointments ADD COLUMN admitted_by BIGINT REFERENCES users(id);
ALTER TABLE appointments ADD COLUMN admitted_at BIGINT;
ALTER TABLE appointments ADD COLUMN admission_note TEXT NOT NULL DEFAULT '';
DROP INDEX appointments_live;
CREATE UNIQUE INDEX appointments_live ON appointments(sitting_id, user_id) WHERE status IN ('booked', 'checked-in', 'admitted', 'started');
CREATE UNIQUE INDEX appointments_attempt ON appointments(attempt_id) WHERE attempt_id IS NOT NULL;
