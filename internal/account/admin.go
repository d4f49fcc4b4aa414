package account

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/audit"
	"github.com/certlab/certlab/internal/auth"
	"github.com/certlab/certlab/internal/mail"
)

// Admin is what admins do to accounts, for the admin console and the JSON
// API alike: list and search, create, change roles, disable and enable,
// send password reset links, revoke sign-ins and API tokens. Each method
// checks that the actor is an admin, refuses bad input before changing
// anything, and writes the change to the audit log with the admin, the
// account and the reason.
type Admin struct {
	Accounts *Service
	Store    certlab.Store
	Audit    *audit.Log
	Mailer   mail.Mailer
	Now      func() time.Time
}

// MaxReasonLength bounds a reason or note given with a staff action.
const MaxReasonLength = 1000

// Reason checks a reason a staff action requires: not empty, at most
// MaxReasonLength characters. what names the action in the error.
func Reason(reason, what string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", certlab.Errorf(certlab.EINVALID, "reason: say why %s", what)
	case utf8.RuneCountInString(reason) > MaxReasonLength:
		return "", certlab.Errorf(certlab.EINVALID, "reason: at most %d characters", MaxReasonLength)
	}
	return reason, nil
}

func (a *Admin) now() time.Time { return a.Now().UTC() }

func (a *Admin) require(u *certlab.User) error {
	if u == nil {
		return certlab.Errorf(certlab.EUNAUTHORIZED, "sign in first")
	}
	return certlab.RequireRole(u, certlab.RoleAdmin)
}

// Users lists a page of accounts.
func (a *Admin) Users(ctx context.Context, admin *certlab.User, q certlab.UserQuery) ([]*certlab.User, error) {
	if err := a.require(admin); err != nil {
		return nil, err
	}
	if q.Role != "" && !certlab.ValidRole(q.Role) {
		return nil, certlab.Errorf(certlab.EINVALID, "role %q: no such role", q.Role)
	}
	if q.State != "" && q.State != certlab.UserActive && q.State != certlab.UserDisabled {
		return nil, certlab.Errorf(certlab.EINVALID, "state %q: must be active or disabled", q.State)
	}
	return a.Store.UsersPage(ctx, q)
}

// User returns one account.
func (a *Admin) User(ctx context.Context, admin *certlab.User, id int64) (*certlab.User, error) {
	if err := a.require(admin); err != nil {
		return nil, err
	}
	return a.Store.User(ctx, id)
}

// NewUser is an account an admin creates. Without a password the account
// gets a random one and its holder a link to set their own.
type NewUser struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

// Create creates an account; baseURL is the server's public URL, for the
// reset link sent when no password is given. It returns whether a link
// was sent.
func (a *Admin) Create(ctx context.Context, admin *certlab.User, n NewUser, baseURL string) (*certlab.User, bool, error) {
	if err := a.require(admin); err != nil {
		return nil, false, err
	}
	if n.Role == "" {
		n.Role = certlab.RoleCandidate
	}
	invite := n.Password == ""
	if invite {
		n.Password = auth.NewSecret("")
	}
	u, err := a.Accounts.Create(ctx, strings.TrimSpace(n.Email), strings.TrimSpace(n.Name), n.Password, n.Role)
	if err != nil {
		return nil, false, err
	}
	if err := a.Audit.Record(ctx, admin, "user.create", audit.Target("user", u.ID), "%s as %s", u.Email, u.Role); err != nil {
		return nil, false, err
	}
	if invite {
		if err := a.SendReset(ctx, admin, u.ID, baseURL, "new account: set a password"); err != nil {
			return u, false, err
		}
	}
	return u, invite, nil
}

// other loads an account the admin acts on, refusing the admin's own for
// what would lock them out.
func (a *Admin) other(ctx context.Context, admin *certlab.User, id int64, what string) (*certlab.User, error) {
	u, err := a.Store.User(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.ID == admin.ID {
		return nil, certlab.Errorf(certlab.EINVALID, "you cannot %s your own account: ask another admin", what)
	}
	return u, nil
}

// SetRole changes an account's role.
func (a *Admin) SetRole(ctx context.Context, admin *certlab.User, id int64, role, reason string) (*certlab.User, error) {
	if err := a.require(admin); err != nil {
		return nil, err
	}
	if !certlab.ValidRole(role) {
		return nil, certlab.Errorf(certlab.EINVALID, "role %q: no such role", role)
	}
	reason, err := Reason(reason, "the role changes")
	if err != nil {
		return nil, err
	}
	u, err := a.other(ctx, admin, id, "change the role of")
	if err != nil {
		return nil, err
	}
	if u.Role == role {
		return nil, certlab.Errorf(certlab.ECONFLICT, "%s is %s already", u.Email, role)
	}
	old := u.Role
	u.Role = role
	if err := a.Store.UpdateUser(ctx, u); err != nil {
		return nil, err
	}
	return u, a.Audit.Record(ctx, admin, "user.role", audit.Target("user", u.ID), "%s -> %s: %s", old, role, reason)
}

// Disable disables an account: it cannot sign in, its sessions end and its
// API tokens are revoked.
func (a *Admin) Disable(ctx context.Context, admin *certlab.User, id int64, reason string) (*certlab.User, error) {
	if err := a.require(admin); err != nil {
		return nil, err
	}
	reason, err := Reason(reason, "the account is disabled")
	if err != nil {
		return nil, err
	}
	u, err := a.other(ctx, admin, id, "disable")
	if err != nil {
		return nil, err
	}
	if u.DisabledAt != nil {
		return nil, certlab.Errorf(certlab.ECONFLICT, "%s is disabled already", u.Email)
	}
	now := a.now()
	if err := a.Store.SetUserDisabled(ctx, u.ID, &now); err != nil {
		return nil, err
	}
	u.DisabledAt = &now
	n, err := a.signOut(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	return u, a.Audit.Record(ctx, admin, "user.disable", audit.Target("user", u.ID), "%s; signed out, %d API tokens revoked: %s", u.Email, n, reason)
}

// Enable lets a disabled account sign in again.
func (a *Admin) Enable(ctx context.Context, admin *certlab.User, id int64, reason string) (*certlab.User, error) {
	if err := a.require(admin); err != nil {
		return nil, err
	}
	reason, err := Reason(reason, "the account is enabled")
	if err != nil {
		return nil, err
	}
	u, err := a.Store.User(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.DisabledAt == nil {
		return nil, certlab.Errorf(certlab.ECONFLICT, "%s is not disabled", u.Email)
	}
	if err := a.Store.SetUserDisabled(ctx, u.ID, nil); err != nil {
		return nil, err
	}
	u.DisabledAt = nil
	return u, a.Audit.Record(ctx, admin, "user.enable", audit.Target("user", u.ID), "%s: %s", u.Email, reason)
}

func (a *Admin) signOut(ctx context.Context, userID int64) (int, error) {
	if err := a.Store.DeleteUserSessions(ctx, userID, ""); err != nil {
		return 0, err
	}
	return a.Store.RevokeTokens(ctx, userID, a.now())
}

// RevokeAccess signs the account out everywhere and revokes its API
// tokens; it returns how many tokens were revoked.
func (a *Admin) RevokeAccess(ctx context.Context, admin *certlab.User, id int64, reason string) (int, error) {
	if err := a.require(admin); err != nil {
		return 0, err
	}
	reason, err := Reason(reason, "the sign-ins and tokens are revoked")
	if err != nil {
		return 0, err
	}
	u, err := a.other(ctx, admin, id, "revoke the sign-ins of")
	if err != nil {
		return 0, err
	}
	n, err := a.signOut(ctx, u.ID)
	if err != nil {
		return 0, err
	}
	return n, a.Audit.Record(ctx, admin, "user.revoke-tokens", audit.Target("user", u.ID), "%s; signed out, %d API tokens revoked: %s", u.Email, n, reason)
}

// SendReset e-mails the account a password reset link (valid
// AdminResetLifetime, once) under baseURL; the reason is required. The link's secret goes only into
// the e-mail; the audit log records that a link was sent.
func (a *Admin) SendReset(ctx context.Context, admin *certlab.User, id int64, baseURL, reason string) error {
	if err := a.require(admin); err != nil {
		return err
	}
	reason, err := Reason(reason, "a reset link is sent")
	if err != nil {
		return err
	}
	u, err := a.Store.User(ctx, id)
	if err != nil {
		return err
	}
	secret, r, err := a.Accounts.AdminReset(ctx, admin, u.ID, a.now())
	if err != nil {
		return err
	}
	subject, body := ResetMessage(u, strings.TrimRight(baseURL, "/")+ResetPath+secret, r.ExpiresAt)
	if err := a.Mailer.Send(ctx, u.Email, subject, body); err != nil {
		return fmt.Errorf("send the reset link to %s: %w", u.Email, err)
	}
	return a.Audit.Record(ctx, admin, "user.password-reset", audit.Target("user", u.ID), "link sent to %s, valid until %s: %s",
		u.Email, r.ExpiresAt.Format(time.RFC3339), reason)
}
