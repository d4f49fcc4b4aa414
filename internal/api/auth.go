package api

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/auth"
)

// sessionless are public endpoints that never act for a signed-in user
// (verifying a credential someone pasted or uploaded): the session cookie is
// not read for them, so a plain HTML form can post to them without a CSRF
// token. Cross-origin browser posts are still refused.
var sessionless = map[string]bool{"/verify": true, "/api/v1/verify": true}

type ctxKey int

const (
	userKey ctxKey = iota
	sessionKey
)

// authenticate resolves the caller from an API token (Authorization:
// Bearer) or the session cookie. Cookie-authenticated requests that change
// state must also carry the session's CSRF token in X-CSRF-Token (on top of
// the cross-origin check that wraps this handler).
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				s.error(w, r, certlab.Errorf(certlab.EUNAUTHORIZED, "Authorization must be a Bearer token"))
				return
			}
			t, err := s.Store.TokenByHash(ctx, auth.HashSecret(strings.TrimSpace(token)))
			if err != nil {
				s.error(w, r, certlab.Errorf(certlab.EUNAUTHORIZED, "invalid API token"))
				return
			}
			u, err := s.Store.User(ctx, t.UserID)
			if err != nil {
				s.error(w, r, certlab.Errorf(certlab.EUNAUTHORIZED, "invalid API token"))
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, userKey, u)))
			return
		}
		if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" && !sessionless[r.URL.Path] {
			se, err := s.Store.Session(ctx, auth.HashSecret(c.Value), s.Now())
			if err == nil {
				if r.Method != http.MethodGet && r.Method != http.MethodHead &&
					subtle.ConstantTimeCompare([]byte(csrfToken(r)), []byte(se.CSRF)) != 1 {
					s.error(w, r, certlab.Errorf(certlab.EFORBIDDEN, "missing or wrong X-CSRF-Token"))
					return
				}
				if u, err := s.Store.User(ctx, se.UserID); err == nil {
					ctx = context.WithValue(ctx, userKey, u)
					ctx = context.WithValue(ctx, sessionKey, se)
				}
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// csrfToken is the CSRF token a request carries: the X-CSRF-Token header
// (scripts) or the csrf_token field of a posted HTML form.
func csrfToken(r *http.Request) string {
	if h := r.Header.Get("X-CSRF-Token"); h != "" {
		return h
	}
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data") {
		return r.PostFormValue("csrf_token")
	}
	return ""
}

func userFrom(ctx context.Context) *certlab.User {
	u, _ := ctx.Value(userKey).(*certlab.User)
	return u
}

// UserFrom returns the signed-in user of a request handled behind the API's
// authentication (for handlers mounted with Server.Fallback), or nil.
func UserFrom(ctx context.Context) *certlab.User { return userFrom(ctx) }

// SessionFrom returns the cookie session of such a request, or nil (API
// tokens have none).
func SessionFrom(ctx context.Context) *certlab.Session {
	se, _ := ctx.Value(sessionKey).(*certlab.Session)
	return se
}

func (s *Server) requireUser(h func(http.ResponseWriter, *http.Request, *certlab.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := userFrom(r.Context())
		if u == nil {
			s.error(w, r, certlab.Errorf(certlab.EUNAUTHORIZED, "sign in or send an API token"))
			return
		}
		h(w, r, u)
	}
}

func (s *Server) requireRole(role string, h func(http.ResponseWriter, *http.Request, *certlab.User)) http.HandlerFunc {
	return s.requireUser(func(w http.ResponseWriter, r *http.Request, u *certlab.User) {
		if u.Role != role && u.Role != certlab.RoleAdmin {
			s.error(w, r, certlab.Errorf(certlab.EFORBIDDEN, "this needs the %s role", role))
			return
		}
		h(w, r, u)
	})
}

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name,omitempty"`
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// NewUser validates and creates an account. With firstIsAdmin, the first
// account of the installation becomes its admin whatever role is asked for.
func NewUser(ctx context.Context, store certlab.UserStore, p auth.Params, email, name, password, role string, firstIsAdmin bool) (*certlab.User, error) {
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
	hash, err := auth.HashPassword(password, p)
	if err != nil {
		return nil, err
	}
	u := &certlab.User{Email: email, Name: name, Role: role, PasswordHash: hash}
	if err := store.CreateUser(ctx, u, firstIsAdmin); err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var c credentials
	if err := decode(r, &c); err != nil {
		s.error(w, r, err)
		return
	}
	u, err := NewUser(r.Context(), s.Store, s.PasswordParams, c.Email, c.Name, c.Password, certlab.RoleCandidate, true)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.Logger.Info("user registered", "user", u.ID, "role", u.Role)
	s.startSession(w, r, u, http.StatusCreated)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var c credentials
	if err := decode(r, &c); err != nil {
		s.error(w, r, err)
		return
	}
	u, err := s.Store.UserByEmail(r.Context(), c.Email)
	if err != nil {
		// Spend the same time as a real check, so timing does not tell
		// which addresses have accounts.
		_ = auth.VerifyPassword(c.Password, s.dummyHash())
		s.error(w, r, certlab.Errorf(certlab.EUNAUTHORIZED, "wrong e-mail or password"))
		return
	}
	if err := auth.VerifyPassword(c.Password, u.PasswordHash); err != nil {
		s.error(w, r, certlab.Errorf(certlab.EUNAUTHORIZED, "wrong e-mail or password"))
		return
	}
	s.startSession(w, r, u, http.StatusOK)
}

func (s *Server) dummyHash() string {
	s.dummyOnce.Do(func() { s.dummy, _ = auth.HashPassword("certlab-dummy-password", s.PasswordParams) })
	return s.dummy
}

// SessionInfo is returned on sign-in: the CSRF token the client must send
// with state-changing requests.
type SessionInfo struct {
	User      *certlab.User `json:"user"`
	CSRFToken string        `json:"csrf_token"`
	ExpiresAt time.Time     `json:"expires_at"`
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *certlab.User, status int) {
	secret := auth.NewSecret("cls_")
	now := s.Now()
	se := &certlab.Session{TokenHash: auth.HashSecret(secret), UserID: u.ID, CSRF: auth.NewSecret(""), CreatedAt: now, ExpiresAt: now.Add(SessionLifetime)}
	if err := s.Store.CreateSession(r.Context(), se); err != nil {
		s.error(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", MaxAge: int(SessionLifetime / time.Second),
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
	writeJSON(w, status, SessionInfo{User: u, CSRFToken: se.CSRF, ExpiresAt: se.ExpiresAt})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if se, ok := r.Context().Value(sessionKey).(*certlab.Session); ok {
		if err := s.Store.DeleteSession(r.Context(), se.TokenHash); err != nil {
			s.error(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	writeJSON(w, http.StatusOK, u)
}

// NewToken creates an API token for the user and returns its value, which
// is shown only this once.
func NewToken(ctx context.Context, store certlab.UserStore, u *certlab.User, name string) (string, *certlab.Token, error) {
	secret := auth.NewSecret("clt_")
	t := &certlab.Token{UserID: u.ID, Name: name, Hash: auth.HashSecret(secret)}
	if err := store.CreateToken(ctx, t); err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	var body struct {
		Name string `json:"name"`
	}
	if err := decode(r, &body); err != nil {
		s.error(w, r, err)
		return
	}
	secret, t, err := NewToken(r.Context(), s.Store, u, body.Name)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": secret, "id": t.ID, "name": t.Name, "created_at": t.CreatedAt})
}
