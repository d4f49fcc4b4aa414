CREATE TABLE credentials (
	id             INTEGER PRIMARY KEY,
	public_id      TEXT NOT NULL UNIQUE,
	user_id        INTEGER NOT NULL REFERENCES users(id),
	program_id     TEXT NOT NULL,
	status         TEXT NOT NULL,
	issued_at      INTEGER,
	valid_from     INTEGER,
	valid_until    INTEGER,
	status_index   INTEGER NOT NULL DEFAULT -1,
	document       TEXT NOT NULL DEFAULT '',
	jwt            TEXT NOT NULL DEFAULT '',
	renewals       INTEGER NOT NULL DEFAULT 0,
	revoked_at     INTEGER,
	revoked_reason TEXT NOT NULL DEFAULT '',
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL,
	UNIQUE (user_id, program_id)
);
CREATE UNIQUE INDEX credentials_status_index ON credentials(status_index) WHERE status_index >= 0;
CREATE INDEX credentials_valid_until ON credentials(status, valid_until);
CREATE TABLE external_credentials (
	id            INTEGER PRIMARY KEY,
	user_id       INTEGER NOT NULL REFERENCES users(id),
	credential_id TEXT NOT NULL,
	issuer        TEXT NOT NULL,
	name          TEXT NOT NULL DEFAULT '',
	external_id   TEXT NOT NULL DEFAULT '',
	url           TEXT NOT NULL DEFAULT '',
	earned_at     INTEGER,
	expires_at    INTEGER,
	status        TEXT NOT NULL,
	reviewed_by   INTEGER REFERENCES users(id),
	reviewed_at   INTEGER,
	review_note   TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL
);
CREATE INDEX external_credentials_user ON external_credentials(user_id, status);
CREATE TABLE reminders (
	id            INTEGER PRIMARY KEY,
	credential_id INTEGER NOT NULL REFERENCES credentials(id),
	user_id       INTEGER NOT NULL REFERENCES users(id),
	valid_until   INTEGER NOT NULL,
	days          INTEGER NOT NULL,
	message       TEXT NOT NULL,
	sent_at       INTEGER NOT NULL,
	UNIQUE (credential_id, valid_until, days)
);
CREATE INDEX reminders_user ON reminders(user_id);
CREATE TABLE transcript_shares (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	token_hash TEXT NOT NULL UNIQUE,
	label      TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	revoked_at INTEGER
);
CREATE TABLE issuer_keys (
	id                   TEXT PRIMARY KEY,
	public_key_multibase TEXT NOT NULL,
	sealed_private_key   BLOB,
	created_at           INTEGER NOT NULL,
	retired_at           INTEGER,
	withdrawn_at         INTEGER,
	withdrawn_reason     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE exam_sessions (
	id         INTEGER PRIMARY KEY,
	exam_id    TEXT NOT NULL,
	starts_at  INTEGER NOT NULL,
	time_zone  TEXT NOT NULL,
	capacity   INTEGER NOT NULL,
	booked     INTEGER NOT NULL DEFAULT 0,
	delivery   TEXT NOT NULL,
	location   TEXT NOT NULL DEFAULT '',
	proctored  INTEGER NOT NULL DEFAULT 0,
	created_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	CHECK (booked >= 0 AND booked <= capacity)
);
CREATE INDEX exam_sessions_start ON exam_sessions(exam_id, starts_at);
CREATE TABLE appointments (
	id            INTEGER PRIMARY KEY,
	session_id    INTEGER NOT NULL REFERENCES exam_sessions(id),
	user_id       INTEGER NOT NULL REFERENCES users(id),
	status        TEXT NOT NULL,
	booked_at     INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	checked_in_at INTEGER,
	attempt_id    INTEGER REFERENCES attempts(id)
);
CREATE UNIQUE INDEX appointments_live ON appointments(session_id, user_id) WHERE status IN ('booked', 'checked-in');
CREATE INDEX appointments_user ON appointments(user_id);
CREATE TABLE attempt_pauses (
	attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
	paused_at  INTEGER NOT NULL,
	resumed_at INTEGER,
	PRIMARY KEY (attempt_id, paused_at)
);
CREATE TABLE audit_log (
	id       INTEGER PRIMARY KEY,
	at       INTEGER NOT NULL,
	actor_id INTEGER NOT NULL,
	role     TEXT NOT NULL,
	action   TEXT NOT NULL,
	target   TEXT NOT NULL,
	detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_target ON audit_log(target);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
