package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab/internal/fixture"
	"github.com/certlab/certlab/internal/loadtest"
	"github.com/certlab/certlab/internal/postgres"
)

// TestMain lets the test binary stand in for the certlab binary, so that
// tests can start real certlab processes (CERTLAB_TEST_AS_MAIN=1).
func TestMain(m *testing.M) {
	if os.Getenv("CERTLAB_TEST_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// freshSchema returns a URL of the test PostgreSQL server on a new, empty
// schema, dropped when the test ends.
func freshSchema(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("CERTLAB_TEST_POSTGRES")
	if dsn == "" {
		fixture.NeedTool(t, "PostgreSQL", errors.New("CERTLAB_TEST_POSTGRES is not set"), "run the tests with scripts/test, which starts a throwaway server")
	}
	ctx := context.Background()
	admin, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("fleet_%d", time.Now().UnixNano())
	if _, err := admin.DB().ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.DB().ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, _ := url.Parse(dsn)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// serverProcess is a certlab serve process started from the test binary.
type serverProcess struct {
	url, ops string
	cmd      *exec.Cmd
}

func startProcess(t *testing.T, env []string, args ...string) *serverProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--log-level", "info"}, args...)...)
	cmd.Env = append(append(os.Environ(), "CERTLAB_TEST_AS_MAIN=1"), env...)
	stdout, _ := cmd.StdoutPipe()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProcess{cmd: cmd}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
		}
	})
	opsURL := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`url=(http://\S+)/metrics`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				opsURL <- m[1]
			}
		}
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("certlab serve printed nothing: %v", err)
	}
	go io.Copy(io.Discard, stdout)
	p.url = regexp.MustCompile(`http://\S+`).FindString(line)
	select {
	case p.ops = <-opsURL:
	case <-time.After(10 * time.Second):
		t.Fatal("no metrics address in the log")
	}
	return p
}

// metric reads one sample of a process's /metrics (0 when absent).
func metric(t *testing.T, opsURL, sample string) float64 {
	t.Helper()
	resp, err := http.Get(opsURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), sample+" "); ok {
			v, _ := strconv.ParseFloat(rest, 64)
			return v
		}
	}
	return 0
}

// Two certlab processes on one PostgreSQL database, with the load tool
// sending each candidate's successive requests to them in turn: a session
// made on one is used on the other (cookie and CSRF token), exams started
// on one are saved to and submitted on the other, failed sign-ins counted
// on one block on the other, a key rotated on one signs on the other, and
// each periodic job runs once per interval, not once per process.
func TestTwoServersOnePostgreSQL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two servers")
	}
	dsn := freshSchema(t)
	ctx := context.Background()
	if out, err := runCmd(t, ctx, "", "migrate", "--db", dsn); err != nil {
		t.Fatalf("migrate: %v %s", err, out)
	}
	const candidates = 30
	if out, err := runCmd(t, ctx, "", "loadtest", "seed", "--db", dsn, "--candidates", strconv.Itoa(candidates)); err != nil {
		t.Fatalf("seed: %v %s", err, out)
	}
	if out, err := runCmd(t, ctx, "purple otters swim at dawn\n", "user", "add", "admin@example.org", "--role", "admin", "--db", dsn); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	out, err := runCmd(t, ctx, "", "token", "create", "admin@example.org", "--db", dsn, "--scopes", "read,write,admin")
	if err != nil {
		t.Fatal(err, out)
	}
	adminToken := strings.TrimSpace(out)
	env := []string{"CERTLAB_KEY_SECRET=fleet-test-key-secret-0123456789"}
	procStart := time.Now()
	a := startProcess(t, env, "--db", dsn, "--migrate=false", "--base-url", "http://certlab.invalid")
	b := startProcess(t, env, "--db", dsn, "--migrate=false", "--base-url", "http://certlab.invalid")

	// Throttles are shared: failures on A block the account on B.
	login := func(server, password string) int {
		resp, err := http.Post(server+"/api/v1/auth/login", "application/json",
			strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, loadtest.Email("loadtest", candidates), password)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range 8 {
		login(a.url, fmt.Sprintf("not the password %d", i))
	}
	if st := login(b.url, loadtest.DefaultPassword); st != http.StatusTooManyRequests {
		t.Fatalf("right password on B after 8 failures on A: %d, want 429", st)
	}

	// The load run, alternating between the servers (the last candidate,
	// now blocked, is left out).
	r, err := loadtest.New(loadtest.Config{Servers: []string{a.url, b.url}, Alternate: true, Candidates: candidates - 1,
		Exam: "az-400-practice", Think: 150 * time.Millisecond, Ramp: time.Second, Duration: 6 * time.Second, Submit: true, SignInConcurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rep, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	rep.Write(&sb)
	t.Log("\n" + sb.String())
	if rep.ErrorCount() != 0 || rep.Started != candidates-1 || rep.Submitted != candidates-1 || rep.Op("save").Count < 100 {
		t.Fatalf("load run across two servers:\n%s", sb.String())
	}

	// Key rotation on A; B signs its status list with the new key.
	req, _ := http.NewRequest("POST", a.url+"/api/v1/issuer/keys/rotate", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var rot struct {
		ActiveKey string `json:"active_key"`
	}
	json.NewDecoder(resp.Body).Decode(&rot)
	resp.Body.Close()
	if resp.StatusCode != 200 || rot.ActiveKey == "" {
		t.Fatalf("rotate on A: %d %+v", resp.StatusCode, rot)
	}
	resp, err = http.Get(b.url + "/status/1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), rot.ActiveKey) {
		t.Fatalf("B's status list after rotation on A is not signed with %s: %d %.300s", rot.ActiveKey, resp.StatusCode, body)
	}

	// The deadline sweep runs every 5 s on one of the two servers, not on
	// both: since the processes started, the runs add up to one per
	// interval (two uncoordinated servers would make two).
	_ = start
	elapsed := time.Since(procStart)
	ran := metric(t, a.ops, `certlab_sweep_runs_total{job="deadlines",result="ran"}`) + metric(t, b.ops, `certlab_sweep_runs_total{job="deadlines",result="ran"}`)
	skipped := metric(t, a.ops, `certlab_sweep_runs_total{job="deadlines",result="skipped"}`) + metric(t, b.ops, `certlab_sweep_runs_total{job="deadlines",result="skipped"}`)
	intervals := elapsed.Seconds()/5 + 1
	if ran < 1 || ran > intervals || skipped < 1 {
		t.Fatalf("deadline sweeps over %s: ran %.0f times, skipped %.0f; want at most %.0f runs", elapsed.Round(time.Second), ran, skipped, intervals)
	}
	t.Logf("deadline sweeps over %s: %.0f ran, %.0f skipped by the other server", elapsed.Round(time.Second), ran, skipped)
}
