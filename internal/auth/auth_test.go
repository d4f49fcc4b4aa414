package auth_test

import (
	"strings"
	"testing"

	"github.com/certlab/certlab/internal/auth"
)

var fast = auth.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32}

func TestPasswordRoundTrip(t *testing.T) {
	h, err := auth.HashPassword("correct horse", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash format: %s", h)
	}
	if err := auth.VerifyPassword("correct horse", h); err != nil {
		t.Fatal(err)
	}
	if err := auth.VerifyPassword("wrong horse", h); err != auth.ErrMismatch {
		t.Fatalf("wrong password: %v", err)
	}
	h2, _ := auth.HashPassword("correct horse", fast)
	if h2 == h {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
}

func TestVerifyRejectsMalformed(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=99999999,t=1,p=1$AA$AA", "$argon2id$v=19$m=1024,t=1,p=1$!!$AA"} {
		if err := auth.VerifyPassword("x", h); err == nil {
			t.Errorf("hash %q accepted", h)
		}
	}
}

func TestSecrets(t *testing.T) {
	a, b := auth.NewSecret("clt_"), auth.NewSecret("clt_")
	if a == b || !strings.HasPrefix(a, "clt_") || len(a) < 40 {
		t.Fatalf("secrets %q %q", a, b)
	}
	if auth.HashSecret(a) == auth.HashSecret(b) || len(auth.HashSecret(a)) != 64 {
		t.Fatal("secret hashes")
	}
}
