package account_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/auth"
	"github.com/certlab/certlab/internal/sqlite"
)

var fast = auth.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32}

func newService(t *testing.T) (*account.Service, certlab.Store) {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "accounts.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := account.New(store, fast)
	if err != nil {
		t.Fatal(err)
	}
	return s, store
}

func TestRegisterFirstAccountIsAdmin(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	first, err := s.Register(ctx, "ada@example.org", "Ada", "correct horse battery")
	if err != nil || first.Role != certlab.RoleAdmin {
		t.Fatalf("first account: %+v %v, want an admin", first, err)
	}
	second, err := s.Register(ctx, "bob@example.org", "Bob", "correct horse battery")
	if err != nil || second.Role != certlab.RoleCandidate {
		t.Fatalf("second account: %+v %v, want a candidate", second, err)
	}
	if _, err := s.Register(ctx, "bob@example.org", "Bob", "correct horse battery"); certlab.ErrorCode(err) != certlab.ECONFLICT {
		t.Fatalf("same address twice: %v, want a conflict", err)
	}
}

func TestCreateRules(t *testing.T) {
	s, _ := newService(t)
	tests := []struct {
		name, email, password, role string
		code                        string
	}{
		{"valid proctor", "p@example.org", "long enough passphrase", certlab.RoleProctor, ""},
		{"not an address", "not-an-address", "long enough passphrase", certlab.RoleCandidate, certlab.EINVALID},
		{"name and address", "Ada <ada@example.org>", "long enough passphrase", certlab.RoleCandidate, certlab.EINVALID},
		{"short password", "short@example.org", "123456789", certlab.RoleCandidate, certlab.EINVALID},
		{"unknown role", "r@example.org", "long enough passphrase", "superuser", certlab.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := s.Create(context.Background(), tt.email, "", tt.password, tt.role)
			if certlab.ErrorCode(err) != tt.code {
				t.Fatalf("Create: %v, want code %q", err, tt.code)
			}
			if err == nil && (u.Role != tt.role || u.PasswordHash == "" || u.PasswordHash == tt.password) {
				t.Fatalf("created %+v", u)
			}
		})
	}
	// Create never makes the first account an admin: that is Register's rule.
	s2, _ := newService(t)
	if u, err := s2.Create(context.Background(), "c@example.org", "", "long enough passphrase", certlab.RoleCandidate); err != nil || u.Role != certlab.RoleCandidate {
		t.Fatalf("first account made by Create: %+v %v", u, err)
	}
}

func TestSignIn(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	if _, err := s.Register(ctx, "ada@example.org", "Ada", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	u, err := s.SignIn(ctx, "ada@example.org", "correct horse battery")
	if err != nil || u.Email != "ada@example.org" {
		t.Fatalf("right password: %+v %v", u, err)
	}
	_, wrong := s.SignIn(ctx, "ada@example.org", "wrong horse battery")
	_, unknown := s.SignIn(ctx, "nobody@example.org", "correct horse battery")
	for _, err := range []error{wrong, unknown} {
		if certlab.ErrorCode(err) != certlab.EUNAUTHORIZED {
			t.Fatalf("failed sign-in: %v, want unauthorized", err)
		}
	}
	if wrong.Error() != unknown.Error() {
		t.Fatalf("wrong password %q and unknown address %q must read the same", wrong, unknown)
	}
}

func TestNewToken(t *testing.T) {
	s, store := newService(t)
	ctx := context.Background()
	u, err := s.Create(ctx, "cli@example.org", "", "long enough passphrase", certlab.RoleCandidate)
	if err != nil {
		t.Fatal(err)
	}
	secret, tok, err := s.NewToken(ctx, u, account.TokenRequest{Name: "laptop"})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Hash == secret || tok.Hash != auth.HashSecret(secret) {
		t.Fatalf("token %+v: the store must keep the hash of %q, not the token", tok, secret)
	}
	got, err := store.TokenByHash(ctx, auth.HashSecret(secret))
	if err != nil || got.UserID != u.ID || got.Name != "laptop" {
		t.Fatalf("stored token %+v %v", got, err)
	}
}
