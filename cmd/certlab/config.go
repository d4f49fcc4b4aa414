package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/auth"
	"github.com/certlab/certlab/internal/clientip"
	"github.com/certlab/certlab/internal/sqlstore"
	"github.com/certlab/certlab/internal/tracing"
)

// Config is certlab's configuration, read once from flags, CERTLAB_*
// environment variables and defaults (in that order) by loadConfig or
// loadSettings, and passed on as typed values.
type Config struct {
	DB             string  // SQLite file path or postgres:// URL
	Addr           string  // listen address
	Content        string  // folder of program packs; "" for the built-in ones
	LogFormat      string  // text or json
	LogLevel       string  // debug, info, warn or error
	Migrate        bool    // apply pending migrations at start
	SecureCookies  bool    // mark cookies Secure
	Retention      float64 // desired retention of spaced review
	BaseURL        string  // public URL used in issued credentials
	IssuerName     string  // organisation named as issuer
	KeySecret      string  // encrypts issuer keys at rest; environment only
	SMTPAddr       string  // SMTP server host:port; "" logs e-mails
	SMTPFrom       string  // sender of e-mails
	SMTPUser       string  // SMTP user; environment only
	SMTPPassword   string  // SMTP password; environment only
	TrustedIssuers string  // other issuers' ids that verification names as trusted, comma-separated
	LinkedInOrgID  string  // the issuer's LinkedIn organisation id, for "Add to LinkedIn profile" links
	Server         string  // server URL of the terminal client
	Token          string  // API token of the terminal client

	MetricsAddr     string         // separate listen address for /metrics and pprof; "" for none
	TrustedProxies  []netip.Prefix // proxies whose X-Forwarded-For names the client
	DBMaxConns      int            // PostgreSQL pool size
	PasswordHash    auth.Params    // argon2id costs of new password hashes
	HashConcurrency int            // password hashes at once; 0 for the number of CPUs
	ShutdownTimeout time.Duration  // how long shutdown waits for requests in flight
	TraceEndpoint   string         // OTLP/HTTP traces URL of a collector; "" for no tracing
	TraceSample     float64        // fraction of new traces recorded
}

// setting is one configuration value: its flag, its CERTLAB_* variable,
// its default and how it is parsed into Config. Every variable also has a
// _FILE form naming a file that holds the value (for secrets).
type setting struct {
	Flag  string // "" for secrets read only from the environment
	Env   string
	Usage string
	Arg   string // the placeholder shown after the flag in help
	// Default is the value when neither flag nor variable is set, and
	// DefaultDoc what help and docs/operations.md show for it ("" for none).
	Default    func(getenv func(string) string) string
	DefaultDoc string
	Bool       bool // a flag that may stand alone (--migrate means true)
	Secret     bool // the value is never printed, not even in an error
	set        func(c *Config, v string) error
}

func literal(v string) func(func(string) string) string {
	return func(func(string) string) string { return v }
}

// defaultDBPath is certlab.db in the user's data directory
// ($XDG_DATA_HOME/certlab, or ~/.local/share/certlab).
func defaultDBPath(getenv func(string) string) string {
	base := getenv("XDG_DATA_HOME")
	if base == "" {
		home := getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		base = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(base, "certlab", "certlab.db")
}

var (
	dbSetting = setting{Flag: "db", Env: "CERTLAB_DB", Arg: "FILE|URL", Usage: "database: a SQLite file path, or a postgres:// URL",
		Default: defaultDBPath, DefaultDoc: "$XDG_DATA_HOME/certlab/certlab.db (else ~/.local/share/certlab/certlab.db)", Secret: true,
		set: func(c *Config, v string) error {
			if v == "" {
				return errors.New("is empty")
			}
			c.DB = v
			return nil
		}}
	contentSetting = setting{Flag: "content", Env: "CERTLAB_CONTENT", Arg: "DIR", Usage: "load program packs from this folder instead of the built-in ones",
		Default: literal(""), DefaultDoc: "the built-in packs",
		set: func(c *Config, v string) error {
			if v != "" {
				if st, err := os.Stat(v); err != nil {
					return err
				} else if !st.IsDir() {
					return fmt.Errorf("%s is not a folder", v)
				}
			}
			c.Content = v
			return nil
		}}
)

// serveSettings are the settings of certlab serve.
var serveSettings = []setting{
	dbSetting,
	{Flag: "addr", Env: "CERTLAB_ADDR", Arg: "HOST:PORT", Usage: "listen address", Default: literal("127.0.0.1:8080"), DefaultDoc: "127.0.0.1:8080",
		set: func(c *Config, v string) error {
			if _, _, err := net.SplitHostPort(v); err != nil {
				return fmt.Errorf("%q is not HOST:PORT", v)
			}
			c.Addr = v
			return nil
		}},
	contentSetting,
	{Flag: "log-format", Env: "CERTLAB_LOG_FORMAT", Arg: "FORMAT", Usage: "log format: text or json", Default: literal("text"), DefaultDoc: "text",
		set: func(c *Config, v string) error {
			if v != "text" && v != "json" {
				return fmt.Errorf("%q must be text or json", v)
			}
			c.LogFormat = v
			return nil
		}},
	{Flag: "log-level", Env: "CERTLAB_LOG_LEVEL", Arg: "LEVEL", Usage: "log level: debug, info, warn or error", Default: literal("info"), DefaultDoc: "info",
		set: func(c *Config, v string) error {
			var lv slog.Level
			if err := lv.UnmarshalText([]byte(v)); err != nil {
				return fmt.Errorf("%q must be debug, info, warn or error", v)
			}
			c.LogLevel = v
			return nil
		}},
	{Flag: "migrate", Env: "CERTLAB_MIGRATE", Bool: true, Usage: "apply pending database migrations at start (false: refuse to start on an old schema)",
		Default: literal("true"), DefaultDoc: "true", set: func(c *Config, v string) (err error) { c.Migrate, err = parseBool(v); return err }},
	{Flag: "secure-cookies", Env: "CERTLAB_SECURE_COOKIES", Bool: true, Usage: "mark cookies Secure (behind HTTPS)",
		Default: literal("false"), DefaultDoc: "false", set: func(c *Config, v string) (err error) { c.SecureCookies, err = parseBool(v); return err }},
	{Flag: "retention", Env: "CERTLAB_RETENTION", Arg: "R", Usage: "desired retention of spaced review (FSRS), 0.7 to 0.97",
		Default: literal("0.9"), DefaultDoc: "0.9",
		set: func(c *Config, v string) error {
			r, err := strconv.ParseFloat(v, 64)
			if err != nil || r < 0.7 || r > 0.97 {
				return fmt.Errorf("%q must be a number from 0.7 to 0.97", v)
			}
			c.Retention = r
			return nil
		}},
	{Flag: "base-url", Env: "CERTLAB_BASE_URL", Arg: "URL", Usage: "public URL of this server, used in issued credentials and e-mailed links",
		Default: literal(""), DefaultDoc: "http://ADDR",
		set: func(c *Config, v string) error {
			if v != "" {
				u, err := url.Parse(v)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return fmt.Errorf("%q must be an http:// or https:// URL", v)
				}
			}
			c.BaseURL = v
			return nil
		}},
	{Flag: "issuer-name", Env: "CERTLAB_ISSUER_NAME", Arg: "NAME", Usage: "organisation named as issuer of credentials",
		Default: literal("certlab"), DefaultDoc: "certlab", set: func(c *Config, v string) error { c.IssuerName = v; return nil }},
	{Env: "CERTLAB_KEY_SECRET", Secret: true, Usage: "secret (at least 16 bytes) that encrypts the issuer keys at rest",
		Default: literal(""), DefaultDoc: "SQLite: generated in issuer-key.secret beside the database; PostgreSQL: none (credentials disabled)",
		set: func(c *Config, v string) error {
			if v != "" && len(v) < 16 {
				return fmt.Errorf("is %d bytes; it must be at least 16", len(v))
			}
			c.KeySecret = v
			return nil
		}},
	{Flag: "smtp", Env: "CERTLAB_SMTP_ADDR", Arg: "HOST:PORT", Usage: "SMTP server for reminder e-mails; without it they are logged",
		Default: literal(""), DefaultDoc: "none: e-mails are logged",
		set: func(c *Config, v string) error {
			if v != "" {
				if _, _, err := net.SplitHostPort(v); err != nil {
					return fmt.Errorf("%q is not HOST:PORT", v)
				}
			}
			c.SMTPAddr = v
			return nil
		}},
	{Flag: "smtp-from", Env: "CERTLAB_SMTP_FROM", Arg: "ADDRESS", Usage: "sender of reminder e-mails",
		Default: literal("certlab@localhost"), DefaultDoc: "certlab@localhost", set: func(c *Config, v string) error { c.SMTPFrom = v; return nil }},
	{Env: "CERTLAB_SMTP_USER", Secret: true, Usage: "SMTP user (PLAIN authentication)", Default: literal(""), DefaultDoc: "none",
		set: func(c *Config, v string) error { c.SMTPUser = v; return nil }},
	{Env: "CERTLAB_SMTP_PASSWORD", Secret: true, Usage: "SMTP password", Default: literal(""), DefaultDoc: "none",
		set: func(c *Config, v string) error { c.SMTPPassword = v; return nil }},
	{Flag: "trusted-issuers", Env: "CERTLAB_TRUSTED_ISSUERS", Arg: "IDS", Usage: "comma-separated ids (profile URLs, DIDs) of other issuers that verification reports as trusted",
		Default: literal(""), DefaultDoc: "none", set: func(c *Config, v string) error { c.TrustedIssuers = v; return nil }},
	{Flag: "linkedin-org-id", Env: "CERTLAB_LINKEDIN_ORG_ID", Arg: "ID", Usage: "the issuer's LinkedIn organisation id: \"Add to LinkedIn profile\" links name the issuer by it rather than by name",
		Default: literal(""), DefaultDoc: "none (the issuer name)", set: func(c *Config, v string) error { c.LinkedInOrgID = v; return nil }},
	{Flag: "metrics-addr", Env: "CERTLAB_METRICS_ADDR", Arg: "HOST:PORT", Usage: "separate listen address for /metrics (no authentication) and /debug/pprof; keep it off the public network",
		Default: literal(""), DefaultDoc: "none: /metrics only on the main address, for admins",
		set: func(c *Config, v string) error {
			if v != "" {
				if _, _, err := net.SplitHostPort(v); err != nil {
					return fmt.Errorf("%q is not HOST:PORT", v)
				}
			}
			c.MetricsAddr = v
			return nil
		}},
	{Flag: "trace-endpoint", Env: "CERTLAB_TRACE_ENDPOINT", Arg: "URL", Usage: "send a span per request to this OpenTelemetry collector (OTLP/HTTP, e.g. http://collector:4318/v1/traces); OTEL_EXPORTER_OTLP_HEADERS and the other OTLP variables apply",
		Default: literal(""), DefaultDoc: "none: no tracing",
		set: func(c *Config, v string) error {
			if v != "" {
				u, err := tracing.CheckEndpoint(v)
				if err != nil {
					return err
				}
				v = u
			}
			c.TraceEndpoint = v
			return nil
		}},
	{Flag: "trace-sample", Env: "CERTLAB_TRACE_SAMPLE", Arg: "FRACTION", Usage: "fraction of new traces recorded, more than 0 and at most 1 (a caller's sampled or unsampled trace is followed)",
		Default: literal("1"), DefaultDoc: "1",
		set: func(c *Config, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f <= 0 || f > 1 {
				return fmt.Errorf("%q must be a number more than 0 and at most 1", v)
			}
			c.TraceSample = f
			return nil
		}},
	{Flag: "trusted-proxies", Env: "CERTLAB_TRUSTED_PROXIES", Arg: "CIDRS", Usage: "comma-separated addresses or networks of proxies (load balancer, ingress) whose X-Forwarded-For names the client, for per-address limits",
		Default: literal(""), DefaultDoc: "none: the peer address is the client",
		set: func(c *Config, v string) (err error) { c.TrustedProxies, err = clientip.ParseTrusted(v); return err }},
	{Flag: "db-max-conns", Env: "CERTLAB_DB_MAX_CONNS", Arg: "N", Usage: "PostgreSQL connections of this server, all kept open when idle (servers × N must stay under the database's max_connections)",
		Default: literal("20"), DefaultDoc: "20",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				return fmt.Errorf("%q must be a number from 1 to 1000", v)
			}
			c.DBMaxConns = n
			return nil
		}},
	{Flag: "password-hash", Env: "CERTLAB_PASSWORD_HASH", Arg: "m=KiB,t=N,p=N", Usage: "argon2id costs of new password hashes: memory in KiB, passes, lanes",
		Default: literal(auth.DefaultParams.String()), DefaultDoc: auth.DefaultParams.String(),
		set: func(c *Config, v string) (err error) { c.PasswordHash, err = auth.ParseParams(v); return err }},
	{Flag: "hash-concurrency", Env: "CERTLAB_HASH_CONCURRENCY", Arg: "N", Usage: "password hashes computed at once (each takes the hash's memory); more wait, then get 503",
		Default: literal("0"), DefaultDoc: "the number of CPUs less one (at least 1)",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 256 {
				return fmt.Errorf("%q must be a number from 0 (the number of CPUs less one) to 256", v)
			}
			c.HashConcurrency = n
			return nil
		}},
	{Flag: "shutdown-timeout", Env: "CERTLAB_SHUTDOWN_TIMEOUT", Arg: "DURATION", Usage: "on SIGTERM, how long to wait for requests in flight (saves finish and commit) before closing",
		Default: literal("30s"), DefaultDoc: "30s",
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second || d > 10*time.Minute {
				return fmt.Errorf("%q must be a duration from 1s to 10m", v)
			}
			c.ShutdownTimeout = d
			return nil
		}},
}

// clientSettings are how the terminal commands (practice, exam take) reach
// a server.
var clientSettings = []setting{
	{Flag: "server", Env: "CERTLAB_SERVER", Arg: "URL", Usage: "certlab server URL", Default: literal("http://127.0.0.1:8080"), DefaultDoc: "http://127.0.0.1:8080",
		set: func(c *Config, v string) error {
			if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("%q must be an http:// or https:// URL", v)
			}
			c.Server = v
			return nil
		}},
	{Flag: "token", Env: "CERTLAB_TOKEN", Arg: "TOKEN", Secret: true, Usage: "API token, from certlab token create",
		Default: literal(""), DefaultDoc: "none", set: func(c *Config, v string) error { c.Token = v; return nil }},
}

func parseBool(v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%q is not a boolean (true, false, 1, 0)", v)
	}
	return b, nil
}

// settingFlags are the settings' flags registered on a flag set; after the
// flag set parsed its arguments, resolve reads every setting.
type settingFlags struct {
	list []setting
	set  map[string]string // flag name -> value given on the command line
}

// registerSettings registers the flags of the settings on fs. Their
// defaults are not flag defaults: help prints the settings table instead,
// which names variables and never shows their values.
func registerSettings(fs *flag.FlagSet, list ...[]setting) *settingFlags {
	sf := &settingFlags{set: map[string]string{}}
	for _, l := range list {
		sf.list = append(sf.list, l...)
	}
	for _, s := range sf.list {
		if s.Flag == "" {
			continue
		}
		record := func(v string) error { sf.set[s.Flag] = v; return nil }
		if s.Bool {
			fs.BoolFunc(s.Flag, s.Usage, record)
		} else {
			fs.Func(s.Flag, s.Usage, record)
		}
	}
	return sf
}

// resolve sets every setting in c from its flag, else its variable (or the
// file its _FILE variable names), else its default. A value that cannot be
// read or parsed is an error naming where it came from.
func (sf *settingFlags) resolve(getenv func(string) string, c *Config) error {
	var errs []error
	for _, s := range sf.list {
		v, from, err := s.value(sf.set, getenv)
		if err == nil {
			err = s.set(c, v)
		}
		if err != nil {
			if s.Secret && from != "" && !strings.HasSuffix(from, "_FILE") {
				err = errors.New(redactValue(err.Error(), v))
			}
			errs = append(errs, fmt.Errorf("%s: %w", from, err))
		}
	}
	return errors.Join(errs...)
}

// redactValue hides a secret value quoted in an error message.
func redactValue(msg, v string) string {
	if v == "" {
		return msg
	}
	return strings.ReplaceAll(strings.ReplaceAll(msg, strconv.Quote(v), `"…"`), v, "…")
}

// value is the setting's raw value and where it came from: "--flag",
// "CERTLAB_X", "CERTLAB_X_FILE" or "default".
func (s setting) value(flags map[string]string, getenv func(string) string) (v, from string, err error) {
	if v, ok := flags[s.Flag]; ok && s.Flag != "" {
		return v, "--" + s.Flag, nil
	}
	env, file := getenv(s.Env), getenv(s.Env+"_FILE")
	switch {
	case env != "" && file != "":
		return "", s.Env, fmt.Errorf("set %s or %s_FILE, not both", s.Env, s.Env)
	case env != "":
		return env, s.Env, nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", s.Env + "_FILE", fmt.Errorf("cannot read the file it names: %w", err)
		}
		v := strings.TrimSpace(string(b))
		if v == "" {
			return "", s.Env + "_FILE", fmt.Errorf("the file it names, %s, is empty", file)
		}
		return v, s.Env + "_FILE", nil
	}
	return s.Default(getenv), "default", nil
}

// printSettings writes the settings for help: flag, variable, default and
// meaning; never a value from the environment.
func printSettings(w io.Writer, list []setting) {
	var secrets []setting
	for _, s := range list {
		if s.Flag == "" {
			secrets = append(secrets, s)
			continue
		}
		name := "--" + s.Flag
		if s.Arg != "" {
			name += " " + s.Arg
		}
		fmt.Fprintf(w, "  %s\n      %s\n      env %s", name, s.Usage, s.Env)
		if s.DefaultDoc != "" {
			fmt.Fprintf(w, "; default %s", s.DefaultDoc)
		}
		fmt.Fprintln(w)
	}
	if len(secrets) > 0 {
		fmt.Fprintln(w, "\nenvironment only (secrets):")
		for _, s := range secrets {
			fmt.Fprintf(w, "  %s\n      %s", s.Env, s.Usage)
			if s.DefaultDoc != "" {
				fmt.Fprintf(w, "; default %s", s.DefaultDoc)
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintln(w, "\nFlags win over variables, variables over defaults. Every variable X also\nreads X_FILE, the path of a file holding the value (for secrets).")
}

// usage prints a command's usage line, its own flags and its settings.
func usageFunc(w io.Writer, fs *flag.FlagSet, line string, sf *settingFlags) func() {
	return func() {
		fmt.Fprintf(w, "usage: certlab %s\n\n", line)
		own := false
		fs.VisitAll(func(f *flag.Flag) {
			for _, s := range sf.list {
				if s.Flag == f.Name {
					return
				}
			}
			if !own {
				fmt.Fprintln(w, "flags:")
				own = true
			}
			def := ""
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				def = " (default " + f.DefValue + ")"
			}
			fmt.Fprintf(w, "  --%s\n      %s%s\n", f.Name, f.Usage, def)
		})
		if own {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, "settings:")
		printSettings(w, sf.list)
	}
}

// loadConfig reads the configuration of certlab serve from its arguments
// and the environment: flags over CERTLAB_* variables over defaults, each
// value checked. -h and --help return flag.ErrHelp.
func loadConfig(args []string, getenv func(string) string) (Config, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	sf := registerSettings(fs, serveSettings)
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	var c Config
	if err := sf.resolve(getenv, &c); err != nil {
		return Config{}, fmt.Errorf("configuration: %w", err)
	}
	return c, nil
}

// openDB opens the configured database. With migrate it brings the schema
// up to date; without, it refuses a schema that is behind.
func openDB(ctx context.Context, c Config, logger *slog.Logger, migrate bool) (*sqlstore.Store, error) {
	return app.OpenStore(ctx, c.DB, migrate, logger)
}

func newLogger(env *Env, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(env.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(env.Stderr, opts)), nil
	}
	return nil, fmt.Errorf("log format %q must be text or json", format)
}

func quietLogger(env *Env) *slog.Logger {
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
