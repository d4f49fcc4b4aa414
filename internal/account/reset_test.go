package account_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/auth"
)

func TestPasswordReset(t *testing.T) {
	s, store := newService(t)
	ctx := context.Background()
	u, err := s.Register(ctx, "rita@example.org", "Rita", "old password 123")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

	t.Run("unknown address: nothing, and no error", func(t *testing.T) {
		got, secret, err := s.RequestReset(ctx, "nobody@example.org", now)
		if err != nil || got != nil || secret != "" {
			t.Fatalf("got %v %q %v, want nothing", got, secret, err)
		}
	})
	got, secret, err := s.RequestReset(ctx, " RITA@example.org ", now)
	if err != nil || got == nil || got.ID != u.ID || !strings.HasPrefix(secret, "clr_") {
		t.Fatalf("request: %v %q %v", got, secret, err)
	}
	if who, err := s.ResetAccount(ctx, secret, now.Add(time.Minute)); err != nil || who.ID != u.ID {
		t.Fatalf("reset account: %v %v", who, err)
	}
	t.Run("a refused password keeps the link working", func(t *testing.T) {
		_, err := s.ResetPassword(ctx, secret, "short", now.Add(time.Minute))
		if certlab.ErrorCode(err) != certlab.EINVALID {
			t.Fatalf("short password: %v", err)
		}
		if _, err := s.ResetAccount(ctx, secret, now.Add(time.Minute)); err != nil {
			t.Fatalf("the link stopped working after a refused password: %v", err)
		}
	})
	t.Run("expired", func(t *testing.T) {
		_, err := s.ResetPassword(ctx, secret, "new password 456", now.Add(31*time.Minute))
		if certlab.ErrorCode(err) != certlab.ENOTFOUND {
			t.Fatalf("expired link: %v", err)
		}
	})
	if _, err := s.ResetPassword(ctx, secret, "new password 456", now.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignIn(ctx, "rita@example.org", "new password 456"); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}
	if _, err := s.SignIn(ctx, "rita@example.org", "old password 123"); err == nil {
		t.Fatal("the old password still works")
	}
	t.Run("single use", func(t *testing.T) {
		_, err := s.ResetPassword(ctx, secret, "third password 789", now.Add(3*time.Minute))
		if certlab.ErrorCode(err) != certlab.ENOTFOUND {
			t.Fatalf("second use: %v", err)
		}
	})
	t.Run("the secret is stored only hashed", func(t *testing.T) {
		db := store.(interface{ DB() *sql.DB }).DB()
		count := func(v string) int {
			var n int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM password_resets WHERE hash = ?`, v).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if count(auth.HashSecret(secret)) != 1 || count(secret) != 0 {
			t.Fatal("the reset is not stored as the hash of its secret alone")
		}
	})
	t.Run("at most ResetsPerHour mails an hour", func(t *testing.T) {
		later := now.Add(2 * time.Hour)
		for i := range 3 {
			if got, _, err := s.RequestReset(ctx, "rita@example.org", later.Add(time.Duration(i)*time.Minute)); err != nil || got == nil {
				t.Fatalf("request %d: %v %v", i+1, got, err)
			}
		}
		if got, secret, err := s.RequestReset(ctx, "rita@example.org", later.Add(5*time.Minute)); err != nil || got != nil || secret != "" {
			t.Fatalf("fourth request in an hour: %v %q %v, want nothing", got, secret, err)
		}
		if got, _, err := s.RequestReset(ctx, "rita@example.org", later.Add(61*time.Minute)); err != nil || got == nil {
			t.Fatalf("an hour later: %v %v", got, err)
		}
	})
}

func TestChangePasswordEndsOtherSessionsAndTokens(t *testing.T) {
	s, store := newService(t)
	ctx := context.Background()
	u, err := s.Register(ctx, "carl@example.org", "Carl", "first secret phrase")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, h := range []string{"this-session", "other-session"} {
		if err := store.CreateSession(ctx, &certlab.Session{TokenHash: h, UserID: u.ID, CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.NewToken(ctx, u, account.TokenRequest{Name: "laptop"}); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangePassword(ctx, u, "wrong current one", "second secret phrase", "this-session"); certlab.ErrorCode(err) != certlab.EUNAUTHORIZED {
		t.Fatalf("wrong current password: %v", err)
	}
	if err := s.ChangePassword(ctx, u, "first secret phrase", "short", "this-session"); certlab.ErrorCode(err) != certlab.EINVALID {
		t.Fatalf("short new password: %v", err)
	}
	if err := s.ChangePassword(ctx, u, "first secret phrase", "second secret phrase", "this-session"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignIn(ctx, "carl@example.org", "second secret phrase"); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}
	if _, err := store.Session(ctx, "this-session", now); err != nil {
		t.Fatalf("the session that changed the password was signed out: %v", err)
	}
	if _, err := store.Session(ctx, "other-session", now); certlab.ErrorCode(err) != certlab.ENOTFOUND {
		t.Fatalf("another session survived the change: %v", err)
	}
	toks, err := s.Tokens(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range toks {
		if tk.RevokedAt == nil {
			t.Fatalf("token %q outlived the password change", tk.Name)
		}
	}
}
