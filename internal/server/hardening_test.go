package server_test

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/server"
)

// signIn registers an account through the API and returns its cookie and
// CSRF token.
func signIn(t *testing.T, h http.Handler, email string) (*http.Cookie, string) {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/api/v1/auth/register", strings.NewReader(`{"email":"`+email+`","password":"correct horse battery"}`)))
	if w.Code != http.StatusCreated {
		t.Fatalf("register %s: %d %s", email, w.Code, w.Body)
	}
	return w.Result().Cookies()[0], ""
}

func get(h http.Handler, path string, c *http.Cookie) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	if c != nil {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// /metrics on the main address is for admins only; the separate
// operations address serves it without authentication, with pprof, which
// the main address never serves.
func TestMetricsAccess(t *testing.T) {
	a := apptest.New(t, app.Config{Metrics: true})
	h := a.Handler()
	admin, _ := signIn(t, h, "admin@example.org")
	cand, _ := signIn(t, h, "cand@example.org")
	if w := get(h, "/metrics", nil); w.Code != http.StatusUnauthorized {
		t.Fatalf("anonymous /metrics: %d", w.Code)
	}
	if w := get(h, "/metrics", cand); w.Code != http.StatusForbidden {
		t.Fatalf("candidate /metrics: %d", w.Code)
	}
	w := get(h, "/metrics", admin)
	if w.Code != http.StatusOK {
		t.Fatalf("admin /metrics: %d %s", w.Code, w.Body)
	}
	for _, want := range []string{
		`certlab_http_request_duration_seconds_bucket{code="201",method="POST",route="POST /api/v1/auth/register"`,
		"certlab_open_attempts 0", "certlab_sqlite_group_commits_total", "certlab_password_hashes_running",
		`go_sql_max_open_connections{db_name="read"} 16`, "go_goroutines", "process_resident_memory_bytes",
	} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if w := get(h, "/debug/pprof/", admin); w.Code == http.StatusOK {
		t.Fatal("pprof is served on the main address")
	}
	ops := a.Metrics.OpsHandler()
	if w := get(ops, "/metrics", nil); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "certlab_http_requests_in_flight") {
		t.Fatalf("ops /metrics: %d", w.Code)
	}
	if w := get(ops, "/debug/pprof/", nil); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "goroutine") {
		t.Fatalf("ops pprof: %d", w.Code)
	}
}

// While shutting down the readiness probe says unavailable, so a load
// balancer sends no new requests; the process stays alive.
func TestDrain(t *testing.T) {
	a := apptest.New(t, app.Config{})
	h := a.Handler()
	if w := get(h, "/readyz", nil); w.Code != http.StatusOK {
		t.Fatalf("readyz: %d", w.Code)
	}
	a.Server.Drain()
	if w := get(h, "/readyz", nil); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "shutting down") {
		t.Fatalf("readyz while draining: %d %s", w.Code, w.Body)
	}
	if w := get(h, "/healthz", nil); w.Code != http.StatusOK {
		t.Fatalf("healthz while draining: %d", w.Code)
	}
}

// Request bodies are bounded for every route.
func TestBodyLimit(t *testing.T) {
	a := apptest.New(t, app.Config{})
	big := bytes.Repeat([]byte("x"), server.MaxBodyBytes+1)
	for _, path := range []string{"/api/v1/auth/login", "/signin"} {
		w := httptest.NewRecorder()
		a.Handler().ServeHTTP(w, httptest.NewRequest("POST", path, bytes.NewReader(big)))
		if w.Code < 400 || w.Code >= 500 {
			t.Errorf("%s with %d bytes: %d", path, len(big), w.Code)
		}
	}
}

// Finding: "no read timeout on request bodies: 3,000 connections trickling
// a body at 1 byte per 2 s stayed open 30+ s". Every phase now has a
// deadline; a trickled body is cut off when the read deadline passes.
func TestEveryPhaseHasADeadline(t *testing.T) {
	hs := server.HTTPServer(http.NotFoundHandler())
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.WriteTimeout <= 0 || hs.IdleTimeout <= 0 || hs.MaxHeaderBytes <= 0 {
		t.Fatalf("server limits %+v", hs)
	}
	if hs.ReadTimeout > 30*time.Second {
		t.Fatalf("read timeout %s lets a trickled body hold a connection too long", hs.ReadTimeout)
	}

	// The same server, with its read deadline shortened so the test is
	// quick, against a client sending one byte every 200 ms.
	a := apptest.New(t, app.Config{})
	hs = server.HTTPServer(a.Handler())
	hs.ReadTimeout = time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	defer hs.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	io.WriteString(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
	closed := false
	for i := 0; i < 100 && !closed; i++ {
		if _, err := conn.Write([]byte("{")); err != nil {
			closed = true
			break
		}
		conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		buf := make([]byte, 512)
		if n, err := conn.Read(buf); n > 0 || (err != nil && !isTimeout(err)) {
			closed = true
		}
	}
	if !closed {
		t.Fatal("the trickling connection was never cut off")
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Fatalf("cut off after %s, the read deadline is 1 s", d)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// The bound on requests in flight: beyond Running, requests wait; beyond
// Waiting they get 503 with Retry-After at once; health checks pass by.
func TestInFlightLimit(t *testing.T) {
	a := apptest.New(t, app.Config{})
	srv := *a.Server
	release := make(chan struct{})
	var entered atomic.Int64
	srv.Web = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered.Add(1)
		<-release
	})
	srv.InFlight = server.InFlightLimit{Running: 2, Waiting: 3, MaxWait: 5 * time.Second}
	h := srv.Handler()
	codes := make(chan int, 10)
	for range 10 {
		go func() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", "/slow", nil))
			codes <- w.Code
		}()
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		running, waiting := srv.InFlightStats()
		if running == 2 && waiting == 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if running, waiting := srv.InFlightStats(); running != 2 || waiting != 3 || entered.Load() != 2 {
		t.Fatalf("running %d, waiting %d, in the handler %d; want 2, 3, 2", running, waiting, entered.Load())
	}
	busy := 0
	for range 5 {
		if c := <-codes; c == http.StatusServiceUnavailable {
			busy++
		}
	}
	if busy != 5 {
		t.Fatalf("%d of the 5 requests beyond the line were refused", busy)
	}
	if w := get(h, "/healthz", nil); w.Code != http.StatusOK {
		t.Fatalf("healthz while full: %d", w.Code)
	}
	close(release)
	for range 5 {
		if c := <-codes; c != http.StatusOK {
			t.Fatalf("a request that waited got %d", c)
		}
	}
	if entered.Load() != 5 {
		t.Fatalf("%d requests ran, want 5", entered.Load())
	}
}
