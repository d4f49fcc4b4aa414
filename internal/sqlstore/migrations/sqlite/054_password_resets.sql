-- Password resets by e-mail: a random token mailed to the account's
-- address, kept only as its SHA-256, valid until expires_at and usable
-- once (used_at). Requests per account are counted from this table (the
-- rate limit), so it keeps used and expired rows until the sweep purges
-- them.
CREATE TABLE password_resets (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	hash       TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER
);
CREATE INDEX password_resets_user ON password_resets(user_id, created_at);
