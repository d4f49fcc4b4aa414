package api

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// VerifyRateLimit is how many verifications one client address may ask
// for without signing in: a burst, then one every Every.
type VerifyRateLimit struct {
	Burst int
	Every time.Duration
}

// DefaultVerifyRateLimit allows a burst of 10 verifications per client
// address, then one every 3 seconds: plenty for a person pasting
// credentials, too little to keep a core busy.
var DefaultVerifyRateLimit = VerifyRateLimit{Burst: 10, Every: 3 * time.Second}

// ipLimiter keeps one token bucket (golang.org/x/time/rate) per client
// address. Buckets idle long enough to be full again are dropped when the
// table grows, so it stays small under many addresses.
type ipLimiter struct {
	limit VerifyRateLimit

	mu      sync.Mutex
	buckets map[string]*ipBucket
}

type ipBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

const maxLimiterEntries = 10000

func newIPLimiter(l VerifyRateLimit) *ipLimiter {
	if l.Burst <= 0 || l.Every <= 0 {
		l = DefaultVerifyRateLimit
	}
	return &ipLimiter{limit: l, buckets: map[string]*ipBucket{}}
}

// allow takes a token for the client address of r; when there is none it
// returns how long until there will be.
func (l *ipLimiter) allow(r *http.Request, now time.Time) (bool, time.Duration) {
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
			full := time.Duration(l.limit.Burst) * l.limit.Every
			for k, v := range l.buckets {
				if now.Sub(v.seen) > full {
					delete(l.buckets, k)
				}
			}
		}
		b = &ipBucket{lim: rate.NewLimiter(rate.Every(l.limit.Every), l.limit.Burst)}
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

// limitVerify wraps a public verification handler with the per-address
// limit; a refused request gets 429 Too Many Requests with Retry-After.
func (s *Server) limitVerify(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := s.verifyLimiter.allow(r, time.Now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
			http.Error(w, "too many verification requests from your address; try again in a few seconds", http.StatusTooManyRequests)
			return
		}
		next(w, r)
	}
}
