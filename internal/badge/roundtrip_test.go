package badge

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fastKDF keeps Argon2id cheap in tests; production uses DefaultKDFParams.
func fastKDF() KDFParams { return KDFParams{Time: 1, MemoryKiB: 64, Threads: 1} }

// testIssuer is a certlab issuer served by a real TLS server on 127.0.0.1:
// its profile (with keys) at /issuer and its revocation list at /status/1.
type testIssuer struct {
	t        *testing.T
	srv      *httptest.Server
	issuerID string
	listURL  string
	loader   *ContextLoader
	keyring  *Keyring
	now      time.Time

	mu         sync.Mutex
	list       *StatusList
	listSigned []byte
}

func newTestIssuer(t *testing.T, now time.Time) *testIssuer {
	t.Helper()
	ti := &testIssuer{t: t, loader: mustFixtureLoader(t), list: NewStatusList(0), now: now}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /issuer", func(w http.ResponseWriter, r *http.Request) {
		vms, err := ti.keyring.VerificationMethods(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		b, err := MarshalDocument(ProfileDocument(IssuerProfile{ID: ti.issuerID, Name: "certlab test"}, vms))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	})
	mux.HandleFunc("GET /status/1", func(w http.ResponseWriter, r *http.Request) {
		ti.mu.Lock()
		defer ti.mu.Unlock()
		w.Header().Set("Content-Type", "application/vc+ld+json")
		w.Write(ti.listSigned)
	})
	ti.srv = httptest.NewTLSServer(mux)
	t.Cleanup(ti.srv.Close)
	ti.issuerID = ti.srv.URL + "/issuer"
	ti.listURL = ti.srv.URL + "/status/1"
	sealer, err := NewKeySealer([]byte("test secret, 32 bytes long......"), fastKDF())
	if err != nil {
		t.Fatalf("sealer: %v", err)
	}
	if ti.keyring, err = OpenKeyring(context.Background(), &MemoryKeyStore{}, sealer, ti.issuerID, fixedClock(now)); err != nil {
		t.Fatalf("open keyring: %v", err)
	}
	ti.publishList()
	return ti
}

// publishList signs the current status list and serves it.
func (ti *testIssuer) publishList() {
	ti.t.Helper()
	ti.mu.Lock()
	defer ti.mu.Unlock()
	doc, err := StatusListCredentialDocument(StatusListCredentialParams{
		ID: ti.listURL, IssuerID: ti.issuerID, Purpose: StatusPurposeRevocation, ValidFrom: ti.now.Add(-time.Hour),
	}, ti.list)
	if err != nil {
		ti.t.Fatalf("status list document: %v", err)
	}
	signed, err := ti.loader.SignDataIntegrity(doc, ti.keyring.SigningKey(), ti.now)
	if err != nil {
		ti.t.Fatalf("sign status list: %v", err)
	}
	if ti.listSigned, err = MarshalDocument(signed); err != nil {
		ti.t.Fatalf("marshal status list: %v", err)
	}
}

func (ti *testIssuer) revoke(index int) {
	ti.t.Helper()
	ti.mu.Lock()
	err := ti.list.Set(index, true)
	ti.mu.Unlock()
	if err != nil {
		ti.t.Fatalf("revoke: %v", err)
	}
	ti.publishList()
}

func (ti *testIssuer) badge(id string, index int) OpenBadge {
	return OpenBadge{
		ID:     ti.srv.URL + "/credentials/" + id,
		Issuer: IssuerProfile{ID: ti.issuerID, Name: "certlab test", URL: "https://certlab.example"},
		Achievement: Achievement{
			ID: ti.srv.URL + "/achievements/devops-expert", Name: "DevOps Engineer Expert",
			Description: "Passed AZ-400 and holds an associate credential.",
			Criteria:    "Pass AZ-400 and hold Azure Administrator Associate or Azure Developer Associate.",
			Type:        "Certification",
		},
		Recipient:  Recipient{Email: "Ada@Example.org", Salt: "pepper-1"},
		ValidFrom:  ti.now.Add(-time.Hour),
		ValidUntil: ti.now.AddDate(1, 0, 0),
		Status:     []StatusRef{{ListURL: ti.listURL, Index: index, Purpose: StatusPurposeRevocation}},
	}
}

func (ti *testIssuer) issue(id string, index int) *IssuedCredential {
	ti.t.Helper()
	ic, err := ti.loader.Issue(ti.badge(id, index), ti.keyring.SigningKey(), ti.now)
	if err != nil {
		ti.t.Fatalf("issue %s: %v", id, err)
	}
	return ic
}

// verifier returns a verifier that finds keys and lists over HTTPS only,
// as an outside party would, with its clock at now.
func (ti *testIssuer) verifier(now time.Time) *Verifier {
	return &Verifier{
		Contexts: ti.loader,
		Keys:     &WebResolver{Client: ti.srv.Client()},
		Status:   &HTTPStatusFetcher{Client: ti.srv.Client()},
		Now:      fixedClock(now),
	}
}

func TestRoundTripIssueExportVerifyRevoke(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ti := newTestIssuer(t, now)
	ic := ti.issue("c-1", 42)
	other := ti.issue("c-2", 43)

	// Export both forms to files, as a holder would download them.
	dir := t.TempDir()
	diPath, jwtPath := filepath.Join(dir, "badge.json"), filepath.Join(dir, "badge.jwt")
	if err := os.WriteFile(diPath, ic.DataIntegrity, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(jwtPath, []byte(ic.JWT+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	forms := map[string][]byte{"data integrity": mustReadFile(t, diPath), "vc-jwt": mustReadFile(t, jwtPath)}

	ver := ti.verifier(now.Add(time.Minute))
	for name, data := range forms {
		rep := ver.Verify(context.Background(), data)
		if !rep.OK() {
			t.Fatalf("%s: fresh credential does not verify:\n%s", name, reportText(t, rep))
		}
	}

	ti.revoke(42)
	for name, data := range forms {
		rep := ver.Verify(context.Background(), data)
		if rep.OK() {
			t.Fatalf("%s: revoked credential verified:\n%s", name, reportText(t, rep))
		}
		c := rep.Failed(CheckStatus)
		if c == nil || !strings.Contains(c.Explanation, "has revoked this credential") || !strings.Contains(c.Explanation, "entry 42") {
			t.Errorf("%s: want a status failure naming the revocation:\n%s", name, reportText(t, rep))
		}
		for _, ch := range rep.Checks {
			if ch.Name != CheckStatus && !ch.Passed {
				t.Errorf("%s: only the status check should fail, %s failed: %s", name, ch.Name, ch.Explanation)
			}
		}
	}
	// The neighbour in the same list is untouched.
	if rep := ver.Verify(context.Background(), other.DataIntegrity); !rep.OK() {
		t.Errorf("credential at index 43 no longer verifies:\n%s", reportText(t, rep))
	}
}

func TestVerifyValidityWindowWithInjectedClock(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ti := newTestIssuer(t, now)
	ic := ti.issue("c-1", 1)
	b := ti.badge("c-1", 1)
	tests := []struct {
		name   string
		at     time.Time
		failed CheckName // "" when all checks should pass
		reason string
	}{
		{"one second before validFrom", b.ValidFrom.Add(-time.Second), CheckValidFrom, "not valid yet"},
		{"at validFrom", b.ValidFrom, "", ""},
		{"half a year in", b.ValidFrom.AddDate(0, 6, 0), "", ""},
		{"at validUntil", b.ValidUntil, "", ""},
		{"one second after validUntil", b.ValidUntil.Add(time.Second), CheckValidUntil, "expired"},
		{"ten years later", b.ValidUntil.AddDate(10, 0, 0), CheckValidUntil, "expired"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, data := range [][]byte{ic.DataIntegrity, []byte(ic.JWT)} {
				rep := ti.verifier(tc.at).Verify(context.Background(), data)
				if tc.failed == "" {
					if !rep.OK() {
						t.Errorf("want all checks to pass:\n%s", reportText(t, rep))
					}
					continue
				}
				c := rep.Failed(tc.failed)
				if rep.OK() || c == nil || !strings.Contains(c.Explanation, tc.reason) {
					t.Errorf("want %s to fail with %q:\n%s", tc.failed, tc.reason, reportText(t, rep))
				}
			}
		})
	}
}

func TestKeyRotationAndWithdrawal(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ti := newTestIssuer(t, now)
	ctx := context.Background()
	first := ti.keyring.SigningKey()
	old := ti.issue("old", 1)
	if _, err := ti.keyring.Rotate(ctx); err != nil {
		t.Fatalf("rotate: %v", err)
	}
	second := ti.keyring.SigningKey()
	if second.VerificationMethod == first.VerificationMethod {
		t.Fatal("rotation kept the same key")
	}
	ti.publishList() // re-signed with the new key
	fresh := ti.issue("new", 2)
	ver := ti.verifier(now)
	for name, data := range map[string][]byte{"old key": old.DataIntegrity, "new key": fresh.DataIntegrity, "old key jwt": []byte(old.JWT)} {
		if rep := ver.Verify(ctx, data); !rep.OK() {
			t.Errorf("%s: does not verify after rotation:\n%s", name, reportText(t, rep))
		}
	}
	keys, err := ti.keyring.store.IssuerKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if k.ID == first.VerificationMethod && (k.Retired.IsZero() || k.SealedPrivateKey != nil) {
			t.Errorf("retired key %s: retired %v, still holds its sealed private key: %v", k.ID, k.Retired, k.SealedPrivateKey != nil)
		}
	}

	if err := ti.keyring.Withdraw(ctx, first.VerificationMethod, "laptop stolen"); err != nil {
		t.Fatalf("withdraw: %v", err)
	}
	rep := ver.Verify(ctx, old.DataIntegrity)
	if c := rep.Failed(CheckIssuerKey); rep.OK() || c == nil || !strings.Contains(c.Explanation, "withdrew the key") {
		t.Errorf("credential signed by a withdrawn key: want issuer-key failure:\n%s", reportText(t, rep))
	}
	if rep := ver.Verify(ctx, fresh.DataIntegrity); !rep.OK() {
		t.Errorf("credential signed by the current key no longer verifies:\n%s", reportText(t, rep))
	}

	// The keyring, used directly by the server, agrees; so does a
	// verifier's own list of withdrawn keys.
	local := &Verifier{Contexts: ti.loader, Keys: ti.keyring, Status: &HTTPStatusFetcher{Client: ti.srv.Client()}, Now: fixedClock(now)}
	if rep := local.Verify(ctx, old.DataIntegrity); rep.Failed(CheckIssuerKey) == nil {
		t.Errorf("keyring resolver accepted a withdrawn key:\n%s", reportText(t, rep))
	}
	listed := ti.verifier(now)
	listed.Withdrawn = []string{EncodeMultikey(second.PublicKey())}
	if rep := listed.Verify(ctx, fresh.DataIntegrity); rep.Failed(CheckIssuerKey) == nil {
		t.Errorf("verifier's withdrawn list was ignored:\n%s", reportText(t, rep))
	}

	// Withdrawing the active key rotates to a new one first.
	if err := ti.keyring.Withdraw(ctx, second.VerificationMethod, "rotation drill"); err != nil {
		t.Fatalf("withdraw active: %v", err)
	}
	if ti.keyring.SigningKey().VerificationMethod == second.VerificationMethod {
		t.Error("withdrawn active key is still the signing key")
	}
}

func TestKeyringReopen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := &MemoryKeyStore{}
	secret := []byte("a configured secret of 32 bytes!")
	sealer, err := NewKeySealer(secret, fastKDF())
	if err != nil {
		t.Fatal(err)
	}
	first, err := OpenKeyring(ctx, store, sealer, "https://certlab.example/issuer", nil)
	if err != nil {
		t.Fatalf("first start: %v", err)
	}
	again, err := OpenKeyring(ctx, store, sealer, "https://certlab.example/issuer", nil)
	if err != nil {
		t.Fatalf("second start: %v", err)
	}
	if !first.SigningKey().PrivateKey.Equal(again.SigningKey().PrivateKey) {
		t.Error("reopening the keyring created or loaded a different key")
	}
	keys, _ := store.IssuerKeys(ctx)
	if len(keys) != 1 {
		t.Fatalf("store holds %d keys after two starts, want 1", len(keys))
	}
	if strings.Contains(string(keys[0].SealedPrivateKey), string(first.SigningKey().PrivateKey.Seed())) {
		t.Error("private key is stored in the clear")
	}
	wrong, _ := NewKeySealer([]byte("another secret of 32 bytes......"), fastKDF())
	if _, err := OpenKeyring(ctx, store, wrong, "https://certlab.example/issuer", nil); err == nil || !strings.Contains(err.Error(), "wrong secret") {
		t.Errorf("opening with the wrong secret: err = %v, want a wrong-secret error", err)
	}
}

func TestKeySealer(t *testing.T) {
	t.Parallel()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewKeySealer([]byte("0123456789abcdef0123456789abcdef"), fastKDF())
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := s.Seal(priv, "k1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Open(sealed, "k1")
	if err != nil || !got.Equal(priv) {
		t.Fatalf("open = %v, %v; want the sealed key", got, err)
	}
	flip := func(i int) []byte {
		b := append([]byte(nil), sealed...)
		b[i] ^= 1
		return b
	}
	tests := []struct {
		name   string
		sealed []byte
		id     string
	}{
		{"other key id", sealed, "k2"},
		{"salt altered", flip(12), "k1"},
		{"ciphertext altered", flip(len(sealed) - 20), "k1"},
		{"tag altered", flip(len(sealed) - 1), "k1"},
		{"kdf time altered", flip(4), "k1"},
		{"truncated", sealed[:20], "k1"},
		{"empty", nil, "k1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.Open(tc.sealed, tc.id); err == nil {
				t.Error("open succeeded")
			}
		})
	}
	if _, err := NewKeySealer([]byte("short"), fastKDF()); err == nil {
		t.Error("a 5-byte secret was accepted")
	}
}
