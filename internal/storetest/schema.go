package storetest

import (
	"context"
	"database/sql"
	"testing"

	"github.com/certlab/certlab"
)

// SchemaStore is a store that carries its own migrations.
type SchemaStore interface {
	certlab.Store
	Migrate(ctx context.Context) (int, error)
	CheckSchema(ctx context.Context) error
	SchemaVersion(ctx context.Context) (applied, latest int, err error)
	DB() *sql.DB
}

// RunSchema checks the schema version on a database that was never
// migrated (open must not migrate): CheckSchema, which the readiness probe
// calls, reports ESCHEMA and writes nothing; Migrate applies every
// migration once.
func RunSchema(t *testing.T, open func(t *testing.T) SchemaStore) {
	ctx := context.Background()
	s := open(t)
	for range 2 {
		if code := certlab.ErrorCode(s.CheckSchema(ctx)); code != certlab.ESCHEMA {
			t.Fatalf("fresh database: code %q, want %q", code, certlab.ESCHEMA)
		}
	}
	var n int
	if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err == nil {
		t.Fatal("CheckSchema created schema_migrations: a readiness check must not write")
	}
	applied, latest, err := s.SchemaVersion(ctx)
	if err != nil || applied != 0 || latest == 0 {
		t.Fatalf("fresh database: version %d of %d, %v; want 0 of the latest", applied, latest, err)
	}
	m, err := s.Migrate(ctx)
	if err != nil || m == 0 {
		t.Fatalf("migrate: %d %v", m, err)
	}
	if err := s.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if applied, latest, _ := s.SchemaVersion(ctx); applied != latest {
		t.Fatalf("after migrating: version %d of %d", applied, latest)
	}
	if m, err := s.Migrate(ctx); m != 0 || err != nil {
		t.Fatalf("second migrate applied %d (%v)", m, err)
	}
}
