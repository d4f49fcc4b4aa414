package badge

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestBase58BTC(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, ""},
		{"one zero byte", []byte{0}, "1"},
		{"leading zeros", []byte{0, 0, 1}, "112"},
		{"hello world", []byte("hello world"), "StV1DL6CwTryKyV"},
		{"max byte", []byte{0xff}, "5Q"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := EncodeBase58BTC(tc.in); got != tc.want {
				t.Errorf("encode = %q, want %q", got, tc.want)
			}
			back, err := DecodeBase58BTC(tc.want)
			if err != nil || !bytes.Equal(back, tc.in) && len(tc.in)+len(back) > 0 {
				t.Errorf("decode(%q) = %x, %v; want %x", tc.want, back, err, tc.in)
			}
		})
	}
	if _, err := DecodeBase58BTC("0OIl"); err == nil {
		t.Error("characters outside the alphabet were accepted")
	}
}

func TestMultikey(t *testing.T) {
	t.Parallel()
	v := mustVector(t)
	pub, err := DecodeMultikey(v.PublicKeyMultibase)
	if err != nil {
		t.Fatalf("decode vector key: %v", err)
	}
	if !bytes.Equal(pub, mustHex(t, v.PublicKeyHex)) {
		t.Errorf("decoded key %x, want %s", pub, v.PublicKeyHex)
	}
	bad := []struct{ name, in string }{
		{"empty", ""},
		{"base64url instead of base58", "u7QE"},
		{"no prefix", strings.TrimPrefix(v.PublicKeyMultibase, "z")},
		{"x25519 key", EncodeMultibase(append([]byte{0xec, 0x01}, pub...))},
		{"short key", EncodeMultibase(append([]byte{0xed, 0x01}, pub[:31]...))},
		{"long key", EncodeMultibase(append(append([]byte{0xed, 0x01}, pub...), 0))},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := DecodeMultikey(tc.in); err == nil {
				t.Errorf("DecodeMultikey(%q) accepted", tc.in)
			}
		})
	}
}

func TestStatusList(t *testing.T) {
	t.Parallel()
	// The example encodedList of the W3C Bitstring Status List
	// specification: a 16 KiB list with every bit clear.
	spec, err := DecodeStatusList("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA")
	if err != nil {
		t.Fatalf("decode specification example: %v", err)
	}
	if spec.Len() != MinStatusListBits {
		t.Errorf("specification example has %d bits, want %d", spec.Len(), MinStatusListBits)
	}
	for _, i := range []int{0, 1, 94567, MinStatusListBits - 1} {
		if on, err := spec.Get(i); err != nil || on {
			t.Errorf("specification example bit %d = %v, %v; want clear", i, on, err)
		}
	}

	l := NewStatusList(10)
	if l.Len() != MinStatusListBits {
		t.Errorf("NewStatusList(10) has %d bits, want the minimum %d", l.Len(), MinStatusListBits)
	}
	set := []int{0, 7, 8, 94567, MinStatusListBits - 1}
	for _, i := range set {
		if err := l.Set(i, true); err != nil {
			t.Fatalf("set %d: %v", i, err)
		}
	}
	// Index 0 is the most significant bit of the first byte.
	if l.bits[0] != 0x81 || l.bits[1] != 0x80 {
		t.Errorf("first bytes = %08b %08b, want 10000001 10000000", l.bits[0], l.bits[1])
	}
	enc, err := l.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "u") {
		t.Errorf("encodedList %q lacks the multibase base64url prefix", enc[:10])
	}
	back, err := DecodeStatusList(enc)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	for i := range back.Len() {
		on, _ := back.Get(i)
		want := false
		for _, s := range set {
			want = want || s == i
		}
		if on != want {
			t.Fatalf("bit %d = %v after round trip, want %v", i, on, want)
		}
	}
	if err := l.Set(7, false); err != nil {
		t.Fatal(err)
	}
	if on, _ := l.Get(7); on {
		t.Error("bit 7 still set after clearing")
	}
	if err := l.Set(MinStatusListBits, true); err == nil {
		t.Error("setting past the end was accepted")
	}
	if _, err := l.Get(-1); err == nil {
		t.Error("reading index -1 was accepted")
	}
	for _, bad := range []string{"", "u", "uAAAA", "znotgzip", "u!!"} {
		if _, err := DecodeStatusList(bad); err == nil {
			t.Errorf("DecodeStatusList(%q) accepted", bad)
		}
	}
}

func TestDIDKeyIssuer(t *testing.T) {
	t.Parallel()
	loader := mustFixtureLoader(t)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	mk := EncodeMultikey(pub)
	did := "did:key:" + mk
	key := SigningKey{VerificationMethod: did + "#" + mk, PrivateKey: priv}
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	b := OpenBadge{
		ID: "urn:uuid:0b7a3c52-2f47-4a4b-8c1a-6c2d44d1d1a1", Issuer: IssuerProfile{ID: did, Name: "Self-certified"},
		Achievement: Achievement{ID: "https://certlab.example/achievements/az-400", Name: "AZ-400", Criteria: "Pass the exam."},
		Recipient:   Recipient{ID: "did:example:holder"}, ValidFrom: now,
	}
	ic, err := loader.Issue(b, key, now)
	if err != nil {
		t.Fatalf("issue: %v", err)
	}
	ver := &Verifier{Contexts: loader, Keys: &WebResolver{}, Now: fixedClock(now.Add(time.Hour))}
	for _, data := range [][]byte{ic.DataIntegrity, []byte(ic.JWT)} {
		if rep := ver.Verify(context.Background(), data); !rep.OK() {
			t.Errorf("did:key credential does not verify:\n%s", reportText(t, rep))
		}
	}

	// The same did:key named by a credential of another issuer is the
	// credential vouching for its own key: refused.
	b.Issuer.ID = "https://certlab.example/issuer"
	doc, err := OpenBadgeDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := loader.SignDataIntegrity(doc, key, now)
	if err != nil {
		t.Fatal(err)
	}
	rep := ver.Verify(context.Background(), mustJSON(t, signed))
	if c := rep.Failed(CheckIssuerKey); c == nil || !strings.Contains(c.Explanation, "not to the credential's issuer") {
		t.Errorf("key of another controller was accepted:\n%s", reportText(t, rep))
	}
}

func TestDIDWebIssuer(t *testing.T) {
	t.Parallel()
	loader := mustFixtureLoader(t)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]map[string]any{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		d, ok := docs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/did+json")
		_ = json.NewEncoder(w).Encode(d)
	})
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	host := strings.ReplaceAll(u.Host, ":", "%3A")
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

	tests := []struct {
		name, did, path string
	}{
		{"host only", "did:web:" + host, "/.well-known/did.json"},
		{"with path", "did:web:" + host + ":issuers:certlab", "/issuers/certlab/did.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			docURL, err := DIDWebURL(tc.did)
			if err != nil || docURL != srv.URL+tc.path {
				t.Fatalf("DIDWebURL(%s) = %q, %v; want %q", tc.did, docURL, err, srv.URL+tc.path)
			}
			vmID := tc.did + "#key-1"
			docs[tc.path] = DIDDocument(tc.did, []VerificationMethod{{ID: vmID, Type: "Multikey", Controller: tc.did, PublicKeyMultibase: EncodeMultikey(pub)}})
			b := OpenBadge{
				ID: "https://certlab.example/credentials/w1", Issuer: IssuerProfile{ID: tc.did, Name: "Web issuer"},
				Achievement: Achievement{ID: "https://certlab.example/achievements/az-400", Name: "AZ-400", Criteria: "Pass the exam."},
				Recipient:   Recipient{ID: "did:example:holder"}, ValidFrom: now,
			}
			ic, err := loader.Issue(b, SigningKey{VerificationMethod: vmID, PrivateKey: priv}, now)
			if err != nil {
				t.Fatalf("issue: %v", err)
			}
			ver := &Verifier{Contexts: loader, Keys: &WebResolver{Client: srv.Client()}, Now: fixedClock(now)}
			for _, data := range [][]byte{ic.DataIntegrity, []byte(ic.JWT)} {
				if rep := ver.Verify(context.Background(), data); !rep.OK() {
					t.Errorf("did:web credential does not verify:\n%s", reportText(t, rep))
				}
			}
		})
	}
	for _, bad := range []string{"did:web:", "did:key:z6Mk", "did:web:host:..:x", "did:web:a%2Fb"} {
		if _, err := DIDWebURL(bad); err == nil {
			t.Errorf("DIDWebURL(%q) accepted", bad)
		}
	}
}

func TestEmbeddedContextsMatchFixtures(t *testing.T) {
	t.Parallel()
	embedded, err := NewContextLoader()
	if err != nil {
		t.Fatalf("embedded contexts: %v", err)
	}
	fixture := mustFixtureLoader(t)
	for _, url := range requiredContextFiles {
		if !jsonEqual(embedded.docs[url], fixture.docs[url]) {
			t.Errorf("embedded copy of %s differs from the shared fixture", url)
		}
	}
	if got := len(embedded.KnownContexts()); got != len(contextFiles) {
		t.Errorf("embedded loader serves %d contexts, want %d", got, len(contextFiles))
	}
	for _, u := range []string{"https://www.w3.org/2018/credentials/examples/v1", "https://w3id.org/security/v2", "http://www.w3.org/ns/credentials/v2"} {
		if _, err := embedded.LoadDocument(u); err == nil {
			t.Errorf("loader served %s, a context it does not embed", u)
		}
	}
}

func TestOpenBadgeDocumentRejectsIncompleteInput(t *testing.T) {
	t.Parallel()
	good := OpenBadge{
		ID: "https://c.example/credentials/1", Issuer: IssuerProfile{ID: "https://c.example/issuer", Name: "C"},
		Achievement: Achievement{ID: "https://c.example/a/1", Name: "A", Criteria: "Do it."},
		Recipient:   Recipient{ID: "did:example:x"}, ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	if _, err := OpenBadgeDocument(good); err != nil {
		t.Fatalf("complete badge rejected: %v", err)
	}
	tests := []struct {
		name   string
		change func(*OpenBadge)
		want   string
	}{
		{"no id", func(b *OpenBadge) { b.ID = "" }, "missing id"},
		{"no recipient", func(b *OpenBadge) { b.Recipient = Recipient{} }, "recipient"},
		{"email without salt", func(b *OpenBadge) { b.Recipient = Recipient{Email: "a@b.c"} }, "salt"},
		{"until before from", func(b *OpenBadge) { b.ValidUntil = b.ValidFrom.Add(-time.Hour) }, "not after"},
		{"bad status purpose", func(b *OpenBadge) { b.Status = []StatusRef{{ListURL: "https://c.example/s", Purpose: "refresh"}} }, "status purpose"},
		{"no criteria", func(b *OpenBadge) { b.Achievement.Criteria = " " }, "criteria"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := good
			tc.change(&b)
			if _, err := OpenBadgeDocument(b); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}
