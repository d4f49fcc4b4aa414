package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

// BenchmarkPortalPages serves each page the portal adds through the whole
// stack (session, store, template) and reports its size and the 95th
// percentile of its serving time: go test ./internal/web -run XXX -bench PortalPages
func BenchmarkPortalPages(b *testing.B) {
	ts := startServer(b)
	br := newBrowser(b, ts.URL)
	csrf := br.register("bench@example.com").csrf(b)
	// Some practice, so the pathway has readiness to compute.
	p := br.start(csrf, url.Values{"exam": {"az-104"}, "mode": {"practice"}, "count": {"5"}})
	_ = p
	br.post("/sandbox/start", url.Values{}, csrf)
	for _, path := range []string{"/", "/appointments", "/accommodations", "/sandbox", "/sandbox/question", "/sandbox/review"} {
		b.Run(path, func(b *testing.B) {
			var times []time.Duration
			size := 0
			for b.Loop() {
				start := time.Now()
				pg := br.get(path)
				times = append(times, time.Since(start))
				if pg.Status != http.StatusOK {
					b.Fatalf("%s: %d", path, pg.Status)
				}
				size = len(pg.Body)
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(size)/1024, "KB")
		})
	}
}
