-- What authors decide about items (a flag with its note, retirement),
-- keyed by the item's exam and id, and the background item analysis and
-- calibration runs with their progress and result.
CREATE TABLE item_status (
	exam_id       TEXT NOT NULL,
	item_id       TEXT NOT NULL,
	flagged       BOOLEAN NOT NULL DEFAULT FALSE,
	flag_note     TEXT NOT NULL DEFAULT '',
	flagged_by    INTEGER REFERENCES users(id),
	flagged_at    INTEGER,
	retired       BOOLEAN NOT NULL DEFAULT FALSE,
	retire_reason TEXT NOT NULL DEFAULT '',
	retired_by    INTEGER REFERENCES users(id),
	retired_at    INTEGER,
	updated_at    INTEGER NOT NULL,
	PRIMARY KEY (exam_id, item_id)
);
CREATE TABLE calibration_runs (
	id         INTEGER PRIMARY KEY,
	exam_id    TEXT NOT NULL,
	model      TEXT NOT NULL,
	status     TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
	phase      TEXT NOT NULL DEFAULT '',
	cycle      INTEGER NOT NULL DEFAULT 0,
	max_cycles INTEGER NOT NULL DEFAULT 0,
	change     REAL NOT NULL DEFAULT 0,
	progress   REAL NOT NULL DEFAULT 0,
	message    TEXT NOT NULL DEFAULT '',
	items      INTEGER NOT NULL DEFAULT 0,
	examinees  INTEGER NOT NULL DEFAULT 0,
	started_by INTEGER NOT NULL REFERENCES users(id),
	started_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	ended_at   INTEGER,
	result     TEXT NOT NULL DEFAULT '',
	applied_at INTEGER
);
CREATE INDEX calibration_runs_exam ON calibration_runs(exam_id, id);
