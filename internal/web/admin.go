package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/audit"
	"github.com/certlab/certlab/internal/chart"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/overview"
)

// The admin console: program overview, accounts, the external-credential
// review queue, credentials, issuer keys and the audit log.

// consoleRoles are the roles the console offers: the ones this server
// knows, in order of privilege.
func consoleRoles() []string {
	var out []string
	for _, r := range []string{certlab.RoleCandidate, "instructor", certlab.RoleAuthor, certlab.RoleProctor, certlab.RoleAdmin} {
		if certlab.ValidRole(r) {
			out = append(out, r)
		}
	}
	return out
}

// renderError renders err on the page render draws (status from its code),
// or the error page when the page itself cannot be drawn.
func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, err error, render func(status int, msg string)) {
	code := certlab.ErrorCode(err)
	if code == certlab.EINTERNAL || code == certlab.EFORBIDDEN || code == certlab.EUNAUTHORIZED {
		h.fail(w, r, err)
		return
	}
	status := http.StatusBadRequest
	if code == certlab.ECONFLICT {
		status = http.StatusConflict
	}
	if code == certlab.ENOTFOUND {
		status = http.StatusNotFound
	}
	render(status, certlab.ErrorMessage(err))
}

// --- Overview

type overviewData struct {
	console
	O          *overview.Overview
	PassChart  template.HTML
	WeekChart  template.HTML
	Domains    []domainChart
	StaffTotal int
}

type domainChart struct {
	Exam  overview.Exam
	Chart template.HTML
}

func (h *Handler) adminOverview(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	o, err := overview.Build(r.Context(), u, h.cfg.Store, h.cfg.Catalog, h.cfg.Engine.Now())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := overviewData{console: console{Nav: "overview", Notice: notice(r)}, O: o}
	for _, n := range o.Staff {
		d.StaffTotal += n
	}
	var pass []chart.Bar
	for _, e := range o.Exams {
		if e.Scored == 0 {
			continue
		}
		pass = append(pass, chart.Bar{Label: e.ID, Value: 100 * e.PassRate, Max: 100, Note: fmt.Sprintf("%s of %d scored", pct(e.PassRate), e.Scored)})
		var bars []chart.Bar
		for _, dm := range e.Domains {
			bars = append(bars, chart.Bar{Label: dm.Name, Value: dm.MeanPercent, Max: 100, Note: fmt.Sprintf("%.0f %% mean", dm.MeanPercent)})
		}
		if len(bars) > 0 {
			d.Domains = append(d.Domains, domainChart{Exam: e, Chart: template.HTML(chart.Bars(e.ID+": mean score by skill area",
				fmt.Sprintf("Over %d scored exams", e.Scored), bars, 0))})
		}
	}
	if len(pass) > 0 {
		d.PassChart = template.HTML(chart.Bars("Pass rate by exam", "Scored exam attempts; proctored sittings voided for misconduct are not scored", pass, 0))
	}
	most := 0
	for _, wk := range o.Weeks {
		most = max(most, wk.Appointments)
	}
	var weeks []chart.Bar
	for _, wk := range o.Weeks {
		weeks = append(weeks, chart.Bar{Label: "Week of " + wk.Start.Format("2006-01-02"), Value: float64(wk.Appointments), Max: float64(max(most, 1)),
			Note: strconv.Itoa(wk.Appointments)})
	}
	d.WeekChart = template.HTML(chart.Counts("Appointments per week", fmt.Sprintf("%d weeks before this one to %d after; cancelled ones not counted", overview.WeeksBefore, overview.WeeksAfter), weeks))
	h.render(w, r, http.StatusOK, "admin_overview", page{Title: "Program overview", Data: d})
}

// --- Accounts

type usersData struct {
	console
	Q     certlab.UserQuery
	Users []*certlab.User
	Roles []string
	Pager pager
}

func (h *Handler) adminUsers(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	d := usersData{console: console{Nav: "users", Notice: notice(r)}, Roles: consoleRoles()}
	q, err := certlab.ParseUserQuery(r.URL.Query())
	status, msg := http.StatusOK, ""
	if err == nil {
		d.Q = q
		d.Users, err = h.cfg.Staff.Admin.Users(r.Context(), u, q)
	}
	if err != nil {
		h.renderError(w, r, err, func(s int, m string) { status, msg = s, m })
		if msg == "" {
			return
		}
	}
	if len(d.Users) > 0 {
		d.Pager = newPager(r, len(d.Users) == q.Limit, "after", d.Users[len(d.Users)-1].ID)
	}
	h.render(w, r, status, "admin_users", page{Title: "Accounts", Error: msg, Data: d})
}

type newUserData struct {
	console
	Roles []string
	Form  account.NewUser
}

func (h *Handler) adminNewUser(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.render(w, r, http.StatusOK, "admin_user_new", page{Title: "New account", Data: newUserData{console: console{Nav: "users"}, Roles: consoleRoles(),
		Form: account.NewUser{Role: certlab.RoleCandidate}}})
}

func (h *Handler) adminCreateUser(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	n := account.NewUser{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Role: r.PostFormValue("role"), Password: r.PostFormValue("password")}
	nu, invited, err := h.cfg.Staff.Admin.Create(r.Context(), u, n, h.publicURL(r))
	if err != nil {
		h.renderError(w, r, err, func(status int, msg string) {
			n.Password = ""
			h.render(w, r, status, "admin_user_new", page{Title: "New account", Error: msg, Data: newUserData{console: console{Nav: "users"}, Roles: consoleRoles(), Form: n}})
		})
		return
	}
	ok := "created"
	if invited {
		ok = "invited"
	}
	done(w, r, fmt.Sprintf("/admin/users/%d", nu.ID), ok)
}

type userData struct {
	console
	Account *certlab.User
	Roles   []string
	Entries []auditRow
	Self    bool
}

type auditRow struct {
	*certlab.AuditEntry
	Actor string
}

func (h *Handler) auditRows(ctx context.Context, es []*certlab.AuditEntry) []auditRow {
	who := audit.ActorNames(ctx, h.cfg.Store)
	out := make([]auditRow, len(es))
	for i, e := range es {
		out[i] = auditRow{AuditEntry: e, Actor: "system"}
		if e.ActorID != 0 {
			out[i].Actor = who(e.ActorID)
		}
	}
	return out
}

func (h *Handler) adminUser(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderUser(w, r, u, http.StatusOK, "")
}

func (h *Handler) renderUser(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, msg string) {
	id, err := pathInt64(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	acc, err := h.cfg.Staff.Admin.User(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	es, err := h.cfg.Staff.Audit.Entries(r.Context(), u, certlab.AuditFilter{Target: audit.Target("user", id), Limit: 20})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := userData{console: console{Nav: "users", Notice: notice(r)}, Account: acc, Roles: consoleRoles(), Entries: h.auditRows(r.Context(), es), Self: acc.ID == u.ID}
	if msg != "" {
		d.Notice = ""
	}
	h.render(w, r, status, "admin_user", page{Title: "Account " + acc.Email, Error: msg, Data: d})
}

func (h *Handler) adminUserAction(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := pathInt64(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx, reason, admin := r.Context(), r.PostFormValue("reason"), h.cfg.Staff.Admin
	var ok string
	switch action := r.PathValue("action"); action {
	case "role":
		_, err = admin.SetRole(ctx, u, id, r.PostFormValue("role"), reason)
		ok = "role"
	case "disable":
		_, err = admin.Disable(ctx, u, id, reason)
		ok = "disabled"
	case "enable":
		_, err = admin.Enable(ctx, u, id, reason)
		ok = "enabled"
	case "reset":
		err = admin.SendReset(ctx, u, id, h.publicURL(r), reason)
		ok = "reset"
	case "revoke":
		_, err = admin.RevokeAccess(ctx, u, id, reason)
		ok = "revoked"
	case "accommodation":
		pctv, perr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("extra_time_pct")))
		if perr != nil {
			err = certlab.Errorf(certlab.EINVALID, "extra time: %q is not a whole number of percent", r.PostFormValue("extra_time_pct"))
			break
		}
		if reason, err = account.Reason(reason, "the accommodation is granted"); err == nil {
			if h.cfg.Schedule == nil {
				err = certlab.Errorf(certlab.ENOTFOUND, "scheduling is not enabled on this server")
				break
			}
			_, err = h.cfg.Schedule.SetAccommodation(ctx, u, id, pctv, reason)
		}
		ok = "accommodate"
	default:
		err = unknownAction(action)
	}
	if err != nil {
		h.renderError(w, r, err, func(status int, msg string) { h.renderUser(w, r, u, status, msg) })
		return
	}
	done(w, r, fmt.Sprintf("/admin/users/%d", id), ok)
}

// --- External-credential review

type reviewsData struct {
	console
	Status string
	Items  []queueRow
}

type queueRow struct {
	E      *certlab.ExternalCredential
	Holder string
}

func (h *Handler) adminReviews(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	if err := h.requireCredentials(); err != nil {
		h.fail(w, r, err)
		return
	}
	status := r.URL.Query().Get("status")
	if status == "" {
		status = certlab.ExternalDeclared
	}
	if status == "all" {
		status = ""
	}
	switch status {
	case "", certlab.ExternalDeclared, certlab.ExternalVerified, certlab.ExternalRejected:
	default:
		h.fail(w, r, certlab.Errorf(certlab.EINVALID, "status %q: must be declared, verified, rejected or all", status))
		return
	}
	es, err := h.cfg.Credentials.ExternalCredentials(r.Context(), u, status, true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	who := audit.ActorNames(r.Context(), h.cfg.Store)
	d := reviewsData{console: console{Nav: "reviews", Notice: notice(r)}, Status: status}
	if status == "" {
		d.Status = "all"
	}
	for _, e := range es {
		d.Items = append(d.Items, queueRow{E: e, Holder: who(e.UserID)})
	}
	h.render(w, r, http.StatusOK, "admin_reviews", page{Title: "External credentials", Data: d})
}

type queueItemData struct {
	console
	Item   *credential.ReviewItem
	Report *verifyReport
	Held   []*certlab.Credential
}

// verifyReport is the part of a stored verification report the review page
// shows.
type verifyReport struct {
	Verified bool   `json:"verified"`
	Issuer   string `json:"issuer"`
	Trust    string `json:"issuerTrust"`
	Checks   []struct {
		Check  string `json:"check"`
		Passed bool   `json:"passed"`
		Detail string `json:"detail"`
	} `json:"checks"`
}

func (h *Handler) adminReview(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderReview(w, r, u, http.StatusOK, "")
}

func (h *Handler) renderReview(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, msg string) {
	if err := h.requireCredentials(); err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := pathInt64(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	it, err := h.cfg.Credentials.ReviewItem(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := queueItemData{console: console{Nav: "reviews", Notice: notice(r)}, Item: it}
	if len(it.Verification) > 0 {
		var rep verifyReport
		if json.Unmarshal(it.Verification, &rep) == nil {
			d.Report = &rep
		}
	}
	if d.Held, err = h.cfg.Store.Credentials(r.Context(), certlab.CredentialFilter{UserID: &it.Holder.ID}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, "admin_review", page{Title: "Review: " + it.External.Name, Error: msg, Data: d})
}

func (h *Handler) adminDecide(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	if err := h.requireCredentials(); err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := pathInt64(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var verified bool
	switch r.PostFormValue("decision") {
	case "approve":
		verified = true
	case "reject":
	default:
		err = certlab.Errorf(certlab.EINVALID, "decision: choose approve or reject")
	}
	if err == nil {
		_, _, err = h.cfg.Credentials.Review(r.Context(), u, id, verified, r.PostFormValue("note"))
	}
	if err != nil {
		h.renderError(w, r, err, func(status int, msg string) { h.renderReview(w, r, u, status, msg) })
		return
	}
	ok := "rejected"
	if verified {
		ok = "approved"
	}
	done(w, r, fmt.Sprintf("/admin/reviews/%d", id), ok)
}

// --- Credentials

type credentialsData struct {
	console
	Q        certlab.CredentialQuery
	Rows     []*certlab.CredentialRow
	Programs []*certlab.Program
	Pager    pager
}

func (h *Handler) adminCredentials(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	if err := h.requireCredentials(); err != nil {
		h.fail(w, r, err)
		return
	}
	d := credentialsData{console: console{Nav: "credentials", Notice: notice(r)}, Programs: h.cfg.Catalog.Programs}
	q, err := certlab.ParseCredentialQuery(r.URL.Query())
	status, msg := http.StatusOK, ""
	if err == nil {
		d.Q = q
		d.Rows, err = h.cfg.Credentials.AdminCredentials(r.Context(), u, q)
	}
	if err != nil {
		h.renderError(w, r, err, func(s int, m string) { status, msg = s, m })
		if msg == "" {
			return
		}
	}
	if len(d.Rows) > 0 {
		d.Pager = newPager(r, len(d.Rows) == q.Limit, "after", d.Rows[len(d.Rows)-1].Credential.ID)
	}
	h.render(w, r, status, "admin_credentials", page{Title: "Credentials", Error: msg, Data: d})
}

type credentialData struct {
	console
	C       *certlab.Credential
	Holder  *certlab.User
	URL     string
	Entries []auditRow
}

func (h *Handler) adminCredential(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderCredential(w, r, u, http.StatusOK, "")
}

func (h *Handler) renderCredential(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, msg string) {
	if err := h.requireCredentials(); err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := pathInt64(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c, err := h.cfg.Credentials.Credential(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	holder, err := h.cfg.Store.User(r.Context(), c.UserID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	es, err := h.cfg.Staff.Audit.Entries(r.Context(), u, certlab.AuditFilter{Target: audit.Target("credential", id), Limit: 20})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := credentialData{console: console{Nav: "credentials", Notice: notice(r)}, C: c, Holder: holder, Entries: h.auditRows(r.Context(), es)}
	if len(c.Document) > 0 {
		d.URL = h.cfg.Credentials.CredentialURL(c.PublicID)
	}
	h.render(w, r, status, "admin_credential", page{Title: "Credential " + c.ProgramID, Error: msg, Data: d})
}

func (h *Handler) adminCredentialAction(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	if err := h.requireCredentials(); err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := pathInt64(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var ok string
	switch action := r.PathValue("action"); action {
	case "revoke":
		_, err = h.cfg.Credentials.Revoke(r.Context(), u, id, r.PostFormValue("reason"))
		ok = "cred-revoke"
	case "reissue":
		_, err = h.cfg.Credentials.Reissue(r.Context(), u, id, r.PostFormValue("reason"))
		ok = "reissued"
	default:
		err = unknownAction(action)
	}
	if err != nil {
		h.renderError(w, r, err, func(status int, msg string) { h.renderCredential(w, r, u, status, msg) })
		return
	}
	done(w, r, fmt.Sprintf("/admin/credentials/%d", id), ok)
}

// --- Issuer keys

type keysData struct {
	console
	Keys       []credential.KeyInfo
	Rotation   string
	Withdrawal string
}

func (h *Handler) adminKeys(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderKeys(w, r, u, http.StatusOK, "")
}

func (h *Handler) renderKeys(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, msg string) {
	if err := h.requireCredentials(); err != nil {
		h.fail(w, r, err)
		return
	}
	ks, err := h.cfg.Credentials.Keys(r.Context(), u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, "admin_keys", page{Title: "Issuer keys", Error: msg, Data: keysData{console: console{Nav: "keys", Notice: notice(r)}, Keys: ks,
		Rotation: credential.RotationEffect, Withdrawal: credential.WithdrawalEffect}})
}

func (h *Handler) adminKeyAction(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	if err := h.requireCredentials(); err != nil {
		h.fail(w, r, err)
		return
	}
	var err error
	var ok string
	switch action := r.PathValue("action"); action {
	case "rotate":
		_, err = h.cfg.Credentials.RotateKey(r.Context(), u, r.PostFormValue("reason"))
		ok = "rotated"
	case "withdraw":
		err = h.cfg.Credentials.WithdrawKey(r.Context(), u, r.PostFormValue("key"), r.PostFormValue("reason"))
		ok = "withdrawn"
	default:
		err = unknownAction(action)
	}
	if err != nil {
		h.renderError(w, r, err, func(status int, msg string) { h.renderKeys(w, r, u, status, msg) })
		return
	}
	done(w, r, "/admin/keys", ok)
}

// --- Audit log

type auditData struct {
	console
	Entries []auditRow
	Actor   string
	Action  string
	Subject string
	From    string
	To      string
	CSV     string
	Pager   pager
}

func (h *Handler) auditFilter(r *http.Request) (certlab.AuditFilter, error) {
	return certlab.ParseAuditFilter(r.URL.Query(), func(email string) (int64, error) {
		a, err := h.cfg.Store.UserByEmail(r.Context(), email)
		if err != nil {
			return 0, err
		}
		return a.ID, nil
	})
}

func (h *Handler) adminAudit(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	q := r.URL.Query()
	d := auditData{console: console{Nav: "audit"}, Actor: q.Get("actor"), Action: q.Get("action"), Subject: q.Get("subject"), From: q.Get("from"), To: q.Get("to")}
	csvq := r.URL.Query()
	csvq.Del("before")
	csvq.Del("limit")
	d.CSV = "/admin/audit.csv?" + csvq.Encode()
	f, err := h.auditFilter(r)
	var es []*certlab.AuditEntry
	if err == nil {
		es, err = h.cfg.Staff.Audit.Entries(r.Context(), u, f)
	}
	if err != nil {
		h.renderError(w, r, err, func(status int, msg string) {
			h.render(w, r, status, "admin_audit", page{Title: "Audit log", Error: msg, Data: d})
		})
		return
	}
	d.Entries = h.auditRows(r.Context(), es)
	if len(es) > 0 {
		d.Pager = newPager(r, len(es) == f.Limit, "before", es[len(es)-1].ID)
	}
	h.render(w, r, http.StatusOK, "admin_audit", page{Title: "Audit log", Data: d})
}

func (h *Handler) adminAuditCSV(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	f, err := h.auditFilter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="certlab-audit.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := h.cfg.Staff.Audit.WriteCSV(r.Context(), u, f, w, audit.ActorNames(r.Context(), h.cfg.Store)); err != nil {
		h.cfg.Logger.Error("audit CSV export", "err", err)
	}
}
