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

// Token is a long-lived API token.
type Token struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Name      string    `json:"name"`
	Hash      string    `json:"-"` // SHA-256 of the token; the token itself is shown once
	CreatedAt time.Time `json:"created_at"`
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
	DeleteSession(ctx context.Context, tokenHash string) error

	CreateToken(ctx context.Context, t *Token) error
	TokenByHash(ctx context.Context, hash string) (*Token, error)
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
