package account

// This file is the account self-service that the hardening branch (scale)
// builds fully, with the same names and signatures: password rules,
// password change, listing and revoking one's tokens. It lets the web UI's
// account page work on main meanwhile; when that branch merges, its
// versions replace this whole file.

import (
	"context"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/auth"
)

// MaxPasswordLength is the most characters a password may have.
const MaxPasswordLength = 128

// CheckPassword applies the password rules to a new password: at least
// MinPasswordLength and at most MaxPasswordLength characters, no control
// characters. words (the account's e-mail address and name) are for the
// fuller rules of the hardening branch.
func CheckPassword(password string, words ...string) error {
	if !utf8.ValidString(password) {
		return certlab.Errorf(certlab.EINVALID, "password is not valid UTF-8")
	}
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLength {
		return certlab.Errorf(certlab.EINVALID, "password must have at least %d characters (it has %d)", MinPasswordLength, n)
	}
	if n > MaxPasswordLength {
		return certlab.Errorf(certlab.EINVALID, "password must have at most %d characters (it has %d)", MaxPasswordLength, n)
	}
	for _, r := range password {
		if unicode.IsControl(r) {
			return certlab.Errorf(certlab.EINVALID, "password contains a control character")
		}
	}
	return nil
}

// ChangePassword sets a new password after checking the current one, then
// signs out every other session of the user and revokes every API token:
// whoever knew the old password may have made them. keepSession is the
// hash of the session making the change (it stays signed in).
func (s *Service) ChangePassword(ctx context.Context, u *certlab.User, current, next, keepSession string) error {
	as, err := s.accountStore()
	if err != nil {
		return err
	}
	stored, err := s.store.User(ctx, u.ID)
	if err != nil {
		return err
	}
	if utf8.RuneCountInString(current) > MaxPasswordLength || auth.VerifyPassword(current, stored.PasswordHash) != nil {
		return certlab.Errorf(certlab.EUNAUTHORIZED, "the current password is wrong")
	}
	if err := CheckPassword(next, stored.Email, stored.Name); err != nil {
		return err
	}
	if next == current {
		return certlab.Errorf(certlab.EINVALID, "the new password is the current one")
	}
	hash, err := auth.HashPassword(next, s.params)
	if err != nil {
		return err
	}
	stored.PasswordHash = hash
	if err := s.store.UpdateUser(ctx, stored); err != nil {
		return err
	}
	if err := as.DeleteUserSessions(ctx, u.ID, keepSession); err != nil {
		return err
	}
	_, err = as.RevokeTokens(ctx, u.ID, time.Now().UTC())
	return err
}

// Tokens lists the user's API tokens (never their values), newest first.
func (s *Service) Tokens(ctx context.Context, u *certlab.User) ([]*certlab.Token, error) {
	as, err := s.accountStore()
	if err != nil {
		return nil, err
	}
	return as.Tokens(ctx, u.ID)
}

// RevokeToken revokes one of the user's tokens.
func (s *Service) RevokeToken(ctx context.Context, u *certlab.User, id int64) error {
	as, err := s.accountStore()
	if err != nil {
		return err
	}
	return as.RevokeToken(ctx, u.ID, id, time.Now().UTC())
}
