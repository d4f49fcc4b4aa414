package certlab

import (
	"context"
	"strings"
	"time"
)

// Roles, from least to most privileged.
const (
	RoleCandidate = "candidate"
	RoleAuthor    = "author"
	RoleProctor   = "proctor"
	RoleAdmin     = "admin"
)

// ValidRole reports whether r is one of the roles.
func ValidRole(r string) bool {
	switch r {
	case RoleCandidate, RoleAuthor, RoleInstructor, RoleProctor, RoleAdmin:
		return true
	}
	return false
}

// RequireRole returns an EFORBIDDEN error unless u has one of the roles
// (exactly: admins are not let through unless named).
func RequireRole(u *User, roles ...string) error {
	for _, r := range roles {
		if u.Role == r {
			return nil
		}
	}
	return Errorf(EFORBIDDEN, "this needs the %s role", strings.Join(roles, " or "))
}

// User is an account.
type User struct {
	ID           int64     `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         string    `json:"role"`
	ExtraTimePct int       `json:"extra_time_pct"` // accommodation granted by an admin
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	// DisabledAt is when an admin disabled the account; nil while it can
	// sign in.
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
}

// Session is a signed-in browser or CLI session.
type Session struct {
	TokenHash string // SHA-256 of the cookie value; the value itself is never stored
	UserID    int64
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Token is an API token: it expires, can be revoked, and acts only
// within its scopes.
type Token struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Name      string    `json:"name"`
	Hash      string    `json:"-"` // SHA-256 of the token; the token itself is shown once
	Scopes    []string  `json:"scopes"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	// RevokedAt is when it was revoked; nil while it works.
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	// SessionHash, when set, is the sign-in session the token belongs to:
	// signing that session out revokes the token.
	SessionHash string `json:"-"`
	// SessionBound says whether the token ends with its sign-in session.
	SessionBound bool `json:"session_bound"`
}

// API token scopes.
const (
	// ScopeRead allows GET requests.
	ScopeRead = "read"
	// ScopeWrite allows requests that change state (taking exams, saving
	// answers, booking).
	ScopeWrite = "write"
	// ScopeTokens allows creating, listing and revoking API tokens.
	ScopeTokens = "tokens"
	// ScopeAdmin allows the admin routes, for an admin's token.
	ScopeAdmin = "admin"
)

// ValidScope reports whether sc is a token scope.
func ValidScope(sc string) bool {
	switch sc {
	case ScopeRead, ScopeWrite, ScopeTokens, ScopeAdmin:
		return true
	}
	return false
}

// HasScope reports whether the token carries the scope.
func (t *Token) HasScope(sc string) bool {
	for _, s := range t.Scopes {
		if s == sc {
			return true
		}
	}
	return false
}

// Throttle is the state of a throttled key (failed sign-ins of an address
// or an account): failures counted since WindowStart, and the key is
// refused until BlockedUntil.
type Throttle struct {
	Key          string
	Failures     int
	WindowStart  time.Time
	BlockedUntil time.Time
}

// UserStore keeps accounts, sessions and API tokens.
type UserStore interface {
	// CreateUser stores u. When firstIsAdmin is set and there is no user yet,
	// u becomes an admin in the same transaction.
	CreateUser(ctx context.Context, u *User, firstIsAdmin bool) error
	User(ctx context.Context, id int64) (*User, error)
	UserByEmail(ctx context.Context, email string) (*User, error)
	Users(ctx context.Context) ([]*User, error)
	UpdateUser(ctx context.Context, u *User) error

	CreateSession(ctx context.Context, s *Session) error
	Session(ctx context.Context, tokenHash string, now time.Time) (*Session, error)
	// DeleteSession signs a session out and revokes the tokens bound to it.
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteUserSessions signs out every session of the user but the one
	// with keepHash ("" keeps none).
	DeleteUserSessions(ctx context.Context, userID int64, keepHash string) error

	CreateToken(ctx context.Context, t *Token) error
	// TokenByHash returns a token by the hash of its value, expired or
	// revoked or not: the caller decides.
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	// Tokens lists the user's tokens, newest first.
	Tokens(ctx context.Context, userID int64) ([]*Token, error)
	// RevokeToken revokes one of the user's tokens (ENOTFOUND if it is not
	// theirs or already revoked).
	RevokeToken(ctx context.Context, userID, id int64, at time.Time) error
	// RevokeTokens revokes every token of the user and returns how many.
	RevokeTokens(ctx context.Context, userID int64, at time.Time) (int, error)
	// TouchToken records when a token was last used.
	TouchToken(ctx context.Context, id int64, at time.Time) error

	// Throttles returns the state of the keys that have one.
	Throttles(ctx context.Context, keys []string) ([]*Throttle, error)
	// RecordFailure counts a failure of each key at now, in a window of
	// the given length (a key whose window has passed starts again), and
	// blocks a key until now plus block(failures) when that is positive.
	// It returns the keys' new states.
	RecordFailure(ctx context.Context, keys []string, now time.Time, window time.Duration, block func(failures int) time.Duration) ([]*Throttle, error)
	// ClearThrottle forgets the keys' failures (a successful sign-in).
	ClearThrottle(ctx context.Context, keys []string) error
}

// Store is everything certlab keeps in its database.
type Store interface {
	UserStore
	AccountStore
	ProgressStore
	AttemptStore
	CredentialStore
	ScheduleStore
	AccommodationStore
	AuditStore
	OAuthStore
	PushedCredentialStore
	AuthoringStore
	CohortStore
	StaffStore
	LabStore
	Ping(ctx context.Context) error
	Close() error
}
