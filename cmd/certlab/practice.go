package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/client"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/terminal"
)

// clientFlags are how the terminal commands reach a server.
type clientFlags struct {
	Server string
	Token  string
}

func (c *clientFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.Server, "server", envOr(getenv, "CERTLAB_SERVER", "http://127.0.0.1:8080"), "certlab server URL (env CERTLAB_SERVER)")
	fs.StringVar(&c.Token, "token", envOr(getenv, "CERTLAB_TOKEN", ""), "API token, from certlab token create (env CERTLAB_TOKEN)")
}

func (c *clientFlags) client() (*client.Client, error) {
	if c.Token == "" {
		return nil, errors.New("an API token is needed: --token or CERTLAB_TOKEN (certlab token create EMAIL makes one)")
	}
	return client.New(c.Server, c.Token), nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// runPractice: certlab practice [--exam az-400] [--domains d3,d4] [--types single] [--count 10] [--unseen] [--missed]
func runPractice(ctx context.Context, env *Env, args []string) error {
	var cf clientFlags
	fs := flag.NewFlagSet("practice", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cf.register(fs, env.Getenv)
	examID := fs.String("exam", "az-400", "exam to practise for")
	domains := fs.String("domains", "", "only these domains, comma-separated (e.g. d3,d4)")
	objectives := fs.String("objectives", "", "only these objectives, comma-separated")
	types := fs.String("types", "", "only these item types, comma-separated")
	count := fs.Int("count", 10, "number of items")
	unseen := fs.Bool("unseen", false, "only items never answered before")
	missed := fs.Bool("missed", false, "retry the items last answered wrong")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	opts := &exam.PracticeOptions{Domains: splitList(*domains), Objectives: splitList(*objectives), Types: splitList(*types),
		Count: *count, UnseenOnly: *unseen, RetryMissed: *missed}
	v, err := c.CreateAttempt(ctx, *examID, certlab.ModePractice, opts)
	if err != nil {
		return err
	}
	_, err = terminal.New(c, env.Stdin, env.Stdout).Run(ctx, v)
	return err
}

// runExam: certlab exam take EXAM — a full timed exam; exits 0 when passed.
func runExam(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "take" {
		fmt.Fprintln(env.Stderr, "usage: certlab exam take EXAM [--server URL] [--token TOKEN]")
		return flag.ErrHelp
	}
	var cf clientFlags
	fs := flag.NewFlagSet("exam take", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cf.register(fs, env.Getenv)
	examID, rest := splitPositional(args[1:])
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if examID == "" {
		return errors.New("exam take: name the exam, for example az-400")
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	v, err := c.CreateAttempt(ctx, examID, certlab.ModeExam, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "The clock is running: %d minutes. Answers are saved as you go.\n", (*v.SecondsLeft+59)/60)
	_, err = terminal.New(c, env.Stdin, env.Stdout).Run(ctx, v)
	return err
}
