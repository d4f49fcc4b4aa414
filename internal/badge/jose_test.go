package badge

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
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
func runJose(t *testing.T, req any) []byte {
	t.Helper()
	out, err := runNode(t, joseDir, "check.mjs", "jose", req)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// runNode runs script in the npm project dir under Node with req as JSON on
// stdin and returns its standard output, or an error carrying its standard
// error when it exits non-zero. Without the project's node_modules (or
// without node) the test fails in CI and is skipped elsewhere.
func runNode(t *testing.T, dir, script, pkg string, req any) ([]byte, error) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil {
		msg := fmt.Sprintf("%s is not installed: run `npm ci --prefix internal/badge/%s` to enable the independent check", pkg, dir)
		// The rule of fixture.NeedTool, restated here because internal/badge
		// imports nothing of certlab, not even in tests.
		if ci, perr := strconv.ParseBool(os.Getenv("CI")); os.Getenv("CI") != "" && (perr != nil || ci) {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not on PATH but %s/node_modules is installed: %v", dir, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(mustJSON(t, req))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("node %s: %v\n%s", script, err, stderr.String())
	}
	return stdout.Bytes(), nil
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

	out := runJose(t, map[string]any{"mode": "verify", "jwt": ic.JWT, "jwk": okpJWK(key.PublicKey(), nil), "now": formatDateTime(now)})
	var got struct {
		Header  JWTHeader      `json:"header"`
		Payload map[string]any `json:"payload"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("jose answer %q: %v", out, err)
	}
	want := JWTHeader{Alg: "EdDSA", Kid: key.VerificationMethod, Typ: "JWT"}
	if got.Header != want {
		t.Errorf("jose saw header %+v, want %+v", got.Header, want)
	}
	b := ti.badge("jose-1", 5)
	doc, err := OpenBadgeDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	// The payload is the credential with the claims OB 3.0 §8.2 requires.
	claims := map[string]any{
		"iss": b.Issuer.ID, "jti": b.ID, "sub": SubjectURN(b.ID),
		"nbf": float64(b.ValidFrom.Unix()), "exp": float64(b.ValidUntil.Unix()),
	}
	wantPayload := mustDecode(t, mustJSON(t, doc))
	for k, v := range claims {
		if got.Payload[k] != v {
			t.Errorf("claim %s = %v, want %v", k, got.Payload[k], v)
		}
		wantPayload[k] = v
	}
	if !jsonEqual(got.Payload, wantPayload) {
		t.Errorf("jose saw payload %v\nwant %v", got.Payload, wantPayload)
	}
	// jose itself refuses the token once exp has passed.
	if _, err := runNode(t, joseDir, "check.mjs", "jose", map[string]any{"mode": "verify", "jwt": ic.JWT, "jwk": okpJWK(key.PublicKey(), nil), "now": formatDateTime(b.ValidUntil.Add(time.Hour))}); err == nil || !strings.Contains(err.Error(), `"exp" claim timestamp check failed`) {
		t.Errorf("jose accepted an expired certlab token or failed for another reason: %v", err)
	}

	// A token with one payload byte changed must be rejected by jose too.
	parts := strings.Split(ic.JWT, ".")
	payload, _ := decodeBase64RawURL(parts[1])
	tampered := parts[0] + "." + base64RawURL(bytes.Replace(payload, []byte("DevOps"), []byte("DevOpz"), 1)) + "." + parts[2]
	if _, err := runNode(t, joseDir, "check.mjs", "jose", map[string]any{"mode": "verify", "jwt": tampered, "jwk": okpJWK(key.PublicKey(), nil)}); err == nil || !strings.Contains(err.Error(), "signature verification failed") {
		t.Errorf("jose accepted a tampered token or failed for another reason: %v", err)
	}

	// The other direction: jose signs with a did:key issuer, certlab verifies.
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	did := "did:key:" + EncodeMultikey(pub)
	b2 := ti.badge("jose-2", 6)
	b2.Issuer.ID = did
	b2.Status = nil
	doc2, err := OpenBadgeDocument(b2)
	if err != nil {
		t.Fatal(err)
	}
	doc2["iss"], doc2["jti"], doc2["sub"] = did, b2.ID, SubjectURN(b2.ID)
	doc2["nbf"], doc2["exp"] = b2.ValidFrom.Unix(), b2.ValidUntil.Unix()
	out = runJose(t, map[string]any{"mode": "sign", "payload": doc2, "typ": "JWT", "kid": did + "#" + EncodeMultikey(pub), "jwk": okpJWK(pub, priv)})
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
