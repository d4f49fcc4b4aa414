package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
)

func runMigrate(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	sf := registerSettings(fs, []setting{dbSetting})
	fs.Usage = usageFunc(env.Stderr, fs, "migrate [flags]", sf)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var cfg Config
	if err := sf.resolve(env.Getenv, &cfg); err != nil {
		return err
	}
	s, err := openDB(ctx, cfg, quietLogger(env), true)
	if err != nil {
		return err
	}
	defer s.Close()
	applied, _, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "database %s is at schema version %d\n", redactDSN(cfg.DB), applied)
	return nil
}

// redactDSN hides a password in a database URL.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
