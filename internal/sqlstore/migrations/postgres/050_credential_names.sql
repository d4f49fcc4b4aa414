-- How a holder is named on the credentials issued to them: the account's
-- name (no row, or an empty name), a name they chose, or no name at all
-- (hidden). Issuing and re-signing read it.
CREATE TABLE credential_names (
	user_id    BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	name       TEXT NOT NULL DEFAULT '',
	hidden     BOOLEAN NOT NULL DEFAULT FALSE,
	updated_at BIGINT NOT NULL
);
