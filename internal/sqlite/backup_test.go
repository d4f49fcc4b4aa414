package sqlite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/sqlite"
)

// A backup taken while candidates save answers holds every save that was
// acknowledged before the backup began, and restores into a database
// certlab opens.
func TestBackupUnderLoadKeepsAcknowledgedSaves(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "live.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u := &certlab.User{Email: "cand@example.org", Role: certlab.RoleCandidate}
	if err := s.CreateUser(ctx, u, false); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	deadline := now.Add(time.Hour)
	form := &certlab.Form{ExamID: "demo", Sections: []*certlab.FormSection{{Kind: certlab.SectionGeneral}}}
	a := &certlab.Attempt{UserID: u.ID, ExamID: "demo", Mode: certlab.ModePractice, Status: certlab.StatusStarted, Form: form, CreatedAt: now, StartedAt: &now, Deadline: &deadline}
	if err := s.CreateAttempt(ctx, a); err != nil {
		t.Fatal(err)
	}

	const savers = 32
	var mu sync.Mutex
	acked := map[string]int64{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range savers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("q%d", i)
			for seq := int64(1); ; seq++ {
				select {
				case <-stop:
					return
				default:
				}
				r := &certlab.Response{AttemptID: a.ID, Key: key, Seq: seq, Value: json.RawMessage(fmt.Sprint(seq))}
				if _, _, err := s.SaveResponse(ctx, r, 0, -1, time.Now()); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked[key] = seq
				mu.Unlock()
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	before := map[string]int64{}
	for k, v := range acked {
		before[k] = v
	}
	mu.Unlock()
	backup := filepath.Join(dir, "backup.db")
	if err := sqlite.Backup(ctx, path, backup); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	close(stop)
	wg.Wait()
	if len(before) < savers {
		t.Fatalf("only %d of %d savers were acknowledged before the backup", len(before), savers)
	}

	restored := filepath.Join(dir, "restored", "certlab.db")
	if err := sqlite.Restore(ctx, backup, restored, false); err != nil {
		t.Fatal(err)
	}
	if err := sqlite.Restore(ctx, backup, restored, false); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restoring over an existing database without force: %v", err)
	}
	r, err := sqlite.Open(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	rs, err := r.Responses(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, x := range rs {
		got[x.Key] = x.Seq
	}
	total := int64(0)
	for k, seq := range before {
		total += seq
		if got[k] < seq {
			t.Errorf("%s: save %d was acknowledged before the backup, the restored database has %d", k, seq, got[k])
		}
	}
	t.Logf("%d saves acknowledged before the backup, all restored", total)
}

func TestBackupRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := sqlite.Backup(ctx, filepath.Join(dir, "missing.db"), filepath.Join(dir, "b.db")); err == nil {
		t.Fatal("backup of a missing database")
	}
	live := filepath.Join(dir, "live.db")
	st, err := sqlite.Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	st.Migrate(ctx)
	st.Close()
	out := filepath.Join(dir, "b.db")
	if err := sqlite.Backup(ctx, live, out); err != nil {
		t.Fatal(err)
	}
	if err := sqlite.Backup(ctx, live, out); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("backup over an existing file: %v", err)
	}
	notDB := filepath.Join(dir, "empty.db")
	e, _ := sqlite.Open(ctx, notDB)
	e.Close()
	if err := sqlite.Restore(ctx, notDB, filepath.Join(dir, "x.db"), true); err == nil || !strings.Contains(err.Error(), "not a certlab database") {
		t.Fatalf("restore of a database that is not certlab's: %v", err)
	}
}
