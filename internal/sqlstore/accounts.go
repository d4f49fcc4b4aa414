package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

// CreatePasswordReset stores a reset and retires the user's earlier
// unused ones; see certlab.AccountStore.
func (s *Store) CreatePasswordReset(ctx context.Context, r *certlab.PasswordReset) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`),
			ms(r.CreatedAt), r.UserID); err != nil {
			return fmt.Errorf("retire password resets: %w", err)
		}
		var by any
		if r.CreatedBy != 0 {
			by = r.CreatedBy
		}
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO password_resets (user_id, hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id`),
			r.UserID, r.Hash, by, ms(r.CreatedAt), ms(r.ExpiresAt)).Scan(&r.ID)
		if err != nil {
			return fmt.Errorf("insert password reset: %w", err)
		}
		return nil
	})
}

// PasswordResetsSince counts the user's resets created since the time.
func (s *Store) PasswordResetsSince(ctx context.Context, userID int64, since time.Time) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM password_resets WHERE user_id = ? AND created_at >= ?`), userID, ms(since)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count password resets: %w", err)
	}
	return n, nil
}

// PasswordResetUser returns the user of an unused, unexpired reset.
func (s *Store) PasswordResetUser(ctx context.Context, hash string, now time.Time) (*certlab.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, s.q(`SELECT `+prefixed("u.", userCols)+` FROM password_resets r JOIN users u ON u.id = r.user_id
		WHERE r.hash = ? AND r.used_at IS NULL AND r.expires_at > ?`), hash, ms(now)))
	return u, notFound(err, "this password reset link is unknown, used or expired")
}

// UsePasswordReset uses a reset and sets the password; see
// certlab.AccountStore.
func (s *Store) UsePasswordReset(ctx context.Context, hash string, now time.Time, passwordHash string) (*certlab.User, error) {
	var u *certlab.User
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var userID int64
		err := tx.QueryRowContext(ctx, s.q(`UPDATE password_resets SET used_at = ? WHERE hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id`),
			ms(now), hash, ms(now)).Scan(&userID)
		if err != nil {
			return notFound(err, "this password reset link is unknown, used or expired")
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE users SET password_hash = ? WHERE id = ?`), passwordHash, userID); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE user_id = ?`), userID); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM tokens WHERE user_id = ?`), userID); err != nil {
			return fmt.Errorf("revoke tokens: %w", err)
		}
		u, err = scanUser(tx.QueryRowContext(ctx, s.q(`SELECT `+userCols+` FROM users WHERE id = ?`), userID))
		return notFound(err, "user %d not found", userID)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// PurgePasswordResets deletes the resets that expired before the time.
func (s *Store) PurgePasswordResets(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.exec(ctx, s.q(`DELETE FROM password_resets WHERE expires_at < ?`), ms(before))
	if err != nil {
		return 0, fmt.Errorf("purge password resets: %w", err)
	}
	return n, nil
}

// MarkModuleRead records that the user read a module.
func (s *Store) MarkModuleRead(ctx context.Context, userID int64, programID, moduleID string, at time.Time) error {
	_, err := s.exec(ctx, s.q(`INSERT INTO module_reads (user_id, program_id, module_id, read_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, program_id, module_id) DO UPDATE SET read_at = excluded.read_at`), userID, programID, moduleID, ms(at))
	if err != nil {
		return fmt.Errorf("mark module %s read: %w", moduleID, err)
	}
	return nil
}

// UnmarkModuleRead forgets that the user read a module.
func (s *Store) UnmarkModuleRead(ctx context.Context, userID int64, programID, moduleID string) error {
	if _, err := s.exec(ctx, s.q(`DELETE FROM module_reads WHERE user_id = ? AND program_id = ? AND module_id = ?`), userID, programID, moduleID); err != nil {
		return fmt.Errorf("unmark module %s: %w", moduleID, err)
	}
	return nil
}

// ModuleReads returns when the user read each module of the program.
func (s *Store) ModuleReads(ctx context.Context, userID int64, programID string) (map[string]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT module_id, read_at FROM module_reads WHERE user_id = ? AND program_id = ?`), userID, programID)
	if err != nil {
		return nil, fmt.Errorf("module reads: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var id string
		var at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("module reads: %w", err)
		}
		out[id] = fromMS(at)
	}
	return out, rows.Err()
}

// prefixed qualifies a list of columns with a table alias ("u.").
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
