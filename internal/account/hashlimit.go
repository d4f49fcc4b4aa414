package account

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/certlab/certlab"
)

// HashLimit bounds the password hashes (argon2id) running at once: each
// takes its memory cost in RAM for its duration, so an unbounded flood of
// sign-ins would exhaust the machine. Requests beyond the running ones
// wait in line; when the line is full, or a request has waited MaxWait,
// it is refused with EBUSY and a Retry-After.
type HashLimit struct {
	// Running is how many hashes run at once (0: the number of CPUs less
	// one, at least one: a flood of sign-ins then leaves a core to the
	// candidates who are sitting an exam).
	Running int
	// Waiting is how many requests may wait for a slot (0: 64 per slot).
	Waiting int
	// MaxWait is the longest a request waits (0: 10 s).
	MaxWait time.Duration
}

type hashLimiter struct {
	slots   chan struct{}
	maxWait time.Duration

	mu       sync.Mutex
	waiting  int
	maxQueue int
}

func newHashLimiter(l HashLimit) *hashLimiter {
	if l.Running <= 0 {
		l.Running = max(1, runtime.GOMAXPROCS(0)-1)
	}
	if l.Waiting <= 0 {
		l.Waiting = 64 * l.Running
	}
	if l.MaxWait <= 0 {
		l.MaxWait = 10 * time.Second
	}
	return &hashLimiter{slots: make(chan struct{}, l.Running), maxWait: l.MaxWait, maxQueue: l.Waiting}
}

func busy(wait time.Duration) error {
	e := certlab.Errorf(certlab.EBUSY, "the server is busy checking other passwords: try again in a few seconds")
	e.RetryAfter = wait
	return e
}

// acquire takes a hashing slot, waiting in line; release gives it back.
func (h *hashLimiter) acquire(ctx context.Context) (release func(), err error) {
	select {
	case h.slots <- struct{}{}:
		return h.release, nil
	default:
	}
	h.mu.Lock()
	if h.waiting >= h.maxQueue {
		h.mu.Unlock()
		return nil, busy(2 * time.Second)
	}
	h.waiting++
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.waiting--
		h.mu.Unlock()
	}()
	t := time.NewTimer(h.maxWait)
	defer t.Stop()
	select {
	case h.slots <- struct{}{}:
		return h.release, nil
	case <-t.C:
		return nil, busy(5 * time.Second)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (h *hashLimiter) release() { <-h.slots }

func (h *hashLimiter) stats() (running, waiting int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.slots), h.waiting
}
