package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/sqlstore"
)

// dbConfig is where the database is; shared by every command that opens it.
type dbConfig struct {
	DB string
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

// envOr returns the CERTLAB_ variable's value, or the value of the file
// named by its _FILE variant (for secrets), or def.
func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	if f := getenv(name + "_FILE"); f != "" {
		if b, err := os.ReadFile(f); err == nil {
			return strings.TrimSpace(string(b))
		}
	}
	return def
}

func (c *dbConfig) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.DB, "db", envOr(getenv, "CERTLAB_DB", defaultDBPath(getenv)),
		"database: a SQLite file path, or a postgres:// URL (env CERTLAB_DB)")
}

// open opens the store. With migrate it brings the schema up to date;
// without, it refuses a schema that is behind.
func (c *dbConfig) open(ctx context.Context, logger *slog.Logger, migrate bool) (*sqlstore.Store, error) {
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
