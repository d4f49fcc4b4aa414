// Package server composes certlab's HTTP handler: the JSON API
// (internal/api) and the web UI (internal/web) side by side, neither
// importing the other, behind one chain of shared middleware.
package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/api"
	"github.com/certlab/certlab/internal/httperror"
	"github.com/certlab/certlab/internal/obapi"
	"github.com/certlab/certlab/internal/session"
)

// Server is the composed HTTP server.
type Server struct {
	// API serves /api/v1 and the public credential documents.
	API *api.Server
	// Web serves every other path; nil answers them with not-found.
	Web http.Handler
	// OB serves the Open Badges 3.0 API and its OAuth 2.0 endpoints; nil
	// leaves them out.
	OB       *obapi.Server
	Sessions *session.Manager
	Logger   *slog.Logger
	// Ready reports whether the server can take traffic (database up,
	// schema current). It runs on every readiness probe: it must be cheap
	// and change nothing.
	Ready func(ctx context.Context) error
}

// patternList records route patterns.
type patternList []string

func (l *patternList) Handle(p string, _ http.Handler) { *l = append(*l, p) }
func (l *patternList) HandleFunc(p string, _ func(http.ResponseWriter, *http.Request)) {
	*l = append(*l, p)
}

// Patterns lists every route pattern the server answers, the web UI's
// included: tests walk them to build the route matrices (which role may
// reach what, what a candidate may see during an exam), so a new route
// without an entry fails them.
func (s *Server) Patterns() []string {
	l := patternList{"GET /healthz", "GET /readyz"}
	s.API.Routes(&l)
	s.API.PublicRoutes(&l)
	if s.OB != nil {
		s.OB.Routes(&l)
		s.OB.SessionRoutes(&l)
	}
	if w, ok := s.Web.(interface{ Patterns() []string }); ok {
		l = append(l, w.Patterns()...)
	}
	return l
}

// Handler returns the routes with the shared middleware, outermost first:
// panic recovery, request logging, cross-origin protection, and
// authentication (sessions, API tokens, CSRF).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	s.API.Routes(mux) // the JSON API, /api/v1/…
	// /issuer, /achievements, /status/1, /credentials/{id}, /verify,
	// /transcripts/{token}; a browser gets the web UI's page of the
	// documents it has one for (negotiate.go).
	s.API.PublicRoutes(negotiatingRouter{mux: mux, pages: s.publicPages()})
	if s.OB != nil {
		s.OB.SessionRoutes(mux) // /oauth/authorize (the consent page), needs the signed-in user
	}
	if s.Web != nil {
		mux.Handle("/", s.Web) // the web UI: every other path
	}
	cop := http.NewCrossOriginProtection()
	chain := cop.Handler(s.Sessions.Authenticate(mux))
	if s.OB != nil {
		// The Open Badges API and the OAuth token, registration and
		// revocation endpoints authenticate with access tokens and client
		// secrets of their own, never the session cookie: they sit in front
		// of the session middleware.
		outer := http.NewServeMux()
		s.OB.Routes(outer)
		outer.Handle("/", chain)
		return s.recoverPanics(s.logRequests(outer))
	}
	return s.recoverPanics(s.logRequests(chain))
}

// publicPages are the web UI's pages of public documents, by the API's
// route pattern.
func (s *Server) publicPages() map[string]http.Handler {
	if p, ok := s.Web.(interface {
		PublicPages() map[string]http.Handler
	}); ok {
		return p.PublicPages()
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
				httperror.WriteJSON(w, r, s.Logger, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func writeStatus(w http.ResponseWriter, status int, body map[string]string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(body)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeStatus(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var err error
	if s.Ready != nil {
		err = s.Ready(ctx)
	}
	if err != nil {
		s.Logger.Warn("not ready", "err", err)
		msg := certlab.ErrorMessage(err)
		if certlab.ErrorCode(err) == certlab.EINTERNAL {
			msg = "database unavailable"
		}
		writeStatus(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": msg})
		return
	}
	writeStatus(w, http.StatusOK, map[string]string{"status": "ready"})
}
