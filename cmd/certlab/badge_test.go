package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certlab/certlab/internal/fixture"
)

// sharedFixture returns shared/fixtures/<rel>.
func sharedFixture(t *testing.T, rel string) string { return fixture.Path(t, rel) }

// TestBadgeVerifyCommand checks the published OB3 vector offline with its
// public key, and that a tampered copy fails with a non-zero exit.
func TestBadgeVerifyCommand(t *testing.T) {
	raw, err := os.ReadFile(sharedFixture(t, "openbadges/ob3-eddsa-rdfc-2022-vector.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vector struct {
		PublicKeyMultibase string          `json:"publicKeyMultibase"`
		SignedCredential   json.RawMessage `json:"signedCredential"`
	}
	if err := json.Unmarshal(raw, &vector); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, vector.SignedCredential, 0o600)
	out, err := runCmd(t, context.Background(), "", "badge", "verify", good, "--public-key", vector.PublicKeyMultibase)
	if err != nil {
		t.Fatalf("the published vector does not verify: %v\n%s", err, out)
	}
	tampered := filepath.Join(dir, "tampered.json")
	var doc map[string]any
	json.Unmarshal(vector.SignedCredential, &doc)
	doc["validFrom"] = "2001-01-01T00:00:00Z"
	b, _ := json.Marshal(doc)
	os.WriteFile(tampered, b, 0o600)
	out, err = runCmd(t, context.Background(), "", "badge", "verify", tampered, "--public-key", vector.PublicKeyMultibase)
	if err == nil {
		t.Fatalf("a tampered credential verified:\n%s", out)
	}
	if !strings.Contains(strings.ToLower(out), "proof") {
		t.Fatalf("the report does not explain the failed proof:\n%s", out)
	}
}
