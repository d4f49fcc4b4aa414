package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed is returned for writes sent after the store was closed.
var ErrClosed = errors.New("store is closed")

// groupWriter is SQLite's one writer. Every write transaction of the store
// is queued to a single goroutine that owns the one write connection. It
// runs the queued transactions together in one SQLite transaction, each
// inside its own SAVEPOINT (so one that fails is undone alone), and
// commits once: the commit's fsync is shared by the whole group. Each
// caller is answered only after that commit returned, so an acknowledged
// write is on disk, and only one connection ever writes, so no writer
// waits for SQLite's lock or sees SQLITE_BUSY.
//
// While one group commits, the next one gathers: under load groups grow by
// themselves, with no timer; alone, a write commits at once.
type groupWriter struct {
	db       *sql.DB
	queue    chan *writeOp
	maxGroup int

	closeOnce sync.Once
	closing   chan struct{}
	done      chan struct{}
	mu        sync.RWMutex // held for reading while sending; closed under the write lock
	closed    bool

	// Stats, read by WriterStats.
	commits   atomic.Int64
	writes    atomic.Int64
	failed    atomic.Int64
	broken    atomic.Int64
	commitDur atomic.Int64 // nanoseconds, summed
}

type writeOp struct {
	ctx  context.Context
	fn   func(*sql.Tx) error
	err  error
	done chan struct{}
}

// WriterStats are the counters of SQLite's group-commit writer.
type WriterStats struct {
	Commits int64         // group commits (fsyncs of the write-ahead log)
	Writes  int64         // write transactions committed
	Failed  int64         // write transactions that returned an error
	Broken  int64         // groups rolled back whole and run again
	Commit  time.Duration // total time spent in COMMIT
	Queued  int           // write transactions waiting now
}

func newGroupWriter(db *sql.DB, maxGroup int) *groupWriter {
	if maxGroup <= 0 {
		maxGroup = 512
	}
	w := &groupWriter{db: db, queue: make(chan *writeOp, 4*maxGroup), maxGroup: maxGroup,
		closing: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

// do runs fn in a write transaction and returns after the transaction
// containing it committed (nil) or failed.
func (w *groupWriter) do(ctx context.Context, fn func(*sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	op := &writeOp{ctx: ctx, fn: fn, done: make(chan struct{})}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	select {
	case w.queue <- op:
		w.mu.RUnlock()
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	// Once queued, the answer is waited for even if ctx ends: the write may
	// already be in a group, and the caller must not be told it failed if
	// it is committed.
	<-op.done
	return op.err
}

// close stops taking writes, runs the ones already queued and stops.
func (w *groupWriter) close() {
	w.closeOnce.Do(func() {
		w.mu.Lock()
		w.closed = true
		close(w.closing)
		w.mu.Unlock()
	})
	<-w.done
}

func (w *groupWriter) stats() WriterStats {
	return WriterStats{Commits: w.commits.Load(), Writes: w.writes.Load(), Failed: w.failed.Load(), Broken: w.broken.Load(),
		Commit: time.Duration(w.commitDur.Load()), Queued: len(w.queue)}
}

func (w *groupWriter) run() {
	defer close(w.done)
	group := make([]*writeOp, 0, w.maxGroup)
	for {
		select {
		case op := <-w.queue:
			group = append(group, op)
		case <-w.closing:
			// No sender is left (closed is set under the lock senders
			// hold): drain what is queued, then stop.
			for {
				select {
				case op := <-w.queue:
					group = append(group, op)
					if len(group) == w.maxGroup {
						w.commit(group)
						group = group[:0]
					}
					continue
				default:
				}
				break
			}
			if len(group) > 0 {
				w.commit(group)
			}
			return
		}
	gather:
		for len(group) < w.maxGroup {
			select {
			case op := <-w.queue:
				group = append(group, op)
			default:
				break gather
			}
		}
		w.commit(group)
		group = group[:0]
	}
}

// commit runs a group to its end: every op is answered.
func (w *groupWriter) commit(group []*writeOp) {
	for len(group) > 0 {
		group = w.try(group)
	}
}

// try runs the group in one transaction. It answers every op and returns
// nil, or, when the transaction broke under the group (an interrupted
// statement rolls back a whole SQLite transaction), it answers the op that
// broke it and returns the others to run again, since nothing of theirs
// was committed.
func (w *groupWriter) try(group []*writeOp) (again []*writeOp) {
	ctx := context.Background()
	fail := func(err error) {
		for _, op := range group {
			w.answer(op, err)
		}
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return nil
	}
	errs := make([]error, len(group))
	for i, op := range group {
		if err := op.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if _, err := tx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
			_ = tx.Rollback()
			fail(fmt.Errorf("savepoint: %w", err))
			return nil
		}
		errs[i] = runOp(op.fn, tx)
		var end error
		if errs[i] != nil {
			_, end = tx.ExecContext(ctx, "ROLLBACK TO w")
			if end == nil {
				_, end = tx.ExecContext(ctx, "RELEASE w")
			}
		} else {
			_, end = tx.ExecContext(ctx, "RELEASE w")
		}
		if end != nil {
			// The transaction is gone (SQLite rolled it back): nothing of
			// the group is written. The op that broke it fails; the
			// others run again.
			_ = tx.Rollback()
			w.broken.Add(1)
			err := errs[i]
			if err == nil {
				err = end
			}
			w.answer(op, err)
			return append(append([]*writeOp{}, group[:i]...), group[i+1:]...)
		}
	}
	start := time.Now()
	err = tx.Commit()
	w.commitDur.Add(int64(time.Since(start)))
	w.commits.Add(1)
	if err != nil {
		fail(fmt.Errorf("commit: %w", err))
		return nil
	}
	for i, op := range group {
		w.answer(op, errs[i])
	}
	return nil
}

func (w *groupWriter) answer(op *writeOp, err error) {
	if err != nil {
		w.failed.Add(1)
	} else {
		w.writes.Add(1)
	}
	op.err = err
	close(op.done)
}

// runOp runs one write, turning a panic into its error so that one bad
// write cannot take the writer down.
func runOp(fn func(*sql.Tx) error, tx *sql.Tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("write panicked: %v", v)
		}
	}()
	return fn(tx)
}
