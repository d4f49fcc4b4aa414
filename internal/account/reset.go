package account

import (
	"context"
	"fmt"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/auth"
)

// ResetLifetime is how long a password reset link works.
const ResetLifetime = 24 * time.Hour

// ResetPath is the path of the page a reset link opens, before its secret.
const ResetPath = "/reset/"

// ResetStore is what password resets need of the store.
type ResetStore interface {
	User(ctx context.Context, id int64) (*certlab.User, error)
	CreatePasswordReset(ctx context.Context, r *certlab.PasswordReset) error
	UsePasswordReset(ctx context.Context, tokenHash, passwordHash string, now time.Time) (*certlab.User, error)
	DeleteUserSessions(ctx context.Context, userID int64, keepHash string) error
}

// resets is the account store as a ResetStore.
func (s *Service) resets() (ResetStore, error) {
	rs, ok := s.store.(ResetStore)
	if !ok {
		return nil, fmt.Errorf("password reset: store %T keeps no reset links", s.store)
	}
	return rs, nil
}

// RequestReset makes a password reset link's secret for the user (by is
// the admin who asked for it, nil for the user): it works once, for
// ResetLifetime from now. Only its hash is stored; the secret is for the
// e-mail (ResetMessage) and never shown again.
func (s *Service) RequestReset(ctx context.Context, by *certlab.User, userID int64, now time.Time) (string, *certlab.PasswordReset, error) {
	rs, err := s.resets()
	if err != nil {
		return "", nil, err
	}
	u, err := rs.User(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	if u.DisabledAt != nil {
		return "", nil, certlab.Errorf(certlab.ECONFLICT, "account %s is disabled: enable it before sending a reset link", u.Email)
	}
	secret := auth.NewSecret("clr_")
	r := &certlab.PasswordReset{TokenHash: auth.HashSecret(secret), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(ResetLifetime)}
	if by != nil {
		r.CreatedBy = by.ID
	}
	if err := rs.CreatePasswordReset(ctx, r); err != nil {
		return "", nil, err
	}
	return secret, r, nil
}

// ResetPassword spends a reset link's secret: the password must follow the
// account rules; the user's other sessions are signed out.
func (s *Service) ResetPassword(ctx context.Context, secret, password string, now time.Time) (*certlab.User, error) {
	rs, err := s.resets()
	if err != nil {
		return nil, err
	}
	if len(password) < MinPasswordLength {
		return nil, certlab.Errorf(certlab.EINVALID, "password must have at least %d characters", MinPasswordLength)
	}
	hash, err := auth.HashPassword(password, s.params)
	if err != nil {
		return nil, err
	}
	u, err := rs.UsePasswordReset(ctx, auth.HashSecret(secret), hash, now)
	if err != nil {
		return nil, err
	}
	if err := rs.DeleteUserSessions(ctx, u.ID, ""); err != nil {
		return nil, err
	}
	return u, nil
}

// ResetMessage is the e-mail that carries a reset link.
func ResetMessage(u *certlab.User, link string, expires time.Time) (subject, body string) {
	name := u.Name
	if name == "" {
		name = u.Email
	}
	return "Set your certlab password", fmt.Sprintf(`Hello %s,

a certlab administrator sent you this link to set a new password for %s:

%s

The link works once, until %s. If you did not expect it, ignore this
e-mail: your password stays as it is.
`, name, u.Email, link, expires.UTC().Format("2006-01-02 15:04 MST"))
}
