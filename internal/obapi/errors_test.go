package obapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/obapi"
)

// TestRegistrationErrors: bad client metadata gets the RFC 7591 error
// that names what is wrong.
func TestRegistrationErrors(t *testing.T) {
	srv := start(t, obapi.Config{RegisterLimit: obapi.RateLimit{Burst: 100, Every: time.Millisecond}})
	for _, tc := range []struct {
		name   string
		change func(m map[string]any)
		code   string
		says   string
	}{
		{"no client_name", func(m map[string]any) { delete(m, "client_name") }, "invalid_client_metadata", "client_name is required"},
		{"no tos_uri", func(m map[string]any) { m["tos_uri"] = "" }, "invalid_client_metadata", "tos_uri is required"},
		{"no redirect URI", func(m map[string]any) { m["redirect_uris"] = []string{} }, "invalid_redirect_uri", "redirect_uris is required"},
		{"plain http off loopback", func(m map[string]any) { m["redirect_uris"] = []string{"http://wallet.example/cb"} }, "invalid_redirect_uri", "must use https"},
		{"redirect with fragment", func(m map[string]any) { m["redirect_uris"] = []string{"http://127.0.0.1:9/cb#x"} }, "invalid_redirect_uri", "fragment"},
		{"another host", func(m map[string]any) { m["logo_uri"] = "https://cdn.example/logo.png" }, "invalid_client_metadata", "same host"},
		{"unknown scope", func(m map[string]any) { m["scope"] = obapi.ScopeCredentialReadonly + " https://example.org/admin" }, "invalid_client_metadata", "not supported"},
		{"client_secret_post", func(m map[string]any) { m["token_endpoint_auth_method"] = "client_secret_post" }, "invalid_client_metadata", "client_secret_basic"},
		{"implicit grant", func(m map[string]any) { m["grant_types"] = []string{"implicit"} }, "invalid_client_metadata", "implicit"},
		{"token response type", func(m map[string]any) { m["response_types"] = []string{"token"} }, "invalid_client_metadata", "token"},
		{"redirect_uris not a list", func(m map[string]any) { m["redirect_uris"] = "http://127.0.0.1:9/cb" }, "invalid_client_metadata", "JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := clientMetadata("Broken", obapi.ScopeCredentialReadonly)
			tc.change(m)
			status, body := postJSON(t, srv.URL+obapi.PathRegister, m)
			var e obapi.RegistrationError
			json.Unmarshal(body, &e)
			if status != http.StatusBadRequest || e.Code != tc.code || !strings.Contains(e.Description, tc.says) {
				t.Fatalf("%d %s; want 400 %s saying %q", status, body, tc.code, tc.says)
			}
		})
	}
}

// TestRegistrationRateLimit: registration needs no initial access token,
// so each client address gets a few, then one per period.
func TestRegistrationRateLimit(t *testing.T) {
	srv := start(t, obapi.Config{RegisterLimit: obapi.RateLimit{Burst: 2, Every: time.Hour}})
	for i := range 2 {
		registerClient(t, srv.URL+obapi.PathRegister, "Wallet "+string(rune('A'+i)), obapi.ScopeCredentialReadonly)
	}
	b, _ := json.Marshal(clientMetadata("Wallet C", obapi.ScopeCredentialReadonly))
	resp, err := http.Post(srv.URL+obapi.PathRegister, "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("third registration: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

// TestAuthorizationErrors: every refusal the specification and the RFCs
// describe, each with its error, on one server.
func TestAuthorizationErrors(t *testing.T) {
	srv := start(t, obapi.Config{})
	ctx := context.Background()
	ada, bob := newBrowser(t, srv.URL), newBrowser(t, srv.URL)
	ada.signUp("ada@example.org", "Ada")
	bob.signUp("bob@example.org", "Bob")
	adaUser, _ := srv.Store.UserByEmail(ctx, "ada@example.org")
	bobUser, _ := srv.Store.UserByEmail(ctx, "bob@example.org")
	is := newIssuer(t)
	seedCredentials(t, srv.Store, is, adaUser.ID, 2)
	seedCredentials(t, srv.Store, is, bobUser.ID, 1)
	_, sddBody := call(t, "", "GET", srv.URL+obapi.PathDiscovery, "", nil)
	var sdd map[string]any
	json.Unmarshal(sddBody, &sdd)
	readOnly := registerClient(t, srv.URL+obapi.PathRegister, "Reader", obapi.ScopeCredentialReadonly+" "+obapi.ScopeProfileReadonly)
	wallet := registerClient(t, srv.URL+obapi.PathRegister, "Wallet", strings.Join(allScopes, " "))
	statusInfo := schema(t, schemaDir+"imsx_statusinfo.json", "")

	t.Run("wrong redirect URI: an error page, no redirect", func(t *testing.T) {
		conf := oauthConfig(sdd, wallet, obapi.ScopeCredentialReadonly)
		conf.RedirectURL = "http://127.0.0.1:9/elsewhere"
		resp, page := ada.get(conf.AuthCodeURL("state-0123456789", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" || !strings.Contains(page, "Access request refused") {
			t.Fatalf("%d Location %q\n%s", resp.StatusCode, resp.Header.Get("Location"), page)
		}
	})
	t.Run("unknown client: an error page", func(t *testing.T) {
		conf := oauthConfig(sdd, wallet, obapi.ScopeCredentialReadonly)
		conf.ClientID = "obc_nobody"
		resp, page := ada.get(conf.AuthCodeURL("state-0123456789", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" || !strings.Contains(page, "not registered") {
			t.Fatalf("%d Location %q\n%s", resp.StatusCode, resp.Header.Get("Location"), page)
		}
	})
	t.Run("scope the client did not register: invalid_scope", func(t *testing.T) {
		conf := oauthConfig(sdd, readOnly, obapi.ScopeProfileUpdate)
		q := redirectQuery(t, ada, conf.AuthCodeURL("state-0123456789", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
		if q.Get("error") != "invalid_scope" || q.Get("state") != "state-0123456789" || q.Get("code") != "" {
			t.Fatalf("redirect %v", q)
		}
	})
	t.Run("no PKCE: invalid_request", func(t *testing.T) {
		conf := oauthConfig(sdd, wallet, obapi.ScopeCredentialReadonly)
		q := redirectQuery(t, ada, conf.AuthCodeURL("state-0123456789"))
		if q.Get("error") != "invalid_request" || !strings.Contains(q.Get("error_description"), "PKCE") {
			t.Fatalf("redirect %v", q)
		}
	})
	t.Run("plain PKCE: invalid_request", func(t *testing.T) {
		conf := oauthConfig(sdd, wallet, obapi.ScopeCredentialReadonly)
		v := oauth2.GenerateVerifier()
		q := redirectQuery(t, ada, conf.AuthCodeURL("state-0123456789", oauth2.SetAuthURLParam("code_challenge", v), oauth2.SetAuthURLParam("code_challenge_method", "plain")))
		if q.Get("error") != "invalid_request" {
			t.Fatalf("redirect %v", q)
		}
	})
	t.Run("not signed in: sent to sign in", func(t *testing.T) {
		conf := oauthConfig(sdd, wallet, obapi.ScopeCredentialReadonly)
		resp, _ := newBrowser(t, srv.URL).get(conf.AuthCodeURL("state-0123456789", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin?next=%2Foauth%2Fauthorize") {
			t.Fatalf("%d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("denied: access_denied", func(t *testing.T) {
		conf := oauthConfig(sdd, wallet, obapi.ScopeCredentialReadonly)
		q := ada.consent(conf.AuthCodeURL("state-0123456789", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())), "Wallet", nil)
		if q.Get("error") != "access_denied" || q.Get("code") != "" || q.Get("state") != "state-0123456789" {
			t.Fatalf("redirect %v", q)
		}
	})
	t.Run("consent without the CSRF token is refused", func(t *testing.T) {
		conf := oauthConfig(sdd, wallet, obapi.ScopeCredentialReadonly)
		authURL := conf.AuthCodeURL("state-0123456789", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
		u, _ := url.Parse(authURL)
		form := u.Query()
		form.Set("decision", "allow")
		form.Set("grant", obapi.ScopeCredentialReadonly)
		resp, _ := ada.post(obapi.PathAuthorize, form)
		if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Location") != "" {
			t.Fatalf("%d Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("consent with an API token instead of a session is refused", func(t *testing.T) {
		secret, _, err := srv.Accounts.NewToken(ctx, adaUser, account.TokenRequest{Name: "script"})
		if err != nil {
			t.Fatal(err)
		}
		conf := oauthConfig(sdd, wallet, obapi.ScopeCredentialReadonly)
		u, _ := url.Parse(conf.AuthCodeURL("state-0123456789", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
		form := u.Query()
		form.Set("decision", "allow")
		form.Set("grant", obapi.ScopeCredentialReadonly)
		req, _ := http.NewRequest("POST", srv.URL+obapi.PathAuthorize, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, _ := newBrowser(t, srv.URL).do(req)
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Location") != "" {
			t.Fatalf("%d Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("reused code: invalid_grant, and the first token is revoked", func(t *testing.T) {
		conf := oauthConfig(sdd, wallet, obapi.ScopeCredentialReadonly)
		v := oauth2.GenerateVerifier()
		q := ada.consent(conf.AuthCodeURL("state-0123456789", oauth2.S256ChallengeOption(v)), "Wallet", []string{obapi.ScopeCredentialReadonly})
		tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(v))
		if err != nil {
			t.Fatal(err)
		}
		if tok.RefreshToken != "" {
			t.Fatal("a refresh token came without offline_access")
		}
		_, err = conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(v))
		wantOAuthError(t, err, "invalid_grant")
		if resp, _ := call(t, tok.AccessToken, "GET", srv.URL+credentialsURL, "", nil); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("the token of a reused code still answers %d", resp.StatusCode)
		}
	})
	t.Run("PKCE verifier mismatch: invalid_grant", func(t *testing.T) {
		conf := oauthConfig(sdd, wallet, obapi.ScopeCredentialReadonly)
		q := ada.consent(conf.AuthCodeURL("state-0123456789", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())), "Wallet", []string{obapi.ScopeCredentialReadonly})
		_, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(oauth2.GenerateVerifier()))
		wantOAuthError(t, err, "invalid_grant")
	})
	t.Run("wrong client secret: invalid_client", func(t *testing.T) {
		conf := oauthConfig(sdd, wallet, obapi.ScopeCredentialReadonly)
		v := oauth2.GenerateVerifier()
		q := ada.consent(conf.AuthCodeURL("state-0123456789", oauth2.S256ChallengeOption(v)), "Wallet", []string{obapi.ScopeCredentialReadonly})
		conf.ClientSecret = "wrong"
		_, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(v))
		wantOAuthError(t, err, "invalid_client")
	})

	// A grant of Ada to the wallet, for the checks between clients and users.
	conf := oauthConfig(sdd, wallet, allScopes...)
	adaTok := authorize(t, ada, conf, "Wallet", []string{obapi.ScopeCredentialReadonly, obapi.ScopeOfflineAccess})
	if got := adaTok.Extra("scope"); got != obapi.ScopeCredentialReadonly+" "+obapi.ScopeOfflineAccess {
		t.Fatalf("the token's scope %q is not the subset Ada ticked", got)
	}

	t.Run("another client cannot redeem the wallet's code", func(t *testing.T) {
		v := oauth2.GenerateVerifier()
		q := ada.consent(conf.AuthCodeURL("state-0123456789", oauth2.S256ChallengeOption(v)), "Wallet", []string{obapi.ScopeCredentialReadonly})
		thief := oauthConfig(sdd, readOnly)
		thief.RedirectURL = conf.RedirectURL
		_, err := thief.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(v))
		wantOAuthError(t, err, "invalid_grant")
	})
	t.Run("another client cannot refresh or revoke the wallet's tokens", func(t *testing.T) {
		_, err := oauthConfig(sdd, readOnly).TokenSource(ctx, &oauth2.Token{RefreshToken: adaTok.RefreshToken}).Token()
		wantOAuthError(t, err, "invalid_grant")
		if st := revoke(t, srv.URL, readOnly, adaTok.AccessToken, "access_token"); st != http.StatusBadRequest {
			t.Fatalf("another client's revocation answered %d", st)
		}
		if resp, _ := call(t, adaTok.AccessToken, "GET", srv.URL+credentialsURL, "", nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("the token stopped working after another client's revocation: %d", resp.StatusCode)
		}
	})
	t.Run("a token reads only its own user's credentials", func(t *testing.T) {
		bobTok := authorize(t, bob, conf, "Wallet", []string{obapi.ScopeCredentialReadonly})
		for _, c := range []struct {
			tok   string
			total string
		}{{adaTok.AccessToken, "2"}, {bobTok.AccessToken, "1"}} {
			resp, body := call(t, c.tok, "GET", srv.URL+credentialsURL, "", nil)
			if resp.StatusCode != 200 || resp.Header.Get("X-Total-Count") != c.total || len(pageOf(t, body)) != mustAtoi(t, c.total) {
				t.Fatalf("%d X-Total-Count %q, want %s", resp.StatusCode, resp.Header.Get("X-Total-Count"), c.total)
			}
		}
	})
	t.Run("a scope not granted: 403 insufficient_scope", func(t *testing.T) {
		for _, req := range []struct{ method, path, ct, body string }{
			{"GET", obapi.PathProfile, "", ""},
			{"PUT", obapi.PathProfile, "application/json", `{"type":"Profile","name":"x"}`},
			{"POST", obapi.PathCredentials, "text/plain", "a.b.c"},
		} {
			resp, body := call(t, adaTok.AccessToken, req.method, srv.URL+req.path, req.ct, []byte(req.body))
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "insufficient_scope") {
				t.Fatalf("%s %s: %d %q %s", req.method, req.path, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
			}
			validate(t, statusInfo, body, "a 403")
		}
	})
	t.Run("no token, or a made-up one: 401", func(t *testing.T) {
		for _, tok := range []string{"", "ory_at_madeup.token", "clt_not-an-oauth-token"} {
			resp, body := call(t, tok, "GET", srv.URL+credentialsURL, "", nil)
			if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Fatalf("token %q: %d %s", tok, resp.StatusCode, body)
			}
			validate(t, statusInfo, body, "a 401")
		}
	})
	t.Run("bad paging: 400 invalid_query_parameter", func(t *testing.T) {
		for _, q := range []string{"limit=0", "limit=x", "offset=-1", "since=yesterday"} {
			resp, body := call(t, adaTok.AccessToken, "GET", srv.URL+credentialsURL+"?"+q, "", nil)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "invalid_query_parameter") {
				t.Fatalf("%s: %d %s", q, resp.StatusCode, body)
			}
			validate(t, statusInfo, body, "a 400")
		}
	})
	t.Run("method not allowed: 405", func(t *testing.T) {
		resp, body := call(t, adaTok.AccessToken, "DELETE", srv.URL+credentialsURL, "", nil)
		if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(string(body), "not_allowed") {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		validate(t, statusInfo, body, "a 405")
	})
	t.Run("refresh token reuse revokes the grant", func(t *testing.T) {
		fresh, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: adaTok.RefreshToken}).Token()
		if err != nil {
			t.Fatal(err)
		}
		_, err = conf.TokenSource(ctx, &oauth2.Token{RefreshToken: adaTok.RefreshToken}).Token()
		wantOAuthError(t, err, "invalid_grant")
		if resp, _ := call(t, fresh.AccessToken, "GET", srv.URL+credentialsURL, "", nil); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("after the reuse of a refresh token its grant's new token answers %d", resp.StatusCode)
		}
	})
}

// TestExpiredAccessToken: an access token past its lifetime is refused
// with invalid_token. fosite checks expiry on the wall clock, so the
// server's tokens last two seconds and the test waits for one to expire.
func TestExpiredAccessToken(t *testing.T) {
	srv := start(t, obapi.Config{AccessTokenLifespan: 2 * time.Second})
	ada := newBrowser(t, srv.URL)
	ada.signUp("ada@example.org", "Ada")
	_, sddBody := call(t, "", "GET", srv.URL+obapi.PathDiscovery, "", nil)
	var sdd map[string]any
	json.Unmarshal(sddBody, &sdd)
	reg := registerClient(t, srv.URL+obapi.PathRegister, "Wallet", obapi.ScopeProfileReadonly)
	tok := authorize(t, ada, oauthConfig(sdd, reg, obapi.ScopeProfileReadonly), "Wallet", []string{obapi.ScopeProfileReadonly})
	if resp, _ := call(t, tok.AccessToken, "GET", srv.URL+obapi.PathProfile, "", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("fresh token: %d", resp.StatusCode)
	}
	time.Sleep(time.Until(tok.Expiry) + 1100*time.Millisecond)
	resp, body := call(t, tok.AccessToken, "GET", srv.URL+obapi.PathProfile, "", nil)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "invalid_token") || !strings.Contains(string(body), "expired") {
		t.Fatalf("expired token: %d %q %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
	}
}

// redirectQuery opens an authorization URL that must redirect straight
// back to the client (an error before consent) and returns the query.
func redirectQuery(t *testing.T, b *browser, authURL string) url.Values {
	t.Helper()
	resp, body := b.get(authURL)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("%d, not a redirect: %s", resp.StatusCode, body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), "http://127.0.0.1:9/callback") {
		t.Fatalf("redirect to %q", resp.Header.Get("Location"))
	}
	return loc.Query()
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
