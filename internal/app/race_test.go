package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/fixture"
	"github.com/certlab/certlab/internal/postgres"
)

// postgresDSN returns the test server's DSN on a fresh schema of its own.
func postgresDSN(t *testing.T) string {
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
	schema := fmt.Sprintf("race_%d", time.Now().UnixNano())
	if _, err := admin.DB().ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.DB().ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// startConcurrently fires n exam starts at once, alternating between the
// servers, and returns the HTTP statuses and error codes.
func startConcurrently(t *testing.T, servers []string, token string, n int, body map[string]any) (ok int, codes map[string]int) {
	t.Helper()
	codes = map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			b, _ := json.Marshal(body)
			req, _ := http.NewRequest("POST", servers[i%len(servers)]+"/api/v1/attempts", bytes.NewReader(b))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			<-gate
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var e struct {
				Error struct{ Code string } `json:"error"`
			}
			json.NewDecoder(resp.Body).Decode(&e)
			mu.Lock()
			defer mu.Unlock()
			if resp.StatusCode == http.StatusCreated {
				ok++
			} else {
				codes[fmt.Sprintf("%d %s", resp.StatusCode, e.Error.Code)]++
			}
		}(i)
	}
	close(gate)
	wg.Wait()
	return ok, codes
}

// TestOneOpenExamUnderRace: many simultaneous starts by one candidate,
// spread over two servers sharing one PostgreSQL database (and over one
// SQLite server), open exactly one exam; the others are refused with
// exam_in_progress. Two starts from one admitted appointment open one.
func TestOneOpenExamUnderRace(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			clk := apptest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
			cfg := app.Config{Now: clk.Now}
			n := 1
			if db == "postgres" {
				cfg.DB, cfg.Migrate, n = postgresDSN(t), true, 2
			}
			var apps []*apptest.Server
			var urls []string
			for i := 0; i < n; i++ {
				s := apptest.Start(t, cfg)
				apps, urls = append(apps, s), append(urls, s.URL)
			}
			ctx := context.Background()
			first := apps[0]
			if _, err := first.Accounts.Register(ctx, "admin@example.org", "Admin", "granite-harbour-kite-1234567"); err != nil {
				t.Fatal(err)
			}
			cand, err := first.Accounts.Register(ctx, "cand@example.org", "Candidate", "kestrel-orchard-lamp-12345")
			if err != nil {
				t.Fatal(err)
			}
			token, _, err := first.Accounts.NewToken(ctx, cand, account.TokenRequest{Name: "race"})
			if err != nil {
				t.Fatal(err)
			}
			ok, codes := startConcurrently(t, urls, token, 16, map[string]any{"exam": "az-400-practice", "mode": "exam", "start": true, "accept_agreement": true})
			if ok != 1 || codes["409 "+certlab.EEXAMOPEN] != 15 {
				t.Fatalf("16 simultaneous starts: %d opened, refusals %v; want exactly 1 and 15 exam_in_progress", ok, codes)
			}
			open, err := first.Store.Attempts(ctx, certlab.AttemptFilter{UserID: &cand.ID, Mode: certlab.ModeExam, Open: true})
			if err != nil || len(open) != 1 {
				t.Fatalf("open exam attempts in the database: %d %v", len(open), err)
			}
			// Submit it; then two starts from one admitted appointment.
			a := open[0]
			for i := range a.Form.Sections {
				if _, err := first.Engine.CompleteSection(ctx, cand, a.ID, i); err != nil {
					t.Fatal(err)
				}
			}
			ap := apptest.Admit(t, first.App, clk.Now(), cand, "az-400")
			ok, codes = startConcurrently(t, urls, token, 8, map[string]any{"exam": "az-400", "mode": "exam", "start": true, "accept_agreement": true, "appointment": ap})
			if ok != 1 {
				t.Fatalf("8 simultaneous starts from one appointment: %d opened (%v), want 1", ok, codes)
			}
			got, err := first.Store.Appointment(ctx, ap)
			if err != nil || got.Status != certlab.AppointmentStarted || got.AttemptID == nil {
				t.Fatalf("appointment after the race: %+v %v", got, err)
			}
		})
	}
}
