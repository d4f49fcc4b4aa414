// Package credential is certlab's credential service: it evaluates program
// requirements and issues Open Badges 3.0 credentials (signed through
// internal/badge), handles external credentials, revocation, expiry,
// renewal and reminders, enforces the retake policy, schedules exam
// sessions, records proctor actions, keeps the audit log and builds
// transcripts.
package credential

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // exam session time zones work on hosts without a zoneinfo database

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/badge"
	"github.com/certlab/certlab/internal/exam"
)

// Config is the credential service's configuration.
type Config struct {
	// BaseURL is the public URL of the server (https://certlab.example);
	// the issuer profile, achievements, credentials and status list are
	// served under it.
	BaseURL string
	// IssuerName is the organisation named as issuer.
	IssuerName string
	// KeySecret encrypts the issuer's private keys at rest (at least 16 bytes).
	KeySecret []byte
	// KDF are the Argon2id costs of the key encryption; zero means
	// badge.DefaultKDFParams.
	KDF badge.KDFParams
	// BookingCutoff is how long before a session's start bookings can no
	// longer be made, moved or cancelled; zero means 24 hours.
	BookingCutoff time.Duration
	// ReminderDays are the days before expiry at which reminders go out;
	// nil means 180, 90, 30 and 7.
	ReminderDays []int
	// AllowHTTPFetch lets the verifier fetch http:// issuer profiles and
	// status lists of other issuers (development and tests only).
	AllowHTTPFetch bool
	// TrustedIssuers are the ids (profile URLs, DIDs) of other issuers the
	// admin marked as trusted; verification reports name them as such, and
	// every other issuer as unknown.
	TrustedIssuers []string
}

// Options are the service's collaborators.
type Options struct {
	Store   certlab.Store
	Catalog *certlab.Catalog
	// Engine runs proctor actions (pause, resume, end); optional.
	Engine *exam.Engine
	Now    func() time.Time
	Logger *slog.Logger
	// Mailer sends reminder e-mails; nil logs them.
	Mailer Mailer
}

// Service is the credential service. It is safe for concurrent use.
type Service struct {
	store   certlab.Store
	catalog *certlab.Catalog
	engine  *exam.Engine
	now     func() time.Time
	logger  *slog.Logger
	mailer  Mailer
	cfg     Config

	contexts *badge.ContextLoader
	keys     *badge.Keyring

	evalMu sync.Mutex // one evaluation at a time, so two hooks never issue twice

	statusMu    sync.Mutex
	statusDoc   []byte
	statusBuilt time.Time
}

// New opens the issuer keyring (creating the first key on first start) and
// returns the service.
func New(ctx context.Context, cfg Config, o Options) (*Service, error) {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.BaseURL == "" {
		return nil, fmt.Errorf("credential service: the public base URL is not configured")
	}
	if cfg.IssuerName == "" {
		cfg.IssuerName = "certlab"
	}
	if cfg.KDF == (badge.KDFParams{}) {
		cfg.KDF = badge.DefaultKDFParams()
	}
	if cfg.BookingCutoff == 0 {
		cfg.BookingCutoff = 24 * time.Hour
	}
	if cfg.ReminderDays == nil {
		cfg.ReminderDays = []int{7, 30, 90, 180}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Mailer == nil {
		o.Mailer = LogMailer{Logger: o.Logger}
	}
	s := &Service{store: o.Store, catalog: o.Catalog, engine: o.Engine, now: o.Now, logger: o.Logger, mailer: o.Mailer, cfg: cfg}
	var err error
	if s.contexts, err = badge.NewContextLoader(); err != nil {
		return nil, fmt.Errorf("credential service: %w", err)
	}
	sealer, err := badge.NewKeySealer(cfg.KeySecret, cfg.KDF)
	if err != nil {
		return nil, fmt.Errorf("credential service: %w", err)
	}
	if s.keys, err = badge.OpenKeyring(ctx, KeyStore{Store: o.Store}, sealer, s.IssuerID(), s.clock); err != nil {
		return nil, fmt.Errorf("credential service: %w", err)
	}
	return s, nil
}

// Attach installs the service's hooks into the exam engine: the retake
// and renewal checks on new attempts, and evaluation after scoring.
func (s *Service) Attach(e *exam.Engine) {
	e.CheckAttempt = s.CheckAttempt
	e.OnScored = s.OnScored
	s.engine = e
}

func (s *Service) clock() time.Time { return s.now().UTC() }

// IssuerID is the issuer profile URL.
func (s *Service) IssuerID() string { return s.cfg.BaseURL + "/issuer" }

// StatusListURL is the URL of the revocation status list.
func (s *Service) StatusListURL() string { return s.cfg.BaseURL + "/status/1" }

// CredentialURL is the public URL of a credential.
func (s *Service) CredentialURL(publicID string) string {
	return s.cfg.BaseURL + "/credentials/" + publicID
}

// AchievementURL is the URL of a program's achievement definition.
func (s *Service) AchievementURL(programID string) string {
	return s.cfg.BaseURL + "/achievements/" + programID
}

// Profile is the issuer profile as badge describes it.
func (s *Service) Profile() badge.IssuerProfile {
	return badge.IssuerProfile{ID: s.IssuerID(), Name: s.cfg.IssuerName, URL: s.cfg.BaseURL}
}

// audit appends one entry to the audit log.
func (s *Service) audit(ctx context.Context, actor *certlab.User, action, target, format string, args ...any) error {
	e := &certlab.AuditEntry{At: s.clock(), Action: action, Target: target, Detail: fmt.Sprintf(format, args...), Role: "system"}
	if actor != nil {
		e.ActorID, e.Role = actor.ID, actor.Role
	}
	if err := s.store.AppendAudit(ctx, e); err != nil {
		return fmt.Errorf("audit %s %s: %w", action, target, err)
	}
	return nil
}

// AuditLog lists audit entries (admins only), newest first.
func (s *Service) AuditLog(ctx context.Context, actor *certlab.User, f certlab.AuditFilter) ([]*certlab.AuditEntry, error) {
	if actor.Role != certlab.RoleAdmin {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "only admins read the audit log")
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	return s.store.AuditEntries(ctx, f)
}

func requireRole(u *certlab.User, roles ...string) error {
	for _, r := range roles {
		if u.Role == r {
			return nil
		}
	}
	return certlab.Errorf(certlab.EFORBIDDEN, "this needs the %s role", strings.Join(roles, " or "))
}

func randomID(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random id: %w", err)
	}
	return hex.EncodeToString(b), nil
}
