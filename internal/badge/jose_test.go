package badge

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// joseDir is the npm project holding the jose library for the
// independent VC-JWT check; `npm ci --prefix internal/badge/testdata/jose`
// installs it.
const joseDir = "testdata/jose"

// runJose runs testdata/jose/check.mjs under Node with req on stdin.
// Without node_modules the test fails in CI and is skipped elsewhere: the
// rule of fixture.NeedTool, restated here because internal/badge imports
// nothing of certlab, not even in tests.
func runJose(t *testing.T, req any) []byte {
	t.Helper()
	if _, err := os.Stat(filepath.Join(joseDir, "node_modules", "jose", "package.json")); err != nil {
		msg := "jose is not installed: run `npm ci --prefix internal/badge/testdata/jose` to enable the independent VC-JWT check"
		if ci, perr := strconv.ParseBool(os.Getenv("CI")); os.Getenv("CI") != "" && (perr != nil || ci) {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not on PATH but %s/node_modules is installed: %v", joseDir, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "check.mjs")
	cmd.Dir = joseDir
	cmd.Stdin = bytes.NewReader(mustJSON(t, req))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node check.mjs: %v\n%s", err, stderr.String())
	}
	return stdout.Bytes()
}

func okpJWK(pub ed25519.PublicKey, priv ed25519.PrivateKey) map[string]any {
	jwk := map[string]any{"kty": "OKP", "crv": "Ed25519", "x": base64RawURL(pub)}
	if priv != nil {
		jwk["d"] = base64RawURL(priv.Seed())
	}
	return jwk
}

// TestJoseVerifiesCertlabJWT has Node's jose library, an implementation
// independent of certlab, verify a VC-JWT that certlab issued, and has
// certlab verify one that jose signed.
func TestJoseVerifiesCertlabJWT(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ti := newTestIssuer(t, now)
	ic := ti.issue("jose-1", 5)
	key := ti.keyring.SigningKey()

	out := runJose(t, map[string]any{"mode": "verify", "jwt": ic.JWT, "jwk": okpJWK(key.PublicKey(), nil)})
	var got struct {
		Header  JWTHeader      `json:"header"`
		Payload map[string]any `json:"payload"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("jose answer %q: %v", out, err)
	}
	want := JWTHeader{Alg: "EdDSA", Kid: key.VerificationMethod, Typ: "vc+jwt", Cty: "vc"}
	if got.Header != want {
		t.Errorf("jose saw header %+v, want %+v", got.Header, want)
	}
	doc, err := OpenBadgeDocument(ti.badge("jose-1", 5))
	if err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(got.Payload, mustDecode(t, mustJSON(t, doc))) {
		t.Errorf("jose saw payload %v\nwant %v", got.Payload, doc)
	}

	// A token with one payload byte changed must be rejected by jose too.
	parts := strings.Split(ic.JWT, ".")
	payload, _ := decodeBase64RawURL(parts[1])
	tampered := parts[0] + "." + base64RawURL(bytes.Replace(payload, []byte("DevOps"), []byte("DevOpz"), 1)) + "." + parts[2]
	if _, err := os.Stat(filepath.Join(joseDir, "node_modules")); err == nil {
		cmd := exec.Command("node", "check.mjs")
		cmd.Dir = joseDir
		cmd.Stdin = bytes.NewReader(mustJSON(t, map[string]any{"mode": "verify", "jwt": tampered, "jwk": okpJWK(key.PublicKey(), nil)}))
		if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "signature verification failed") {
			t.Errorf("jose accepted a tampered token or failed for another reason: %v\n%s", err, out)
		}
	}

	// The other direction: jose signs with a did:key issuer, certlab verifies.
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	did := "did:key:" + EncodeMultikey(pub)
	b := ti.badge("jose-2", 6)
	b.Issuer.ID = did
	b.Status = nil
	doc2, err := OpenBadgeDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	out = runJose(t, map[string]any{"mode": "sign", "payload": doc2, "kid": did + "#" + EncodeMultikey(pub), "jwk": okpJWK(pub, priv)})
	var signed struct {
		JWT string `json:"jwt"`
	}
	if err := json.Unmarshal(out, &signed); err != nil || signed.JWT == "" {
		t.Fatalf("jose sign answer %q: %v", out, err)
	}
	ver := &Verifier{Contexts: ti.loader, Keys: &WebResolver{}, Now: fixedClock(now)}
	if rep := ver.Verify(context.Background(), []byte(signed.JWT)); !rep.OK() {
		t.Errorf("certlab does not verify jose's VC-JWT:\n%s", reportText(t, rep))
	}
}
