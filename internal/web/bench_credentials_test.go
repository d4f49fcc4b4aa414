package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/certlab/certlab"
)

// BenchmarkCredentialPages measures each credential page through the
// whole stack, with the 95th percentile of its latency: the wallet and
// the dashboard of a holder of two credentials, a credential's public page
// (which runs the verifier on every request), the achievement and issuer
// pages, a shared transcript and /verify by URL.
func BenchmarkCredentialPages(b *testing.B) {
	ts := startCredentialServer(b)
	br := newBrowser(b, ts.URL)
	br.register("bench@example.com")
	u := ts.user(b, "bench@example.com")
	ts.sitExam(b, u, "az-400", certlab.ModeExam, true)
	ts.sitExam(b, u, "az-104", certlab.ModeExam, true)
	cs, err := ts.App.Credentials.Credentials(context.Background(), u)
	if err != nil || len(cs) != 2 {
		b.Fatalf("credentials %v %v", cs, err)
	}
	token, _, err := ts.App.Credentials.CreateShare(context.Background(), u, "bench")
	if err != nil {
		b.Fatal(err)
	}
	share := ts.URL + "/credentials/" + cs[0].PublicID
	pages := []struct{ name, path, accept string }{
		{"wallet", "/wallet", ""},
		{"dashboard", "/", ""},
		{"credential", "/credentials/" + cs[0].PublicID, chromeAccept},
		{"credential-jsonld", "/credentials/" + cs[0].PublicID, "application/ld+json"},
		{"achievement", "/achievements/devops-engineer-expert", chromeAccept},
		{"issuer", "/issuer", chromeAccept},
		{"transcript", "/transcripts/" + token, chromeAccept},
		{"verify-url", "/verify?url=" + url.QueryEscape(share), chromeAccept},
	}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			var lat []time.Duration
			b.ReportAllocs()
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, ts.URL+pg.path, nil)
				if pg.accept != "" {
					req.Header.Set("Accept", pg.accept)
				}
				start := time.Now()
				p := br.do(req)
				lat = append(lat, time.Since(start))
				if p.Status != http.StatusOK {
					b.Fatalf("%s: %d", pg.path, p.Status)
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}
