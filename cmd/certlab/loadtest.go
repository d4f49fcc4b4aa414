package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/auth"
	"github.com/certlab/certlab/internal/loadtest"
)

// runLoadtest: certlab loadtest [run|seed|flood] — load a certlab server
// with simulated candidates (see internal/loadtest).
func runLoadtest(ctx context.Context, env *Env, args []string) error {
	sub := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "run":
		return loadtestRun(ctx, env, args)
	case "seed":
		return loadtestSeed(ctx, env, args)
	case "flood":
		return loadtestFlood(ctx, env, args)
	case "verify":
		return loadtestVerify(ctx, env, args)
	}
	fmt.Fprintln(env.Stderr, "usage: certlab loadtest [run|seed|flood|verify] [flags]")
	return fmt.Errorf("loadtest: unknown subcommand %q", sub)
}

func loadtestRun(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("loadtest run", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	servers := fs.String("server", "http://127.0.0.1:8080", "server URL; several, comma-separated, are used in turn (candidate i goes to server i mod n)")
	alternate := fs.Bool("alternate", false, "with several servers, send each candidate's successive requests to them in turn")
	allow := fs.String("allow-host", "", "comma-separated non-loopback hosts that may be loaded (anything else but loopback is refused)")
	n := fs.Int("candidates", 100, fmt.Sprintf("simulated candidates (at most %d)", loadtest.MaxCandidates))
	first := fs.Int("first", 1, "number of the first candidate")
	prefix := fs.String("prefix", "loadtest", "candidates are PREFIX-NNNNN@loadtest.invalid")
	examID := fs.String("exam", "az-400-practice", "exam to sit: an unproctored one, free to start")
	mode := fs.String("mode", "exam", "attempt mode: exam or practice")
	think := fs.Duration("think", 30*time.Second, "mean time between a candidate's saves (jitter ±50 %)")
	ramp := fs.Duration("ramp", 60*time.Second, "starts are spread evenly over this time")
	duration := fs.Duration("duration", 5*time.Minute, "how long each candidate answers after its start; then it submits")
	submit := fs.Bool("submit", true, "submit each attempt at the end")
	signins := fs.Int("signin-concurrency", 8, "sign-ins in flight during the sign-in phase")
	forwarded := fs.Bool("forwarded-for", false, "send a distinct X-Forwarded-For per candidate (for a server started with --trusted-proxies 127.0.0.1)")
	metricsURL := fs.String("metrics-url", "", "after the run, read these server metrics (an ops address's /metrics; several comma-separated)")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	every := fs.Duration("progress", 5*time.Second, "progress line interval")
	seed := fs.Uint64("seed", 1, "seed of the jitter and the answers")
	ackLog := fs.String("ack-log", "", "append one line per acknowledged save to this file (for loadtest verify)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: certlab loadtest [run] --server URL --candidates N [flags]\n\nCandidates must exist: certlab loadtest seed, or CERTLAB_LOADTEST_ADMIN_TOKEN (an admin token with the admin scope) to create them through the API.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := loadtest.Config{Servers: splitList(*servers), Alternate: *alternate, AllowHosts: splitList(*allow), Candidates: *n, First: *first, Prefix: *prefix,
		AdminToken: env.Getenv("CERTLAB_LOADTEST_ADMIN_TOKEN"), Exam: *examID, Mode: *mode, SignInConcurrency: *signins,
		Ramp: *ramp, Think: *think, Duration: *duration, Submit: *submit, ForwardedFor: *forwarded,
		Progress: env.Stdout, ProgressEvery: *every, Seed: *seed, Password: env.Getenv("CERTLAB_LOADTEST_PASSWORD")}
	if *ackLog != "" {
		f, err := os.OpenFile(*ackLog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(f, 1<<16)
		defer func() { bw.Flush(); f.Close() }()
		cfg.AckLog = bw
	}
	// The servers' CPU time over the exam phase, from their metrics: what
	// the phase cost them, whatever else the machine was doing.
	cpuAtExams := map[string]float64{}
	cfg.OnPhase = func(name string) {
		if name != "sitting exams" {
			return
		}
		for _, u := range splitList(*metricsURL) {
			if v, err := serverMetric(ctx, u, cfg.AllowHosts, "process_cpu_seconds_total"); err == nil {
				cpuAtExams[u] = v
			}
		}
	}
	r, err := loadtest.New(cfg)
	if err != nil {
		return fmt.Errorf("loadtest: %w", err)
	}
	rep, err := r.Run(ctx)
	if rep != nil {
		fmt.Fprintln(env.Stdout, "== report")
		rep.Write(env.Stdout)
		requests := 0
		for _, o := range rep.Ops {
			if o.Op != "create" && o.Op != "signin" {
				requests += o.Count
			}
		}
		for _, u := range splitList(*metricsURL) {
			if err := printServerMetrics(ctx, env.Stdout, u, cfg.AllowHosts); err != nil {
				fmt.Fprintf(env.Stdout, "server metrics %s: %v\n", u, err)
			}
			if before, ok := cpuAtExams[u]; ok && requests > 0 {
				if after, err := serverMetric(ctx, u, cfg.AllowHosts, "process_cpu_seconds_total"); err == nil {
					share := float64(requests) / float64(len(splitList(*metricsURL)))
					fmt.Fprintf(env.Stdout, "  exam phase: %.1f s of server CPU, %.2f ms per request (%.0f requests), %.2f cores on average\n",
						after-before, 1000*(after-before)/share, share, (after-before)/rep.ExamPhase.Seconds())
				}
			}
		}
		if *jsonOut != "" {
			b, _ := json.MarshalIndent(rep, "", "  ")
			if werr := os.WriteFile(*jsonOut, b, 0o644); werr != nil {
				return werr
			}
		}
	}
	if err != nil {
		return fmt.Errorf("loadtest: %w", err)
	}
	if rep.ErrorCount() > 0 {
		return errSilentFailure
	}
	return nil
}

// serverMetrics are the lines of a server's /metrics the report shows.
var serverMetrics = []string{"process_resident_memory_bytes", "go_memstats_heap_inuse_bytes", "go_goroutines", "certlab_open_attempts",
	"certlab_sqlite_group_commits_total", "certlab_sqlite_writes_total", "certlab_sqlite_write_failures_total", "certlab_sqlite_commit_seconds_total",
	"certlab_password_hashes_running", "certlab_password_hashes_waiting", "certlab_sweep_runs_total", `go_sql_open_connections`, "go_sql_wait_count_total"}

// serverMetric reads one unlabelled sample of a server's /metrics.
func serverMetric(ctx context.Context, u string, allow []string, name string) (float64, error) {
	if err := loadtest.CheckTargets([]string{u}, allow); err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), "GET", u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			var v float64
			_, err := fmt.Sscan(rest, &v)
			return v, err
		}
	}
	return 0, fmt.Errorf("%s has no %s", u, name)
}

func printServerMetrics(ctx context.Context, w io.Writer, u string, allow []string) error {
	if err := loadtest.CheckTargets([]string{u}, allow); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), "GET", u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	fmt.Fprintf(w, "== server metrics (%s)\n", u)
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, m := range serverMetrics {
			if strings.HasPrefix(line, m+" ") || strings.HasPrefix(line, m+"{") {
				fmt.Fprintln(w, "  "+line)
			}
		}
	}
	return sc.Err()
}

// loadtestSeed creates load-test candidates directly in the database,
// all with one password hash (computed once): a quick set-up for large
// runs, where creating them through the API would hash every password.
func loadtestSeed(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("loadtest seed", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	sf := registerSettings(fs, []setting{dbSetting})
	n := fs.Int("candidates", 100, "candidates to create")
	first := fs.Int("first", 1, "number of the first candidate")
	prefix := fs.String("prefix", "loadtest", "candidates are PREFIX-NNNNN@loadtest.invalid")
	hashParams := fs.String("password-hash", auth.DefaultParams.String(), "argon2id costs of the one hash all candidates share")
	fs.Usage = usageFunc(env.Stderr, fs, "loadtest seed --db DB --candidates N [flags]", sf)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var cfg Config
	if err := sf.resolve(env.Getenv, &cfg); err != nil {
		return err
	}
	if *n < 1 || *n > loadtest.MaxCandidates {
		return fmt.Errorf("loadtest seed: candidates must be 1 to %d", loadtest.MaxCandidates)
	}
	params, err := auth.ParseParams(*hashParams)
	if err != nil {
		return fmt.Errorf("loadtest seed: --password-hash: %w", err)
	}
	password := env.Getenv("CERTLAB_LOADTEST_PASSWORD")
	if password == "" {
		password = loadtest.DefaultPassword
	}
	s, err := openDB(ctx, cfg, quietLogger(env), true)
	if err != nil {
		return err
	}
	defer s.Close()
	hash, err := auth.HashPassword(password, params)
	if err != nil {
		return err
	}
	start := time.Now()
	var mu sync.Mutex
	created, existing := 0, 0
	var firstErr error
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for i := range *n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			num := *first + i
			u := &certlab.User{Email: loadtest.Email(*prefix, num), Name: fmt.Sprintf("Load candidate %d", num), Role: certlab.RoleCandidate, PasswordHash: hash}
			err := s.CreateUser(ctx, u, false)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				created++
			case certlab.ErrorCode(err) == certlab.ECONFLICT:
				existing++
			case firstErr == nil:
				firstErr = err
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return fmt.Errorf("loadtest seed: %w", firstErr)
	}
	fmt.Fprintf(env.Stdout, "%d candidates created, %d existed already, in %s\n", created, existing, time.Since(start).Round(time.Millisecond))
	return nil
}

// loadtestFlood sends a flood of wrong-password sign-ins at once, for the
// memory and throttling figures, and reports how they were answered.
func loadtestFlood(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("loadtest flood", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	server := fs.String("server", "http://127.0.0.1:8080", "server URL")
	allow := fs.String("allow-host", "", "comma-separated non-loopback hosts that may be loaded")
	n := fs.Int("requests", 1000, "wrong-password sign-ins, all sent at once (at most 20000)")
	forwarded := fs.Bool("forwarded-for", false, "a distinct X-Forwarded-For per request (a distributed attack, for a server trusting 127.0.0.1 as proxy)")
	prefix := fs.String("prefix", "loadtest", "accounts tried are PREFIX-NNNNN@loadtest.invalid")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := loadtest.CheckTargets([]string{*server}, splitList(*allow)); err != nil {
		return err
	}
	if *n < 1 || *n > 20000 {
		return errors.New("loadtest flood: requests must be 1 to 20000")
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *n, MaxConnsPerHost: 0}
	client := &http.Client{Transport: tr, Timeout: 2 * time.Minute}
	stats := loadtest.NewStats()
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range *n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"email":%q,"password":"wrong password number %d"}`, loadtest.Email(*prefix, 1+i%1000), i)
			req, _ := http.NewRequestWithContext(ctx, "POST", strings.TrimRight(*server, "/")+"/api/v1/auth/login", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if *forwarded {
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.200.%d.%d", i/250, i%250+1))
			}
			<-start
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				stats.Fail("signin", "transport: "+err.Error())
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			stats.Observe(fmt.Sprintf("%d", resp.StatusCode), time.Since(t0))
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	fmt.Fprintf(env.Stdout, "%d wrong-password sign-ins in %s\n", *n, time.Since(t0).Round(time.Millisecond))
	var codes []string
	for _, c := range []string{"401", "429", "503", "400", "500"} {
		if o := stats.Snapshot(c); o.Count > 0 {
			codes = append(codes, fmt.Sprintf("  HTTP %s: %d (p50 %s, p99 %s, max %s)", c, o.Count, o.P50.Round(time.Millisecond), o.P99.Round(time.Millisecond), o.Max.Round(time.Millisecond)))
		}
	}
	sort.Strings(codes)
	fmt.Fprintln(env.Stdout, strings.Join(codes, "\n"))
	if e := stats.Snapshot("signin").Errors; len(e) > 0 {
		fmt.Fprintf(env.Stdout, "  transport errors: %v\n", e)
	}
	return nil
}

// loadtestVerify checks an acknowledgement log (loadtest run --ack-log)
// against the database: every acknowledged save must be stored, with its
// sequence number or a later one. It is what the crash test runs after
// kill -9 and a restart.
func loadtestVerify(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("loadtest verify", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	sf := registerSettings(fs, []setting{dbSetting})
	ackLog := fs.String("ack-log", "", "the acknowledgement log of loadtest run")
	fs.Usage = usageFunc(env.Stderr, fs, "loadtest verify --db DB --ack-log FILE", sf)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var cfg Config
	if err := sf.resolve(env.Getenv, &cfg); err != nil {
		return err
	}
	f, err := os.Open(*ackLog)
	if err != nil {
		return err
	}
	defer f.Close()
	type key struct {
		attempt int64
		q       string
	}
	want := map[key]int64{}
	lines := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var k key
		var seq int64
		if _, err := fmt.Sscan(sc.Text(), &k.attempt, &k.q, &seq); err != nil {
			return fmt.Errorf("%s:%d: %q is not ATTEMPT KEY SEQ", *ackLog, lines+1, sc.Text())
		}
		lines++
		want[k] = max(want[k], seq)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	s, err := openDB(ctx, cfg, quietLogger(env), false)
	if err != nil {
		return err
	}
	defer s.Close()
	stored := map[key]int64{}
	seen := map[int64]bool{}
	for k := range want {
		if seen[k.attempt] {
			continue
		}
		seen[k.attempt] = true
		rs, err := s.Responses(ctx, k.attempt)
		if err != nil {
			return err
		}
		for _, r := range rs {
			stored[key{k.attempt, r.Key}] = r.Seq
		}
	}
	missing := 0
	for k, seq := range want {
		if stored[k] < seq {
			missing++
			if missing <= 10 {
				fmt.Fprintf(env.Stdout, "missing: attempt %d question %s: save %d acknowledged, %d stored\n", k.attempt, k.q, seq, stored[k])
			}
		}
	}
	fmt.Fprintf(env.Stdout, "%d acknowledged saves (%d answers of %d attempts): %d stored, %d missing\n", lines, len(want), len(seen), len(want)-missing, missing)
	if missing > 0 {
		return errSilentFailure
	}
	return nil
}
