package web

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// addrLimiter keeps one token bucket (golang.org/x/time/rate) per client
// address, for the public forms that send e-mail. Buckets idle long enough
// to be full again are dropped when the table grows.
type addrLimiter struct {
	burst int
	every time.Duration

	mu      sync.Mutex
	buckets map[string]*addrBucket
}

type addrBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

const maxLimiterEntries = 10000

func newAddrLimiter(burst int, every time.Duration) *addrLimiter {
	return &addrLimiter{burst: burst, every: every, buckets: map[string]*addrBucket{}}
}

// allow takes a token for the client address of r; when there is none it
// returns how long until there will be.
func (l *addrLimiter) allow(r *http.Request, now time.Time) (bool, time.Duration) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		// One IPv6 client usually holds a whole /64.
		host = ip.Mask(net.CIDRMask(64, 128)).String()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[host]
	if !ok {
		if len(l.buckets) >= maxLimiterEntries {
			full := time.Duration(l.burst) * l.every
			for k, v := range l.buckets {
				if now.Sub(v.seen) > full {
					delete(l.buckets, k)
				}
			}
		}
		b = &addrBucket{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.buckets[host] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}
