package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/certlab/certlab/internal/api"
	"github.com/certlab/certlab/internal/auth"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/pack"
	"github.com/certlab/certlab/internal/study"
	"github.com/certlab/certlab/internal/web"
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
	fsys, root := packFS(cfg.Content)
	cat, diags := pack.Load(fsys, root)
	for _, d := range diags {
		if !d.Warning {
			logger.Warn("content error: file left out", "at", d.String())
		}
	}
	store, err := cfg.open(ctx, logger, cfg.Migrate)
	if err != nil {
		return err
	}
	defer store.Close()

	studies, err := study.New(store, store, cat, time.Now, cfg.Retention)
	if err != nil {
		return err
	}
	engine := &exam.Engine{Store: store, Catalog: cat, Now: time.Now, Logger: logger, Due: studies.DueItems, Adaptive: studies.NextAdaptive, ScaleIRT: studies.ScaleIRT}
	srv := &api.Server{Store: store, Catalog: cat, Engine: engine, Logger: logger, Now: time.Now, Study: studies,
		SecureCookies: cfg.SecureCookies, PasswordParams: auth.DefaultParams,
		Ready: func(ctx context.Context) error { return store.CheckSchema(ctx) }}
	if srv.Fallback, err = web.New(web.Config{Store: store, Catalog: cat, Engine: engine, Study: studies, Logger: logger, Now: time.Now,
		SecureCookies: cfg.SecureCookies, PasswordParams: auth.DefaultParams}); err != nil {
		return err
	}
	if srv.Credentials, err = cfg.Credentials.open(ctx, cfg.Addr, cfg.DB, store, cat, engine, logger); err != nil {
		return err
	}
	if srv.Credentials != nil {
		go sweepCredentials(ctx, srv.Credentials, logger)
	}

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
	return serveUntilDone(ctx, ln, srv.Handler(), engine, logger)
}

// serveUntilDone serves until ctx ends, submitting attempts whose deadline
// passed every few seconds, then shuts down gracefully.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler, engine *exam.Engine, logger interface {
	Info(string, ...any)
	Error(string, ...any)
}) error {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		select {
		case err := <-errc:
			return err
		case <-tick.C:
			if n, err := engine.SweepDeadlines(ctx); err != nil {
				logger.Error("deadline sweep", "err", err)
			} else if n > 0 {
				logger.Info("attempts submitted at their deadline", "count", n)
			}
		case <-ctx.Done():
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
	}
}
