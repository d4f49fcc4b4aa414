// Package credential is certlab's credential service: it evaluates program
// requirements and issues Open Badges 3.0 credentials (signed through
// internal/badge), handles external credentials, revocation, expiry,
// renewal and reminders, enforces the retake policy, and builds
// transcripts. Scheduling is internal/schedule, proctoring
// internal/proctor, the audit log internal/audit.
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

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/audit"
	"github.com/certlab/certlab/internal/badge"
	"github.com/certlab/certlab/internal/mail"
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
	// LinkedInOrganizationID is the issuer's LinkedIn organisation id; when
	// set, "Add to LinkedIn profile" links name the issuer by it, otherwise
	// by IssuerName.
	LinkedInOrganizationID string
}

// Options are the service's collaborators.
type Options struct {
	Store   certlab.Store
	Catalog *certlab.Catalog
	// Audit records admin actions (revocations, reviews, key changes); nil
	// keeps a log over Store.
	Audit  *audit.Log
	Now    func() time.Time
	Logger *slog.Logger
	// Mailer sends reminder e-mails; nil logs them.
	Mailer mail.Mailer
	// Lock runs fn holding a lock shared by every server of the database
	// (sqlstore.Store.WithLock); issuer key creation and rotation take it.
	// Nil means one server: no lock.
	Lock func(ctx context.Context, name string, fn func(ctx context.Context) error) error
}

// issuerKeysLock is the name of the lock around issuer key changes.
const issuerKeysLock = "issuer-keys"

// signingKey returns the active key, read again from the store first, so
// that a key another server rotated is never used here to sign.
func (s *Service) signingKey(ctx context.Context) (badge.SigningKey, error) {
	if err := s.keys.Reload(ctx); err != nil {
		return badge.SigningKey{}, err
	}
	return s.keys.SigningKey(), nil
}

// Service is the credential service. It is safe for concurrent use.
type Service struct {
	store   certlab.Store
	catalog *certlab.Catalog
	log     *audit.Log
	now     func() time.Time
	logger  *slog.Logger
	mailer  mail.Mailer
	cfg     Config

	contexts *badge.ContextLoader
	keys     *badge.Keyring

	evalMu sync.Mutex // one evaluation at a time, so two hooks never issue twice

	statusMu    sync.Mutex
	statusDoc   []byte
	statusBuilt time.Time

	pageMu    sync.Mutex // the public pages' recent verifications (public.go)
	pageCache map[string]pageVerification
	statusOf  string // what statusDoc was built from: the revoked indexes and the key

	lock func(ctx context.Context, name string, fn func(ctx context.Context) error) error
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
		o.Mailer = mail.LogMailer{Logger: o.Logger}
	}
	if o.Audit == nil {
		o.Audit = audit.New(o.Store, o.Now)
	}
	s := &Service{store: o.Store, catalog: o.Catalog, log: o.Audit, now: o.Now, logger: o.Logger, mailer: o.Mailer, cfg: cfg}
	var err error
	if s.contexts, err = badge.NewContextLoader(); err != nil {
		return nil, fmt.Errorf("credential service: %w", err)
	}
	sealer, err := badge.NewKeySealer(cfg.KeySecret, cfg.KDF)
	if err != nil {
		return nil, fmt.Errorf("credential service: %w", err)
	}
	s.lock = o.Lock
	if s.lock == nil {
		s.lock = func(ctx context.Context, _ string, fn func(ctx context.Context) error) error { return fn(ctx) }
	}
	// Servers starting together on an empty database must not each create
	// a first key.
	err = s.lock(ctx, issuerKeysLock, func(ctx context.Context) (err error) {
		s.keys, err = badge.OpenKeyring(ctx, KeyStore{Store: o.Store}, sealer, s.IssuerID(), s.clock)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("credential service: %w", err)
	}
	return s, nil
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
	return s.log.Record(ctx, actor, action, target, format, args...)
}

func requireRole(u *certlab.User, roles ...string) error { return certlab.RequireRole(u, roles...) }

func randomID(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random id: %w", err)
	}
	return hex.EncodeToString(b), nil
}
