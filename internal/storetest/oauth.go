package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab"
)

// RunOAuth runs the contract of the Open Badges API's storage: OAuth
// clients and tokens, pushed credentials and profile ids. Run calls it.
func RunOAuth(t *testing.T, open Opener) {
	t.Run("OAuthClients", func(t *testing.T) { testOAuthClients(t, open(t)) })
	t.Run("OAuthTokens", func(t *testing.T) { testOAuthTokens(t, open(t)) })
	t.Run("OAuthSecret", func(t *testing.T) { testOAuthSecret(t, open(t)) })
	t.Run("PushedCredentials", func(t *testing.T) { testPushed(t, open(t)) })
	t.Run("ProfilesAndNames", func(t *testing.T) { testProfiles(t, open(t)) })
}

func mustClient(t *testing.T, s certlab.Store, id string) *certlab.OAuthClient {
	t.Helper()
	c := &certlab.OAuthClient{ID: id, SecretHash: "h-" + id, Metadata: json.RawMessage(`{"client_name":"` + id + `"}`), CreatedAt: t0}
	if err := s.CreateOAuthClient(context.Background(), c); err != nil {
		t.Fatalf("create client %s: %v", id, err)
	}
	return c
}

func testOAuthClients(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	mustClient(t, s, "c1")
	wantCode(t, s.CreateOAuthClient(ctx, &certlab.OAuthClient{ID: "c1", SecretHash: "x", Metadata: json.RawMessage(`{}`)}), certlab.ECONFLICT)
	got, err := s.OAuthClient(ctx, "c1")
	if err != nil || got.SecretHash != "h-c1" || string(got.Metadata) != `{"client_name":"c1"}` || !got.CreatedAt.Equal(t0) {
		t.Fatalf("client: %v %+v", err, got)
	}
	_, err = s.OAuthClient(ctx, "nope")
	wantCode(t, err, certlab.ENOTFOUND)
}

func testOAuthTokens(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "o@example.org")
	mustClient(t, s, "c1")
	tok := func(kind, sig, req string, exp time.Time) *certlab.OAuthToken {
		return &certlab.OAuthToken{Kind: kind, Signature: sig, RequestID: req, ClientID: "c1", UserID: u.ID, Active: true,
			Request: json.RawMessage(`{"id":"` + req + `"}`), ExpiresAt: exp, CreatedAt: t0}
	}
	for _, x := range []*certlab.OAuthToken{
		tok(certlab.OAuthCode, "s1", "r1", t0.Add(10*time.Minute)),
		tok(certlab.OAuthAccess, "s1", "r1", t0.Add(time.Hour)), // same signature, other kind
		tok(certlab.OAuthAccess, "s2", "r1", t0.Add(time.Hour)),
		tok(certlab.OAuthRefresh, "s3", "r1", t0.Add(30*24*time.Hour)),
		tok(certlab.OAuthAccess, "s4", "r2", t0.Add(time.Hour)),
	} {
		if err := s.CreateOAuthToken(ctx, x); err != nil {
			t.Fatalf("create %s %s: %v", x.Kind, x.Signature, err)
		}
	}
	wantCode(t, s.CreateOAuthToken(ctx, tok(certlab.OAuthCode, "s1", "r9", t0)), certlab.ECONFLICT)

	got, err := s.OAuthToken(ctx, certlab.OAuthCode, "s1")
	if err != nil || !got.Active || got.RequestID != "r1" || got.UserID != u.ID || got.ClientID != "c1" ||
		string(got.Request) != `{"id":"r1"}` || !got.ExpiresAt.Equal(t0.Add(10*time.Minute)) || !got.CreatedAt.Equal(t0) {
		t.Fatalf("code: %v %+v", err, got)
	}
	_, err = s.OAuthToken(ctx, certlab.OAuthRefresh, "s1")
	wantCode(t, err, certlab.ENOTFOUND)

	// A used code stays readable, inactive.
	if err := s.DeactivateOAuthToken(ctx, certlab.OAuthCode, "s1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.OAuthToken(ctx, certlab.OAuthCode, "s1"); got.Active {
		t.Fatal("the used code is still active")
	}
	wantCode(t, s.DeactivateOAuthToken(ctx, certlab.OAuthCode, "nope"), certlab.ENOTFOUND)

	// Revoking a request's refresh tokens leaves its access tokens; deleting
	// its access tokens leaves other requests'.
	if err := s.DeactivateOAuthRequest(ctx, certlab.OAuthRefresh, "r1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.OAuthToken(ctx, certlab.OAuthRefresh, "s3"); got.Active {
		t.Fatal("refresh token of r1 still active")
	}
	if got, _ := s.OAuthToken(ctx, certlab.OAuthAccess, "s2"); !got.Active {
		t.Fatal("access token of r1 deactivated with its refresh tokens")
	}
	if err := s.DeleteOAuthRequest(ctx, certlab.OAuthAccess, "r1"); err != nil {
		t.Fatal(err)
	}
	for _, sig := range []string{"s1", "s2"} {
		_, err := s.OAuthToken(ctx, certlab.OAuthAccess, sig)
		wantCode(t, err, certlab.ENOTFOUND)
	}
	if _, err := s.OAuthToken(ctx, certlab.OAuthAccess, "s4"); err != nil {
		t.Fatalf("another request's token went too: %v", err)
	}
	if err := s.DeleteOAuthRequest(ctx, certlab.OAuthAccess, "none"); err != nil {
		t.Fatalf("deleting the tokens of a request without any: %v", err)
	}
	if err := s.DeleteOAuthToken(ctx, certlab.OAuthAccess, "s4"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.DeleteOAuthToken(ctx, certlab.OAuthAccess, "s4"), certlab.ENOTFOUND)

	// Purge removes what expired before the time, nothing else.
	n, err := s.PurgeOAuthTokens(ctx, t0.Add(20*time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("purge: %d %v, want the one expired code", n, err)
	}
	if _, err := s.OAuthToken(ctx, certlab.OAuthRefresh, "s3"); err != nil {
		t.Fatalf("the refresh token was purged before it expired: %v", err)
	}
}

func testOAuthSecret(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	cands := make([][]byte, 8)
	got := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range cands {
		cands[i] = bytes.Repeat([]byte{byte('a' + i)}, 32)
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if got[i], err = s.OAuthSecret(ctx, cands[i]); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for i := range got {
		if !bytes.Equal(got[i], got[0]) || len(got[i]) != 32 {
			t.Fatalf("concurrent first calls disagree: %q and %q", got[0], got[i])
		}
	}
	again, err := s.OAuthSecret(ctx, bytes.Repeat([]byte{'z'}, 32))
	if err != nil || !bytes.Equal(again, got[0]) {
		t.Fatalf("a later call replaced the secret: %q %v", again, err)
	}
}

func testPushed(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u, other := MustUser(t, s, "p@example.org"), MustUser(t, s, "q@example.org")
	admin := MustUser(t, s, "admin@example.org")
	from := t0.Add(-48 * time.Hour)
	p := &certlab.PushedCredential{UserID: u.ID, Key: "k1", IssuerID: "did:key:z1", CredentialURI: "urn:uuid:1", Format: "json",
		Document: []byte(`{"id":"urn:uuid:1"}`), Digest: "d1", ValidFrom: &from, Verification: json.RawMessage(`{"verified":true}`), CreatedAt: t0}
	e := &certlab.ExternalCredential{UserID: u.ID, CredentialID: "azure-administrator-associate", Issuer: "Other", Name: "Admin",
		ExternalID: "urn:uuid:1", Status: certlab.ExternalDeclared, CreatedAt: t0}
	if err := s.CreatePushedCredential(ctx, p, e); err != nil || p.ID == 0 || e.ID == 0 || p.ExternalID != e.ID {
		t.Fatalf("create: %v %+v %+v", err, p, e)
	}
	// The same credential again is a conflict, and leaves no second queue entry.
	dup := *p
	wantCode(t, s.CreatePushedCredential(ctx, &dup, &certlab.ExternalCredential{UserID: u.ID, CredentialID: "x", Issuer: "x", Status: certlab.ExternalDeclared}), certlab.ECONFLICT)
	if all, _ := s.ExternalCredentials(ctx, certlab.ExternalFilter{UserID: &u.ID}); len(all) != 1 {
		t.Fatalf("a refused push left %d queue entries, want 1", len(all))
	}
	// Another user may push the same credential.
	if err := s.CreatePushedCredential(ctx, &certlab.PushedCredential{UserID: other.ID, Key: "k1", IssuerID: "did:key:z1", CredentialURI: "urn:uuid:1", Format: "jwt",
		Document: []byte("a.b.c"), Digest: "d9", Verification: json.RawMessage(`{}`)},
		&certlab.ExternalCredential{UserID: other.ID, CredentialID: "x", Issuer: "x", Status: certlab.ExternalDeclared}); err != nil {
		t.Fatal(err)
	}

	got, err := s.PushedCredential(ctx, u.ID, "k1")
	if err != nil || got.ID != p.ID || string(got.Document) != `{"id":"urn:uuid:1"}` || got.Digest != "d1" || !got.ValidFrom.Equal(from) ||
		string(got.Verification) != `{"verified":true}` || got.Format != "json" || got.IssuerID != "did:key:z1" || got.CredentialURI != "urn:uuid:1" {
		t.Fatalf("pushed: %v %+v", err, got)
	}
	_, err = s.PushedCredential(ctx, u.ID, "k2")
	wantCode(t, err, certlab.ENOTFOUND)
	if got, err := s.PushedCredentialByExternal(ctx, e.ID); err != nil || got.ID != p.ID {
		t.Fatalf("by external: %v %+v", err, got)
	}

	// Reviewed, then replaced: back in the queue with the new details.
	now := t0.Add(time.Hour)
	e.ReviewedBy, e.ReviewedAt, e.Status, e.ReviewNote = &admin.ID, &now, certlab.ExternalVerified, "ok"
	if err := s.ReviewExternalCredential(ctx, e); err != nil {
		t.Fatal(err)
	}
	later := from.Add(24 * time.Hour)
	p.Document, p.Digest, p.ValidFrom, p.UpdatedAt = []byte(`{"id":"urn:uuid:1","v":2}`), "d2", &later, now
	ne := &certlab.ExternalCredential{UserID: u.ID, CredentialID: "azure-developer-associate", Issuer: "Other 2", Name: "Dev", ExternalID: "urn:uuid:1"}
	if err := s.ReplacePushedCredential(ctx, p, ne, "d1"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.ReplacePushedCredential(ctx, p, ne, "d1"), certlab.ECONFLICT) // d1 is gone
	back, err := s.ExternalCredential(ctx, e.ID)
	if err != nil || back.Status != certlab.ExternalDeclared || back.ReviewedBy != nil || back.ReviewedAt != nil || back.ReviewNote != "" ||
		back.CredentialID != "azure-developer-associate" || back.Issuer != "Other 2" || back.Name != "Dev" {
		t.Fatalf("external credential after the replacement: %v %+v", err, back)
	}
	if got, _ := s.PushedCredential(ctx, u.ID, "k1"); got.Digest != "d2" || !got.ValidFrom.Equal(later) || !got.UpdatedAt.Equal(now) {
		t.Fatalf("replaced document: %+v", got)
	}
}

func testProfiles(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u, v := MustUser(t, s, "n@example.org"), MustUser(t, s, "m@example.org")
	id, err := s.ProfileID(ctx, u.ID, "urn:uuid:a")
	if err != nil || id != "urn:uuid:a" {
		t.Fatalf("first profile id: %q %v", id, err)
	}
	if id, _ := s.ProfileID(ctx, u.ID, "urn:uuid:b"); id != "urn:uuid:a" {
		t.Fatalf("the profile id changed to %q", id)
	}
	if id, _ := s.ProfileID(ctx, v.ID, "urn:uuid:c"); id != "urn:uuid:c" {
		t.Fatalf("second user's profile id %q", id)
	}
	if err := s.SetUserName(ctx, u.ID, "Ada L."); err != nil {
		t.Fatal(err)
	}
	got, _ := s.User(ctx, u.ID)
	if got.Name != "Ada L." || got.Email != u.Email || got.PasswordHash != u.PasswordHash || got.Role != u.Role {
		t.Fatalf("after SetUserName: %+v", got)
	}
	wantCode(t, s.SetUserName(ctx, 9999, "x"), certlab.ENOTFOUND)
}
