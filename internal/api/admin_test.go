package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/certlab/certlab"
)

// A signed-in browser can post the public verification form (no CSRF
// token: the session is not read there), while other cookie posts still
// need the token.
func TestVerifyFormWithSessionCookie(t *testing.T) {
	ts := startServer(t)
	c := newClient(t, ts.URL)
	c.register("someone@example.org")
	form := url.Values{"credential": {`{"not": "a credential"}`}}
	req, _ := http.NewRequestWithContext(context.Background(), "POST", ts.URL+"/verify", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusForbidden {
		t.Fatal("the public verification form is refused for a signed-in browser")
	}
	noCSRF := *c
	noCSRF.csrf = ""
	noCSRF.wantError("POST", "/api/v1/tokens", map[string]string{"name": "x"}, 403, certlab.EFORBIDDEN)
}

// Admin changes to accounts are in the audit log.
func TestUserChangesAreAudited(t *testing.T) {
	ts := startServer(t)
	admin := newClient(t, ts.URL)
	a := admin.register("admin@example.org")
	var u certlab.User
	admin.must("POST", "/api/v1/users", map[string]string{"email": "cand@example.org", "password": "long enough passphrase", "role": "candidate"}, &u)
	admin.must("PATCH", "/api/v1/users/"+strconv.FormatInt(u.ID, 10), map[string]any{"extra_time_pct": 50}, &u)
	if u.ExtraTimePct != 50 {
		t.Fatalf("accommodation not set: %+v", u)
	}
	entries, err := ts.Engine.Store.AuditEntries(context.Background(), certlab.AuditFilter{ActorID: &a.ID})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action+" "+e.Target+" "+e.Detail)
	}
	joined := strings.Join(actions, "\n")
	if !strings.Contains(joined, "user.create user:") || !strings.Contains(joined, "extra_time_pct=50") {
		t.Fatalf("audit log:\n%s", joined)
	}
}
