// Package loadtest drives real candidate flows against certlab servers over
// HTTP, the way a browser and the autosave script do: sign in (cookie and
// CSRF token), open the exam page, start an exam attempt, answer with
// jittered think time (saves, marks for review, yes/no statements moved
// past), complete sections, submit. It measures every request by kind
// (count, percentiles, errors by status and code) and shows progress while
// it runs. It is bounded in candidates and time, and it only sends
// traffic to loopback addresses or to hosts named explicitly.
package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/item"
)

// Bounds: a run never exceeds them.
const (
	MaxCandidates = 50000
	MaxDuration   = 2 * time.Hour
)

// DefaultPassword is the password of load-test candidates unless one is
// given; it satisfies the password rules.
const DefaultPassword = "load test candidate passphrase"

// Config is one load run.
type Config struct {
	// Servers are the base URLs; candidate i uses Servers[i % len].
	Servers []string
	// Alternate sends each candidate's successive requests to the servers
	// in turn (sign-in on one, the next save on another…): every request
	// must work on any server sharing the database.
	Alternate bool
	// AllowHosts are non-loopback host names or addresses the run may
	// target; loopback is always allowed, anything else is refused.
	AllowHosts []string
	// Candidates is how many simulated candidates take part.
	Candidates int
	// First is the number of the first candidate (emails
	// Prefix-NNNNN@loadtest.invalid); 0 means 1.
	First  int
	Prefix string
	// Password of every candidate; "" means DefaultPassword.
	Password string
	// AdminToken, when set, creates missing candidates through the admin
	// API (POST /api/v1/users) before the run; without it they must exist
	// (certlab loadtest seed).
	AdminToken string
	// Exam is the exam to sit; it must be free to start (unproctored).
	Exam string
	// Mode of the attempts: exam (default) or practice.
	Mode string
	// SignInConcurrency bounds the sign-ins in flight in the sign-in phase.
	SignInConcurrency int
	// Ramp spreads the starts evenly over this time.
	Ramp time.Duration
	// Think is the mean time between a candidate's saves (jittered ±50 %).
	Think time.Duration
	// Duration is how long each candidate keeps answering after its start;
	// then it submits.
	Duration time.Duration
	// Submit submits each attempt at the end (false leaves them open).
	Submit bool
	// ForwardedFor sends each candidate's own X-Forwarded-For address
	// (from 10.x), for servers that trust the load tool as a proxy, so that
	// per-address limits see many clients as they would in production.
	ForwardedFor bool
	// Progress receives a line every ProgressEvery; nil is silent.
	Progress      io.Writer
	ProgressEvery time.Duration
	// Seed seeds the jitter and the answers.
	Seed uint64
	// OnPhase, when set, is called as each phase begins ("creating
	// candidates", "signing in", "sitting exams").
	OnPhase func(name string)
	// AckLog, when set, receives one line per acknowledged save:
	// "ATTEMPT KEY SEQ" (certlab loadtest verify checks them against the
	// database after a crash).
	AckLog io.Writer
}

// Ops are the measured kinds of request.
var Ops = []string{"create", "signin", "page", "start", "save", "mark", "next", "complete", "submit"}

// CheckTargets refuses servers that are neither loopback nor named in
// allow.
func CheckTargets(servers, allow []string) error {
	if len(servers) == 0 {
		return fmt.Errorf("no server given")
	}
	for _, s := range servers {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("server %q must be an http:// or https:// URL", s)
		}
		host := u.Hostname()
		if slices.Contains(allow, host) {
			continue
		}
		if host == "localhost" {
			continue
		}
		ip := net.ParseIP(host)
		if ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("server %s is not a loopback address: name the host with --allow-host %s to load it on purpose", s, host)
		}
	}
	return nil
}

func (c *Config) check() error {
	if err := CheckTargets(c.Servers, c.AllowHosts); err != nil {
		return err
	}
	if c.Candidates < 1 || c.Candidates > MaxCandidates {
		return fmt.Errorf("candidates must be 1 to %d", MaxCandidates)
	}
	if c.Ramp < 0 || c.Duration <= 0 || c.Ramp+c.Duration > MaxDuration {
		return fmt.Errorf("ramp plus duration must be positive and at most %s", MaxDuration)
	}
	if c.Think <= 0 {
		return fmt.Errorf("think time must be positive")
	}
	if c.Password == "" {
		c.Password = DefaultPassword
	}
	if c.First <= 0 {
		c.First = 1
	}
	if c.Prefix == "" {
		c.Prefix = "loadtest"
	}
	if c.Mode == "" {
		c.Mode = "exam"
	}
	if c.SignInConcurrency <= 0 {
		c.SignInConcurrency = 8
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = 5 * time.Second
	}
	return nil
}

// Email is the address of load-test candidate n.
func Email(prefix string, n int) string { return fmt.Sprintf("%s-%05d@loadtest.invalid", prefix, n) }

// Runner runs one load test.
type Runner struct {
	cfg   Config
	stats *Stats
	tr    *http.Transport

	signedIn, started, submitted atomic.Int64
	ackMu                        sync.Mutex
}

func (r *Runner) ack(attempt int64, key string, seq int64) {
	if r.cfg.AckLog == nil {
		return
	}
	r.ackMu.Lock()
	fmt.Fprintf(r.cfg.AckLog, "%d %s %d\n", attempt, key, seq)
	r.ackMu.Unlock()
}

// New checks the configuration and returns a runner.
func New(cfg Config) (*Runner, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	tr := &http.Transport{Proxy: nil, MaxIdleConns: 4096, MaxIdleConnsPerHost: 2048, IdleConnTimeout: 90 * time.Second,
		DialContext: (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext}
	return &Runner{cfg: cfg, stats: NewStats(), tr: tr}, nil
}

// Stats returns the measurements so far.
func (r *Runner) Stats() *Stats { return r.stats }

// candidate is one simulated candidate's HTTP session.
type candidate struct {
	r      *Runner
	n      int
	server string
	calls  int
	http   *http.Client
	csrf   string
	ip     string
	rng    *rand.Rand
}

// Run runs the load test until it ends or ctx is cancelled, and returns
// the report.
func (r *Runner) Run(ctx context.Context) (*Report, error) {
	cfg := r.cfg
	ctx, cancel := context.WithTimeout(ctx, cfg.Ramp+cfg.Duration+30*time.Minute)
	defer cancel()
	cands := make([]*candidate, cfg.Candidates)
	for i := range cands {
		jar, _ := cookiejar.New(nil)
		n := cfg.First + i
		cands[i] = &candidate{r: r, n: n, server: strings.TrimRight(cfg.Servers[i%len(cfg.Servers)], "/"),
			http: &http.Client{Transport: r.tr, Jar: jar, Timeout: 60 * time.Second},
			ip:   fmt.Sprintf("10.%d.%d.%d", 1+n/65536%250, n/256%256, n%256),
			rng:  rand.New(rand.NewPCG(cfg.Seed, uint64(n)))}
	}
	began := time.Now()
	stopProgress := r.progress(ctx, began)
	defer stopProgress()

	if cfg.AdminToken != "" {
		r.phase("creating candidates")
		if err := r.each(ctx, cands, cfg.SignInConcurrency, (*candidate).create); err != nil {
			return nil, err
		}
	}
	r.phase("signing in")
	signStart := time.Now()
	if err := r.each(ctx, cands, cfg.SignInConcurrency, (*candidate).signIn); err != nil {
		return nil, err
	}
	signDur := time.Since(signStart)

	r.phase("sitting exams")
	examStart := time.Now()
	var wg sync.WaitGroup
	for i, c := range cands {
		at := examStart
		if len(cands) > 1 {
			at = examStart.Add(time.Duration(int64(cfg.Ramp) * int64(i) / int64(len(cands)-1)))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !sleepUntil(ctx, at) || c.csrf == "" {
				return
			}
			c.sit(ctx, at.Add(cfg.Duration))
		}()
	}
	wg.Wait()
	stopProgress()
	rep := r.stats.Report()
	rep.Candidates, rep.SignedIn, rep.Started, rep.Submitted = cfg.Candidates, int(r.signedIn.Load()), int(r.started.Load()), int(r.submitted.Load())
	rep.SignInPhase, rep.ExamPhase, rep.Total = signDur, time.Since(examStart), time.Since(began)
	return rep, ctx.Err()
}

func (r *Runner) phase(name string) {
	if r.cfg.Progress != nil {
		fmt.Fprintf(r.cfg.Progress, "== %s\n", name)
	}
	if r.cfg.OnPhase != nil {
		r.cfg.OnPhase(name)
	}
}

// each runs fn for every candidate with at most n at once.
func (r *Runner) each(ctx context.Context, cands []*candidate, n int, fn func(*candidate, context.Context)) error {
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for _, c := range cands {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return ctx.Err()
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(c, ctx)
		}()
	}
	wg.Wait()
	return ctx.Err()
}

func (r *Runner) progress(ctx context.Context, began time.Time) (stop func()) {
	if r.cfg.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	var once sync.Once
	go func() {
		t := time.NewTicker(r.cfg.ProgressEvery)
		defer t.Stop()
		var lastSaves int
		last := time.Now()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case now := <-t.C:
				s := r.stats.Snapshot("save")
				rate := float64(s.Count-lastSaves) / now.Sub(last).Seconds()
				lastSaves, last = s.Count, now
				fmt.Fprintf(r.cfg.Progress, "%6.0fs  signed in %d/%d  started %d  submitted %d  saves %d (%.0f/s, p99 %s)  errors %d\n",
					now.Sub(began).Seconds(), r.signedIn.Load(), r.cfg.Candidates, r.started.Load(), r.submitted.Load(),
					s.Count, rate, s.P99.Round(time.Millisecond), r.stats.Errors())
			}
		}
	}()
	return func() { once.Do(func() { close(done) }) }
}

func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// apiError is the error body of the API.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// call sends one request, measures it under op and decodes a success into
// out. It retries (and counts) answers with Retry-After (429, 503) up to
// a few times. It returns the status and, for errors, the API's code.
func (c *candidate) call(ctx context.Context, op, method, path string, body, out any) (int, string) {
	var payload []byte
	if body != nil {
		payload, _ = json.Marshal(body)
	}
	for try := 0; ; try++ {
		var rd io.Reader
		if payload != nil {
			rd = strings.NewReader(string(payload))
		}
		server := c.server
		if c.r.cfg.Alternate {
			servers := c.r.cfg.Servers
			server = strings.TrimRight(servers[(c.n+c.calls)%len(servers)], "/")
			c.calls++
		}
		req, err := http.NewRequestWithContext(ctx, method, server+path, rd)
		if err != nil {
			c.r.stats.Fail(op, "request: "+err.Error())
			return 0, "request"
		}
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if c.csrf != "" && method != http.MethodGet {
			req.Header.Set("X-CSRF-Token", c.csrf)
		}
		if c.r.cfg.ForwardedFor {
			req.Header.Set("X-Forwarded-For", c.ip)
		}
		if op == "create" {
			req.Header.Set("Authorization", "Bearer "+c.r.cfg.AdminToken)
		}
		start := time.Now()
		resp, err := c.http.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return 0, "canceled"
			}
			c.r.stats.Fail(op, "transport: "+shortErr(err))
			return 0, "transport"
		}
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
		resp.Body.Close()
		d := time.Since(start)
		if resp.StatusCode < 300 {
			c.r.stats.Observe(op, d)
			if out != nil && len(raw) > 0 {
				if err := json.Unmarshal(raw, out); err != nil {
					c.r.stats.Fail(op, "decode: "+shortErr(err))
					return 0, "decode"
				}
			}
			return resp.StatusCode, ""
		}
		var eb apiError
		json.Unmarshal(raw, &eb)
		code := eb.Error.Code
		if code == "" {
			code = "http"
		}
		retry := resp.Header.Get("Retry-After")
		if retry != "" && try < 5 && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
			c.r.stats.Retry(op, fmt.Sprintf("%d %s", resp.StatusCode, code))
			var secs int
			fmt.Sscan(retry, &secs)
			if !sleepUntil(ctx, time.Now().Add(time.Duration(max(secs, 1))*time.Second)) {
				return 0, "canceled"
			}
			continue
		}
		return resp.StatusCode, code
	}
}

func shortErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

// fail counts a refused request that the flow does not expect.
func (c *candidate) fail(op string, status int, code string) {
	if status == 0 {
		return // counted by call
	}
	c.r.stats.Fail(op, fmt.Sprintf("%d %s", status, code))
}

func (c *candidate) create(ctx context.Context) {
	body := map[string]string{"email": Email(c.r.cfg.Prefix, c.n), "name": fmt.Sprintf("Load candidate %d", c.n), "password": c.r.cfg.Password, "role": "candidate"}
	st, code := c.call(ctx, "create", "POST", "/api/v1/users", body, nil)
	if st >= 300 && code != "conflict" {
		c.fail("create", st, code)
	}
}

func (c *candidate) signIn(ctx context.Context) {
	var si struct {
		CSRF string `json:"csrf_token"`
	}
	st, code := c.call(ctx, "signin", "POST", "/api/v1/auth/login", map[string]string{"email": Email(c.r.cfg.Prefix, c.n), "password": c.r.cfg.Password}, &si)
	if st >= 300 || st == 0 {
		c.fail("signin", st, code)
		return
	}
	c.csrf = si.CSRF
	c.r.signedIn.Add(1)
}

// sit reads the exam's start page (facts and agreement), starts (or resumes)
// an attempt accepting the agreement, and answers until end, then submits.
func (c *candidate) sit(ctx context.Context, end time.Time) {
	cfg := c.r.cfg
	if st, code := c.call(ctx, "page", "GET", "/api/v1/exams/"+url.PathEscape(cfg.Exam)+"/start", nil, nil); st >= 300 {
		c.fail("page", st, code)
	}
	var v exam.AttemptView
	st, code := c.call(ctx, "start", "POST", "/api/v1/attempts", map[string]any{"exam": cfg.Exam, "mode": cfg.Mode, "start": true, "accept_agreement": cfg.Mode == "exam"}, &v)
	if st == http.StatusConflict && code == "exam_in_progress" {
		// An exam from an earlier run is open: resume it, as a candidate
		// whose browser restarted would.
		var list []struct {
			ID     int64  `json:"id"`
			Mode   string `json:"mode"`
			Status string `json:"status"`
		}
		if st, code := c.call(ctx, "page", "GET", "/api/v1/attempts", nil, &list); st >= 300 {
			c.fail("page", st, code)
			return
		}
		for _, a := range list {
			if a.Mode == "exam" && (a.Status == "created" || a.Status == "started") {
				st, code = c.call(ctx, "start", "POST", fmt.Sprintf("/api/v1/attempts/%d/start", a.ID), map[string]any{"accept_agreement": true}, &v)
				break
			}
		}
	}
	if st >= 300 || st == 0 {
		c.fail("start", st, code)
		return
	}
	c.r.started.Add(1)
	seq := map[string]int64{}
	actions := 0
	for {
		think := time.Duration(float64(cfg.Think) * (0.5 + c.rng.Float64()))
		next := time.Now().Add(think)
		if next.After(end) {
			sleepUntil(ctx, end)
			break
		}
		if !sleepUntil(ctx, next) {
			return
		}
		actions++
		if actions%10 == 0 {
			if st, code := c.call(ctx, "page", "GET", fmt.Sprintf("/api/v1/attempts/%d", v.ID), nil, &v); st >= 300 {
				c.fail("page", st, code)
				return
			}
		}
		if !c.step(ctx, &v, seq, actions) {
			return
		}
	}
	if cfg.Submit {
		if st, code := c.call(ctx, "submit", "POST", fmt.Sprintf("/api/v1/attempts/%d/submit", v.ID), nil, &v); st >= 300 || st == 0 {
			c.fail("submit", st, code)
			return
		}
		c.r.submitted.Add(1)
	}
}

// step answers the next question of the open section (a save, every
// fifth one marked for review); a yes/no statement is then left with
// next; a section whose questions are all answered is completed, unless it
// is the last (the attempt is submitted at the end). It returns false when
// the attempt can take no more answers.
func (c *candidate) step(ctx context.Context, v *exam.AttemptView, seq map[string]int64, action int) bool {
	var open *exam.SectionView
	for i := range v.Sections {
		if v.Sections[i].State == "open" {
			open = &v.Sections[i]
		}
	}
	if open == nil || len(open.Questions) == 0 {
		return false
	}
	var q *exam.QuestionView
	for i := range open.Questions {
		if _, done := seq[open.Questions[i].Key]; !done {
			q = &open.Questions[i]
			break
		}
	}
	sequential := open.Kind == "yes-no-series" && v.Mode == "exam"
	if q == nil {
		if sequential && v.Position < open.Count-1 {
			return c.refresh(ctx, v)
		}
		if open.Index == len(v.Sections)-1 {
			// Everything answered: revise an answer, as candidates do.
			q = &open.Questions[c.rng.IntN(len(open.Questions))]
		} else {
			st, code := c.call(ctx, "complete", "POST", fmt.Sprintf("/api/v1/attempts/%d/sections/%d/complete", v.ID, open.Index+1), nil, v)
			if st >= 300 || st == 0 {
				c.fail("complete", st, code)
				return false
			}
			return true
		}
	}
	seq[q.Key]++
	op, marked := "save", action%5 == 0
	if marked {
		op = "mark"
	}
	body := map[string]any{"seq": seq[q.Key], "value": Answer(q, c.rng), "marked": marked}
	st, code := c.call(ctx, op, "PUT", fmt.Sprintf("/api/v1/attempts/%d/responses/%s", v.ID, url.PathEscape(q.Key)), body, nil)
	if st >= 300 || st == 0 {
		c.fail(op, st, code)
		return st != http.StatusConflict
	}
	c.r.ack(v.ID, q.Key, seq[q.Key])
	if sequential && v.Position < open.Count-1 {
		st, code := c.call(ctx, "next", "POST", fmt.Sprintf("/api/v1/attempts/%d/sections/%d/next", v.ID, open.Index+1), nil, v)
		if st >= 300 || st == 0 {
			c.fail("next", st, code)
			return false
		}
	}
	return true
}

func (c *candidate) refresh(ctx context.Context, v *exam.AttemptView) bool {
	st, code := c.call(ctx, "page", "GET", fmt.Sprintf("/api/v1/attempts/%d", v.ID), nil, v)
	if st >= 300 || st == 0 {
		c.fail("page", st, code)
		return false
	}
	return true
}

// Answer returns a valid response to the question as its view shows it
// (item.SampleResponse: each item kind makes its own).
func Answer(q *exam.QuestionView, rng *rand.Rand) json.RawMessage {
	return item.SampleResponse(q.Item, rng)
}
