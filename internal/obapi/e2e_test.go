package obapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/obapi"
)

const (
	schemaDir      = "testdata/ob-schemas/"
	profileSchema  = "../badge/testdata/ob-schemas/profile.json"
	credentialsURL = obapi.PathCredentials
)

// TestOpenBadgesAPI drives the Open Badges 3.0 API end to end, as a
// wallet or badge host would, with golang.org/x/oauth2 as the OAuth
// client: discovery, registration (RFC 7591), the authorization code grant
// with PKCE through the consent page of a signed-in learner, getCredentials
// page by page, upsertCredential into the admin's review queue,
// getProfile and putProfile, refresh and revocation.
func TestOpenBadgesAPI(t *testing.T) {
	srv := start(t, obapi.Config{})
	ctx := context.Background()
	admin, ada := newBrowser(t, srv.URL), newBrowser(t, srv.URL)
	admin.signUp("admin@example.org", "Admin")
	ada.signUp("ada@example.org", "Ada")
	adaUser, err := srv.Store.UserByEmail(ctx, "ada@example.org")
	if err != nil {
		t.Fatal(err)
	}
	adminUser, _ := srv.Store.UserByEmail(ctx, "admin@example.org")
	// Two credentials stored as issued (signed by another key), then one
	// certlab issues itself: three, oldest first.
	other := newIssuer(t)
	docs := seedCredentials(t, srv.Store, other, adaUser.ID, 2)
	real := issueForReal(t, srv, adaUser, adminUser)
	docs = append(docs, string(real.Document))

	// Discovery: public, the SDD shape 1EdTech publishes.
	resp, body := call(t, "", "GET", srv.URL+obapi.PathDiscovery, "", nil)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("discovery: %d %s", resp.StatusCode, body)
	}
	validate(t, schema(t, schemaDir+"openapi.json", "#/components/schemas/ServiceDescriptionDocument"), body, "the service description")
	var sdd map[string]any
	json.Unmarshal(body, &sdd)
	acg := sdd["components"].(map[string]any)["securitySchemes"].(map[string]any)["OAuth2ACG"].(map[string]any)
	if acg["type"] != "oauth2" || acg["x-imssf-registrationUrl"] != srv.URL+obapi.PathRegister {
		t.Fatalf("OAuth2ACG: %v", acg)
	}
	scopes := acg["flows"].(map[string]any)["authorizationCode"].(map[string]any)["scopes"].(map[string]any)
	for _, sc := range allScopes[:4] {
		if scopes[sc] == nil {
			t.Errorf("the service description lacks scope %s", sc)
		}
	}
	// RFC 8414 metadata.
	resp, body = call(t, "", "GET", srv.URL+obapi.PathMetadata, "", nil)
	var meta map[string]any
	json.Unmarshal(body, &meta)
	if resp.StatusCode != 200 || meta["issuer"] != srv.URL || meta["registration_endpoint"] != srv.URL+obapi.PathRegister ||
		meta["revocation_endpoint"] != srv.URL+obapi.PathRevoke || !strings.Contains(string(body), `"S256"`) {
		t.Fatalf("authorization server metadata: %d %s", resp.StatusCode, body)
	}

	// Registration, then authorization with PKCE through the consent page.
	reg := registerClient(t, acg["x-imssf-registrationUrl"].(string), "Badge Wallet", strings.Join(allScopes, " "))
	if reg.ClientID == "" || reg.ClientSecret == "" || reg.TokenEndpointAuthMethod != "client_secret_basic" || reg.ClientSecretExpiresAt != 0 {
		t.Fatalf("registration response: %+v", reg)
	}
	conf := oauthConfig(sdd, reg, allScopes...)
	tok := authorize(t, ada, conf, "Badge Wallet", allScopes)
	if tok.RefreshToken == "" || tok.Expiry.IsZero() || !strings.EqualFold(tok.TokenType, "bearer") {
		t.Fatalf("token: %+v", tok)
	}
	if got := tok.Extra("scope"); got != strings.Join(allScopes, " ") {
		t.Fatalf("granted scope %q", got)
	}

	// getCredentials, two at a time.
	creds := schema(t, schemaDir+"getopenbadgecredentialsresponse.json", "")
	resp, body = call(t, tok.AccessToken, "GET", srv.URL+credentialsURL+"?limit=2", "", nil)
	if resp.StatusCode != 200 || resp.Header.Get("X-Total-Count") != "3" {
		t.Fatalf("first page: %d total %q %s", resp.StatusCode, resp.Header.Get("X-Total-Count"), body)
	}
	validate(t, creds, body, "the first page")
	page := pageOf(t, body)
	if len(page) != 2 || page[0] != compact(t, docs[0]) || page[1] != compact(t, docs[1]) {
		t.Fatalf("first page holds %d credentials, not the two oldest", len(page))
	}
	l := links(t, resp.Header.Get("Link"))
	if l["prev"] != "" || !strings.Contains(l["next"], "offset=2") || !strings.Contains(l["first"], "offset=0") || !strings.Contains(l["last"], "offset=2") {
		t.Fatalf("first page links: %v", l)
	}
	resp, body = call(t, tok.AccessToken, "GET", l["next"], "", nil)
	page = pageOf(t, body)
	l = links(t, resp.Header.Get("Link"))
	if resp.StatusCode != 200 || len(page) != 1 || page[0] != compact(t, docs[2]) || l["next"] != "" || !strings.Contains(l["prev"], "offset=0") ||
		resp.Header.Get("X-Total-Count") != "3" {
		t.Fatalf("second page: %d %d credentials, links %v", resp.StatusCode, len(page), l)
	}
	// The credential certlab issued verifies as this server's own.
	if v := srv.Credentials.Verify(ctx, []byte(page[0])); !v.OK() || v.IssuerTrust != "own" {
		t.Fatalf("the credential served by getCredentials does not verify as certlab's own: %+v", v.Report)
	}
	// since leaves out what was issued before it.
	since := time.Now().UTC().Add(-3 * 24 * time.Hour).Add(time.Hour).Format(time.RFC3339) // after the oldest of the three
	resp, _ = call(t, tok.AccessToken, "GET", srv.URL+credentialsURL+"?since="+since, "", nil)
	if resp.Header.Get("X-Total-Count") != "2" {
		t.Fatalf("since %s: X-Total-Count %q, want 2", since, resp.Header.Get("X-Total-Count"))
	}

	// upsertCredential: verified, then in the admin's review queue.
	academy := newIssuer(t)
	from := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	pushed := academy.issue(t, "urn:uuid:7f0c1b8e-pushed-1", "azure-administrator-associate", from)
	resp, body = call(t, tok.AccessToken, "POST", srv.URL+credentialsURL, "application/json", pushed.DataIntegrity)
	if resp.StatusCode != http.StatusCreated || string(body) != string(pushed.DataIntegrity) {
		t.Fatalf("upsert: %d %s", resp.StatusCode, body)
	}
	queue := reviewQueue(t, admin)
	if len(queue) != 1 || queue[0].UserID != adaUser.ID || queue[0].CredentialID != "azure-administrator-associate" ||
		queue[0].ExternalID != "urn:uuid:7f0c1b8e-pushed-1" || queue[0].Status != certlab.ExternalDeclared {
		t.Fatalf("review queue after the push: %+v", queue)
	}
	r2, pushedDoc := admin.get("/api/v1/external-credentials/" + strconv.FormatInt(queue[0].ID, 10) + "/pushed")
	if r2.StatusCode != 200 || !strings.Contains(pushedDoc, `"verified": true`) || !strings.Contains(pushedDoc, academy.did) {
		t.Fatalf("the pushed document for the admin: %d %s", r2.StatusCode, pushedDoc)
	}
	// The same credential again: 304. Its VC-JWT form (same issuer, id and
	// validFrom): 200, replaced.
	resp, body = call(t, tok.AccessToken, "POST", srv.URL+credentialsURL, "application/json", pushed.DataIntegrity)
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Fatalf("upsert again: %d %s", resp.StatusCode, body)
	}
	resp, body = call(t, tok.AccessToken, "POST", srv.URL+credentialsURL, "text/plain", []byte(pushed.JWT))
	if resp.StatusCode != http.StatusOK || string(body) != pushed.JWT || resp.Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("upsert the VC-JWT form: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if q := reviewQueue(t, admin); len(q) != 1 || q[0].ID != queue[0].ID {
		t.Fatalf("the replacement made a second queue entry: %+v", q)
	}
	// An older version is refused; a tampered one does not verify.
	older := academy.issue(t, "urn:uuid:7f0c1b8e-pushed-1", "azure-administrator-associate", from.Add(-24*time.Hour))
	statusInfo := schema(t, schemaDir+"imsx_statusinfo.json", "")
	resp, body = call(t, tok.AccessToken, "POST", srv.URL+credentialsURL, "application/json", older.DataIntegrity)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "newer version") {
		t.Fatalf("upsert an older version: %d %s", resp.StatusCode, body)
	}
	validate(t, statusInfo, body, "the refusal of an older version")
	tampered := strings.Replace(string(pushed.DataIntegrity), "Achievement azure-administrator-associate", "Achievement azure-solutions-architect", 1)
	resp, body = call(t, tok.AccessToken, "POST", srv.URL+credentialsURL, "application/json", []byte(tampered))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "does not verify") || !strings.Contains(string(body), "invalid_data") {
		t.Fatalf("upsert a tampered credential: %d %s", resp.StatusCode, body)
	}
	validate(t, statusInfo, body, "the refusal of a tampered credential")

	// getProfile and putProfile.
	profSchema := schema(t, profileSchema, "")
	resp, body = call(t, tok.AccessToken, "GET", srv.URL+obapi.PathProfile, "", nil)
	var prof obapi.Profile
	json.Unmarshal(body, &prof)
	if resp.StatusCode != 200 || prof.Name != "Ada" || prof.Email != "ada@example.org" || !strings.HasPrefix(prof.ID, "urn:uuid:") {
		t.Fatalf("profile: %d %s", resp.StatusCode, body)
	}
	validate(t, profSchema, body, "the profile")
	prof.Name = "Ada Lovelace"
	put, _ := json.Marshal(prof)
	resp, body = call(t, tok.AccessToken, "PUT", srv.URL+obapi.PathProfile, "application/json", put)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"name": "Ada Lovelace"`) {
		t.Fatalf("put profile: %d %s", resp.StatusCode, body)
	}
	validate(t, profSchema, body, "the updated profile")
	if u, _ := srv.Store.User(ctx, adaUser.ID); u.Name != "Ada Lovelace" {
		t.Fatalf("display name after putProfile: %q", u.Name)
	}
	resp, again := call(t, tok.AccessToken, "GET", srv.URL+obapi.PathProfile, "", nil)
	if resp.StatusCode != 200 || !strings.Contains(string(again), prof.ID) || !strings.Contains(string(again), "Ada Lovelace") {
		t.Fatalf("profile after the update: %s", again)
	}
	for _, bad := range []string{
		`{"@context":["` + "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" + `"],"type":"Profile","id":"` + prof.ID + `","name":"A","phone":"111"}`,
		`{"type":"Profile","id":"urn:uuid:someone-else","name":"A"}`,
		`{"type":"Profile","id":"` + prof.ID + `","email":"eve@example.org"}`,
	} {
		resp, body = call(t, tok.AccessToken, "PUT", srv.URL+obapi.PathProfile, "application/json", []byte(bad))
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("put profile %s: %d %s", bad, resp.StatusCode, body)
		}
		validate(t, statusInfo, body, "a refused profile")
	}

	// Refresh: a new pair; the old access token no longer works.
	ts := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken})
	fresh, err := ts.Token()
	if err != nil || fresh.AccessToken == tok.AccessToken || fresh.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh: %v %+v", err, fresh)
	}
	if resp, _ := call(t, tok.AccessToken, "GET", srv.URL+credentialsURL, "", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the access token replaced by the refresh answered %d", resp.StatusCode)
	}
	if resp, _ := call(t, fresh.AccessToken, "GET", srv.URL+credentialsURL, "", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("the refreshed access token answered %d", resp.StatusCode)
	}

	// Revocation (RFC 7009): revoking the refresh token ends the grant.
	if st := revoke(t, srv.URL, reg, fresh.RefreshToken, "refresh_token"); st != http.StatusOK {
		t.Fatalf("revoke: %d", st)
	}
	if resp, body := call(t, fresh.AccessToken, "GET", srv.URL+credentialsURL, "", nil); resp.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(resp.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Fatalf("access token after revocation: %d %s", resp.StatusCode, body)
	}
	_, err = conf.TokenSource(ctx, &oauth2.Token{RefreshToken: fresh.RefreshToken}).Token()
	wantOAuthError(t, err, "invalid_grant")
	// An unknown token is answered 200 (RFC 7009 §2.2).
	if st := revoke(t, srv.URL, reg, "ory_rt_unknown.token", "refresh_token"); st != http.StatusOK {
		t.Fatalf("revoke an unknown token: %d", st)
	}
}

// revoke posts a revocation request authenticated as the client.
func revoke(t *testing.T, base string, reg obapi.RegistrationResponse, token, hint string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", base+obapi.PathRevoke, strings.NewReader("token="+token+"&token_type_hint="+hint))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(reg.ClientID, reg.ClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func reviewQueue(t *testing.T, admin *browser) []*certlab.ExternalCredential {
	t.Helper()
	resp, body := admin.get("/api/v1/external-credentials?all=true&status=declared")
	if resp.StatusCode != 200 {
		t.Fatalf("review queue: %d %s", resp.StatusCode, body)
	}
	var q []*certlab.ExternalCredential
	if err := json.Unmarshal([]byte(body), &q); err != nil {
		t.Fatal(err)
	}
	return q
}

func pageOf(t *testing.T, body []byte) []string {
	t.Helper()
	var r struct {
		Credential []json.RawMessage `json:"credential"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range r.Credential {
		out = append(out, compact(t, string(c)))
	}
	return out
}

// compact is a JSON document without insignificant white space.
func compact(t *testing.T, doc string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
