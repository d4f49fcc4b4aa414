// Package sqlstore implements certlab's store interfaces once, over
// database/sql, for the two SQL dialects certlab supports. The sqlite and
// postgres packages open connections and choose the dialect; the queries,
// migrations runner and transaction rules live here, so both databases
// behave the same and one contract test suite covers both.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

//go:embed migrations
var migrations embed.FS

// Dialect is what differs between the SQL databases.
type Dialect struct {
	Name string // "sqlite" or "postgres": also the migrations folder
	// Numbered placeholders ($1) instead of ?.
	Numbered bool
	// LockUsers serialises the "first user becomes admin" check.
	LockUsers string
	// IsUnique reports whether err is a unique-constraint violation.
	IsUnique func(error) bool
	// TableExists counts the tables named by its one ? parameter in the
	// current schema (0 or 1).
	TableExists string
}

// Store is the SQL implementation of certlab.Store.
type Store struct {
	db  *sql.DB // reads
	wdb *sql.DB // writes: db itself, or SQLite's one write connection
	w   *groupWriter
	d   Dialect
}

var _ certlab.Store = (*Store)(nil)

// New wraps an open database whose pool both reads and writes
// (PostgreSQL: the server orders concurrent transactions). It does not
// migrate: call Migrate, or CheckSchema to refuse a schema that is behind.
func New(db *sql.DB, d Dialect) *Store { return &Store{db: db, wdb: db, d: d} }

// NewGroupCommit wraps a database opened twice: read, a pool of read-only
// connections, and write, limited to one connection, which a single writer
// goroutine owns. Every write transaction goes to that writer, which
// commits concurrent ones together (group commit: one fsync for many, each
// answered after its commit). maxGroup bounds a group (0: 512). For SQLite,
// where only one connection can write at a time.
func NewGroupCommit(read, write *sql.DB, d Dialect, maxGroup int) *Store {
	write.SetMaxOpenConns(1)
	return &Store{db: read, wdb: write, w: newGroupWriter(write, maxGroup), d: d}
}

// DB returns the database connection that may write (tests and tools; the
// store's own writes go through its writer).
func (s *Store) DB() *sql.DB { return s.wdb }

// Dialect returns the store's SQL dialect.
func (s *Store) Dialect() Dialect { return s.d }

// DBs returns the read pool and the write pool (the same pool when the
// store has no separate writer).
func (s *Store) DBs() (read, write *sql.DB) { return s.db, s.wdb }

// PoolStats are the connection pool figures of the read and the write
// pool (the same pool when the store has no separate writer).
func (s *Store) PoolStats() (read, write sql.DBStats) { return s.db.Stats(), s.wdb.Stats() }

// WriterStats returns the group-commit writer's counters; ok is false
// when the store has none (PostgreSQL).
func (s *Store) WriterStats() (st WriterStats, ok bool) {
	if s.w == nil {
		return WriterStats{}, false
	}
	return s.w.stats(), true
}

// Close finishes the writes already queued, then closes the database.
func (s *Store) Close() error {
	if s.w != nil {
		s.w.close()
		err := s.wdb.Close()
		return errors.Join(err, s.db.Close())
	}
	return s.db.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// q rewrites ? placeholders for the dialect.
func (s *Store) q(query string) string {
	if !s.d.Numbered {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrationVersion(name string) (int, error) {
	v, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
	if err != nil {
		return 0, fmt.Errorf("migration %s: name must start with a number", name)
	}
	return v, nil
}

func (s *Store) migrations() ([]migration, error) {
	dir := "migrations/" + s.d.Name
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		v, err := migrationVersion(e.Name())
		if err != nil {
			return nil, err
		}
		b, err := fs.ReadFile(migrations, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// latestVersion is the version of the newest embedded migration.
func (s *Store) latestVersion() (int, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+s.d.Name)
	if err != nil {
		return 0, err
	}
	latest := 0
	for _, e := range entries {
		v, err := migrationVersion(e.Name())
		if err != nil {
			return 0, err
		}
		latest = max(latest, v)
	}
	return latest, nil
}

// SchemaVersion returns the applied and the latest schema versions. It
// only reads (a readiness probe calls it): a database never migrated is at
// version 0.
func (s *Store) SchemaVersion(ctx context.Context) (applied, latest int, err error) {
	if latest, err = s.latestVersion(); err != nil {
		return 0, 0, err
	}
	var n int
	if err := s.db.QueryRowContext(ctx, s.q(s.d.TableExists), "schema_migrations").Scan(&n); err != nil {
		return 0, 0, fmt.Errorf("look for schema_migrations: %w", err)
	}
	if n == 0 {
		return 0, latest, nil
	}
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), latest, nil
}

// Migrate applies the migrations not applied yet, each in its own
// transaction, and returns how many it applied.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	return s.MigrateTo(ctx, math.MaxInt)
}

// MigrateTo is Migrate up to and including version (tests of a migration
// on data written by the schema before it).
func (s *Store) MigrateTo(ctx context.Context, version int) (int, error) {
	if _, err := s.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	applied, _, err := s.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	ms, _ := s.migrations()
	n := 0
	for _, m := range ms {
		if m.version <= applied || m.version > version {
			continue
		}
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`), m.version, m.name, time.Now().UnixMilli())
			return err
		})
		if err != nil {
			return n, fmt.Errorf("migration %s: %w", m.name, err)
		}
		n++
	}
	return n, nil
}

// CheckSchema returns an ESCHEMA error if migrations are pending or the
// schema is newer than this binary. It only reads.
func (s *Store) CheckSchema(ctx context.Context) error {
	applied, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if applied < latest {
		return certlab.Errorf(certlab.ESCHEMA, "database schema is at version %d, this certlab needs %d: run certlab migrate", applied, latest)
	}
	if applied > latest {
		return certlab.Errorf(certlab.ESCHEMA, "database schema version %d is newer than this certlab (%d): upgrade certlab", applied, latest)
	}
	return nil
}

// tx runs fn in a write transaction: through the group-commit writer when
// the store has one, else in a transaction of its own. It returns after
// the commit.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	if s.w != nil {
		return s.w.do(ctx, fn)
	}
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Write runs fn in a write transaction of the store (through the
// group-commit writer when it has one) and returns after its commit. fn
// may run inside a group with other writes: it must use only tx.
func (s *Store) Write(ctx context.Context, fn func(*sql.Tx) error) error { return s.tx(ctx, fn) }

// exec runs one writing statement in a write transaction and returns the
// number of rows it changed.
func (s *Store) exec(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}

// insertID runs an INSERT … RETURNING id in a write transaction.
func (s *Store) insertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error { return tx.QueryRowContext(ctx, query, args...).Scan(&id) })
	return id, err
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func msPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func fromNullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

func notFound(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return certlab.Errorf(certlab.ENOTFOUND, format, args...)
	}
	return err
}
