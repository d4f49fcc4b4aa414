package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/audit"
	"github.com/certlab/certlab/internal/proctor"
)

// The staff consoles' plumbing: their configuration, the role guard every
// console route goes through, and the notices shown after an action.

// Staff is what the admin and proctor consoles need; internal/app wires
// it. Without it the console routes answer not-found.
type Staff struct {
	Admin   *account.Admin
	Audit   *audit.Log
	Proctor *proctor.Service
	// PublicURL is the server's public URL for links in e-mails; "" uses
	// each request's own address.
	PublicURL string
}

// Roles each console is for; admins may use the proctor console too.
var (
	adminRoles   = []string{certlab.RoleAdmin}
	proctorRoles = []string{certlab.RoleProctor, certlab.RoleAdmin}
)

// staffOnly lets signed-in users with one of the roles through; others get
// the forbidden page, visitors the sign-in page. The role is checked here,
// on the server, before anything is read; the services check it again.
func (h *Handler) staffOnly(roles []string, next func(http.ResponseWriter, *http.Request, *certlab.User)) http.HandlerFunc {
	return h.signedIn(func(w http.ResponseWriter, r *http.Request, u *certlab.User) {
		if h.cfg.Staff == nil {
			h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "no page at %s", r.URL.Path))
			return
		}
		if err := certlab.RequireRole(u, roles...); err != nil {
			h.fail(w, r, err)
			return
		}
		next(w, r, u)
	})
}

// console is what every console page carries: the section its menu marks
// and the notice of the action just done.
type console struct {
	Nav    string
	Notice string
}

// staffNotices are the messages ?ok= names after an action (Post/Redirect/Get):
// only these texts are ever shown, never text from the address.
var staffNotices = map[string]string{
	"created":     "The account was created.",
	"invited":     "The account was created and a link to set a password was e-mailed.",
	"role":        "The role was changed.",
	"disabled":    "The account was disabled: it was signed out and its API tokens revoked.",
	"enabled":     "The account was enabled.",
	"reset":       "A password reset link was e-mailed; it works once, for 24 hours.",
	"revoked":     "The account was signed out everywhere and its API tokens revoked.",
	"accommodate": "The accommodation was saved; it applies to exams started from now on.",
	"approved":    "The credential was approved.",
	"rejected":    "The credential was rejected.",
	"cred-revoke": "The credential was revoked: verifiers see it as revoked from now on.",
	"reissued":    "The credential was reissued, signed with the active key.",
	"rotated":     "The issuer key was rotated.",
	"withdrawn":   "The key was withdrawn.",
	"checked-in":  "The candidate was checked in.",
	"admitted":    "The candidate was admitted: they can start the exam now.",
	"paused":      "The sitting was paused: its clock is stopped.",
	"resumed":     "The sitting resumed; its deadline moved by the pause.",
	"incident":    "The incident was recorded.",
	"ended":       "The sitting was ended for misconduct and voided: it is not scored.",
}

func notice(r *http.Request) string { return staffNotices[r.URL.Query().Get("ok")] }

// done sends the browser to path with a notice (Post/Redirect/Get).
func done(w http.ResponseWriter, r *http.Request, path, ok string) {
	http.Redirect(w, r, path+"?ok="+url.QueryEscape(ok), http.StatusSeeOther)
}

// pathInt64 reads a numeric path value.
func pathInt64(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, certlab.Errorf(certlab.ENOTFOUND, "no %s %q", name, r.PathValue(name))
	}
	return id, nil
}

// publicURL is the base of links in e-mails.
func (h *Handler) publicURL(r *http.Request) string {
	if h.cfg.Staff.PublicURL != "" {
		return h.cfg.Staff.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// pager is the keyset pager of a list page: the link to the next page
// when this one is full.
type pager struct {
	Next  string
	First string
}

func newPager(r *http.Request, full bool, param string, cursor int64) pager {
	q := r.URL.Query()
	q.Del("ok")
	var p pager
	if q.Get(param) != "" {
		q.Del(param)
		p.First = r.URL.Path + "?" + q.Encode()
	}
	if full {
		q.Set(param, strconv.FormatInt(cursor, 10))
		p.Next = r.URL.Path + "?" + q.Encode()
	}
	return p
}

// staffRoutes lists the console routes.
func (h *Handler) staffRoutes(mux router) {
	admin := func(fn func(http.ResponseWriter, *http.Request, *certlab.User)) http.HandlerFunc {
		return h.staffOnly(adminRoles, fn)
	}
	proc := func(fn func(http.ResponseWriter, *http.Request, *certlab.User)) http.HandlerFunc {
		return h.staffOnly(proctorRoles, fn)
	}
	mux.HandleFunc("GET /admin", admin(h.adminOverview))
	mux.HandleFunc("GET /admin/users", admin(h.adminUsers))
	mux.HandleFunc("GET /admin/users/new", admin(h.adminNewUser))
	mux.HandleFunc("POST /admin/users", admin(h.adminCreateUser))
	mux.HandleFunc("GET /admin/users/{id}", admin(h.adminUser))
	mux.HandleFunc("POST /admin/users/{id}/{action}", admin(h.adminUserAction))
	mux.HandleFunc("GET /admin/reviews", admin(h.adminReviews))
	mux.HandleFunc("GET /admin/reviews/{id}", admin(h.adminReview))
	mux.HandleFunc("POST /admin/reviews/{id}", admin(h.adminDecide))
	mux.HandleFunc("GET /admin/credentials", admin(h.adminCredentials))
	mux.HandleFunc("GET /admin/credentials/{id}", admin(h.adminCredential))
	mux.HandleFunc("POST /admin/credentials/{id}/{action}", admin(h.adminCredentialAction))
	mux.HandleFunc("GET /admin/keys", admin(h.adminKeys))
	mux.HandleFunc("POST /admin/keys/{action}", admin(h.adminKeyAction))
	mux.HandleFunc("GET /admin/audit", admin(h.adminAudit))
	mux.HandleFunc("GET /admin/audit.csv", admin(h.adminAuditCSV))

	mux.HandleFunc("GET /proctor", proc(h.proctorDay))
	mux.HandleFunc("GET /proctor/appointments/{id}", proc(h.proctorAppointment))
	mux.HandleFunc("POST /proctor/appointments/{id}/{action}", proc(h.proctorAppointmentAction))
	mux.HandleFunc("GET /proctor/live", proc(h.proctorLive))
	mux.HandleFunc("GET /proctor/attempts/{id}", proc(h.proctorSitting))
	mux.HandleFunc("POST /proctor/attempts/{id}/{action}", proc(h.proctorSittingAction))
}

// unknownAction is the error of a posted action a console does not have.
func unknownAction(action string) error {
	return certlab.Errorf(certlab.ENOTFOUND, "no action %q here", action)
}

// pct formats a share as a whole percentage.
func pct(f float64) string { return fmt.Sprintf("%.0f %%", 100*f) }

// ago says how long before now t was, in words ("never" for nil).
func ago(t *time.Time, now time.Time) string {
	if t == nil {
		return "never"
	}
	d := now.Sub(*t)
	switch {
	case d < 0:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%d s ago", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	}
	return fmt.Sprintf("%.1f h ago", d.Hours())
}
