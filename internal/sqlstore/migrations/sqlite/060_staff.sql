-- Staff consoles (admin, proctor): accounts an admin disables, who sent a
-- password reset link, a proctor's check-in attestation, an open attempt's last
-- contact, and the indexes the console list pages page through (keyset
-- paging: WHERE … AND id > ? ORDER BY id LIMIT n).
ALTER TABLE users ADD COLUMN disabled_at INTEGER;
CREATE INDEX users_role ON users(role, id);
-- Prefix search of e-mail addresses and names (LIKE 'abc%' ignores ASCII case).
CREATE INDEX users_email_prefix ON users(email COLLATE NOCASE);
CREATE INDEX users_name_prefix ON users(name COLLATE NOCASE);
-- Reset links an admin sends record who sent them (054 made the table).
ALTER TABLE password_resets ADD COLUMN created_by INTEGER REFERENCES users(id);
CREATE TABLE checkins (
	appointment_id INTEGER PRIMARY KEY REFERENCES appointments(id),
	checked_by     INTEGER NOT NULL REFERENCES users(id),
	identity_seen  TEXT NOT NULL,
	note           TEXT NOT NULL DEFAULT '',
	accommodations TEXT NOT NULL DEFAULT '',
	at             INTEGER NOT NULL
);
ALTER TABLE attempts ADD COLUMN last_seen_at INTEGER;
CREATE INDEX responses_saved ON responses(attempt_id, saved_at);
CREATE INDEX audit_log_actor ON audit_log(actor_id, id);
CREATE INDEX audit_log_action ON audit_log(action, id);
CREATE INDEX audit_log_at ON audit_log(at, id);
DROP INDEX audit_log_target;
CREATE INDEX audit_log_target ON audit_log(target, id);
CREATE INDEX credentials_user ON credentials(user_id, id);
