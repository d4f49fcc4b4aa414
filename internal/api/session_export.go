package api

import (
	"context"
	"net/http"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/auth"
)

// StartSession signs the user in for a browser: it stores a new session
// (only the hash of its secret) and sets the HttpOnly session cookie, the
// same way the JSON sign-in does. The returned session carries the CSRF
// token pages must send with state-changing requests.
func StartSession(ctx context.Context, w http.ResponseWriter, store certlab.UserStore, u *certlab.User, now time.Time, secure bool) (*certlab.Session, error) {
	secret := auth.NewSecret("cls_")
	se := &certlab.Session{TokenHash: auth.HashSecret(secret), UserID: u.ID, CSRF: auth.NewSecret(""), CreatedAt: now, ExpiresAt: now.Add(SessionLifetime)}
	if err := store.CreateSession(ctx, se); err != nil {
		return nil, err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", MaxAge: int(SessionLifetime / time.Second),
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	return se, nil
}

// EndSession signs a browser out: it deletes the session from the store
// and clears the cookie.
func EndSession(ctx context.Context, w http.ResponseWriter, store certlab.UserStore, se *certlab.Session, secure bool) error {
	if se != nil {
		if err := store.DeleteSession(ctx, se.TokenHash); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	return nil
}
