package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/certlab/certlab"
)

// RunStaff runs the contract tests of what the staff consoles store: list
// pages, account states, reset links, check-in attestations, attempt
// activity and the audit log's pages.
func RunStaff(t *testing.T, open Opener) {
	t.Run("UsersPage", func(t *testing.T) { testUsersPage(t, open(t)) })
	t.Run("DisableAndSignOut", func(t *testing.T) { testDisable(t, open(t)) })
	t.Run("AdminResetLinks", func(t *testing.T) { testResets(t, open(t)) })
	t.Run("CheckIns", func(t *testing.T) { testCheckIns(t, open(t)) })
	t.Run("AttemptActivity", func(t *testing.T) { testActivity(t, open(t)) })
	t.Run("CredentialsPage", func(t *testing.T) { testCredentialsPage(t, open(t)) })
	t.Run("AuditPages", func(t *testing.T) { testAuditPages(t, open(t)) })
	t.Run("Overview", func(t *testing.T) { testOverview(t, open(t)) })
}

func ids(us []*certlab.User) []int64 {
	out := make([]int64, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

func testUsersPage(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	var all []*certlab.User
	for i := range 7 {
		role := certlab.RoleCandidate
		if i%3 == 2 {
			role = certlab.RoleProctor
		}
		u := &certlab.User{Email: fmt.Sprintf("user%d@example.org", i), Name: fmt.Sprintf("Name %d", i), Role: role, PasswordHash: "x"}
		if i == 4 {
			u.Name = "Zoë 100%_sure"
		}
		if err := s.CreateUser(ctx, u, false); err != nil {
			t.Fatal(err)
		}
		all = append(all, u)
	}
	at := t0
	if err := s.SetUserDisabled(ctx, all[1].ID, &at); err != nil {
		t.Fatal(err)
	}
	page := func(q certlab.UserQuery) []int64 {
		t.Helper()
		us, err := s.UsersPage(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return ids(us)
	}
	// Keyset pages of 3 cover everything once, in id order.
	var seen []int64
	for after := int64(0); ; {
		p := page(certlab.UserQuery{After: after, Limit: 3})
		seen = append(seen, p...)
		if len(p) < 3 {
			break
		}
		after = p[len(p)-1]
	}
	if fmt.Sprint(seen) != fmt.Sprint(ids(all)) {
		t.Fatalf("pages %v, want %v", seen, ids(all))
	}
	tests := []struct {
		name string
		q    certlab.UserQuery
		want []int64
	}{
		{"role", certlab.UserQuery{Role: certlab.RoleProctor}, []int64{all[2].ID, all[5].ID}},
		{"disabled", certlab.UserQuery{State: certlab.UserDisabled}, []int64{all[1].ID}},
		{"active proctors", certlab.UserQuery{Role: certlab.RoleProctor, State: certlab.UserActive}, []int64{all[2].ID, all[5].ID}},
		{"e-mail start, any case", certlab.UserQuery{Search: "USER3@"}, []int64{all[3].ID}},
		{"name start, any case", certlab.UserQuery{Search: "name 5"}, []int64{all[5].ID}},
		{"e-mail or name start", certlab.UserQuery{Search: "n"}, []int64{all[0].ID, all[1].ID, all[2].ID, all[3].ID, all[5].ID, all[6].ID}},
		{"name start beyond ASCII", certlab.UserQuery{Search: "Zoë"}, []int64{all[4].ID}},
		{"wildcards are literal", certlab.UserQuery{Search: "Zoë 100%_"}, []int64{all[4].ID}},
		{"a wildcard alone", certlab.UserQuery{Search: "%"}, []int64{}},
		{"not the middle", certlab.UserQuery{Search: "ser3"}, []int64{}},
		{"with paging", certlab.UserQuery{Search: "user", After: all[4].ID}, []int64{all[5].ID, all[6].ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := page(tt.q); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("%+v: %v, want %v", tt.q, got, tt.want)
			}
		})
	}
	if got, _ := s.User(ctx, all[1].ID); got.DisabledAt == nil || !got.DisabledAt.Equal(t0) {
		t.Fatalf("disabled_at did not round-trip: %v", got.DisabledAt)
	}
	wantCode(t, s.SetUserDisabled(ctx, 9999, &at), certlab.ENOTFOUND)
}

func testDisable(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u, other := MustUser(t, s, "u@example.org"), MustUser(t, s, "o@example.org")
	for i, h := range []string{"keep", "drop1", "drop2"} {
		if err := s.CreateSession(ctx, &certlab.Session{TokenHash: h, UserID: u.ID, CSRF: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateToken(ctx, &certlab.Token{UserID: u.ID, Name: "t", Hash: fmt.Sprint("tok", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateSession(ctx, &certlab.Session{TokenHash: "other", UserID: other.ID, CSRF: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(ctx, &certlab.Token{UserID: other.ID, Name: "t", Hash: "othertok"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUserSessions(ctx, u.ID, "keep"); err != nil {
		t.Fatal(err)
	}
	for h, want := range map[string]bool{"keep": true, "drop1": false, "drop2": false, "other": true} {
		if _, err := s.Session(ctx, h, t0); (err == nil) != want {
			t.Errorf("session %s exists: %v, want %v", h, err == nil, want)
		}
	}
	n, err := s.RevokeTokens(ctx, u.ID, t0)
	if err != nil || n != 3 {
		t.Fatalf("revoke tokens: %d %v, want 3", n, err)
	}
	if tk, err := s.TokenByHash(ctx, "tok0"); err != nil || tk.RevokedAt == nil {
		t.Fatalf("a revoked token is not marked revoked: %+v %v", tk, err)
	}
	if tk, err := s.TokenByHash(ctx, "othertok"); err != nil || tk.RevokedAt != nil {
		t.Fatalf("another user's token was revoked: %+v %v", tk, err)
	}
}

func testResets(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "r@example.org")
	admin := MustUser(t, s, "radmin@example.org")
	if err := s.CreatePasswordReset(ctx, &certlab.PasswordReset{Hash: "old", UserID: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	// An admin's link (CreatedBy) replaces the user's earlier one.
	r := &certlab.PasswordReset{Hash: "h", UserID: u.ID, CreatedBy: admin.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	if err := s.CreatePasswordReset(ctx, r); err != nil {
		t.Fatal(err)
	}
	_, err := s.UsePasswordReset(ctx, "old", t0.Add(2*time.Minute), "new-hash")
	wantCode(t, err, certlab.ENOTFOUND)
	_, err = s.UsePasswordReset(ctx, "unknown", t0, "new-hash")
	wantCode(t, err, certlab.ENOTFOUND)
	got, err := s.UsePasswordReset(ctx, "h", t0.Add(time.Minute), "new-hash")
	if err != nil || got.ID != u.ID || got.PasswordHash != "new-hash" {
		t.Fatalf("use reset: %+v %v", got, err)
	}
	_, err = s.UsePasswordReset(ctx, "h", t0.Add(time.Minute), "again")
	wantCode(t, err, certlab.ENOTFOUND)
	if got, _ := s.User(ctx, u.ID); got.PasswordHash != "new-hash" {
		t.Fatalf("a spent link changed the password again: %q", got.PasswordHash)
	}
}

func testCheckIns(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	admin, cand, proctor := MustUser(t, s, "admin@example.org"), MustUser(t, s, "cand@example.org"), MustUser(t, s, "proctor@example.org")
	st := mustSitting(t, s, admin, t0.Add(time.Hour), 2)
	ap := &certlab.Appointment{SittingID: st.ID, UserID: cand.ID, BookedAt: t0}
	if err := s.BookAppointment(ctx, ap); err != nil {
		t.Fatal(err)
	}
	c := &certlab.CheckIn{AppointmentID: ap.ID, CheckedBy: proctor.ID, IdentitySeen: "passport 4821", Accommodations: "extra time 25 %", At: t0.Add(40 * time.Minute)}
	got, err := s.RecordCheckIn(ctx, c)
	if err != nil || got.Status != certlab.AppointmentCheckedIn || got.CheckedInAt == nil || !got.CheckedInAt.Equal(c.At) {
		t.Fatalf("check-in: %+v %v", got, err)
	}
	// A second attestation replaces the first; the state stays.
	c2 := *c
	c2.IdentitySeen, c2.Note = "driving licence 77", "passport photo unclear"
	if got, err = s.RecordCheckIn(ctx, &c2); err != nil || got.Status != certlab.AppointmentCheckedIn {
		t.Fatalf("second check-in: %+v %v", got, err)
	}
	cs, err := s.CheckIns(ctx, []int64{ap.ID, 9999})
	if err != nil || len(cs) != 1 || cs[ap.ID].IdentitySeen != "driving licence 77" || cs[ap.ID].Note != "passport photo unclear" || cs[ap.ID].CheckedBy != proctor.ID {
		t.Fatalf("check-ins %+v %v", cs, err)
	}
	if _, err := s.SetAppointmentStatus(ctx, ap.ID, certlab.AppointmentCheckedIn, certlab.AppointmentNoShow, t0, nil); err != nil {
		t.Fatal(err)
	}
	_, err = s.RecordCheckIn(ctx, c)
	wantCode(t, err, certlab.ECONFLICT)
	c.AppointmentID = 9999
	_, err = s.RecordCheckIn(ctx, c)
	wantCode(t, err, certlab.ENOTFOUND)
	if cs, err := s.CheckIns(ctx, nil); err != nil || len(cs) != 0 {
		t.Fatalf("no ids: %v %v", cs, err)
	}
}

func testActivity(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	a := MustStartedAttempt(t, s, MustUser(t, s, "a@example.org"), t0.Add(time.Hour))
	act, err := s.AttemptActivity(ctx, a.ID)
	if err != nil || act.LastSeenAt != nil || act.LastSavedAt != nil || act.Answered != 0 {
		t.Fatalf("fresh attempt: %+v %v", act, err)
	}
	if err := s.TouchAttempt(ctx, a.ID, t0); err != nil {
		t.Fatal(err)
	}
	// Within 10 seconds a touch writes nothing; after, it does.
	if err := s.TouchAttempt(ctx, a.ID, t0.Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if act, _ := s.AttemptActivity(ctx, a.ID); act.LastSeenAt == nil || !act.LastSeenAt.Equal(t0) {
		t.Fatalf("last seen %v, want %v", act.LastSeenAt, t0)
	}
	if err := s.TouchAttempt(ctx, a.ID, t0.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	save(t, s, a, "q1", 1, `"a"`, 0, -1, t0.Add(40*time.Second))
	save(t, s, a, "q2", 1, `null`, 0, -1, t0.Add(50*time.Second))
	act, err = s.AttemptActivity(ctx, a.ID)
	if err != nil || !act.LastSeenAt.Equal(t0.Add(30*time.Second)) || act.LastSavedAt == nil || act.Answered != 1 {
		t.Fatalf("activity %+v %v; want seen at +30 s, a last save, 1 answered", act, err)
	}
	_, err = s.AttemptActivity(ctx, 9999)
	wantCode(t, err, certlab.ENOTFOUND)
}

func testCredentialsPage(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	var want []int64
	for i := range 5 {
		u := MustUser(t, s, fmt.Sprintf("holder%d@example.org", i))
		status := certlab.CredentialActive
		if i == 3 {
			status = certlab.CredentialRevoked
		}
		c := &certlab.Credential{PublicID: fmt.Sprintf("pub%d", i), UserID: u.ID, ProgramID: "p", Status: status, StatusIndex: i, CreatedAt: t0, UpdatedAt: t0}
		if err := s.CreateCredential(ctx, c); err != nil {
			t.Fatal(err)
		}
		want = append(want, c.ID)
	}
	rows, err := s.CredentialsPage(ctx, certlab.CredentialQuery{Limit: 2, After: want[0]})
	if err != nil || len(rows) != 2 || rows[0].Credential.ID != want[1] || rows[0].Email != "holder1@example.org" {
		t.Fatalf("page after the first: %+v %v", rows, err)
	}
	for _, tt := range []struct {
		q    certlab.CredentialQuery
		want int64
	}{
		{certlab.CredentialQuery{Status: certlab.CredentialRevoked}, want[3]},
		{certlab.CredentialQuery{Search: "HOLDER2@"}, want[2]},
		{certlab.CredentialQuery{Search: "pub4"}, want[4]},
	} {
		rows, err := s.CredentialsPage(ctx, tt.q)
		if err != nil || len(rows) != 1 || rows[0].Credential.ID != tt.want {
			t.Errorf("%+v: %+v %v, want credential %d", tt.q, rows, err, tt.want)
		}
	}
	if rows, err := s.CredentialsPage(ctx, certlab.CredentialQuery{ProgramID: "other"}); err != nil || len(rows) != 0 {
		t.Fatalf("other program: %v %v", rows, err)
	}
}

func testAuditPages(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	a, b := MustUser(t, s, "a@example.org"), MustUser(t, s, "b@example.org")
	for i := range 10 {
		actor := a
		if i%2 == 1 {
			actor = b
		}
		e := &certlab.AuditEntry{At: t0.Add(time.Duration(i) * time.Hour), ActorID: actor.ID, Role: certlab.RoleAdmin, Action: fmt.Sprintf("x.%d", i%3), Target: fmt.Sprintf("user:%d", i%2)}
		if err := s.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	var seen int
	for before := int64(0); ; {
		es, err := s.AuditEntries(ctx, certlab.AuditFilter{Before: before, Limit: 4})
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(es); i++ {
			if es[i].ID >= es[i-1].ID {
				t.Fatalf("page not newest first: %d then %d", es[i-1].ID, es[i].ID)
			}
		}
		seen += len(es)
		if len(es) < 4 {
			break
		}
		before = es[len(es)-1].ID
	}
	if seen != 10 {
		t.Fatalf("pages saw %d entries, want 10", seen)
	}
	from, to := t0.Add(2*time.Hour), t0.Add(6*time.Hour)
	es, err := s.AuditEntries(ctx, certlab.AuditFilter{ActorID: &b.ID, From: &from, To: &to, Target: "user:1"})
	if err != nil || len(es) != 2 || !es[0].At.Equal(t0.Add(5*time.Hour)) || !es[1].At.Equal(t0.Add(3*time.Hour)) {
		t.Fatalf("b's entries from +2 h to +6 h: %+v %v", es, err)
	}
}

func testOverview(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	admin, cand := MustUser(t, s, "admin@example.org"), MustUser(t, s, "cand@example.org")
	a := MustStartedAttempt(t, s, cand, t0.Add(time.Hour))
	a.Status, a.Report = certlab.StatusScored, &certlab.Report{ExamID: "demo", Passed: true, Domains: []certlab.DomainResult{{ID: "a", Name: "A", Percent: 80}}}
	if err := s.UpdateAttempt(ctx, a, certlab.StatusStarted, 0); err != nil {
		t.Fatal(err)
	}
	st := mustSitting(t, s, admin, t0.Add(24*time.Hour), 3)
	if err := s.BookAppointment(ctx, &certlab.Appointment{SittingID: st.ID, UserID: cand.ID, BookedAt: t0}); err != nil {
		t.Fatal(err)
	}
	d, err := s.Overview(ctx, t0, t0.Add(7*24*time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	if d.Users[certlab.RoleCandidate] != 2 || d.Active != 1 || len(d.Reports) != 1 || !d.Reports[0].Passed || len(d.Bookings) != 1 || d.Truncated {
		t.Fatalf("overview %+v", d)
	}
	if len(d.Attempts) != 1 || d.Attempts[0] != (certlab.ExamCount{ExamID: "demo", Mode: certlab.ModeExam, Status: certlab.StatusScored, Count: 1}) {
		t.Fatalf("attempt counts %+v", d.Attempts)
	}
	if d, err := s.Overview(ctx, t0, t0.Add(time.Hour), 0); err != nil || !d.Truncated || len(d.Bookings) != 0 {
		t.Fatalf("no reports wanted, no bookings in the hour: %+v %v", d, err)
	}
}
