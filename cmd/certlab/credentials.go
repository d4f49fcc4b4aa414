package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/mail"
)

// localKeySecret returns the key secret kept beside an embedded SQLite
// database (issuer-key.secret, mode 0600), creating a random one on first
// start, so the default single-server set-up issues credentials out of the
// box. Anyone who can read the database folder can read it: deployments
// that need more set CERTLAB_KEY_SECRET(_FILE) from a secret store.
func localKeySecret(dbPath string) (string, string, error) {
	path := filepath.Join(filepath.Dir(dbPath), "issuer-key.secret")
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), path, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", path, err
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", path, err
	}
	secret := base64.RawURLEncoding.EncodeToString(buf)
	// On a first start the data folder may not exist yet (the database,
	// opened later, would create it the same way).
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", path, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", path, fmt.Errorf("create %s: %w", path, err)
	}
	if _, err := f.WriteString(secret + "\n"); err != nil {
		f.Close()
		return "", path, err
	}
	return secret, path, f.Close()
}

// credentialConfig is the credential service's configuration, or nil when
// credentials are disabled. The key secret comes from CERTLAB_KEY_SECRET
// (or CERTLAB_KEY_SECRET_FILE); on the embedded SQLite database it
// defaults to a file beside the database. On PostgreSQL, where several
// servers must share it, it has to be configured: without it credentials
// are disabled.
func credentialConfig(c *Config, logger *slog.Logger) (*credential.Config, error) {
	if c.KeySecret == "" && !app.IsPostgres(c.DB) {
		secret, path, err := localKeySecret(c.DB)
		if err != nil {
			return nil, fmt.Errorf("issuer key secret: %w", err)
		}
		logger.Info("issuer key secret from file (set CERTLAB_KEY_SECRET_FILE to keep it elsewhere)", "path", path)
		c.KeySecret = secret
	}
	if c.KeySecret == "" {
		logger.Warn("credentials disabled: set CERTLAB_KEY_SECRET (or CERTLAB_KEY_SECRET_FILE) to a secret of at least 16 bytes to issue and verify credentials")
		return nil, nil
	}
	base := c.BaseURL
	if base == "" {
		base = "http://" + c.Addr
	}
	return &credential.Config{BaseURL: base, IssuerName: c.IssuerName, KeySecret: []byte(c.KeySecret),
		AllowHTTPFetch: strings.HasPrefix(base, "http://"), TrustedIssuers: splitList(c.TrustedIssuers), LinkedInOrganizationID: c.LinkedInOrgID}, nil
}

// mailer sends reminder e-mails through the configured SMTP server, or
// logs them.
func mailer(c Config, logger *slog.Logger) mail.Mailer {
	if c.SMTPAddr == "" {
		return mail.LogMailer{Logger: logger}
	}
	return mail.SMTPMailer{Addr: c.SMTPAddr, From: c.SMTPFrom, Username: c.SMTPUser, Password: c.SMTPPassword}
}
