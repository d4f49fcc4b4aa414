CREATE TABLE users (
	id             INTEGER PRIMARY KEY,
	email          TEXT NOT NULL UNIQUE,
	name           TEXT NOT NULL DEFAULT '',
	role           TEXT NOT NULL,
	extra_time_pct INTEGER NOT NULL DEFAULT 0,
	password_hash  TEXT NOT NULL DEFAULT '',
	created_at     INTEGER NOT NULL
);
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE TABLE tokens (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name       TEXT NOT NULL DEFAULT '',
	hash       TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
);
CREATE TABLE attempts (
	id             INTEGER PRIMARY KEY,
	user_id        INTEGER NOT NULL REFERENCES users(id),
	exam_id        TEXT NOT NULL,
	mode           TEXT NOT NULL,
	status         TEXT NOT NULL,
	seed           INTEGER NOT NULL,
	form           TEXT NOT NULL,
	section        INTEGER NOT NULL DEFAULT 0,
	position       INTEGER NOT NULL DEFAULT 0,
	extra_time_pct INTEGER NOT NULL DEFAULT 0,
	created_at     INTEGER NOT NULL,
	started_at     INTEGER,
	deadline       INTEGER,
	submitted_at   INTEGER,
	submit_reason  TEXT NOT NULL DEFAULT '',
	report         TEXT
);
CREATE INDEX attempts_user ON attempts(user_id, exam_id);
CREATE INDEX attempts_open ON attempts(status, deadline);
CREATE TABLE responses (
	attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
	qkey       TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	value      TEXT NOT NULL,
	marked     INTEGER NOT NULL DEFAULT 0,
	saved_at   INTEGER NOT NULL,
	PRIMARY KEY (attempt_id, qkey)
);
CREATE TABLE results (
	attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL,
	exam_id    TEXT NOT NULL,
	item_id    TEXT NOT NULL,
	qkey       TEXT NOT NULL,
	points     REAL NOT NULL,
	max_points REAL NOT NULL,
	at         INTEGER NOT NULL,
	PRIMARY KEY (attempt_id, qkey)
);
CREATE INDEX results_user_item ON results(user_id, exam_id, item_id);
