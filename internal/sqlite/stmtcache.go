package sqlite

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"

	"modernc.org/sqlite"
)

// maxCachedStatements bounds the prepared statements kept per connection;
// certlab's queries are a fixed set of a few dozen strings (lists add
// their filters, which vary little).
const maxCachedStatements = 256

// connector opens modernc's SQLite connections wrapped so that each keeps
// its prepared statements: database/sql's Exec and Query without Prepare
// would otherwise parse and plan every statement anew, which costs more
// than running it (a save's three statements spent half their time in
// SQLite's parser).
type connector struct {
	dsn string
	drv *sqlite.Driver
}

func (c *connector) Connect(context.Context) (driver.Conn, error) {
	dc, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Conn: dc, stmts: map[string]*cachedStmt{}}, nil
}

func (c *connector) Driver() driver.Driver { return c.drv }

// cachingConn is a SQLite connection with a statement cache. database/sql
// uses a connection from one goroutine at a time.
type cachingConn struct {
	driver.Conn
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	driver.Stmt
	busy bool // a Rows of it is open
}

// Unwrap returns modernc's connection (for its backup API).
func (c *cachingConn) Unwrap() driver.Conn { return c.Conn }

// cacheable reports whether query is one statement worth keeping: a
// script (migrations) is run once and parsed statement by statement.
func cacheable(query string) bool {
	q := strings.TrimSpace(query)
	return !strings.Contains(strings.TrimSuffix(q, ";"), ";")
}

// stmt returns the cached statement of query, preparing it on first use.
// A statement that is busy (its rows are being read while another query
// of the same text runs on this connection) gives a fresh one that is
// closed after use (owned = true).
func (c *cachingConn) stmt(ctx context.Context, query string) (s *cachedStmt, owned bool, err error) {
	if s := c.stmts[query]; s != nil && !s.busy {
		return s, false, nil
	}
	ds, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, false, err
	}
	s = &cachedStmt{Stmt: ds}
	if c.stmts[query] != nil || !cacheable(query) {
		return s, true, nil
	}
	if len(c.stmts) >= maxCachedStatements {
		for k, old := range c.stmts {
			if !old.busy {
				old.Close()
				delete(c.stmts, k)
				break
			}
		}
	}
	c.stmts[query] = s
	return s, false, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if !cacheable(query) {
		return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
	}
	s, owned, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if owned {
		defer s.Close()
	}
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if !cacheable(query) {
		return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	}
	s, owned, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		if owned {
			s.Close()
		}
		return nil, err
	}
	s.busy = true
	return &cachedRows{Rows: rows, s: s, owned: owned}, nil
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *cachingConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *cachingConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *cachingConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

func (c *cachingConn) Close() error {
	var errs []error
	for k, s := range c.stmts {
		errs = append(errs, s.Close())
		delete(c.stmts, k)
	}
	return errors.Join(append(errs, c.Conn.Close())...)
}

// cachedRows frees its statement for the next use when closed.
type cachedRows struct {
	driver.Rows
	s     *cachedStmt
	owned bool
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.s.busy = false
	if r.owned {
		return errors.Join(err, r.s.Close())
	}
	return err
}

var (
	_ driver.ExecerContext      = (*cachingConn)(nil)
	_ driver.QueryerContext     = (*cachingConn)(nil)
	_ driver.ConnBeginTx        = (*cachingConn)(nil)
	_ driver.ConnPrepareContext = (*cachingConn)(nil)
	_ driver.Pinger             = (*cachingConn)(nil)
	_ driver.SessionResetter    = (*cachingConn)(nil)
	_ driver.Validator          = (*cachingConn)(nil)
)
