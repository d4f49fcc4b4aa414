// Package audit is certlab's append-only log of proctor and admin actions:
// who did what to which thing, when, and why. The database refuses to
// change or delete an entry (triggers on both databases).
package audit

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

// Log records and lists audit entries. It is safe for concurrent use.
type Log struct {
	store certlab.AuditStore
	now   func() time.Time
}

// New returns the audit log over the store, timed by now.
func New(store certlab.AuditStore, now func() time.Time) *Log {
	return &Log{store: store, now: now}
}

// Record appends one entry: actor did action to target, with a detail
// formatted from format and args. A nil actor is the system itself (a
// sweep).
func (l *Log) Record(ctx context.Context, actor *certlab.User, action, target, format string, args ...any) error {
	e := &certlab.AuditEntry{At: l.now().UTC(), Action: action, Target: target, Detail: fmt.Sprintf(format, args...), Role: "system"}
	if actor != nil {
		e.ActorID, e.Role = actor.ID, actor.Role
	}
	if err := l.store.AppendAudit(ctx, e); err != nil {
		return fmt.Errorf("audit %s %s: %w", action, target, err)
	}
	return nil
}

// Entries lists audit entries, newest first (admins only); at most 1000,
// 200 unless the filter asks for fewer.
func (l *Log) Entries(ctx context.Context, actor *certlab.User, f certlab.AuditFilter) ([]*certlab.AuditEntry, error) {
	if actor.Role != certlab.RoleAdmin {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "only admins read the audit log")
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	out, err := l.store.AuditEntries(ctx, f)
	if out == nil && err == nil {
		out = []*certlab.AuditEntry{}
	}
	return out, err
}

// Target names what an entry is about: "kind:id", such as "attempt:12".
func Target(kind string, id int64) string {
	return kind + ":" + strconv.FormatInt(id, 10)
}

// ExportBatch is how many entries WriteCSV reads per query.
const ExportBatch = 1000

// MaxExport bounds the entries one CSV export writes.
const MaxExport = 1_000_000

// WriteCSV writes the entries matching f (newest first, all of them up to
// MaxExport, read ExportBatch at a time) as CSV with a header row (admins
// only). who names an actor id (its e-mail); cells that a spreadsheet
// would read as a formula are prefixed with an apostrophe.
func (l *Log) WriteCSV(ctx context.Context, actor *certlab.User, f certlab.AuditFilter, w io.Writer, who func(id int64) string) error {
	if actor == nil || actor.Role != certlab.RoleAdmin {
		return certlab.Errorf(certlab.EFORBIDDEN, "only admins read the audit log")
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"id", "at", "actor_id", "actor", "role", "action", "subject", "detail"}); err != nil {
		return err
	}
	written := 0
	for written < MaxExport {
		f.Limit = ExportBatch
		es, err := l.store.AuditEntries(ctx, f)
		if err != nil {
			return err
		}
		for _, e := range es {
			name := "system"
			if e.ActorID != 0 {
				name = who(e.ActorID)
			}
			rec := []string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano), strconv.FormatInt(e.ActorID, 10), name, e.Role, e.Action, e.Target, e.Detail}
			for i := range rec {
				rec[i] = cellSafe(rec[i])
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		written += len(es)
		if len(es) < ExportBatch {
			break
		}
		f.Before = es[len(es)-1].ID
	}
	cw.Flush()
	return cw.Error()
}

// cellSafe keeps a CSV cell from being read as a formula by a spreadsheet.
func cellSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ActorNames names audit actors by e-mail, reading each account once
// (for WriteCSV and the console's list).
func ActorNames(ctx context.Context, store interface {
	User(ctx context.Context, id int64) (*certlab.User, error)
}) func(int64) string {
	names := map[int64]string{}
	return func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		n := fmt.Sprintf("user %d", id)
		if u, err := store.User(ctx, id); err == nil {
			n = u.Email
		}
		names[id] = n
		return n
	}
}
