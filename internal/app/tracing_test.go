package app_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/tracing"
)

// The application with a collector configured sends a span per request,
// named by the route, and Close sends the last ones.
func TestRequestsAreTraced(t *testing.T) {
	var mu sync.Mutex
	names := map[string]int{}
	col := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req collectortrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					names[s.Name]++
				}
			}
		}
	}))
	defer col.Close()
	s := apptest.Start(t, app.Config{Tracing: &tracing.Config{Endpoint: col.URL + "/v1/traces", Sample: 1}})
	for _, path := range []string{"/api/v1/programs", "/api/v1/programs/az-400", "/healthz"} {
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if err := s.App.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, want := range []string{"GET /api/v1/programs", "GET /api/v1/programs/{id}", "GET /healthz"} {
		if names[want] != 1 {
			t.Errorf("spans named %q: %d, want 1 (all: %v)", want, names[want], names)
		}
	}
}
