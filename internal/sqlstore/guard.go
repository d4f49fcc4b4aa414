package sqlstore

import (
	"context"
	"database/sql/driver"
	"strings"

	"github.com/certlab/certlab"
)

// errNUL is the error of a text argument with a NUL character: PostgreSQL
// cannot store one (it would fail the request with an internal error) and
// SQLite would, so both refuse it here, identically, as invalid input.
var errNUL = certlab.Errorf(certlab.EINVALID, "text contains a NUL character, which cannot be stored")

// CheckArgs refuses text arguments that contain NUL.
func CheckArgs(args []driver.NamedValue) error {
	for _, a := range args {
		if s, ok := a.Value.(string); ok && strings.IndexByte(s, 0) >= 0 {
			return errNUL
		}
	}
	return nil
}

// GuardText wraps a driver connector so that every statement's text
// arguments are checked by CheckArgs before they reach the database: the
// same rule on both databases, at the one place every query passes.
func GuardText(c driver.Connector) driver.Connector { return guardConnector{c} }

type guardConnector struct{ driver.Connector }

func (g guardConnector) Connect(ctx context.Context) (driver.Conn, error) {
	c, err := g.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &guardConn{Conn: c}, nil
}

// guardConn forwards every optional interface of the connection it wraps
// (database/sql looks for them on the outer type), checking arguments on
// the way.
type guardConn struct{ driver.Conn }

// Unwrap returns the wrapped connection.
func (c *guardConn) Unwrap() driver.Conn { return c.Conn }

func (c *guardConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	if err := CheckArgs(args); err != nil {
		return nil, err
	}
	if e, ok := c.Conn.(driver.ExecerContext); ok {
		return e.ExecContext(ctx, q, args)
	}
	return nil, driver.ErrSkip
}

func (c *guardConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	if err := CheckArgs(args); err != nil {
		return nil, err
	}
	if e, ok := c.Conn.(driver.QueryerContext); ok {
		return e.QueryContext(ctx, q, args)
	}
	return nil, driver.ErrSkip
}

func (c *guardConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	var st driver.Stmt
	var err error
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, q)
	} else {
		st, err = c.Conn.Prepare(q)
	}
	if err != nil {
		return nil, err
	}
	return &guardStmt{Stmt: st}, nil
}

func (c *guardConn) Prepare(q string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), q)
}

func (c *guardConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	//lint:ignore SA1019 the fallback database/sql itself uses for drivers without BeginTx
	return c.Conn.Begin()
}

func (c *guardConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *guardConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *guardConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *guardConn) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := c.Conn.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// guardStmt checks the arguments of a prepared statement.
type guardStmt struct{ driver.Stmt }

func (s *guardStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if err := CheckArgs(args); err != nil {
		return nil, err
	}
	if e, ok := s.Stmt.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	return nil, driver.ErrSkip
}

func (s *guardStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if err := CheckArgs(args); err != nil {
		return nil, err
	}
	if q, ok := s.Stmt.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	return nil, driver.ErrSkip
}

func (s *guardStmt) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := s.Stmt.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

var (
	_ driver.ExecerContext      = (*guardConn)(nil)
	_ driver.QueryerContext     = (*guardConn)(nil)
	_ driver.ConnBeginTx        = (*guardConn)(nil)
	_ driver.ConnPrepareContext = (*guardConn)(nil)
	_ driver.Pinger             = (*guardConn)(nil)
	_ driver.SessionResetter    = (*guardConn)(nil)
	_ driver.Validator          = (*guardConn)(nil)
	_ driver.NamedValueChecker  = (*guardConn)(nil)
)
