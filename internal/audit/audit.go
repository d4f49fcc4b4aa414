// Package audit is certlab's append-only log of proctor and admin actions:
// who did what to which thing, when, and why. The database refuses to
// change or delete an entry (triggers on both databases).
package audit

import (
	"context"
	"fmt"
	"strconv"
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
