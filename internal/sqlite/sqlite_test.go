package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/sqlite"
	"github.com/certlab/certlab/internal/storetest"
)

// MustOpen opens a fresh, migrated database in a temporary folder.
func MustOpen(t testing.TB) certlab.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "certlab.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) certlab.Store { return MustOpen(t) })
}

func TestStudyContract(t *testing.T) {
	storetest.RunStudy(t, func(t *testing.T) storetest.StudyStore { return MustOpen(t).(storetest.StudyStore) })
}

// openEmpty opens a new database file that is not migrated.
func openEmpty(t *testing.T) storetest.SchemaStore {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSchemaCheck(t *testing.T) { storetest.RunSchema(t, openEmpty) }

func TestSittingRenameMigration(t *testing.T) { storetest.RunSittingRename(t, openEmpty) }

// BenchmarkSaveResponse: go test ./internal/sqlite -run XXX -bench SaveResponse
func BenchmarkSaveResponse(b *testing.B) {
	for _, n := range []int{1, 16, 64, 256, 1024} {
		b.Run(fmt.Sprintf("candidates=%d", n), func(b *testing.B) {
			storetest.BenchmarkSaves(b, MustOpen(b), n)
		})
	}
}

// BenchmarkListPages: go test ./internal/sqlite -run XXX -bench ListPages
func BenchmarkListPages(b *testing.B) {
	storetest.BenchmarkListPages(b, MustOpen(b))
}

func TestHardeningContract(t *testing.T) {
	storetest.RunHardening(t, func(t *testing.T) storetest.HardeningStore { return MustOpen(t).(storetest.HardeningStore) })
}
