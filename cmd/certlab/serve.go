package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/certlab/certlab/internal/app"
)

type serveConfig struct {
	dbConfig
	Addr          string
	Content       string
	LogFormat     string
	LogLevel      string
	Migrate       bool
	SecureCookies bool
	Retention     float64
	Credentials   credentialConfig
}

func runServe(ctx context.Context, env *Env, args []string) error {
	var cfg serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.register(fs, env.Getenv)
	fs.StringVar(&cfg.Addr, "addr", envOr(env.Getenv, "CERTLAB_ADDR", "127.0.0.1:8080"), "listen address (env CERTLAB_ADDR)")
	fs.StringVar(&cfg.Content, "content", envOr(env.Getenv, "CERTLAB_CONTENT", ""), "load program packs from this folder instead of the built-in ones (env CERTLAB_CONTENT)")
	fs.StringVar(&cfg.LogFormat, "log-format", envOr(env.Getenv, "CERTLAB_LOG_FORMAT", "text"), "text or json")
	fs.StringVar(&cfg.LogLevel, "log-level", envOr(env.Getenv, "CERTLAB_LOG_LEVEL", "info"), "debug, info, warn or error")
	fs.BoolVar(&cfg.Migrate, "migrate", true, "apply pending database migrations at start (false: refuse to start on an old schema)")
	fs.BoolVar(&cfg.SecureCookies, "secure-cookies", envOr(env.Getenv, "CERTLAB_SECURE_COOKIES", "") == "true", "mark cookies Secure (behind HTTPS)")
	fs.Float64Var(&cfg.Retention, "retention", 0.9, "desired retention of spaced review (FSRS), 0.7 to 0.97")
	cfg.Credentials.register(fs, env.Getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger, err := newLogger(env, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return err
	}
	creds, err := cfg.Credentials.config(cfg.Addr, cfg.DB, logger)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, app.Config{DB: cfg.DB, Migrate: cfg.Migrate, ContentDir: cfg.Content, Logger: logger,
		SecureCookies: cfg.SecureCookies, Retention: cfg.Retention, Credentials: creds, Mailer: cfg.Credentials.mailer(logger)})
	if err != nil {
		return err
	}
	defer a.Close()
	cat := a.Catalog

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	items := 0
	for _, ex := range cat.Exams {
		items += len(ex.Items)
	}
	logger.Info("certlab serving", "url", "http://"+ln.Addr().String(), "db", redactDSN(cfg.DB), "programs", len(cat.Programs), "items", items)
	fmt.Fprintf(env.Stdout, "certlab is running on http://%s (Ctrl-C stops it)\n", ln.Addr())
	sweeps, stopSweeps := context.WithCancel(ctx)
	defer stopSweeps()
	go a.RunSweeps(sweeps)
	return serveUntilDone(ctx, ln, a.Handler(), logger)
}

// serveUntilDone serves until ctx ends, then shuts down gracefully.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
