// Package api is certlab's JSON API under /api/v1, with health endpoints.
// Handlers are methods on Server; every route is listed in routes.
package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/auth"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/study"
)

// Server serves the JSON API.
type Server struct {
	Store   certlab.Store
	Catalog *certlab.Catalog
	Engine  *exam.Engine
	Logger  *slog.Logger
	Now     func() time.Time
	// SecureCookies marks the session cookie Secure (set behind HTTPS).
	SecureCookies bool
	// PasswordParams are the argon2id costs for new password hashes.
	PasswordParams auth.Params
	// Ready reports whether the server can take traffic (schema current, content loaded).
	Ready func(ctx context.Context) error
	// Credentials issues, verifies and schedules (internal/credential);
	// nil leaves its endpoints out.
	Credentials *credential.Service
	// Study serves readiness, review schedules and charts; nil disables them.
	Study *study.Service
	// Fallback serves every request no API route matches (the web UI),
	// behind the same authentication, CSRF and cross-origin checks.
	Fallback http.Handler
	// VerifyLimit bounds the public verifications (/verify, POST
	// /api/v1/verify) per client address; zero means DefaultVerifyRateLimit.
	VerifyLimit VerifyRateLimit

	verifyLimiter *ipLimiter

	dummyOnce sync.Once
	dummy     string
}

// SessionCookie is the name of the session cookie.
const SessionCookie = "certlab_session"

// SessionLifetime is how long a sign-in lasts.
const SessionLifetime = 12 * time.Hour

// Handler returns the API's handler with its middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	cop := http.NewCrossOriginProtection()
	return s.recoverPanics(s.logRequests(cop.Handler(s.authenticate(mux))))
}

func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)

	mux.HandleFunc("POST /api/v1/auth/register", s.register)
	mux.HandleFunc("POST /api/v1/auth/login", s.login)
	mux.HandleFunc("POST /api/v1/auth/logout", s.logout)
	mux.HandleFunc("GET /api/v1/me", s.requireUser(s.me))
	mux.HandleFunc("POST /api/v1/tokens", s.requireUser(s.createToken))

	mux.HandleFunc("GET /api/v1/programs", s.listPrograms)
	mux.HandleFunc("GET /api/v1/programs/{id}", s.getProgram)
	mux.HandleFunc("GET /api/v1/exams/{id}", s.getExam)

	mux.HandleFunc("GET /api/v1/attempts", s.requireUser(s.listAttempts))
	mux.HandleFunc("POST /api/v1/attempts", s.requireUser(s.createAttempt))
	mux.HandleFunc("GET /api/v1/attempts/{id}", s.requireUser(s.attemptAction(nil)))
	mux.HandleFunc("POST /api/v1/attempts/{id}/start", s.requireUser(s.attemptAction(s.startAttempt)))
	mux.HandleFunc("PUT /api/v1/attempts/{id}/responses/{key}", s.requireUser(s.saveResponse))
	mux.HandleFunc("POST /api/v1/attempts/{id}/sections/{n}/next", s.requireUser(s.attemptAction(s.nextStatement)))
	mux.HandleFunc("POST /api/v1/attempts/{id}/sections/{n}/complete", s.requireUser(s.attemptAction(s.completeSection)))
	mux.HandleFunc("POST /api/v1/attempts/{id}/submit", s.requireUser(s.attemptAction(s.submitAttempt)))
	mux.HandleFunc("GET /api/v1/attempts/{id}/report", s.requireUser(s.getReport))
	s.studyRoutes(mux)

	mux.HandleFunc("GET /api/v1/users", s.requireRole(certlab.RoleAdmin, s.listUsers))
	mux.HandleFunc("POST /api/v1/users", s.requireRole(certlab.RoleAdmin, s.createUser))
	mux.HandleFunc("PATCH /api/v1/users/{id}", s.requireRole(certlab.RoleAdmin, s.updateUser))

	if s.Fallback != nil {
		mux.Handle("/", s.Fallback)
	}
	s.credentialRoutes(mux)

	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.error(w, r, certlab.Errorf(certlab.ENOTFOUND, "no such endpoint: %s %s", r.Method, r.URL.Path))
	})
}

// StatusOf maps an error code to an HTTP status, for the API and the web UI.
func StatusOf(code string) int {
	switch code {
	case certlab.EINVALID:
		return http.StatusBadRequest
	case certlab.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case certlab.EFORBIDDEN:
		return http.StatusForbidden
	case certlab.ENOTFOUND:
		return http.StatusNotFound
	case certlab.ECONFLICT, certlab.ESECTIONCLOSED, certlab.ENOTREVISITABLE, certlab.EDEADLINE, certlab.ESITTING:
		return http.StatusConflict
	case certlab.ESCHEMA:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// ErrorBody is the JSON of every error response.
type ErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	code := certlab.ErrorCode(err)
	if code == certlab.EINTERNAL {
		s.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var body ErrorBody
	body.Error.Code, body.Error.Message = code, certlab.ErrorMessage(err)
	writeJSON(w, StatusOf(code), body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// decode reads a JSON request body into v, strictly.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return certlab.Errorf(certlab.EINVALID, "request body must be application/json, not %s", ct)
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return certlab.Errorf(certlab.EINVALID, "request body: %v", err)
	}
	return nil
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.Logger.Debug("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "duration", time.Since(start))
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.error(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	err := s.Store.Ping(ctx)
	if err == nil && s.Ready != nil {
		err = s.Ready(ctx)
	}
	if err != nil {
		s.Logger.Warn("not ready", "err", err)
		msg := certlab.ErrorMessage(err)
		if certlab.ErrorCode(err) == certlab.EINTERNAL {
			msg = "database unavailable"
		}
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": msg})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
