package credential_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/badge"
	"github.com/certlab/certlab/internal/credential"
)

func TestEarningWithPrerequisite(t *testing.T) {
	e := newEnv(t)
	// Passing AZ-400 first leaves the credential pending.
	e.sit(e.cand, certlab.ModeExam, true)
	c := e.credential(e.cand)
	if c == nil || c.Status != certlab.CredentialPending || len(c.Document) != 0 {
		t.Fatalf("after AZ-400 alone: %+v, want pending without a document", c)
	}
	// A declared prerequisite does not count until an admin verifies it;
	// a rejected one never does.
	x, err := e.svc.Declare(e.ctx, e.cand, credential.Declaration{Credential: "azure-developer-associate", Issuer: "Microsoft", URL: "https://learn.microsoft.com/share/abc"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Evaluate(e.ctx, e.cand.ID); err != nil {
		t.Fatal(err)
	}
	if c := e.credential(e.cand); c.Status != certlab.CredentialPending {
		t.Fatalf("declared but unverified prerequisite counted: %s", c.Status)
	}
	_, _, err = e.svc.Review(e.ctx, e.cand, x.ID, true, "")
	wantCode(t, err, certlab.EFORBIDDEN)
	if _, issued, err := e.svc.Review(e.ctx, e.admin, x.ID, false, "share link does not open"); err != nil || len(issued) != 0 {
		t.Fatalf("reject: issued %v, %v", issued, err)
	}
	if c := e.credential(e.cand); c.Status != certlab.CredentialPending {
		t.Fatalf("rejected prerequisite counted: %s", c.Status)
	}
	// A verified one issues the credential automatically.
	issued := e.verifiedExternal(e.cand, "azure-administrator-associate")
	if len(issued) != 1 || issued[0].ProgramID != program {
		t.Fatalf("verifying the prerequisite issued %v", issued)
	}
	c = e.credential(e.cand)
	if c.Status != certlab.CredentialActive || c.StatusIndex < 0 || c.JWT == "" || !c.ValidUntil.Equal(t0.Add(365*24*time.Hour)) {
		t.Fatalf("issued credential: %s until %v index %d", c.Status, c.ValidUntil, c.StatusIndex)
	}
	for _, form := range [][]byte{c.Document, []byte(c.JWT)} {
		rep := e.svc.Verify(e.ctx, form)
		if !rep.OK() {
			var b strings.Builder
			rep.WriteText(&b)
			t.Fatalf("issued credential does not verify:\n%s", b.String())
		}
	}
	// The document is an OpenBadgeCredential naming the holder by hashed e-mail.
	var doc map[string]any
	if err := json.Unmarshal(c.Document, &doc); err != nil {
		t.Fatal(err)
	}
	if s := string(c.Document); !strings.Contains(s, "OpenBadgeCredential") || !strings.Contains(s, "eddsa-rdfc-2022") || strings.Contains(s, e.cand.Email) ||
		!strings.Contains(s, badge.HashIdentity(e.cand.Email, c.PublicID)) {
		t.Fatalf("document is not a hashed-recipient OB3 credential: %s", s)
	}
	// The audit log has the admin's decisions (beside the sitting's
	// admission and start).
	all, err := e.audit.Entries(e.ctx, e.admin, certlab.AuditFilter{})
	var log []*certlab.AuditEntry
	for _, l := range all {
		if strings.HasPrefix(l.Action, "external.") {
			log = append(log, l)
		}
	}
	if err != nil || len(log) != 2 || log[0].Action != "external.verified" || log[1].Action != "external.rejected" {
		var got []string
		for _, l := range log {
			got = append(got, l.Action)
		}
		t.Fatalf("audit log %v %v", got, err)
	}
}

func TestPrerequisiteFirstThenExam(t *testing.T) {
	e := newEnv(t)
	if issued := e.verifiedExternal(e.cand, "azure-developer-associate"); len(issued) != 0 {
		t.Fatalf("a prerequisite alone issued %v", issued)
	}
	if c := e.credential(e.cand); c != nil {
		t.Fatalf("a prerequisite alone created %+v: nothing of the program is passed yet", c)
	}
	e.sit(e.cand, certlab.ModeExam, true) // the engine's OnScored hook issues it
	if c := e.credential(e.cand); c == nil || c.Status != certlab.CredentialActive {
		t.Fatalf("after the exam: %+v, want active", c)
	}
}

func TestExternalDeclarationRules(t *testing.T) {
	e := newEnv(t)
	future := t0.Add(time.Hour)
	tests := []struct {
		name string
		d    credential.Declaration
	}{
		{"no credential", credential.Declaration{Issuer: "Microsoft", ExternalID: "1"}},
		{"unknown credential", credential.Declaration{Credential: "pilot-licence", Issuer: "Microsoft", ExternalID: "1"}},
		{"no issuer", credential.Declaration{Credential: "azure-developer-associate", ExternalID: "1"}},
		{"no evidence", credential.Declaration{Credential: "azure-developer-associate", Issuer: "Microsoft"}},
		{"plain http link", credential.Declaration{Credential: "azure-developer-associate", Issuer: "Microsoft", URL: "http://example.org/x"}},
		{"earned in the future", credential.Declaration{Credential: "azure-developer-associate", Issuer: "Microsoft", ExternalID: "1", EarnedAt: &future}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Declare(e.ctx, e.cand, tt.d)
			wantCode(t, err, certlab.EINVALID)
		})
	}
	// An expired external credential does not count.
	past := t0.Add(-time.Hour)
	x, err := e.svc.Declare(e.ctx, e.cand, credential.Declaration{Credential: "azure-developer-associate", Issuer: "Microsoft", ExternalID: "1", ExpiresAt: &past})
	if err != nil {
		t.Fatal(err)
	}
	e.svc.Review(e.ctx, e.admin, x.ID, true, "ok")
	_, _, err = e.svc.Review(e.ctx, e.admin, x.ID, false, "twice")
	wantCode(t, err, certlab.ECONFLICT)
	e.recordAttempt(e.cand, certlab.ModeExam, t0.Add(-time.Minute), true)
	if _, err := e.svc.Evaluate(e.ctx, e.cand.ID); err != nil {
		t.Fatal(err)
	}
	if c := e.credential(e.cand); c == nil || c.Status != certlab.CredentialPending {
		t.Fatalf("an expired prerequisite counted: %+v", c)
	}
}

func TestCriteria(t *testing.T) {
	p, _ := builtinCatalog(t).Program(program)
	tests := []struct {
		name string
		r    *certlab.Requirement
		want string
	}{
		{"none", nil, "No requirements."},
		{"exam", &certlab.Requirement{Exam: "az-400"}, "Pass exam az-400."},
		{"devops expert", p.Requirements, "Pass exam az-400 and (hold the azure-administrator-associate credential or hold the azure-developer-associate credential)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := credential.Criteria(tt.r); got != tt.want {
				t.Fatalf("Criteria = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExpiryNeedsTheExamAgain(t *testing.T) {
	e := newEnv(t)
	e.verifiedExternal(e.cand, "azure-developer-associate")
	e.recordAttempt(e.cand, certlab.ModeExam, t0, true)
	if _, err := e.svc.Evaluate(e.ctx, e.cand.ID); err != nil {
		t.Fatal(err)
	}
	first := e.credential(e.cand)
	if first.Status != certlab.CredentialActive {
		t.Fatalf("not issued: %+v", first)
	}
	// One day before the end it is still active.
	e.clk.Set(first.ValidUntil.Add(-24 * time.Hour))
	if res, err := e.svc.Sweep(e.ctx); err != nil || res.Expired != 0 {
		t.Fatalf("sweep before the end: %+v %v", res, err)
	}
	e.clk.Set(first.ValidUntil.Add(time.Minute))
	res, err := e.svc.Sweep(e.ctx)
	if err != nil || res.Expired != 1 || res.Issued != 0 {
		t.Fatalf("sweep after the end: %+v %v", res, err)
	}
	c := e.credential(e.cand)
	if c.Status != certlab.CredentialExpired {
		t.Fatalf("status %s, want expired", c.Status)
	}
	// The old pass does not bring it back; verification says it expired.
	if issued, _ := e.svc.Evaluate(e.ctx, e.cand.ID); len(issued) != 0 {
		t.Fatal("an expired credential came back without a new exam")
	}
	if rep := e.svc.Verify(e.ctx, first.Document); rep.OK() || rep.Failed(badge.CheckValidUntil) == nil {
		t.Fatalf("expired credential: %+v", rep.Checks)
	}
	// A renewal is refused: the exam is needed again.
	_, err = e.eng.CreateAttempt(e.ctx, e.cand, "az-400", certlab.ModeRenewal, examOpts())
	if err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("renewal of an expired credential: %v", err)
	}
	e.recordAttempt(e.cand, certlab.ModeExam, e.clk.Now(), true)
	issued, err := e.svc.Evaluate(e.ctx, e.cand.ID)
	if err != nil || len(issued) != 1 {
		t.Fatalf("new pass: issued %v %v", issued, err)
	}
	c = e.credential(e.cand)
	if c.Status != certlab.CredentialActive || !c.ValidUntil.Equal(e.clk.Now().Add(365*24*time.Hour)) || c.StatusIndex != first.StatusIndex {
		t.Fatalf("re-earned credential: %s until %v index %d (was %d)", c.Status, c.ValidUntil, c.StatusIndex, first.StatusIndex)
	}
}
