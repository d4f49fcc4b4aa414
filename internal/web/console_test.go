package web_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/badge"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/exam"
)

// consoleServer is the application with credentials, a fake clock and the
// people of a certification day: an admin, a proctor, a candidate with a
// declared external credential and a booking, and an examinee sitting the
// proctored exam.
type consoleServer struct {
	*testServer
	app      *apptest.Server
	clk      *apptest.Clock
	mail     *sentLog
	admin    *certlab.User
	proctor  *certlab.User
	cand     *certlab.User
	examinee *certlab.User
	external int64
	sitting  *certlab.Sitting
	booking  int64 // the candidate's appointment in sitting
	attempt  int64 // the examinee's exam, started
}

// sentLog is a mail.Mailer that keeps what was sent.
type sentLog struct {
	mu   sync.Mutex
	sent []string
}

func (m *sentLog) Send(_ context.Context, to, subject, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, to+"\n"+subject+"\n"+body)
	return nil
}

const (
	adminPassword   = "granite-harbour-kite-123"
	proctorPassword = "watchful-eyes-in-the-room-123"
	candPassword    = "kestrel-orchard-lamp-123"
)

func startConsoleServer(t *testing.T, now time.Time) *consoleServer {
	t.Helper()
	ctx := context.Background()
	cs := &consoleServer{clk: apptest.NewClock(now), mail: &sentLog{}}
	cs.app = apptest.Start(t, app.Config{Now: cs.clk.Now, Seed: func() int64 { return 20261125 }, Mailer: cs.mail,
		Credentials: &credential.Config{IssuerName: "certlab console test", KeySecret: []byte("console-test-secret-0123456789")}})
	a := cs.app
	cs.testServer = &testServer{URL: a.URL, Store: a.Store, Catalog: a.Catalog, Engine: a.Engine, App: a.App}
	servers.Store(a.URL, cs.testServer)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	cs.admin, err = a.Accounts.Register(ctx, "admin@example.org", "Ada Admin", adminPassword)
	must(err)
	cs.proctor, err = a.Accounts.Create(ctx, "proctor@example.org", "Pat Proctor", proctorPassword, certlab.RoleProctor)
	must(err)
	cs.cand, err = a.Accounts.Create(ctx, "cand@example.org", "Cam Candidate", candPassword, certlab.RoleCandidate)
	must(err)
	cs.examinee, err = a.Accounts.Create(ctx, "examinee@example.org", "Eli Examinee", candPassword, certlab.RoleCandidate)
	must(err)
	earned := now.AddDate(-1, 0, 0)
	ext, err := a.Credentials.Declare(ctx, cs.cand, credential.Declaration{Credential: "azure-administrator-associate", Issuer: "Microsoft",
		Name: "Microsoft Certified: Azure Administrator Associate", ExternalID: "AZ104-8841-2201", URL: "https://learn.microsoft.com/users/cam/transcript/abc", EarnedAt: &earned})
	must(err)
	cs.external = ext.ID
	// A sitting that starts in 20 minutes (check-in is open), booked by
	// the candidate the day before.
	cs.sitting = &certlab.Sitting{ExamID: "az-400", StartsAt: now.Add(20 * time.Minute), TimeZone: "UTC", Capacity: 10, Delivery: certlab.DeliveryOnline,
		Proctored: true, CreatedBy: cs.admin.ID, CreatedAt: now.Add(-72 * time.Hour)}
	must(a.Store.CreateSitting(ctx, cs.sitting))
	ap := &certlab.Appointment{SittingID: cs.sitting.ID, UserID: cs.cand.ID, BookedAt: now.Add(-48 * time.Hour)}
	must(a.Store.BookAppointment(ctx, ap))
	cs.booking = ap.ID
	// The examinee started the proctored exam already.
	apID := apptest.Admit(t, a.App, now, cs.examinee, "az-400")
	at, err := a.Engine.CreateAttempt(ctx, cs.examinee, "az-400", certlab.ModeExam, exam.PracticeOptions{Appointment: apID})
	must(err)
	_, err = a.Engine.Start(ctx, cs.examinee, at.ID, true)
	must(err)
	cs.attempt = at.ID
	return cs
}

// signIn signs a browser in through the sign-in form.
func (cs *consoleServer) signIn(t *testing.T, email, password string) *browser {
	t.Helper()
	b := newBrowser(t, cs.URL)
	p := b.post("/signin", url.Values{"email": {email}, "password": {password}}, "")
	if p.Status != http.StatusOK || p.URL != "/" {
		t.Fatalf("sign in %s: %d at %s", email, p.Status, p.URL)
	}
	b.email = email
	return b
}

// auditCount is the number of audit log entries.
func (cs *consoleServer) auditCount(t *testing.T) int {
	t.Helper()
	es, err := cs.Store.AuditEntries(context.Background(), certlab.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// state is what the console forms could change, to compare before and
// after a refused action.
func (cs *consoleServer) state(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	us, err := cs.Store.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		fmt.Fprintf(&b, "user %d %s %s %d %v %s\n", u.ID, u.Role, u.Name, u.ExtraTimePct, u.DisabledAt, u.PasswordHash)
	}
	e, _ := cs.Store.ExternalCredential(ctx, cs.external)
	fmt.Fprintf(&b, "external %s %q\n", e.Status, e.ReviewNote)
	cr, _ := cs.Store.Credentials(ctx, certlab.CredentialFilter{})
	for _, c := range cr {
		fmt.Fprintf(&b, "credential %d %s %s\n", c.ID, c.Status, c.JWT)
	}
	ap, _ := cs.Store.Appointment(ctx, cs.booking)
	fmt.Fprintf(&b, "appointment %s %v\n", ap.Status, ap.AdmittedBy)
	ci, _ := cs.Store.CheckIns(ctx, []int64{cs.booking})
	fmt.Fprintf(&b, "check-ins %d\n", len(ci))
	at, _ := cs.Store.Attempt(ctx, cs.attempt)
	fmt.Fprintf(&b, "attempt %s %v\n", at.Status, at.Deadline)
	ps, _ := cs.Store.AttemptPauses(ctx, cs.attempt)
	fmt.Fprintf(&b, "pauses %d\n", len(ps))
	keys, _ := cs.Store.IssuerKeys(ctx)
	for _, k := range keys {
		fmt.Fprintf(&b, "key %s %v %v\n", k.ID, k.Retired, k.Withdrawn)
	}
	fmt.Fprintf(&b, "audit %d mail %d\n", cs.auditCount(t), len(cs.mail.sent))
	return b.String()
}

// Every console form refuses bad input (unknown ids, empty reasons where
// one is required, a role or state that does not exist, malformed
// numbers and dates) with a clear message, and changes nothing.
func TestConsoleFormsRefuseBadInput(t *testing.T) {
	cs := startConsoleServer(t, time.Now().UTC())
	ctx := context.Background()
	// A pending credential for the credential forms.
	cred := &certlab.Credential{PublicID: "pending-one", UserID: cs.cand.ID, ProgramID: "devops-engineer-expert", Status: certlab.CredentialPending,
		StatusIndex: -1, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := cs.Store.CreateCredential(ctx, cred); err != nil {
		t.Fatal(err)
	}
	admin := cs.signIn(t, "admin@example.org", adminPassword)
	proctor := cs.signIn(t, "proctor@example.org", proctorPassword)
	csrfOf := func(b *browser, path string) string { return b.get(path).csrf(t) }
	adminCSRF, proctorCSRF := csrfOf(admin, "/admin/users/new"), csrfOf(proctor, "/proctor")
	user := func(id int64, action string) string { return fmt.Sprintf("/admin/users/%d/%s", id, action) }
	cand, me := cs.cand.ID, cs.admin.ID
	tests := []struct {
		name   string
		b      *browser
		method string
		path   string
		form   url.Values
		status int
		msg    string
	}{
		{"new account: not an address", admin, "POST", "/admin/users", url.Values{"email": {"nobody"}, "role": {"candidate"}}, 400, `"nobody" is not an e-mail address`},
		{"new account: unknown role", admin, "POST", "/admin/users", url.Values{"email": {"x@example.org"}, "role": {"superuser"}, "password": {"long enough passphrase"}}, 400, `role "superuser" must be`},
		{"new account: taken address", admin, "POST", "/admin/users", url.Values{"email": {"cand@example.org"}, "role": {"candidate"}, "password": {"long enough passphrase"}}, 409, "exists already"},
		{"new account: short password", admin, "POST", "/admin/users", url.Values{"email": {"x@example.org"}, "role": {"candidate"}, "password": {"short"}}, 400, "at least 15 characters"},
		{"role: unknown role", admin, "POST", user(cand, "role"), url.Values{"role": {"superuser"}, "reason": {"why not"}}, 400, `role "superuser": no such role`},
		{"role: no reason", admin, "POST", user(cand, "role"), url.Values{"role": {"proctor"}, "reason": {" "}}, 400, "reason: say why the role changes"},
		{"role: unknown account", admin, "POST", user(9999, "role"), url.Values{"role": {"proctor"}, "reason": {"x"}}, 404, "user 9999 not found"},
		{"role: not a number", admin, "POST", "/admin/users/abc/role", url.Values{"role": {"proctor"}, "reason": {"x"}}, 404, `no id "abc"`},
		{"role: own account", admin, "POST", user(me, "role"), url.Values{"role": {"candidate"}, "reason": {"x"}}, 400, "your own account"},
		{"disable: no reason", admin, "POST", user(cand, "disable"), url.Values{"reason": {""}}, 400, "say why the account is disabled"},
		{"disable: own account", admin, "POST", user(me, "disable"), url.Values{"reason": {"x"}}, 400, "your own account"},
		{"enable: not disabled", admin, "POST", user(cand, "enable"), url.Values{"reason": {"x"}}, 409, "is not disabled"},
		{"reset: no reason", admin, "POST", user(cand, "reset"), url.Values{}, 400, "say why a reset link is sent"},
		{"revoke: no reason", admin, "POST", user(cand, "revoke"), url.Values{}, 400, "say why the sign-ins and tokens are revoked"},
		{"accommodation: not a number", admin, "POST", user(cand, "accommodation"), url.Values{"extra_time_pct": {"lots"}, "reason": {"x"}}, 400, `"lots" is not a whole number`},
		{"accommodation: out of range", admin, "POST", user(cand, "accommodation"), url.Values{"extra_time_pct": {"500"}, "reason": {"x"}}, 400, "between 0 and 300"},
		{"accommodation: no reason", admin, "POST", user(cand, "accommodation"), url.Values{"extra_time_pct": {"25"}}, 400, "say why the accommodation is granted"},
		{"account: unknown action", admin, "POST", user(cand, "promote"), url.Values{"reason": {"x"}}, 404, `no action "promote"`},
		{"accounts: unknown role", admin, "GET", "/admin/users?role=superuser", nil, 400, "no such role"},
		{"accounts: unknown state", admin, "GET", "/admin/users?state=asleep", nil, 400, "must be active or disabled"},
		{"accounts: bad cursor", admin, "GET", "/admin/users?after=-3", nil, 400, `after "-3" is not a number`},
		{"review: no decision", admin, "POST", fmt.Sprintf("/admin/reviews/%d", cs.external), url.Values{"note": {"x"}}, 400, "choose approve or reject"},
		{"review: approve without a note", admin, "POST", fmt.Sprintf("/admin/reviews/%d", cs.external), url.Values{"decision": {"approve"}}, 400, "say what you checked"},
		{"review: reject without a note", admin, "POST", fmt.Sprintf("/admin/reviews/%d", cs.external), url.Values{"decision": {"reject"}}, 400, "say why the credential is rejected"},
		{"review: unknown", admin, "POST", "/admin/reviews/9999", url.Values{"decision": {"approve"}, "note": {"x"}}, 404, "not found"},
		{"reviews: unknown state", admin, "GET", "/admin/reviews?status=pending", nil, 400, "must be declared, verified, rejected or all"},
		{"credential: revoke without a reason", admin, "POST", fmt.Sprintf("/admin/credentials/%d/revoke", cred.ID), url.Values{}, 400, "say why the credential is revoked"},
		{"credential: revoke a pending one", admin, "POST", fmt.Sprintf("/admin/credentials/%d/revoke", cred.ID), url.Values{"reason": {"x"}}, 409, "only issued credentials can be revoked"},
		{"credential: reissue without a reason", admin, "POST", fmt.Sprintf("/admin/credentials/%d/reissue", cred.ID), url.Values{}, 400, "say why the credential is reissued"},
		{"credential: reissue a pending one", admin, "POST", fmt.Sprintf("/admin/credentials/%d/reissue", cred.ID), url.Values{"reason": {"x"}}, 409, "only an active credential is reissued"},
		{"credential: unknown", admin, "POST", "/admin/credentials/9999/revoke", url.Values{"reason": {"x"}}, 404, "not found"},
		{"credentials: unknown program", admin, "GET", "/admin/credentials?program=nope", nil, 400, `program "nope": no such program`},
		{"credentials: unknown state", admin, "GET", "/admin/credentials?status=lost", nil, 400, "must be pending, active, expired or revoked"},
		{"keys: withdraw an unknown key", admin, "POST", "/admin/keys/withdraw", url.Values{"key": {"https://nowhere#z6Mk"}, "reason": {"x"}}, 404, "not in the key store"},
		{"keys: withdraw without a reason", admin, "POST", "/admin/keys/withdraw", url.Values{"key": {"x"}}, 400, "say why the key is withdrawn"},
		{"keys: unknown action", admin, "POST", "/admin/keys/burn", url.Values{}, 404, `no action "burn"`},
		{"audit: bad date", admin, "GET", "/admin/audit?from=yesterday", nil, 400, `from "yesterday": use a date`},
		{"audit: unknown actor", admin, "GET", "/admin/audit?actor=nobody@example.org", nil, 400, `actor "nobody@example.org": no account`},
		{"audit: empty period", admin, "GET", "/admin/audit?from=2026-11-25&to=2026-11-24", nil, 400, "to must be after from"},
		{"check-in: no identity", proctor, "POST", fmt.Sprintf("/proctor/appointments/%d/check-in", cs.booking), url.Values{"note": {"x"}}, 400, "say which identity document you saw"},
		{"check-in: unknown appointment", proctor, "POST", "/proctor/appointments/9999/check-in", url.Values{"identity_seen": {"passport"}}, 404, "appointment 9999 not found"},
		{"admit: no note", proctor, "POST", fmt.Sprintf("/proctor/appointments/%d/admit", cs.booking), url.Values{}, 400, "the note is required"},
		{"appointment: unknown action", proctor, "POST", fmt.Sprintf("/proctor/appointments/%d/skip", cs.booking), url.Values{}, 404, `no action "skip"`},
		{"pause: no reason", proctor, "POST", fmt.Sprintf("/proctor/attempts/%d/pause", cs.attempt), url.Values{}, 400, "say why the attempt is paused"},
		{"resume: not paused", proctor, "POST", fmt.Sprintf("/proctor/attempts/%d/resume", cs.attempt), url.Values{"reason": {"x"}}, 409, "not paused"},
		{"incident: no note", proctor, "POST", fmt.Sprintf("/proctor/attempts/%d/incidents", cs.attempt), url.Values{"note": {"  "}}, 400, "describe the incident"},
		{"end: not confirmed", proctor, "POST", fmt.Sprintf("/proctor/attempts/%d/end", cs.attempt), url.Values{"reason": {"phone"}}, 400, "tick the box"},
		{"end: no reason", proctor, "POST", fmt.Sprintf("/proctor/attempts/%d/end", cs.attempt), url.Values{"confirm": {"void"}}, 400, "say why the attempt is ended"},
		{"sitting: unknown attempt", proctor, "POST", "/proctor/attempts/9999/pause", url.Values{"reason": {"x"}}, 404, "attempt 9999 not found"},
		{"sitting: unknown action", proctor, "POST", fmt.Sprintf("/proctor/attempts/%d/kick", cs.attempt), url.Values{}, 404, `no action "kick"`},
		{"sitting: a practice set", proctor, "GET", "/proctor/attempts/9999", nil, 404, "attempt 9999 not found"},
	}
	before := cs.state(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p page
			if tt.method == "GET" {
				p = tt.b.get(tt.path)
			} else {
				csrf := adminCSRF
				if tt.b == proctor {
					csrf = proctorCSRF
				}
				p = tt.b.post(tt.path, tt.form, csrf)
			}
			if p.Status != tt.status || !strings.Contains(text(p.Body), tt.msg) {
				t.Fatalf("%s %s: %d, want %d with %q:\n%s", tt.method, tt.path, p.Status, tt.status, tt.msg, text(p.Body))
			}
			if !strings.Contains(p.Body, `role="alert"`) && !strings.Contains(p.Body, `class="error-message"`) {
				t.Fatalf("%s: the message is not shown as an error", tt.path)
			}
		})
	}
	if after := cs.state(t); after != before {
		t.Fatalf("refused forms changed something:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// pushedCredential signs an Open Badges credential with a fresh did:key
// for the achievement URL, as another issuer would.
func pushedCredential(t *testing.T, achievementURL string, from time.Time) []byte {
	t.Helper()
	l, err := badge.NewContextLoader()
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	mk := badge.EncodeMultikey(pub)
	did := "did:key:" + mk
	ic, err := l.Issue(badge.OpenBadge{ID: "urn:uuid:8f0c5d8e-4c1a-4f0e-9a55-2f6b1c0d7e11", Issuer: badge.IssuerProfile{ID: did, Name: "Other Academy"},
		Achievement: badge.Achievement{ID: achievementURL, Name: "Azure Administrator Associate", Criteria: "Pass AZ-104."},
		Recipient:   badge.Recipient{ID: "did:example:holder"}, ValidFrom: from}, badge.SigningKey{VerificationMethod: did + "#" + mk, PrivateKey: priv}, from)
	if err != nil {
		t.Fatal(err)
	}
	return ic.DataIntegrity
}

// The review page shows a credential pushed through the Open Badges API
// with the document and every check of its verification; the audit log
// exports as CSV; the live sittings reload themselves without scripts.
func TestConsoleEvidenceExportAndRefresh(t *testing.T) {
	cs := startConsoleServer(t, time.Now().UTC())
	ctx := context.Background()
	res, err := cs.App.Credentials.Push(ctx, cs.cand, pushedCredential(t, "https://academy.example/achievements/azure-administrator-associate", time.Now().Add(-time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	admin := cs.signIn(t, "admin@example.org", adminPassword)
	p := admin.get(fmt.Sprintf("/admin/reviews/%d", res.External.ID))
	txt := text(p.Body)
	for _, want := range []string{"Pushed through the Open Badges API as JSON with a Data Integrity proof", "every check passed", "Other Academy",
		"azure-administrator-associate", "urn:uuid:8f0c5d8e-4c1a-4f0e-9a55-2f6b1c0d7e11", "DataIntegrityProof"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the review page lacks %q:\n%s", want, txt)
		}
	}
	if n := strings.Count(p.Body, `<li class="pass">`); n < 3 || strings.Contains(p.Body, `<li class="fail">`) {
		t.Errorf("the review page lists %d passed checks (and failed ones: %v)", n, strings.Contains(p.Body, `<li class="fail">`))
	}
	p = admin.post(fmt.Sprintf("/admin/reviews/%d", res.External.ID), url.Values{"decision": {"reject"}, "note": {"issuer not recognised"}}, p.csrf(t))
	if p.Status != 200 || !strings.Contains(text(p.Body), "The credential was rejected") || !strings.Contains(text(p.Body), "rejected on") {
		t.Fatalf("reject: %d\n%s", p.Status, text(p.Body))
	}

	csv := admin.get("/admin/audit.csv?action=external.rejected")
	if csv.Status != 200 || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") || !strings.Contains(csv.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV export: %d %v", csv.Status, csv.Header)
	}
	lines := strings.Split(strings.TrimSpace(csv.Body), "\n")
	if len(lines) != 2 || lines[0] != "id,at,actor_id,actor,role,action,subject,detail" || !strings.Contains(lines[1], "admin@example.org,admin,external.rejected") ||
		!strings.Contains(lines[1], "issuer not recognised") {
		t.Fatalf("CSV:\n%s", csv.Body)
	}

	proctor := cs.signIn(t, "proctor@example.org", proctorPassword)
	live := proctor.get("/proctor/live")
	if !strings.Contains(live.Body, `<noscript><meta http-equiv="refresh" content="10"></noscript>`) || !strings.Contains(live.Body, `data-live="10"`) {
		t.Fatalf("the live sittings neither reload without scripts nor refresh with them:\n%s", live.Body)
	}
	if !strings.Contains(text(live.Body), "Eli Examinee") {
		t.Fatalf("live sittings:\n%s", text(live.Body))
	}
}
