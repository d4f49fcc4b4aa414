-- Staff consoles (admin, proctor): accounts an admin disables, who sent a
-- password reset link, a proctor's check-in attestation, an open attempt's last
-- contact, and the indexes the console list pages page through (keyset
-- paging: WHERE … AND id > ? ORDER BY id LIMIT n).
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
CREATE INDEX users_role ON users(role, id);
-- Prefix search of e-mail addresses (kept lower case) and lower-cased
-- names: ranges in byte order, whatever the database's collation.
CREATE INDEX users_email_prefix ON users((email COLLATE "C"));
CREATE INDEX users_name_prefix ON users((LOWER(name) COLLATE "C"));
-- Reset links an admin sends record who sent them (054 made the table).
ALTER TABLE password_resets ADD COLUMN created_by BIGINT REFERENCES users(id);
CREATE TABLE checkins (
	appointment_id BIGINT PRIMARY KEY REFERENCES appointments(id),
	checked_by     BIGINT NOT NULL REFERENCES users(id),
	identity_seen  TEXT NOT NULL,
	note           TEXT NOT NULL DEFAULT '',
	accommodations TEXT NOT NULL DEFAULT '',
	at             BIGINT NOT NULL
);
ALTER TABLE attempts ADD COLUMN last_seen_at BIGINT;
CREATE INDEX responses_saved ON responses(attempt_id, saved_at);
CREATE INDEX audit_log_actor ON audit_log(actor_id, id);
CREATE INDEX audit_log_action ON audit_log(action, id);
CREATE INDEX audit_log_at ON audit_log(at, id);
DROP INDEX audit_log_target;
CREATE INDEX audit_log_target ON audit_log(target, id);
CREATE INDEX credentials_user ON credentials(user_id, id);
