package main

import (
	"context"
	"flag"

	"github.com/certlab/certlab/internal/pathway"
)

// runPathway: certlab pathway [--program ID] — the signed-in candidate's
// way to each credential, from the server: every step with its state in
// words, what is still required and the next action.
func runPathway(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("pathway", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	sf := registerSettings(fs, clientSettings)
	program := fs.String("program", "", "only this program's pathway (e.g. devops-engineer-expert)")
	fs.Usage = usageFunc(env.Stderr, fs, "pathway [flags]", sf)
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := newClient(env, sf)
	if err != nil {
		return err
	}
	pws, err := c.Pathways(ctx, *program)
	if err != nil {
		return err
	}
	return pathway.Fprint(env.Stdout, pws, c.BaseURL)
}
