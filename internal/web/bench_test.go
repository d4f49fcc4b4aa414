package web_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/certlab/certlab/internal/storetest"
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

// BenchmarkConsoleListPages measures the admin console's list pages over
// 100,000 seeded accounts and audit entries, through the whole stack on
// SQLite (session, role check, the page's queries, the template): a page
// at a random place of the keyset, with and without filters. p95-ms is
// the 95th percentile of one page.
func BenchmarkConsoleListPages(b *testing.B) {
	ts := startServer(b)
	sd := storetest.SeedListPages(b, ts.Store)
	br := newBrowser(b, ts.URL)
	br.register("someone@example.com") // the seeded accounts came first: make this one the admin
	if _, err := ts.App.Store.DB().ExecContext(context.Background(), `UPDATE users SET role = 'admin' WHERE email = 'someone@example.com'`); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	rows := regexp.MustCompile(`<tr>|<tr data`)
	for _, c := range []struct {
		name string
		path func() string
	}{
		{"users", func() string { return fmt.Sprintf("/admin/users?after=%d", rng.Int64N(sd.MaxUser)) }},
		{"users/role", func() string { return fmt.Sprintf("/admin/users?role=proctor&after=%d", rng.Int64N(sd.MaxUser*9/10)) }},
		{"users/search", func() string { return fmt.Sprintf("/admin/users?q=person0%02d", rng.IntN(100)) }},
		{"audit", func() string { return fmt.Sprintf("/admin/audit?before=%d", 1+rng.Int64N(sd.MaxAudit)) }},
		{"audit/action", func() string {
			return fmt.Sprintf("/admin/audit?action=user.disable&before=%d", sd.MaxAudit/10+rng.Int64N(sd.MaxAudit*9/10))
		}},
		{"audit/actor", func() string {
			return fmt.Sprintf("/admin/audit?actor=%d&before=%d", sd.Actors[rng.IntN(len(sd.Actors))], sd.MaxAudit/10+rng.Int64N(sd.MaxAudit*9/10))
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			storetest.PagePercentiles(b, func() (int, error) {
				path := c.path()
				p := br.get(path)
				if p.Status != http.StatusOK {
					return 0, fmt.Errorf("%s: %d %s", path, p.Status, text(p.Body))
				}
				return len(rows.FindAllString(p.Body, -1)), nil
			})
		})
	}
}
