package account_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/auth"
	"github.com/certlab/certlab/internal/clientip"
	"github.com/certlab/certlab/internal/sqlite"
)

// clock is a settable clock for the throttle tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newServiceWith(t *testing.T, o account.Options) (*account.Service, certlab.Store) {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	s, err := account.NewWith(store, fast, o)
	if err != nil {
		t.Fatal(err)
	}
	return s, store
}

// Finding: "the password rule is 10 bytes: ten spaces, aaaaaaaaaa,
// password12 and ééééé pass; a 1 MB password is accepted".
func TestPasswordRules(t *testing.T) {
	tests := []struct {
		name, password string
		ok             bool
		why            string
	}{
		{"ten spaces", strings.Repeat(" ", 10), false, "at least 15 characters"},
		{"fifteen spaces", strings.Repeat(" ", 15), false, "too few characters"},
		{"aaaaaaaaaa", "aaaaaaaaaa", false, "at least 15"},
		{"a repeated", strings.Repeat("a", 20), false, "too few characters"},
		{"password12", "password12", false, "at least 15"},
		{"common password with digits", "password12345678", false, "common and breached"},
		{"common password repeated", "monkeymonkeymonkey", false, "common and breached"},
		{"common long password", "qwertyuiop12345", false, "common and breached"},
		{"five é are ten bytes", "ééééé", false, "at least 15 characters (it has 5)"},
		{"one megabyte", strings.Repeat("correct horse ", 75000), false, "at most 128"},
		{"129 characters", strings.Repeat("abcdefghi", 14) + "abc", false, "at most 128"},
		{"control character", "correct\x00horse battery", false, "control character"},
		{"own address", "ada.lovelace-rocks-2024", false, "must not contain your name"},
		{"passphrase", "correct horse battery", true, ""},
		{"unicode passphrase", "naïve café déjà vu", true, ""},
		{"exactly 15", "zebra lamp cove", true, ""},
		{"128 characters", strings.Repeat("zebra lamp cove ", 8), true, ""},
		{"no composition rules: all lower case", "purple otters swim at dawn", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := account.CheckPassword(tt.password, "ada.lovelace@example.org", "Ada")
			if tt.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if certlab.ErrorCode(err) != certlab.EINVALID || !strings.Contains(err.Error(), tt.why) {
				t.Fatalf("got %v, want an invalid error saying %q", err, tt.why)
			}
		})
	}
}

func TestCommonPasswordList(t *testing.T) {
	for _, p := range []string{"123456", "password", "dragon", "passwordpassword", "1qaz2wsx3edc4rfv"} {
		if !account.IsCommonPassword(p) {
			t.Errorf("%q is not found on the list", p)
		}
	}
	if account.IsCommonPassword("purple otters swim at dawn") {
		t.Error("a passphrase is on the list")
	}
}

// Finding: "60 wrong passwords then the right one succeeds with no
// delay". Now the account is refused, even with the right password,
// until its backoff has passed; then the right password works.
func TestSignInThrottlePerAccount(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	s, _ := newServiceWith(t, account.Options{Now: clk.now})
	ctx := clientip.With(context.Background(), "198.51.100.7")
	if _, err := s.Create(ctx, "ada@example.org", "Ada", "correct horse battery", certlab.RoleCandidate); err != nil {
		t.Fatal(err)
	}
	refused := 0
	for i := range 60 {
		_, err := s.SignIn(ctx, "ada@example.org", fmt.Sprintf("wrong password %d", i))
		switch certlab.ErrorCode(err) {
		case certlab.EUNAUTHORIZED:
		case certlab.ETOOMANY:
			refused++
			if certlab.RetryAfter(err) <= 0 {
				t.Fatalf("refusal without Retry-After: %v", err)
			}
		default:
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if refused < 50 {
		t.Fatalf("only %d of 60 rapid wrong passwords were refused", refused)
	}
	_, err := s.SignIn(ctx, "ada@example.org", "correct horse battery")
	if certlab.ErrorCode(err) != certlab.ETOOMANY {
		t.Fatalf("right password right after 60 wrong ones: %v, want too many requests", err)
	}
	clk.add(certlab.RetryAfter(err) + time.Second)
	if u, err := s.SignIn(ctx, "ada@example.org", "correct horse battery"); err != nil || u.Email != "ada@example.org" {
		t.Fatalf("after the backoff: %v", err)
	}
	// The success forgets the account's failures: one wrong password is
	// again only a wrong password.
	if _, err := s.SignIn(ctx, "ada@example.org", "wrong again"); certlab.ErrorCode(err) != certlab.EUNAUTHORIZED {
		t.Fatalf("first failure after a success: %v", err)
	}
}

// Guessing one password across many accounts from one address is
// throttled per client address.
func TestSignInThrottlePerClient(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	s, _ := newServiceWith(t, account.Options{Now: clk.now})
	attacker := clientip.With(context.Background(), "203.0.113.66")
	var last error
	for i := range 60 {
		_, last = s.SignIn(attacker, fmt.Sprintf("victim%d@example.org", i), "summer holidays 2024")
	}
	if certlab.ErrorCode(last) != certlab.ETOOMANY {
		t.Fatalf("60 accounts tried from one address: %v, want too many requests", last)
	}
	// Another address is not affected.
	other := clientip.With(context.Background(), "198.51.100.8")
	if _, err := s.SignIn(other, "victim1@example.org", "summer holidays 2024"); certlab.ErrorCode(err) != certlab.EUNAUTHORIZED {
		t.Fatalf("from another address: %v", err)
	}
}

func TestRegisterThrottlePerClient(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	s, _ := newServiceWith(t, account.Options{Now: clk.now,
		Throttle: account.ThrottlePolicy{Register: account.Backoff{Free: 3, Window: time.Hour, First: time.Minute, Max: time.Hour}}})
	ctx := clientip.With(context.Background(), "203.0.113.66")
	for i := range 3 {
		if _, err := s.Register(ctx, fmt.Sprintf("u%d@example.org", i), "", "correct horse battery"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Register(ctx, "u3@example.org", "", "correct horse battery"); err != nil {
		t.Fatalf("fourth registration is the first past the allowance and still goes through: %v", err)
	}
	if _, err := s.Register(ctx, "u4@example.org", "", "correct horse battery"); certlab.ErrorCode(err) != certlab.ETOOMANY {
		t.Fatalf("fifth registration: %v, want too many requests", err)
	}
}

// Finding: "64 parallel wrong-password logins took the server from 3.0 GB
// to a 6.6 GB peak". Hashes now run at most Running at once; the rest
// wait in a bounded line or are refused with EBUSY and a Retry-After.
func TestHashLimit(t *testing.T) {
	slow := auth.Params{Memory: 16 * 1024, Time: 2, Threads: 1, KeyLen: 32}
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	s, err := account.NewWith(store, slow, account.Options{Hashes: account.HashLimit{Running: 2, Waiting: 4, MaxWait: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	var peak atomic.Int64
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			r, _ := s.HashStats()
			for old := peak.Load(); int64(r) > old && !peak.CompareAndSwap(old, int64(r)); old = peak.Load() {
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	var wg sync.WaitGroup
	var busy, unauthorized atomic.Int64
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := clientip.With(context.Background(), fmt.Sprintf("10.0.%d.%d", i/200, i%200))
			_, err := s.SignIn(ctx, fmt.Sprintf("nobody%d@example.org", i), "not the password at all")
			switch certlab.ErrorCode(err) {
			case certlab.EBUSY:
				if certlab.RetryAfter(err) <= 0 {
					t.Error("busy without Retry-After")
				}
				busy.Add(1)
			case certlab.EUNAUTHORIZED:
				unauthorized.Add(1)
			default:
				t.Errorf("sign-in %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	close(done)
	if p := peak.Load(); p > 2 {
		t.Fatalf("%d hashes ran at once, the limit is 2", p)
	}
	if busy.Load() == 0 || unauthorized.Load() < 2 {
		t.Fatalf("busy %d, checked %d: the flood should be partly refused and partly checked", busy.Load(), unauthorized.Load())
	}
}

// Finding: "API tokens cannot be listed, revoked or expired; a token
// survives logout and can create more tokens".
func TestTokens(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	s, store := newServiceWith(t, account.Options{Now: clk.now})
	ctx := context.Background()
	u, err := s.Create(ctx, "cand@example.org", "", "correct horse battery", certlab.RoleCandidate)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("defaults", func(t *testing.T) {
		_, tok, err := s.NewToken(ctx, u, account.TokenRequest{Name: "cli"})
		if err != nil {
			t.Fatal(err)
		}
		if tok.HasScope(certlab.ScopeTokens) || !tok.HasScope(certlab.ScopeRead) || !tok.HasScope(certlab.ScopeWrite) ||
			!tok.ExpiresAt.Equal(clk.now().Add(account.DefaultTokenLifetime)) {
			t.Fatalf("default token %+v", tok)
		}
	})
	t.Run("rules", func(t *testing.T) {
		for _, req := range []account.TokenRequest{
			{Name: "x", Scopes: []string{"everything"}},
			{Name: "x", Scopes: []string{certlab.ScopeAdmin}}, // not an admin
			{Name: "x", Lifetime: 400 * 24 * time.Hour},
			{Name: "nul\x00name"},
			{Name: strings.Repeat("n", 101)},
		} {
			if _, _, err := s.NewToken(ctx, u, req); err == nil {
				t.Errorf("%+v accepted", req)
			}
		}
	})
	t.Run("expiry", func(t *testing.T) {
		secret, _, err := s.NewToken(ctx, u, account.TokenRequest{Name: "short", Lifetime: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Authenticate(ctx, secret); err != nil {
			t.Fatalf("fresh token: %v", err)
		}
		clk.add(time.Hour)
		if _, _, err := s.Authenticate(ctx, secret); certlab.ErrorCode(err) != certlab.EUNAUTHORIZED {
			t.Fatalf("expired token: %v", err)
		}
	})
	t.Run("list and revoke", func(t *testing.T) {
		secret, tok, err := s.NewToken(ctx, u, account.TokenRequest{Name: "to revoke"})
		if err != nil {
			t.Fatal(err)
		}
		list, err := s.Tokens(ctx, u)
		if err != nil || len(list) < 3 || list[0].ID != tok.ID || list[0].Hash == "" {
			t.Fatalf("list %v %v", list, err)
		}
		if err := s.RevokeToken(ctx, u, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Authenticate(ctx, secret); certlab.ErrorCode(err) != certlab.EUNAUTHORIZED {
			t.Fatalf("revoked token: %v", err)
		}
		if err := s.RevokeToken(ctx, u, tok.ID); certlab.ErrorCode(err) != certlab.ENOTFOUND {
			t.Fatalf("revoking twice: %v", err)
		}
		other, _ := s.Create(ctx, "other@example.org", "", "correct horse battery", certlab.RoleCandidate)
		_, otherTok, _ := s.NewToken(ctx, other, account.TokenRequest{Name: "theirs"})
		if err := s.RevokeToken(ctx, u, otherTok.ID); certlab.ErrorCode(err) != certlab.ENOTFOUND {
			t.Fatalf("revoking another user's token: %v", err)
		}
	})
	t.Run("session bound", func(t *testing.T) {
		se := &certlab.Session{TokenHash: auth.HashSecret("cls_x"), UserID: u.ID, CSRF: "c", CreatedAt: clk.now(), ExpiresAt: clk.now().Add(time.Hour)}
		if err := store.CreateSession(ctx, se); err != nil {
			t.Fatal(err)
		}
		bound, _, err := s.NewToken(ctx, u, account.TokenRequest{Name: "bound", Session: se.TokenHash})
		if err != nil {
			t.Fatal(err)
		}
		free, _, err := s.NewToken(ctx, u, account.TokenRequest{Name: "free"})
		if err != nil {
			t.Fatal(err)
		}
		if err := store.DeleteSession(ctx, se.TokenHash); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Authenticate(ctx, bound); certlab.ErrorCode(err) != certlab.EUNAUTHORIZED {
			t.Fatalf("session-bound token after its session signed out: %v", err)
		}
		if _, _, err := s.Authenticate(ctx, free); err != nil {
			t.Fatalf("a token not bound to the session ends only by expiry or revocation: %v", err)
		}
	})
}

func TestChangePassword(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	s, store := newServiceWith(t, account.Options{Now: clk.now})
	ctx := context.Background()
	u, err := s.Create(ctx, "cand@example.org", "", "correct horse battery", certlab.RoleCandidate)
	if err != nil {
		t.Fatal(err)
	}
	keep := &certlab.Session{TokenHash: "keep", UserID: u.ID, CSRF: "c", CreatedAt: clk.now(), ExpiresAt: clk.now().Add(time.Hour)}
	other := &certlab.Session{TokenHash: "other", UserID: u.ID, CSRF: "c", CreatedAt: clk.now(), ExpiresAt: clk.now().Add(time.Hour)}
	for _, se := range []*certlab.Session{keep, other} {
		if err := store.CreateSession(ctx, se); err != nil {
			t.Fatal(err)
		}
	}
	secret, _, _ := s.NewToken(ctx, u, account.TokenRequest{Name: "cli"})
	if err := s.ChangePassword(ctx, u, "wrong current password", "purple otters swim at dawn", keep.TokenHash); certlab.ErrorCode(err) != certlab.EUNAUTHORIZED {
		t.Fatalf("wrong current password: %v", err)
	}
	if err := s.ChangePassword(ctx, u, "correct horse battery", "short", keep.TokenHash); certlab.ErrorCode(err) != certlab.EINVALID {
		t.Fatalf("short new password: %v", err)
	}
	if err := s.ChangePassword(ctx, u, "correct horse battery", "purple otters swim at dawn", keep.TokenHash); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignIn(ctx, "cand@example.org", "purple otters swim at dawn"); err != nil {
		t.Fatalf("sign-in with the new password: %v", err)
	}
	if _, err := s.SignIn(ctx, "cand@example.org", "correct horse battery"); certlab.ErrorCode(err) != certlab.EUNAUTHORIZED {
		t.Fatalf("sign-in with the old password: %v", err)
	}
	if _, err := store.Session(ctx, "keep", clk.now()); err != nil {
		t.Fatalf("the session that changed the password ended: %v", err)
	}
	if _, err := store.Session(ctx, "other", clk.now()); certlab.ErrorCode(err) != certlab.ENOTFOUND {
		t.Fatalf("another session survived the change: %v", err)
	}
	if _, _, err := s.Authenticate(ctx, secret); certlab.ErrorCode(err) != certlab.EUNAUTHORIZED {
		t.Fatalf("a token survived the change: %v", err)
	}
}

// Finding: display names up to about 1 MB were stored, and a NUL byte in
// a name gave 500 on PostgreSQL.
func TestNameRules(t *testing.T) {
	s, _ := newServiceWith(t, account.Options{})
	for _, name := range []string{"nul\x00", strings.Repeat("x", 101), "line\nbreak", "esc\x1b[31m", string([]byte{0xff})} {
		_, err := s.Create(context.Background(), "n@example.org", name, "correct horse battery", certlab.RoleCandidate)
		if certlab.ErrorCode(err) != certlab.EINVALID {
			t.Errorf("name %q: %v, want invalid", name, err)
		}
	}
	if _, err := s.Create(context.Background(), "n@example.org", "Zoë O'Brien-Łukasz", "correct horse battery", certlab.RoleCandidate); err != nil {
		t.Fatal(err)
	}
}
