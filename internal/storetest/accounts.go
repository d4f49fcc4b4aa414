package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab"
)

// RunAccounts checks account self-service storage: password resets, the
// listing and revocation of a user's API tokens and sessions, and the
// modules a user marked read.
func RunAccounts(t *testing.T, open Opener) {
	t.Run("PasswordResets", func(t *testing.T) { testPasswordResets(t, open(t)) })
	t.Run("ConcurrentResetUse", func(t *testing.T) { testConcurrentResetUse(t, open(t)) })
	t.Run("OwnTokensAndSessions", func(t *testing.T) { testOwnTokensAndSessions(t, open(t)) })
	t.Run("ModuleReads", func(t *testing.T) { testModuleReads(t, open(t)) })
}

func mustReset(t *testing.T, s certlab.Store, u *certlab.User, hash string, at time.Time) {
	t.Helper()
	r := &certlab.PasswordReset{UserID: u.ID, Hash: hash, CreatedAt: at, ExpiresAt: at.Add(30 * time.Minute)}
	if err := s.CreatePasswordReset(context.Background(), r); err != nil || r.ID == 0 {
		t.Fatalf("create reset: %v (id %d)", err, r.ID)
	}
}

func testPasswordResets(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "reset@example.org")
	other := MustUser(t, s, "other@example.org")
	mustReset(t, s, u, "r1", t0)
	mustReset(t, s, other, "o1", t0)
	if n, err := s.PasswordResetsSince(ctx, u.ID, t0); err != nil || n != 1 {
		t.Fatalf("resets since: %d %v, want 1", n, err)
	}
	if got, err := s.PasswordResetUser(ctx, "r1", t0.Add(time.Minute)); err != nil || got.ID != u.ID {
		t.Fatalf("reset user: %v %+v", err, got)
	}
	// Expired: neither shown nor usable.
	_, err := s.PasswordResetUser(ctx, "r1", t0.Add(31*time.Minute))
	wantCode(t, err, certlab.ENOTFOUND)
	_, err = s.UsePasswordReset(ctx, "r1", t0.Add(31*time.Minute), "new-hash")
	wantCode(t, err, certlab.ENOTFOUND)
	// A newer reset retires the older one.
	mustReset(t, s, u, "r2", t0.Add(time.Minute))
	_, err = s.PasswordResetUser(ctx, "r1", t0.Add(2*time.Minute))
	wantCode(t, err, certlab.ENOTFOUND)
	if n, _ := s.PasswordResetsSince(ctx, u.ID, t0); n != 2 {
		t.Fatalf("resets since t0: %d, want 2", n)
	}
	// Using it sets the password and signs the user out everywhere.
	for _, h := range []string{"sess-a", "sess-b"} {
		if err := s.CreateSession(ctx, &certlab.Session{TokenHash: h, UserID: u.ID, CSRF: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateSession(ctx, &certlab.Session{TokenHash: "sess-o", UserID: other.ID, CSRF: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(ctx, &certlab.Token{UserID: u.ID, Name: "cli", Hash: "tok-u", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	got, err := s.UsePasswordReset(ctx, "r2", t0.Add(2*time.Minute), "new-hash")
	if err != nil || got.ID != u.ID || got.PasswordHash != "new-hash" {
		t.Fatalf("use reset: %v %+v", err, got)
	}
	if stored, _ := s.User(ctx, u.ID); stored.PasswordHash != "new-hash" {
		t.Fatalf("password hash %q after the reset", stored.PasswordHash)
	}
	_, err = s.Session(ctx, "sess-a", t0.Add(3*time.Minute))
	wantCode(t, err, certlab.ENOTFOUND)
	_, err = s.TokenByHash(ctx, "tok-u")
	wantCode(t, err, certlab.ENOTFOUND)
	if _, err := s.Session(ctx, "sess-o", t0.Add(3*time.Minute)); err != nil {
		t.Fatalf("another user's session ended with the reset: %v", err)
	}
	// Single use.
	_, err = s.UsePasswordReset(ctx, "r2", t0.Add(3*time.Minute), "again")
	wantCode(t, err, certlab.ENOTFOUND)
	_, err = s.UsePasswordReset(ctx, "unknown", t0, "x")
	wantCode(t, err, certlab.ENOTFOUND)
	// Purge removes what has expired, and only that.
	mustReset(t, s, u, "r3", t0.Add(time.Hour))
	if n, err := s.PurgePasswordResets(ctx, t0.Add(45*time.Minute)); err != nil || n != 3 {
		t.Fatalf("purge: %d %v, want the 3 resets expired by then", n, err)
	}
	if _, err := s.PasswordResetUser(ctx, "r3", t0.Add(time.Hour+time.Minute)); err != nil {
		t.Fatalf("the unexpired reset was purged: %v", err)
	}
}

// testConcurrentResetUse uses one reset from many goroutines: exactly one
// sets its password.
func testConcurrentResetUse(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "race@example.org")
	mustReset(t, s, u, "race", t0)
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := []string{}
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hash := string(rune('a' + i))
			if _, err := s.UsePasswordReset(ctx, "race", t0.Add(time.Minute), hash); err == nil {
				mu.Lock()
				won = append(won, hash)
				mu.Unlock()
			} else if certlab.ErrorCode(err) != certlab.ENOTFOUND {
				t.Errorf("concurrent use: %v", err)
			}
		}()
	}
	wg.Wait()
	if len(won) != 1 {
		t.Fatalf("%d uses of one reset succeeded, want 1", len(won))
	}
	if stored, _ := s.User(ctx, u.ID); stored.PasswordHash != won[0] {
		t.Fatalf("password hash %q, want the winner's %q", stored.PasswordHash, won[0])
	}
}

func testOwnTokensAndSessions(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "tok@example.org")
	other := MustUser(t, s, "tok2@example.org")
	a := &certlab.Token{UserID: u.ID, Name: "laptop", Hash: "ha", CreatedAt: t0}
	b := &certlab.Token{UserID: u.ID, Name: "ci", Hash: "hb", CreatedAt: t0.Add(time.Minute)}
	o := &certlab.Token{UserID: other.ID, Name: "theirs", Hash: "ho", CreatedAt: t0}
	for _, tk := range []*certlab.Token{a, b, o} {
		if err := s.CreateToken(ctx, tk); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.Tokens(ctx, u.ID)
	if err != nil || len(list) != 2 || list[0].Name != "ci" || list[1].Name != "laptop" {
		t.Fatalf("tokens: %v %+v, want ci then laptop", err, list)
	}
	wantCode(t, s.RevokeToken(ctx, u.ID, o.ID, t0), certlab.ENOTFOUND) // not theirs
	if err := s.RevokeToken(ctx, u.ID, a.ID, t0); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.RevokeToken(ctx, u.ID, a.ID, t0), certlab.ENOTFOUND)
	if _, err := s.TokenByHash(ctx, "ho"); err != nil {
		t.Fatalf("another user's token: %v", err)
	}
	if n, err := s.RevokeTokens(ctx, u.ID, t0); err != nil || n != 1 {
		t.Fatalf("revoke all: %d %v, want 1", n, err)
	}
	// Revoked tokens stay listed, marked, so the account page can show
	// what was revoked and when; none of them signs in any more.
	list, err = s.Tokens(ctx, u.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("tokens after revoking all: %+v %v", list, err)
	}
	for _, tk := range list {
		if tk.RevokedAt == nil {
			t.Fatalf("token %q is not marked revoked", tk.Name)
		}
	}
	for _, h := range []string{"keep", "drop1", "drop2"} {
		if err := s.CreateSession(ctx, &certlab.Session{TokenHash: h, UserID: u.ID, CSRF: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteUserSessions(ctx, u.ID, "keep"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, "keep", t0); err != nil {
		t.Fatalf("the kept session: %v", err)
	}
	_, err = s.Session(ctx, "drop1", t0)
	wantCode(t, err, certlab.ENOTFOUND)
}

func testModuleReads(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "reader@example.org")
	if err := s.MarkModuleRead(ctx, u.ID, "p", "m1", t0); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkModuleRead(ctx, u.ID, "p", "m1", t0.Add(time.Hour)); err != nil {
		t.Fatalf("marking again: %v", err)
	}
	if err := s.MarkModuleRead(ctx, u.ID, "q", "m2", t0); err != nil {
		t.Fatal(err)
	}
	got, err := s.ModuleReads(ctx, u.ID, "p")
	if err != nil || len(got) != 1 || !got["m1"].Equal(t0.Add(time.Hour)) {
		t.Fatalf("reads of p: %v %v", err, got)
	}
	if err := s.UnmarkModuleRead(ctx, u.ID, "p", "m1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ModuleReads(ctx, u.ID, "p"); len(got) != 0 {
		t.Fatalf("reads after unmarking: %v", got)
	}
}
