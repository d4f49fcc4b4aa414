// Package sqlite opens certlab's embedded SQLite database (pure Go, so the
// binary stays static) with settings chosen for durability.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/certlab/certlab/internal/sqlstore"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect is SQLite's flavour of SQL for the shared store.
var Dialect = sqlstore.Dialect{
	Name:        "sqlite",
	TableExists: `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`,
	IsUnique: func(err error) bool {
		var e *sqlite.Error
		return errors.As(err, &e) && (e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
	},
}

// Options tune how the database is opened; the zero value is the default.
type Options struct {
	// Readers is the number of read connections (0: 16). Reads never wait
	// for the writer in WAL mode.
	Readers int
	// MaxGroup bounds how many write transactions one group commit carries
	// (0: 512).
	MaxGroup int
}

// Open opens (creating if needed) the database file at path with the
// default options. See OpenWith.
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenWith opens (creating if needed) the database file at path, twice:
// one write connection, owned by the store's group-commit writer (see
// sqlstore.NewGroupCommit), and a pool of read-only connections. Pragmas,
// in order: busy_timeout first (so the others wait rather than fail),
// journal_mode=WAL (readers never block the writer, nor it them),
// foreign_keys=ON, and on the writer synchronous=FULL: every commit is
// fsynced to the WAL before it returns, so a save the API acknowledged
// survives a crash or power cut. Read connections are query_only, so a
// write that bypassed the writer would fail instead of contending for the
// lock. Transactions start with BEGIN IMMEDIATE, so the writer takes the
// lock at once; other processes (certlab migrate, user add) wait for it
// for up to busy_timeout.
func OpenWith(ctx context.Context, path string, o Options) (*sqlstore.Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}
	if o.Readers <= 0 {
		o.Readers = 16
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_txlock", "immediate")
	w := sql.OpenDB(sqlstore.GuardText(&connector{dsn: "file:" + path + "?" + q.Encode(), drv: &sqlite.Driver{}}))
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: journal_mode is %q, want wal (%v)", path, mode, err)
	}
	rq := url.Values{}
	rq.Add("_pragma", "busy_timeout(10000)")
	rq.Add("_pragma", "foreign_keys(ON)")
	rq.Add("_pragma", "query_only(1)")
	r := sql.OpenDB(sqlstore.GuardText(&connector{dsn: "file:" + path + "?" + rq.Encode(), drv: &sqlite.Driver{}}))
	r.SetMaxOpenConns(o.Readers)
	r.SetMaxIdleConns(o.Readers)
	r.SetConnMaxIdleTime(0)
	r.SetConnMaxLifetime(0)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open sqlite %s for reading: %w", path, err)
	}
	return sqlstore.NewGroupCommit(r, w, Dialect, o.MaxGroup), nil
}
