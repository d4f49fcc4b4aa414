package certlab

import (
	"context"
	"time"
)

// PasswordReset is a request to set a new password through a link mailed
// to the account's address. The link's token is stored only as its
// SHA-256; it works once, until ExpiresAt.
type PasswordReset struct {
	ID     int64
	UserID int64
	Hash   string
	// CreatedBy is the admin who sent the link; 0 when the user asked.
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// AccountStore keeps what account self-service needs beyond UserStore:
// password resets by e-mail, and the listing and revocation of a user's
// own API tokens and sessions.
type AccountStore interface {
	// CreatePasswordReset stores a reset; the user's earlier unused
	// resets stop working (only the latest link does).
	CreatePasswordReset(ctx context.Context, r *PasswordReset) error
	// PasswordResetsSince counts the resets created for the user since
	// the time (the per-account limit on reset e-mails).
	PasswordResetsSince(ctx context.Context, userID int64, since time.Time) (int, error)
	// PasswordResetUser returns the user of an unused, unexpired reset,
	// without using it (the form that asks for the new password).
	PasswordResetUser(ctx context.Context, hash string, now time.Time) (*User, error)
	// UsePasswordReset uses the unused, unexpired reset with the hash: in
	// one transaction it marks the reset used, sets the user's password
	// hash, signs out every session and removes every API token of the
	// user. ENOTFOUND when there is no such reset, or it is used or
	// expired; of two concurrent uses one fails.
	UsePasswordReset(ctx context.Context, hash string, now time.Time, passwordHash string) (*User, error)
	// PurgePasswordResets deletes the resets that expired before the time.
	PurgePasswordResets(ctx context.Context, before time.Time) (int64, error)

	// Tokens lists the user's API tokens, newest first.
	Tokens(ctx context.Context, userID int64) ([]*Token, error)
	// RevokeToken revokes one of the user's tokens (ENOTFOUND if it is not
	// theirs or already revoked).
	RevokeToken(ctx context.Context, userID, id int64, at time.Time) error
	// RevokeTokens revokes every token of the user and returns how many.
	RevokeTokens(ctx context.Context, userID int64, at time.Time) (int, error)
	// DeleteUserSessions signs out every session of the user but the one
	// with keepHash ("" keeps none).
	DeleteUserSessions(ctx context.Context, userID int64, keepHash string) error
}

// ProgressStore keeps learning progress: the modules a user marked read.
type ProgressStore interface {
	// MarkModuleRead records that the user read a module of a program
	// (again: the time moves).
	MarkModuleRead(ctx context.Context, userID int64, programID, moduleID string, at time.Time) error
	// UnmarkModuleRead forgets it.
	UnmarkModuleRead(ctx context.Context, userID int64, programID, moduleID string) error
	// ModuleReads returns when the user marked each module of the
	// program read, by module id.
	ModuleReads(ctx context.Context, userID int64, programID string) (map[string]time.Time, error)
}
