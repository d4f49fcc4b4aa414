package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/sqlite"
)

// runBackup: certlab backup --out FILE — a consistent copy of the SQLite
// database, taken while the server runs.
func runBackup(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	sf := registerSettings(fs, []setting{dbSetting})
	out := fs.String("out", "", "file to write the backup to (must not exist)")
	fs.Usage = usageFunc(env.Stderr, fs, "backup --out FILE [--db FILE]", sf)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var cfg Config
	if err := sf.resolve(env.Getenv, &cfg); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("backup: give --out FILE")
	}
	if app.IsPostgres(cfg.DB) {
		return errors.New("backup: the database is PostgreSQL: back it up with pg_dump, or continuous archiving for point-in-time recovery (docs/operations.md)")
	}
	start := time.Now()
	if err := sqlite.Backup(ctx, cfg.DB, *out); err != nil {
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backup of %s written to %s (%d bytes, %s)\n", cfg.DB, *out, st.Size(), time.Since(start).Round(time.Millisecond))
	return nil
}

// runRestore: certlab restore --from FILE — replace the SQLite database
// with a backup (the server must be stopped).
func runRestore(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	sf := registerSettings(fs, []setting{dbSetting})
	from := fs.String("from", "", "backup file made by certlab backup")
	force := fs.Bool("force", false, "replace an existing database")
	fs.Usage = usageFunc(env.Stderr, fs, "restore --from FILE [--db FILE] [--force]", sf)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var cfg Config
	if err := sf.resolve(env.Getenv, &cfg); err != nil {
		return err
	}
	if *from == "" {
		return errors.New("restore: give --from FILE")
	}
	if app.IsPostgres(cfg.DB) {
		return errors.New("restore: the database is PostgreSQL: restore it with pg_restore (docs/operations.md)")
	}
	if err := sqlite.Restore(ctx, *from, cfg.DB, *force); err != nil {
		return err
	}
	s, err := sqlite.Open(ctx, cfg.DB)
	if err != nil {
		return fmt.Errorf("restore: the restored database does not open: %w", err)
	}
	defer s.Close()
	applied, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("restore: the restored database does not read: %w", err)
	}
	fmt.Fprintf(env.Stdout, "%s restored from %s (schema version %d", cfg.DB, *from, applied)
	if applied < latest {
		fmt.Fprintf(env.Stdout, "; this certlab migrates it to %d at start, or run certlab migrate", latest)
	}
	fmt.Fprintln(env.Stdout, "); start the server")
	return nil
}
