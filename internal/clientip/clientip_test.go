package clientip

import (
	"net/http/httptest"
	"testing"
)

func TestOf(t *testing.T) {
	trusted, err := ParseTrusted("127.0.0.1, 10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	r := Resolver{Trusted: trusted}
	tests := []struct {
		name, peer, xff, want string
		resolver              Resolver
	}{
		{"direct", "203.0.113.9:5000", "", "203.0.113.9", r},
		{"untrusted peer's header is ignored", "203.0.113.9:5000", "198.51.100.1", "203.0.113.9", r},
		{"trusted proxy", "127.0.0.1:5000", "198.51.100.1", "198.51.100.1", r},
		{"chain of trusted proxies", "127.0.0.1:5000", "198.51.100.1, 10.1.2.3", "198.51.100.1", r},
		{"spoofed left part is not believed", "127.0.0.1:5000", "1.1.1.1, 198.51.100.1", "198.51.100.1", r},
		{"garbage stops the walk", "127.0.0.1:5000", "nonsense", "127.0.0.1", r},
		{"no trust configured", "127.0.0.1:5000", "198.51.100.1", "127.0.0.1", Resolver{}},
		{"IPv6 grouped by /64", "[2001:db8:1:2:3:4:5:6]:443", "", "2001:db8:1:2::/64", r},
		{"IPv4-mapped", "[::ffff:203.0.113.9]:443", "", "203.0.113.9", r},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/", nil)
			req.RemoteAddr = tt.peer
			if tt.xff != "" {
				req.Header.Set("X-Forwarded-For", tt.xff)
			}
			if got := tt.resolver.Of(req); got != tt.want {
				t.Fatalf("Of = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseTrusted(t *testing.T) {
	if _, err := ParseTrusted("10.0.0.0/8, nonsense"); err == nil {
		t.Fatal("nonsense accepted")
	}
	if p, err := ParseTrusted(""); err != nil || len(p) != 0 {
		t.Fatalf("empty list: %v %v", p, err)
	}
}

// FuzzParseTrusted: the list parser never panics and what it accepts
// parses again to the same networks.
func FuzzParseTrusted(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "10.0.0.0/8, ::1", "fe80::/10,", " , ", "1.2.3.4/33"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := ParseTrusted(s)
		if err != nil {
			return
		}
		for _, p := range ps {
			again, err := ParseTrusted(p.String())
			if err != nil || len(again) != 1 || again[0] != p {
				t.Fatalf("%v does not parse back: %v %v", p, again, err)
			}
		}
	})
}
