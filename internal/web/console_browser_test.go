package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/item"
)

// passExam has the candidate sit a proctored exam through the engine,
// admitted by a proctor, answering every question with its key, and
// returns the scored attempt.
func passExam(t *testing.T, cs *consoleServer, u *certlab.User, examID string) *certlab.Attempt {
	t.Helper()
	return passExamOn(t, cs.testServer, cs.clk.Now(), u, examID)
}

// passExamOn passes a proctored exam of a test server for u, every answer
// right, at now on the server's clock.
func passExamOn(t testing.TB, cs *testServer, now time.Time, u *certlab.User, examID string) *certlab.Attempt {
	t.Helper()
	ctx := context.Background()
	ap := apptest.Admit(t, cs.App, now, u, examID)
	a, err := cs.Engine.CreateAttempt(ctx, u, examID, certlab.ModeExam, exam.PracticeOptions{Appointment: ap})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Engine.Start(ctx, u, a.ID, true); err != nil {
		t.Fatal(err)
	}
	ex, _ := cs.Catalog.Exam(examID)
	seq := int64(0)
	for si, sec := range a.Form.Sections {
		for qi, q := range sec.Questions {
			it, _ := ex.Item(q.ItemID)
			seq++
			if _, err := cs.Engine.SaveResponse(ctx, u, a.ID, q.Key, seq, item.AnswerKey(it, q.Statement), false); err != nil {
				t.Fatalf("answer %s: %v", q.Key, err)
			}
			if sec.Sequential() && qi < len(sec.Questions)-1 {
				if _, err := cs.Engine.Next(ctx, u, a.ID, si); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := cs.Engine.CompleteSection(ctx, u, a.ID, si); err != nil {
			t.Fatal(err)
		}
	}
	got, err := cs.Store.Attempt(ctx, a.ID)
	if err != nil || got.Status != certlab.StatusScored || !got.Report.Passed {
		t.Fatalf("the exam with every answer right: %v %v", got.Report, err)
	}
	return got
}

// browserSignIn signs in through the sign-in page.
func browserSignIn(t *testing.T, ctx context.Context, base, email, password string) {
	t.Helper()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	do(t, ctx, "sign in as "+email,
		chromedp.Navigate(base+"/signin"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), email),
		chromedp.SendKeys(css("#password"), password),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css("h1.dashboard")),
	)
}

// submitForm fills a console form's fields (by id) and submits it, then
// waits for the page it leads to.
func submitForm(t *testing.T, ctx context.Context, step, form string, fields map[string]string, wait string) {
	t.Helper()
	var acts []chromedp.Action[chromedp.Void]
	for id, v := range fields {
		acts = append(acts, chromedp.SendKeys(chromedp.CSS("#"+id), v))
	}
	do(t, ctx, step, acts...)
	clickAndLoad(t, ctx, step, form+` button[type=submit]`, wait)
}

// clickAndLoad clicks a submit button and waits until the next page has
// loaded and shows wait.
func clickAndLoad(t *testing.T, ctx context.Context, step, button, wait string) {
	t.Helper()
	get(t, ctx, step+": mark the page", chromedp.Evaluate[bool](`window.beforeSubmit = true`))
	do(t, ctx, step, chromedp.Click(chromedp.CSS(button)))
	// The old page goes away under the poll: retry until the new one is
	// there.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.beforeSubmit === undefined && document.readyState === "complete"`))
		if err == nil && loaded {
			break
		}
		if time.Now().After(deadline) {
			failAt(t, ctx, step+": the next page", fmt.Errorf("not loaded after 20 s (%v)", err))
		}
	}
	do(t, ctx, step+": wait", chromedp.WaitVisible(chromedp.CSS(wait)))
}

func mainText(t *testing.T, ctx context.Context, what string) string {
	t.Helper()
	return get(t, ctx, what, chromedp.Text(chromedp.CSS("main")))
}

// A day as admin: the overview, accounts (create one without a password,
// disable and enable it), the review queue (approving a candidate's
// Azure Administrator credential completes their DevOps Engineer Expert
// credential, which is issued and verifies), credentials (reissue), issuer
// keys (rotate) and the audit log; every page passes the audit.
func TestBrowserAdminDay(t *testing.T) {
	cs := startConsoleServer(t, time.Now().UTC())
	ctx := context.Background()
	// The candidate passed AZ-400 earlier; the expert credential waits for
	// the prerequisite they declared.
	passExam(t, cs, cs.cand, "az-400")
	if cr, _ := cs.Store.Credentials(ctx, certlab.CredentialFilter{UserID: &cs.cand.ID}); len(cr) != 1 || cr[0].Status != certlab.CredentialPending {
		t.Fatalf("after passing AZ-400 without the prerequisite: %+v, want one pending credential", cr)
	}
	b := newChromium(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	browserSignIn(t, b, cs.URL, "admin@example.org", adminPassword)

	do(t, b, "overview", chromedp.Navigate(cs.URL+"/admin"), chromedp.WaitVisible(css(".console-nav")))
	if txt := mainText(t, b, "overview"); !strings.Contains(txt, "Program overview") || !strings.Contains(txt, "AZ-400") || !strings.Contains(txt, "Appointments per week") {
		t.Fatalf("overview:\n%s", txt)
	}
	if n := get(t, b, "charts", chromedp.Evaluate[int](`document.querySelectorAll("figure.chart svg").length`)); n < 3 {
		t.Fatalf("the overview has %d charts, want pass rates, skill areas and appointments", n)
	}
	auditPage(t, b, "admin overview")
	screenshot(t, b, "console-admin-overview")

	// Accounts: find, create, disable, enable.
	do(t, b, "accounts", chromedp.Navigate(cs.URL+"/admin/users?q=cam"), chromedp.WaitVisible(css("#users")))
	if txt := get(t, b, "results", chromedp.Text(css("#users"))); !strings.Contains(txt, "cand@example.org") || strings.Contains(txt, "proctor@example.org") {
		t.Fatalf("search for cam:\n%s", txt)
	}
	auditPage(t, b, "accounts")
	screenshot(t, b, "console-admin-users")
	do(t, b, "new account", chromedp.Navigate(cs.URL+"/admin/users/new"), chromedp.WaitVisible(css("#email")))
	auditPage(t, b, "new account")
	do(t, b, "choose proctor", chromedp.SetValue(css("#role"), certlab.RoleProctor))
	submitForm(t, b, "create", `form[action="/admin/users"]`, map[string]string{"email": "new.proctor@example.org", "name": "Nia New"}, "#account")
	if txt := mainText(t, b, "new account"); !strings.Contains(txt, "a link to set a password was e-mailed") || !strings.Contains(txt, "proctor") {
		t.Fatalf("after creating:\n%s", txt)
	}
	cs.mail.mu.Lock()
	mails := strings.Join(cs.mail.sent, "\n---\n")
	cs.mail.mu.Unlock()
	if !strings.Contains(mails, "new.proctor@example.org") || !strings.Contains(mails, cs.URL+"/password-reset/new?token=clr_") {
		t.Fatalf("no reset link was e-mailed:\n%s", mails)
	}
	auditPage(t, b, "account")
	screenshot(t, b, "console-admin-user")
	submitForm(t, b, "disable", `form[action$="/disable"]`, map[string]string{"disable-reason": "contract ended"}, "#account-state")
	if st := get(t, b, "state", chromedp.Text(css("#account-state"))); !strings.Contains(st, "disabled") {
		t.Fatalf("after disabling: %q", st)
	}
	submitForm(t, b, "enable", `form[action$="/enable"]`, map[string]string{"enable-reason": "contract renewed"}, "#account-state")
	if st := get(t, b, "state", chromedp.Text(css("#account-state"))); !strings.Contains(st, "active") {
		t.Fatalf("after enabling: %q", st)
	}

	// The review queue: the declared credential, approved.
	do(t, b, "reviews", chromedp.Navigate(cs.URL+"/admin/reviews"), chromedp.WaitVisible(css("#reviews")))
	auditPage(t, b, "review queue")
	screenshot(t, b, "console-admin-reviews")
	do(t, b, "open the review", chromedp.Click(css(`#reviews a`)), chromedp.WaitVisible(css("#declaration")))
	if txt := get(t, b, "declaration", chromedp.Text(css("#declaration"))); !strings.Contains(txt, "AZ104-8841-2201") || !strings.Contains(txt, "devops-engineer-expert") {
		t.Fatalf("the declaration:\n%s", txt)
	}
	auditPage(t, b, "review")
	screenshot(t, b, "console-admin-review")
	do(t, b, "approve", chromedp.Click(css(`input[name=decision][value=approve]`)))
	submitForm(t, b, "decide", `form[action^="/admin/reviews/"]`, map[string]string{"note": "transcript checked on Microsoft Learn: AZ-104 passed 2025"}, "#held")
	if txt := mainText(t, b, "after approving"); !strings.Contains(txt, "The credential was approved") || !strings.Contains(txt, "devops-engineer-expert: active") {
		t.Fatalf("after approving:\n%s", txt)
	}
	cr, err := cs.Store.Credentials(ctx, certlab.CredentialFilter{UserID: &cs.cand.ID})
	if err != nil || len(cr) != 1 || cr[0].Status != certlab.CredentialActive || len(cr[0].Document) == 0 {
		t.Fatalf("the expert credential after the approval: %+v %v", cr, err)
	}
	if v := cs.App.Credentials.Verify(ctx, cr[0].Document); !v.OK() {
		t.Fatalf("the issued credential does not verify: %+v", v.Report)
	}

	// Credentials: find the new one, reissue it.
	do(t, b, "credentials", chromedp.Navigate(cs.URL+"/admin/credentials?status=active"), chromedp.WaitVisible(css("#credentials")))
	auditPage(t, b, "credentials")
	do(t, b, "open the credential", chromedp.Click(css(`#credentials a`)), chromedp.WaitVisible(css("#credential")))
	auditPage(t, b, "credential")
	screenshot(t, b, "console-admin-credential")
	submitForm(t, b, "reissue", `form[action$="/reissue"]`, map[string]string{"reissue-reason": "holder's name corrected"}, "#credential")
	if txt := mainText(t, b, "after reissuing"); !strings.Contains(txt, "reissued, signed with the active key") {
		t.Fatalf("after reissuing:\n%s", txt)
	}

	// Issuer keys: rotate; the retired key keeps its credentials verifying.
	do(t, b, "keys", chromedp.Navigate(cs.URL+"/admin/keys"), chromedp.WaitVisible(css("#keys")))
	if txt := mainText(t, b, "keys"); !strings.Contains(txt, "every credential it signed keeps verifying") {
		t.Fatalf("the keys page does not say what a rotation does:\n%s", txt)
	}
	auditPage(t, b, "issuer keys")
	submitForm(t, b, "rotate", `form[action="/admin/keys/rotate"]`, map[string]string{"rotate-reason": "yearly rotation"}, "#keys")
	if txt := get(t, b, "keys table", chromedp.Text(css("#keys"))); !strings.Contains(txt, "retired") || !strings.Contains(txt, "active") {
		t.Fatalf("after rotating:\n%s", txt)
	}
	screenshot(t, b, "console-admin-keys")
	cr, _ = cs.Store.Credentials(ctx, certlab.CredentialFilter{UserID: &cs.cand.ID})
	if v := cs.App.Credentials.Verify(ctx, cr[0].Document); !v.OK() {
		t.Fatalf("a credential signed with the retired key no longer verifies: %+v", v.Report)
	}

	// The audit log: every step above, filtered.
	do(t, b, "audit log", chromedp.Navigate(cs.URL+"/admin/audit"), chromedp.WaitVisible(css("#audit-entries")))
	log := get(t, b, "entries", chromedp.Text(css("#audit-entries")))
	for _, want := range []string{"user.create", "user.disable", "contract ended", "user.enable", "external.verified", "transcript checked",
		"credential.reissue", "issuer-key.rotate", "yearly rotation", "admin@example.org"} {
		if !strings.Contains(log, want) {
			t.Errorf("the audit log lacks %q:\n%s", want, log)
		}
	}
	auditPage(t, b, "audit log")
	screenshot(t, b, "console-admin-audit")
	do(t, b, "filter", chromedp.Navigate(cs.URL+"/admin/audit?action=user.disable"), chromedp.WaitVisible(css("#audit-entries")))
	if log := get(t, b, "filtered", chromedp.Text(css("#audit-entries"))); !strings.Contains(log, "user.disable") || strings.Contains(log, "user.enable") {
		t.Fatalf("filtered by action:\n%s", log)
	}
}

// A day as proctor: the appointments, a check-in with identity
// attestation and accommodations, admission, the live sittings refreshed
// in place (the candidate's answers appear without a reload), a pause and
// a resumption with reasons, an incident, and a sitting ended for
// misconduct: voided, not scored, the candidate told, no credential.
func TestBrowserProctorDay(t *testing.T) {
	cs := startConsoleServer(t, time.Now().UTC())
	ctx := context.Background()
	if _, err := cs.App.Schedule.SetAccommodation(ctx, cs.admin, cs.cand.ID, 25, "dyslexia, documented"); err != nil {
		t.Fatal(err)
	}
	b := newChromium(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	browserSignIn(t, b, cs.URL, "proctor@example.org", proctorPassword)

	do(t, b, "appointments", chromedp.Navigate(cs.URL+"/proctor"), chromedp.WaitVisible(css("table.roster")))
	if txt := mainText(t, b, "appointments"); !strings.Contains(txt, "Cam Candidate") || !strings.Contains(txt, "+25 % time") {
		t.Fatalf("today's appointments:\n%s", txt)
	}
	auditPage(t, b, "proctor appointments")
	screenshot(t, b, "console-proctor-day")
	do(t, b, "open the appointment", chromedp.Navigate(fmt.Sprintf("%s/proctor/appointments/%d", cs.URL, cs.booking)), chromedp.WaitVisible(css("#identity_seen")))
	auditPage(t, b, "appointment")
	if acc := get(t, b, "accommodations", chromedp.Value(css("#accommodations"))); acc != "extra time 25 %" {
		t.Fatalf("the check-in form does not offer the granted accommodation: %q", acc)
	}
	submitForm(t, b, "check in", `form[action$="/check-in"]`, map[string]string{"identity_seen": "passport ending 4821, photo matches", "checkin-note": "desk clear, one monitor"}, "#attestation")
	if txt := get(t, b, "attestation", chromedp.Text(css("#attestation"))); !strings.Contains(txt, "Pat Proctor") && !strings.Contains(txt, "proctor@example.org") || !strings.Contains(txt, "passport ending 4821") || !strings.Contains(txt, "extra time 25 %") {
		t.Fatalf("the attestation: %q", txt)
	}
	screenshot(t, b, "console-proctor-checkin")
	clickAndLoad(t, b, "admit", `form[action$="/admit"] button[type=submit]`, "#appointment-state")
	if st := get(t, b, "state", chromedp.Text(css("#appointment-state"))); st != certlab.AppointmentAdmitted {
		t.Fatalf("after admitting: %q", st)
	}

	// The candidate (as the server reads them on their next request)
	// starts the exam from the admitted appointment.
	cand, err := cs.Store.User(ctx, cs.cand.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, err := cs.Engine.CreateAttempt(ctx, cand, "az-400", certlab.ModeExam, exam.PracticeOptions{Appointment: cs.booking})
	if err != nil {
		t.Fatal(err)
	}
	if a, err = cs.Engine.Start(ctx, cand, a.ID, true); err != nil {
		t.Fatal(err)
	}
	if want := cs.clk.Now().Add(125 * time.Minute); !a.Deadline.Equal(want) {
		t.Fatalf("deadline with the accommodation %v, want %v", a.Deadline, want)
	}

	// Live sittings: both candidates; refreshed in place.
	do(t, b, "live", chromedp.Navigate(cs.URL+"/proctor/live"), chromedp.WaitVisible(css("#sittings")))
	row := fmt.Sprintf(`#sittings tr[data-attempt="%d"]`, a.ID)
	if txt := get(t, b, "row", chromedp.Text(css(row))); !strings.Contains(txt, "Cam Candidate") || !strings.Contains(txt, "0 of 50") || !strings.Contains(txt, "started") {
		t.Fatalf("the candidate's row: %q", txt)
	}
	auditPage(t, b, "live sittings")
	get(t, b, "mark the page", chromedp.Evaluate[bool](`window.notReloaded = true`))
	q := a.Form.Sections[0].Questions[0]
	if _, err := cs.Engine.SaveResponse(ctx, cs.cand, a.ID, q.Key, 1, []byte(`"a"`), false); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(b, chromedp.Poll[bool](fmt.Sprintf(`document.querySelector(%q).textContent.includes("1 of 50")`, row), chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		failAt(t, b, "live refresh", err)
	}
	if kept := get(t, b, "no reload", chromedp.Evaluate[bool](`window.notReloaded === true`)); !kept {
		t.Fatal("the live sittings reloaded the page instead of refreshing in place")
	}
	screenshot(t, b, "console-proctor-live")

	// The candidate's sitting: pause, resume, incident.
	do(t, b, "sitting", chromedp.Click(css(row+" a")), chromedp.WaitVisible(css("#sitting-state")))
	auditPage(t, b, "sitting")
	submitForm(t, b, "pause", `form[action$="/pause"]`, map[string]string{"pause-reason": "second person in the room"}, "#sitting-state")
	if st := get(t, b, "paused", chromedp.Text(css("#sitting-state"))); st != certlab.StatusPaused {
		t.Fatalf("after pausing: %q", st)
	}
	cs.clk.Add(4 * time.Minute)
	submitForm(t, b, "resume", `form[action$="/resume"]`, map[string]string{"resume-reason": "room cleared, camera shows the desk"}, "#sitting-state")
	if st := get(t, b, "resumed", chromedp.Text(css("#sitting-state"))); st != certlab.StatusStarted {
		t.Fatalf("after resuming: %q", st)
	}
	if got, _ := cs.Store.Attempt(ctx, a.ID); !got.Deadline.Equal(a.Deadline.Truncate(time.Millisecond).Add(4 * time.Minute)) {
		t.Fatalf("deadline after a 4-minute pause: %v, want %v", got.Deadline, a.Deadline.Add(4*time.Minute))
	}
	submitForm(t, b, "incident", `form[action$="/incidents"]`, map[string]string{"incident-note": "phone rang, candidate turned it off"}, "#sitting-state")
	if log := mainText(t, b, "log"); !strings.Contains(log, "attempt.pause") || !strings.Contains(log, "attempt.resume") || !strings.Contains(log, "phone rang") {
		t.Fatalf("the sitting's log:\n%s", log)
	}
	screenshot(t, b, "console-proctor-sitting")

	// The examinee is ended for misconduct.
	do(t, b, "examinee", chromedp.Navigate(fmt.Sprintf("%s/proctor/attempts/%d", cs.URL, cs.attempt)), chromedp.WaitVisible(css("#end-reason")))
	do(t, b, "confirm", chromedp.Click(css(`input[name=confirm]`)))
	submitForm(t, b, "end", `form[action$="/end"]`, map[string]string{"end-reason": "used notes from a second screen"}, "#sitting-state")
	if st := get(t, b, "voided", chromedp.Text(css("#sitting-state"))); !strings.Contains(st, "voided") || !strings.Contains(st, "second screen") {
		t.Fatalf("after ending: %q", st)
	}
	auditPage(t, b, "ended sitting")
	voided, err := cs.Store.Attempt(ctx, cs.attempt)
	if err != nil || voided.Status != certlab.StatusVoided || voided.Report != nil {
		t.Fatalf("the ended attempt: %+v %v, want voided without a report", voided, err)
	}
	if cr, _ := cs.Store.Credentials(ctx, certlab.CredentialFilter{UserID: &cs.examinee.ID}); len(cr) != 0 {
		t.Fatalf("a voided attempt led to credentials: %+v", cr)
	}

	// The examinee is told: the attempt page leads to the voided report.
	cb := newChromium(t)
	browserSignIn(t, cb, cs.URL, "examinee@example.org", candPassword)
	do(t, cb, "the voided attempt", chromedp.Navigate(fmt.Sprintf("%s/attempts/%d", cs.URL, cs.attempt)), chromedp.WaitVisible(css("#voided")))
	if txt := get(t, cb, "voided page", chromedp.Text(css("#voided"))); !strings.Contains(txt, "ended this exam for misconduct") || !strings.Contains(txt, "used notes from a second screen") || !strings.Contains(txt, "no score") {
		t.Fatalf("the candidate's page:\n%s", txt)
	}
	auditPage(t, cb, "voided attempt")
	screenshot(t, cb, "web-attempt-voided")
}
