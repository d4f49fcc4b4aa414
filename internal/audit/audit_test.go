package audit_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/audit"
	"github.com/certlab/certlab/internal/sqlite"
	"github.com/certlab/certlab/internal/sqlstore"
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

// The audit log has no way to change or delete an entry: not in the store
// interface, not in the log's methods, not in the SQL implementation (and
// the database refuses it too: storetest's AuditLog contract).
func TestAuditLogIsAppendOnly(t *testing.T) {
	allowed := map[string]bool{"AppendAudit": true, "AuditEntries": true}
	st := reflect.TypeFor[certlab.AuditStore]()
	for i := range st.NumMethod() {
		if m := st.Method(i).Name; !allowed[m] {
			t.Errorf("certlab.AuditStore has %s: only appending and reading belong there", m)
		}
	}
	sql := reflect.TypeFor[*sqlstore.Store]()
	for i := range sql.NumMethod() {
		if m := sql.Method(i).Name; strings.Contains(m, "Audit") && !allowed[m] {
			t.Errorf("sqlstore.Store has %s: the audit log is append-only", m)
		}
	}
	lt := reflect.TypeFor[*audit.Log]()
	for i := range lt.NumMethod() {
		m := lt.Method(i).Name
		for _, verb := range []string{"Update", "Delete", "Remove", "Edit", "Purge", "Set", "Clear"} {
			if strings.HasPrefix(m, verb) {
				t.Errorf("audit.Log has %s: the audit log is append-only", m)
			}
		}
	}
	files, err := filepath.Glob("../sqlstore/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("read the store's sources: %v", err)
	}
	change := regexp.MustCompile(`(?i)(update\s+audit_log|delete\s+from\s+audit_log|truncate\s+(table\s+)?audit_log)`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := change.Find(b); m != nil {
			t.Errorf("%s: %q changes the audit log", f, m)
		}
	}
}

// The CSV export writes the matching entries, newest first, with the
// actor's e-mail, and keeps a spreadsheet from reading a cell as a formula.
func TestWriteCSV(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	log := audit.New(store, func() time.Time { return at })
	admin := &certlab.User{ID: 7, Role: certlab.RoleAdmin}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(log.Record(ctx, admin, "user.disable", "user:2", "%s", `=HYPERLINK("http://evil")`))
	must(log.Record(ctx, admin, "user.enable", "user:2", "back, \"quoted\""))
	must(log.Record(ctx, nil, "appointment.no-show", "appointment:3", "swept"))
	var b strings.Builder
	who := func(id int64) string { return fmt.Sprintf("admin%d@example.org", id) }
	must(log.WriteCSV(ctx, admin, certlab.AuditFilter{Target: "user:2"}, &b, who))
	want := "id,at,actor_id,actor,role,action,subject,detail\n" +
		"2,2026-11-25T09:00:00Z,7,admin7@example.org,admin,user.enable,user:2,\"back, \"\"quoted\"\"\"\n" +
		"1,2026-11-25T09:00:00Z,7,admin7@example.org,admin,user.disable,user:2,\"'=HYPERLINK(\"\"http://evil\"\")\"\n"
	if b.String() != want {
		t.Fatalf("CSV:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	must(log.WriteCSV(ctx, admin, certlab.AuditFilter{}, &b, who))
	if !strings.Contains(b.String(), "3,2026-11-25T09:00:00Z,0,system,system,appointment.no-show") {
		t.Fatalf("a sweep's entry:\n%s", b.String())
	}
	if err := log.WriteCSV(ctx, &certlab.User{ID: 8, Role: certlab.RoleProctor}, certlab.AuditFilter{}, &b, who); certlab.ErrorCode(err) != certlab.EFORBIDDEN {
		t.Fatalf("a proctor's export: %v", err)
	}
}
