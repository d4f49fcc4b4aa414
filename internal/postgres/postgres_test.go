package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/fixture"
	"github.com/certlab/certlab/internal/postgres"
	"github.com/certlab/certlab/internal/sqlstore"
	"github.com/certlab/certlab/internal/storetest"
)

var schemaSeq atomic.Int64

// MustOpen returns a store on a fresh, migrated schema of the test server
// named by CERTLAB_TEST_POSTGRES. Without it the test fails in CI and is
// skipped elsewhere (fixture.NeedTool); scripts/test always starts a server.
func MustOpen(t testing.TB) *sqlstore.Store {
	t.Helper()
	s := openEmpty(t)
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// openEmpty returns a store on a fresh schema that is not migrated.
func openEmpty(t testing.TB) *sqlstore.Store {
	t.Helper()
	dsn := os.Getenv("CERTLAB_TEST_POSTGRES")
	if dsn == "" {
		fixture.NeedTool(t, "PostgreSQL", errors.New("CERTLAB_TEST_POSTGRES is not set"), "run the tests with scripts/test, which starts a throwaway server")
	}
	ctx := context.Background()
	admin, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("t_%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
	if _, err := admin.DB().ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := postgres.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		admin.DB().ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) certlab.Store { return MustOpen(t) })
}

func TestStudyContract(t *testing.T) {
	storetest.RunStudy(t, func(t *testing.T) storetest.StudyStore { return MustOpen(t) })
}

func TestSchemaCheck(t *testing.T) {
	storetest.RunSchema(t, func(t *testing.T) storetest.SchemaStore { return openEmpty(t) })
}

func TestSittingRenameMigration(t *testing.T) {
	storetest.RunSittingRename(t, func(t *testing.T) storetest.SchemaStore { return openEmpty(t) })
}

func TestSearchPathIsolation(t *testing.T) {
	s := MustOpen(t)
	var sp string
	if err := s.DB().QueryRow("SHOW search_path").Scan(&sp); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sp, "t_") {
		t.Fatalf("search_path %q: tests would share tables", sp)
	}
}

// BenchmarkSaveResponse: scripts/test style server needed (CERTLAB_TEST_POSTGRES).
func BenchmarkSaveResponse(b *testing.B) {
	for _, n := range []int{1, 16, 64, 256, 1024} {
		b.Run(fmt.Sprintf("candidates=%d", n), func(b *testing.B) {
			storetest.BenchmarkSaves(b, MustOpen(b), n)
		})
	}
}

// BenchmarkListPages: scripts/with-postgres go test ./internal/postgres -run XXX -bench ListPages
func BenchmarkListPages(b *testing.B) {
	storetest.BenchmarkListPages(b, MustOpen(b))
}

func TestHardeningContract(t *testing.T) {
	storetest.RunHardening(t, func(t *testing.T) storetest.HardeningStore { return MustOpen(t) })
}
