// Package account creates accounts and checks passwords, for the JSON API,
// the web UI and the certlab user and token commands alike: address and
// password rules, argon2id hashes, the first account of an installation
// becoming its admin, sign-in that takes as long for an unknown address as
// for a wrong password, and API tokens.
package account

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/auth"
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// Service manages accounts. It is safe for concurrent use.
type Service struct {
	store  certlab.UserStore
	params auth.Params
	// dummy is a password hash checked when the address is unknown, so a
	// failed sign-in takes the same time either way.
	dummy string
}

// New returns the account service; params are the argon2id costs of new
// password hashes.
func New(store certlab.UserStore, params auth.Params) (*Service, error) {
	dummy, err := auth.HashPassword("certlab-dummy-password", params)
	if err != nil {
		return nil, fmt.Errorf("account service: %w", err)
	}
	return &Service{store: store, params: params, dummy: dummy}, nil
}

// Register creates a candidate account from a sign-up; the first account
// of the installation becomes its admin.
func (s *Service) Register(ctx context.Context, email, name, password string) (*certlab.User, error) {
	return s.create(ctx, email, name, password, certlab.RoleCandidate, true)
}

// Create creates an account with a role, for an admin or the command line.
func (s *Service) Create(ctx context.Context, email, name, password, role string) (*certlab.User, error) {
	return s.create(ctx, email, name, password, role, false)
}

func (s *Service) create(ctx context.Context, email, name, password, role string, firstIsAdmin bool) (*certlab.User, error) {
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != strings.TrimSpace(email) {
		return nil, certlab.Errorf(certlab.EINVALID, "%q is not an e-mail address", email)
	}
	if len(password) < MinPasswordLength {
		return nil, certlab.Errorf(certlab.EINVALID, "password must have at least %d characters", MinPasswordLength)
	}
	if !certlab.ValidRole(role) {
		return nil, certlab.Errorf(certlab.EINVALID, "role %q must be candidate, author, proctor or admin", role)
	}
	hash, err := auth.HashPassword(password, s.params)
	if err != nil {
		return nil, err
	}
	u := &certlab.User{Email: email, Name: name, Role: role, PasswordHash: hash}
	if err := s.store.CreateUser(ctx, u, firstIsAdmin); err != nil {
		return nil, err
	}
	return u, nil
}

// SignIn returns the account of the address if the password is right.
// Unknown address and wrong password are the same EUNAUTHORIZED error and
// cost the same time, so the answer does not tell which addresses have
// accounts.
func (s *Service) SignIn(ctx context.Context, email, password string) (*certlab.User, error) {
	u, err := s.store.UserByEmail(ctx, email)
	hash := s.dummy
	if err == nil {
		hash = u.PasswordHash
	}
	if verr := auth.VerifyPassword(password, hash); err != nil || verr != nil {
		return nil, certlab.Errorf(certlab.EUNAUTHORIZED, "wrong e-mail or password")
	}
	if u.DisabledAt != nil {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "this account is disabled: ask an administrator")
	}
	return u, nil
}

// NewToken creates an API token for the user and returns its value, which
// is shown only this once (the store keeps its hash).
func (s *Service) NewToken(ctx context.Context, u *certlab.User, name string) (string, *certlab.Token, error) {
	secret := auth.NewSecret("clt_")
	t := &certlab.Token{UserID: u.ID, Name: name, Hash: auth.HashSecret(secret)}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return "", nil, err
	}
	return secret, t, nil
}
