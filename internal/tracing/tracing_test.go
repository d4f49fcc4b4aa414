package tracing_test

import (
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/certlab/certlab/internal/tracing"
)

// collector is an OTLP/HTTP traces receiver: it decodes each export
// request with the protocol's own protobuf types and keeps the spans.
type collector struct {
	mu    sync.Mutex
	spans []*tracepb.Span
	res   []*commonpb.KeyValue
	paths []string
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil || r.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "bad export", http.StatusBadRequest)
		return
	}
	var req collectortrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.paths = append(c.paths, r.URL.Path)
	for _, rs := range req.ResourceSpans {
		c.res = append(c.res, rs.GetResource().GetAttributes()...)
		for _, ss := range rs.ScopeSpans {
			c.spans = append(c.spans, ss.Spans...)
		}
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
	w.Write(out)
}

func attr(kvs []*commonpb.KeyValue, key string) string {
	for _, kv := range kvs {
		if kv.Key == key {
			switch v := kv.Value.Value.(type) {
			case *commonpb.AnyValue_StringValue:
				return v.StringValue
			case *commonpb.AnyValue_IntValue:
				return strconv.FormatInt(v.IntValue, 10)
			}
		}
	}
	return ""
}

// serve runs a mux with two routes behind the middleware and a provider
// exporting to a collector, makes the requests, and returns what the
// collector received after the provider's shutdown flushed it.
func serve(t *testing.T, sample float64, requests func(base string)) *collector {
	t.Helper()
	col := &collector{}
	cs := httptest.NewServer(col)
	defer cs.Close()
	tp, err := tracing.New(context.Background(), tracing.Config{Endpoint: cs.URL, Sample: sample, Service: "certlab", Version: "test", Instance: "host:1"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /attempts/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Trace", tracing.TraceID(r.Context()))
		io.WriteString(w, "attempt "+r.PathValue("id"))
	})
	route := func(r *http.Request) string { _, p := mux.Handler(r); return p }
	srv := httptest.NewServer(tracing.Middleware(tp, route, mux))
	requests(srv.URL)
	srv.Close()
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatalf("shutdown (flush): %v", err)
	}
	return col
}

func TestServerSpansReachTheCollector(t *testing.T) {
	const parentTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	var traced string
	col := serve(t, 1, func(base string) {
		req, _ := http.NewRequest(http.MethodGet, base+"/attempts/42", nil)
		req.Header.Set("traceparent", "00-"+parentTrace+"-00f067aa0ba902b7-01")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		traced = resp.Header.Get("X-Trace")
		resp.Body.Close()
		resp, err = http.Get(base + "/nowhere")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
	if len(col.spans) != 2 {
		t.Fatalf("%d spans, want 2: %v", len(col.spans), col.spans)
	}
	if col.paths[0] != "/v1/traces" {
		t.Errorf("exported to %s, want /v1/traces", col.paths[0])
	}
	if got := attr(col.res, "service.name"); got != "certlab" {
		t.Errorf("service.name %q", got)
	}
	if got := attr(col.res, "service.instance.id"); got != "host:1" {
		t.Errorf("service.instance.id %q", got)
	}
	byName := map[string]*tracepb.Span{}
	for _, s := range col.spans {
		byName[s.Name] = s
	}
	s := byName["GET /attempts/{id}"]
	if s == nil {
		t.Fatalf("no span named by the route pattern: %v", col.spans)
	}
	if s.Kind != tracepb.Span_SPAN_KIND_SERVER {
		t.Errorf("kind %v, want server", s.Kind)
	}
	if got := hex.EncodeToString(s.TraceId); got != parentTrace || traced != parentTrace {
		t.Errorf("trace id %s (handler saw %s), want the caller's %s", got, traced, parentTrace)
	}
	if got := hex.EncodeToString(s.ParentSpanId); got != "00f067aa0ba902b7" {
		t.Errorf("parent span %s", got)
	}
	if got := attr(s.Attributes, "http.route"); got != "GET /attempts/{id}" {
		t.Errorf("http.route %q", got)
	}
	if got := attr(s.Attributes, "http.response.status_code"); got != "200" {
		t.Errorf("status code attribute %q", got)
	}
	// No route: named by the method, never by the raw path.
	nf := byName["GET"]
	if nf == nil || attr(nf.Attributes, "http.response.status_code") != "404" || attr(nf.Attributes, "http.route") != "" {
		t.Errorf("unrouted request's span: %v", nf)
	}
}

// Parent-based sampling: a caller that did not sample its trace is
// followed, whatever the ratio.
func TestUnsampledCallerIsFollowed(t *testing.T) {
	col := serve(t, 1, func(base string) {
		req, _ := http.NewRequest(http.MethodGet, base+"/attempts/1", nil)
		req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
	if len(col.spans) != 0 {
		t.Fatalf("%d spans exported for an unsampled caller", len(col.spans))
	}
}

func TestConfigRefusals(t *testing.T) {
	for _, c := range []tracing.Config{
		{Endpoint: "collector:4318", Sample: 1},
		{Endpoint: "ftp://collector/v1/traces", Sample: 1},
		{Endpoint: "http://collector:4318", Sample: 0},
		{Endpoint: "http://collector:4318", Sample: 1.5},
	} {
		if _, err := tracing.New(context.Background(), c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if got, _ := tracing.CheckEndpoint("https://otel.example:4318"); got != "https://otel.example:4318/v1/traces" {
		t.Errorf("endpoint without a path: %s", got)
	}
	if got, _ := tracing.CheckEndpoint("http://c:4318/custom/traces"); got != "http://c:4318/custom/traces" {
		t.Errorf("endpoint with a path: %s", got)
	}
}
