package web_test

import (
	"net/http"
	"net/url"
	"testing"
)

// BenchmarkQuestionPage measures serving one exam question page through the
// whole stack (session, CSRF-free GET, engine view from SQLite, template).
func BenchmarkQuestionPage(b *testing.B) {
	ts := startServer(b)
	br := newBrowser(b, ts.URL)
	csrf := br.register("bench@example.com").csrf(b)
	p := br.start(csrf, url.Values{"exam": {"az-400"}, "mode": {"exam"}})
	path := p.URL
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if p := br.get(path); p.Status != http.StatusOK {
			b.Fatalf("%s: %d", path, p.Status)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
