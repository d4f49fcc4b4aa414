package storetest

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certlab/certlab"
)

// HardeningStore is what the hardening contract needs beyond certlab.Store:
// the periodic-job claim and the named lock of sqlstore.Store.
type HardeningStore interface {
	certlab.Store
	RunJob(ctx context.Context, name string, interval time.Duration, now time.Time, owner string, fn func(ctx context.Context) error) (bool, error)
	WithLock(ctx context.Context, name string, fn func(ctx context.Context) error) error
}

// hardeningNow is the contract's clock.
var hardeningNow = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// RunHardening is the contract of tokens, throttles, jobs and text rules
// that both databases must pass identically.
func RunHardening(t *testing.T, open func(t *testing.T) HardeningStore) {
	// Finding: a NUL byte in a name, token name, share label or external
	// credential field gave 500 on PostgreSQL while SQLite stored it. Both
	// now refuse it as invalid input, in writes and in lookups alike.
	t.Run("NUL refused identically", func(t *testing.T) { hardeningNUL(t, open(t)) })
	t.Run("tokens", func(t *testing.T) { hardeningTokens(t, open(t)) })
	t.Run("user sessions", func(t *testing.T) { hardeningUserSessions(t, open(t)) })
	t.Run("throttles", func(t *testing.T) { hardeningThrottles(t, open(t)) })
	// Periodic jobs run once per interval however many servers try.
	t.Run("jobs", func(t *testing.T) { hardeningJobs(t, open(t)) })
	t.Run("named lock", func(t *testing.T) { hardeningNamedLock(t, open(t)) })
}

func hardeningNUL(t *testing.T, s HardeningStore) {
	ctx := context.Background()
	now := hardeningNow
	u := &certlab.User{Email: "nul@example.org", Name: "a\x00b", Role: certlab.RoleCandidate}
	if err := s.CreateUser(ctx, u, false); certlab.ErrorCode(err) != certlab.EINVALID || !strings.Contains(err.Error(), "NUL") {
		t.Fatalf("name with NUL: %v, want invalid", err)
	}
	if _, err := s.UserByEmail(ctx, "x\x00@example.org"); certlab.ErrorCode(err) != certlab.EINVALID {
		t.Fatalf("lookup with NUL: %v, want invalid", err)
	}
	u.Name = "fine"
	if err := s.CreateUser(ctx, u, false); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(ctx, &certlab.Token{UserID: u.ID, Name: "t\x00", Hash: "h1", ExpiresAt: now}); certlab.ErrorCode(err) != certlab.EINVALID {
		t.Fatalf("token name with NUL: %v", err)
	}
	sh := &certlab.TranscriptShare{UserID: u.ID, TokenHash: "s1", Label: "l\x00", CreatedAt: now}
	if err := s.CreateTranscriptShare(ctx, sh); certlab.ErrorCode(err) != certlab.EINVALID {
		t.Fatalf("share label with NUL: %v", err)
	}
	e := &certlab.ExternalCredential{UserID: u.ID, Issuer: "i\x00", Name: "n", Status: certlab.ExternalDeclared, CreatedAt: now}
	if err := s.CreateExternalCredential(ctx, e); certlab.ErrorCode(err) != certlab.EINVALID {
		t.Fatalf("external credential with NUL: %v", err)
	}
}

func hardeningTokens(t *testing.T, s HardeningStore) {
	ctx := context.Background()
	now := hardeningNow
	u := &certlab.User{Email: "tok@example.org", Role: certlab.RoleCandidate}
	if err := s.CreateUser(ctx, u, false); err != nil {
		t.Fatal(err)
	}
	se := &certlab.Session{TokenHash: "sess", UserID: u.ID, CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := s.CreateSession(ctx, se); err != nil {
		t.Fatal(err)
	}
	a := &certlab.Token{UserID: u.ID, Name: "a", Hash: "ha", Scopes: []string{"read", "tokens"}, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	b := &certlab.Token{UserID: u.ID, Name: "b", Hash: "hb", Scopes: []string{"write"}, CreatedAt: now, ExpiresAt: now.Add(time.Hour), SessionHash: "sess"}
	for _, tok := range []*certlab.Token{a, b} {
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.TokenByHash(ctx, "ha")
	if err != nil || got.ID != a.ID || !got.HasScope("tokens") || got.HasScope("write") || !got.ExpiresAt.Equal(a.ExpiresAt) || got.SessionBound {
		t.Fatalf("token a read back %+v %v", got, err)
	}
	list, err := s.Tokens(ctx, u.ID)
	if err != nil || len(list) != 2 || list[0].ID != b.ID || !list[0].SessionBound {
		t.Fatalf("list %+v %v", list, err)
	}
	if err := s.TouchToken(ctx, a.ID, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.TokenByHash(ctx, "ha"); got.LastUsedAt == nil || !got.LastUsedAt.Equal(now.Add(time.Minute)) {
		t.Fatalf("last used %v", got.LastUsedAt)
	}
	if err := s.DeleteSession(ctx, "sess"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.TokenByHash(ctx, "hb"); got.RevokedAt == nil {
		t.Fatal("the session-bound token outlived its session")
	}
	if got, _ := s.TokenByHash(ctx, "ha"); got.RevokedAt != nil {
		t.Fatal("an unbound token was revoked with the session")
	}
	if err := s.RevokeToken(ctx, u.ID+1, a.ID, now); certlab.ErrorCode(err) != certlab.ENOTFOUND {
		t.Fatalf("revoking another user's token: %v", err)
	}
	n, err := s.RevokeTokens(ctx, u.ID, now)
	if err != nil || n != 1 {
		t.Fatalf("revoke all: %d %v", n, err)
	}
}

func hardeningUserSessions(t *testing.T, s HardeningStore) {
	ctx := context.Background()
	now := hardeningNow
	u := &certlab.User{Email: "ses@example.org", Role: certlab.RoleCandidate}
	if err := s.CreateUser(ctx, u, false); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"s1", "s2", "s3"} {
		if err := s.CreateSession(ctx, &certlab.Session{TokenHash: h, UserID: u.ID, CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteUserSessions(ctx, u.ID, "s2"); err != nil {
		t.Fatal(err)
	}
	for h, want := range map[string]bool{"s1": false, "s2": true, "s3": false} {
		_, err := s.Session(ctx, h, now)
		if (err == nil) != want {
			t.Errorf("session %s: %v", h, err)
		}
	}
}

func hardeningThrottles(t *testing.T, s HardeningStore) {
	ctx := context.Background()
	now := hardeningNow
	block := func(n int) time.Duration {
		if n > 2 {
			return time.Duration(n) * time.Minute
		}
		return 0
	}
	keys := []string{"account:a@example.org", "ip:203.0.113.1"}
	for i := 1; i <= 3; i++ {
		st, err := s.RecordFailure(ctx, keys, now, 15*time.Minute, block)
		if err != nil || len(st) != 2 || st[0].Failures != i {
			t.Fatalf("failure %d: %+v %v", i, st, err)
		}
	}
	st, err := s.Throttles(ctx, append(keys, "account:other"))
	if err != nil || len(st) != 2 {
		t.Fatalf("throttles %+v %v", st, err)
	}
	for _, x := range st {
		if x.Failures != 3 || !x.BlockedUntil.Equal(now.Add(3*time.Minute)) {
			t.Fatalf("after 3 failures %+v", x)
		}
	}
	// A new window starts the count again.
	st, err = s.RecordFailure(ctx, keys[:1], now.Add(16*time.Minute), 15*time.Minute, block)
	if err != nil || st[0].Failures != 1 {
		t.Fatalf("next window %+v %v", st, err)
	}
	if err := s.ClearThrottle(ctx, keys[:1]); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Throttles(ctx, keys); len(st) != 1 || st[0].Key != keys[1] {
		t.Fatalf("after clearing %+v", st)
	}
	// Concurrent failures all count.
	var wg sync.WaitGroup
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.RecordFailure(ctx, []string{"ip:198.51.100.1"}, now, time.Hour, block); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if st, _ := s.Throttles(ctx, []string{"ip:198.51.100.1"}); len(st) != 1 || st[0].Failures != 40 {
		t.Fatalf("40 concurrent failures counted as %+v", st)
	}
}

func hardeningJobs(t *testing.T, s HardeningStore) {
	ctx := context.Background()
	now := hardeningNow
	var runs atomic.Int64
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.RunJob(ctx, "sweep", time.Minute, now, "server", func(context.Context) error {
				runs.Add(1)
				time.Sleep(20 * time.Millisecond)
				return nil
			}); err != nil {
				t.Error(i, err)
			}
		}()
	}
	wg.Wait()
	if runs.Load() != 1 {
		t.Fatalf("the job ran %d times at one tick, want once", runs.Load())
	}
	ran, err := s.RunJob(ctx, "sweep", time.Minute, now.Add(30*time.Second), "server", func(context.Context) error { return nil })
	if err != nil || ran {
		t.Fatalf("again within the interval: %v %v", ran, err)
	}
	ran, err = s.RunJob(ctx, "sweep", time.Minute, now.Add(time.Minute), "server", func(context.Context) error { return nil })
	if err != nil || !ran {
		t.Fatalf("after the interval: %v %v", ran, err)
	}
}

func hardeningNamedLock(t *testing.T, s HardeningStore) {
	ctx := context.Background()
	var inside, peak atomic.Int64
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.WithLock(ctx, "issuer-keys", func(context.Context) error {
				n := inside.Add(1)
				if n > peak.Load() {
					peak.Store(n)
				}
				time.Sleep(5 * time.Millisecond)
				inside.Add(-1)
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if peak.Load() != 1 {
		t.Fatalf("%d holders of the lock at once", peak.Load())
	}
}
