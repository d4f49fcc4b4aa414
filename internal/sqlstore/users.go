package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

const userCols = `id, email, name, role, extra_time_pct, password_hash, created_at, disabled_at`

func scanUser(row interface{ Scan(...any) error }) (*certlab.User, error) {
	u := &certlab.User{}
	var created int64
	var disabled sql.NullInt64
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.ExtraTimePct, &u.PasswordHash, &created, &disabled); err != nil {
		return nil, err
	}
	u.CreatedAt, u.DisabledAt = fromMS(created), fromNullMS(disabled)
	return u, nil
}

// CreateUser stores a new account; see certlab.UserStore.
func (s *Store) CreateUser(ctx context.Context, u *certlab.User, firstIsAdmin bool) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now().UTC()
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if firstIsAdmin {
			if s.d.LockUsers != "" {
				if _, err := tx.ExecContext(ctx, s.d.LockUsers); err != nil {
					return fmt.Errorf("lock users: %w", err)
				}
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
				return fmt.Errorf("count users: %w", err)
			}
			if n == 0 {
				u.Role = certlab.RoleAdmin
			}
		}
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO users (email, name, role, extra_time_pct, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
			u.Email, u.Name, u.Role, u.ExtraTimePct, u.PasswordHash, ms(u.CreatedAt)).Scan(&u.ID)
		if err != nil && s.d.IsUnique(err) {
			return certlab.Errorf(certlab.ECONFLICT, "an account with e-mail %s exists already", u.Email)
		}
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		return nil
	})
}

// User returns the account with the given id.
func (s *Store) User(ctx context.Context, id int64) (*certlab.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, s.q(`SELECT `+userCols+` FROM users WHERE id = ?`), id))
	return u, notFound(err, "user %d not found", id)
}

// UserByEmail returns the account with the given e-mail address.
func (s *Store) UserByEmail(ctx context.Context, email string) (*certlab.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	u, err := scanUser(s.db.QueryRowContext(ctx, s.q(`SELECT `+userCols+` FROM users WHERE email = ?`), email))
	return u, notFound(err, "user %s not found", email)
}

// Users lists every account by id.
func (s *Store) Users(ctx context.Context) ([]*certlab.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []*certlab.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser writes name, role, accommodation and password hash.
func (s *Store) UpdateUser(ctx context.Context, u *certlab.User) error {
	n, err := s.exec(ctx, s.q(`UPDATE users SET name = ?, role = ?, extra_time_pct = ?, password_hash = ? WHERE id = ?`),
		u.Name, u.Role, u.ExtraTimePct, u.PasswordHash, u.ID)
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	if n == 0 {
		return certlab.Errorf(certlab.ENOTFOUND, "user %d not found", u.ID)
	}
	return nil
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, se *certlab.Session) error {
	_, err := s.exec(ctx, s.q(`INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
		se.TokenHash, se.UserID, se.CSRF, ms(se.CreatedAt), ms(se.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

// Session returns an unexpired session.
func (s *Store) Session(ctx context.Context, tokenHash string, now time.Time) (*certlab.Session, error) {
	se := &certlab.Session{}
	var created, expires int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT token_hash, user_id, csrf, created_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?`), tokenHash, ms(now)).
		Scan(&se.TokenHash, &se.UserID, &se.CSRF, &created, &expires)
	if err != nil {
		return nil, notFound(err, "session not found or expired")
	}
	se.CreatedAt, se.ExpiresAt = fromMS(created), fromMS(expires)
	return se, nil
}

// DeleteSession removes a session (sign-out) and revokes the tokens bound
// to it.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE token_hash = ?`), tokenHash); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE tokens SET revoked_at = ? WHERE session_hash = ? AND revoked_at IS NULL`), time.Now().UnixMilli(), tokenHash); err != nil {
			return fmt.Errorf("revoke the session's tokens: %w", err)
		}
		return nil
	})
}

// DeleteUserSessions signs out every session of the user but keepHash.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64, keepHash string) error {
	_, err := s.exec(ctx, s.q(`DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`), userID, keepHash)
	if err != nil {
		return fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	return nil
}

const tokenCols = `id, user_id, name, hash, scopes, created_at, expires_at, revoked_at, last_used_at, session_hash`

func scanToken(row interface{ Scan(...any) error }) (*certlab.Token, error) {
	t := &certlab.Token{}
	var scopes string
	var created, expires int64
	var revoked, used sql.NullInt64
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &scopes, &created, &expires, &revoked, &used, &t.SessionHash); err != nil {
		return nil, err
	}
	t.Scopes = strings.Fields(scopes)
	t.CreatedAt, t.ExpiresAt = fromMS(created), fromMS(expires)
	t.RevokedAt, t.LastUsedAt = fromNullMS(revoked), fromNullMS(used)
	t.SessionBound = t.SessionHash != ""
	return t, nil
}

// CreateToken stores an API token's hash.
func (s *Store) CreateToken(ctx context.Context, t *certlab.Token) error {
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now().UTC()
	}
	var err error
	t.ID, err = s.insertID(ctx, s.q(`INSERT INTO tokens (user_id, name, hash, scopes, created_at, expires_at, session_hash) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		t.UserID, t.Name, t.Hash, strings.Join(t.Scopes, " "), ms(t.CreatedAt), ms(t.ExpiresAt), t.SessionHash)
	if err != nil {
		return fmt.Errorf("insert token: %w", err)
	}
	t.SessionBound = t.SessionHash != ""
	return nil
}

// TokenByHash finds an API token by the hash of its value.
func (s *Store) TokenByHash(ctx context.Context, hash string) (*certlab.Token, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, s.q(`SELECT `+tokenCols+` FROM tokens WHERE hash = ?`), hash))
	if err != nil {
		return nil, notFound(err, "token not found")
	}
	return t, nil
}

// Tokens lists the user's tokens, newest first.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]*certlab.Token, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+tokenCols+` FROM tokens WHERE user_id = ? ORDER BY id DESC`), userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	out := []*certlab.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of the user's tokens.
func (s *Store) RevokeToken(ctx context.Context, userID, id int64, at time.Time) error {
	n, err := s.exec(ctx, s.q(`UPDATE tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`), ms(at), id, userID)
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	if n == 0 {
		return certlab.Errorf(certlab.ENOTFOUND, "token %d not found or already revoked", id)
	}
	return nil
}

// RevokeTokens revokes every token of the user.
func (s *Store) RevokeTokens(ctx context.Context, userID int64, at time.Time) (int, error) {
	n, err := s.exec(ctx, s.q(`UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`), ms(at), userID)
	if err != nil {
		return 0, fmt.Errorf("revoke tokens of user %d: %w", userID, err)
	}
	return int(n), nil
}

// TouchToken records when a token was last used.
func (s *Store) TouchToken(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.exec(ctx, s.q(`UPDATE tokens SET last_used_at = ? WHERE id = ?`), ms(at), id); err != nil {
		return fmt.Errorf("record use of token %d: %w", id, err)
	}
	return nil
}
