package account

import (
	"context"
	"time"

	"github.com/certlab/certlab"
)

// Backoff is the throttle of one kind of key: Free failures within Window
// cost nothing; each one after that blocks the key for First, doubling,
// up to Max.
type Backoff struct {
	Free   int
	Window time.Duration
	First  time.Duration
	Max    time.Duration
}

// block is the time a key is refused after its n-th failure in a window.
func (b Backoff) block(n int) time.Duration {
	if n <= b.Free {
		return 0
	}
	d := b.First
	for i := b.Free + 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// ThrottlePolicy is how failed sign-ins and registrations are throttled.
// The state is in the database, so every server sharing it applies the
// same count.
type ThrottlePolicy struct {
	// Account: failed sign-ins (and password checks) of one account.
	Account Backoff
	// Client: failed sign-ins from one client address (any account):
	// guessing across many accounts.
	Client Backoff
	// Register: registrations from one client address.
	Register Backoff
}

// DefaultThrottlePolicy: an account takes 5 wrong passwords in 15 minutes
// freely, then waits 1 s, 2 s, 4 s … up to 15 minutes after each (NIST SP
// 800-63B asks for at most 100 consecutive failures per account); a client
// address takes 50 (a classroom behind one address), then the same
// backoff; an address registers 30 accounts an hour, then waits.
var DefaultThrottlePolicy = ThrottlePolicy{
	Account:  Backoff{Free: 5, Window: 15 * time.Minute, First: time.Second, Max: 15 * time.Minute},
	Client:   Backoff{Free: 50, Window: 15 * time.Minute, First: time.Second, Max: 15 * time.Minute},
	Register: Backoff{Free: 30, Window: time.Hour, First: 10 * time.Second, Max: time.Hour},
}

func (p ThrottlePolicy) withDefaults() ThrottlePolicy {
	if p.Account == (Backoff{}) {
		p.Account = DefaultThrottlePolicy.Account
	}
	if p.Client == (Backoff{}) {
		p.Client = DefaultThrottlePolicy.Client
	}
	if p.Register == (Backoff{}) {
		p.Register = DefaultThrottlePolicy.Register
	}
	return p
}

// blocked returns ETOOMANY if any of the states is blocked now.
func (s *Service) blocked(states []*certlab.Throttle) error {
	now := s.now()
	var wait time.Duration
	for _, st := range states {
		if d := st.BlockedUntil.Sub(now); d > wait {
			wait = d
		}
	}
	if wait > 0 {
		e := certlab.Errorf(certlab.ETOOMANY, "too many failed attempts: try again in %d s", int((wait+time.Second-1)/time.Second))
		e.RetryAfter = wait
		return e
	}
	return nil
}

func (s *Service) checkThrottle(ctx context.Context, keys []string) error {
	states, err := s.store.Throttles(ctx, keys)
	if err != nil {
		return err
	}
	return s.blocked(states)
}

func (s *Service) recordFailure(ctx context.Context, keys []string, b Backoff) error {
	_, err := s.store.RecordFailure(ctx, keys, s.now(), b.Window, b.block)
	return err
}
