package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab/internal/sqlite"
)

// On SIGTERM (the context ending) certlab serve stops taking requests,
// lets the saves in flight finish and commit, and closes the store: every
// save that was answered 200 is in the database afterwards, and no save
// is answered with a server error.
func TestGracefulShutdownKeepsSavesInFlight(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "certlab.db")
	if out, err := runCmd(t, ctx, "", "user", "add", "cand@example.org", "--role", "candidate", "--db", db); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	out, err := runCmd(t, ctx, "", "token", "create", "cand@example.org", "--db", db)
	if err != nil {
		t.Fatal(err, out)
	}
	token := strings.TrimSpace(out)

	sctx, stop := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(sctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--log-level", "warn", "--shutdown-timeout", "20s"},
			func(string) string { return "" }, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	line, _ := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	base := regexp.MustCompile(`http://\S+`).FindString(line)
	if base == "" {
		t.Fatalf("serve printed %q", line)
	}
	call := func(method, path string, body any, out any) (int, error) {
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		if out != nil && resp.StatusCode < 300 {
			json.NewDecoder(resp.Body).Decode(out)
		}
		return resp.StatusCode, nil
	}
	var view struct {
		ID       int64 `json:"id"`
		Sections []struct {
			Questions []struct {
				Key  string `json:"key"`
				Item struct {
					Type    string `json:"type"`
					Options []struct {
						ID string `json:"id"`
					} `json:"options"`
				} `json:"item"`
			} `json:"questions"`
		} `json:"sections"`
	}
	if st, err := call("POST", "/api/v1/attempts", map[string]any{"exam": "az-400", "mode": "practice", "start": true,
		"practice": map[string]any{"types": []string{"single"}, "count": 20}}, &view); st != 201 || err != nil {
		t.Fatalf("start practice: %d %v", st, err)
	}
	qs := view.Sections[0].Questions
	var mu sync.Mutex
	acked := map[string]int64{}
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for _, q := range qs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := int64(1); ; seq++ {
				st, err := call("PUT", fmt.Sprintf("/api/v1/attempts/%d/responses/%s", view.ID, q.Key),
					map[string]any{"seq": seq, "value": q.Item.Options[int(seq)%len(q.Item.Options)].ID}, nil)
				mu.Lock()
				if err == nil {
					statuses[st]++
				}
				if st == 200 {
					acked[q.Key] = seq
				}
				mu.Unlock()
				if err != nil || st != 200 {
					return
				}
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	stop() // SIGTERM
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	wg.Wait()
	for st, n := range statuses {
		if st >= 500 {
			t.Errorf("%d saves answered %d", n, st)
		}
	}
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rs, err := s.Responses(ctx, view.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int64{}
	for _, r := range rs {
		stored[r.Key] = r.Seq
	}
	total := int64(0)
	for k, seq := range acked {
		total += seq
		if stored[k] < seq {
			t.Errorf("%s: save %d acknowledged, %d stored", k, seq, stored[k])
		}
	}
	if total < int64(len(qs)) {
		t.Fatalf("only %d saves acknowledged: the test did not load the server", total)
	}
	t.Logf("%d saves acknowledged (statuses %v), all stored", total, statuses)
}
