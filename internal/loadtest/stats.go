package loadtest

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// maxSamples bounds the latencies kept per kind of request; past it, a
// reservoir keeps a uniform sample.
const maxSamples = 2_000_000

// Stats collects latencies and errors. It is safe for concurrent use.
type Stats struct {
	mu      sync.Mutex
	samples map[string][]time.Duration
	counts  map[string]int
	errors  map[string]map[string]int // op -> "status code" -> count
	retries map[string]map[string]int // answers with Retry-After that were retried
	nerr    int
	seen    uint64
}

// NewStats returns empty stats.
func NewStats() *Stats {
	return &Stats{samples: map[string][]time.Duration{}, counts: map[string]int{}, errors: map[string]map[string]int{}, retries: map[string]map[string]int{}}
}

// Observe records a successful request of the kind op.
func (s *Stats) Observe(op string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[op]++
	if len(s.samples[op]) < maxSamples {
		s.samples[op] = append(s.samples[op], d)
		return
	}
	s.seen = s.seen*6364136223846793005 + 1442695040888963407
	if i := int(s.seen>>33) % s.counts[op]; i < maxSamples {
		s.samples[op][i] = d
	}
}

// Fail records a failed request of the kind op, by what failed.
func (s *Stats) Fail(op, what string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.errors[op] == nil {
		s.errors[op] = map[string]int{}
	}
	s.errors[op][what]++
	s.nerr++
}

// Retry records an answer that asked the client to wait (429, 503 with
// Retry-After) and was retried: back-pressure, not a failure.
func (s *Stats) Retry(op, what string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.retries[op] == nil {
		s.retries[op] = map[string]int{}
	}
	s.retries[op][what]++
}

// Errors returns how many requests failed so far.
func (s *Stats) Errors() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nerr
}

// OpReport sums up one kind of request.
type OpReport struct {
	Op                      string
	Count                   int
	P50, P95, P99, Max, Avg time.Duration
	Errors                  map[string]int
	Retried                 map[string]int
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// Snapshot sums up the kind op now.
func (s *Stats) Snapshot(op string) OpReport {
	s.mu.Lock()
	d := slices.Clone(s.samples[op])
	r := OpReport{Op: op, Count: s.counts[op], Errors: map[string]int{}, Retried: map[string]int{}}
	for k, v := range s.errors[op] {
		r.Errors[k] = v
	}
	for k, v := range s.retries[op] {
		r.Retried[k] = v
	}
	s.mu.Unlock()
	slices.Sort(d)
	r.P50, r.P95, r.P99 = percentile(d, .50), percentile(d, .95), percentile(d, .99)
	if len(d) > 0 {
		r.Max = d[len(d)-1]
		var sum time.Duration
		for _, x := range d {
			sum += x
		}
		r.Avg = sum / time.Duration(len(d))
	}
	return r
}

// Report is the result of a run.
type Report struct {
	Candidates, SignedIn, Started, Submitted int
	SignInPhase, ExamPhase, Total            time.Duration
	Ops                                      []OpReport
}

// Report sums up every kind of request.
func (s *Stats) Report() *Report {
	r := &Report{}
	for _, op := range Ops {
		r.Ops = append(r.Ops, s.Snapshot(op))
	}
	return r
}

// Op returns the summary of one kind of request.
func (r *Report) Op(op string) OpReport {
	for _, o := range r.Ops {
		if o.Op == op {
			return o
		}
	}
	return OpReport{Op: op}
}

// ErrorCount is the number of failed requests (answers that were retried
// after Retry-After are not failures; see OpReport.Retried).
func (r *Report) ErrorCount() int {
	n := 0
	for _, o := range r.Ops {
		for _, c := range o.Errors {
			n += c
		}
	}
	return n
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// Write prints the report as a table.
func (r *Report) Write(w io.Writer) {
	fmt.Fprintf(w, "candidates %d: signed in %d, started %d, submitted %d\n", r.Candidates, r.SignedIn, r.Started, r.Submitted)
	signins := r.Op("signin").Count
	if r.SignInPhase > 0 {
		fmt.Fprintf(w, "sign-in phase %s (%.1f sign-ins/s); exam phase %s; total %s\n", r.SignInPhase.Round(time.Millisecond),
			float64(signins)/r.SignInPhase.Seconds(), r.ExamPhase.Round(time.Millisecond), r.Total.Round(time.Millisecond))
	}
	fmt.Fprintf(w, "%-9s %9s %9s %9s %9s %9s %9s  %s\n", "request", "count", "p50 ms", "p95 ms", "p99 ms", "max ms", "avg ms", "errors")
	for _, o := range r.Ops {
		if o.Count == 0 && len(o.Errors) == 0 {
			continue
		}
		var errs []string
		for k, v := range o.Errors {
			errs = append(errs, fmt.Sprintf("%s ×%d", k, v))
		}
		sort.Strings(errs)
		e := "0"
		if len(errs) > 0 {
			e = strings.Join(errs, ", ")
		}
		var retried []string
		for k, v := range o.Retried {
			retried = append(retried, fmt.Sprintf("%s ×%d", k, v))
		}
		sort.Strings(retried)
		if len(retried) > 0 {
			e += "; retried after Retry-After: " + strings.Join(retried, ", ")
		}
		fmt.Fprintf(w, "%-9s %9d %9s %9s %9s %9s %9s  %s\n", o.Op, o.Count, ms(o.P50), ms(o.P95), ms(o.P99), ms(o.Max), ms(o.Avg), e)
	}
}
