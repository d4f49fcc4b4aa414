package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
)

// sentMail is an e-mail a test mailbox received.
type sentMail struct{ To, Subject, Body string }

// mailbox is a mail.Mailer that keeps what it is asked to send.
type mailbox struct{ ch chan sentMail }

func newMailbox() *mailbox { return &mailbox{ch: make(chan sentMail, 16)} }

func (m *mailbox) Send(_ context.Context, to, subject, body string) error {
	m.ch <- sentMail{To: to, Subject: subject, Body: body}
	return nil
}

// wait returns the next e-mail, failing the test after a few seconds.
func (m *mailbox) wait(t testing.TB) sentMail {
	t.Helper()
	select {
	case s := <-m.ch:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("no e-mail was sent")
		return sentMail{}
	}
}

// none checks that no e-mail is sent within a moment.
func (m *mailbox) none(t testing.TB) {
	t.Helper()
	select {
	case s := <-m.ch:
		t.Fatalf("unexpected e-mail to %s: %s", s.To, s.Subject)
	case <-time.After(300 * time.Millisecond):
	}
}

// startServerWithMail is startServer with a mailbox as the mailer.
func startServerWithMail(t testing.TB) (*testServer, *mailbox) {
	t.Helper()
	mb := newMailbox()
	a := apptest.Start(t, app.Config{Seed: func() int64 { return 20261125 }, Mailer: mb})
	ts := &testServer{URL: a.URL, Store: a.Store, Catalog: a.Catalog, Engine: a.Engine, App: a.App}
	servers.Store(a.URL, ts)
	return ts, mb
}

var (
	tokenRE     = regexp.MustCompile(`clt_[A-Za-z0-9_-]{20,}`)
	resetLinkRE = regexp.MustCompile(`http://\S+/password-reset/new\?token=(clr_[A-Za-z0-9_-]+)`)
)

// apiStatus calls the JSON API with a bearer token and returns the status.
func apiStatus(t *testing.T, base, token, path string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestAccountPasswordAndTokens(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	b := newBrowser(t, ts.URL)
	b.register("acct@example.com")
	other := newBrowser(t, ts.URL) // a second session of the same account
	if p := other.post("/signin", url.Values{"email": {"acct@example.com"}, "password": {"correct horse battery"}}, ""); p.URL != "/" {
		t.Fatalf("second sign-in: %s", p.URL)
	}
	acct := b.get("/account")
	if acct.Status != http.StatusOK || !strings.Contains(acct.Body, "Change your password") || !strings.Contains(acct.Body, "API tokens") {
		t.Fatalf("account page: %d\n%s", acct.Status, text(acct.Body))
	}
	csrf := acct.csrf(t)

	// Tokens: created with a name, the secret shown once, usable, listed,
	// revoked.
	created := b.post("/account/tokens", url.Values{"name": {"laptop"}}, csrf)
	secret := tokenRE.FindString(created.Body)
	if created.Status != http.StatusOK || secret == "" || !strings.Contains(created.Body, "shown only this once") {
		t.Fatalf("create token: %d\n%s", created.Status, text(created.Body))
	}
	if got := apiStatus(t, ts.URL, secret, "/api/v1/me"); got != http.StatusOK {
		t.Fatalf("the new token on the API: %d", got)
	}
	again := b.get("/account")
	if strings.Contains(again.Body, secret) || !strings.Contains(again.Body, "laptop") {
		t.Fatal("the token's secret is shown again, or the token is not listed")
	}
	if p := b.post("/account/tokens", url.Values{"name": {""}}, csrf); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "Give the token a name") {
		t.Fatalf("token without a name: %d", p.Status)
	}
	t.Run("an API token cannot use the account page", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/account", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("GET /account with a token: %d, want 403", resp.StatusCode)
		}
	})
	id := regexp.MustCompile(`/account/tokens/(\d+)/revoke`).FindStringSubmatch(again.Body)
	if id == nil {
		t.Fatal("no revoke button")
	}
	if p := b.post("/account/tokens/"+id[1]+"/revoke", url.Values{}, csrf); !strings.Contains(p.Body, "no longer works") {
		t.Fatalf("revoke: %d %s", p.Status, text(p.Body))
	}
	if got := apiStatus(t, ts.URL, secret, "/api/v1/me"); got != http.StatusUnauthorized {
		t.Fatalf("a revoked token on the API: %d, want 401", got)
	}
	if p := b.post("/account/tokens/"+id[1]+"/revoke", url.Values{}, csrf); p.Status != http.StatusNotFound {
		t.Fatalf("revoking twice: %d, want 404", p.Status)
	}

	// Password: the current one is required, the rules apply, and the
	// change signs out the other session and revokes tokens.
	second := tokenRE.FindString(b.post("/account/tokens", url.Values{"name": {"ci"}}, csrf).Body)
	cases := []struct {
		name    string
		form    url.Values
		status  int
		message string
	}{
		{"wrong current", url.Values{"current": {"not my password"}, "password": {"brand new secret"}, "password2": {"brand new secret"}}, http.StatusForbidden, "The current password is wrong."},
		{"differ", url.Values{"current": {"correct horse battery"}, "password": {"brand new secret"}, "password2": {"brand new secreT"}}, http.StatusBadRequest, "The two new passwords differ."},
		{"too short", url.Values{"current": {"correct horse battery"}, "password": {"short"}, "password2": {"short"}}, http.StatusBadRequest, "at least"},
	}
	for _, c := range cases {
		t.Run("password/"+c.name, func(t *testing.T) {
			p := b.post("/account/password", c.form, csrf)
			if p.Status != c.status || !strings.Contains(p.Body, c.message) {
				t.Fatalf("got %d, want %d with %q:\n%s", p.Status, c.status, c.message, text(p.Body))
			}
		})
	}
	p := b.post("/account/password", url.Values{"current": {"correct horse battery"}, "password": {"brand new secret"}, "password2": {"brand new secret"}}, csrf)
	if p.URL != "/account?done=password" || !strings.Contains(p.Body, "Your password is changed") {
		t.Fatalf("change password: %d at %s\n%s", p.Status, p.URL, text(p.Body))
	}
	if got := other.get("/account"); !strings.HasPrefix(got.URL, "/signin") {
		t.Fatalf("the other session still works after the change: at %s", got.URL)
	}
	if got := apiStatus(t, ts.URL, second, "/api/v1/me"); got != http.StatusUnauthorized {
		t.Fatalf("a token made before the change: %d, want 401", got)
	}
	fresh := newBrowser(t, ts.URL)
	if p := fresh.post("/signin", url.Values{"email": {"acct@example.com"}, "password": {"brand new secret"}}, ""); p.URL != "/" {
		t.Fatalf("sign in with the new password: at %s", p.URL)
	}
}

func TestPasswordResetByEmail(t *testing.T) {
	t.Parallel()
	ts, mb := startServerWithMail(t)
	owner := newBrowser(t, ts.URL)
	owner.register("reset@example.com")
	anon := newBrowser(t, ts.URL)
	if p := anon.get("/signin"); !strings.Contains(p.Body, `href="/password-reset"`) {
		t.Fatal("the sign-in page has no link to reset a password")
	}

	known := anon.post("/password-reset", url.Values{"email": {"reset@example.com"}}, "")
	m := mb.wait(t)
	unknown := anon.post("/password-reset", url.Values{"email": {"nobody@example.com"}}, "")
	mb.none(t)
	// The answer is the same for an address with and without an account.
	same := func(p page, email string) string { return strings.ReplaceAll(text(p.Body), email, "ADDRESS") }
	if known.Status != http.StatusOK || known.Status != unknown.Status || same(known, "reset@example.com") != same(unknown, "nobody@example.com") {
		t.Fatalf("the reset answer tells addresses apart:\n%s\n---\n%s", text(known.Body), text(unknown.Body))
	}
	link := resetLinkRE.FindStringSubmatch(m.Body)
	if m.To != "reset@example.com" || link == nil || !strings.HasPrefix(link[0], ts.URL) {
		t.Fatalf("reset e-mail to %s:\n%s", m.To, m.Body)
	}
	token := link[1]
	path := strings.TrimPrefix(link[0], ts.URL)

	form := anon.get(path)
	if form.Status != http.StatusOK || !strings.Contains(form.Body, "Choose a new password") {
		t.Fatalf("reset link: %d\n%s", form.Status, text(form.Body))
	}
	if p := anon.post("/password-reset/new", url.Values{"token": {token}, "password": {"short"}, "password2": {"short"}}, ""); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "at least") {
		t.Fatalf("short password: %d\n%s", p.Status, text(p.Body))
	}
	if p := anon.post("/password-reset/new", url.Values{"token": {token}, "password": {"a new passphrase"}, "password2": {"another one"}}, ""); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "differ") {
		t.Fatalf("passwords that differ: %d", p.Status)
	}
	done := anon.post("/password-reset/new", url.Values{"token": {token}, "password": {"a new passphrase"}, "password2": {"a new passphrase"}}, "")
	if done.URL != "/signin?reset=done" || !strings.Contains(done.Body, "Your password is set") {
		t.Fatalf("reset: at %s\n%s", done.URL, text(done.Body))
	}
	if p := owner.get("/account"); !strings.HasPrefix(p.URL, "/signin") {
		t.Fatalf("the account's session survived the reset: at %s", p.URL)
	}
	if p := anon.post("/signin", url.Values{"email": {"reset@example.com"}, "password": {"a new passphrase"}}, ""); p.URL != "/" {
		t.Fatalf("sign in with the new password: at %s", p.URL)
	}
	if p := newBrowser(t, ts.URL).get(path); p.Status != http.StatusNotFound || !strings.Contains(p.Body, "already used or expired") {
		t.Fatalf("the link used a second time: %d\n%s", p.Status, text(p.Body))
	}

	// Requests are limited per client address.
	limited := false
	for range 8 {
		if p := newBrowser(t, ts.URL).post("/password-reset", url.Values{"email": {"nobody@example.com"}}, ""); p.Status == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("ten reset requests from one address in a row were all accepted")
	}
}

func TestRegisterSaysTheFirstAccountIsAdmin(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	if p := newBrowser(t, ts.URL).get("/register"); !strings.Contains(p.Body, "first account") || !strings.Contains(p.Body, "administrator") {
		t.Fatalf("the registration page does not say the first account becomes the admin:\n%s", text(p.Body))
	}
}
