package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"
)

// runHealthcheck: certlab healthcheck — asks the server on this machine
// for /healthz and exits 0 if it answers 200. It is the container's health
// check: the distroless image has no shell or curl. It only ever asks a
// loopback address, on the port of CERTLAB_ADDR.
func runHealthcheck(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	path := fs.String("path", "/healthz", "path to ask for: /healthz (alive) or /readyz (ready for traffic)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	addr := env.Getenv("CERTLAB_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("healthcheck: CERTLAB_ADDR %q is not HOST:PORT", addr)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+net.JoinHostPort("127.0.0.1", port)+*path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %d", *path, resp.StatusCode)
	}
	return nil
}
