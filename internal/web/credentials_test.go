package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/api"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/exam"
)

// credServer is the application with credentials on and a fake clock.
type credServer struct {
	*testServer
	Clock *apptest.Clock
}

func startCredentialServer(t testing.TB) *credServer {
	t.Helper()
	clk := apptest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	seed := int64(20261125)
	a := apptest.Start(t, app.Config{Now: clk.Now, Seed: func() int64 { seed++; return seed },
		Credentials: &credential.Config{IssuerName: "certlab web", KeySecret: []byte("web-test-secret-0123456789")},
		VerifyLimit: api.VerifyRateLimit{Burst: 10000, Every: time.Millisecond}})
	ts := &testServer{URL: a.URL, Store: a.Store, Catalog: a.Catalog, Engine: a.Engine, App: a.App}
	servers.Store(a.URL, ts)
	return &credServer{testServer: ts, Clock: clk}
}

// rightAnswer is the correct response to a question of a form.
func rightAnswer(it *certlab.Item, statement string) any {
	switch it.Type {
	case certlab.TypeSingle:
		return it.Key
	case certlab.TypeMultiple, certlab.TypeHotArea, certlab.TypeOrdering:
		return it.Keys
	case certlab.TypeMatching, certlab.TypeActiveScreen:
		return it.KeyMap
	case certlab.TypeYesNoSeries:
		for _, s := range it.Statements {
			if s.ID == statement {
				return s.Answer
			}
		}
	}
	return nil
}

// sitExam takes an exam (mode exam: booked and admitted first) through the
// real engine with every answer right (pass) or none, and returns the
// scored attempt: the credential service reacts as it does to a candidate.
func (ts *credServer) sitExam(t testing.TB, u *certlab.User, examID, mode string, pass bool) *certlab.Attempt {
	t.Helper()
	ctx := context.Background()
	var opts exam.PracticeOptions
	if mode == certlab.ModeExam {
		opts.Appointment = apptest.Admit(t, ts.App, ts.Clock.Now(), u, examID)
	}
	a, err := ts.Engine.CreateAttempt(ctx, u, examID, mode, opts)
	if err != nil {
		t.Fatalf("create %s attempt of %s: %v", mode, examID, err)
	}
	if _, err := ts.Engine.Start(ctx, u, a.ID, true); err != nil {
		t.Fatal(err)
	}
	return ts.finish(t, u, a, pass)
}

// finish answers a started attempt (every answer right, or none) and
// submits it.
func (ts *credServer) finish(t testing.TB, u *certlab.User, a *certlab.Attempt, pass bool) *certlab.Attempt {
	t.Helper()
	ctx := context.Background()
	ex, err := ts.Catalog.Exam(a.ExamID)
	if err != nil {
		t.Fatal(err)
	}
	seq := int64(0)
	for si, sec := range a.Form.Sections {
		for qi, q := range sec.Questions {
			if pass {
				it, _ := ex.Item(q.ItemID)
				v, _ := json.Marshal(rightAnswer(it, q.Statement))
				seq++
				if _, err := ts.Engine.SaveResponse(ctx, u, a.ID, q.Key, seq, v, false); err != nil {
					t.Fatalf("save %s: %v", q.Key, err)
				}
			}
			if sec.Sequential() && qi < len(sec.Questions)-1 {
				if _, err := ts.Engine.Next(ctx, u, a.ID, si); err != nil {
					t.Fatal(err)
				}
			}
		}
		if si < len(a.Form.Sections)-1 {
			if _, err := ts.Engine.CompleteSection(ctx, u, a.ID, si); err != nil {
				t.Fatal(err)
			}
		}
	}
	a, err = ts.Engine.Submit(ctx, u, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Report == nil || a.Report.Passed != pass {
		t.Fatalf("attempt %d of %s: report %+v, want passed=%v", a.ID, a.ExamID, a.Report, pass)
	}
	return a
}

func (ts *credServer) user(t testing.TB, email string) *certlab.User {
	t.Helper()
	u, err := ts.Store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// fetch GETs a URL with an Accept header and no cookies.
func fetch(t testing.TB, u, accept string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// chromeAccept is what Chromium sends for a page.
const chromeAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"

// maxPage is the largest a page may be.
const maxPage = 100 << 10

var shareLinkRE = regexp.MustCompile(`id="share-\d+" class="share-link" type="text" readonly value="([^"]+)"`)

// TestCredentialPagesByForm walks the credential pages as a browser
// without JavaScript: the pass screen (pending, then earned), the
// dashboard's section, the wallet with its downloads, share and LinkedIn
// links, the name on credentials, transcript links created and revoked,
// and the public pages, which answer a browser with HTML and everyone
// else with the same JSON-LD bytes as before. Every page stays under
// 100 KB.
func TestCredentialPagesByForm(t *testing.T) {
	t.Parallel()
	ts := startCredentialServer(t)
	b := newBrowser(t, ts.URL)
	b.register("ada@example.com")
	u := ts.user(t, "ada@example.com")
	size := func(p page) page {
		t.Helper()
		if len(p.Body) > maxPage {
			t.Errorf("%s is %d bytes, more than 100 KB", p.URL, len(p.Body))
		}
		return p
	}

	// Practice: no word about credentials.
	practice := ts.sitExam(t, u, "az-400", certlab.ModePractice, true)
	if p := size(b.get("/attempts/" + itoa(practice.ID) + "/report")); strings.Contains(p.Body, `id="outcome"`) {
		t.Fatal("a practice report talks about the credential")
	}
	// AZ-400 without a prerequisite: pending, with what is missing.
	az400 := ts.sitExam(t, u, "az-400", certlab.ModeExam, true)
	p := size(b.get("/attempts/" + itoa(az400.ID) + "/report"))
	if out := text(p.Body); !strings.Contains(out, "Credential pending") || !strings.Contains(out, "Azure Administrator Associate") || !strings.Contains(out, "(pass AZ-104)") || !strings.Contains(out, "(pass AZ-204)") {
		t.Fatalf("pending pass screen:\n%s", out)
	}
	if out := text(size(b.get("/wallet")).Body); !strings.Contains(out, "Pending") || strings.Contains(out, "Add to LinkedIn") {
		t.Fatalf("wallet with a pending credential:\n%s", out)
	}
	// AZ-104 issues the administrator credential, which issues the expert one.
	az104 := ts.sitExam(t, u, "az-104", certlab.ModeExam, true)
	if out := text(size(b.get("/attempts/" + itoa(az104.ID) + "/report")).Body); !strings.Contains(out, "Credential earned") || !strings.Contains(out, "valid until 25 November 2027") {
		t.Fatalf("earned pass screen:\n%s", out)
	}
	if out := text(size(b.get("/attempts/" + itoa(az400.ID) + "/report")).Body); !strings.Contains(out, "Credential earned: DevOps Engineer Expert") {
		t.Fatalf("the AZ-400 report once the expert credential is issued:\n%s", out)
	}
	if out := text(size(b.get("/")).Body); !strings.Contains(out, "Your credentials") || !strings.Contains(out, "Renewal window opens 29 May 2027") {
		t.Fatalf("dashboard:\n%s", out)
	}

	wallet := size(b.get("/wallet"))
	links := shareLinkRE.FindAllStringSubmatch(wallet.Body, -1)
	if len(links) != 2 {
		t.Fatalf("wallet has %d share links, want 2:\n%s", len(links), text(wallet.Body))
	}
	cs, err := ts.App.Credentials.Credentials(context.Background(), u)
	if err != nil || len(cs) != 2 {
		t.Fatalf("credentials %v %v", cs, err)
	}
	var expert *certlab.Credential
	for _, c := range cs {
		if c.ProgramID == "devops-engineer-expert" {
			expert = c
		}
	}
	share := ts.URL + "/credentials/" + expert.PublicID
	if !strings.Contains(wallet.Body, `value="`+share+`"`) {
		t.Fatalf("the wallet does not offer %s to share", share)
	}
	li := regexp.MustCompile(`href="(https://www.linkedin.com/profile/add\?[^"]+)"`).FindAllStringSubmatch(wallet.Body, -1)
	if len(li) != 2 {
		t.Fatalf("LinkedIn links: %v", li)
	}
	found := false
	for _, m := range li {
		lu, err := url.Parse(html.UnescapeString(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		if lu.Query().Get("certUrl") == share && lu.Query().Get("certId") == expert.PublicID && lu.Query().Get("startTask") == "CERTIFICATION_NAME" && lu.Query().Get("organizationName") == "certlab web" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no LinkedIn link for %s: %v", share, li)
	}
	// The download links are the API's, with the session cookie.
	for format, want := range map[string]string{"": "application/vc+ld+json", "?format=jwt": "application/vc+jwt", "?format=svg": "image/svg+xml"} {
		path := "/api/v1/credentials/" + itoa(expert.ID) + "/download" + format
		if !strings.Contains(wallet.Body, `href="`+strings.ReplaceAll(path, "&", "&amp;")+`"`) {
			t.Errorf("the wallet has no link to %s", path)
		}
		d := b.get(path)
		if d.Status != 200 || d.Header.Get("Content-Type") != want || !strings.HasPrefix(d.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("%s: %d %s %s", path, d.Status, d.Header.Get("Content-Type"), d.Header.Get("Content-Disposition"))
		}
	}

	// The public credential page for a browser, the document for the rest.
	resp, page0 := fetch(t, share, chromeAccept)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || resp.Header.Get("Vary") != "Accept" || len(page0) > maxPage {
		t.Fatalf("public page: %d %s Vary %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Vary"), len(page0))
	}
	for _, want := range []string{`<meta property="og:title" content="DevOps Engineer Expert (AZ-400 pathway)">`, `<meta property="og:image" content="` + ts.URL + `/achievements/devops-engineer-expert/image">`,
		`<meta property="og:url" content="` + share + `">`, `Awarded to <strong>Test Candidate</strong>`, `id="verdict"`, "Verified: every check holds, and the issuer is this server&#39;s own issuer.",
		`<img src="` + ts.URL + `/achievements/devops-engineer-expert/image"`} {
		if !strings.Contains(string(page0), want) {
			t.Errorf("public page lacks %s", want)
		}
	}
	doc := b.get("/api/v1/credentials/" + itoa(expert.ID) + "/download")
	for _, accept := range []string{"", "*/*", "application/ld+json", "application/json", "application/vc+ld+json", "text/html;q=0.5, application/ld+json"} {
		resp, body := fetch(t, share, accept)
		if resp.StatusCode != 200 || !bytes.Equal(body, []byte(doc.Body)) || resp.Header.Get("Content-Type") != "application/vc+ld+json" || resp.Header.Get("Vary") != "Accept" {
			t.Errorf("Accept %q: %d %s, the document changed: %v", accept, resp.StatusCode, resp.Header.Get("Content-Type"), !bytes.Equal(body, []byte(doc.Body)))
		}
	}
	if resp, body := fetch(t, share, "application/vc+jwt"); string(body) != expert.JWT || resp.Header.Get("Content-Type") != "application/vc+jwt" {
		t.Errorf("Accept application/vc+jwt: %s", body)
	}
	if resp, body := fetch(t, share+"?format=json", chromeAccept); !bytes.Equal(body, []byte(doc.Body)) || resp.Header.Get("Content-Type") != "application/vc+ld+json" {
		t.Error("?format=json does not give a browser the document")
	}
	// The credential's image is the achievement image, byte for byte.
	var signed struct {
		CredentialSubject struct {
			Achievement struct {
				Image struct {
					ID string `json:"id"`
				} `json:"image"`
			} `json:"achievement"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal([]byte(doc.Body), &signed); err != nil {
		t.Fatal(err)
	}
	_, img := fetch(t, ts.URL+"/achievements/devops-engineer-expert/image", "")
	if want := "data:image/svg+xml;base64,"; !strings.HasPrefix(signed.CredentialSubject.Achievement.Image.ID, want) || signed.CredentialSubject.Achievement.Image.ID != want+b64(img) {
		t.Fatal("the credential's image is not the image the pages show")
	}
	for _, want := range []string{`role="img"`, "<title", "<desc"} {
		if !bytes.Contains(img, []byte(want)) {
			t.Errorf("the badge image lacks %s", want)
		}
	}
	// Achievement and issuer pages, and their documents.
	for _, path := range []string{"/achievements/devops-engineer-expert", "/issuer"} {
		resp, pg := fetch(t, ts.URL+path, chromeAccept)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(pg), `property="og:title"`) || len(pg) > maxPage {
			t.Errorf("%s for a browser: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		resp, body := fetch(t, ts.URL+path, "application/ld+json")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/ld+json" || !json.Valid(body) {
			t.Errorf("%s for a client: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	if _, pg := fetch(t, ts.URL+"/issuer", chromeAccept); !strings.Contains(text(string(pg)), "active") {
		t.Error("the issuer page does not show the active key")
	}
	if resp, _ := fetch(t, ts.URL+"/credentials/nope", chromeAccept); resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("an unknown credential for a browser: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	// The name on credentials: hidden, then chosen; the public page follows.
	csrf := wallet.csrf(t)
	if p := b.post("/wallet/name", url.Values{"show": {"hidden"}}, csrf); p.Status != 200 || !strings.Contains(p.Body, "signed again") {
		t.Fatalf("hide the name: %d\n%s", p.Status, text(p.Body))
	}
	if _, pg := fetch(t, share, chromeAccept); !strings.Contains(string(pg), "a holder who chose not to be named") || strings.Contains(string(pg), "Test Candidate") {
		t.Error("the public page still names the holder")
	}
	if p := b.post("/wallet/name", url.Values{"show": {"custom"}, "name": {"Ada Lovelace"}}, csrf); p.Status != 200 {
		t.Fatalf("choose a name: %d", p.Status)
	}
	if _, pg := fetch(t, share, chromeAccept); !strings.Contains(string(pg), "Awarded to <strong>Ada Lovelace</strong>") || !strings.Contains(string(pg), `id="verdict"`) {
		t.Error("the public page does not show the chosen name, verified")
	}
	if p := b.post("/wallet/name", url.Values{"show": {"custom"}, "name": {"ada@example.com"}}, csrf); p.Status != 400 || !strings.Contains(text(p.Body), "never shows your e-mail address") {
		t.Errorf("the e-mail address as name: %d", p.Status)
	}

	// Transcript links: created (shown once), opened, revoked.
	p = b.post("/wallet/shares", url.Values{"label": {"recruiter"}}, csrf)
	m := regexp.MustCompile(`id="new-share" class="share-link" type="text" readonly value="([^"]+)"`).FindStringSubmatch(p.Body)
	if p.Status != http.StatusCreated || m == nil {
		t.Fatalf("create a transcript link: %d\n%s", p.Status, text(p.Body))
	}
	resp, pg := fetch(t, m[1], chromeAccept)
	if resp.StatusCode != 200 || !strings.Contains(text(string(pg)), "DevOps Engineer Expert") || !strings.Contains(string(pg), `name="robots" content="noindex"`) ||
		!strings.Contains(string(pg), "Ada Lovelace") || strings.Contains(string(pg), "Test Candidate") {
		t.Fatalf("shared transcript page: %d", resp.StatusCode)
	}
	if resp, body := fetch(t, m[1], "application/json"); resp.StatusCode != 200 || !json.Valid(body) {
		t.Fatalf("shared transcript as JSON: %d", resp.StatusCode)
	}
	shares, _ := ts.App.Credentials.Shares(context.Background(), u)
	if p := b.post("/wallet/shares/"+itoa(shares[0].ID)+"/revoke", url.Values{}, csrf); p.Status != 200 || !strings.Contains(text(p.Body), "revoked") {
		t.Fatalf("revoke: %d", p.Status)
	}
	if resp, _ := fetch(t, m[1], chromeAccept); resp.StatusCode != 404 {
		t.Fatalf("a revoked transcript link: %d", resp.StatusCode)
	}

	// Verify by URL, by pasted text and by file, without JavaScript.
	for _, path := range []string{"/verify?url=" + url.QueryEscape(share), "/verify?url=" + url.QueryEscape(share+"?format=jwt"), "/verify?credential=" + url.QueryEscape(share)} {
		p := size(b.get(path))
		if p.Status != 200 || !strings.Contains(p.Body, "Verified: every check holds, and the issuer is this server&#39;s own issuer.") || !strings.Contains(p.Body, "Result for "+share) {
			t.Errorf("%s: %d\n%s", path, p.Status, text(p.Body))
		}
	}
	if p := b.get("/verify?url=" + url.QueryEscape("http://10.0.0.1/credentials/x")); p.Status != 400 || !strings.Contains(text(p.Body), "https://") {
		t.Errorf("a private http URL: %d %s", p.Status, text(p.Body))
	}
	if p := b.get("/verify?credential=hello"); p.Status != 400 || !strings.Contains(text(p.Body), "not a credential or a link to one") {
		t.Errorf("text that is no credential: %d %s", p.Status, text(p.Body))
	}
	// Signed out, the wallet asks to sign in.
	anon := newBrowser(t, ts.URL)
	if p := anon.get("/wallet"); !strings.HasPrefix(p.URL, "/signin") {
		t.Errorf("the wallet signed out: %s", p.URL)
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
