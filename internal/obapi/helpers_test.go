package obapi_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/oauth2"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/badge"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/obapi"
)

// allScopes are the four Open Badges scopes and offline_access.
var allScopes = []string{obapi.ScopeCredentialReadonly, obapi.ScopeCredentialUpsert, obapi.ScopeProfileReadonly, obapi.ScopeProfileUpdate, obapi.ScopeOfflineAccess}

// start runs the real application (apptest: fresh SQLite, built-in
// catalog) with credentials, and so the Open Badges API, on.
func start(t *testing.T, oc obapi.Config) *apptest.Server {
	t.Helper()
	clk := apptest.NewClock(time.Now().UTC().Truncate(time.Second))
	return apptest.Start(t, app.Config{Now: clk.Now,
		Credentials: &credential.Config{IssuerName: "certlab OB", KeySecret: []byte("obapi-test-secret-0123456789")}, OBAPI: oc})
}

// browser is a person's browser: cookies kept, redirects not followed.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (b *browser) get(u string) (*http.Response, string) {
	b.t.Helper()
	if strings.HasPrefix(u, "/") {
		u = b.base + u
	}
	req, _ := http.NewRequest("GET", u, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// signUp registers an account through the web UI's form and keeps its
// session cookie. The first account of a server becomes its admin.
func (b *browser) signUp(email, name string) {
	b.t.Helper()
	resp, body := b.post("/register", url.Values{"email": {email}, "name": {name}, "password": {"correct horse battery"}, "password2": {"correct horse battery"}})
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign up %s: %d %s", email, resp.StatusCode, body)
	}
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// consent opens the authorization URL, checks that the consent page
// names the client, and answers it: allow with the scopes in grant, or
// deny when grant is nil. It returns the redirect's query.
func (b *browser) consent(authURL, clientName string, grant []string) url.Values {
	b.t.Helper()
	resp, page := b.get(authURL)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, html.EscapeString(clientName)) {
		b.t.Fatalf("consent page: %d, naming %q? %s", resp.StatusCode, clientName, page)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' http://127.0.0.1") || strings.Contains(csp, "unsafe") {
		b.t.Fatalf("consent page CSP %q", csp)
	}
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
		form.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	if form.Get("csrf_token") == "" || form.Get("code_challenge") == "" {
		b.t.Fatalf("consent form lacks the CSRF token or the request: %v", form)
	}
	if grant == nil {
		form.Set("decision", "deny")
	} else {
		form.Set("decision", "allow")
		form["grant"] = grant
	}
	return b.answer(form)
}

// answer posts the consent form and returns the query of the redirect to
// the client.
func (b *browser) answer(form url.Values) url.Values {
	b.t.Helper()
	resp, body := b.post(obapi.PathAuthorize, form)
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("consent answer: %d %s", resp.StatusCode, body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		b.t.Fatal(err)
	}
	return loc.Query()
}

// registerClient registers an OAuth client (RFC 7591) whose URLs are on
// 127.0.0.1 and returns the response.
func registerClient(t *testing.T, regURL, name, scope string) obapi.RegistrationResponse {
	t.Helper()
	status, body := postJSON(t, regURL, clientMetadata(name, scope))
	if status != http.StatusCreated {
		t.Fatalf("register %s: %d %s", name, status, body)
	}
	var reg obapi.RegistrationResponse
	if err := json.Unmarshal(body, &reg); err != nil {
		t.Fatal(err)
	}
	return reg
}

func clientMetadata(name, scope string) map[string]any {
	return map[string]any{
		"client_name": name, "client_uri": "http://127.0.0.1:9/", "logo_uri": "http://127.0.0.1:9/logo.png",
		"tos_uri": "http://127.0.0.1:9/terms", "policy_uri": "http://127.0.0.1:9/privacy",
		"software_id": "c88b6ed8-269e-448e-99be-7e2ff47167d1", "software_version": "1.0",
		"redirect_uris": []string{"http://127.0.0.1:9/callback"}, "token_endpoint_auth_method": "client_secret_basic",
		"grant_types": []string{"authorization_code", "refresh_token"}, "response_types": []string{"code"}, "scope": scope,
	}
}

func postJSON(t *testing.T, u string, v any) (int, []byte) {
	t.Helper()
	b, _ := json.Marshal(v)
	resp, err := http.Post(u, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// oauthConfig is a golang.org/x/oauth2 client for a registration, with
// the endpoints the service description names.
func oauthConfig(sdd map[string]any, reg obapi.RegistrationResponse, scopes ...string) *oauth2.Config {
	flow := sdd["components"].(map[string]any)["securitySchemes"].(map[string]any)["OAuth2ACG"].(map[string]any)["flows"].(map[string]any)["authorizationCode"].(map[string]any)
	return &oauth2.Config{ClientID: reg.ClientID, ClientSecret: reg.ClientSecret, RedirectURL: reg.RedirectURIs[0], Scopes: scopes,
		Endpoint: oauth2.Endpoint{AuthURL: flow["authorizationUrl"].(string), TokenURL: flow["tokenUrl"].(string), AuthStyle: oauth2.AuthStyleInHeader}}
}

// authorize runs the authorization code grant with PKCE for the browser's
// user and returns the token.
func authorize(t *testing.T, b *browser, conf *oauth2.Config, name string, grant []string) *oauth2.Token {
	t.Helper()
	verifier := oauth2.GenerateVerifier()
	q := b.consent(conf.AuthCodeURL("state-0123456789", oauth2.S256ChallengeOption(verifier)), name, grant)
	if q.Get("state") != "state-0123456789" || q.Get("code") == "" {
		t.Fatalf("redirect to the client: %v", q)
	}
	tok, err := conf.Exchange(context.Background(), q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange the code: %v", err)
	}
	return tok
}

// call sends an API request with an access token.
func call(t *testing.T, token, method, u, contentType string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, u, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func wantOAuthError(t *testing.T, err error, code string) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != code {
		t.Fatalf("error %v, want the OAuth error %q", err, code)
	}
}

// issuer signs Open Badges credentials with a did:key of its own: another
// issuer than the server.
type issuer struct {
	loader *badge.ContextLoader
	did    string
	key    badge.SigningKey
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	l, err := badge.NewContextLoader()
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	mk := badge.EncodeMultikey(pub)
	did := "did:key:" + mk
	return &issuer{loader: l, did: did, key: badge.SigningKey{VerificationMethod: did + "#" + mk, PrivateKey: priv}}
}

// issue signs a credential for the achievement (an id whose last segment
// names it) valid from the time, in both forms.
func (is *issuer) issue(t *testing.T, id, achievement string, from time.Time) *badge.IssuedCredential {
	t.Helper()
	ic, err := is.loader.Issue(badge.OpenBadge{ID: id, Issuer: badge.IssuerProfile{ID: is.did, Name: "Other Academy"},
		Achievement: badge.Achievement{ID: "https://academy.example/achievements/" + achievement, Name: "Achievement " + achievement, Criteria: "Pass the exam."},
		Recipient:   badge.Recipient{Email: "ada@example.org", Salt: "s", DisplayName: "Ada"}, ValidFrom: from}, is.key, from)
	if err != nil {
		t.Fatal(err)
	}
	return ic
}

// seedCredentials stores n issued credentials for the user, as the
// credential service leaves them once issued, and returns their documents
// oldest first.
func seedCredentials(t *testing.T, s certlab.Store, is *issuer, userID int64, n int) []string {
	t.Helper()
	ctx := context.Background()
	var docs []string
	base := time.Now().UTC().Add(-time.Duration(n+1) * 24 * time.Hour).Truncate(time.Second)
	for i := range n {
		at := base.Add(time.Duration(i) * 24 * time.Hour)
		pid := fmt.Sprintf("u%d-p%d", userID, i)
		ic := is.issue(t, "urn:uuid:seed-"+pid, "seed", at)
		c := &certlab.Credential{PublicID: pid, UserID: userID, ProgramID: fmt.Sprintf("program-%d", i), Status: certlab.CredentialPending, StatusIndex: -1, CreatedAt: at, UpdatedAt: at}
		if err := s.CreateCredential(ctx, c); err != nil {
			t.Fatal(err)
		}
		c.Status, c.IssuedAt, c.ValidFrom, c.Document, c.JWT = certlab.CredentialActive, &at, &at, ic.DataIntegrity, ic.JWT
		c.StatusIndex = int(userID)*100 + i
		if err := s.UpdateCredential(ctx, c, certlab.CredentialPending); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(ic.DataIntegrity))
	}
	return docs
}

// issueForReal makes certlab issue its DevOps Engineer Expert credential
// to the user the way the credential service does in production: a passed
// AZ-400 attempt (stored directly, as the credential package's tests do)
// and a prerequisite declared by the user and verified by the admin. It
// returns the signed credential.
func issueForReal(t *testing.T, srv *apptest.Server, u, admin *certlab.User) *certlab.Credential {
	t.Helper()
	ctx := context.Background()
	at := time.Now().UTC().Add(-time.Minute).Truncate(time.Second)
	start := at.Add(-time.Hour)
	a := &certlab.Attempt{UserID: u.ID, ExamID: "az-400", Mode: "exam", Status: certlab.StatusScored, Seed: 1,
		Form: &certlab.Form{ExamID: "az-400"}, CreatedAt: start, StartedAt: &start, Deadline: &at, SubmittedAt: &at, SubmitReason: "candidate",
		Report: &certlab.Report{ExamID: "az-400", Mode: "exam", Passed: true, ScaledScore: 800, SubmittedAt: at}}
	if err := srv.Store.CreateAttempt(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := srv.Store.UpdateAttempt(ctx, a, certlab.StatusScored, 0); err != nil {
		t.Fatal(err)
	}
	x, err := srv.Credentials.Declare(ctx, u, credential.Declaration{Credential: "azure-administrator-associate", Issuer: "Microsoft", Name: "Azure Administrator Associate", ExternalID: "MS-104"})
	if err != nil {
		t.Fatal(err)
	}
	_, issued, err := srv.Credentials.Review(ctx, admin, x.ID, true, "checked")
	if err != nil || len(issued) != 1 || len(issued[0].Document) == 0 {
		t.Fatalf("issue for real: %v %+v", err, issued)
	}
	return issued[0]
}

// schema compiles a 1EdTech schema from testdata (a file, or a file and a
// JSON pointer into it).
func schema(t *testing.T, file, pointer string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	loc := "file:///" + file
	if err := c.AddResource(loc, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(loc + pointer)
	if err != nil {
		t.Fatalf("compile %s%s: %v", file, pointer, err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, body []byte, what string) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s is not JSON: %v\n%s", what, err, body)
	}
	if err := s.Validate(inst); err != nil {
		t.Fatalf("%s does not follow 1EdTech's schema: %v\n%s", what, err, body)
	}
}

// links parses a Link header into rel -> URL.
func links(t *testing.T, h string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, part := range strings.Split(h, ",") {
		m := regexp.MustCompile(`<([^>]+)>;\s*rel="([a-z]+)"`).FindStringSubmatch(strings.TrimSpace(part))
		if m == nil {
			t.Fatalf("Link part %q", part)
		}
		out[m[2]] = m[1]
	}
	return out
}
