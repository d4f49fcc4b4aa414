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
	"strings"
	"sync/atomic"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/api"
	"github.com/certlab/certlab/internal/clientip"
	"github.com/certlab/certlab/internal/httperror"
	"github.com/certlab/certlab/internal/metrics"
	"github.com/certlab/certlab/internal/obapi"
	"github.com/certlab/certlab/internal/session"
	"github.com/certlab/certlab/internal/tracing"
	"go.opentelemetry.io/otel/trace"
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
	// Metrics, when set, times every request and serves /metrics to
	// admins (a session, or an API token with the admin scope).
	Metrics *metrics.Metrics
	// ClientIP finds the client address behind a request (trusted
	// proxies); the zero value uses the peer address.
	ClientIP clientip.Resolver
	// InFlight bounds the requests handled at once; zero values mean
	// defaults.
	InFlight InFlightLimit
	// Tracer, when set, gives every request an OpenTelemetry server span
	// named by its route (internal/tracing).
	Tracer trace.TracerProvider

	limiter *inFlight

	draining int32 // set by Drain; read atomically
}

// InFlightStats reports the requests being handled and waiting for a
// slot now (after Handler was built).
func (s *Server) InFlightStats() (running, waiting int) {
	if s.limiter == nil {
		return 0, 0
	}
	return s.limiter.stats()
}

// Drain makes the readiness probe answer 503 from now on, so that a load
// balancer stops sending new requests while the server shuts down.
func (s *Server) Drain() { atomic.StoreInt32(&s.draining, 1) }

// HTTP server limits: every phase of a request has a deadline, so a slow
// or idle client cannot hold a connection (and its goroutine) for long.
const (
	// ReadHeaderTimeout bounds reading the request line and headers.
	ReadHeaderTimeout = 5 * time.Second
	// ReadTimeout bounds reading the whole request, body included: a body
	// trickled byte by byte is cut off.
	ReadTimeout = 15 * time.Second
	// WriteTimeout bounds a handler and writing its answer.
	WriteTimeout = 30 * time.Second
	// IdleTimeout bounds how long a kept-alive connection waits for the
	// next request.
	IdleTimeout = 60 * time.Second
	// MaxHeaderBytes bounds the request headers.
	MaxHeaderBytes = 64 << 10
	// MaxBodyBytes bounds every request body (the API's JSON bodies have
	// a smaller limit of their own).
	MaxBodyBytes = 2 << 20
	// MaxUploadBytes bounds the bodies of the upload routes (a lab
	// workspace as a form or a raw archive): the session's form limit.
	MaxUploadBytes = session.MaxFormBytes
)

// HTTPServer returns an http.Server for h with certlab's timeouts and
// limits.
func HTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: ReadHeaderTimeout, ReadTimeout: ReadTimeout,
		WriteTimeout: WriteTimeout, IdleTimeout: IdleTimeout, MaxHeaderBytes: MaxHeaderBytes}
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
	if s.Metrics != nil {
		l = append(l, "GET /metrics")
	}
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
// panic recovery, request logging, metrics, the bound on requests in
// flight, the client address, the body size limit, cross-origin
// protection, and authentication (sessions, API tokens, CSRF).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	if s.Metrics != nil {
		mux.Handle("GET /metrics", session.RequireRole(certlab.RoleAdmin, func(w http.ResponseWriter, r *http.Request, _ *certlab.User) {
			s.Metrics.Handler().ServeHTTP(w, r)
		}))
	}
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
	var h http.Handler = cop.Handler(s.Sessions.Authenticate(mux))
	if s.OB != nil {
		// The Open Badges API and the OAuth token, registration and
		// revocation endpoints authenticate with access tokens and client
		// secrets of their own, never the session cookie: they sit in front
		// of the session middleware.
		outer := http.NewServeMux()
		s.OB.Routes(outer)
		outer.Handle("/", h)
		h = outer
	}
	s.limiter = newInFlight(s.InFlight)
	h = s.limiter.middleware(s.ClientIP.Middleware(limitBody(mux, h)))
	if s.Metrics != nil {
		h = s.Metrics.Middleware(func(r *http.Request) string {
			_, pattern := mux.Handler(r)
			return pattern
		}, h)
	}
	h = s.logRequests(h)
	if s.Tracer != nil {
		h = tracing.Middleware(s.Tracer, func(r *http.Request) string {
			_, pattern := mux.Handler(r)
			return pattern
		}, h)
	}
	return s.recoverPanics(h)
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

// uploadRoute says whether a route takes workspace uploads (lab submissions, as a form or a
// raw archive): their bodies may reach MaxUploadBytes.
func uploadRoute(pattern string) bool {
	return strings.HasPrefix(pattern, "POST ") && strings.HasSuffix(pattern, "/submissions")
}

// limitBody bounds every request body to MaxBodyBytes, or MaxUploadBytes
// on the upload routes.
func limitBody(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(MaxBodyBytes)
		if r.Method == http.MethodPost {
			if _, pattern := mux.Handler(r); uploadRoute(pattern) {
				limit = MaxUploadBytes
			}
		}
		if r.ContentLength > limit {
			httperror.WriteJSON(w, r, nil, certlab.Errorf(certlab.EINVALID, "request body is larger than %d bytes", limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
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
		attrs := []any{"method", r.Method, "path", r.URL.Path, "status", rec.status, "duration", time.Since(start)}
		if id := tracing.TraceID(r.Context()); id != "" {
			attrs = append(attrs, "trace_id", id)
		}
		s.Logger.Debug("request", attrs...)
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
	if atomic.LoadInt32(&s.draining) == 1 {
		writeStatus(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "shutting down"})
		return
	}
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
