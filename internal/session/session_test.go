package session_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/auth"
	"github.com/certlab/certlab/internal/session"
	"github.com/certlab/certlab/internal/sqlite"
)

type fixture struct {
	m      *session.Manager
	store  certlab.Store
	user   *certlab.User
	cookie *http.Cookie
	csrf   string
	token  string
	now    time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sessions.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: store, now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	f.m = &session.Manager{Store: store, Now: func() time.Time { return f.now }, Secure: true, Sessionless: map[string]bool{"/verify": true}}
	f.user = &certlab.User{Email: "ada@example.org", Role: certlab.RoleProctor, PasswordHash: "x"}
	if err := store.CreateUser(ctx, f.user, false); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	se, err := f.m.Start(ctx, w, f.user)
	if err != nil {
		t.Fatal(err)
	}
	f.csrf = se.CSRF
	f.cookie = w.Result().Cookies()[0]
	if f.cookie.Name != session.CookieName || !f.cookie.HttpOnly || !f.cookie.Secure || f.cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v: want HttpOnly, Secure, SameSite=Lax", f.cookie)
	}
	if se.TokenHash == f.cookie.Value || se.TokenHash != auth.HashSecret(f.cookie.Value) {
		t.Fatal("the store must keep only the hash of the cookie's secret")
	}
	f.token = auth.NewSecret("clt_")
	if err := store.CreateToken(ctx, &certlab.Token{UserID: f.user.ID, Name: "t", Hash: auth.HashSecret(f.token), Scopes: []string{"read", "write", "admin"}, ExpiresAt: f.now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return f
}

// who answers with the caller as the handler behind Authenticate sees it.
var who = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	u, se := session.UserFrom(r.Context()), session.SessionFrom(r.Context())
	switch {
	case u == nil:
		fmt.Fprint(w, "anonymous")
	case se == nil:
		fmt.Fprint(w, u.Email+" by token")
	default:
		fmt.Fprint(w, u.Email+" by cookie")
	}
})

func TestAuthenticate(t *testing.T) {
	f := newFixture(t)
	form := func(v url.Values) func(r *http.Request) {
		return func(r *http.Request) {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Body = io.NopCloser(strings.NewReader(v.Encode()))
		}
	}
	cookie := func(r *http.Request) { r.AddCookie(f.cookie) }
	tests := []struct {
		name, method, path string
		edits              []func(*http.Request)
		status             int
		body               string
	}{
		{"nothing", "GET", "/", nil, 200, "anonymous"},
		{"API token", "POST", "/", []func(*http.Request){func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+f.token) }}, 200, "ada@example.org by token"},
		{"unknown API token", "GET", "/", []func(*http.Request){func(r *http.Request) { r.Header.Set("Authorization", "Bearer clt_nope") }}, 401, "invalid, expired or revoked API token"},
		{"not a bearer token", "GET", "/", []func(*http.Request){func(r *http.Request) { r.Header.Set("Authorization", "Basic eDp5") }}, 401, "Bearer"},
		{"cookie read", "GET", "/", []func(*http.Request){cookie}, 200, "ada@example.org by cookie"},
		{"cookie post without CSRF token", "POST", "/", []func(*http.Request){cookie}, 403, "X-CSRF-Token"},
		{"cookie post with a wrong token", "POST", "/", []func(*http.Request){cookie, func(r *http.Request) { r.Header.Set("X-CSRF-Token", "nope") }}, 403, "X-CSRF-Token"},
		{"cookie post with the header", "POST", "/", []func(*http.Request){cookie, func(r *http.Request) { r.Header.Set("X-CSRF-Token", f.csrf) }}, 200, "by cookie"},
		{"cookie post with the form field", "POST", "/", []func(*http.Request){cookie, form(url.Values{"csrf_token": {f.csrf}})}, 200, "by cookie"},
		{"sessionless path ignores the cookie", "POST", "/verify", []func(*http.Request){cookie}, 200, "anonymous"},
		{"unknown cookie", "GET", "/", []func(*http.Request){func(r *http.Request) { r.AddCookie(&http.Cookie{Name: session.CookieName, Value: "cls_nope"}) }}, 200, "anonymous"},
	}
	h := f.m.Authenticate(who)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.path, nil)
			for _, e := range tt.edits {
				e(r)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.status || !strings.Contains(w.Body.String(), tt.body) {
				t.Fatalf("got %d %q, want %d containing %q", w.Code, w.Body, tt.status, tt.body)
			}
		})
	}
	t.Run("expired session", func(t *testing.T) {
		f.now = f.now.Add(session.Lifetime + time.Minute)
		defer func() { f.now = f.now.Add(-session.Lifetime - time.Minute) }()
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(f.cookie)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Body.String() != "anonymous" {
			t.Fatalf("an expired session still signs in: %q", w.Body)
		}
	})
}

func TestEnd(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	se, err := f.store.Session(ctx, auth.HashSecret(f.cookie.Value), f.now)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	if err := f.m.End(ctx, w, se); err != nil {
		t.Fatal(err)
	}
	if c := w.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
		t.Fatalf("cookies after sign-out %+v: want the session cookie cleared", c)
	}
	if _, err := f.store.Session(ctx, se.TokenHash, f.now); certlab.ErrorCode(err) != certlab.ENOTFOUND {
		t.Fatalf("session after sign-out: %v, want it deleted", err)
	}
}

func TestRequireRole(t *testing.T) {
	f := newFixture(t)
	ok := func(w http.ResponseWriter, r *http.Request, u *certlab.User) { fmt.Fprint(w, "ok "+u.Role) }
	tests := []struct {
		name   string
		h      http.Handler
		user   bool
		status int
	}{
		{"user required, none", session.RequireUser(ok), false, 401},
		{"user required, signed in", session.RequireUser(ok), true, 200},
		{"own role", session.RequireRole(certlab.RoleProctor, ok), true, 200},
		{"other role", session.RequireRole(certlab.RoleAdmin, ok), true, 403},
		{"role required, none", session.RequireRole(certlab.RoleProctor, ok), false, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if tt.user {
				r.Header.Set("Authorization", "Bearer "+f.token)
			}
			w := httptest.NewRecorder()
			f.m.Authenticate(tt.h).ServeHTTP(w, r)
			if w.Code != tt.status {
				t.Fatalf("got %d %q, want %d", w.Code, w.Body, tt.status)
			}
		})
	}
}
