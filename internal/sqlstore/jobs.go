package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"sync"
	"time"
)

// lockID maps a lock name to PostgreSQL's 64-bit advisory lock space,
// under a prefix of certlab's own.
func lockID(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("certlab:" + name))
	return int64(h.Sum64())
}

// processLocks are the locks of a store without advisory locks (SQLite,
// where one server owns the file): one mutex per name.
var processLocks sync.Map // name -> *sync.Mutex

// WithLock runs fn holding the lock called name, waiting for it: on
// PostgreSQL a session advisory lock, held on a connection of its own, so
// that servers sharing the database take turns (issuer key creation and
// rotation); on SQLite a lock of this process.
func (s *Store) WithLock(ctx context.Context, name string, fn func(ctx context.Context) error) error {
	if s.d.Name != "postgres" {
		m, _ := processLocks.LoadOrStore(s.d.Name+"\x00"+name, &sync.Mutex{})
		m.(*sync.Mutex).Lock()
		defer m.(*sync.Mutex).Unlock()
		return fn(ctx)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("lock %s: %w", name, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lockID(name)); err != nil {
		return fmt.Errorf("lock %s: %w", name, err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockID(name))
	return fn(ctx)
}

// RunJob runs fn, the periodic job called name, if no server sharing the
// database ran it in the last interval (less a tenth, for the jitter of
// timers), and reports whether it ran. On PostgreSQL the claim and the run
// happen under the job's advisory lock, taken without waiting: a server
// that finds it held skips the turn, so each run happens once even when a
// run takes longer than the interval. On SQLite the claim is a conditional
// write through the one writer. owner names the server in the jobs table.
func (s *Store) RunJob(ctx context.Context, name string, interval time.Duration, now time.Time, owner string, fn func(ctx context.Context) error) (bool, error) {
	claim := func(ctx context.Context, exec func(ctx context.Context, q string, args ...any) (sql.Result, error)) (bool, error) {
		res, err := exec(ctx, s.q(`INSERT INTO jobs (name, last_run_at, owner) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET last_run_at = excluded.last_run_at, owner = excluded.owner
			WHERE jobs.last_run_at <= ?`), name, ms(now), owner, ms(now.Add(-interval*9/10)))
		if err != nil {
			return false, fmt.Errorf("claim job %s: %w", name, err)
		}
		n, _ := res.RowsAffected()
		return n > 0, nil
	}
	if s.d.Name != "postgres" {
		var claimed bool
		err := s.tx(ctx, func(tx *sql.Tx) (err error) {
			claimed, err = claim(ctx, tx.ExecContext)
			return err
		})
		if err != nil || !claimed {
			return false, err
		}
		return true, fn(ctx)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("job %s: %w", name, err)
	}
	defer conn.Close()
	var locked bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, lockID("job:"+name)).Scan(&locked); err != nil {
		return false, fmt.Errorf("job %s: lock: %w", name, err)
	}
	if !locked {
		return false, nil
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockID("job:"+name))
	claimed, err := claim(ctx, conn.ExecContext)
	if err != nil || !claimed {
		return false, err
	}
	return true, fn(ctx)
}
