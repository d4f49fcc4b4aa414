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

	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/server"
	"github.com/certlab/certlab/internal/tracing"
)

// runServe: certlab serve — the web UI and JSON API, with the sweeps.
func runServe(ctx context.Context, env *Env, args []string) error {
	cfg, err := loadConfig(args, env.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(env.Stderr, "usage: certlab serve [flags]\n\nsettings:")
		printSettings(env.Stderr, serveSettings)
		return err
	}
	if err != nil {
		return err
	}
	logger, err := newLogger(env, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return err
	}
	creds, err := credentialConfig(&cfg, logger)
	if err != nil {
		return err
	}
	// The application is built with a context that outlives the signal:
	// shutdown must still commit the saves in flight.
	a, err := app.New(context.WithoutCancel(ctx), app.Config{DB: cfg.DB, Migrate: cfg.Migrate, ContentDir: cfg.Content, Logger: logger,
		SecureCookies: cfg.SecureCookies, Retention: cfg.Retention, Credentials: creds, Mailer: mailer(cfg, logger),
		PasswordParams: cfg.PasswordHash, Hashes: account.HashLimit{Running: cfg.HashConcurrency},
		TrustedProxies: cfg.TrustedProxies, Pool: app.PoolConfig{MaxConns: cfg.DBMaxConns}, Metrics: true, BaseURL: publicURL(cfg),
		Tracing: traceConfig(cfg)})
	if err != nil {
		return err
	}
	defer a.Close()
	cat := a.Catalog

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	var ops net.Listener
	if cfg.MetricsAddr != "" {
		if ops, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			ln.Close()
			return err
		}
		logger.Info("metrics and pprof", "url", "http://"+ops.Addr().String()+"/metrics")
	}
	items := 0
	for _, ex := range cat.Exams {
		items += len(ex.Items)
	}
	logger.Info("certlab serving", "url", "http://"+ln.Addr().String(), "db", redactDSN(cfg.DB), "programs", len(cat.Programs), "items", items)
	fmt.Fprintf(env.Stdout, "certlab is running on http://%s (Ctrl-C stops it)\n", ln.Addr())
	sweeps, stopSweeps := context.WithCancel(context.WithoutCancel(ctx))
	sweepsDone := make(chan struct{})
	go func() { a.RunSweeps(sweeps); close(sweepsDone) }()
	defer func() { stopSweeps(); <-sweepsDone }()
	var opsHandler http.Handler
	if ops != nil {
		opsHandler = a.Metrics.OpsHandler()
	}
	return serveUntilDone(ctx, ln, a.Handler(), ops, opsHandler, a.Server.Drain, cfg.ShutdownTimeout, logger)
}

// serveUntilDone serves until ctx ends, then shuts down gracefully: the
// readiness probe turns unavailable (drain), listeners close, and the
// requests in flight (saves among them) run to their end and are answered,
// for up to timeout. The caller then closes the store, which commits the
// writes still queued.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler, ops net.Listener, opsHandler http.Handler,
	drain func(), timeout time.Duration, logger *slog.Logger) error {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	hs := server.HTTPServer(h)
	errc := make(chan error, 2)
	go func() { errc <- hs.Serve(ln) }()
	var opsSrv *http.Server
	if ops != nil {
		opsSrv = server.HTTPServer(opsHandler)
		opsSrv.WriteTimeout = 2 * time.Minute // a 30-second CPU profile, and some
		go func() { errc <- opsSrv.Serve(ops) }()
	}
	select {
	case err := <-errc:
		hs.Close()
		if opsSrv != nil {
			opsSrv.Close()
		}
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing the requests in flight", "timeout", timeout)
	if drain != nil {
		drain()
	}
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if opsSrv != nil {
		opsSrv.Shutdown(sctx)
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

// traceConfig is the tracing of the settings, or nil when no collector
// is named.
func traceConfig(c Config) *tracing.Config {
	if c.TraceEndpoint == "" {
		return nil
	}
	return &tracing.Config{Endpoint: c.TraceEndpoint, Sample: c.TraceSample}
}

// publicURL is the server's public URL: --base-url, else http:// and the
// listening address.
func publicURL(c Config) string {
	if c.BaseURL != "" {
		return c.BaseURL
	}
	return "http://" + c.Addr
}
