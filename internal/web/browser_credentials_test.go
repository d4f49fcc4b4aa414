package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certlab/certlab"
)

// download is what the page's own fetch of a download link returned.
type download struct {
	Status      int    `json:"status"`
	Type        string `json:"type"`
	Disposition string `json:"disposition"`
	Body        string `json:"body"`
}

// TestBrowserCredentials drives headless Chromium through the credential
// pages: a credential earned (the pass screen), shown in the wallet,
// downloaded in both forms (with the session, as the wallet's links do),
// shared (the public page a recruiter opens, and its JSON-LD for a
// client), verified by its URL on /verify, the name on it hidden, a
// transcript link shared, and the renewal offered on the dashboard when
// its window opens, taken, and shown extended. Every page passes
// auditPage (axe-core, 390 px).
func TestBrowserCredentials(t *testing.T) {
	ts := startCredentialServer(t)
	ctx := newChromium(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	signIn := func() {
		t.Helper()
		do(t, ctx, "sign in",
			chromedp.Navigate(ts.URL+"/signin"),
			chromedp.WaitVisible(css("#email")),
			chromedp.SendKeys(css("#email"), "ada@example.com"),
			chromedp.SendKeys(css("#password"), "correct horse battery"),
			chromedp.Click(css(`main button[type=submit]`)),
			chromedp.WaitVisible(css("h1.dashboard")),
		)
	}
	do(t, ctx, "register",
		chromedp.Navigate(ts.URL+"/register"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#name"), "Ada Lovelace"),
		chromedp.SendKeys(css("#email"), "ada@example.com"),
		chromedp.SendKeys(css("#password"), "correct horse battery"),
		chromedp.SendKeys(css("#password2"), "correct horse battery"),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css("h1.dashboard")),
	)
	u := ts.user(t, "ada@example.com")

	// AZ-400 passed first: the pass screen says what is missing.
	az400 := ts.sitExam(t, u, "az-400", certlab.ModeExam, true)
	do(t, ctx, "pending pass screen", chromedp.Navigate(ts.URL+"/attempts/"+itoa(az400.ID)+"/report"), chromedp.WaitVisible(css("#outcome")))
	if out := get(t, ctx, "outcome", chromedp.Text(css("#outcome"))); !strings.Contains(out, "Credential pending") || !strings.Contains(out, "Azure Administrator Associate") {
		t.Fatalf("pending pass screen: %q", out)
	}
	screenshot(t, ctx, "web-pass-pending")
	auditPage(t, ctx, "pass screen (pending)")

	// AZ-104 passed: both credentials are issued.
	az104 := ts.sitExam(t, u, "az-104", certlab.ModeExam, true)
	do(t, ctx, "earned pass screen", chromedp.Navigate(ts.URL+"/attempts/"+itoa(az104.ID)+"/report"), chromedp.WaitVisible(css("#outcome")))
	if out := get(t, ctx, "outcome", chromedp.Text(css("#outcome"))); !strings.Contains(out, "Credential earned") {
		t.Fatalf("earned pass screen: %q", out)
	}
	screenshot(t, ctx, "web-pass-earned")
	auditPage(t, ctx, "pass screen (earned)")

	// The wallet, reached from the header.
	do(t, ctx, "wallet", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(css("#credentials")), chromedp.Click(css(`header a[href="/wallet"]`)), chromedp.WaitVisible(css("h1.wallet")))
	if w := get(t, ctx, "wallet", chromedp.Text(css("#wallet-devops-engineer-expert"))); !strings.Contains(w, "DevOps Engineer Expert") || !strings.Contains(w, "Active") || !strings.Contains(w, "Add to LinkedIn profile") {
		t.Fatalf("wallet entry: %q", w)
	}
	screenshot(t, ctx, "web-wallet")
	auditPage(t, ctx, "wallet")
	share := get(t, ctx, "share link", chromedp.Value(css("#wallet-devops-engineer-expert input.share-link")))
	if !strings.HasPrefix(share, ts.URL+"/credentials/") {
		t.Fatalf("share link %q", share)
	}

	// Both downloads, fetched by the page with its session like a click.
	var docs = map[string]download{}
	for _, format := range []string{"json", "jwt"} {
		sel := `#wallet-devops-engineer-expert a[href$="/download"]`
		if format == "jwt" {
			sel = `#wallet-devops-engineer-expert a[href$="format=jwt"]`
		}
		d := get(t, ctx, "download "+format, chromedp.Evaluate[download](`fetch(document.querySelector('`+sel+`').href).then(function (r) {
			return r.text().then(function (b) { return {status: r.status, type: r.headers.get("Content-Type"), disposition: r.headers.get("Content-Disposition"), body: b}; });
		})`, chromedp.EvalAwaitPromise))
		if d.Status != 200 || !strings.Contains(d.Disposition, "attachment") {
			t.Fatalf("download %s: %+v", format, d)
		}
		docs[format] = d
	}
	if docs["json"].Type != "application/vc+ld+json" || !json.Valid([]byte(docs["json"].Body)) || docs["jwt"].Type != "application/vc+jwt" || strings.Count(docs["jwt"].Body, ".") != 2 {
		t.Fatalf("downloads: %+v", docs)
	}
	for format, d := range docs {
		resp, err := http.Post(ts.URL+"/api/v1/verify", "application/json", strings.NewReader(d.Body))
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Verified    bool   `json:"verified"`
			IssuerTrust string `json:"issuerTrust"`
		}
		json.NewDecoder(resp.Body).Decode(&v)
		resp.Body.Close()
		if !v.Verified || v.IssuerTrust != "own" {
			t.Errorf("the downloaded %s does not verify as this server's: %+v", format, v)
		}
	}

	// The shared link, as a recruiter's browser opens it, and as JSON-LD.
	do(t, ctx, "public page", chromedp.Navigate(share), chromedp.WaitVisible(css("#cred-title")))
	if pg := get(t, ctx, "public page", chromedp.Text(css("main"))); !strings.Contains(pg, "Awarded to Ada Lovelace") || !strings.Contains(pg, "Verified: every check holds, and the issuer is this server's own issuer.") {
		t.Fatalf("public page: %q", pg)
	}
	if w := get(t, ctx, "badge image", chromedp.Evaluate[int](`document.querySelector("img.cred-badge").naturalWidth`)); w == 0 {
		t.Error("the badge image did not load")
	}
	screenshot(t, ctx, "web-credential-public")
	auditPage(t, ctx, "public credential page")
	resp, body := fetch(t, share, "application/ld+json")
	if resp.Header.Get("Content-Type") != "application/vc+ld+json" || !bytes.Equal(body, []byte(docs["json"].Body)) || resp.Header.Get("Vary") != "Accept" {
		t.Fatalf("the credential for Accept: application/ld+json is not the signed document (%s)", resp.Header.Get("Content-Type"))
	}
	for name, path := range map[string]string{"achievement": "/achievements/devops-engineer-expert", "issuer": "/issuer"} {
		do(t, ctx, name+" page", chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(css("main h1")))
		screenshot(t, ctx, "web-"+name+"-public")
		auditPage(t, ctx, name+" page")
	}

	// Verified by URL on /verify.
	do(t, ctx, "verify by URL",
		chromedp.Navigate(ts.URL+"/verify"),
		chromedp.WaitVisible(css("#verify-url")),
		chromedp.SendKeys(css("#verify-url"), share),
		chromedp.Click(css(`#verify-url ~ button`)),
		chromedp.WaitVisible(css("#verdict")),
	)
	if v := get(t, ctx, "verdict", chromedp.Text(css("#verdict"))); !strings.Contains(v, "this server's own issuer") {
		t.Fatalf("verify by URL: %q", v)
	}
	screenshot(t, ctx, "web-verify")
	auditPage(t, ctx, "verify page")

	// The name on credentials, hidden from the wallet.
	do(t, ctx, "hide the name",
		chromedp.Navigate(ts.URL+"/wallet"),
		chromedp.WaitVisible(css("#holder-name")),
		chromedp.Click(css(`#holder-name input[value=hidden]`)),
		chromedp.Click(css(`#holder-name button[type=submit]`)),
		chromedp.WaitVisible(css("p.notice")),
	)
	do(t, ctx, "public page, no name", chromedp.Navigate(share), chromedp.WaitVisible(css(".cred-holder")))
	if h := get(t, ctx, "holder", chromedp.Text(css(".cred-holder"))); !strings.Contains(h, "chose not to be named") {
		t.Fatalf("holder after hiding the name: %q", h)
	}

	// A transcript link, created and opened.
	do(t, ctx, "transcript link",
		chromedp.Navigate(ts.URL+"/wallet"),
		chromedp.WaitVisible(css("#share-label")),
		chromedp.SendKeys(css("#share-label"), "recruiter"),
		chromedp.Click(css(`.share-form button`)),
		chromedp.WaitVisible(css("#new-share")),
	)
	screenshot(t, ctx, "web-wallet-transcript-link")
	auditPage(t, ctx, "wallet with a new transcript link")
	link := get(t, ctx, "new link", chromedp.Value(css("#new-share")))
	do(t, ctx, "shared transcript", chromedp.Navigate(link), chromedp.WaitVisible(css("#transcript-title")))
	screenshot(t, ctx, "web-transcript-public")
	auditPage(t, ctx, "shared transcript")

	// Renewal: the window opens 180 days before expiry; the dashboard
	// offers the free assessment, and passing it extends by a year from
	// the old end.
	cs, _ := ts.App.Credentials.Credentials(context.Background(), u)
	var expert *certlab.Credential
	for _, c := range cs {
		if c.ProgramID == "devops-engineer-expert" {
			expert = c
		}
	}
	until := *expert.ValidUntil
	ts.Clock.Set(until.Add(-100 * 24 * time.Hour))
	signIn() // the session of a hundred days ago has expired
	do(t, ctx, "renewal offer", chromedp.WaitVisible(css("#cred-devops-engineer-expert .renewal-offer")))
	screenshot(t, ctx, "web-dashboard-renewal")
	auditPage(t, ctx, "dashboard with the renewal offer")
	do(t, ctx, "start the renewal",
		chromedp.Click(css(`#cred-devops-engineer-expert .renewal-offer button`)),
		chromedp.WaitVisible(css("#answer-form")),
	)
	loc := get(t, ctx, "location", chromedp.Location())
	id := attemptURL.FindStringSubmatch(strings.TrimPrefix(loc, ts.URL))
	if id == nil {
		t.Fatalf("renewal started at %s", loc)
	}
	a := mustAttempt(t, ts.testServer, id[1])
	if a.Mode != certlab.ModeRenewal {
		t.Fatalf("the offer started a %s attempt", a.Mode)
	}
	ts.finish(t, u, a, true)
	do(t, ctx, "renewal report", chromedp.Navigate(ts.URL+"/attempts/"+id[1]+"/report"), chromedp.WaitVisible(css("#outcome")))
	want := until.Add(365 * 24 * time.Hour).UTC().Format("2 January 2006")
	if out := get(t, ctx, "outcome", chromedp.Text(css("#outcome"))); !strings.Contains(out, "Credential renewed") || !strings.Contains(out, want) {
		t.Fatalf("renewal pass screen: %q (want valid until %s)", out, want)
	}
	screenshot(t, ctx, "web-pass-renewed")
	do(t, ctx, "dashboard after renewal", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(css("#cred-devops-engineer-expert")))
	if row := get(t, ctx, "credential row", chromedp.Text(css("#cred-devops-engineer-expert"))); !strings.Contains(row, "Valid until "+want) || strings.Contains(row, "Take the free renewal") {
		t.Fatalf("dashboard after renewal: %q", row)
	}
}
