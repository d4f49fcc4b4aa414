package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The default SQLite set-up keeps a generated key secret beside the
// database, readable only by its owner, and reuses it on the next start.
func TestLocalKeySecret(t *testing.T) {
	// A first start: the data folder does not exist yet.
	db := filepath.Join(t.TempDir(), "data", "certlab", "certlab.db")
	first, path, err := localKeySecret(db)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) < 32 {
		t.Fatalf("secret %q is too short", first)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret file %s: %v mode %v, want 0600", path, err, st.Mode().Perm())
	}
	again, _, err := localKeySecret(db)
	if err != nil || again != first {
		t.Fatalf("second start: %q %v, want the same secret", again, err)
	}
}
