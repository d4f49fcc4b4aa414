package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/api"
)

// Finding: "API tokens cannot be listed, revoked or expired; a token
// survives logout and can create more tokens". Tokens are now listed and
// revoked through the API, act only within their scopes, and a token can
// mint another only with the tokens scope and never with more than it has.
func TestTokensOverHTTP(t *testing.T) {
	ts := startServer(t)
	admin := newClient(t, ts.URL)
	admin.register("admin@example.org")
	cand := newClient(t, ts.URL)
	cand.register("cand@example.org")

	mint := func(c *client, body map[string]any) api.CreatedToken {
		t.Helper()
		var tok api.CreatedToken
		c.must("POST", "/api/v1/tokens", body, &tok)
		if !strings.HasPrefix(tok.Value, "clt_") || tok.Token == nil || tok.ExpiresAt.IsZero() {
			t.Fatalf("minted %+v", tok)
		}
		return tok
	}
	bearer := func(secret string) *client {
		c := newClient(t, ts.URL)
		c.bearer = secret
		return c
	}

	{ // default scopes read and write
		tok := mint(cand, map[string]any{"name": "cli"})
		c := bearer(tok.Value)
		c.must("GET", "/api/v1/me", nil, nil)
		c.must("POST", "/api/v1/attempts", map[string]any{"exam": "az-400", "mode": "practice"}, nil)
		c.wantError("POST", "/api/v1/tokens", map[string]any{"name": "child"}, 403, certlab.EFORBIDDEN)
		c.wantError("GET", "/api/v1/tokens", nil, 403, certlab.EFORBIDDEN)
	}
	{ // read-only token cannot change state
		tok := mint(cand, map[string]any{"name": "ro", "scopes": []string{"read"}})
		c := bearer(tok.Value)
		c.must("GET", "/api/v1/attempts", nil, nil)
		c.wantError("POST", "/api/v1/attempts", map[string]any{"exam": "az-400", "mode": "practice"}, 403, certlab.EFORBIDDEN)
	}
	{ // a token with the tokens scope mints only what it has
		tok := mint(cand, map[string]any{"name": "minter", "scopes": []string{"read", "tokens"}})
		c := bearer(tok.Value)
		var child api.CreatedToken
		c.must("POST", "/api/v1/tokens", map[string]any{"name": "child", "scopes": []string{"read"}}, &child)
		c.wantError("POST", "/api/v1/tokens", map[string]any{"name": "wider", "scopes": []string{"read", "write"}}, 403, certlab.EFORBIDDEN)
		var list []certlab.Token
		c.must("GET", "/api/v1/tokens", nil, &list)
		if len(list) < 4 {
			t.Fatalf("list of %d tokens", len(list))
		}
		for _, l := range list {
			if l.Hash != "" {
				t.Fatal("the list shows token hashes")
			}
		}
	}
	{ // admin scope
		cand.wantError("POST", "/api/v1/tokens", map[string]any{"name": "x", "scopes": []string{"admin"}}, 403, certlab.EFORBIDDEN)
		plain := bearer(mint(admin, map[string]any{"name": "plain"}).Value)
		plain.wantError("GET", "/api/v1/users", nil, 403, certlab.EFORBIDDEN)
		adm := bearer(mint(admin, map[string]any{"name": "adm", "scopes": []string{"read", "write", "admin"}}).Value)
		adm.must("GET", "/api/v1/users", nil, nil)
	}
	{ // revoke
		tok := mint(cand, map[string]any{"name": "gone"})
		c := bearer(tok.Value)
		c.must("GET", "/api/v1/me", nil, nil)
		if st, _ := cand.do("DELETE", "/api/v1/tokens/"+strconv.FormatInt(tok.ID, 10), nil, nil); st != http.StatusNoContent {
			t.Fatalf("revoke: %d", st)
		}
		c.wantError("GET", "/api/v1/me", nil, 401, certlab.EUNAUTHORIZED)
		admin.wantError("DELETE", "/api/v1/tokens/"+strconv.FormatInt(tok.ID, 10), nil, 404, certlab.ENOTFOUND)
	}
	{ // logout with a token revokes that token
		c := bearer(mint(cand, map[string]any{"name": "bye", "scopes": []string{"read"}}).Value)
		if st, _ := c.do("POST", "/api/v1/auth/logout", nil, nil); st != http.StatusNoContent {
			t.Fatalf("logout: %d", st)
		}
		c.wantError("GET", "/api/v1/me", nil, 401, certlab.EUNAUTHORIZED)
	}
	{ // session-bound token ends at logout, others do not
		other := newClient(t, ts.URL)
		var si api.SessionInfo
		other.must("POST", "/api/v1/auth/login", map[string]string{"email": "cand@example.org", "password": "correct horse battery"}, &si)
		other.csrf = si.CSRFToken
		bound := bearer(mint(other, map[string]any{"name": "bound", "session_bound": true}).Value)
		free := bearer(mint(other, map[string]any{"name": "free"}).Value)
		other.must("POST", "/api/v1/auth/logout", nil, nil)
		bound.wantError("GET", "/api/v1/me", nil, 401, certlab.EUNAUTHORIZED)
		free.must("GET", "/api/v1/me", nil, nil)
	}
	{ // bad requests
		cand.wantError("POST", "/api/v1/tokens", map[string]any{"name": "x", "expires_in_days": 400}, 400, certlab.EINVALID)
		cand.wantError("POST", "/api/v1/tokens", map[string]any{"name": "x", "scopes": []string{"root"}}, 400, certlab.EINVALID)
		cand.wantError("POST", "/api/v1/tokens", map[string]any{"name": "nul\x00"}, 400, certlab.EINVALID)
	}
}

// Changing the password through the API ends the other sessions and
// every token; a token cannot change the password.
func TestChangePasswordOverHTTP(t *testing.T) {
	ts := startServer(t)
	c := newClient(t, ts.URL)
	c.register("cand@example.org")
	second := newClient(t, ts.URL)
	var si api.SessionInfo
	second.must("POST", "/api/v1/auth/login", map[string]string{"email": "cand@example.org", "password": "correct horse battery"}, &si)
	var tok api.CreatedToken
	c.must("POST", "/api/v1/tokens", map[string]any{"name": "cli"}, &tok)
	tc := newClient(t, ts.URL)
	tc.bearer = tok.Value
	tc.wantError("POST", "/api/v1/me/password", map[string]string{"current_password": "correct horse battery", "new_password": "purple otters swim at dawn"}, 403, certlab.EFORBIDDEN)
	c.wantError("POST", "/api/v1/me/password", map[string]string{"current_password": "nope", "new_password": "purple otters swim at dawn"}, 401, certlab.EUNAUTHORIZED)
	c.must("POST", "/api/v1/me/password", map[string]string{"current_password": "correct horse battery", "new_password": "purple otters swim at dawn"}, nil)
	c.must("GET", "/api/v1/me", nil, nil)
	second.wantError("GET", "/api/v1/me", nil, 401, certlab.EUNAUTHORIZED)
	tc.wantError("GET", "/api/v1/me", nil, 401, certlab.EUNAUTHORIZED)
}

// Finding: "JSON with trailing garbage or duplicate keys is accepted".
func TestStrictJSONBodies(t *testing.T) {
	ts := startServer(t)
	c := newClient(t, ts.URL)
	c.register("cand@example.org")
	for name, body := range map[string]string{
		"trailing garbage": `{"name":"x"} garbage`,
		"two values":       `{"name":"x"}{"name":"y"}`,
		"duplicate keys":   `{"name":"x","name":"y"}`,
		"unknown field":    `{"name":"x","admin":true}`,
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", ts.URL+"/api/v1/tokens", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", c.csrf)
			resp, err := c.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("%s: %d, want 400", body, resp.StatusCode)
			}
		})
	}
}

// Finding: "a NUL byte in a name, token name, share label or
// external-credential field gives 500 on PostgreSQL; display names up to
// about 1 MB are stored". Each is now a 400 naming the field, before the
// store (which refuses NUL identically on both databases as well).
func TestTextFieldsValidated(t *testing.T) {
	ts := startCredentialServer(t)
	admin := newClient(t, ts.URL)
	a := admin.register("admin@example.org")
	long := strings.Repeat("x", 101)
	admin.wantError("PATCH", "/api/v1/users/"+strconv.FormatInt(a.ID, 10), map[string]any{"name": "nul\x00"}, 400, certlab.EINVALID)
	admin.wantError("PATCH", "/api/v1/users/"+strconv.FormatInt(a.ID, 10), map[string]any{"name": strings.Repeat("n", 1<<19)}, 400, certlab.EINVALID)
	admin.wantError("POST", "/api/v1/tokens", map[string]any{"name": long}, 400, certlab.EINVALID)
	admin.wantError("POST", "/api/v1/me/transcript/shares", map[string]any{"label": "a\x00b"}, 400, certlab.EINVALID)
	admin.wantError("POST", "/api/v1/me/transcript/shares", map[string]any{"label": long}, 400, certlab.EINVALID)
	admin.wantError("POST", "/api/v1/external-credentials", map[string]any{"credential": "azure-administrator-associate", "issuer": "Micro\x00soft", "external_id": "1"}, 400, certlab.EINVALID)
	c := newClient(t, ts.URL)
	st, raw := c.do("POST", "/api/v1/auth/register", map[string]string{"email": "b@example.org", "name": "x\x1b[2J", "password": "correct horse battery"}, nil)
	if st != 400 || !strings.Contains(string(raw), "control character") {
		t.Fatalf("register with an escape sequence in the name: %d %s", st, raw)
	}
}
