// Package apptest builds the real application for tests with app.New: a
// fresh SQLite database in the test's temporary folder, the built-in
// catalog, cheap password hashing and key sealing, and a fake clock tests
// move by hand. Start serves it on 127.0.0.1. It is for tests only.
package apptest

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/content"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/auth"
	"github.com/certlab/certlab/internal/badge"
	"github.com/certlab/certlab/internal/lab"
	"github.com/certlab/certlab/internal/pack"
)

// Clock is a fake clock. It is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock that reads t until moved.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// FastPasswords are argon2id costs cheap enough for tests.
var FastPasswords = auth.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32}

// FastKDF keeps sealing issuer keys cheap in tests.
var FastKDF = badge.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

var builtin = sync.OnceValues(func() (*certlab.Catalog, pack.Diagnostics) { return pack.Load(content.FS, "content") })

// builtinLabs are the built-in packs' labs, loaded once per test binary:
// a lab remembers its scripted history once built, so tests share it.
var builtinLabs = sync.OnceValues(func() (*lab.Catalog, []lab.Diagnostic) { return lab.LoadPacks(content.FS, "content") })

// Labs returns the built-in labs; lab errors fail the test.
func Labs(tb testing.TB) *lab.Catalog {
	tb.Helper()
	labs, diags := builtinLabs()
	if len(diags) > 0 {
		tb.Fatalf("built-in labs have errors: %v", diags)
	}
	return labs
}

// Catalog returns the built-in catalog, loaded once per test binary (it is
// read-only after loading). Content errors fail the test.
func Catalog(tb testing.TB) *certlab.Catalog {
	tb.Helper()
	cat, diags := builtin()
	if diags.Errors() > 0 {
		tb.Fatalf("built-in content has errors: %v", diags)
	}
	return cat
}

// New builds the application from cfg with app.New, filling in what a
// test rarely chooses: a fresh, migrated SQLite database, the built-in
// catalog (unless cfg.Catalog or cfg.ContentDir is set), FastPasswords and
// FastKDF. The application is closed when the test ends.
func New(tb testing.TB, cfg app.Config) *app.App {
	tb.Helper()
	if cfg.DB == "" {
		cfg.DB = filepath.Join(tb.TempDir(), "certlab.db")
		cfg.Migrate = true
	}
	if cfg.Catalog == nil && cfg.ContentDir == "" {
		cfg.Catalog = Catalog(tb)
	}
	if cfg.Labs == nil && cfg.ContentDir == "" {
		cfg.Labs = Labs(tb)
	}
	if cfg.PasswordParams == (auth.Params{}) {
		cfg.PasswordParams = FastPasswords
	}
	if cfg.Credentials != nil && cfg.Credentials.KDF == (badge.KDFParams{}) {
		c := *cfg.Credentials
		c.KDF = FastKDF
		cfg.Credentials = &c
	}
	a, err := app.New(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("build the application: %v", err)
	}
	tb.Cleanup(func() { a.Close() })
	return a
}

// Server is an application served over HTTP on 127.0.0.1.
type Server struct {
	*app.App
	URL string // http://127.0.0.1:PORT
}

// Start builds the application like New and serves it on 127.0.0.1 until
// the test ends. It listens first, so a credential configuration without a
// BaseURL gets the server's own address as its issuer URL.
func Start(tb testing.TB, cfg app.Config) *Server {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	if cfg.BaseURL == "" {
		cfg.BaseURL = url
	}
	if cfg.Credentials != nil && cfg.Credentials.BaseURL == "" {
		c := *cfg.Credentials
		c.BaseURL = url
		cfg.Credentials = &c
	}
	a := New(tb, cfg)
	hs := &http.Server{Handler: a.Handler()}
	go hs.Serve(ln)
	tb.Cleanup(func() { hs.Close() })
	return &Server{App: a, URL: url}
}

// Admit prepares a proctored exam for a candidate as a sitting day does:
// the candidate's live booking for the exam, or else a sitting that starts
// in five minutes (on the application's clock, now) booked earlier, and a
// proctor's admission through the scheduling service. It returns the appointment the
// exam starts from.
func Admit(tb testing.TB, a *app.App, now time.Time, candidate *certlab.User, examID string) int64 {
	tb.Helper()
	ctx := context.Background()
	st := &certlab.Sitting{ExamID: examID, StartsAt: now.Add(5 * time.Minute).UTC(), TimeZone: "UTC", Capacity: 10,
		Delivery: "online", Proctored: true, CreatedAt: now}
	proctor, err := a.Store.UserByEmail(ctx, "proctor@apptest.invalid")
	if err != nil {
		if proctor, err = a.Accounts.Create(ctx, "proctor@apptest.invalid", "Test Proctor", "watchful-eyes-in-the-room-7", certlab.RoleProctor); err != nil {
			tb.Fatalf("proctor: %v", err)
		}
	}
	st.CreatedBy = proctor.ID
	// A candidate holds one live booking per exam: admit the one they
	// have, or book a sitting that starts in 5 minutes.
	var ap *certlab.Appointment
	mine, err := a.Store.Appointments(ctx, certlab.AppointmentFilter{UserID: &candidate.ID})
	if err != nil {
		tb.Fatalf("appointments: %v", err)
	}
	for _, m := range mine {
		if m.Status != certlab.AppointmentBooked && m.Status != certlab.AppointmentCheckedIn {
			continue
		}
		if s, err := a.Store.Sitting(ctx, m.SittingID); err == nil && s.ExamID == examID {
			ap = m
		}
	}
	if ap == nil {
		if err := a.Store.CreateSitting(ctx, st); err != nil {
			tb.Fatalf("sitting: %v", err)
		}
		ap = &certlab.Appointment{SittingID: st.ID, UserID: candidate.ID, BookedAt: now.Add(-48 * time.Hour)}
		if err := a.Store.BookAppointment(ctx, ap); err != nil {
			tb.Fatalf("booking: %v", err)
		}
	}
	if _, err := a.Schedule.Admit(ctx, proctor, ap.ID, "photo ID checked against the candidate on camera; desk clear"); err != nil {
		tb.Fatalf("admission: %v", err)
	}
	return ap.ID
}
