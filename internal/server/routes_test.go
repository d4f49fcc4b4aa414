package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
)

// The composed handler serves the API, the public health endpoints and the
// web UI side by side, each answering in its own format.
func TestRoutesSideBySide(t *testing.T) {
	a := apptest.New(t, app.Config{})
	h := a.Handler()
	tests := []struct {
		path        string
		status      int
		contentType string
		body        string
	}{
		{"/healthz", 200, "application/json", `"ok"`},
		{"/readyz", 200, "application/json", `"ready"`},
		{"/api/v1/programs", 200, "application/json", `"devops-engineer-expert"`},
		{"/api/v1/no-such-thing", 404, "application/json", `"not_found"`},
		{"/api/v1/me", 401, "application/json", `"unauthorized"`},
		{"/signin", 200, "text/html", "<form"},
		{"/no-such-page", 404, "text/html", "no page at /no-such-page"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", tt.path, nil))
			if w.Code != tt.status || !strings.HasPrefix(w.Header().Get("Content-Type"), tt.contentType) || !strings.Contains(w.Body.String(), tt.body) {
				t.Fatalf("GET %s: %d %s %q; want %d %s containing %q", tt.path, w.Code, w.Header().Get("Content-Type"), w.Body, tt.status, tt.contentType, tt.body)
			}
		})
	}
}

// A cross-origin browser post is refused before any handler runs.
func TestCrossOriginRefused(t *testing.T) {
	a := apptest.New(t, app.Config{})
	r := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{}`))
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	w := httptest.NewRecorder()
	a.Handler().ServeHTTP(w, r)
	if w.Code != http.StatusForbidden {
		t.Fatalf("cross-site post: %d %q, want 403", w.Code, w.Body)
	}
}

func TestReadyzWhenTheDatabaseIsGone(t *testing.T) {
	a := apptest.New(t, app.Config{})
	a.Store.Close()
	w := httptest.NewRecorder()
	a.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "database unavailable") {
		t.Fatalf("readyz with a closed database: %d %q", w.Code, w.Body)
	}
}

func TestPanicBecomesInternalError(t *testing.T) {
	a := apptest.New(t, app.Config{})
	srv := *a.Server
	srv.Web = http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret detail") })
	w := httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/boom", nil))
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), "internal error") || strings.Contains(w.Body.String(), "secret detail") {
		t.Fatalf("panic: %d %q", w.Code, w.Body)
	}
}
