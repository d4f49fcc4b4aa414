-- The Open Badges 3.0 API: OAuth 2.0 clients registered with RFC 7591,
-- authorization codes, PKCE challenges, access and refresh tokens (only a
-- SHA-256 of each token's signature is stored), the authorization
-- server's HMAC secret, credentials learners pushed, and learners' Open
-- Badges profile ids.
CREATE TABLE oauth_clients (
	id          TEXT PRIMARY KEY,
	secret_hash TEXT NOT NULL,
	metadata    TEXT NOT NULL,
	created_at  INTEGER NOT NULL
);
CREATE TABLE oauth_tokens (
	kind       TEXT NOT NULL,
	signature  TEXT NOT NULL,
	request_id TEXT NOT NULL,
	client_id  TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	active     BOOLEAN NOT NULL,
	request    TEXT NOT NULL,
	expires_at INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (kind, signature)
);
CREATE INDEX oauth_tokens_request ON oauth_tokens(request_id, kind);
CREATE INDEX oauth_tokens_expires ON oauth_tokens(expires_at);
CREATE TABLE oauth_secrets (
	id         INTEGER PRIMARY KEY,
	secret     BLOB NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE TABLE pushed_credentials (
	id             INTEGER PRIMARY KEY,
	user_id        INTEGER NOT NULL REFERENCES users(id),
	external_id    INTEGER NOT NULL UNIQUE REFERENCES external_credentials(id),
	cred_key       TEXT NOT NULL,
	issuer_id      TEXT NOT NULL,
	credential_uri TEXT NOT NULL,
	format         TEXT NOT NULL,
	document       TEXT NOT NULL,
	digest         TEXT NOT NULL,
	valid_from     INTEGER,
	verification   TEXT NOT NULL,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL,
	UNIQUE (user_id, cred_key)
);
CREATE TABLE ob_profiles (
	user_id    INTEGER PRIMARY KEY REFERENCES users(id),
	profile_id TEXT NOT NULL UNIQUE
);
