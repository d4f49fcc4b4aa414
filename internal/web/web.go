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
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/httperror"
	"github.com/certlab/certlab/internal/item"
	"github.com/certlab/certlab/internal/session"
	"github.com/certlab/certlab/internal/study"
)

//go:embed templates/*.html templates/items/*.html
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
}

type asset struct {
	name string
	body []byte
	ct   string
}

// pageNames are the pages; each is templates/<name>.html rendered inside
// templates/layout.html.
var pageNames = []string{"signin", "register", "dashboard", "program", "module", "question", "review", "confirm", "report", "error"}

// New parses the templates and hashes the static assets; a missing or
// broken template is an error here, at start-up, not on first use.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil || cfg.Catalog == nil || cfg.Engine == nil || cfg.Accounts == nil || cfg.Sessions == nil {
		return nil, fmt.Errorf("web: Store, Catalog, Engine, Accounts and Sessions are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{cfg: cfg, pages: map[string]*template.Template{}, assets: map[string]asset{}, assetURL: map[string]string{}, markdown: newMarkdown()}
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
		"clock":    formatSeconds,
		"percent":  func(f float64) string { return fmt.Sprintf("%.0f %%", 100*f) },
		"inc":      func(i int) int { return i + 1 },
		"date":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") },
		"minutes":  func(d time.Duration) int64 { return int64(d / time.Minute) },
		"deref":    func(p *int64) int64 { return *p },
		"markdown": h.markdown.HTML,
		"inline":   h.markdown.Inline,
		"plain":    Plain,
	}
	if err := h.parseItemTemplates(funcs); err != nil {
		return nil, err
	}
	funcs["renderItem"] = h.renderItem
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/attemptbar.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse templates/layout.html: %w", err)
	}
	for _, name := range pageNames {
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse templates/%s.html: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("web: templates/%s.html defines no \"content\" block", name)
		}
		h.pages[name] = t
	}
	h.mux = http.NewServeMux()
	h.routes(h.mux)
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

// routes lists every page of the UI.
func (h *Handler) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /static/{hash}/{name}", h.static)
	mux.HandleFunc("GET /{$}", h.dashboard)
	mux.HandleFunc("GET /signin", h.signinPage)
	mux.HandleFunc("POST /signin", h.signin)
	mux.HandleFunc("GET /register", h.registerPage)
	mux.HandleFunc("POST /register", h.register)
	mux.HandleFunc("POST /signout", h.signout)

	mux.HandleFunc("GET /programs/{id}", h.signedIn(h.program))
	mux.HandleFunc("GET /programs/{id}/modules/{module}", h.signedIn(h.module))

	mux.HandleFunc("POST /attempts", h.signedIn(h.createAttempt))
	mux.HandleFunc("GET /attempts/{id}", h.signedIn(h.question))
	mux.HandleFunc("POST /attempts/{id}/answer", h.signedIn(h.answer))
	mux.HandleFunc("POST /attempts/{id}/autosave", h.signedIn(h.autosave))
	mux.HandleFunc("GET /attempts/{id}/review", h.signedIn(h.review))
	mux.HandleFunc("GET /attempts/{id}/sections/{n}/complete", h.signedIn(h.confirmComplete))
	mux.HandleFunc("POST /attempts/{id}/sections/{n}/complete", h.signedIn(h.complete))
	mux.HandleFunc("GET /attempts/{id}/submit", h.signedIn(h.confirmSubmit))
	mux.HandleFunc("POST /attempts/{id}/submit", h.signedIn(h.submit))
	mux.HandleFunc("GET /attempts/{id}/report", h.signedIn(h.report))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "no page at %s", r.URL.Path))
	})
}

// ServeHTTP serves a page with the security headers every page carries.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("X-Frame-Options", "DENY")
	h.mux.ServeHTTP(w, r)
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
	h.render(w, r, status, "error", page{Title: http.StatusText(status), Data: errorData{Status: status, Message: msg, Code: code}})
}

type errorData struct {
	Status  int
	Code    string
	Message string
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
