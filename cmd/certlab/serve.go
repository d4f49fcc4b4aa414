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
	a, err := app.New(ctx, app.Config{DB: cfg.DB, Migrate: cfg.Migrate, ContentDir: cfg.Content, Logger: logger,
		SecureCookies: cfg.SecureCookies, Retention: cfg.Retention, Credentials: creds, Mailer: mailer(cfg, logger), BaseURL: publicURL(cfg)})
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

// publicURL is the server's public URL: --base-url, else http:// and the
// listening address.
func publicURL(c Config) string {
	if c.BaseURL != "" {
		return c.BaseURL
	}
	return "http://" + c.Addr
}
