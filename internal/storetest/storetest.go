// Package storetest is the contract test suite every certlab store must
// pass. The sqlite and postgres packages run it against a real database.
package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab"
)

// Opener returns a fresh, migrated, empty store for one test.
type Opener func(t *testing.T) certlab.Store

// Run runs the whole contract suite.
func Run(t *testing.T, open Opener) {
	t.Run("Users", func(t *testing.T) { testUsers(t, open(t)) })
	t.Run("SessionsAndTokens", func(t *testing.T) { testSessions(t, open(t)) })
	t.Run("Attempts", func(t *testing.T) { testAttempts(t, open(t)) })
	t.Run("ResponseOrdering", func(t *testing.T) { testResponseOrdering(t, open(t)) })
	t.Run("ResponseRefusals", func(t *testing.T) { testResponseRefusals(t, open(t)) })
	t.Run("ConcurrentSaves", func(t *testing.T) { testConcurrentSaves(t, open(t)) })
	t.Run("ItemHistory", func(t *testing.T) { testItemHistory(t, open(t)) })
	RunCredentials(t, open)
	RunOAuth(t, open)
	RunConsoles(t, open)
	RunAccounts(t, open)
	RunStaff(t, open)
	RunLabs(t, open)
}

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := certlab.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

// MustUser creates a user with the given e-mail.
func MustUser(t *testing.T, s certlab.Store, email string) *certlab.User {
	t.Helper()
	u := &certlab.User{Email: email, Name: "Test", Role: certlab.RoleCandidate, PasswordHash: "x"}
	if err := s.CreateUser(context.Background(), u, false); err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func testUsers(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	first := &certlab.User{Email: "Ada@Example.org", Role: certlab.RoleCandidate}
	if err := s.CreateUser(ctx, first, true); err != nil {
		t.Fatal(err)
	}
	if first.Role != certlab.RoleAdmin || first.ID == 0 {
		t.Fatalf("first user: role %q id %d, want admin with an id", first.Role, first.ID)
	}
	second := &certlab.User{Email: "bob@example.org", Role: certlab.RoleCandidate}
	if err := s.CreateUser(ctx, second, true); err != nil {
		t.Fatal(err)
	}
	if second.Role != certlab.RoleCandidate {
		t.Fatalf("second user became %q", second.Role)
	}
	wantCode(t, s.CreateUser(ctx, &certlab.User{Email: "ADA@example.org", Role: certlab.RoleCandidate}, false), certlab.ECONFLICT)
	got, err := s.UserByEmail(ctx, "ada@example.org")
	if err != nil || got.ID != first.ID {
		t.Fatalf("by e-mail: %v %+v", err, got)
	}
	_, err = s.User(ctx, 9999)
	wantCode(t, err, certlab.ENOTFOUND)
	second.ExtraTimePct = 25
	second.Role = certlab.RoleProctor
	if err := s.UpdateUser(ctx, second); err != nil {
		t.Fatal(err)
	}
	got, _ = s.User(ctx, second.ID)
	if got.ExtraTimePct != 25 || got.Role != certlab.RoleProctor {
		t.Fatalf("update lost: %+v", got)
	}
	wantCode(t, s.UpdateUser(ctx, &certlab.User{ID: 9999}), certlab.ENOTFOUND)
	all, err := s.Users(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("users: %v %d", err, len(all))
	}
}

func testSessions(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "s@example.org")
	se := &certlab.Session{TokenHash: "h1", UserID: u.ID, CSRF: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	if err := s.CreateSession(ctx, se); err != nil {
		t.Fatal(err)
	}
	got, err := s.Session(ctx, "h1", t0.Add(time.Minute))
	if err != nil || got.UserID != u.ID || got.CSRF != "c" {
		t.Fatalf("session: %v %+v", err, got)
	}
	_, err = s.Session(ctx, "h1", t0.Add(2*time.Hour))
	wantCode(t, err, certlab.ENOTFOUND)
	if err := s.DeleteSession(ctx, "h1"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Session(ctx, "h1", t0)
	wantCode(t, err, certlab.ENOTFOUND)

	tok := &certlab.Token{UserID: u.ID, Name: "cli", Hash: "th"}
	if err := s.CreateToken(ctx, tok); err != nil || tok.ID == 0 {
		t.Fatalf("token: %v %+v", err, tok)
	}
	got2, err := s.TokenByHash(ctx, "th")
	if err != nil || got2.UserID != u.ID {
		t.Fatalf("token by hash: %v %+v", err, got2)
	}
	_, err = s.TokenByHash(ctx, "nope")
	wantCode(t, err, certlab.ENOTFOUND)
}

// form is a two-section form: a general section and a yes/no series.
func form() *certlab.Form {
	return &certlab.Form{ExamID: "demo", OutlineVersion: "v1", Seed: 7, Sections: []*certlab.FormSection{
		{Kind: certlab.SectionGeneral, Questions: []*certlab.Question{{Key: "q1", ItemID: "q1", Domain: "a"}, {Key: "q2", ItemID: "q2", Domain: "b"}}},
		{Kind: certlab.SectionYesNoSeries, Questions: []*certlab.Question{{Key: "y#s1", ItemID: "y", Statement: "s1"}, {Key: "y#s2", ItemID: "y", Statement: "s2"}}},
	}}
}

// MustStartedAttempt creates an attempt that is started with a deadline.
func MustStartedAttempt(t *testing.T, s certlab.Store, u *certlab.User, deadline time.Time) *certlab.Attempt {
	t.Helper()
	start := deadline.Add(-time.Hour)
	a := &certlab.Attempt{UserID: u.ID, ExamID: "demo", Mode: certlab.ModeExam, Status: certlab.StatusStarted, Seed: 7, Form: form(), CreatedAt: start, StartedAt: &start, Deadline: &deadline}
	if err := s.CreateAttempt(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

func testAttempts(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "a@example.org")
	a := MustStartedAttempt(t, s, u, t0.Add(time.Hour))
	got, err := s.Attempt(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Form == nil || len(got.Form.Sections) != 2 || got.Form.Sections[1].Questions[1].Statement != "s2" || !got.Deadline.Equal(*a.Deadline) {
		t.Fatalf("attempt did not round-trip: %+v", got)
	}
	_, err = s.Attempt(ctx, 4242)
	wantCode(t, err, certlab.ENOTFOUND)

	// Optimistic update: the second writer from the same state loses.
	got.Section = 1
	if err := s.UpdateAttempt(ctx, got, certlab.StatusStarted, 0); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.UpdateAttempt(ctx, got, certlab.StatusStarted, 0), certlab.ECONFLICT)

	// Deadline filter finds it only once the deadline passed.
	before := t0.Add(30 * time.Minute)
	open, _ := s.Attempts(ctx, certlab.AttemptFilter{DeadlineBefore: &before})
	after := t0.Add(2 * time.Hour)
	late, _ := s.Attempts(ctx, certlab.AttemptFilter{DeadlineBefore: &after})
	if len(open) != 0 || len(late) != 1 {
		t.Fatalf("deadline filter: %d before, %d after; want 0 and 1", len(open), len(late))
	}
	mine, _ := s.Attempts(ctx, certlab.AttemptFilter{UserID: &u.ID, ExamID: "demo"})
	other := int64(999)
	none, _ := s.Attempts(ctx, certlab.AttemptFilter{UserID: &other})
	if len(mine) != 1 || len(none) != 0 {
		t.Fatalf("user filter: %d mine, %d other", len(mine), len(none))
	}

	// Scoring writes the report and the results.
	now := t0.Add(10 * time.Minute)
	got.Status, got.SubmittedAt, got.SubmitReason = certlab.StatusScored, &now, "candidate"
	got.Report = &certlab.Report{ScaledScore: 812, Passed: true, Questions: []certlab.QuestionResult{{Key: "q1", ItemID: "q1", Points: 1, MaxPoints: 1}}}
	if err := s.UpdateAttempt(ctx, got, certlab.StatusStarted, 1); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Attempt(ctx, a.ID)
	if got.Report == nil || got.Report.ScaledScore != 812 || got.SubmitReason != "candidate" {
		t.Fatalf("report lost: %+v", got)
	}
}

func save(t *testing.T, s certlab.Store, a *certlab.Attempt, key string, seq int64, value string, section, position int, now time.Time) (*certlab.Response, bool, error) {
	t.Helper()
	return s.SaveResponse(context.Background(), &certlab.Response{AttemptID: a.ID, Key: key, Seq: seq, Value: json.RawMessage(value)}, section, position, now)
}

func testResponseOrdering(t *testing.T, s certlab.Store) {
	u := MustUser(t, s, "r@example.org")
	a := MustStartedAttempt(t, s, u, t0.Add(time.Hour))
	steps := []struct {
		seq       int64
		value     string
		applied   bool
		wantSeq   int64
		wantValue string
	}{
		{2, `"b"`, true, 2, `"b"`},
		{1, `"a"`, false, 2, `"b"`}, // older arrives late: ignored
		{2, `"c"`, false, 2, `"b"`}, // duplicate sequence: idempotent
		{5, `"d"`, true, 5, `"d"`},
		{4, `"e"`, false, 5, `"d"`},
	}
	for i, st := range steps {
		got, applied, err := save(t, s, a, "q1", st.seq, st.value, 0, -1, t0)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if applied != st.applied || got.Seq != st.wantSeq || string(got.Value) != st.wantValue {
			t.Fatalf("step %d: applied %v seq %d value %s; want %v %d %s", i, applied, got.Seq, got.Value, st.applied, st.wantSeq, st.wantValue)
		}
	}
	rs, err := s.Responses(context.Background(), a.ID)
	if err != nil || len(rs) != 1 || string(rs[0].Value) != `"d"` {
		t.Fatalf("responses: %v %+v", err, rs)
	}
}

func testResponseRefusals(t *testing.T, s certlab.Store) {
	u := MustUser(t, s, "x@example.org")
	deadline := t0.Add(time.Hour)
	a := MustStartedAttempt(t, s, u, deadline)
	if _, _, err := save(t, s, a, "q1", 1, `"a"`, 0, -1, deadline.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		section  int
		position int
		now      time.Time
	}{
		{"after the deadline", 0, -1, deadline},
		{"into another section", 1, -1, t0},
		{"at another position", 0, 3, t0},
	}
	for _, c := range cases {
		_, _, err := save(t, s, a, "q1", 9, `"z"`, c.section, c.position, c.now)
		if certlab.ErrorCode(err) != certlab.ECONFLICT {
			t.Errorf("%s: error %v, want a conflict", c.name, err)
		}
	}
	rs, _ := s.Responses(context.Background(), a.ID)
	if len(rs) != 1 || rs[0].Seq != 1 {
		t.Fatalf("a refused save changed something: %+v", rs[0])
	}
}

func testConcurrentSaves(t *testing.T, s certlab.Store) {
	u := MustUser(t, s, "c@example.org")
	a := MustStartedAttempt(t, s, u, t0.Add(time.Hour))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 8; i++ {
				seq := int64(i*8 + w + 1) // 1..64, interleaved
				_, _, err := s.SaveResponse(context.Background(), &certlab.Response{AttemptID: a.ID, Key: "q2", Seq: seq, Value: json.RawMessage(fmt.Sprintf("%d", seq))}, 0, -1, t0)
				if err != nil {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rs, _ := s.Responses(context.Background(), a.ID)
	if len(rs) != 1 || rs[0].Seq != 64 || string(rs[0].Value) != "64" {
		t.Fatalf("the newest save did not win: %+v", rs)
	}
}

func testItemHistory(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "h@example.org")
	for i, pts := range []float64{0, 1} {
		a := MustStartedAttempt(t, s, u, t0.Add(time.Duration(i+1)*time.Hour))
		now := t0.Add(time.Duration(i) * time.Hour)
		a.Status, a.SubmittedAt = certlab.StatusScored, &now
		a.Report = &certlab.Report{Questions: []certlab.QuestionResult{{Key: "q1", ItemID: "q1", Points: pts, MaxPoints: 1}, {Key: "q2", ItemID: "q2", Points: 1 - pts, MaxPoints: 1}}}
		if err := s.UpdateAttempt(ctx, a, certlab.StatusStarted, 0); err != nil {
			t.Fatal(err)
		}
	}
	h, err := s.ItemHistory(ctx, u.ID, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if h["q1"] == nil || h["q1"].Seen != 2 || !h["q1"].LastCorrect || h["q2"].LastCorrect {
		t.Fatalf("history: q1 %+v q2 %+v", h["q1"], h["q2"])
	}
	if len(h) != 2 {
		t.Fatalf("history has %d items, want 2", len(h))
	}
}
