package server

import (
	"net/http"
	"sync/atomic"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/httperror"
)

// InFlightLimit bounds the requests a server works on at once. Each
// request holds its working set (the attempt, its form, JSON) while it
// runs; on a server short of CPU, thousands of requests arriving together
// (the starts of an exam) would all be in progress at once and memory
// would grow with them. Beyond Running, requests wait in line (a goroutine
// and their headers); beyond Waiting, or after MaxWait, they get 503 with
// Retry-After. The health, readiness and metrics endpoints are never held.
type InFlightLimit struct {
	Running int           // 0: 256
	Waiting int           // 0: 16,384
	MaxWait time.Duration // 0: 10 s (below ReadTimeout, so a waiting body can still be read)
}

type inFlight struct {
	slots   chan struct{}
	waiting atomic.Int64
	max     int64
	wait    time.Duration
}

func newInFlight(l InFlightLimit) *inFlight {
	if l.Running <= 0 {
		l.Running = 256
	}
	if l.Waiting <= 0 {
		l.Waiting = 16384
	}
	if l.MaxWait <= 0 {
		l.MaxWait = 10 * time.Second
	}
	return &inFlight{slots: make(chan struct{}, l.Running), max: int64(l.Waiting), wait: l.MaxWait}
}

var exempt = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

func (f *inFlight) middleware(next http.Handler) http.Handler {
	busy := func(w http.ResponseWriter, r *http.Request) {
		e := certlab.Errorf(certlab.EBUSY, "the server is at capacity: try again in a few seconds")
		e.RetryAfter = 5 * time.Second
		httperror.WriteJSON(w, r, nil, e)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if exempt[r.URL.Path] {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case f.slots <- struct{}{}:
		default:
			if f.waiting.Add(1) > f.max {
				f.waiting.Add(-1)
				busy(w, r)
				return
			}
			t := time.NewTimer(f.wait)
			select {
			case f.slots <- struct{}{}:
				t.Stop()
				f.waiting.Add(-1)
			case <-t.C:
				f.waiting.Add(-1)
				busy(w, r)
				return
			case <-r.Context().Done():
				t.Stop()
				f.waiting.Add(-1)
				return
			}
		}
		defer func() { <-f.slots }()
		next.ServeHTTP(w, r)
	})
}

// stats reports the requests running and waiting now.
func (f *inFlight) stats() (running, waiting int) { return len(f.slots), int(f.waiting.Load()) }
