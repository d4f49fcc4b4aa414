// Package web is certlab's candidate web UI: server-rendered HTML pages for
// signing in, the dashboard, learning paths, taking exams and practice sets,
// and score reports. internal/server mounts it beside the JSON API, behind
// the shared sessions, CSRF check and cross-origin protection
// (internal/session); scripts only enhance pages that work without them.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/authoring"
	"github.com/certlab/certlab/internal/cohort"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/httperror"
	"github.com/certlab/certlab/internal/item"
	"github.com/certlab/certlab/internal/labrun"
	"github.com/certlab/certlab/internal/mail"
	"github.com/certlab/certlab/internal/sandbox"
	"github.com/certlab/certlab/internal/schedule"
	"github.com/certlab/certlab/internal/session"
	"github.com/certlab/certlab/internal/study"
)

//go:embed templates/*.html templates/items/*.html templates/parts/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config holds what the web UI needs; internal/app wires it.
type Config struct {
	Store   certlab.Store
	Catalog *certlab.Catalog
	Engine  *exam.Engine
	// Study gives readiness and due reviews on the dashboard; nil hides them.
	Study  *study.Service
	Logger *slog.Logger
	// Accounts creates accounts and checks passwords.
	Accounts *account.Service
	// Sessions starts and ends sign-in sessions.
	Sessions *session.Manager
	// Credentials gives eligibility and prerequisites on the start page;
	// nil leaves them out.
	Credentials *credential.Service
	// Schedule lists appointments on the start page; nil leaves them out.
	Schedule *schedule.Service
	// Authoring serves the author console and Cohorts the instructor
	// console and the cohort pages; nil leaves them answering 404.
	Authoring *authoring.Service
	Cohorts   *cohort.Service
	// Mailer sends password reset links; BaseURL is the server's public
	// URL those links start with. Without both, reset by e-mail is off.
	Mailer  mail.Mailer
	BaseURL string
	// Staff serves the admin and proctor consoles; nil leaves them out.
	Staff *Staff
	// Labs serves the lab pages (internal/labrun); nil leaves them out.
	Labs *labrun.Service
}

// Handler serves the web UI. Create it with New.
type Handler struct {
	cfg      Config
	mux      *http.ServeMux
	pages    map[string]*template.Template
	assets   map[string]asset // by hashed URL path
	assetURL map[string]string
	markdown *markdown
	items    *template.Template // the item kinds' partials, "item-<type>"
	// sandbox is the exam sandbox's demo (sandbox.go); nil, with the
	// reason in sandboxErr, when no exam's practice pool can fill it.
	sandbox    *sandbox.Demo
	sandboxErr error
	layout     *template.Template // the layout and the parts pages share
	// resetLimiter bounds password reset requests per client address.
	resetLimiter *addrLimiter
	// readTimes caches modules' reading times (by *certlab.Module).
	readTimes sync.Map
}

type asset struct {
	name string
	body []byte
	ct   string
}

// partialNames are the templates/*.html that are not pages: the layout.
// Every other templates/*.html is a page, rendered inside
// templates/layout.html under its base name ("dashboard"); the pieces
// pages share ({{template "attemptbar" .}}) are in templates/parts/.
var partialNames = map[string]bool{"layout": true}

// pageNames lists the pages: every templates/*.html but the layout.
func pageNames() ([]string, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if !partialNames[name] {
			names = append(names, name)
		}
	}
	return names, nil
}

// New parses the templates and hashes the static assets; a missing or
// broken template is an error here, at start-up, not on first use.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil || cfg.Catalog == nil || cfg.Engine == nil || cfg.Accounts == nil || cfg.Sessions == nil {
		return nil, fmt.Errorf("web: Store, Catalog, Engine, Accounts and Sessions are required")
	}
	h, err := parse(cfg)
	if err != nil {
		return nil, err
	}
	h.sandbox, h.sandboxErr = sandbox.New(cfg.Catalog)
	h.mux = http.NewServeMux()
	h.routes(h.mux)
	return h, nil
}

// parse builds a handler's templates and assets, without routes; the
// rendering tests use it alone.
func parse(cfg Config) (*Handler, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{cfg: cfg, pages: map[string]*template.Template{}, assets: map[string]asset{}, assetURL: map[string]string{}, markdown: newMarkdown(),
		resetLimiter: newAddrLimiter(5, 2*time.Minute)}
	if err := h.loadAssets(); err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			u, ok := h.assetURL[name]
			if !ok {
				return "", fmt.Errorf("no static asset %q", name)
			}
			return u, nil
		},
		"clock":     formatSeconds,
		"percent":   func(f float64) string { return fmt.Sprintf("%.0f %%", 100*f) },
		"inc":       func(i int) int { return i + 1 },
		"date":      func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") },
		"day":       day,
		"days":      func(d time.Duration) int64 { return int64(d / (24 * time.Hour)) },
		"minutes":   func(d time.Duration) int64 { return int64(d / time.Minute) },
		"deref":     func(p *int64) int64 { return *p },
		"derefTime": func(p *time.Time) time.Time { return *p },
		"markdown":  h.markdown.HTML,
		"inline":    h.markdown.Inline,
		"plain":     h.markdown.Plain,
		// stateClass makes a progress state a class name ("not-started").
		"stateClass": func(s string) string { return strings.ReplaceAll(s, " ", "-") },
		// Console helpers (staff.go).
		"datep": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.UTC().Format("2006-01-02 15:04")
		},
		"ago":   ago,
		"share": pct,
		"list":  func(s ...string) []string { return s },
	}
	if err := h.parseItemTemplates(funcs); err != nil {
		return nil, err
	}
	funcs["renderItem"] = h.renderItem
	maps.Copy(funcs, h.consoleFuncs())
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse templates/layout.html: %w", err)
	}
	h.layout = layout
	names, err := pageNames()
	if err != nil {
		return nil, fmt.Errorf("web: list templates: %w", err)
	}
	for _, name := range names {
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse templates/%s.html: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("web: templates/%s.html defines no \"content\" block", name)
		}
		h.pages[name] = t
	}
	return h, nil
}

// parseItemTemplates parses the item kinds' partials and checks that every
// registered kind has one.
func (h *Handler) parseItemTemplates(funcs template.FuncMap) error {
	items, err := template.New("items").Funcs(funcs).ParseFS(templateFS, "templates/items/*.html")
	if err != nil {
		return fmt.Errorf("web: parse templates/items: %w", err)
	}
	for _, k := range item.Kinds() {
		if items.Lookup("item-"+k.Name()) == nil {
			return fmt.Errorf("web: item kind %q has no template partial (templates/items/%s.html defining \"item-%s\")", k.Name(), k.Name(), k.Name())
		}
	}
	h.items = items
	return nil
}

// notDuringExam answers 409 with the reason, and a link back to the exam,
// when a candidate who is taking an exam asks for a study page or another
// attempt: one exam at a time, nothing else until it is submitted. The
// open exam's own pages ({id} of the path) stay reachable.
func (h *Handler) notDuringExam(next func(http.ResponseWriter, *http.Request, *certlab.User)) func(http.ResponseWriter, *http.Request, *certlab.User) {
	return func(w http.ResponseWriter, r *http.Request, u *certlab.User) {
		allow, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if !strings.HasPrefix(r.URL.Path, "/attempts/") {
			allow = 0
		}
		if err := h.cfg.Engine.GuardOpenExam(r.Context(), u, allow); err != nil {
			h.fail(w, r, err)
			return
		}
		next(w, r, u)
	}
}

// router is where routes are registered: the handler's *http.ServeMux, or
// a recorder (Patterns).
type router interface {
	Handle(pattern string, handler http.Handler)
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}

type patternList []string

func (l *patternList) Handle(p string, _ http.Handler) { *l = append(*l, p) }
func (l *patternList) HandleFunc(p string, _ func(http.ResponseWriter, *http.Request)) {
	*l = append(*l, p)
}

// Patterns lists the route patterns of the web UI.
func (h *Handler) Patterns() []string {
	var l patternList
	h.routes(&l)
	return l
}

// routes lists every page of the UI.
func (h *Handler) routes(mux router) {
	mux.HandleFunc("GET /static/{hash}/{name}", h.static)
	mux.HandleFunc("GET /{$}", h.dashboard)
	mux.HandleFunc("GET /signin", h.signinPage)
	mux.HandleFunc("POST /signin", h.signin)
	mux.HandleFunc("GET /register", h.registerPage)
	mux.HandleFunc("POST /register", h.register)
	mux.HandleFunc("POST /signout", h.signout)
	mux.HandleFunc("GET /password-reset", h.resetRequestPage)
	mux.HandleFunc("POST /password-reset", h.resetRequest)
	mux.HandleFunc("GET /password-reset/new", h.resetPage)
	mux.HandleFunc("POST /password-reset/new", h.reset)
	mux.HandleFunc("GET /account", h.withSession(h.accountPage))
	mux.HandleFunc("POST /account/password", h.withSession(h.changePassword))
	mux.HandleFunc("POST /account/tokens", h.withSession(h.createToken))
	mux.HandleFunc("POST /account/tokens/{id}/revoke", h.withSession(h.revokeToken))

	// Study pages wait while the candidate takes an exam (notDuringExam).
	mux.HandleFunc("GET /programs/{id}", h.signedIn(h.notDuringExam(h.program)))
	mux.HandleFunc("GET /programs/{id}/modules/{module}", h.signedIn(h.notDuringExam(h.module)))
	mux.HandleFunc("POST /programs/{id}/modules/{module}/read", h.signedIn(h.notDuringExam(h.markRead)))

	mux.HandleFunc("POST /attempts", h.signedIn(h.createAttempt))
	mux.HandleFunc("GET /exams/{id}/start", h.signedIn(h.examStartPage))
	mux.HandleFunc("POST /exams/{id}/start", h.signedIn(h.examStart))
	mux.HandleFunc("GET /attempts/{id}/start", h.signedIn(h.notDuringExam(h.attemptStartPage)))
	mux.HandleFunc("POST /attempts/{id}/start", h.signedIn(h.notDuringExam(h.attemptStart)))
	mux.HandleFunc("GET /attempts/{id}", h.signedIn(h.notDuringExam(h.question)))
	mux.HandleFunc("POST /attempts/{id}/answer", h.signedIn(h.notDuringExam(h.answer)))
	mux.HandleFunc("POST /attempts/{id}/autosave", h.signedIn(h.notDuringExam(h.autosave)))
	mux.HandleFunc("GET /attempts/{id}/review", h.signedIn(h.notDuringExam(h.review)))
	mux.HandleFunc("GET /attempts/{id}/sections/{n}/complete", h.signedIn(h.notDuringExam(h.confirmComplete)))
	mux.HandleFunc("POST /attempts/{id}/sections/{n}/complete", h.signedIn(h.notDuringExam(h.complete)))
	mux.HandleFunc("GET /attempts/{id}/submit", h.signedIn(h.notDuringExam(h.confirmSubmit)))
	mux.HandleFunc("POST /attempts/{id}/submit", h.signedIn(h.notDuringExam(h.submit)))
	mux.HandleFunc("GET /attempts/{id}/report", h.signedIn(h.notDuringExam(h.report)))
	h.portalRoutes(mux) // appointments, accommodations, the exam sandbox (portal.go)
	h.consoleRoutes(mux)
	mux.HandleFunc("GET /attempts/{id}/questions", h.signedIn(h.notDuringExam(h.practiceReviewList)))
	mux.HandleFunc("GET /attempts/{id}/questions/{n}", h.signedIn(h.notDuringExam(h.practiceReviewQuestion)))
	h.walletRoutes(mux)
	h.staffRoutes(mux) // the admin and proctor consoles: staff.go
	if h.cfg.Labs != nil {
		h.labRoutes(mux)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "no page at %s", r.URL.Path))
	})
}

// ServeHTTP serves a page with the security headers every page carries.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	h.mux.ServeHTTP(w, r)
}

// securityHeaders sets the headers every page carries.
func securityHeaders(hd http.Header) {
	hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("X-Frame-Options", "DENY")
}

func (h *Handler) loadAssets() error {
	return fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return fmt.Errorf("web: read %s: %w", p, err)
		}
		sum := sha256.Sum256(body)
		name := path.Base(p)
		url := "/static/" + hex.EncodeToString(sum[:6]) + "/" + name
		ct := "application/octet-stream"
		switch path.Ext(name) {
		case ".css":
			ct = "text/css; charset=utf-8"
		case ".js":
			ct = "text/javascript; charset=utf-8"
		case ".svg":
			ct = "image/svg+xml"
		}
		h.assets[url] = asset{name: name, body: body, ct: ct}
		h.assetURL[name] = url
		return nil
	})
}

// static serves an asset under its content-hashed URL, cacheable for ever.
func (h *Handler) static(w http.ResponseWriter, r *http.Request) {
	a, ok := h.assets[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(a.body)
}

// page is what every template gets.
type page struct {
	Title string
	User  *certlab.User
	CSRF  string
	Error string
	Data  any
	// Refresh reloads the page after this many seconds (a paused exam
	// resumes by itself without JavaScript).
	Refresh int
	// LiveRefresh reloads the page after this many seconds when scripts
	// do not run; live.js refreshes its [data-live] parts in place instead.
	LiveRefresh int
}

// render writes a page with the given status; templates are executed into
// a buffer first so a template error becomes a clean internal error.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	if p.User == nil {
		p.User = session.UserFrom(r.Context())
	}
	if se := session.SessionFrom(r.Context()); se != nil && p.CSRF == "" {
		p.CSRF = se.CSRF
	}
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout.html", p); err != nil {
		h.cfg.Logger.Error("render page", "page", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail renders the error page: the error's message for coded errors,
// "internal error" (and a log line with the detail) for the rest.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	httperror.Log(h.cfg.Logger, r, err)
	httperror.SetRetryAfter(w, err) // throttled sign-ins, busy hashing
	code, msg := certlab.ErrorCode(err), certlab.ErrorMessage(err)
	status := httperror.Status(code)
	d := errorData{Status: status, Message: msg, Code: code}
	if u := session.UserFrom(r.Context()); code == certlab.EEXAMOPEN && u != nil {
		if a, err := h.cfg.Engine.OpenExamAttempt(r.Context(), u.ID); err == nil && a != nil {
			d.Continue = fmt.Sprintf("/attempts/%d", a.ID)
		}
	}
	h.render(w, r, status, "error", page{Title: http.StatusText(status), Data: d})
}

type errorData struct {
	Status   int
	Code     string
	Message  string
	Continue string // the open exam, when the error is that one is open
}

// signedIn sends visitors without a session to the sign-in page.
func (h *Handler) signedIn(next func(http.ResponseWriter, *http.Request, *certlab.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := session.UserFrom(r.Context())
		if u == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			h.fail(w, r, certlab.Errorf(certlab.EUNAUTHORIZED, "sign in first"))
			return
		}
		next(w, r, u)
	}
}

// formatSeconds shows a duration in seconds as h:mm:ss or m:ss.
func formatSeconds(s int64) string {
	if s < 0 {
		s = 0
	}
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
