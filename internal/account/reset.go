package account

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/auth"
)

// Password resets by e-mail.
const (
	// ResetLifetime is how long a reset link works.
	ResetLifetime = 30 * time.Minute
	// ResetsPerHour bounds the reset e-mails one account gets in an hour.
	ResetsPerHour = 3
)

// accountStore is the store's account self-service part: every certlab
// store has it, but the service is built on the narrower UserStore.
func (s *Service) accountStore() (certlab.AccountStore, error) {
	as, ok := s.store.(certlab.AccountStore)
	if !ok {
		return nil, fmt.Errorf("account: the store %T keeps no password resets or token lists", s.store)
	}
	return as, nil
}

// RequestReset starts a password reset for the address: when an account
// has it and has had fewer than ResetsPerHour resets in the last hour, it
// stores a new reset (the account's earlier links stop working) and
// returns the account and the link's secret, to be mailed to that address
// only. Otherwise it returns no account and no error, so that the answer
// to the person asking never tells whether the address has an account.
func (s *Service) RequestReset(ctx context.Context, email string, now time.Time) (*certlab.User, string, error) {
	as, err := s.accountStore()
	if err != nil {
		return nil, "", err
	}
	u, err := s.store.UserByEmail(ctx, strings.TrimSpace(email))
	if certlab.ErrorCode(err) == certlab.ENOTFOUND {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	n, err := as.PasswordResetsSince(ctx, u.ID, now.Add(-time.Hour))
	if err != nil {
		return nil, "", err
	}
	if n >= ResetsPerHour {
		return nil, "", nil
	}
	secret := auth.NewSecret("clr_")
	r := &certlab.PasswordReset{UserID: u.ID, Hash: auth.HashSecret(secret), CreatedAt: now.UTC(), ExpiresAt: now.UTC().Add(ResetLifetime)}
	if err := as.CreatePasswordReset(ctx, r); err != nil {
		return nil, "", err
	}
	return u, secret, nil
}

// ResetAccount returns the account a reset link is for, while the link
// works (ENOTFOUND once it is used or expired).
func (s *Service) ResetAccount(ctx context.Context, secret string, now time.Time) (*certlab.User, error) {
	as, err := s.accountStore()
	if err != nil {
		return nil, err
	}
	return as.PasswordResetUser(ctx, auth.HashSecret(strings.TrimSpace(secret)), now)
}

// ResetPassword sets a new password through a reset link. The password
// must pass the rules before the link is used, so a refused password
// leaves the link working. Setting it uses the link up, signs the account
// out everywhere and removes its API tokens, in one transaction.
func (s *Service) ResetPassword(ctx context.Context, secret, password string, now time.Time) (*certlab.User, error) {
	as, err := s.accountStore()
	if err != nil {
		return nil, err
	}
	hash := auth.HashSecret(strings.TrimSpace(secret))
	u, err := as.PasswordResetUser(ctx, hash, now)
	if err != nil {
		return nil, err
	}
	if err := CheckPassword(password, u.Email, u.Name); err != nil {
		return nil, err
	}
	ph, err := auth.HashPassword(password, s.params)
	if err != nil {
		return nil, err
	}
	return as.UsePasswordReset(ctx, hash, now, ph)
}

// Reset links an admin sends (the admin console's "send a reset link", and
// the link that lets a new account set its first password).
const (
	// AdminResetLifetime is how long an admin's reset link works: longer
	// than a self-service one, since the person did not ask for it.
	AdminResetLifetime = 24 * time.Hour
	// ResetPath starts the link to the page that sets the new password;
	// the secret follows it.
	ResetPath = "/password-reset/new?token="
)

// AdminReset makes a reset link for the user on an admin's behalf: it
// works once, for AdminResetLifetime, and records who sent it; the
// user's earlier links stop working. A disabled account gets none. The
// secret is for the e-mail (ResetMessage) only.
func (s *Service) AdminReset(ctx context.Context, by *certlab.User, userID int64, now time.Time) (string, *certlab.PasswordReset, error) {
	as, err := s.accountStore()
	if err != nil {
		return "", nil, err
	}
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	if u.DisabledAt != nil {
		return "", nil, certlab.Errorf(certlab.ECONFLICT, "account %s is disabled: enable it before sending a reset link", u.Email)
	}
	secret := auth.NewSecret("clr_")
	r := &certlab.PasswordReset{UserID: u.ID, Hash: auth.HashSecret(secret), CreatedAt: now.UTC(), ExpiresAt: now.UTC().Add(AdminResetLifetime)}
	if by != nil {
		r.CreatedBy = by.ID
	}
	if err := as.CreatePasswordReset(ctx, r); err != nil {
		return "", nil, err
	}
	return secret, r, nil
}

// ResetMessage is the e-mail that carries an admin's reset link.
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
