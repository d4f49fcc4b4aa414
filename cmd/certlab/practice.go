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

// newClient reads the terminal client's settings (server and token)
// after fs parsed its arguments, and returns the API client.
func newClient(env *Env, sf *settingFlags) (*client.Client, error) {
	var c Config
	if err := sf.resolve(env.Getenv, &c); err != nil {
		return nil, err
	}
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
	fs := flag.NewFlagSet("practice", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	sf := registerSettings(fs, clientSettings)
	examID := fs.String("exam", "az-400", "exam to practise for")
	domains := fs.String("domains", "", "only these domains, comma-separated (e.g. d3,d4)")
	objectives := fs.String("objectives", "", "only these objectives, comma-separated")
	types := fs.String("types", "", "only these item types, comma-separated")
	count := fs.Int("count", 10, "number of items")
	unseen := fs.Bool("unseen", false, "only items never answered before")
	missed := fs.Bool("missed", false, "retry the items last answered wrong")
	fs.Usage = usageFunc(env.Stderr, fs, "practice [flags]", sf)
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := newClient(env, sf)
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

// runExam: certlab exam take EXAM — a full timed exam. It exits 0 once the
// exam is submitted, passed or not; the report says which.
func runExam(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "take" {
		fmt.Fprintln(env.Stderr, "usage: certlab exam take EXAM [--server URL] [--token TOKEN]")
		return flag.ErrHelp
	}
	fs := flag.NewFlagSet("exam take", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	sf := registerSettings(fs, clientSettings)
	fs.Usage = usageFunc(env.Stderr, fs, "exam take EXAM [flags]", sf)
	examID, rest := splitPositional(args[1:])
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if examID == "" {
		return errors.New("exam take: name the exam, for example az-400")
	}
	c, err := newClient(env, sf)
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
