package credential_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/audit"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/exam"
)

// testSecret is the fixed issuer key secret of the tests.
var testSecret = []byte("certlab-test-secret-0123456789")

// fastKDF keeps key sealing cheap in tests.
var fastKDF = apptest.FastKDF

const program = "devops-engineer-expert"

// mailbox is a Mailer that keeps what it sends.
type mailbox struct {
	mu   sync.Mutex
	sent []string
}

func (m *mailbox) Send(_ context.Context, to, subject, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, to+": "+subject)
	return nil
}

func (m *mailbox) count() int { m.mu.Lock(); defer m.mu.Unlock(); return len(m.sent) }

type env struct {
	t       testing.TB
	ctx     context.Context
	store   certlab.Store
	cat     *certlab.Catalog
	eng     *exam.Engine
	svc     *credential.Service
	audit   *audit.Log
	clk     *apptest.Clock
	mail    *mailbox
	admin   *certlab.User
	proctor *certlab.User
	cand    *certlab.User
	ex      *certlab.Exam
	app     *app.App
}

// admitted books the candidate into a sitting of az-400 and has a proctor
// admit them: the options a proctored exam attempt starts with.
func (e *env) admitted(u *certlab.User) exam.PracticeOptions {
	e.t.Helper()
	return exam.PracticeOptions{Appointment: apptest.Admit(e.t, e.app, e.clk.Now(), u, "az-400")}
}

func builtinCatalog(t testing.TB) *certlab.Catalog { return apptest.Catalog(t) }

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// newEnv builds the application (app.New) with credentials on a fresh
// SQLite database, a fake clock at t0 and a mailbox, plus an admin, a
// proctor and a candidate.
func newEnv(t testing.TB) *env { t.Helper(); return newEnvWith(t, nil) }

// newEnvWith is newEnv with a catalog of the test's own (nil: the built-in one).
func newEnvWith(t testing.TB, cat *certlab.Catalog) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), clk: apptest.NewClock(t0), mail: &mailbox{}}
	seed := int64(0)
	a := apptest.New(t, app.Config{Catalog: cat, Now: e.clk.Now, Seed: func() int64 { seed++; return seed }, Mailer: e.mail,
		Credentials: &credential.Config{BaseURL: "https://certlab.test", IssuerName: "certlab test", KeySecret: testSecret}})
	e.store, e.cat, e.eng, e.svc, e.audit, e.app = a.Store, a.Catalog, a.Engine, a.Credentials, a.Audit, a
	e.admin = e.user("admin@example.org", certlab.RoleAdmin)
	e.proctor = e.user("proctor@example.org", certlab.RoleProctor)
	e.cand = e.user("cand@example.org", certlab.RoleCandidate)
	var err error
	if e.ex, err = e.cat.Exam("az-400"); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) user(email, role string) *certlab.User {
	e.t.Helper()
	u := &certlab.User{Email: email, Name: email, Role: role, PasswordHash: "x", CreatedAt: t0}
	if err := e.store.CreateUser(e.ctx, u, false); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// correct is the right response to a question.
func correct(it *certlab.Item, statement string) any {
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

// sit takes an attempt through the real engine: created, started, every
// question answered right (pass) or left blank (fail), submitted.
func (e *env) sit(u *certlab.User, mode string, pass bool) *certlab.Attempt {
	e.t.Helper()
	var opts exam.PracticeOptions
	if mode == certlab.ModeExam {
		opts = e.admitted(u)
	}
	a, err := e.eng.CreateAttempt(e.ctx, u, "az-400", mode, opts)
	if err != nil {
		e.t.Fatalf("create %s attempt: %v", mode, err)
	}
	if _, err := e.eng.Start(e.ctx, u, a.ID, true); err != nil {
		e.t.Fatal(err)
	}
	seq := int64(0)
	for si, sec := range a.Form.Sections {
		for qi, q := range sec.Questions {
			if pass {
				it, _ := e.ex.Item(q.ItemID)
				v, _ := json.Marshal(correct(it, q.Statement))
				seq++
				if _, err := e.eng.SaveResponse(e.ctx, u, a.ID, q.Key, seq, v, false); err != nil {
					e.t.Fatalf("save %s: %v", q.Key, err)
				}
			}
			if sec.Sequential() && qi < len(sec.Questions)-1 {
				if _, err := e.eng.Next(e.ctx, u, a.ID, si); err != nil {
					e.t.Fatal(err)
				}
			}
		}
		if si < len(a.Form.Sections)-1 {
			if _, err := e.eng.CompleteSection(e.ctx, u, a.ID, si); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	a, err = e.eng.Submit(e.ctx, u, a.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	if a.Report == nil || a.Report.Passed != pass {
		e.t.Fatalf("%s attempt %d: report %+v, want passed=%v", mode, a.ID, a.Report, pass)
	}
	return a
}

// recordAttempt stores a scored exam attempt directly, for policy tests
// that need many attempts at chosen times.
func (e *env) recordAttempt(u *certlab.User, mode string, at time.Time, passed bool) *certlab.Attempt {
	e.t.Helper()
	start := at.Add(-time.Hour)
	a := &certlab.Attempt{UserID: u.ID, ExamID: "az-400", Mode: mode, Status: certlab.StatusScored, Seed: 1,
		Form: &certlab.Form{ExamID: "az-400"}, CreatedAt: start, StartedAt: &start, Deadline: &at, SubmittedAt: &at, SubmitReason: "candidate",
		Report: &certlab.Report{ExamID: "az-400", Mode: mode, Passed: passed, ScaledScore: map[bool]int{true: 800, false: 500}[passed], SubmittedAt: at}}
	if err := e.store.CreateAttempt(e.ctx, a); err != nil {
		e.t.Fatal(err)
	}
	if err := e.store.UpdateAttempt(e.ctx, a, certlab.StatusScored, 0); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// verifiedExternal declares and verifies an external prerequisite.
func (e *env) verifiedExternal(u *certlab.User, cred string) []*certlab.Credential {
	e.t.Helper()
	x, err := e.svc.Declare(e.ctx, u, credential.Declaration{Credential: cred, Issuer: "Microsoft", Name: cred, ExternalID: "MS-" + cred})
	if err != nil {
		e.t.Fatal(err)
	}
	_, issued, err := e.svc.Review(e.ctx, e.admin, x.ID, true, "checked on Microsoft Learn")
	if err != nil {
		e.t.Fatal(err)
	}
	return issued
}

func (e *env) credential(u *certlab.User) *certlab.Credential {
	e.t.Helper()
	cs, err := e.svc.Credentials(e.ctx, u)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range cs {
		if c.ProgramID == program {
			return c
		}
	}
	return nil
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := certlab.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}
