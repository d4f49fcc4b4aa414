// Package account creates accounts and checks passwords, for the JSON API,
// the web UI and the certlab user and token commands alike: address and
// password rules (NIST SP 800-63B), argon2id hashes, a bound on how many
// hashes run at once, throttling of failed sign-ins per account and per
// client address, the first account of an installation becoming its
// admin, sign-in that takes as long for an unknown address as for a wrong
// password, password changes, and API tokens with scopes and expiry.
package account

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/auth"
	"github.com/certlab/certlab/internal/clientip"
)

// Token lifetimes.
const (
	// DefaultTokenLifetime is how long a token lives when its creator does
	// not say.
	DefaultTokenLifetime = 30 * 24 * time.Hour
	// MaxTokenLifetime is the longest a token may live.
	MaxTokenLifetime = 365 * 24 * time.Hour
	// MaxNameLength is the longest account or token name, in characters.
	MaxNameLength = 100
)

// DefaultTokenScopes are the scopes of a token whose creator names none:
// it reads and acts for its user, but cannot mint tokens or act as admin.
var DefaultTokenScopes = []string{certlab.ScopeRead, certlab.ScopeWrite}

// Options configure the service beyond its store and hash costs. The zero
// value is the default of each.
type Options struct {
	// Hashes bounds the password hashes running at once.
	Hashes HashLimit
	// Throttle is the policy for failed sign-ins and registrations.
	Throttle ThrottlePolicy
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service manages accounts. It is safe for concurrent use.
type Service struct {
	store    certlab.UserStore
	params   auth.Params
	hashes   *hashLimiter
	throttle ThrottlePolicy
	now      func() time.Time
	// dummy is a password hash checked when the address is unknown, so a
	// failed sign-in takes the same time either way.
	dummy string
}

// New returns the account service with default options; params are the
// argon2id costs of new password hashes.
func New(store certlab.UserStore, params auth.Params) (*Service, error) {
	return NewWith(store, params, Options{})
}

// NewWith returns the account service with options.
func NewWith(store certlab.UserStore, params auth.Params, o Options) (*Service, error) {
	dummy, err := auth.HashPassword("certlab-dummy-password", params)
	if err != nil {
		return nil, fmt.Errorf("account service: %w", err)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{store: store, params: params, hashes: newHashLimiter(o.Hashes), throttle: o.Throttle.withDefaults(),
		now: o.Now, dummy: dummy}, nil
}

// HashStats reports the hashes running and waiting now.
func (s *Service) HashStats() (running, waiting int) { return s.hashes.stats() }

// Register creates a candidate account from a sign-up; the first account
// of the installation becomes its admin. Registrations are throttled per
// client address (the address in ctx, see clientip).
func (s *Service) Register(ctx context.Context, email, name, password string) (*certlab.User, error) {
	if ip := clientip.From(ctx); ip != "" {
		keys := []string{"register-ip:" + ip}
		if err := s.checkThrottle(ctx, keys); err != nil {
			return nil, err
		}
		// Every registration counts, successful or not: the limit is on
		// how many accounts one address makes.
		if err := s.recordFailure(ctx, keys, s.throttle.Register); err != nil {
			return nil, err
		}
	}
	return s.create(ctx, email, name, password, certlab.RoleCandidate, true)
}

// Create creates an account with a role, for an admin or the command line.
func (s *Service) Create(ctx context.Context, email, name, password, role string) (*certlab.User, error) {
	return s.create(ctx, email, name, password, role, false)
}

// CheckName checks an account's display name: at most MaxNameLength
// characters on one line, no control characters.
func CheckName(name string) error {
	return certlab.CheckLine("name", name, MaxNameLength)
}

func (s *Service) create(ctx context.Context, email, name, password, role string, firstIsAdmin bool) (*certlab.User, error) {
	if err := checkEmail(email); err != nil {
		return nil, err
	}
	if err := CheckName(name); err != nil {
		return nil, err
	}
	if err := CheckPassword(password, email, name); err != nil {
		return nil, err
	}
	if !certlab.ValidRole(role) {
		return nil, certlab.Errorf(certlab.EINVALID, "role %q must be candidate, author, proctor or admin", role)
	}
	hash, err := s.hash(ctx, password)
	if err != nil {
		return nil, err
	}
	u := &certlab.User{Email: email, Name: name, Role: role, PasswordHash: hash}
	if err := s.store.CreateUser(ctx, u, firstIsAdmin); err != nil {
		return nil, err
	}
	return u, nil
}

func checkEmail(email string) error {
	if utf8.RuneCountInString(email) > 254 {
		return certlab.Errorf(certlab.EINVALID, "e-mail address is longer than 254 characters")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != strings.TrimSpace(email) || strings.ContainsFunc(email, isControl) {
		return certlab.Errorf(certlab.EINVALID, "%q is not an e-mail address", email)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// hash hashes a new password within the bound on concurrent hashes.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	release, err := s.hashes.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return auth.HashPassword(password, s.params)
}

// verify checks a password within the bound on concurrent hashes.
func (s *Service) verify(ctx context.Context, password, hash string) error {
	release, err := s.hashes.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	return auth.VerifyPassword(password, hash)
}

// SignIn returns the account of the address if the password is right.
// Unknown address and wrong password are the same EUNAUTHORIZED error and
// cost the same time, so the answer does not tell which addresses have
// accounts. Failures are counted per address and per client address (from
// ctx); past the policy's allowance the account or client is refused with
// ETOOMANY for a growing time, before any hashing, even with the right
// password. When all hashing slots are busy for too long the answer is
// EBUSY: the password was not checked.
func (s *Service) SignIn(ctx context.Context, email, password string) (*certlab.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	keys := []string{"account:" + email}
	if ip := clientip.From(ctx); ip != "" {
		keys = append(keys, "ip:"+ip)
	}
	states, err := s.store.Throttles(ctx, keys)
	if err != nil {
		return nil, err
	}
	if err := s.blocked(states); err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(password) > MaxPasswordLength || len(email) > 254 {
		// Never hash what no account can have; it still counts as a failure.
		if err := s.recordSignInFailure(ctx, keys); err != nil {
			return nil, err
		}
		return nil, certlab.Errorf(certlab.EUNAUTHORIZED, "wrong e-mail or password")
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && certlab.ErrorCode(err) != certlab.ENOTFOUND {
		return nil, err
	}
	hash := s.dummy
	if err == nil {
		hash = u.PasswordHash
	}
	verr := s.verify(ctx, password, hash)
	if code := certlab.ErrorCode(verr); code == certlab.EBUSY || verr == context.Canceled || verr == context.DeadlineExceeded {
		return nil, verr
	}
	if err != nil || verr != nil {
		if err := s.recordSignInFailure(ctx, keys); err != nil {
			return nil, err
		}
		return nil, certlab.Errorf(certlab.EUNAUTHORIZED, "wrong e-mail or password")
	}
	if u.DisabledAt != nil {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "this account is disabled: ask an administrator")
	}
	for _, st := range states {
		if st.Key == keys[0] {
			// A success forgets the account's failures (the client's stay).
			if err := s.store.ClearThrottle(ctx, keys[:1]); err != nil {
				return nil, err
			}
		}
	}
	return u, nil
}

func (s *Service) recordSignInFailure(ctx context.Context, keys []string) error {
	if err := s.recordFailure(ctx, keys[:1], s.throttle.Account); err != nil {
		return err
	}
	if len(keys) > 1 {
		return s.recordFailure(ctx, keys[1:], s.throttle.Client)
	}
	return nil
}

// ChangePassword sets a new password after checking the current one, then
// signs out every other session of the user and revokes every API token:
// whoever knew the old password may have made them. keepSession is the
// hash of the session making the change (it stays signed in); "" keeps
// none. Failed checks of the current password are throttled like
// sign-ins.
func (s *Service) ChangePassword(ctx context.Context, u *certlab.User, current, next, keepSession string) error {
	keys := []string{"password:" + fmt.Sprint(u.ID)}
	if err := s.checkThrottle(ctx, keys); err != nil {
		return err
	}
	stored, err := s.store.User(ctx, u.ID)
	if err != nil {
		return err
	}
	if utf8.RuneCountInString(current) > MaxPasswordLength {
		return certlab.Errorf(certlab.EUNAUTHORIZED, "the current password is wrong")
	}
	if err := s.verify(ctx, current, stored.PasswordHash); err != nil {
		if certlab.ErrorCode(err) == certlab.EBUSY {
			return err
		}
		if err := s.recordFailure(ctx, keys, s.throttle.Account); err != nil {
			return err
		}
		return certlab.Errorf(certlab.EUNAUTHORIZED, "the current password is wrong")
	}
	if err := CheckPassword(next, stored.Email, stored.Name); err != nil {
		return err
	}
	if next == current {
		return certlab.Errorf(certlab.EINVALID, "the new password is the current one")
	}
	hash, err := s.hash(ctx, next)
	if err != nil {
		return err
	}
	stored.PasswordHash = hash
	if err := s.store.UpdateUser(ctx, stored); err != nil {
		return err
	}
	if err := s.store.DeleteUserSessions(ctx, u.ID, keepSession); err != nil {
		return err
	}
	if _, err := s.store.RevokeTokens(ctx, u.ID, s.now()); err != nil {
		return err
	}
	return s.store.ClearThrottle(ctx, keys)
}

// TokenRequest describes a new API token.
type TokenRequest struct {
	// Name is how the user recognises the token.
	Name string
	// Scopes; none means DefaultTokenScopes. "admin" needs an admin.
	Scopes []string
	// Lifetime; zero means DefaultTokenLifetime; at most MaxTokenLifetime.
	Lifetime time.Duration
	// Session, when set, is the hash of the sign-in session that the token
	// belongs to: signing that session out revokes the token.
	Session string
}

// NewToken creates an API token for the user and returns its value, which
// is shown only this once (the store keeps its hash).
func (s *Service) NewToken(ctx context.Context, u *certlab.User, req TokenRequest) (string, *certlab.Token, error) {
	if err := certlab.CheckLine("token name", req.Name, MaxNameLength); err != nil {
		return "", nil, err
	}
	scopes := req.Scopes
	if len(scopes) == 0 {
		scopes = DefaultTokenScopes
	}
	seen := map[string]bool{}
	var clean []string
	for _, sc := range scopes {
		if !certlab.ValidScope(sc) {
			return "", nil, certlab.Errorf(certlab.EINVALID, "scope %q must be read, write, tokens or admin", sc)
		}
		if sc == certlab.ScopeAdmin && u.Role != certlab.RoleAdmin {
			return "", nil, certlab.Errorf(certlab.EFORBIDDEN, "only admins can create tokens with the admin scope")
		}
		if !seen[sc] {
			seen[sc] = true
			clean = append(clean, sc)
		}
	}
	life := req.Lifetime
	if life == 0 {
		life = DefaultTokenLifetime
	}
	if life < time.Minute || life > MaxTokenLifetime {
		return "", nil, certlab.Errorf(certlab.EINVALID, "a token lives from 1 minute to %d days", int(MaxTokenLifetime/(24*time.Hour)))
	}
	now := s.now().UTC()
	secret := auth.NewSecret("clt_")
	t := &certlab.Token{UserID: u.ID, Name: req.Name, Hash: auth.HashSecret(secret), Scopes: clean,
		CreatedAt: now, ExpiresAt: now.Add(life), SessionHash: req.Session}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// Tokens lists the user's API tokens (never their values), newest first.
func (s *Service) Tokens(ctx context.Context, u *certlab.User) ([]*certlab.Token, error) {
	return s.store.Tokens(ctx, u.ID)
}

// RevokeToken revokes one of the user's tokens.
func (s *Service) RevokeToken(ctx context.Context, u *certlab.User, id int64) error {
	return s.store.RevokeToken(ctx, u.ID, id, s.now())
}

// Authenticate returns the token and its user for an API token value, or
// EUNAUTHORIZED when it is unknown, expired or revoked.
func (s *Service) Authenticate(ctx context.Context, value string) (*certlab.Token, *certlab.User, error) {
	return AuthenticateToken(ctx, s.store, value, s.now())
}

// AuthenticateToken is Service.Authenticate for callers that hold only the
// store (the session middleware).
func AuthenticateToken(ctx context.Context, store certlab.UserStore, value string, now time.Time) (*certlab.Token, *certlab.User, error) {
	bad := certlab.Errorf(certlab.EUNAUTHORIZED, "invalid, expired or revoked API token")
	t, err := store.TokenByHash(ctx, auth.HashSecret(strings.TrimSpace(value)))
	if err != nil {
		if certlab.ErrorCode(err) == certlab.ENOTFOUND {
			return nil, nil, bad
		}
		return nil, nil, err
	}
	if t.RevokedAt != nil || !now.Before(t.ExpiresAt) {
		return nil, nil, bad
	}
	u, err := store.User(ctx, t.UserID)
	if err != nil {
		if certlab.ErrorCode(err) == certlab.ENOTFOUND {
			return nil, nil, bad
		}
		return nil, nil, err
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Hour {
		// Recorded at most hourly: a token in a loop must not write on
		// every request.
		if err := store.TouchToken(ctx, t.ID, now); err != nil {
			return nil, nil, err
		}
	}
	return t, u, nil
}
