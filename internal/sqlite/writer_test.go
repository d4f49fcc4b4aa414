package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab/internal/sqlite"
	"github.com/certlab/certlab/internal/sqlstore"
)

// openStore opens a fresh store with a scratch table t(k, v).
func openStore(t *testing.T) (*sqlstore.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.db")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Write(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return s, path
}

func insert(k int) func(*sql.Tx) error {
	return func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO t (k, v) VALUES (?, ?)`, k, fmt.Sprint("v", k))
		return err
	}
}

func count(t *testing.T, s *sqlstore.Store) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM t`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Many concurrent writes share commits, and each one that was answered
// without error is in the database, read back by a new connection.
func TestGroupCommitSharesCommits(t *testing.T) {
	s, path := openStore(t)
	const n = 2000
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.Write(context.Background(), insert(k))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	st, ok := s.WriterStats()
	if !ok || st.Writes < n || st.Commits >= st.Writes {
		t.Fatalf("writer stats %+v: %d concurrent writes should share commits", st, n)
	}
	s.Close()
	s2, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := count(t, s2); got != n {
		t.Fatalf("%d rows after reopening, want %d", got, n)
	}
}

// A write that fails is undone alone; the others of its group commit.
func TestGroupCommitFailureIsolated(t *testing.T) {
	s, _ := openStore(t)
	boom := errors.New("boom")
	var wg sync.WaitGroup
	results := make([]error, 300)
	for k := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch k % 3 {
			case 0: // writes, then fails: its row must not stay
				results[k] = s.Write(context.Background(), func(tx *sql.Tx) error {
					if err := insert(k)(tx); err != nil {
						return err
					}
					return boom
				})
			case 1: // panics after writing
				results[k] = s.Write(context.Background(), func(tx *sql.Tx) error {
					insert(k)(tx)
					panic("bad write")
				})
			default:
				results[k] = s.Write(context.Background(), insert(k))
			}
		}()
	}
	wg.Wait()
	for k, err := range results {
		switch k % 3 {
		case 0:
			if !errors.Is(err, boom) {
				t.Fatalf("write %d: %v, want boom", k, err)
			}
		case 1:
			if err == nil || !strings.Contains(err.Error(), "panicked") {
				t.Fatalf("write %d: %v, want the panic as an error", k, err)
			}
		default:
			if err != nil {
				t.Fatalf("write %d: %v", k, err)
			}
		}
	}
	rows, err := s.DB().Query(`SELECT k FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var k int
		rows.Scan(&k)
		if k%3 != 2 {
			t.Fatalf("row %d of a failed write was committed", k)
		}
		n++
	}
	if n != 100 {
		t.Fatalf("%d rows, want the 100 good writes", n)
	}
}

// When a write destroys the group's transaction (as an interrupted
// statement does), it fails and the other writes of the group run again:
// none is lost, none is reported failed.
func TestGroupCommitBrokenGroupRunsAgain(t *testing.T) {
	s, _ := openStore(t)
	var wg sync.WaitGroup
	results := make([]error, 200)
	for k := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if k%50 == 7 {
				results[k] = s.Write(context.Background(), func(tx *sql.Tx) error {
					_, err := tx.Exec(`ROLLBACK`) // the transaction is gone
					return err
				})
				return
			}
			results[k] = s.Write(context.Background(), insert(k))
		}()
	}
	wg.Wait()
	good := 0
	for k, err := range results {
		if k%50 == 7 {
			if err == nil {
				t.Fatalf("write %d destroyed its transaction and succeeded", k)
			}
			continue
		}
		if err != nil {
			t.Fatalf("write %d: %v", k, err)
		}
		good++
	}
	if got := count(t, s); got != good {
		t.Fatalf("%d rows, want %d", got, good)
	}
}

// Closing finishes the writes already queued; later writes are refused.
func TestGroupCommitCloseDrains(t *testing.T) {
	s, path := openStore(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	acked := 0
	for k := range 500 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Write(context.Background(), insert(k)); err == nil {
				mu.Lock()
				acked++
				mu.Unlock()
			} else if !errors.Is(err, sqlstore.ErrClosed) {
				t.Error(err)
			}
		}()
	}
	time.Sleep(time.Millisecond)
	s.Close()
	wg.Wait()
	if err := s.Write(context.Background(), insert(-1)); !errors.Is(err, sqlstore.ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
	s2, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := count(t, s2); got != acked {
		t.Fatalf("%d rows, %d writes acknowledged", got, acked)
	}
}

// A write whose context ended before its turn is not run.
func TestGroupCommitCanceledBeforeTurn(t *testing.T) {
	s, _ := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Write(ctx, insert(1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled write: %v", err)
	}
	if count(t, s) != 0 {
		t.Fatal("a canceled write was committed")
	}
}

// Under concurrent reads and writes of the store, and writes of another
// connection to the same file (another process: certlab user add), no
// caller ever sees SQLITE_BUSY or any other error.
func TestNoBusyUnderContention(t *testing.T) {
	s, path := openStore(t)
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	var next sync.Mutex
	k := 0
	key := func() int { next.Lock(); defer next.Unlock(); k++; return k }
	for range 64 { // writers of the store
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if err := s.Write(context.Background(), insert(key())); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 8 { // readers of the store
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if _, _, err := s.SchemaVersion(context.Background()); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() { // the other process
		defer wg.Done()
		for ctx.Err() == nil {
			if _, err := other.Exec(`INSERT INTO t (k, v) VALUES (?, 'other')`, -key()); err != nil {
				errs <- fmt.Errorf("other connection: %w", err)
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if count(t, s) < 100 {
		t.Fatalf("only %d rows written", count(t, s))
	}
}
