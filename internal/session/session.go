// Package session authenticates requests for the JSON API and the web UI
// alike: sign-in sessions kept in an HttpOnly cookie, API tokens, the CSRF
// check of cookie requests, and the signed-in user in the request context.
// It sits below both front ends, so neither imports the other.
//
// "Session" in certlab means this sign-in session only.
package session

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/auth"
	"github.com/certlab/certlab/internal/httperror"
)

// CookieName is the name of the session cookie.
const CookieName = "certlab_session"

// Lifetime is how long a sign-in lasts.
const Lifetime = 12 * time.Hour

// Manager starts and ends sessions and authenticates requests.
type Manager struct {
	Store certlab.UserStore
	Now   func() time.Time
	// Secure marks the session cookie Secure (behind HTTPS).
	Secure bool
	Logger *slog.Logger
	// Sessionless are paths of public endpoints that never act for a
	// signed-in user (verifying a credential someone pasted): the cookie is
	// not read for them, so a plain HTML form can post to them without a
	// CSRF token. Cross-origin browser posts are still refused in front.
	Sessionless map[string]bool
}

type ctxKey int

const (
	userKey ctxKey = iota
	sessionKey
	tokenKey
)

// Start signs the user in: it stores a new session (only the hash of its
// secret) and sets the HttpOnly session cookie. The session carries the
// CSRF token that state-changing requests must send back.
func (m *Manager) Start(ctx context.Context, w http.ResponseWriter, u *certlab.User) (*certlab.Session, error) {
	secret := auth.NewSecret("cls_")
	now := m.Now()
	se := &certlab.Session{TokenHash: auth.HashSecret(secret), UserID: u.ID, CSRF: auth.NewSecret(""), CreatedAt: now, ExpiresAt: now.Add(Lifetime)}
	if err := m.Store.CreateSession(ctx, se); err != nil {
		return nil, err
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: secret, Path: "/", MaxAge: int(Lifetime / time.Second),
		HttpOnly: true, Secure: m.Secure, SameSite: http.SameSiteLaxMode})
	return se, nil
}

// End signs out: it deletes the session (nil: none) and clears the cookie.
func (m *Manager) End(ctx context.Context, w http.ResponseWriter, se *certlab.Session) error {
	if se != nil {
		if err := m.Store.DeleteSession(ctx, se.TokenHash); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: m.Secure, SameSite: http.SameSiteLaxMode})
	return nil
}

// Authenticate resolves the caller from an API token (Authorization:
// Bearer) or the session cookie and puts the user (and the session) in the
// request context. Cookie requests that change state must also carry the
// session's CSRF token, in X-CSRF-Token or a form's csrf_token field.
// Requests without credentials pass on anonymous; handlers decide.
func (m *Manager) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			value, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				m.fail(w, r, certlab.Errorf(certlab.EUNAUTHORIZED, "Authorization must be a Bearer token"))
				return
			}
			t, u, err := account.AuthenticateToken(ctx, m.Store, value, m.Now())
			if err != nil {
				m.fail(w, r, err)
				return
			}
			if u.DisabledAt != nil {
				m.fail(w, r, certlab.Errorf(certlab.EUNAUTHORIZED, "invalid API token"))
				return
			}
			if err := checkMethodScope(r, t); err != nil {
				m.fail(w, r, err)
				return
			}
			ctx = context.WithValue(ctx, userKey, u)
			next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, tokenKey, t)))
			return
		}
		if c, err := r.Cookie(CookieName); err == nil && c.Value != "" && !m.Sessionless[r.URL.Path] {
			se, err := m.Store.Session(ctx, auth.HashSecret(c.Value), m.Now())
			if err == nil {
				if r.Method != http.MethodGet && r.Method != http.MethodHead &&
					subtle.ConstantTimeCompare([]byte(csrfToken(r)), []byte(se.CSRF)) != 1 {
					m.fail(w, r, certlab.Errorf(certlab.EFORBIDDEN, "missing or wrong X-CSRF-Token"))
					return
				}
				if u, err := m.Store.User(ctx, se.UserID); err == nil && u.DisabledAt == nil {
					ctx = context.WithValue(ctx, userKey, u)
					ctx = context.WithValue(ctx, sessionKey, se)
				}
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// checkMethodScope: a token reads (GET, HEAD) with the read scope and
// changes state with the write scope; signing itself out needs neither,
// and managing tokens needs the tokens scope instead.
func checkMethodScope(r *http.Request, t *certlab.Token) error {
	need := certlab.ScopeWrite
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		need = certlab.ScopeRead
	}
	if r.Method == http.MethodPost && r.URL.Path == LogoutPath {
		return nil
	}
	if r.URL.Path == TokensPath || strings.HasPrefix(r.URL.Path, TokensPath+"/") {
		return nil // the tokens scope is checked there (RequireScope)
	}
	if !t.HasScope(need) {
		return certlab.Errorf(certlab.EFORBIDDEN, "this API token lacks the %s scope", need)
	}
	return nil
}

// TokensPath is where tokens are managed: the tokens scope governs it,
// whatever the method.
const TokensPath = "/api/v1/tokens"

// LogoutPath is the API's sign-out endpoint, which any token may call to
// revoke itself.
const LogoutPath = "/api/v1/auth/logout"

func (m *Manager) fail(w http.ResponseWriter, r *http.Request, err error) {
	httperror.WriteJSON(w, r, m.Logger, err)
}

// MaxFormBytes bounds a posted form's body, uploads included (a lab
// workspace is at most 32 MB).
const MaxFormBytes = 40 << 20

// csrfToken is the CSRF token a request carries: the X-CSRF-Token header
// (scripts) or the csrf_token field of a posted HTML form.
func csrfToken(r *http.Request) string {
	if h := r.Header.Get("X-CSRF-Token"); h != "" {
		return h
	}
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data") {
		// Reading the field parses the whole form: a multipart form (a lab
		// workspace upload) is bounded first.
		r.Body = http.MaxBytesReader(nil, r.Body, MaxFormBytes)
		return r.PostFormValue("csrf_token")
	}
	return ""
}

// UserFrom returns the signed-in user of an authenticated request, or nil.
func UserFrom(ctx context.Context) *certlab.User {
	u, _ := ctx.Value(userKey).(*certlab.User)
	return u
}

// TokenFrom returns the API token of a request authenticated by one, or
// nil (cookie sessions).
func TokenFrom(ctx context.Context) *certlab.Token {
	t, _ := ctx.Value(tokenKey).(*certlab.Token)
	return t
}

// HasScope reports whether the request may act within the scope: cookie
// sessions may do everything their user may; tokens only within their
// scopes.
func HasScope(ctx context.Context, scope string) bool {
	if t := TokenFrom(ctx); t != nil {
		return t.HasScope(scope)
	}
	return true
}

// RequireScope is RequireUser for requests that may act within the scope
// (see HasScope). Others get a JSON forbidden error.
func RequireScope(scope string, h UserHandler) http.HandlerFunc {
	return RequireUser(func(w http.ResponseWriter, r *http.Request, u *certlab.User) {
		if !HasScope(r.Context(), scope) {
			httperror.WriteJSON(w, r, nil, certlab.Errorf(certlab.EFORBIDDEN, "this API token lacks the %s scope", scope))
			return
		}
		h(w, r, u)
	})
}

// SessionFrom returns the cookie session of an authenticated request, or
// nil (API tokens have none).
func SessionFrom(ctx context.Context) *certlab.Session {
	se, _ := ctx.Value(sessionKey).(*certlab.Session)
	return se
}

// UserHandler handles a request of a signed-in user.
type UserHandler func(w http.ResponseWriter, r *http.Request, u *certlab.User)

// RequireUser answers requests without a signed-in user with a JSON
// unauthorized error and passes the others to h with their user.
func RequireUser(h UserHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := UserFrom(r.Context())
		if u == nil {
			httperror.WriteJSON(w, r, nil, certlab.Errorf(certlab.EUNAUTHORIZED, "sign in or send an API token"))
			return
		}
		h(w, r, u)
	}
}

// RequireRole is RequireUser for users with the role; admins have every
// role. Others get a JSON forbidden error. An admin route called with an
// API token also needs the token's admin scope.
func RequireRole(role string, h UserHandler) http.HandlerFunc {
	return RequireUser(func(w http.ResponseWriter, r *http.Request, u *certlab.User) {
		if u.Role != role && u.Role != certlab.RoleAdmin {
			httperror.WriteJSON(w, r, nil, certlab.Errorf(certlab.EFORBIDDEN, "this needs the %s role", role))
			return
		}
		if role == certlab.RoleAdmin && !HasScope(r.Context(), certlab.ScopeAdmin) {
			httperror.WriteJSON(w, r, nil, certlab.Errorf(certlab.EFORBIDDEN, "this API token lacks the admin scope"))
			return
		}
		h(w, r, u)
	})
}
