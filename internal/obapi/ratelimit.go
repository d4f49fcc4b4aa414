package obapi

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateLimit is how many requests one client address may make: a burst,
// then one every Every.
type RateLimit struct {
	Burst int
	Every time.Duration
}

// DefaultRegisterLimit allows 10 client registrations per address, then
// one a minute: enough for any client, too few to fill the database.
var DefaultRegisterLimit = RateLimit{Burst: 10, Every: time.Minute}

// ipLimiter keeps a token bucket per client address (per /64 for IPv6);
// the table is emptied of idle buckets when it grows large.
type ipLimiter struct {
	limit   RateLimit
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func newIPLimiter(l RateLimit) *ipLimiter {
	if l.Burst <= 0 || l.Every <= 0 {
		l = DefaultRegisterLimit
	}
	return &ipLimiter{limit: l, buckets: map[string]*rate.Limiter{}}
}

func (l *ipLimiter) allow(r *http.Request, now time.Time) (bool, time.Duration) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		host = ip.Mask(net.CIDRMask(64, 128)).String()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[host]
	if !ok {
		if len(l.buckets) >= 10000 {
			for k, v := range l.buckets {
				if v.TokensAt(now) >= float64(l.limit.Burst) {
					delete(l.buckets, k)
				}
			}
		}
		b = rate.NewLimiter(rate.Every(l.limit.Every), l.limit.Burst)
		l.buckets[host] = b
	}
	res := b.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}
