package badge

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// sharedFixtures returns the directory shared/fixtures/openbadges, found by
// walking up from the test's working directory to the folder that holds
// both the repository and shared/.
func sharedFixtures(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("working directory: %v", err)
	}
	for {
		cand := filepath.Join(dir, "shared", "fixtures")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return filepath.Join(cand, "openbadges")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("cannot find shared/fixtures in any parent of the test's working directory; the repository and shared/ must be siblings")
		}
		dir = parent
	}
}

// mustFixtureLoader returns a context loader serving the two standard
// contexts from the shared fixtures.
func mustFixtureLoader(t testing.TB) *ContextLoader {
	t.Helper()
	l, err := NewContextLoaderFromDir(filepath.Join(sharedFixtures(t), "contexts"))
	if err != nil {
		t.Fatalf("load fixture contexts: %v", err)
	}
	return l
}

// testVector is the published Open Badges 3.0 eddsa-rdfc-2022 vector.
type testVector struct {
	PublicKeyHex       string          `json:"publicKeyHex"`
	PrivateKeyHex      string          `json:"privateKeyHex"`
	PublicKeyMultibase string          `json:"publicKeyMultibase"`
	DocumentHashHex    string          `json:"documentHashHex"`
	ProofHashHex       string          `json:"proofHashHex"`
	DataToSignHex      string          `json:"dataToSignHex"`
	SignatureHex       string          `json:"signatureHex"`
	SignedCredential   json.RawMessage `json:"signedCredential"`
}

func mustVector(t testing.TB) testVector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sharedFixtures(t), "ob3-eddsa-rdfc-2022-vector.json"))
	if err != nil {
		t.Fatalf("read vector: %v", err)
	}
	var v testVector
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("parse vector: %v", err)
	}
	return v
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("hex %q: %v", s, err)
	}
	return b
}

func mustReadFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return b
}
