-- API tokens expire, can be revoked and carry scopes; a token created with
-- session_hash ends with that sign-in session. Tokens from before have no
-- expiry recorded: they get 90 days from now and the scopes they had in
-- effect (read, write, and tokens to mint more), so nothing breaks at the
-- upgrade and nothing lives forever.
ALTER TABLE tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read write tokens';
ALTER TABLE tokens ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN revoked_at INTEGER;
ALTER TABLE tokens ADD COLUMN last_used_at INTEGER;
ALTER TABLE tokens ADD COLUMN session_hash TEXT NOT NULL DEFAULT '';
UPDATE tokens SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 7776000000; -- 90 days in milliseconds
CREATE INDEX tokens_user ON tokens(user_id);
CREATE INDEX sessions_user ON sessions(user_id);
-- Failed sign-ins and other throttled actions per key ("ip:…",
-- "account:…"), shared by every server: a window of failures and the
-- time until which the key is refused.
CREATE TABLE throttles (
	key           TEXT PRIMARY KEY,
	failures      INTEGER NOT NULL,
	window_start  INTEGER NOT NULL,
	blocked_until INTEGER NOT NULL
);
-- Periodic jobs (sweeps): the last run of each, so that with several
-- servers each job runs once per interval.
CREATE TABLE jobs (
	name        TEXT PRIMARY KEY,
	last_run_at INTEGER NOT NULL,
	owner       TEXT NOT NULL DEFAULT ''
);
