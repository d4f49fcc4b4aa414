-- Accommodation requests: a candidate asks for extra time, breaks,
-- assistive technology or something else, with details; staff approve or
-- reject it with a note, or the candidate withdraws it. An approved
-- extra-time request sets the account's extra_time_pct. One open request
-- per candidate and kind.
CREATE TABLE accommodation_requests (
	id             INTEGER PRIMARY KEY,
	user_id        INTEGER NOT NULL REFERENCES users(id),
	kind           TEXT NOT NULL,
	extra_time_pct INTEGER NOT NULL DEFAULT 0,
	details        TEXT NOT NULL DEFAULT '',
	status         TEXT NOT NULL,
	created_at     INTEGER NOT NULL,
	decided_by     INTEGER REFERENCES users(id),
	decided_at     INTEGER,
	decision_note  TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX accommodation_requests_open ON accommodation_requests(user_id, kind) WHERE status = 'requested';
CREATE INDEX accommodation_requests_status ON accommodation_requests(status, created_at);
