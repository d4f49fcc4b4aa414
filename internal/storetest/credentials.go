package storetest

import (
	"context"
	"database/sql"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/badge"
	"github.com/certlab/certlab/internal/badge/badgetest"
	"github.com/certlab/certlab/internal/credential"
)

// RunCredentials runs the contract of the credential, schedule and audit
// stores; Run calls it.
func RunCredentials(t *testing.T, open Opener) {
	t.Run("Credentials", func(t *testing.T) { testCredentials(t, open(t)) })
	t.Run("ExternalCredentials", func(t *testing.T) { testExternal(t, open(t)) })
	t.Run("RemindersAndShares", func(t *testing.T) { testRemindersAndShares(t, open(t)) })
	t.Run("CredentialNames", func(t *testing.T) { testCredentialNames(t, open(t)) })
	t.Run("IssuerKeys", func(t *testing.T) {
		badgetest.TestKeyStore(t, func(t *testing.T) badge.KeyStore { return credential.KeyStore{Store: open(t)} })
	})
	t.Run("Appointments", func(t *testing.T) { testAppointments(t, open(t)) })
	t.Run("ConcurrentBookings", func(t *testing.T) { testConcurrentBookings(t, open(t)) })
	t.Run("Pauses", func(t *testing.T) { testPauses(t, open(t)) })
	t.Run("AuditLog", func(t *testing.T) { testAudit(t, open(t)) })
	RunAccommodations(t, open)
}

func testCredentials(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "c@example.org")
	c := &certlab.Credential{PublicID: "p1", UserID: u.ID, ProgramID: "prog", Status: certlab.CredentialPending, StatusIndex: -1, CreatedAt: t0, UpdatedAt: t0}
	if err := s.CreateCredential(ctx, c); err != nil || c.ID == 0 {
		t.Fatalf("create: %v id %d", err, c.ID)
	}
	wantCode(t, s.CreateCredential(ctx, &certlab.Credential{PublicID: "p2", UserID: u.ID, ProgramID: "prog", Status: certlab.CredentialPending, StatusIndex: -1, CreatedAt: t0}), certlab.ECONFLICT)

	until := t0.AddDate(1, 0, 0)
	c.Status, c.IssuedAt, c.ValidFrom, c.ValidUntil, c.StatusIndex = certlab.CredentialActive, &t0, &t0, &until, 4242
	c.Document, c.JWT, c.UpdatedAt = json.RawMessage(`{"id":"x"}`), "a.b.c", t0.Add(time.Minute)
	if err := s.UpdateCredential(ctx, c, certlab.CredentialPending); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.UpdateCredential(ctx, c, certlab.CredentialPending), certlab.ECONFLICT)
	got, err := s.CredentialByPublicID(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != certlab.CredentialActive || got.StatusIndex != 4242 || !got.ValidUntil.Equal(until) || string(got.Document) != `{"id":"x"}` || got.JWT != "a.b.c" {
		t.Fatalf("stored credential %+v", got)
	}
	// A status index is used once.
	u2 := MustUser(t, s, "d@example.org")
	wantCode(t, s.CreateCredential(ctx, &certlab.Credential{PublicID: "p3", UserID: u2.ID, ProgramID: "prog", Status: certlab.CredentialActive, StatusIndex: 4242, CreatedAt: t0}), certlab.ECONFLICT)
	other := &certlab.Credential{PublicID: "p4", UserID: u2.ID, ProgramID: "prog", Status: certlab.CredentialPending, StatusIndex: -1, CreatedAt: t0}
	if err := s.CreateCredential(ctx, other); err != nil {
		t.Fatalf("two pending credentials without an index: %v", err)
	}
	_, err = s.Credential(ctx, 999)
	wantCode(t, err, certlab.ENOTFOUND)
	_, err = s.CredentialByPublicID(ctx, "nope")
	wantCode(t, err, certlab.ENOTFOUND)

	tests := []struct {
		name string
		f    certlab.CredentialFilter
		want int
	}{
		{"all", certlab.CredentialFilter{}, 2},
		{"by user", certlab.CredentialFilter{UserID: &u2.ID}, 1},
		{"by status", certlab.CredentialFilter{Status: certlab.CredentialActive}, 1},
		{"expiring before the end", certlab.CredentialFilter{ValidUntilBefore: &until}, 1},
		{"expiring before the start", certlab.CredentialFilter{ValidUntilBefore: &t0}, 0},
		{"by program", certlab.CredentialFilter{ProgramID: "other"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := s.Credentials(ctx, tt.f)
			if err != nil || len(cs) != tt.want {
				t.Fatalf("got %d credentials (%v), want %d", len(cs), err, tt.want)
			}
		})
	}
}

func testExternal(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "e@example.org")
	admin := MustUser(t, s, "admin@example.org")
	earned := t0.AddDate(-1, 0, 0)
	e := &certlab.ExternalCredential{UserID: u.ID, CredentialID: "azure-administrator-associate", Issuer: "Microsoft", Name: "Azure Administrator Associate",
		ExternalID: "ABC-123", URL: "https://learn.microsoft.com/api/credentials/share/en-us/x", EarnedAt: &earned, Status: certlab.ExternalDeclared, CreatedAt: t0}
	if err := s.CreateExternalCredential(ctx, e); err != nil || e.ID == 0 {
		t.Fatalf("create: %v", err)
	}
	e.Status, e.ReviewedBy, e.ReviewedAt, e.ReviewNote = certlab.ExternalVerified, &admin.ID, &t0, "checked the transcript"
	if err := s.ReviewExternalCredential(ctx, e); err != nil {
		t.Fatal(err)
	}
	e.Status = certlab.ExternalRejected
	wantCode(t, s.ReviewExternalCredential(ctx, e), certlab.ECONFLICT)
	wantCode(t, s.ReviewExternalCredential(ctx, &certlab.ExternalCredential{ID: 999, Status: certlab.ExternalVerified}), certlab.ENOTFOUND)
	got, err := s.ExternalCredential(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != certlab.ExternalVerified || got.ReviewedBy == nil || *got.ReviewedBy != admin.ID || got.ReviewNote != "checked the transcript" || !got.EarnedAt.Equal(earned) {
		t.Fatalf("reviewed credential %+v", got)
	}
	list, err := s.ExternalCredentials(ctx, certlab.ExternalFilter{Status: certlab.ExternalDeclared})
	if err != nil || len(list) != 0 {
		t.Fatalf("declared list: %d %v", len(list), err)
	}
	list, err = s.ExternalCredentials(ctx, certlab.ExternalFilter{UserID: &u.ID})
	if err != nil || len(list) != 1 {
		t.Fatalf("user list: %d %v", len(list), err)
	}
}

func testRemindersAndShares(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "r@example.org")
	c := &certlab.Credential{PublicID: "r1", UserID: u.ID, ProgramID: "prog", Status: certlab.CredentialActive, StatusIndex: 1, CreatedAt: t0}
	if err := s.CreateCredential(ctx, c); err != nil {
		t.Fatal(err)
	}
	until := t0.AddDate(1, 0, 0)
	r := &certlab.Reminder{CredentialID: c.ID, UserID: u.ID, ValidUntil: until, Days: 90, Message: "90 days left", SentAt: t0}
	if err := s.CreateReminder(ctx, r); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.CreateReminder(ctx, &certlab.Reminder{CredentialID: c.ID, UserID: u.ID, ValidUntil: until, Days: 90, Message: "again", SentAt: t0}), certlab.ECONFLICT)
	// After a renewal the validity end differs: the same threshold is due again.
	if err := s.CreateReminder(ctx, &certlab.Reminder{CredentialID: c.ID, UserID: u.ID, ValidUntil: until.AddDate(1, 0, 0), Days: 90, Message: "next year", SentAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	rs, err := s.Reminders(ctx, u.ID)
	if err != nil || len(rs) != 2 || rs[0].Message != "next year" {
		t.Fatalf("reminders %v %v", rs, err)
	}

	sh := &certlab.TranscriptShare{UserID: u.ID, TokenHash: "h1", Label: "employer", CreatedAt: t0}
	if err := s.CreateTranscriptShare(ctx, sh); err != nil {
		t.Fatal(err)
	}
	got, err := s.TranscriptShareByHash(ctx, "h1")
	if err != nil || got.UserID != u.ID || got.RevokedAt != nil {
		t.Fatalf("share %+v %v", got, err)
	}
	other := MustUser(t, s, "o@example.org")
	wantCode(t, s.RevokeTranscriptShare(ctx, other.ID, sh.ID, t0), certlab.ENOTFOUND)
	if err := s.RevokeTranscriptShare(ctx, u.ID, sh.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.RevokeTranscriptShare(ctx, u.ID, sh.ID, t0.Add(time.Hour)), certlab.ENOTFOUND)
	got, _ = s.TranscriptShareByHash(ctx, "h1")
	if got.RevokedAt == nil {
		t.Fatal("revoked link has no revocation time")
	}
	_, err = s.TranscriptShareByHash(ctx, "unknown")
	wantCode(t, err, certlab.ENOTFOUND)
}

func mustSitting(t *testing.T, s certlab.Store, by *certlab.User, starts time.Time, capacity int) *certlab.Sitting {
	t.Helper()
	st := &certlab.Sitting{ExamID: "demo", StartsAt: starts, TimeZone: "Europe/Paris", Capacity: capacity, Delivery: certlab.DeliveryTestCentre,
		Location: "Room 1", Proctored: true, CreatedBy: by.ID, CreatedAt: t0}
	if err := s.CreateSitting(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return st
}

func testAppointments(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	admin := MustUser(t, s, "admin@example.org")
	a, b := MustUser(t, s, "a@example.org"), MustUser(t, s, "b@example.org")
	s1 := mustSitting(t, s, admin, t0.Add(48*time.Hour), 1)
	s2 := mustSitting(t, s, admin, t0.Add(96*time.Hour), 2)
	got, err := s.Sitting(ctx, s1.ID)
	if err != nil || !got.Proctored || got.TimeZone != "Europe/Paris" || !got.StartsAt.Equal(s1.StartsAt) {
		t.Fatalf("sitting %+v %v", got, err)
	}
	apA := &certlab.Appointment{SittingID: s1.ID, UserID: a.ID, BookedAt: t0}
	if err := s.BookAppointment(ctx, apA); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.BookAppointment(ctx, &certlab.Appointment{SittingID: s1.ID, UserID: b.ID, BookedAt: t0}), certlab.ECONFLICT) // full
	wantCode(t, s.BookAppointment(ctx, &certlab.Appointment{SittingID: 999, UserID: b.ID, BookedAt: t0}), certlab.ENOTFOUND)
	apB := &certlab.Appointment{SittingID: s2.ID, UserID: b.ID, BookedAt: t0}
	if err := s.BookAppointment(ctx, apB); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.BookAppointment(ctx, &certlab.Appointment{SittingID: s2.ID, UserID: b.ID, BookedAt: t0}), certlab.ECONFLICT) // twice
	if got, _ := s.Sitting(ctx, s2.ID); got.Booked != 1 {
		t.Fatalf("a refused double booking took a seat: booked %d", got.Booked)
	}
	// One live booking per exam: B cannot hold a second sitting of it.
	s3 := mustSitting(t, s, admin, t0.Add(60*time.Hour), 5)
	wantCode(t, s.BookAppointment(ctx, &certlab.Appointment{SittingID: s3.ID, UserID: b.ID, BookedAt: t0}), certlab.ECONFLICT)
	if got, _ := s.Sitting(ctx, s3.ID); got.Booked != 0 {
		t.Fatalf("a refused second booking of the exam took a seat: booked %d", got.Booked)
	}

	// A moves to s2: s1 frees its seat, s2 fills up.
	moved, err := s.MoveAppointment(ctx, apA.ID, s2.ID, t0.Add(time.Hour))
	if err != nil || moved.SittingID != s2.ID {
		t.Fatalf("move: %+v %v", moved, err)
	}
	if g1, _ := s.Sitting(ctx, s1.ID); g1.Booked != 0 {
		t.Fatalf("s1 booked %d after the move, want 0", g1.Booked)
	}
	if g2, _ := s.Sitting(ctx, s2.ID); g2.Booked != 2 {
		t.Fatalf("s2 booked %d, want 2", g2.Booked)
	}
	_, err = s.MoveAppointment(ctx, apB.ID, s2.ID, t0)
	wantCode(t, err, certlab.EINVALID)

	// Cancel frees the seat; a cancelled booking cannot be cancelled again.
	if _, err := s.SetAppointmentStatus(ctx, apB.ID, certlab.AppointmentBooked, certlab.AppointmentCancelled, t0.Add(2*time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	_, err = s.SetAppointmentStatus(ctx, apB.ID, certlab.AppointmentBooked, certlab.AppointmentCancelled, t0.Add(2*time.Hour), nil)
	wantCode(t, err, certlab.ECONFLICT)
	if g2, _ := s.Sitting(ctx, s2.ID); g2.Booked != 1 {
		t.Fatalf("s2 booked %d after a cancellation, want 1", g2.Booked)
	}
	// Check-in records the time; the attempt is linked later.
	in, err := s.SetAppointmentStatus(ctx, apA.ID, certlab.AppointmentBooked, certlab.AppointmentCheckedIn, s2.StartsAt.Add(-10*time.Minute), nil)
	if err != nil || in.CheckedInAt == nil || in.Status != certlab.AppointmentCheckedIn {
		t.Fatalf("check-in %+v %v", in, err)
	}
	att := MustStartedAttempt(t, s, a, t0.Add(200*time.Hour))
	in, err = s.SetAppointmentStatus(ctx, apA.ID, certlab.AppointmentCheckedIn, certlab.AppointmentCheckedIn, s2.StartsAt, &att.ID)
	if err != nil || in.AttemptID == nil || *in.AttemptID != att.ID || !in.CheckedInAt.Equal(s2.StartsAt.Add(-10*time.Minute)) {
		t.Fatalf("link attempt %+v %v", in, err)
	}
	before := s2.StartsAt
	list, err := s.Appointments(ctx, certlab.AppointmentFilter{SittingStartsBefore: &before, Status: certlab.AppointmentCheckedIn})
	if err != nil || len(list) != 1 || list[0].ID != apA.ID {
		t.Fatalf("appointments %v %v", list, err)
	}
	mine, err := s.Appointments(ctx, certlab.AppointmentFilter{UserID: &b.ID})
	if err != nil || len(mine) != 1 || mine[0].Status != certlab.AppointmentCancelled {
		t.Fatalf("b's appointments %v %v", mine, err)
	}
	sittings, err := s.Sittings(ctx, certlab.SittingFilter{ExamID: "demo", StartsAfter: &before})
	if err != nil || len(sittings) != 1 || sittings[0].ID != s2.ID {
		t.Fatalf("sittings after %v: %v %v", before, sittings, err)
	}
}

func testConcurrentBookings(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	admin := MustUser(t, s, "admin@example.org")
	st := mustSitting(t, s, admin, t0.Add(48*time.Hour), 3)
	var users []*certlab.User
	for i := range 8 {
		users = append(users, MustUser(t, s, "u"+string(rune('a'+i))+"@example.org"))
	}
	var wg sync.WaitGroup
	errs := make([]error, len(users))
	for i, u := range users {
		wg.Go(func() {
			errs[i] = s.BookAppointment(ctx, &certlab.Appointment{SittingID: st.ID, UserID: u.ID, BookedAt: t0})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch certlab.ErrorCode(err) {
		case "":
			ok++
		case certlab.ECONFLICT:
		default:
			t.Fatalf("booking failed unexpectedly: %v", err)
		}
	}
	got, _ := s.Sitting(ctx, st.ID)
	if ok != 3 || got.Booked != 3 {
		t.Fatalf("%d bookings succeeded and %d seats are taken, want 3 and 3", ok, got.Booked)
	}

	// One candidate booking four sittings of one exam at once holds one.
	var sittings []*certlab.Sitting
	for i := range 4 {
		sittings = append(sittings, mustSitting(t, s, admin, t0.Add(time.Duration(72+i)*time.Hour), 5))
	}
	solo := MustUser(t, s, "solo@example.org")
	errs = make([]error, len(sittings))
	for i, st := range sittings {
		wg.Go(func() {
			errs[i] = s.BookAppointment(ctx, &certlab.Appointment{SittingID: st.ID, UserID: solo.ID, BookedAt: t0})
		})
	}
	wg.Wait()
	ok = 0
	for _, err := range errs {
		switch certlab.ErrorCode(err) {
		case "":
			ok++
		case certlab.ECONFLICT:
		default:
			t.Fatalf("booking failed unexpectedly: %v", err)
		}
	}
	seats := 0
	for _, st := range sittings {
		got, _ := s.Sitting(ctx, st.ID)
		seats += got.Booked
	}
	if ok != 1 || seats != 1 {
		t.Fatalf("one candidate's concurrent bookings of one exam: %d succeeded, %d seats taken; want 1 and 1", ok, seats)
	}
}

func testPauses(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "p@example.org")
	deadline := t0.Add(time.Hour)
	a := MustStartedAttempt(t, s, u, deadline)
	wantCode(t, func() error { _, err := s.ResumeAttempt(ctx, a.ID, t0); return err }(), certlab.ECONFLICT)
	if err := s.PauseAttempt(ctx, a.ID, t0.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.PauseAttempt(ctx, a.ID, t0.Add(11*time.Minute)), certlab.ECONFLICT)
	// Saves are refused while paused.
	_, _, err := s.SaveResponse(ctx, &certlab.Response{AttemptID: a.ID, Key: "q1", Seq: 1, Value: json.RawMessage(`"A"`)}, 0, -1, t0.Add(12*time.Minute))
	wantCode(t, err, certlab.ECONFLICT)
	got, err := s.ResumeAttempt(ctx, a.ID, t0.Add(25*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != certlab.StatusStarted || !got.Deadline.Equal(deadline.Add(15*time.Minute)) {
		t.Fatalf("after a 15-minute pause: status %s deadline %v, want started and %v", got.Status, got.Deadline, deadline.Add(15*time.Minute))
	}
	ps, err := s.AttemptPauses(ctx, a.ID)
	if err != nil || len(ps) != 1 || ps[0].ResumedAt == nil || !ps[0].PausedAt.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("pauses %v %v", ps, err)
	}
	// An attempt whose deadline passed cannot be paused (another
	// candidate's: one exam attempt is open per candidate).
	late := MustStartedAttempt(t, s, MustUser(t, s, "late@example.org"), t0)
	wantCode(t, s.PauseAttempt(ctx, late.ID, t0.Add(time.Minute)), certlab.ECONFLICT)
}

func testAudit(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	admin := MustUser(t, s, "admin@example.org")
	for i, action := range []string{"credential.revoke", "attempt.pause", "attempt.resume"} {
		e := &certlab.AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), ActorID: admin.ID, Role: certlab.RoleAdmin, Action: action, Target: "attempt:1", Detail: "reason"}
		if err := s.AppendAudit(ctx, e); err != nil || e.ID == 0 {
			t.Fatalf("append: %v", err)
		}
	}
	got, err := s.AuditEntries(ctx, certlab.AuditFilter{Target: "attempt:1"})
	if err != nil || len(got) != 3 || got[0].Action != "attempt.resume" {
		t.Fatalf("entries %v %v", got, err)
	}
	got, err = s.AuditEntries(ctx, certlab.AuditFilter{Action: "credential.revoke", ActorID: &admin.ID, Limit: 5})
	if err != nil || len(got) != 1 || !got[0].At.Equal(t0) || got[0].Detail != "reason" {
		t.Fatalf("filtered entries %v %v", got, err)
	}
	// The database itself refuses to change the log, not only the store API.
	x, ok := s.(interface{ DB() *sql.DB })
	if !ok {
		t.Fatalf("store %T does not expose its database; the append-only check cannot run", s)
	}
	for _, stmt := range []string{"UPDATE audit_log SET detail = 'changed'", "DELETE FROM audit_log"} {
		if _, err := x.DB().ExecContext(ctx, stmt); err == nil {
			t.Errorf("%s: the database allowed it", stmt)
		}
	}
	if got, _ := s.AuditEntries(ctx, certlab.AuditFilter{}); len(got) != 3 || got[0].Detail != "reason" {
		t.Fatalf("audit log changed: %v", got)
	}
}
