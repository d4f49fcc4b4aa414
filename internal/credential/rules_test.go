package credential_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/badge"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/exam"
)

func examOpts() exam.PracticeOptions { return exam.PracticeOptions{} }

const day = 24 * time.Hour

func TestRetakePolicy(t *testing.T) {
	type past struct {
		ago    time.Duration // before now
		passed bool
	}
	tests := []struct {
		name     string
		attempts []past // oldest first
		allowed  bool
		next     time.Duration // after now, when not allowed
		reason   string
	}{
		{"first attempt", nil, true, 0, ""},
		{"1 h after a first failure", []past{{time.Hour, false}}, false, 23 * time.Hour, "first failed"},
		{"25 h after a first failure", []past{{25 * time.Hour, false}}, true, 0, ""},
		{"13 days after a second failure", []past{{20 * day, false}, {13 * day, false}}, false, day, "2 failed"},
		{"15 days after a second failure", []past{{20 * day, false}, {15 * day, false}}, true, 0, ""},
		{"after a pass the count restarts", []past{{40 * day, false}, {30 * day, false}, {10 * day, true}, {2 * day, false}}, true, 0, ""},
		{"five attempts in 12 months", []past{{300 * day, false}, {200 * day, false}, {150 * day, false}, {100 * day, false}, {20 * day, false}}, false, 65 * day, "at most 5"},
		{"five attempts, the oldest over a year ago", []past{{370 * day, false}, {200 * day, false}, {150 * day, false}, {100 * day, false}, {20 * day, false}}, true, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			for _, p := range tt.attempts {
				e.recordAttempt(e.cand, certlab.ModeExam, t0.Add(-p.ago), p.passed)
			}
			el, err := e.svc.Eligibility(e.ctx, e.cand, e.ex, certlab.ModeExam)
			if err != nil {
				t.Fatal(err)
			}
			if el.Allowed != tt.allowed {
				t.Fatalf("allowed = %v (%s), want %v", el.Allowed, el.Reason, tt.allowed)
			}
			opts := examOpts()
			if tt.allowed {
				opts = e.admitted(e.cand)
			}
			_, err = e.eng.CreateAttempt(e.ctx, e.cand, "az-400", certlab.ModeExam, opts)
			if tt.allowed {
				if err != nil {
					t.Fatalf("create refused: %v", err)
				}
				return
			}
			// recordAttempt stores the attempt an hour before its submission.
			want := t0.Add(tt.next)
			if tt.reason == "at most 5" {
				want = want.Add(-time.Hour)
			}
			if el.NextAttemptAt == nil || !el.NextAttemptAt.Equal(want) || !strings.Contains(el.Reason, tt.reason) {
				t.Fatalf("next %v reason %q, want %v and %q", el.NextAttemptAt, el.Reason, want, tt.reason)
			}
			wantCode(t, err, certlab.ECONFLICT)
			if !strings.Contains(err.Error(), want.Format(time.RFC3339)) {
				t.Fatalf("refusal %q does not say when the next attempt is allowed (%s)", err, want.Format(time.RFC3339))
			}
		})
	}
	t.Run("an open attempt blocks a new one", func(t *testing.T) {
		e := newEnv(t)
		if _, err := e.eng.CreateAttempt(e.ctx, e.cand, "az-400", certlab.ModeExam, e.admitted(e.cand)); err != nil {
			t.Fatal(err)
		}
		_, err := e.eng.CreateAttempt(e.ctx, e.cand, "az-400", certlab.ModeExam, examOpts())
		wantCode(t, err, certlab.EEXAMOPEN)
		// One sitting at a time: practice waits too.
		_, err = e.eng.CreateAttempt(e.ctx, e.cand, "az-400", certlab.ModePractice, examOpts())
		wantCode(t, err, certlab.EEXAMOPEN)
	})
}

// activeCredential issues the expert credential to the candidate at t0.
func (e *env) activeCredential() *certlab.Credential {
	e.t.Helper()
	e.verifiedExternal(e.cand, "azure-administrator-associate")
	e.recordAttempt(e.cand, certlab.ModeExam, t0, true)
	if _, err := e.svc.Evaluate(e.ctx, e.cand.ID); err != nil {
		e.t.Fatal(err)
	}
	c := e.credential(e.cand)
	if c.Status != certlab.CredentialActive {
		e.t.Fatalf("not issued: %+v", c)
	}
	return c
}

func TestRenewal(t *testing.T) {
	e := newEnv(t)
	c := e.activeCredential()
	until := *c.ValidUntil
	p, _ := e.cat.Program(program)

	// Before the window opens (180 days before expiry) a renewal is refused.
	e.clk.Set(until.Add(-181 * day))
	_, err := e.eng.CreateAttempt(e.ctx, e.cand, "az-400", certlab.ModeRenewal, examOpts())
	wantCode(t, err, certlab.ECONFLICT)
	if !strings.Contains(err.Error(), until.Add(-180*day).Format(time.RFC3339)) {
		t.Fatalf("refusal %q does not say when the window opens", err)
	}

	// In the window: a short, timed, unproctored form; extra time applies.
	e.clk.Set(until.Add(-100 * day))
	e.cand.ExtraTimePct = 50
	a, err := e.eng.CreateAttempt(e.ctx, e.cand, "az-400", certlab.ModeRenewal, examOpts())
	if err != nil {
		t.Fatal(err)
	}
	items := map[string]bool{}
	for _, q := range a.Form.Questions() {
		items[q.ItemID] = true
	}
	if len(items) != p.Renewal.Items || len(a.Form.Sections) != 1 {
		t.Fatalf("renewal form has %d items in %d sections, want %d in 1", len(items), len(a.Form.Sections), p.Renewal.Items)
	}
	started, err := e.eng.Start(e.ctx, e.cand, a.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := e.clk.Now().Add(p.Renewal.TimeLimit.Duration * 3 / 2); !started.Deadline.Equal(want) {
		t.Fatalf("renewal deadline %v, want %v (45 min + 50%%)", started.Deadline, want)
	}
	if _, err := e.eng.Submit(e.ctx, e.cand, a.ID); err != nil { // blank: fails
		t.Fatal(err)
	}
	e.cand.ExtraTimePct = 0

	// A second failure; then a 24-hour wait after it.
	e.clk.Add(time.Hour)
	e.sit(e.cand, certlab.ModeRenewal, false)
	secondFail := e.clk.Now()
	e.clk.Add(23 * time.Hour)
	el, err := e.svc.Eligibility(e.ctx, e.cand, e.ex, certlab.ModeRenewal)
	if err != nil || el.Allowed || el.NextAttemptAt == nil || !el.NextAttemptAt.Equal(secondFail.Add(24*time.Hour)) {
		t.Fatalf("after two failures: %+v %v", el, err)
	}
	_, err = e.eng.CreateAttempt(e.ctx, e.cand, "az-400", certlab.ModeRenewal, examOpts())
	wantCode(t, err, certlab.ECONFLICT)

	// After the wait, attempts are unlimited: a third failure, a wait, then a pass.
	e.clk.Add(2 * time.Hour)
	e.sit(e.cand, certlab.ModeRenewal, false)
	e.clk.Add(25 * time.Hour)
	renewedAt := e.clk.Now()
	e.sit(e.cand, certlab.ModeRenewal, true)

	// Validity extends by one period from the current expiry date, not from today.
	r := e.credential(e.cand)
	if r.Status != certlab.CredentialActive || !r.ValidUntil.Equal(until.Add(p.Validity.Duration)) || r.Renewals != 1 {
		t.Fatalf("after renewal: until %v renewals %d, want %v and 1", r.ValidUntil, r.Renewals, until.Add(p.Validity.Duration))
	}
	if r.ValidUntil.Equal(renewedAt.Add(p.Validity.Duration)) {
		t.Fatal("validity was extended from today")
	}
	if rep := e.svc.Verify(e.ctx, r.Document); !rep.OK() {
		t.Fatalf("renewed credential does not verify: %+v", rep.Checks)
	}
	// The window of the new period is not open yet.
	el, _ = e.svc.Eligibility(e.ctx, e.cand, e.ex, certlab.ModeRenewal)
	if el.Allowed || el.NextAttemptAt == nil || !el.NextAttemptAt.Equal(r.ValidUntil.Add(-180*day)) {
		t.Fatalf("after renewal: %+v", el)
	}
	// The renewal attempts are on the transcript.
	tr, err := e.svc.Transcript(e.ctx, e.cand)
	if err != nil {
		t.Fatal(err)
	}
	renewals := 0
	for _, x := range tr.Exams {
		if x.Mode == certlab.ModeRenewal {
			renewals++
		}
	}
	if renewals != 4 || len(tr.Credentials) != 1 || len(tr.External) != 1 {
		t.Fatalf("transcript %+v", tr)
	}
}

func TestReminders(t *testing.T) {
	t.Run("due threshold", func(t *testing.T) {
		until := t0.AddDate(1, 0, 0)
		tests := []struct {
			left time.Duration
			want int
		}{
			{200 * day, 0}, {180 * day, 180}, {100 * day, 180}, {90 * day, 90}, {31 * day, 90}, {30 * day, 30}, {8 * day, 30}, {7 * day, 7}, {time.Hour, 7}, {0, 0},
		}
		for _, tt := range tests {
			if got := credential.DueReminder([]int{180, 90, 30, 7}, until.Add(-tt.left), until); got != tt.want {
				t.Errorf("%v left: threshold %d, want %d", tt.left, got, tt.want)
			}
		}
	})
	e := newEnv(t)
	c := e.activeCredential()
	until := *c.ValidUntil
	steps := []struct {
		left  time.Duration
		sends int // reminders sent by this sweep
	}{
		{200 * day, 0}, {179 * day, 1}, {170 * day, 0}, {89 * day, 1}, {29 * day, 1}, {29 * day, 0}, {6 * day, 1}, {day, 0},
	}
	total := 0
	for _, st := range steps {
		e.clk.Set(until.Add(-st.left))
		res, err := e.svc.Sweep(e.ctx)
		if err != nil || res.Reminders != st.sends {
			t.Fatalf("%v before expiry: %+v %v, want %d reminders", st.left, res, err, st.sends)
		}
		total += st.sends
	}
	rs, err := e.svc.Reminders(e.ctx, e.cand)
	if err != nil || len(rs) != 4 || rs[0].Days != 7 || rs[3].Days != 180 || e.mail.count() != 4 {
		t.Fatalf("dashboard %v, %d e-mails, %v", rs, e.mail.count(), err)
	}
	if !strings.Contains(rs[3].Message, "expires on") || !strings.Contains(rs[0].Message, "renewal assessment is open") {
		t.Fatalf("messages %q / %q", rs[3].Message, rs[0].Message)
	}
}

func TestRevocation(t *testing.T) {
	e := newEnv(t)
	c := e.activeCredential()
	_, err := e.svc.Revoke(e.ctx, e.cand, c.ID, "cheating")
	wantCode(t, err, certlab.EFORBIDDEN)
	_, err = e.svc.Revoke(e.ctx, e.admin, c.ID, " ")
	wantCode(t, err, certlab.EINVALID)
	before, err := e.svc.StatusList(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Revoke(e.ctx, e.admin, c.ID, "exam content shared online"); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Revoke(e.ctx, e.admin, c.ID, "again")
	wantCode(t, err, certlab.ECONFLICT)
	for _, form := range [][]byte{c.Document, []byte(c.JWT)} {
		rep := e.svc.Verify(e.ctx, form)
		if rep.OK() || rep.Failed(badge.CheckStatus) == nil || rep.RevocationReason != "exam content shared online" {
			t.Fatalf("revoked credential: %+v reason %q", rep.Checks, rep.RevocationReason)
		}
	}
	after, _ := e.svc.StatusList(e.ctx)
	if string(before) == string(after) {
		t.Fatal("the status list was not re-signed after the revocation")
	}
	// A revoked credential is not issued again by evaluation.
	if issued, _ := e.svc.Evaluate(e.ctx, e.cand.ID); len(issued) != 0 {
		t.Fatal("revoked credential re-issued")
	}
	log, _ := e.audit.Entries(e.ctx, e.admin, certlab.AuditFilter{Action: "credential.revoke"})
	if len(log) != 1 || !strings.Contains(log[0].Detail, "exam content shared online") {
		t.Fatalf("audit %v", log)
	}
}

func TestIssuerKeys(t *testing.T) {
	e := newEnv(t)
	c := e.activeCredential()
	oldKey := e.svc.SigningKeyID()
	// Restarting with the same store and secret keeps the key; a wrong
	// secret refuses to start rather than making a new key.
	opts := credential.Options{Store: e.store, Catalog: e.cat, Now: e.clk.Now}
	again, err := credential.New(e.ctx, credential.Config{BaseURL: "https://certlab.test", KeySecret: testSecret, KDF: fastKDF}, opts)
	if err != nil || again.SigningKeyID() != oldKey {
		t.Fatalf("restart: key %v, %v; want %s", again, err, oldKey)
	}
	if _, err := credential.New(e.ctx, credential.Config{BaseURL: "https://certlab.test", KeySecret: []byte("another-secret-0123456789"), KDF: fastKDF}, opts); err == nil {
		t.Fatal("a wrong secret opened the issuer key")
	}
	keys, _ := e.store.IssuerKeys(e.ctx)
	if len(keys) != 1 || len(keys[0].SealedPrivateKey) < 64 {
		t.Fatalf("stored keys %+v", keys)
	}
	// Rotation: new credentials use the new key, old ones still verify.
	if _, err := e.svc.RotateKey(e.ctx, e.cand, ""); certlab.ErrorCode(err) != certlab.EFORBIDDEN {
		t.Fatalf("candidate rotated the key: %v", err)
	}
	newKey, err := e.svc.RotateKey(e.ctx, e.admin, "")
	if err != nil || newKey == oldKey {
		t.Fatalf("rotate: %s %v", newKey, err)
	}
	if rep := e.svc.Verify(e.ctx, c.Document); !rep.OK() {
		t.Fatalf("credential of the retired key: %+v", rep.Checks)
	}
	other := e.user("other@example.org", certlab.RoleCandidate)
	e.verifiedExternal(other, "azure-developer-associate")
	e.recordAttempt(other, certlab.ModeExam, t0, true)
	e.svc.Evaluate(e.ctx, other.ID)
	oc := e.credential(other)
	if !strings.Contains(string(oc.Document), strings.TrimPrefix(newKey, "https://certlab.test/issuer")) {
		t.Fatal("new credential not signed with the new key")
	}
	profile, _ := e.svc.ProfileDocument(e.ctx)
	if vms := profile["verificationMethod"].([]any); len(vms) != 2 {
		t.Fatalf("profile lists %d keys, want both", len(vms))
	}
	// Withdrawing the old key makes its credentials fail.
	if err := e.svc.WithdrawKey(e.ctx, e.admin, oldKey, "laptop stolen"); err != nil {
		t.Fatal(err)
	}
	if rep := e.svc.Verify(e.ctx, c.Document); rep.OK() || rep.Failed(badge.CheckIssuerKey) == nil {
		t.Fatalf("credential of a withdrawn key: %+v", rep.Checks)
	}
	if rep := e.svc.Verify(e.ctx, oc.Document); !rep.OK() {
		t.Fatalf("credential of the active key: %+v", rep.Checks)
	}
}

func TestTranscriptShare(t *testing.T) {
	e := newEnv(t)
	e.activeCredential()
	token, sh, err := e.svc.CreateShare(e.ctx, e.cand, "employer")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := e.svc.SharedTranscript(e.ctx, token)
	if err != nil || len(tr.Credentials) != 1 || tr.Credentials[0].URL == "" || len(tr.Exams) != 1 {
		t.Fatalf("shared transcript %+v %v", tr, err)
	}
	other := e.user("other@example.org", certlab.RoleCandidate)
	wantCode(t, e.svc.RevokeShare(e.ctx, other, sh.ID), certlab.ENOTFOUND)
	if err := e.svc.RevokeShare(e.ctx, e.cand, sh.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.SharedTranscript(e.ctx, token)
	wantCode(t, err, certlab.ENOTFOUND)
	_, err = e.svc.SharedTranscript(e.ctx, "guess")
	wantCode(t, err, certlab.ENOTFOUND)
}

func TestEvaluateConcurrently(t *testing.T) {
	e := newEnv(t)
	e.verifiedExternal(e.cand, "azure-developer-associate")
	e.recordAttempt(e.cand, certlab.ModeExam, t0, true)
	done := make(chan int, 4)
	for range 4 {
		go func() {
			issued, _ := e.svc.Evaluate(context.Background(), e.cand.ID)
			done <- len(issued)
		}()
	}
	total := 0
	for range 4 {
		total += <-done
	}
	if total != 1 {
		t.Fatalf("four concurrent evaluations issued %d credentials, want 1", total)
	}
}

func TestTwoServersEvaluateAtOnce(t *testing.T) {
	e := newEnv(t)
	// A second server process on the same database and secret.
	other, err := credential.New(e.ctx, credential.Config{BaseURL: "https://certlab.test", IssuerName: "certlab test", KeySecret: testSecret, KDF: fastKDF},
		credential.Options{Store: e.store, Catalog: e.cat, Now: e.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		u := e.user("c"+string(rune('a'+i))+"@example.org", certlab.RoleCandidate)
		e.verifiedExternal(u, "azure-developer-associate")
		e.recordAttempt(u, certlab.ModeExam, t0, true)
		errs := make(chan error, 2)
		for _, svc := range []*credential.Service{e.svc, other} {
			go func() { _, err := svc.Evaluate(context.Background(), u.ID); errs <- err }()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatalf("user %d: %v", u.ID, err)
			}
		}
		cs, _ := e.svc.Credentials(e.ctx, u)
		if len(cs) != 1 || cs[0].Status != certlab.CredentialActive {
			t.Fatalf("user %d: %+v", u.ID, cs)
		}
		if rep := e.svc.Verify(e.ctx, cs[0].Document); !rep.OK() {
			t.Fatalf("user %d: stored credential does not verify: %+v", u.ID, rep.Checks)
		}
	}
}
