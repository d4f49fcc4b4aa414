package account_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/audit"
)

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// mailbox is a mail.Mailer that keeps what was sent.
type mailbox struct {
	mu   sync.Mutex
	sent []struct{ to, subject, body string }
}

func (m *mailbox) Send(_ context.Context, to, subject, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, struct{ to, subject, body string }{to, subject, body})
	return nil
}

type adminEnv struct {
	ctx   context.Context
	acc   *account.Service
	store certlab.Store
	adm   *account.Admin
	mail  *mailbox
	admin *certlab.User
	cand  *certlab.User
}

func newAdminEnv(t *testing.T) *adminEnv {
	t.Helper()
	s, store := newService(t)
	e := &adminEnv{ctx: context.Background(), acc: s, store: store, mail: &mailbox{}}
	now := func() time.Time { return t0 }
	e.adm = &account.Admin{Accounts: s, Store: store, Audit: audit.New(store, now), Mailer: e.mail, Now: now}
	var err error
	if e.admin, err = s.Register(e.ctx, "admin@example.org", "Admin", "granite-harbour-kite-123"); err != nil {
		t.Fatal(err)
	}
	if e.cand, err = s.Register(e.ctx, "cand@example.org", "Cand", "kestrel-orchard-lamp"); err != nil {
		t.Fatal(err)
	}
	return e
}

// entries are the audit log's lines "action target detail", newest first.
func (e *adminEnv) entries(t *testing.T) []string {
	t.Helper()
	es, err := e.store.AuditEntries(e.ctx, certlab.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range es {
		out = append(out, x.Action+" "+x.Target+" "+x.Detail)
	}
	return out
}

// Every change an admin makes to an account is in the audit log with the
// admin, the account and the reason.
func TestAdminActionsAreAudited(t *testing.T) {
	e := newAdminEnv(t)
	u, err := e.adm.SetRole(e.ctx, e.admin, e.cand.ID, certlab.RoleProctor, "proctors the December sittings")
	if err != nil || u.Role != certlab.RoleProctor {
		t.Fatalf("set role: %+v %v", u, err)
	}
	if _, err := e.adm.Disable(e.ctx, e.admin, e.cand.ID, "left the company"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.adm.Enable(e.ctx, e.admin, e.cand.ID, "came back"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.adm.RevokeAccess(e.ctx, e.admin, e.cand.ID, "laptop stolen"); err != nil {
		t.Fatal(err)
	}
	if err := e.adm.SendReset(e.ctx, e.admin, e.cand.ID, "https://certlab.example/", "forgot the password"); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(e.entries(t), "\n")
	for _, want := range []string{
		"user.role user:2 candidate -> proctor: proctors the December sittings",
		"user.disable user:2 cand@example.org; signed out, 0 API tokens revoked: left the company",
		"user.enable user:2 cand@example.org: came back",
		"user.revoke-tokens user:2 cand@example.org; signed out, 0 API tokens revoked: laptop stolen",
		"user.password-reset user:2 link sent to cand@example.org, valid until 2026-11-26T09:00:00Z: forgot the password",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("audit log lacks %q:\n%s", want, got)
		}
	}
	es, _ := e.store.AuditEntries(e.ctx, certlab.AuditFilter{})
	for _, x := range es {
		if x.ActorID != e.admin.ID || x.Role != certlab.RoleAdmin {
			t.Errorf("entry %s by %d (%s), want the admin", x.Action, x.ActorID, x.Role)
		}
	}
	// The link's secret is only in the e-mail.
	if strings.Contains(got, "clr_") {
		t.Error("the audit log holds a reset link's secret")
	}
}

// Bad input is refused with a clear error and changes nothing: the
// account and the audit log stay as they were.
func TestAdminBadInputChangesNothing(t *testing.T) {
	e := newAdminEnv(t)
	long := strings.Repeat("x", account.MaxReasonLength+1)
	tests := []struct {
		name string
		do   func() error
		code string
		msg  string
	}{
		{"unknown role", func() error {
			_, err := e.adm.SetRole(e.ctx, e.admin, e.cand.ID, "superuser", "why not")
			return err
		}, certlab.EINVALID, `role "superuser": no such role`},
		{"role without a reason", func() error {
			_, err := e.adm.SetRole(e.ctx, e.admin, e.cand.ID, certlab.RoleProctor, "  ")
			return err
		}, certlab.EINVALID, "reason: say why the role changes"},
		{"reason too long", func() error { _, err := e.adm.Disable(e.ctx, e.admin, e.cand.ID, long); return err }, certlab.EINVALID, "at most 1000 characters"},
		{"unknown account", func() error { _, err := e.adm.Disable(e.ctx, e.admin, 9999, "gone"); return err }, certlab.ENOTFOUND, "user 9999 not found"},
		{"disable without a reason", func() error { _, err := e.adm.Disable(e.ctx, e.admin, e.cand.ID, ""); return err }, certlab.EINVALID, "say why the account is disabled"},
		{"disable oneself", func() error { _, err := e.adm.Disable(e.ctx, e.admin, e.admin.ID, "tired"); return err }, certlab.EINVALID, "your own account"},
		{"demote oneself", func() error {
			_, err := e.adm.SetRole(e.ctx, e.admin, e.admin.ID, certlab.RoleCandidate, "tired")
			return err
		}, certlab.EINVALID, "your own account"},
		{"enable an active account", func() error { _, err := e.adm.Enable(e.ctx, e.admin, e.cand.ID, "why"); return err }, certlab.ECONFLICT, "is not disabled"},
		{"same role", func() error {
			_, err := e.adm.SetRole(e.ctx, e.admin, e.cand.ID, certlab.RoleCandidate, "again")
			return err
		}, certlab.ECONFLICT, "is candidate already"},
		{"reset without a reason", func() error { return e.adm.SendReset(e.ctx, e.admin, e.cand.ID, "http://x", "") }, certlab.EINVALID, "reason"},
		{"revoke for an unknown account", func() error { _, err := e.adm.RevokeAccess(e.ctx, e.admin, 9999, "x"); return err }, certlab.ENOTFOUND, "not found"},
		{"create with a bad address", func() error {
			_, _, err := e.adm.Create(e.ctx, e.admin, account.NewUser{Email: "not-an-address", Role: certlab.RoleCandidate}, "http://x")
			return err
		}, certlab.EINVALID, "is not an e-mail address"},
		{"create with an unknown role", func() error {
			_, _, err := e.adm.Create(e.ctx, e.admin, account.NewUser{Email: "new@example.org", Role: "superuser", Password: "long enough passphrase"}, "http://x")
			return err
		}, certlab.EINVALID, `role "superuser"`},
		{"create a taken address", func() error {
			_, _, err := e.adm.Create(e.ctx, e.admin, account.NewUser{Email: "cand@example.org", Password: "long enough passphrase"}, "http://x")
			return err
		}, certlab.ECONFLICT, "exists already"},
		{"a candidate acting as admin", func() error { _, err := e.adm.Disable(e.ctx, e.cand, e.admin.ID, "coup"); return err }, certlab.EFORBIDDEN, "admin"},
		{"a candidate listing accounts", func() error { _, err := e.adm.Users(e.ctx, e.cand, certlab.UserQuery{}); return err }, certlab.EFORBIDDEN, "admin"},
		{"list by an unknown role", func() error {
			_, err := e.adm.Users(e.ctx, e.admin, certlab.UserQuery{Role: "superuser"})
			return err
		}, certlab.EINVALID, "no such role"},
		{"list by an unknown state", func() error {
			_, err := e.adm.Users(e.ctx, e.admin, certlab.UserQuery{State: "asleep"})
			return err
		}, certlab.EINVALID, "must be active or disabled"},
	}
	before := e.entries(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			if certlab.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %v, want %s containing %q", err, tt.code, tt.msg)
			}
		})
	}
	if after := e.entries(t); len(after) != len(before) {
		t.Fatalf("refused actions wrote to the audit log: %v", after)
	}
	for _, u := range []*certlab.User{e.admin, e.cand} {
		got, err := e.store.User(e.ctx, u.ID)
		if err != nil || got.Role != u.Role || got.DisabledAt != nil {
			t.Fatalf("account %s changed: %+v %v", u.Email, got, err)
		}
	}
	if us, _ := e.store.Users(e.ctx); len(us) != 2 {
		t.Fatalf("refused creations made accounts: %d", len(us))
	}
	if len(e.mail.sent) != 0 {
		t.Fatalf("refused actions sent e-mail: %v", e.mail.sent)
	}
}

// A disabled account cannot sign in, its sessions and tokens are gone;
// enabled again, it signs in.
func TestDisabledAccountCannotSignIn(t *testing.T) {
	e := newAdminEnv(t)
	if err := e.store.CreateSession(e.ctx, &certlab.Session{TokenHash: "s", UserID: e.cand.ID, CSRF: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.acc.NewToken(e.ctx, e.cand, account.TokenRequest{Name: "cli"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.adm.Disable(e.ctx, e.admin, e.cand.ID, "left"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.acc.SignIn(e.ctx, "cand@example.org", "kestrel-orchard-lamp"); certlab.ErrorCode(err) != certlab.EFORBIDDEN || !strings.Contains(err.Error(), "disabled") {
		t.Fatalf("sign-in of a disabled account: %v", err)
	}
	if _, err := e.acc.SignIn(e.ctx, "cand@example.org", "wrong password!"); certlab.ErrorCode(err) != certlab.EUNAUTHORIZED {
		t.Fatalf("a wrong password on a disabled account must not say it is disabled: %v", err)
	}
	if _, err := e.store.Session(e.ctx, "s", t0); certlab.ErrorCode(err) != certlab.ENOTFOUND {
		t.Fatalf("the session survived: %v", err)
	}
	if _, err := e.adm.Enable(e.ctx, e.admin, e.cand.ID, "back"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.acc.SignIn(e.ctx, "cand@example.org", "kestrel-orchard-lamp"); err != nil {
		t.Fatalf("sign-in after enabling: %v", err)
	}
}

// An account created without a password gets a link to set one; the link
// works once, before it expires, and signs out other sessions.
func TestResetLink(t *testing.T) {
	e := newAdminEnv(t)
	u, invited, err := e.adm.Create(e.ctx, e.admin, account.NewUser{Email: "new@example.org", Name: "New", Role: certlab.RoleProctor}, "https://certlab.example/")
	if err != nil || !invited || u.Role != certlab.RoleProctor {
		t.Fatalf("create: %+v %v %v", u, invited, err)
	}
	if len(e.mail.sent) != 1 || e.mail.sent[0].to != "new@example.org" {
		t.Fatalf("sent %+v", e.mail.sent)
	}
	link := regexp.MustCompile(`https://certlab\.example/password-reset/new\?token=(clr_\S+)`).FindStringSubmatch(e.mail.sent[0].body)
	if link == nil {
		t.Fatalf("no link in the e-mail:\n%s", e.mail.sent[0].body)
	}
	if _, err := e.acc.ResetPassword(e.ctx, link[1], "short", t0); certlab.ErrorCode(err) != certlab.EINVALID {
		t.Fatalf("short password: %v", err)
	}
	if _, err := e.acc.ResetPassword(e.ctx, link[1], "a brand new password", t0.Add(account.AdminResetLifetime+time.Second)); certlab.ErrorCode(err) != certlab.ENOTFOUND {
		t.Fatalf("expired link: %v", err)
	}
	if _, err := e.acc.ResetPassword(e.ctx, link[1], "a brand new password", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.acc.SignIn(e.ctx, "new@example.org", "a brand new password"); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}
	if _, err := e.acc.ResetPassword(e.ctx, link[1], "yet another password", t0.Add(time.Hour)); certlab.ErrorCode(err) != certlab.ENOTFOUND {
		t.Fatalf("a spent link: %v", err)
	}
	// A disabled account gets no link.
	if _, err := e.adm.Disable(e.ctx, e.admin, u.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if err := e.adm.SendReset(e.ctx, e.admin, u.ID, "https://certlab.example", "again"); certlab.ErrorCode(err) != certlab.ECONFLICT {
		t.Fatalf("reset link for a disabled account: %v", err)
	}
}
