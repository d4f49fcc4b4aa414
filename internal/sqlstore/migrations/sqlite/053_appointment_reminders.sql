-- Appointment reminders: one row per appointment and sitting whose
-- reminder was sent. The sweep inserts the row before it sends the e-mail;
-- the primary key makes the insert the claim, so of several servers
-- sharing the database exactly one sends each reminder. A rescheduled
-- appointment (another sitting) gets a reminder for its new sitting.
CREATE TABLE appointment_reminders (
	appointment_id INTEGER NOT NULL REFERENCES appointments(id),
	sitting_id     INTEGER NOT NULL REFERENCES sittings(id),
	user_id        INTEGER NOT NULL REFERENCES users(id),
	sent_at        INTEGER NOT NULL,
	PRIMARY KEY (appointment_id, sitting_id)
);
