package api

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"
)

func TestIPLimiter(t *testing.T) {
	t.Parallel()
	l := newIPLimiter(VerifyRateLimit{Burst: 2, Every: time.Second})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	req := func(addr string) bool {
		r := httptest.NewRequest("POST", "/api/v1/verify", nil)
		r.RemoteAddr = addr
		ok, _ := l.allow(r, now)
		return ok
	}
	steps := []struct {
		name    string
		advance time.Duration
		addr    string
		want    bool
	}{
		{"first", 0, "192.0.2.1:1000", true},
		{"second, other port", 0, "192.0.2.1:1001", true},
		{"burst spent", 0, "192.0.2.1:1002", false},
		{"another address", 0, "192.0.2.2:1000", true},
		{"one refill later", time.Second, "192.0.2.1:1000", true},
		{"spent again", 0, "192.0.2.1:1000", false},
		{"ipv6 client", 0, "[2001:db8::1]:443", true},
		{"same /64", 0, "[2001:db8::2]:443", true},
		{"same /64 spent", 0, "[2001:db8::ffff]:443", false},
		{"another /64", 0, "[2001:db8:0:1::1]:443", true},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		if got := req(s.addr); got != s.want {
			t.Errorf("%s (%s): allowed = %v, want %v", s.name, s.addr, got, s.want)
		}
	}
	// Buckets idle long enough to be full are dropped when the table is
	// at its size limit; a recent one is kept.
	l.mu.Lock()
	for i := len(l.buckets); i < maxLimiterEntries; i++ {
		l.buckets[fmt.Sprintf("stale-%d", i)] = &ipBucket{seen: now.Add(-time.Hour)}
	}
	l.mu.Unlock()
	now = now.Add(time.Second)
	req("198.51.100.7:1")
	l.mu.Lock()
	n := len(l.buckets)
	_, kept := l.buckets["192.0.2.1"]
	l.mu.Unlock()
	if n > 10 || !kept {
		t.Errorf("%d buckets after pruning (recent one kept: %v)", n, kept)
	}
}
