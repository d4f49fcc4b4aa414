package audit_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/audit"
	"github.com/certlab/certlab/internal/sqlite"
)

func TestRecordAndEntries(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	log := audit.New(store, func() time.Time { return at })
	admin := &certlab.User{ID: 1, Role: certlab.RoleAdmin}
	if err := log.Record(ctx, admin, "credential.revoke", audit.Target("credential", 12), "reason: %s", "cheating"); err != nil {
		t.Fatal(err)
	}
	for i := range 250 {
		if err := log.Record(ctx, nil, "appointment.no-show", audit.Target("appointment", int64(i)), "sweep"); err != nil {
			t.Fatal(err)
		}
	}
	_, err = log.Entries(ctx, &certlab.User{ID: 2, Role: certlab.RoleProctor}, certlab.AuditFilter{})
	if certlab.ErrorCode(err) != certlab.EFORBIDDEN {
		t.Fatalf("a proctor read the audit log: %v", err)
	}
	tests := []struct {
		name   string
		filter certlab.AuditFilter
		want   int
	}{
		{"default limit", certlab.AuditFilter{}, 200},
		{"limit above 1000", certlab.AuditFilter{Limit: 5000}, 200},
		{"by target", certlab.AuditFilter{Target: "credential:12"}, 1},
		{"nothing", certlab.AuditFilter{Target: "credential:13"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, err := log.Entries(ctx, admin, tt.filter)
			if err != nil || len(es) != tt.want || es == nil {
				t.Fatalf("entries: %d %v, want %d (and never nil)", len(es), err, tt.want)
			}
		})
	}
	es, _ := log.Entries(ctx, admin, certlab.AuditFilter{Target: "credential:12"})
	got := fmt.Sprintf("%d %s %s %s %s", es[0].ActorID, es[0].Role, es[0].Action, es[0].Detail, es[0].At.Format(time.RFC3339))
	if want := "1 admin credential.revoke reason: cheating 2026-11-25T08:00:00Z"; got != want {
		t.Fatalf("entry %q, want %q", got, want)
	}
	sys, _ := log.Entries(ctx, admin, certlab.AuditFilter{Target: "appointment:0"})
	if len(sys) != 1 || sys[0].Role != "system" || sys[0].ActorID != 0 {
		t.Fatalf("a system entry %+v", sys)
	}
}
