-- Instructor-led training: cohorts that candidates join with a code until
-- they end, their members, the modules and practice sets assigned to
-- them, and each member's work on an assignment.
CREATE TABLE cohorts (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL,
	exam_id       TEXT NOT NULL,
	instructor_id INTEGER NOT NULL REFERENCES users(id),
	code          TEXT NOT NULL UNIQUE,
	ends_at       INTEGER NOT NULL,
	created_at    INTEGER NOT NULL
);
CREATE INDEX cohorts_instructor ON cohorts(instructor_id, id);
CREATE TABLE cohort_members (
	cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
	user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	joined_at INTEGER NOT NULL,
	PRIMARY KEY (cohort_id, user_id)
);
CREATE INDEX cohort_members_user ON cohort_members(user_id);
CREATE TABLE cohort_assignments (
	id         INTEGER PRIMARY KEY,
	cohort_id  INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
	kind       TEXT NOT NULL CHECK (kind IN ('module', 'practice')),
	program_id TEXT NOT NULL DEFAULT '',
	module_id  TEXT NOT NULL DEFAULT '',
	domain     TEXT NOT NULL DEFAULT '',
	count      INTEGER NOT NULL DEFAULT 0,
	title      TEXT NOT NULL,
	due_at     INTEGER NOT NULL,
	created_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX cohort_assignments_cohort ON cohort_assignments(cohort_id, due_at);
CREATE TABLE assignment_work (
	assignment_id INTEGER NOT NULL REFERENCES cohort_assignments(id) ON DELETE CASCADE,
	user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	attempt_id    INTEGER REFERENCES attempts(id),
	started_at    INTEGER NOT NULL,
	completed_at  INTEGER,
	PRIMARY KEY (assignment_id, user_id)
);
CREATE INDEX assignment_work_user ON assignment_work(user_id);
