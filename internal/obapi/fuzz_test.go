package obapi

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// FuzzParseRegistration: any registration body is accepted or refused
// with an RFC 7591 error, never a panic; what is accepted keeps the rules
// (supported scopes, client_secret_basic, https or loopback URLs on one
// host) and survives a second parse unchanged.
func FuzzParseRegistration(f *testing.F) {
	ok, _ := json.Marshal(map[string]any{"client_name": "W", "client_uri": "https://w.example/", "logo_uri": "https://w.example/l.png",
		"tos_uri": "https://w.example/t", "policy_uri": "https://w.example/p", "software_id": "s", "software_version": "1",
		"redirect_uris": []string{"https://w.example/cb"}, "scope": ScopeCredentialReadonly + " " + ScopeOfflineAccess})
	f.Add(ok)
	f.Add([]byte(strings.Replace(string(ok), "https://w.example/cb", "http://127.0.0.1:8080/cb", 1)))
	f.Add([]byte(strings.Replace(string(ok), `"scope"`, `"grant_types":["authorization_code","refresh_token"],"scope"`, 1)))
	f.Add([]byte(`{"redirect_uris":"x"}`))
	f.Add([]byte(`{"client_name":"\u0000"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{} {}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		reg, err := ParseRegistration(data)
		if err != nil {
			re, ok := err.(*RegistrationError)
			if !ok || (re.Code != "invalid_client_metadata" && re.Code != "invalid_redirect_uri") || re.Description == "" {
				t.Fatalf("error %#v is not an RFC 7591 error", err)
			}
			return
		}
		if reg.TokenEndpointAuthMethod != "client_secret_basic" || len(reg.RedirectURIs) == 0 || reg.Scope == "" {
			t.Fatalf("accepted %+v", reg)
		}
		for _, sc := range strings.Fields(reg.Scope) {
			if !supportedScope(sc) {
				t.Fatalf("accepted scope %q", sc)
			}
		}
		host := ""
		for _, raw := range append([]string{reg.ClientURI, reg.LogoURI, reg.TOSURI, reg.PolicyURI}, reg.RedirectURIs...) {
			u, err := url.Parse(raw)
			if err != nil || !(u.Scheme == "https" || u.Scheme == "http" && isLoopback(u.Hostname())) {
				t.Fatalf("accepted URL %q", raw)
			}
			if host == "" {
				host = strings.ToLower(u.Hostname())
			} else if !strings.EqualFold(host, u.Hostname()) {
				t.Fatalf("accepted URLs on %s and %s", host, u.Hostname())
			}
		}
		again, _ := json.Marshal(reg)
		reg2, err := ParseRegistration(again)
		if err != nil {
			t.Fatalf("the registered metadata does not parse again: %v", err)
		}
		if b, _ := json.Marshal(reg2); string(b) != string(again) {
			t.Fatalf("a second parse changed the metadata:\n%s\n%s", again, b)
		}
	})
}

// FuzzCheckUpsertBody: upsertCredential's body check never panics and
// accepts only a JSON object, or a three-part base64url compact JWS for
// text/plain.
func FuzzCheckUpsertBody(f *testing.F) {
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"]}`), false)
	f.Add([]byte("eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln"), true)
	f.Add([]byte("a..c"), true)
	f.Add([]byte("a.b"), true)
	f.Add([]byte(`[1]`), false)
	f.Add([]byte(" "), false)
	f.Fuzz(func(t *testing.T, body []byte, jwt bool) {
		err := CheckUpsertBody(body, jwt)
		if err != nil {
			return
		}
		trimmed := strings.TrimSpace(string(body))
		if jwt && strings.Count(trimmed, ".") != 2 {
			t.Fatalf("accepted %q as a compact JWS", body)
		}
		if !jwt && (!json.Valid([]byte(trimmed)) || trimmed[0] != '{') {
			t.Fatalf("accepted %q as a JSON object", body)
		}
	})
}

// FuzzParseProfileUpdate: putProfile's body never panics the parser, and
// an accepted one changes nothing but a display name that is short, valid
// UTF-8 and without control characters.
func FuzzParseProfileUpdate(f *testing.F) {
	cur := &Profile{ID: "urn:uuid:1", Email: "ada@example.org", Name: "Ada"}
	f.Add([]byte(`{"@context":["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"type":["Profile"],"id":"urn:uuid:1","name":"Ada L.","email":"ada@example.org"}`))
	f.Add([]byte(`{"type":"Profile","name":"x","phone":"1"}`))
	f.Add([]byte(`{"type":"Profile","id":"urn:uuid:2"}`))
	f.Add([]byte(`{"type":1}`))
	f.Add([]byte(`{"type":"Profile","name":"\u0007"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		name, err := ParseProfileUpdate(body, cur)
		if err != nil {
			return
		}
		if len([]rune(name)) > maxNameRunes || strings.TrimSpace(name) != name || strings.ContainsAny(name, "\x00\n\r\t\x07") {
			t.Fatalf("accepted name %q", name)
		}
	})
}

// FuzzParsePage: getCredentials' query parses to a page within bounds or
// an error.
func FuzzParsePage(f *testing.F) {
	f.Add("limit=2&offset=0")
	f.Add("limit=1000&since=2026-01-01T00:00:00Z")
	f.Add("offset=-1")
	f.Add("limit=%zz")
	f.Fuzz(func(t *testing.T, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		p, err := ParsePage(q)
		if err != nil {
			return
		}
		if p.Limit < 1 || p.Limit > maxPage || p.Offset < 0 {
			t.Fatalf("page %+v from %q", p, query)
		}
	})
}
