-- Lab submissions: each graded upload of a lab workspace (a practice lab,
-- or the lab question of an attempt), and its verdict per check. A refused
-- upload stores nothing, so earlier submissions stay as they were.
CREATE TABLE lab_submissions (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	lab_id       TEXT NOT NULL,
	attempt_id   INTEGER REFERENCES attempts(id) ON DELETE CASCADE,
	qkey         TEXT NOT NULL DEFAULT '',
	format       TEXT NOT NULL,
	size         INTEGER NOT NULL,
	sha256       TEXT NOT NULL,
	points       REAL NOT NULL,
	max_points   REAL NOT NULL,
	passed       BOOLEAN NOT NULL,
	counted      BOOLEAN NOT NULL DEFAULT FALSE,
	submitted_at INTEGER NOT NULL,
	duration     REAL NOT NULL
);
CREATE INDEX lab_submissions_user ON lab_submissions(user_id, lab_id, id);
CREATE INDEX lab_submissions_attempt ON lab_submissions(attempt_id, qkey, id);
CREATE TABLE lab_check_results (
	submission_id INTEGER NOT NULL REFERENCES lab_submissions(id) ON DELETE CASCADE,
	position      INTEGER NOT NULL,
	task_id       TEXT NOT NULL,
	check_id      TEXT NOT NULL,
	type          TEXT NOT NULL,
	passed        BOOLEAN NOT NULL,
	skipped       BOOLEAN NOT NULL,
	points        REAL NOT NULL,
	max_points    REAL NOT NULL,
	detail        TEXT NOT NULL,
	feedback      TEXT NOT NULL,
	PRIMARY KEY (submission_id, position)
);
