package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedFixture finds a file of ../shared/fixtures from the test's folder.
func sharedFixture(t *testing.T, rel string) string {
	t.Helper()
	dir, _ := os.Getwd()
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", "fixtures", rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if filepath.Dir(d) == d {
			t.Fatalf("shared/fixtures/%s not found above %s", rel, dir)
		}
	}
}

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
