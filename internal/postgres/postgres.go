// Package postgres opens certlab's PostgreSQL database, for several
// certlab servers behind a load balancer sharing one database.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/certlab/certlab/internal/sqlstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// Dialect is PostgreSQL's flavour of SQL for the shared store.
var Dialect = sqlstore.Dialect{
	Name:        "postgres",
	Numbered:    true,
	LockUsers:   "LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE",
	TableExists: `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?`,
	IsUnique: func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && e.Code == "23505"
	},
}

// DefaultMaxConns is the pool size of one certlab server.
const DefaultMaxConns = 20

// Open connects to the database at the postgres:// URL with a pool of
// DefaultMaxConns connections. See OpenPool.
func Open(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	return OpenPool(ctx, dsn, DefaultMaxConns)
}

// OpenPool connects to the database at the postgres:// URL with a pool of
// at most maxConns connections, all of which are kept open when idle (a
// new PostgreSQL connection costs a process fork and an authentication:
// a pool that closes idle connections reconnects hundreds of times a
// second under load). Idle connections are closed after 30 minutes and
// every connection is renewed after an hour, so a database fail-over or a
// change of server settings reaches every connection. Commits use the
// server's default synchronous_commit=on: acknowledged means on disk.
func OpenPool(ctx context.Context, dsn string, maxConns int) (*sqlstore.Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres URL: %w", err)
	}
	if maxConns <= 0 {
		maxConns = DefaultMaxConns
	}
	db := sql.OpenDB(sqlstore.GuardText(stdlib.GetConnector(*cfg)))
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(30 * time.Minute)
	db.SetConnMaxLifetime(time.Hour)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return sqlstore.New(db, Dialect), nil
}
