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

func TestParseParams(t *testing.T) {
	tests := []struct {
		in  string
		ok  bool
		out auth.Params
	}{
		{"m=19456,t=2,p=1", true, auth.Params{Memory: 19456, Time: 2, Threads: 1, KeyLen: 32}},
		{"m=65536,t=3,p=2", true, auth.Params{Memory: 65536, Time: 3, Threads: 2, KeyLen: 32}},
		{"m=1024,t=1,p=1", false, auth.Params{}},
		{"m=19456,t=0,p=1", false, auth.Params{}},
		{"m=19456,t=2,p=1,x", false, auth.Params{}},
		{"19456,2,1", false, auth.Params{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := auth.ParseParams(tt.in)
			if (err == nil) != tt.ok || p != tt.out {
				t.Fatalf("auth.ParseParams(%q) = %+v, %v", tt.in, p, err)
			}
			if tt.ok && p.String() != tt.in {
				t.Fatalf("String() = %q", p.String())
			}
		})
	}
	if auth.DefaultParams.String() != "m=19456,t=2,p=1" {
		t.Fatalf("default %s", auth.DefaultParams)
	}
}

func FuzzParseParams(f *testing.F) {
	for _, s := range []string{"m=19456,t=2,p=1", "m=1,t=1,p=1", "m=99999999999999999999,t=1,p=1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := auth.ParseParams(s)
		if err != nil {
			return
		}
		if again, err := auth.ParseParams(p.String()); err != nil || again != p {
			t.Fatalf("%q → %+v does not read back: %+v %v", s, p, again, err)
		}
	})
}
