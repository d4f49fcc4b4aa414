package api_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/api"
	"github.com/certlab/certlab/internal/credential"
)

// TestWalletAPI drives the JSON routes the wallet and the pass screen
// use: an attempt's outcome (pending with what is missing, then earned),
// the credentials with their wallet state, renewal window and LinkedIn
// link, the name on credentials (which signs the credential again), and
// verification by URL.
func TestWalletAPI(t *testing.T) {
	ts := startCredentialServer(t)
	admin := newClient(t, ts.URL)
	admin.register("admin@example.org")
	withToken(admin, ts.Store)
	cand := newClient(t, ts.URL)
	cand.register("candidate@example.org")
	withToken(cand, ts.Store)
	other := newClient(t, ts.URL)
	other.register("other@example.org")
	withToken(other, ts.Store)
	anon := newClient(t, ts.URL)

	a := ts.sitOverHTTP(t, cand, certlab.ModeExam, true)
	var o credential.Outcome
	cand.must("GET", fmt.Sprintf("/api/v1/attempts/%d/outcome", a.ID), nil, &o)
	if o.Kind != credential.OutcomePending || len(o.Missing) != 1 || !strings.Contains(o.Missing[0], "(pass AZ-104)") {
		t.Fatalf("outcome after AZ-400 alone: %+v", o)
	}
	other.wantError("GET", fmt.Sprintf("/api/v1/attempts/%d/outcome", a.ID), nil, 404, certlab.ENOTFOUND)
	var cs []api.CredentialView
	cand.must("GET", "/api/v1/credentials", nil, &cs)
	if len(cs) != 1 || cs[0].State != credential.StatePending || len(cs[0].Missing) != 1 || cs[0].ImageURL != ts.URL+"/achievements/devops-engineer-expert/image" || cs[0].LinkedInURL != "" {
		t.Fatalf("pending credential: %+v", cs)
	}

	var ext certlab.ExternalCredential
	cand.must("POST", "/api/v1/external-credentials", map[string]any{"credential": "azure-developer-associate", "issuer": "Microsoft", "external_id": "X2"}, &ext)
	admin.must("POST", fmt.Sprintf("/api/v1/external-credentials/%d/review", ext.ID), map[string]any{"verified": true, "note": "transcript checked on Microsoft Learn"}, nil)
	cand.must("GET", fmt.Sprintf("/api/v1/attempts/%d/outcome", a.ID), nil, &o)
	if o.Kind != credential.OutcomeEarned || o.Links == nil || o.Links.Public != ts.URL+"/credentials/"+o.Credential.PublicID {
		t.Fatalf("outcome once issued: %+v", o)
	}
	var c api.CredentialView
	cand.must("GET", fmt.Sprintf("/api/v1/credentials/%d", o.Credential.ID), nil, &c)
	if c.State != credential.StateActive || c.Renewal == nil || c.Renewal.Open || !c.Renewal.Upcoming || c.Renewal.Exam != "az-400" || !strings.HasPrefix(c.LinkedInURL, "https://www.linkedin.com/profile/add?") {
		t.Fatalf("active credential: %+v %+v", c, c.Renewal)
	}

	// The name on credentials.
	var n api.HolderNameResult
	cand.must("GET", "/api/v1/me/credential-name", nil, &n)
	if n.CredentialName == nil || n.Name != "" || n.Hidden {
		t.Fatalf("default name: %+v", n)
	}
	cand.must("PUT", "/api/v1/me/credential-name", map[string]any{"name": "Grace Hopper"}, &n)
	if n.Name != "Grace Hopper" || n.Resigned != 1 {
		t.Fatalf("set name: %+v", n)
	}
	var doc struct {
		CredentialSubject struct {
			Identifier []struct {
				IdentityType string `json:"identityType"`
				IdentityHash string `json:"identityHash"`
			} `json:"identifier"`
		} `json:"credentialSubject"`
	}
	_, body := raw(t, anon, "GET", "/credentials/"+c.PublicID, nil, "")
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, id := range doc.CredentialSubject.Identifier {
		if id.IdentityType == "name" {
			names = append(names, id.IdentityHash)
		}
	}
	if len(names) != 1 || names[0] != "Grace Hopper" {
		t.Fatalf("names in the signed credential: %v", names)
	}
	cand.wantError("PUT", "/api/v1/me/credential-name", map[string]any{"name": "candidate@example.org"}, 400, certlab.EINVALID)
	cand.wantError("PUT", "/api/v1/me/credential-name", map[string]any{"nom": "x"}, 400, certlab.EINVALID)
	anon.wantError("GET", "/api/v1/me/credential-name", nil, 401, certlab.EUNAUTHORIZED)

	// Verification by URL: this server's credential, in both forms.
	for _, u := range []string{c.URL, c.JWTURL} {
		var v publicVerdict
		st, b := raw(t, anon, "POST", "/api/v1/verify?url="+url.QueryEscape(u), nil, "")
		if st != 200 || json.Unmarshal(b, &v) != nil || !v.Verified || v.IssuerTrust != "own" {
			t.Fatalf("verify %s: %d %s", u, st, b)
		}
	}
	anon.wantError("POST", "/api/v1/verify?url="+url.QueryEscape("http://10.0.0.1/credentials/x"), nil, 400, certlab.EINVALID)
	anon.wantError("POST", "/api/v1/verify?url="+url.QueryEscape(ts.URL+"/credentials/nope"), nil, 404, certlab.ENOTFOUND)
}
