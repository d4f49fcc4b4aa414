// Package app builds certlab from its configuration: it opens the store,
// loads the catalog, creates the services and wires them together once, in
// order, then composes the HTTP handler and the periodic sweeps. certlab
// serve and every test server call New, so tests run the wiring that
// production runs.
package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/content"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/api"
	"github.com/certlab/certlab/internal/audit"
	"github.com/certlab/certlab/internal/auth"
	"github.com/certlab/certlab/internal/authoring"
	"github.com/certlab/certlab/internal/clientip"
	"github.com/certlab/certlab/internal/cohort"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/lab"
	"github.com/certlab/certlab/internal/labrun"
	"github.com/certlab/certlab/internal/mail"
	"github.com/certlab/certlab/internal/metrics"
	"github.com/certlab/certlab/internal/obapi"
	"github.com/certlab/certlab/internal/pack"
	"github.com/certlab/certlab/internal/postgres"
	"github.com/certlab/certlab/internal/proctor"
	"github.com/certlab/certlab/internal/schedule"
	"github.com/certlab/certlab/internal/server"
	"github.com/certlab/certlab/internal/session"
	"github.com/certlab/certlab/internal/sqlite"
	"github.com/certlab/certlab/internal/sqlstore"
	"github.com/certlab/certlab/internal/study"
	"github.com/certlab/certlab/internal/tracing"
	"github.com/certlab/certlab/internal/web"
)

// Config is everything the application is built from. cmd/certlab fills it
// from flags and CERTLAB_* variables; tests fill it directly.
type Config struct {
	// DB is the database: a SQLite file path, or a postgres:// URL.
	DB string
	// Migrate applies pending migrations at start; without it a schema
	// that is behind is refused.
	Migrate bool
	// ContentDir loads the program packs from a folder; "" uses the
	// built-in packs.
	ContentDir string
	// Catalog, when set, is used as is instead of loading packs (tests
	// share one loaded catalog).
	Catalog *certlab.Catalog
	// Labs, when set, is used as is instead of loading the packs' labs.
	Labs *lab.Catalog
	// LabTempDir is where uploaded lab workspaces are unpacked and graded
	// ("" for the system's temporary folder).
	LabTempDir string
	// Logger is the one logger of every part; nil discards.
	Logger *slog.Logger
	// Now is the clock of every service; nil means time.Now.
	Now func() time.Time
	// Seed returns the seed of each new form; nil draws one at random.
	Seed func() int64
	// PasswordParams are the argon2id costs of new password hashes; zero
	// means auth.DefaultParams.
	PasswordParams auth.Params
	// SecureCookies marks the session cookie Secure (behind HTTPS).
	SecureCookies bool
	// Retention is the desired retention of spaced review (FSRS), 0.7 to
	// 0.97; zero means 0.9.
	Retention float64
	// Credentials configures issuing; nil disables credentials.
	Credentials *credential.Config
	// BookingCutoff is how long before a sitting's start bookings close;
	// zero means schedule.DefaultBookingCutoff.
	BookingCutoff time.Duration
	// Mailer sends e-mails (reminders, confirmations, password resets);
	// nil logs them.
	Mailer mail.Mailer
	// BaseURL is the server's public URL, for links in e-mails (password
	// resets); "" turns reset by e-mail off.
	BaseURL string
	// VerifyLimit bounds public credential verifications per client
	// address; zero means api.DefaultVerifyRateLimit.
	VerifyLimit api.VerifyRateLimit
	// OBAPI tunes the Open Badges 3.0 API, served when credentials are
	// enabled; its BaseURL, Title, Store, Credentials, RenderConsent,
	// Logger and Now are filled in by New.
	OBAPI obapi.Config
	// Hashes bounds the password hashes running at once; zero values
	// mean account's defaults.
	Hashes account.HashLimit
	// Throttle is the policy for failed sign-ins and registrations; zero
	// means account.DefaultThrottlePolicy.
	Throttle account.ThrottlePolicy
	// TrustedProxies are the networks whose X-Forwarded-For names the
	// client (per-address limits); none trusts no proxy.
	TrustedProxies []netip.Prefix
	// Pool sizes the database connections; zero values mean defaults.
	Pool PoolConfig
	// Metrics collects Prometheus metrics (served by Server at /metrics to
	// admins, and by Metrics.OpsHandler on a separate address).
	Metrics bool
	// Instance names this server in the jobs table; "" uses the host name
	// and process id.
	Instance string
	// Tracing, when set, sends a span per request to an OpenTelemetry
	// collector (internal/tracing); its Instance defaults to Instance.
	Tracing *tracing.Config
}

// PoolConfig sizes the database connections.
type PoolConfig struct {
	// MaxConns is the PostgreSQL pool size (0: postgres.DefaultMaxConns).
	MaxConns int
	// Readers is the number of SQLite read connections (0: 16).
	Readers int
}

// App is a built certlab: its parts, for the commands and tests that need
// them, and the HTTP handler.
type App struct {
	Store   *sqlstore.Store
	Catalog *certlab.Catalog
	// LabCatalog is every lab of the packs; Labs grades their submissions.
	LabCatalog *lab.Catalog
	Labs       *labrun.Service
	Logger     *slog.Logger
	Engine     *exam.Engine
	Study      *study.Service
	Audit      *audit.Log
	// Credentials is nil when credentials are disabled.
	Credentials *credential.Service
	Schedule    *schedule.Service
	Proctor     *proctor.Service
	Accounts    *account.Service
	Sessions    *session.Manager
	// Authoring serves the author console; Cohorts the instructor
	// console and the candidates' cohorts.
	Authoring *authoring.Service
	Cohorts   *cohort.Service
	// AccountAdmin is what admins do to accounts (the admin console).
	AccountAdmin *account.Admin
	// Mailer sends e-mails: Config.Mailer, or a LogMailer.
	Mailer mail.Mailer
	API    *api.Server
	Web    *web.Handler
	// OB is the Open Badges 3.0 API; nil when credentials are disabled.
	OB     *obapi.Server
	Server *server.Server
	// Metrics is nil unless Config.Metrics is set.
	Metrics *metrics.Metrics

	handler  http.Handler
	instance string
	tracer   *tracing.Provider
}

// New builds the application. The order is the order of dependencies:
// catalog, store, audit log, study, credentials, the exam engine with all
// its hooks, scheduling and proctoring, then accounts, sessions and the two
// front ends, which receive a fully wired engine. Nothing is rewired after
// it is handed out. On error whatever was opened is closed.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PasswordParams == (auth.Params{}) {
		cfg.PasswordParams = auth.DefaultParams
	}
	if cfg.Retention == 0 {
		cfg.Retention = 0.9
	}
	a := &App{Logger: cfg.Logger, Catalog: cfg.Catalog, LabCatalog: cfg.Labs}
	if a.LabCatalog == nil {
		var diags []lab.Diagnostic
		a.LabCatalog, diags = lab.LoadPacks(Packs(cfg.ContentDir))
		for _, d := range diags {
			a.Logger.Warn("lab error: lab left out", "at", d.String())
		}
	}
	if a.Catalog == nil {
		var diags pack.Diagnostics
		a.Catalog, diags = pack.Load(Packs(cfg.ContentDir))
		for _, d := range diags {
			if !d.Warning {
				a.Logger.Warn("content error: file left out", "at", d.String())
			}
		}
	}
	var err error
	if a.Store, err = OpenStoreWith(ctx, cfg.DB, cfg.Migrate, a.Logger, cfg.Pool); err != nil {
		return nil, err
	}
	if err := a.build(ctx, cfg); err != nil {
		a.Store.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context, cfg Config) error {
	store, cat, logger, now := a.Store, a.Catalog, a.Logger, cfg.Now
	a.Audit = audit.New(store, now)
	a.Mailer = cfg.Mailer
	if a.Mailer == nil {
		a.Mailer = mail.LogMailer{Logger: logger}
	}
	var err error
	if a.Study, err = study.New(store, store, cat, now, cfg.Retention); err != nil {
		return fmt.Errorf("study service: %w", err)
	}
	// Graded practice labs count toward readiness and reviews; the lab
	// service is built with the engine below, before anything is served.
	a.Study.LabResults = func(ctx context.Context, userID int64, examID string) ([]study.LabResult, error) {
		return a.Labs.PracticeResults(ctx, userID, examID)
	}
	if cfg.Credentials != nil {
		if a.Credentials, err = credential.New(ctx, *cfg.Credentials,
			credential.Options{Store: store, Catalog: cat, Audit: a.Audit, Now: now, Logger: logger, Mailer: a.Mailer, Lock: store.WithLock}); err != nil {
			return err
		}
		logger.Info("credentials enabled", "issuer", a.Credentials.IssuerID(), "key", a.Credentials.SigningKeyID())
	}
	a.Schedule = schedule.New(store, cat, a.Audit, now, cfg.BookingCutoff, schedule.WithMailer(a.Mailer, logger))
	a.Engine = &exam.Engine{Store: store, Catalog: cat, Now: now, Logger: logger, Seed: cfg.Seed,
		Due: a.Study.DueItems, Adaptive: a.Study.NextAdaptive, ScaleIRT: a.Study.ScaleIRT,
		Admission: a.Schedule.Admission, OnStart: a.auditStart}
	if a.Credentials != nil {
		a.Engine.CheckAttempt, a.Engine.OnScored = a.Credentials.CheckAttempt, a.Credentials.OnScored
	}
	if a.Labs, err = labrun.New(labrun.Config{Store: store, Labs: a.LabCatalog, Catalog: cat, Engine: a.Engine, Now: now, Logger: logger,
		TempDir: cfg.LabTempDir}); err != nil {
		return err
	}
	a.Proctor = proctor.New(a.Engine, store, a.Audit)
	if a.Authoring, err = authoring.New(authoring.Config{Store: store, Study: store, Catalog: cat, Audit: a.Audit, Now: now, Logger: logger,
		Packs: func() (fs.FS, string) { return Packs(cfg.ContentDir) }}); err != nil {
		return err
	}
	if a.Cohorts, err = cohort.New(cohort.Config{Store: store, Study: store, Catalog: cat, Engine: a.Engine, Readiness: a.Study, Audit: a.Audit, Now: now, Logger: logger}); err != nil {
		return err
	}
	if a.Accounts, err = account.NewWith(store, cfg.PasswordParams, account.Options{Hashes: cfg.Hashes, Throttle: cfg.Throttle, Now: now}); err != nil {
		return err
	}
	a.AccountAdmin = &account.Admin{Accounts: a.Accounts, Store: store, Audit: a.Audit, Mailer: a.Mailer, Now: now}
	var publicURL string
	if cfg.Credentials != nil {
		publicURL = cfg.Credentials.BaseURL
	}
	a.Sessions = &session.Manager{Store: store, Now: now, Secure: cfg.SecureCookies, Logger: logger, Sessionless: api.Sessionless}
	a.API = &api.Server{Store: store, Catalog: cat, Engine: a.Engine, Logger: logger,
		Accounts: a.Accounts, Sessions: a.Sessions, Audit: a.Audit, Credentials: a.Credentials, Schedule: a.Schedule, Proctor: a.Proctor, Study: a.Study,
		Authoring: a.Authoring, Cohorts: a.Cohorts, VerifyLimit: cfg.VerifyLimit, Admin: a.AccountAdmin, PublicURL: publicURL, Labs: a.Labs}
	if a.Web, err = web.New(web.Config{Store: store, Catalog: cat, Engine: a.Engine, Study: a.Study, Logger: logger,
		Accounts: a.Accounts, Sessions: a.Sessions, Credentials: a.Credentials, Schedule: a.Schedule,
		Authoring: a.Authoring, Cohorts: a.Cohorts, Mailer: a.Mailer, BaseURL: cfg.BaseURL, Labs: a.Labs,
		Staff: &web.Staff{Admin: a.AccountAdmin, Audit: a.Audit, Proctor: a.Proctor, PublicURL: publicURL}}); err != nil {
		return err
	}
	a.API.RenderVerify = func(w http.ResponseWriter, r *http.Request, p api.VerifyPage) {
		a.Web.RenderVerify(w, r, web.VerifyPage(p))
	}
	if a.Credentials != nil {
		oc := cfg.OBAPI
		oc.BaseURL, oc.Title, oc.Store, oc.Credentials, oc.Logger, oc.Now = cfg.Credentials.BaseURL, cfg.Credentials.IssuerName, store, a.Credentials, logger, now
		oc.RenderConsent = func(w http.ResponseWriter, r *http.Request, c obapi.Consent) {
			a.Web.RenderConsent(w, r, web.ConsentPage(c))
		}
		if a.OB, err = obapi.New(ctx, oc); err != nil {
			return err
		}
	}
	a.instance = cfg.Instance
	if a.instance == "" {
		host, _ := os.Hostname()
		a.instance = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if cfg.Metrics {
		a.Metrics = a.newMetrics()
	}
	a.Server = &server.Server{API: a.API, Web: a.Web, OB: a.OB, Sessions: a.Sessions, Logger: logger, Ready: a.Ready,
		Metrics: a.Metrics, ClientIP: clientip.Resolver{Trusted: cfg.TrustedProxies}}
	if cfg.Tracing != nil {
		tc := *cfg.Tracing
		if tc.Service == "" {
			tc.Service = "certlab"
		}
		if tc.Instance == "" {
			tc.Instance = a.instance
		}
		if a.tracer, err = tracing.New(ctx, tc); err != nil {
			return err
		}
		a.Server.Tracer = a.tracer
		logger.Info("tracing", "endpoint", tc.Endpoint, "sample", tc.Sample)
	}
	a.handler = a.Server.Handler()
	return nil
}

// auditStart records that a candidate accepted the agreement and started
// an exam's clock.
func (a *App) auditStart(ctx context.Context, u *certlab.User, at *certlab.Attempt) {
	if at.Mode != certlab.ModeExam {
		return
	}
	if err := a.Audit.Record(ctx, u, "attempt.start", audit.Target("attempt", at.ID),
		"accepted the candidate agreement and started %s (deadline %s)", at.ExamID, at.Deadline.Format(time.RFC3339)); err != nil {
		a.Logger.Error("audit attempt start", "attempt", at.ID, "err", err)
	}
}

// Handler is the application's HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Ready reports whether the application can take traffic: the database
// answers and its schema is current. It only reads.
func (a *App) Ready(ctx context.Context) error {
	if err := a.Store.Ping(ctx); err != nil {
		return err
	}
	return a.Store.CheckSchema(ctx)
}

// Close stops background work (calibrations), finishes the writes in
// flight and closes the store.
func (a *App) Close() error {
	if a.Authoring != nil {
		a.Authoring.Close()
	}
	var traced error
	if a.tracer != nil {
		// The spans still buffered go to the collector, for a few
		// seconds at most.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		traced = a.tracer.Shutdown(ctx)
		cancel()
	}
	return errors.Join(a.Store.Close(), traced)
}

// Sweep intervals: deadlines are enforced within seconds; credential work
// (expiry, reminders, no-shows) is coarser; expired throttles are cleared
// now and then.
const (
	DeadlineSweepInterval   = 5 * time.Second
	CredentialSweepInterval = time.Minute
	ThrottleSweepInterval   = 10 * time.Minute
)

// Job names in the jobs table.
const (
	JobDeadlines   = "deadlines"
	JobNoShows     = "no-shows"
	JobCredentials = "credentials"
	JobThrottles   = "throttles"
	JobReminders   = "appointment-reminders"
	JobPurge       = "purge"
)

// RunJob runs one periodic job now if no server sharing the database ran
// it within its interval (sqlstore.Store.RunJob: a PostgreSQL advisory
// lock, then a claim in the jobs table), and reports whether it ran here.
func (a *App) RunJob(ctx context.Context, name string) (bool, error) {
	var interval time.Duration
	var fn func(ctx context.Context) error
	switch name {
	case JobDeadlines:
		interval = DeadlineSweepInterval
		fn = func(ctx context.Context) error {
			n, err := a.Engine.SweepDeadlines(ctx)
			if n > 0 {
				a.Logger.Info("attempts submitted at their deadline", "count", n)
			}
			return err
		}
	case JobNoShows:
		interval = CredentialSweepInterval
		fn = func(ctx context.Context) error {
			n, err := a.Schedule.RecordNoShows(ctx)
			if n > 0 {
				a.Logger.Info("no-shows recorded", "count", n)
			}
			return err
		}
	case JobCredentials:
		if a.Credentials == nil {
			return false, nil
		}
		interval = CredentialSweepInterval
		fn = func(ctx context.Context) error {
			res, err := a.Credentials.Sweep(ctx)
			if res != (credential.SweepResult{}) {
				a.Logger.Info("credential sweep", "expired", res.Expired, "issued", res.Issued, "reminders", res.Reminders)
			}
			return err
		}
	case JobThrottles:
		interval = ThrottleSweepInterval
		fn = func(ctx context.Context) error {
			_, err := a.Store.SweepThrottles(ctx, a.Engine.Now(), 24*time.Hour)
			return err
		}
	case JobReminders:
		interval = CredentialSweepInterval
		fn = func(ctx context.Context) error {
			n, err := a.Schedule.SendReminders(ctx)
			if n > 0 {
				a.Logger.Info("appointment reminders sent", "count", n)
			}
			return err
		}
	case JobPurge:
		interval = ThrottleSweepInterval
		fn = func(ctx context.Context) error {
			// Password resets are counted for an hour (the per-account
			// limit), then kept a day; expired OAuth codes and tokens go.
			if _, err := a.Store.PurgePasswordResets(ctx, a.Engine.Now().Add(-24*time.Hour)); err != nil {
				return fmt.Errorf("password reset purge: %w", err)
			}
			if a.OB != nil {
				if _, err := a.OB.Purge(ctx); err != nil {
					return fmt.Errorf("OAuth token purge: %w", err)
				}
			}
			return nil
		}
	default:
		return false, fmt.Errorf("no job %q", name)
	}
	return a.Store.RunJob(ctx, name, interval, a.Engine.Now(), a.instance, fn)
}

// RunSweeps does the time-driven work until ctx ends: attempts past their
// deadline are submitted every few seconds; every minute no-shows are
// recorded, appointment reminders sent and, with credentials, credentials
// expire, reminders go out and pending credentials are evaluated again.
// With several servers on one database each job runs on one of them per
// interval (RunJob). Failures are logged.
func (a *App) RunSweeps(ctx context.Context) {
	deadlines := time.NewTicker(DeadlineSweepInterval)
	defer deadlines.Stop()
	credentials := time.NewTicker(CredentialSweepInterval)
	defer credentials.Stop()
	throttles := time.NewTicker(ThrottleSweepInterval)
	defer throttles.Stop()
	run := func(job string) {
		step := func() (bool, error) {
			ran, err := a.RunJob(ctx, job)
			if err != nil && ctx.Err() == nil {
				a.Logger.Error("sweep", "job", job, "err", err)
			}
			return ran, err
		}
		if a.Metrics != nil {
			a.Metrics.Sweep(job, step)
		} else {
			step()
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-deadlines.C:
			run(JobDeadlines)
		case <-credentials.C:
			run(JobNoShows)
			run(JobReminders)
			run(JobCredentials)
		case <-throttles.C:
			run(JobThrottles)
			run(JobPurge)
		}
	}
}

// newMetrics registers the application's gauges next to the request
// metrics: open attempts, the database pools, SQLite's writer and the
// password hashing.
func (a *App) newMetrics() *metrics.Metrics {
	m := metrics.New()
	rdb, wdb := a.Store.DBs()
	m.DB(rdb, "read")
	if wdb != rdb {
		m.DB(wdb, "write")
	}
	if _, ok := a.Store.WriterStats(); ok {
		ws := func() sqlstore.WriterStats { st, _ := a.Store.WriterStats(); return st }
		m.Counter("certlab_sqlite_group_commits_total", "Group commits of SQLite's writer (one fsync each).", func() float64 { return float64(ws().Commits) })
		m.Counter("certlab_sqlite_writes_total", "Write transactions committed by SQLite's writer.", func() float64 { return float64(ws().Writes) })
		m.Counter("certlab_sqlite_write_failures_total", "Write transactions of SQLite's writer that returned an error.", func() float64 { return float64(ws().Failed) })
		m.Counter("certlab_sqlite_commit_seconds_total", "Time SQLite's writer spent in COMMIT.", func() float64 { return ws().Commit.Seconds() })
		m.Gauge("certlab_sqlite_write_queue", "Write transactions waiting for SQLite's writer.", func() float64 { return float64(ws().Queued) })
	}
	m.Gauge("certlab_password_hashes_running", "Password hashes running now.", func() float64 { r, _ := a.Accounts.HashStats(); return float64(r) })
	m.Gauge("certlab_password_hashes_waiting", "Requests waiting for a password hashing slot.", func() float64 { _, w := a.Accounts.HashStats(); return float64(w) })
	m.Gauge("certlab_http_requests_waiting", "Requests waiting for a slot (the bound on requests in flight).", func() float64 { _, w := a.Server.InFlightStats(); return float64(w) })
	m.CountQuery("certlab_open_attempts", "Attempts started or paused (sittings in progress, practice included), from the database.", a.Store.CountOpenAttempts)
	return m
}

// Packs is the file system program packs load from: the folder dir, or
// the built-in packs when dir is "".
func Packs(dir string) (fs.FS, string) {
	if dir == "" {
		return content.FS, "content"
	}
	return os.DirFS(dir), dir
}

// IsPostgres reports whether a database setting names a PostgreSQL
// database rather than a SQLite file.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// OpenStore opens the database (SQLite file or postgres:// URL) with the
// default pool. With migrate it brings the schema up to date; without, it
// refuses a schema that is behind (ESCHEMA).
func OpenStore(ctx context.Context, db string, migrate bool, logger *slog.Logger) (*sqlstore.Store, error) {
	return OpenStoreWith(ctx, db, migrate, logger, PoolConfig{})
}

// OpenStoreWith is OpenStore with a pool configuration.
func OpenStoreWith(ctx context.Context, db string, migrate bool, logger *slog.Logger, pool PoolConfig) (*sqlstore.Store, error) {
	if db == "" {
		return nil, errors.New("no database configured")
	}
	var s *sqlstore.Store
	var err error
	if IsPostgres(db) {
		s, err = postgres.OpenPool(ctx, db, pool.MaxConns)
	} else {
		s, err = sqlite.OpenWith(ctx, db, sqlite.Options{Readers: pool.Readers})
	}
	if err != nil {
		return nil, err
	}
	if migrate {
		n, err := s.Migrate(ctx)
		if err != nil {
			s.Close()
			return nil, err
		}
		if n > 0 && logger != nil {
			logger.Info("database migrated", "migrations", n)
		}
	}
	if err := s.CheckSchema(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
