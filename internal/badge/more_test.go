package badge

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestProofExpires(t *testing.T) {
	t.Parallel()
	loader := mustFixtureLoader(t)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	did := "did:key:" + EncodeMultikey(pub)
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	doc, err := OpenBadgeDocument(OpenBadge{
		ID: "https://c.example/credentials/1", Issuer: IssuerProfile{ID: did, Name: "C"},
		Achievement: Achievement{ID: "https://c.example/a/1", Name: "A", Criteria: "Do it."},
		Recipient:   Recipient{ID: "did:example:x"}, ValidFrom: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	proof := map[string]any{
		"type": ProofTypeDataIntegrity, "cryptosuite": CryptosuiteEdDSARDFC, "proofPurpose": ProofPurposeAssertion,
		"verificationMethod": did + "#" + EncodeMultikey(pub),
		"created":            formatDateTime(now), "expires": formatDateTime(now.Add(24 * time.Hour)),
	}
	h, err := loader.ProofHashes(doc, proof)
	if err != nil {
		t.Fatal(err)
	}
	proof["proofValue"] = EncodeMultibase(ed25519.Sign(priv, h.DataToSign))
	doc["proof"] = proof
	data := mustJSON(t, doc)
	tests := []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"before expiry", now.Add(time.Hour), true},
		{"after expiry", now.Add(25 * time.Hour), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := (&Verifier{Contexts: loader, Keys: &WebResolver{}, Now: fixedClock(tc.at)}).Verify(context.Background(), data)
			if rep.OK() != tc.ok {
				t.Fatalf("OK() = %v, want %v:\n%s", rep.OK(), tc.ok, reportText(t, rep))
			}
			if !tc.ok {
				if c := rep.Failed(CheckProof); c == nil || !strings.Contains(c.Explanation, "has passed") {
					t.Errorf("want the proof check to name the expiry:\n%s", reportText(t, rep))
				}
			}
		})
	}
}

// TestServerResolverChain is how the server verifies: its own keys from
// the keyring first, anything else (did:key here) from the web resolver.
func TestServerResolverChain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ti := newTestIssuer(t, now)
	own := ti.issue("own", 3)

	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	did := "did:key:" + EncodeMultikey(pub)
	foreign, err := ti.loader.Issue(OpenBadge{
		ID: "https://other.example/c/1", Issuer: IssuerProfile{ID: did, Name: "Other"},
		Achievement: Achievement{ID: "https://other.example/a/1", Name: "A", Criteria: "Do it."},
		Recipient:   Recipient{ID: "did:example:x"}, ValidFrom: now,
	}, SigningKey{VerificationMethod: did + "#" + EncodeMultikey(pub), PrivateKey: priv}, now)
	if err != nil {
		t.Fatal(err)
	}
	// Status lists come from the server's own memory, not over HTTP.
	lists := StatusFetcherFunc(func(_ context.Context, url string) ([]byte, error) {
		if url != ti.listURL {
			t.Errorf("asked for status list %s", url)
		}
		ti.mu.Lock()
		defer ti.mu.Unlock()
		return append([]byte(nil), ti.listSigned...), nil
	})
	ver := &Verifier{
		Contexts: ti.loader,
		Keys:     ChainResolver{ti.keyring, &WebResolver{Client: NewPublicHTTPClient(time.Second)}},
		Status:   lists,
		Now:      fixedClock(now),
	}
	rep := ver.Verify(ctx, own.DataIntegrity)
	if !rep.OK() {
		t.Fatalf("own credential:\n%s", reportText(t, rep))
	}
	if c := rep.Checks[1]; !strings.Contains(c.Explanation, "certlab's own issuer key store") {
		t.Errorf("own key should come from the key store: %s", c.Explanation)
	}
	if rep := ver.Verify(ctx, foreign.DataIntegrity); !rep.OK() {
		t.Errorf("did:key credential:\n%s", reportText(t, rep))
	}
}

func TestIssueRefusesKeyOfAnotherIssuer(t *testing.T) {
	t.Parallel()
	v := mustVector(t)
	b := OpenBadge{
		ID: "https://c.example/credentials/1", Issuer: IssuerProfile{ID: "https://c.example/issuer", Name: "C"},
		Achievement: Achievement{ID: "https://c.example/a/1", Name: "A", Criteria: "Do it."},
		Recipient:   Recipient{ID: "did:example:x"}, ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for _, vm := range []string{"https://c.example/issuer2#k", "https://c.example/issuer/extra#k", "did:key:z6Mk#z6Mk"} {
		key := SigningKey{VerificationMethod: vm, PrivateKey: mustHex(t, v.PrivateKeyHex)}
		if _, err := mustFixtureLoader(t).Issue(b, key, b.ValidFrom); err == nil || !strings.Contains(err.Error(), "does not belong") {
			t.Errorf("issue with key %s: err = %v, want a does-not-belong error", vm, err)
		}
	}
}

// TestKeySealerDefaultParams seals and opens once with the production
// Argon2id parameters.
func TestKeySealerDefaultParams(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("Argon2id with 64 MiB is slow in -short mode")
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewKeySealer([]byte("production-like secret, 32 bytes"), DefaultKDFParams())
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := s.Seal(priv, "k")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Open(sealed, "k")
	if err != nil || !got.Equal(priv) {
		t.Fatalf("open = %v; want the sealed key", err)
	}
}

// failingStore is a MemoryKeyStore whose saves fail after the first ok ones.
type failingStore struct {
	*MemoryKeyStore
	okSaves int
}

func (f *failingStore) SaveIssuerKey(ctx context.Context, k StoredKey) error {
	if f.okSaves == 0 {
		return errors.New("disk full")
	}
	f.okSaves--
	return f.MemoryKeyStore.SaveIssuerKey(ctx, k)
}

// TestRotationInterruptedLeavesRecoverableStore checks that a rotation cut
// short after retiring the old key leaves a store the next start repairs.
func TestRotationInterruptedLeavesRecoverableStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mem := &MemoryKeyStore{}
	store := &failingStore{MemoryKeyStore: mem, okSaves: 2} // first key, then the retirement
	sealer, err := NewKeySealer([]byte("a configured secret of 32 bytes!"), fastKDF())
	if err != nil {
		t.Fatal(err)
	}
	kr, err := OpenKeyring(ctx, store, sealer, "https://c.example/issuer", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kr.Rotate(ctx); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("rotate with a failing store: err = %v", err)
	}
	again, err := OpenKeyring(ctx, mem, sealer, "https://c.example/issuer", nil)
	if err != nil {
		t.Fatalf("start after interrupted rotation: %v", err)
	}
	keys, _ := mem.IssuerKeys(ctx)
	active := 0
	for _, k := range keys {
		if k.Retired.IsZero() && k.Withdrawn.IsZero() {
			active++
		}
	}
	if len(keys) != 2 || active != 1 {
		t.Errorf("store holds %d keys, %d active; want 2 keys, 1 active", len(keys), active)
	}
	if again.SigningKey().VerificationMethod == kr.SigningKey().VerificationMethod {
		t.Error("the retired key is still the signing key after restart")
	}
}
