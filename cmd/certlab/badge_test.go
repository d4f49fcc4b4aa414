package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab/internal/badge"

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

// localIssuer is a certlab issuer served over plain http on 127.0.0.1, as
// `certlab serve` runs on a developer's machine: its profile, status list
// and one credential in both forms.
type localIssuer struct {
	url, credURL, jwtURL string
	key                  string // the signing key's Multikey
	credential           []byte
}

func newLocalIssuer(t *testing.T) *localIssuer {
	t.Helper()
	ctx := context.Background()
	loader, err := badge.NewContextLoader()
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	li := &localIssuer{url: srv.URL, credURL: srv.URL + "/credentials/c1", jwtURL: srv.URL + "/credentials/c1?format=jwt"}
	issuer := srv.URL + "/issuer"
	sealer, err := badge.NewKeySealer([]byte("a test secret of 32 bytes ......"), badge.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	kr, err := badge.OpenKeyring(ctx, &badge.MemoryKeyStore{}, sealer, issuer, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	listDoc, err := badge.StatusListCredentialDocument(badge.StatusListCredentialParams{ID: srv.URL + "/status/1", IssuerID: issuer,
		Purpose: badge.StatusPurposeRevocation, ValidFrom: now.Add(-time.Hour), ValidUntil: now.Add(time.Hour)}, badge.NewStatusList(0))
	if err != nil {
		t.Fatal(err)
	}
	signedList, err := loader.SignDataIntegrity(listDoc, kr.SigningKey(), now)
	if err != nil {
		t.Fatal(err)
	}
	ic, err := loader.Issue(badge.OpenBadge{
		ID: li.credURL, Issuer: badge.IssuerProfile{ID: issuer, Name: "certlab (local)"},
		Achievement: badge.Achievement{ID: srv.URL + "/achievements/az-400", Name: "AZ-400", Criteria: "Pass exam az-400."},
		Recipient:   badge.Recipient{Email: "ada@example.org", Salt: "c1", DisplayName: "Ada Lovelace"},
		ValidFrom:   now.Add(-time.Minute), ValidUntil: now.AddDate(1, 0, 0),
		Status: []badge.StatusRef{{ListURL: srv.URL + "/status/1", Index: 3, Purpose: badge.StatusPurposeRevocation}},
	}, kr.SigningKey(), now)
	if err != nil {
		t.Fatal(err)
	}
	li.credential = ic.DataIntegrity
	li.key = strings.TrimPrefix(kr.SigningKey().VerificationMethod, issuer+"#")
	serveJSON := func(path string, doc any) {
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(doc)
		})
	}
	vms, err := kr.VerificationMethods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	serveJSON("/issuer", badge.ProfileDocument(badge.IssuerProfile{ID: issuer, Name: "certlab (local)"}, vms))
	serveJSON("/status/1", signedList)
	mux.HandleFunc("GET /credentials/c1", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("format") == "jwt" {
			io.WriteString(w, ic.JWT)
			return
		}
		w.Write(ic.DataIntegrity)
	})
	return li
}

// TestBadgeVerifyLocalServer verifies a credential served by a certlab
// issuer over plain http on a loopback address, with and without
// --public-key, in both forms, and baked into an image.
func TestBadgeVerifyLocalServer(t *testing.T) {
	li := newLocalIssuer(t)
	ctx := context.Background()
	for _, args := range [][]string{
		{li.credURL},
		{li.jwtURL},
		{li.credURL, "--public-key", li.key},
		{li.credURL, "--trusted-issuer", li.url + "/issuer"},
	} {
		out, err := runCmd(t, ctx, "", append([]string{"badge", "verify"}, args...)...)
		if err != nil {
			t.Errorf("badge verify %v: %v\n%s", args, err, out)
			continue
		}
		switch {
		case len(args) == 1 && !strings.Contains(out, "issuer is UNKNOWN"):
			t.Errorf("badge verify %v: want the issuer reported as unknown:\n%s", args, out)
		case len(args) == 3 && args[1] == "--trusted-issuer" && !strings.Contains(out, "issuer is one this server's administrator trusts"):
			t.Errorf("badge verify %v: want the issuer reported as trusted:\n%s", args, out)
		}
		if !strings.Contains(out, `Signed by:   the holder of the key you supplied`) && !strings.Contains(out, `Signed by:   "certlab (local)" (`+li.url+`/issuer), with a key found in the issuer profile at `+li.url+`/issuer`) {
			t.Errorf("badge verify %v: the report does not say who signed:\n%s", args, out)
		}
	}

	// A baked SVG badge is read like the credential itself.
	dir := t.TempDir()
	img, cred, out := filepath.Join(dir, "badge.svg"), filepath.Join(dir, "c.json"), filepath.Join(dir, "baked.svg")
	os.WriteFile(img, badge.BadgeSVG(badge.BadgeArt{Title: "AZ-400"}), 0o600)
	os.WriteFile(cred, li.credential, 0o600)
	if o, err := runCmd(t, ctx, "", "badge", "bake", "--image", img, "--credential", cred, "-o", out); err != nil {
		t.Fatalf("badge bake: %v\n%s", err, o)
	}
	if o, err := runCmd(t, ctx, "", "badge", "verify", out); err != nil || !strings.Contains(o, "Signature valid") {
		t.Errorf("badge verify baked.svg: %v\n%s", err, o)
	}

	// Plain http to anything but a loopback address stays refused.
	r := &badge.WebResolver{AllowLoopbackHTTP: true}
	if _, err := r.ResolveKey(ctx, "http://certlab.example/issuer#"+li.key); err == nil || !strings.Contains(err.Error(), "not trusted") {
		t.Errorf("resolving an http:// key on a public host: err = %v", err)
	}
}
