// Package postgres opens certlab's PostgreSQL database, for several
// certlab servers behind a load balancer sharing one database.
package postgres

import (
	"context"
	"errors"
	"fmt"

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

// Open connects to the database at the postgres:// URL. Commits use the
// server's default synchronous_commit=on: acknowledged means on disk.
func Open(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres URL: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(20)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return sqlstore.New(db, Dialect), nil
}
