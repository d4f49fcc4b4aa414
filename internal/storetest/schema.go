package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/certlab/certlab"
)

// SchemaStore is a store that carries its own migrations.
type SchemaStore interface {
	certlab.Store
	Migrate(ctx context.Context) (int, error)
	MigrateTo(ctx context.Context, version int) (int, error)
	CheckSchema(ctx context.Context) error
	SchemaVersion(ctx context.Context) (applied, latest int, err error)
	DB() *sql.DB
}

// RunSchema checks the schema version on a database that was never
// migrated (open must not migrate): CheckSchema, which the readiness probe
// calls, reports ESCHEMA and writes nothing; Migrate applies every
// migration once.
func RunSchema(t *testing.T, open func(t *testing.T) SchemaStore) {
	ctx := context.Background()
	s := open(t)
	for range 2 {
		if code := certlab.ErrorCode(s.CheckSchema(ctx)); code != certlab.ESCHEMA {
			t.Fatalf("fresh database: code %q, want %q", code, certlab.ESCHEMA)
		}
	}
	var n int
	if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err == nil {
		t.Fatal("CheckSchema created schema_migrations: a readiness check must not write")
	}
	applied, latest, err := s.SchemaVersion(ctx)
	if err != nil || applied != 0 || latest == 0 {
		t.Fatalf("fresh database: version %d of %d, %v; want 0 of the latest", applied, latest, err)
	}
	m, err := s.Migrate(ctx)
	if err != nil || m == 0 {
		t.Fatalf("migrate: %d %v", m, err)
	}
	if err := s.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if applied, latest, _ := s.SchemaVersion(ctx); applied != latest {
		t.Fatalf("after migrating: version %d of %d", applied, latest)
	}
	if m, err := s.Migrate(ctx); m != 0 || err != nil {
		t.Fatalf("second migrate applied %d (%v)", m, err)
	}
}

// RunSittingRename checks migration 11, which renamed the table of
// scheduled sittings (exam_sessions) and the appointments' column
// (session_id): rows written under schema 10 read back as sittings and
// their appointments, the seat count and the one-live-booking rule still
// hold, and new sittings get new IDs. open must not migrate.
func RunSittingRename(t *testing.T, open func(t *testing.T) SchemaStore) {
	ctx := context.Background()
	s := open(t)
	if _, err := s.MigrateTo(ctx, 10); err != nil {
		t.Fatalf("migrate to 10: %v", err)
	}
	admin, cand := MustUser(t, s, "admin@example.org"), MustUser(t, s, "cand@example.org")
	at := t0.Add(48 * time.Hour).UnixMilli()
	exec := func(q string) {
		t.Helper()
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(fmt.Sprintf(`INSERT INTO exam_sessions (exam_id, starts_at, time_zone, capacity, booked, delivery, location, proctored, created_by, created_at)
		VALUES ('demo', %d, 'Europe/Paris', 2, 1, 'test-centre', 'Room 1', TRUE, %d, %d)`, at, admin.ID, t0.UnixMilli()))
	var id int64
	if err := s.DB().QueryRowContext(ctx, `SELECT id FROM exam_sessions`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	exec(fmt.Sprintf(`INSERT INTO appointments (session_id, user_id, status, booked_at, updated_at) VALUES (%d, %d, 'booked', %d, %d)`,
		id, cand.ID, t0.UnixMilli(), t0.UnixMilli()))
	if n, err := s.Migrate(ctx); err != nil || n == 0 {
		t.Fatalf("migrate past 10: %d %v", n, err)
	}
	st, err := s.Sitting(ctx, id)
	if err != nil || st.Capacity != 2 || st.Booked != 1 || !st.Proctored || st.Location != "Room 1" || st.StartsAt.UnixMilli() != at {
		t.Fatalf("sitting %d after the rename: %+v %v", id, st, err)
	}
	aps, err := s.Appointments(ctx, certlab.AppointmentFilter{SittingID: &id})
	if err != nil || len(aps) != 1 || aps[0].UserID != cand.ID || aps[0].SittingID != id {
		t.Fatalf("appointments of sitting %d after the rename: %+v %v", id, aps, err)
	}
	wantCode(t, s.BookAppointment(ctx, &certlab.Appointment{SittingID: id, UserID: cand.ID, BookedAt: t0}), certlab.ECONFLICT)
	other := MustUser(t, s, "other@example.org")
	if err := s.BookAppointment(ctx, &certlab.Appointment{SittingID: id, UserID: other.ID, BookedAt: t0}); err != nil {
		t.Fatalf("book the last seat: %v", err)
	}
	third := MustUser(t, s, "third@example.org")
	wantCode(t, s.BookAppointment(ctx, &certlab.Appointment{SittingID: id, UserID: third.ID, BookedAt: t0}), certlab.ECONFLICT) // full
	next := mustSitting(t, s, admin, t0.Add(96*time.Hour), 1)
	if next.ID <= id {
		t.Fatalf("a new sitting got ID %d, not after %d", next.ID, id)
	}
}
