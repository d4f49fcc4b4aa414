package credential_test

import (
	"encoding/json"
	"io/fs"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/content"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/badge"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/pack"
)

// walletEntry returns the wallet entry of the expert program.
func (e *env) walletEntry(u *certlab.User) *credential.WalletEntry {
	e.t.Helper()
	w, err := e.svc.Wallet(e.ctx, u)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := range w {
		if w[i].Credential.ProgramID == program {
			return &w[i]
		}
	}
	return nil
}

func (e *env) outcome(u *certlab.User, a *certlab.Attempt) *credential.Outcome {
	e.t.Helper()
	o, err := e.svc.AttemptOutcome(e.ctx, u, a.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

// TestOutcomeWalletAndRenewal follows one candidate through the expert
// credential as the pass screen, the wallet and the dashboard see it:
// practice means nothing, a failed exam changes nothing, a pass without
// the prerequisite leaves it pending with the AZ-104 or AZ-204 credential
// named as missing, the verified prerequisite issues it, the renewal
// window opens 180 days before expiry and a passed renewal extends it by
// a year from its end.
func TestOutcomeWalletAndRenewal(t *testing.T) {
	e := newEnv(t)
	if o := e.outcome(e.cand, e.sit(e.cand, certlab.ModePractice, true)); o != nil {
		t.Fatalf("practice has an outcome: %+v", o)
	}
	failed := e.sit(e.cand, certlab.ModeExam, false)
	if o := e.outcome(e.cand, failed); o.Kind != credential.OutcomeNotPassed || o.NextAttempt == nil || !strings.Contains(o.Message, "retake policy") {
		t.Fatalf("failed exam: %+v", o)
	}
	e.clk.Add(25 * time.Hour)
	passed := e.sit(e.cand, certlab.ModeExam, true)
	o := e.outcome(e.cand, passed)
	if o.Kind != credential.OutcomePending || len(o.Missing) != 1 || o.Links != nil {
		t.Fatalf("pass without the prerequisite: %+v", o)
	}
	for _, want := range []string{"Azure Administrator Associate", "(pass AZ-104)", " or ", "Azure Developer Associate", "(pass AZ-204)"} {
		if !strings.Contains(o.Missing[0], want) {
			t.Errorf("missing %q does not say %q", o.Missing[0], want)
		}
	}
	// A declared prerequisite awaits review, and the wallet says so too.
	if _, err := e.svc.Declare(e.ctx, e.cand, credential.Declaration{Credential: "azure-developer-associate", Issuer: "Microsoft", Name: "AZ-204", ExternalID: "X"}); err != nil {
		t.Fatal(err)
	}
	w := e.walletEntry(e.cand)
	if w == nil || w.State != credential.StatePending || len(w.Missing) != 1 || !strings.Contains(w.Missing[0], "awaits an administrator's review") || w.Links != nil || w.Renewal != nil {
		t.Fatalf("pending wallet entry: %+v", w)
	}

	e.verifiedExternal(e.cand, "azure-administrator-associate")
	o = e.outcome(e.cand, passed)
	if o.Kind != credential.OutcomeEarned || o.Links == nil || !strings.Contains(o.Message, "valid until 26 November 2027") {
		t.Fatalf("earned: %+v", o)
	}
	w = e.walletEntry(e.cand)
	if w.State != credential.StateActive || w.Renewal == nil || w.Renewal.Open || w.Renewal.Allowed || w.Links == nil {
		t.Fatalf("active wallet entry: %+v %+v", w, w.Renewal)
	}
	until := *w.Credential.ValidUntil
	if !w.Renewal.Opens.Equal(until.Add(-180*24*time.Hour)) || !w.Renewal.Closes.Equal(until) || w.Renewal.Items != 25 || w.Renewal.Minutes != 45 || w.Renewal.Exam != "az-400" {
		t.Fatalf("renewal window %+v for a credential valid until %s", w.Renewal, until)
	}
	if w.ImageURL != "https://certlab.test/achievements/"+program+"/image" {
		t.Errorf("image URL %s", w.ImageURL)
	}

	// LinkedIn's add-certification link: the credential, nothing of the holder.
	li, err := url.Parse(w.Links.LinkedIn)
	if err != nil || li.Host != "www.linkedin.com" || li.Path != "/profile/add" {
		t.Fatalf("LinkedIn link %s", w.Links.LinkedIn)
	}
	issued := w.Credential.IssuedAt.UTC()
	want := map[string]string{"startTask": "CERTIFICATION_NAME", "name": w.Name, "organizationName": "certlab test",
		"issueYear": "2026", "issueMonth": "11", "expirationYear": "2027", "expirationMonth": "11", // issued 26 November 2026
		"certUrl": "https://certlab.test/credentials/" + w.Credential.PublicID, "certId": w.Credential.PublicID}
	if issued.Year() != 2026 || issued.Month() != 11 {
		t.Fatalf("issued %s", issued)
	}
	for k, v := range want {
		if got := li.Query().Get(k); got != v {
			t.Errorf("LinkedIn %s = %q, want %q", k, got, v)
		}
	}
	if strings.Contains(w.Links.LinkedIn, "cand") {
		t.Errorf("the LinkedIn link names the holder: %s", w.Links.LinkedIn)
	}

	// Inside the window: expiring, and the renewal assessment is offered.
	e.clk.Set(until.Add(-100 * 24 * time.Hour))
	w = e.walletEntry(e.cand)
	if w.State != credential.StateExpiring || !w.Renewal.Open || !w.Renewal.Allowed {
		t.Fatalf("in the renewal window: %+v %+v", w, w.Renewal)
	}
	renewal := e.sit(e.cand, certlab.ModeRenewal, true)
	o = e.outcome(e.cand, renewal)
	newUntil := until.Add(365 * 24 * time.Hour)
	if o.Kind != credential.OutcomeRenewed || o.Credential == nil || !o.Credential.ValidUntil.Equal(newUntil) || !strings.Contains(o.Message, "25 November 2028") {
		t.Fatalf("renewed: %+v (want valid until %s)", o, newUntil)
	}
	w = e.walletEntry(e.cand)
	if w.State != credential.StateActive || w.Renewal.Open || !w.Renewal.Opens.Equal(newUntil.Add(-180*24*time.Hour)) {
		t.Fatalf("after renewal: %+v %+v", w, w.Renewal)
	}
	// The re-signed credential verifies with its new end date.
	pv, err := e.svc.PublicView(e.ctx, w.Credential.PublicID)
	if err != nil || !pv.Verification.Verified || pv.Verification.IssuerTrust != badge.TrustOwn || !pv.ValidUntil.Equal(newUntil) {
		t.Fatalf("public view after renewal: %+v %v", pv, err)
	}

	// A failed renewal in the new window says the credential stays valid.
	e.clk.Set(newUntil.Add(-10 * 24 * time.Hour))
	o = e.outcome(e.cand, e.sit(e.cand, certlab.ModeRenewal, false))
	if o.Kind != credential.OutcomeNotPassed || !strings.Contains(o.Message, "stays valid until 25 November 2028") {
		t.Fatalf("failed renewal: %+v", o)
	}
	// Past its end the wallet shows it expired even before the sweep.
	e.clk.Set(newUntil.Add(time.Hour))
	if w = e.walletEntry(e.cand); w.State != credential.StateExpired || w.Renewal == nil || w.Renewal.Open {
		t.Fatalf("past the end: %+v", w)
	}
	// Nobody else reads the outcome of the candidate's attempt.
	other := e.user("other@example.org", certlab.RoleCandidate)
	_, err = e.svc.AttemptOutcome(e.ctx, other, passed.ID)
	wantCode(t, err, certlab.ENOTFOUND)
}

// TestHolderName checks the name signed into credentials: the account's
// name by default (left out when it is the e-mail address), a chosen name
// or none, applied to issued credentials at once by signing them again,
// and refused when it cannot be shown.
func TestHolderName(t *testing.T) {
	e := newEnv(t)
	ada := &certlab.User{Email: "ada@example.org", Name: "Ada Account", Role: certlab.RoleCandidate, PasswordHash: "x", CreatedAt: t0}
	if err := e.store.CreateUser(e.ctx, ada, false); err != nil {
		t.Fatal(err)
	}
	e.sit(ada, certlab.ModeExam, true)
	e.verifiedExternal(ada, "azure-administrator-associate")
	c := e.credential(ada)
	holder := func() string {
		t.Helper()
		pv, err := e.svc.PublicView(e.ctx, c.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if !pv.Verification.Verified {
			t.Fatalf("the credential does not verify: %+v", pv.Verification.Checks)
		}
		if pv.Name == "" || pv.IssuerName != "certlab test" || pv.ImageURL == "" {
			t.Fatalf("public view %+v", pv)
		}
		return pv.Holder
	}
	if got := holder(); got != "Ada Account" {
		t.Fatalf("default holder name %q, want the account's name", got)
	}
	before := e.credential(ada)
	n, resigned, err := e.svc.SetHolderName(e.ctx, ada, "  Ada   Lovelace ", false)
	if err != nil || resigned != 1 || n.Name != "Ada Lovelace" {
		t.Fatalf("set name: %+v %d %v (want the one issued credential signed again)", n, resigned, err)
	}
	after := e.credential(ada)
	if got := holder(); got != "Ada Lovelace" {
		t.Fatalf("holder %q after choosing a name", got)
	}
	if after.PublicID != before.PublicID || after.StatusIndex != before.StatusIndex || !after.ValidUntil.Equal(*before.ValidUntil) || string(after.Document) == string(before.Document) {
		t.Fatal("signing again changed the credential's id, status entry or dates, or did not change the document")
	}
	if _, _, err := e.svc.SetHolderName(e.ctx, ada, "Ignored", true); err != nil {
		t.Fatal(err)
	}
	if got := holder(); got != "" {
		t.Fatalf("holder %q after hiding the name", got)
	}
	if n, _ := e.svc.HolderName(e.ctx, ada); !n.Hidden || n.Name != "" {
		t.Fatalf("stored choice %+v", n)
	}
	for _, bad := range []string{"ADA@example.org", "Ada\x07", strings.Repeat("a", 101)} {
		_, _, err := e.svc.SetHolderName(e.ctx, ada, bad, false)
		wantCode(t, err, certlab.EINVALID)
	}
	// The candidate of newEnv is named by their e-mail: no name is shown.
	e.sit(e.cand, certlab.ModeExam, true)
	e.verifiedExternal(e.cand, "azure-developer-associate")
	c = e.credential(e.cand)
	if got := holder(); got != "" {
		t.Fatalf("an account named by its e-mail shows %q", got)
	}
}

// TestVerifyURL checks verification by URL: this server's credentials
// (both forms) are read from the database, another server's are fetched
// only over https and only from public addresses.
func TestVerifyURL(t *testing.T) {
	e := newEnv(t)
	e.sit(e.cand, certlab.ModeExam, true)
	e.verifiedExternal(e.cand, "azure-administrator-associate")
	c := e.credential(e.cand)
	for _, u := range []string{"https://certlab.test/credentials/" + c.PublicID, "https://certlab.test/credentials/" + c.PublicID + "?format=jwt"} {
		v, err := e.svc.VerifyURL(e.ctx, u)
		if err != nil || !v.Verified || v.IssuerTrust != badge.TrustOwn || v.CredentialID != "https://certlab.test/credentials/"+c.PublicID {
			t.Fatalf("%s: %+v %v", u, v, err)
		}
		if strings.HasSuffix(u, "jwt") != strings.Contains(v.Format, "VC-JWT") {
			t.Errorf("%s verified as %s", u, v.Format)
		}
	}
	for _, tc := range []struct{ url, code, says string }{
		{"https://certlab.test/credentials/nope", certlab.ENOTFOUND, "no credential"},
		{"http://elsewhere.example/c/1", certlab.EINVALID, "https://"},
		{"https://127.0.0.1:1/c/1", certlab.EINVALID, "not a public Internet address"},
		{"https://user:pw@elsewhere.example/c", certlab.EINVALID, "user name"},
		{"ftp://elsewhere.example/c", certlab.EINVALID, "absolute https://"},
	} {
		_, err := e.svc.VerifyURL(e.ctx, tc.url)
		if certlab.ErrorCode(err) != tc.code || !strings.Contains(certlab.ErrorMessage(err), tc.says) {
			t.Errorf("%s: %v (%s), want %s saying %q", tc.url, err, certlab.ErrorCode(err), tc.code, tc.says)
		}
	}
}

// TestParseVerifyInput classifies what the verification page receives.
func TestParseVerifyInput(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n"), " \n"...)
	for _, tc := range []struct {
		name, in string
		url      string
		cred     bool
		err      string
	}{
		{name: "url", in: "  https://certlab.example/credentials/ab12 \n", url: "https://certlab.example/credentials/ab12"},
		{name: "json", in: "\ufeff {\"a\":1}", cred: true},
		{name: "jwt", in: "eyJh.eyJi.c2ln", cred: true},
		{name: "svg", in: "<svg></svg>", cred: true},
		{name: "png keeps its bytes", in: string(png), cred: true},
		{name: "empty", in: " \n", err: "nothing to verify"},
		{name: "two urls", in: "https://a.example/x https://b.example/y", err: "without spaces"},
		{name: "text", in: "hello world", err: `starts with "hello world"`},
		{name: "relative", in: "https:///x", err: "absolute https://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := credential.ParseVerifyInput([]byte(tc.in))
			if tc.err != "" {
				if certlab.ErrorCode(err) != certlab.EINVALID || !strings.Contains(certlab.ErrorMessage(err), tc.err) {
					t.Fatalf("error %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil || got.URL != tc.url || (len(got.Credential) > 0) != tc.cred {
				t.Fatalf("got %+v %v", got, err)
			}
			if tc.name == "png keeps its bytes" && string(got.Credential) != tc.in {
				t.Fatal("a PNG was trimmed")
			}
		})
	}
}

// FuzzParseVerifyInput checks that any input is either refused with a
// message or classified as exactly one of a valid URL and a credential.
func FuzzParseVerifyInput(f *testing.F) {
	for _, s := range []string{"https://certlab.example/credentials/x", "{}", "a.b.c", "<svg/>", "\x89PNG\r\n\x1a\n", "", "http://[::1]:80/x", "https://h/%zz"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := credential.ParseVerifyInput(data)
		if err != nil {
			if certlab.ErrorCode(err) != certlab.EINVALID || certlab.ErrorMessage(err) == "" {
				t.Fatalf("error without a message for the person verifying: %v", err)
			}
			return
		}
		if (in.URL == "") == (len(in.Credential) == 0) {
			t.Fatalf("input %q classified as %+v", data, in)
		}
		if in.URL != "" {
			u, err := url.Parse(in.URL)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
				t.Fatalf("accepted URL %q", in.URL)
			}
		}
	})
}

// overlayFS is a file system with some files added or replaced.
type overlayFS struct {
	fs.FS
	files fstest.MapFS
}

func (o overlayFS) Open(name string) (fs.File, error) {
	if _, ok := o.files[name]; ok {
		return o.files.Open(name)
	}
	return o.FS.Open(name)
}

// TestPackBadgeInCredential checks that a program's own badge artwork,
// named in its program.yaml, is the image its credentials embed and the
// server serves, byte for byte.
func TestPackBadgeInCredential(t *testing.T) {
	prog, err := fs.ReadFile(content.FS, "az400/program.yaml")
	if err != nil {
		t.Fatal(err)
	}
	art := []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" role="img"><title>Expert</title><desc>The expert's own badge.</desc><circle cx="5" cy="5" r="4"/></svg>`)
	cat, diags := pack.Load(overlayFS{FS: content.FS, files: fstest.MapFS{
		"az400/program.yaml": {Data: append(append([]byte{}, prog...), "badge: expert.svg\n"...)},
		"az400/expert.svg":   {Data: art},
	}}, "content")
	if diags.Errors() > 0 {
		t.Fatalf("content with the badge: %v", diags)
	}
	e := newEnvWith(t, cat)
	e.sit(e.cand, certlab.ModeExam, true)
	e.verifiedExternal(e.cand, "azure-administrator-associate")
	c := e.credential(e.cand)
	if c == nil || c.Status != certlab.CredentialActive {
		t.Fatalf("credential %+v", c)
	}
	if img, err := e.svc.AchievementImageSVG(program); err != nil || string(img) != string(art) {
		t.Fatalf("served image %q %v", img, err)
	}
	var doc struct {
		CredentialSubject struct {
			Achievement struct {
				Image struct {
					ID string `json:"id"`
				} `json:"image"`
			} `json:"achievement"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(c.Document, &doc); err != nil || doc.CredentialSubject.Achievement.Image.ID != badge.DataURI("image/svg+xml", art) {
		t.Fatalf("the signed credential does not embed the pack's badge (%v): %.80s", err, doc.CredentialSubject.Achievement.Image.ID)
	}
	if v := e.svc.Verify(e.ctx, c.Document); !v.Verified {
		t.Fatalf("the credential with the pack's badge does not verify: %+v", v.Checks)
	}
}

// TestLinkedInOrganizationID checks that a configured LinkedIn
// organisation id names the issuer in "Add to profile" links instead of
// its name.
func TestLinkedInOrganizationID(t *testing.T) {
	a := apptest.New(t, app.Config{Now: func() time.Time { return t0 },
		Credentials: &credential.Config{BaseURL: "https://certlab.test", IssuerName: "certlab test", KeySecret: testSecret, LinkedInOrganizationID: "75645939"}})
	issued, until := t0, t0.AddDate(1, 0, 0)
	u, err := url.Parse(a.Credentials.LinkedInURL(&certlab.Credential{PublicID: "abc", IssuedAt: &issued, ValidUntil: &until}, "Expert"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("organizationId") != "75645939" || q.Has("organizationName") || q.Get("certUrl") != "https://certlab.test/credentials/abc" || q.Get("expirationYear") != "2027" {
		t.Fatalf("LinkedIn link %s", u)
	}
}

// TestPublicViewVerification checks the verification a public page shows:
// reused for a minute, but never across a revocation.
func TestPublicViewVerification(t *testing.T) {
	e := newEnv(t)
	e.sit(e.cand, certlab.ModeExam, true)
	e.verifiedExternal(e.cand, "azure-administrator-associate")
	c := e.credential(e.cand)
	first, err := e.svc.PublicView(e.ctx, c.PublicID)
	if err != nil || !first.Verification.Verified {
		t.Fatalf("%+v %v", first, err)
	}
	e.clk.Add(30 * time.Second)
	if again, _ := e.svc.PublicView(e.ctx, c.PublicID); again.Verification != first.Verification {
		t.Fatal("the verification of 30 seconds ago was not reused")
	}
	e.clk.Add(31 * time.Second)
	later, _ := e.svc.PublicView(e.ctx, c.PublicID)
	if later.Verification == first.Verification || !later.Verification.CheckedAt.Equal(e.clk.Now()) {
		t.Fatal("a verification older than a minute was reused")
	}
	if _, err := e.svc.Revoke(e.ctx, e.admin, c.ID, "test"); err != nil {
		t.Fatal(err)
	}
	revoked, _ := e.svc.PublicView(e.ctx, c.PublicID)
	if revoked.Verification.Verified || revoked.Verification.RevocationReason != "test" {
		t.Fatalf("the page still shows a revoked credential as verified: %+v", revoked.Verification)
	}
	if _, err := e.svc.PublicView(e.ctx, "nope"); certlab.ErrorCode(err) != certlab.ENOTFOUND {
		t.Fatalf("unknown credential: %v", err)
	}
}
