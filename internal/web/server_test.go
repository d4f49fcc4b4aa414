package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/exam"
)

// testServer is the real application (app.New) on 127.0.0.1 with the
// built-in content, a fresh SQLite database, the real clock and a fixed
// form seed; credentials are off.
type testServer struct {
	URL     string
	Store   certlab.Store
	Catalog *certlab.Catalog
	Engine  *exam.Engine
	App     *app.App
}

func startServer(t testing.TB) *testServer {
	t.Helper()
	a := apptest.Start(t, app.Config{Seed: func() int64 { return 20261125 }})
	ts := &testServer{URL: a.URL, Store: a.Store, Catalog: a.Catalog, Engine: a.Engine, App: a.App}
	servers.Store(a.URL, ts)
	return ts
}

// servers maps each test server's URL to it, so a browser knows its server.
var servers sync.Map

// browser is a cookie-keeping HTTP client that behaves like a browser
// without JavaScript: it follows redirects and posts forms.
type browser struct {
	t     testing.TB
	base  string
	c     *http.Client
	email string
	ts    *testServer
}

func newBrowser(t testing.TB, base string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, base: base, c: &http.Client{Jar: jar}}
	if ts, ok := servers.Load(base); ok {
		b.ts = ts.(*testServer)
	}
	return b
}

// page is a fetched page: its final URL, status and body.
type page struct {
	URL    string
	Status int
	Body   string
	Header http.Header
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("read %s: %v", req.URL, err)
	}
	return page{URL: resp.Request.URL.RequestURI(), Status: resp.StatusCode, Body: string(body), Header: resp.Header}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post submits a form; the page's CSRF token is added unless the form
// sets csrf_token itself.
func (b *browser) post(path string, form url.Values, csrf string) page {
	b.t.Helper()
	if _, ok := form["csrf_token"]; !ok && csrf != "" {
		form.Set("csrf_token", csrf)
	}
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf reads the CSRF token from a page's forms.
func (p page) csrf(t testing.TB) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("page %s has no csrf_token field", p.URL)
	}
	return m[1]
}

// register creates an account through the registration form and returns
// the dashboard page.
func (b *browser) register(email string) page {
	b.t.Helper()
	p := b.post("/register", url.Values{"email": {email}, "name": {"Test Candidate"}, "password": {"correct horse battery"}, "password2": {"correct horse battery"}}, "")
	if p.Status != http.StatusOK || p.URL != "/" {
		b.t.Fatalf("register: got %d at %s, want the dashboard:\n%s", p.Status, p.URL, p.Body)
	}
	b.email = email
	return p
}

var attemptURL = regexp.MustCompile(`^/attempts/(\d+)`)

// start creates an attempt through the program page's form and returns the
// first question page.
func (b *browser) start(csrf string, form url.Values) page {
	b.t.Helper()
	if form.Get("mode") == certlab.ModeExam {
		return b.startExam(csrf, form.Get("exam"))
	}
	p := b.post("/attempts", form, csrf)
	if p.Status != http.StatusOK || !attemptURL.MatchString(p.URL) {
		b.t.Fatalf("start attempt %v: got %d at %s:\n%s", form, p.Status, p.URL, p.Body)
	}
	return p
}

// startExam starts an exam from its start page, accepting the agreement;
// a proctored exam is first booked and admitted by a proctor (apptest.Admit).
func (b *browser) startExam(csrf, examID string) page {
	b.t.Helper()
	form := url.Values{"accept": {"on"}}
	if ex, err := b.ts.Catalog.Exam(examID); err == nil && ex.Proctored() {
		u, err := b.ts.Store.UserByEmail(context.Background(), b.email)
		if err != nil {
			b.t.Fatal(err)
		}
		form.Set("appointment", strconv.FormatInt(apptest.Admit(b.t, b.ts.App, time.Now(), u, examID), 10))
	}
	p := b.post("/exams/"+examID+"/start", form, csrf)
	if p.Status != http.StatusOK || !attemptURL.MatchString(p.URL) {
		b.t.Fatalf("start exam %s: got %d at %s:\n%s", examID, p.Status, p.URL, text(p.Body))
	}
	return p
}

var tagRE = regexp.MustCompile(`(?s)<[^>]*>`)

// text is a page's visible text with whitespace collapsed.
func text(html string) string {
	s := tagRE.ReplaceAllString(html, " ")
	s = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#39;", "'", "&#34;", `"`, "&quot;", `"`).Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// waitForResponse polls the store until the attempt has a response for key.
// and ok (when not nil) accepts it.
func waitForResponse(t *testing.T, ts *testServer, attempt int64, key string, ok func(*certlab.Response) bool) *certlab.Response {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		rs, err := ts.Store.Responses(context.Background(), attempt)
		if err != nil {
			t.Fatalf("responses of attempt %d: %v", attempt, err)
		}
		for _, r := range rs {
			if r.Key == key && (ok == nil || ok(r)) {
				return r
			}
		}
	}
	t.Fatalf("attempt %d has no stored response for %s", attempt, key)
	return nil
}
