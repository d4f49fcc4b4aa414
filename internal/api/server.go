// Package api is certlab's JSON API under /api/v1 and the public
// credential documents (issuer profile, keys, achievements, status list,
// credentials, the /verify page). Handlers are methods on Server; every
// route is listed in routes.go. Authentication, sessions and the CSRF
// check happen in front of it (internal/session), in the middleware that
// internal/server puts around the API and the web UI.
package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/audit"
	"github.com/certlab/certlab/internal/authoring"
	"github.com/certlab/certlab/internal/cohort"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/httperror"
	"github.com/certlab/certlab/internal/labrun"
	"github.com/certlab/certlab/internal/proctor"
	"github.com/certlab/certlab/internal/schedule"
	"github.com/certlab/certlab/internal/session"
	"github.com/certlab/certlab/internal/strictjson"
	"github.com/certlab/certlab/internal/study"
)

// Server serves the JSON API.
type Server struct {
	Store    certlab.Store
	Catalog  *certlab.Catalog
	Engine   *exam.Engine
	Logger   *slog.Logger
	Accounts *account.Service
	// Admin is what admins do to accounts (the admin console's actions).
	Admin *account.Admin
	// PublicURL is the server's public URL for links in e-mails; "" uses
	// each request's own address.
	PublicURL string
	Sessions  *session.Manager
	Audit     *audit.Log
	// Credentials issues and verifies credentials (internal/credential);
	// nil leaves its endpoints out.
	Credentials *credential.Service
	// Schedule books sittings; nil leaves its endpoints out.
	Schedule *schedule.Service
	// Proctor pauses, resumes and ends attempts; nil leaves its endpoints out.
	Proctor *proctor.Service
	// Study serves readiness, review schedules and charts; nil disables them.
	Study *study.Service
	// Authoring and Cohorts serve the author and instructor consoles and
	// the candidates' cohorts; nil leaves their endpoints out.
	Authoring *authoring.Service
	Cohorts   *cohort.Service
	// Labs grades lab submissions (internal/labrun); nil leaves its
	// endpoints out.
	Labs *labrun.Service
	// VerifyLimit bounds the public verifications (/verify, POST
	// /api/v1/verify) per client address; zero means DefaultVerifyRateLimit.
	VerifyLimit VerifyRateLimit
	// RenderVerify renders the verification page (internal/web, wired by
	// internal/app); nil answers it as plain text.
	RenderVerify func(w http.ResponseWriter, r *http.Request, p VerifyPage)

	verifyLimiter *ipLimiter
}

func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	httperror.WriteJSON(w, r, s.Logger, err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// MaxBodyBytes bounds a JSON request body of the API.
const MaxBodyBytes = 1 << 20

// decode reads a JSON request body into v, strictly (internal/strictjson):
// exactly one value, no duplicate keys, no fields v does not have, at most
// MaxBodyBytes.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return certlab.Errorf(certlab.EINVALID, "request body must be application/json, not %s", ct)
	}
	if err := strictjson.Decode(r.Body, v, strictjson.Options{MaxBytes: MaxBodyBytes}); err != nil {
		return certlab.Errorf(certlab.EINVALID, "request body: %v", err)
	}
	return nil
}
