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
	items := fs.String("items", "", "only these items, comma-separated (e.g. lab-git-hotfix-cherry-pick)")
	fs.Usage = usageFunc(env.Stderr, fs, "practice [flags]", sf)
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := newClient(env, sf)
	if err != nil {
		return err
	}
	opts := &exam.PracticeOptions{Domains: splitList(*domains), Objectives: splitList(*objectives), Types: splitList(*types),
		Count: *count, UnseenOnly: *unseen, RetryMissed: *missed, Items: splitList(*items)}
	v, err := c.CreateAttempt(ctx, *examID, certlab.ModePractice, opts)
	if err != nil {
		return err
	}
	_, err = terminal.New(c, env.Stdin, env.Stdout).Run(ctx, v)
	return err
}

// runExam: certlab exam take EXAM — a full timed exam. It shows the start
// page (facts, prerequisites, retake status, appointment) and the
// candidate agreement, starts the clock once the candidate types accept,
// and resumes an exam already open. It exits 0 once the exam is
// submitted, passed or not; the report says which.
func runExam(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "take" {
		fmt.Fprintln(env.Stderr, "usage: certlab exam take EXAM [--appointment ID] [--server URL] [--token TOKEN]")
		return flag.ErrHelp
	}
	fs := flag.NewFlagSet("exam take", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	sf := registerSettings(fs, clientSettings)
	appointment := fs.Int64("appointment", 0, "the admitted appointment a proctored exam starts from (default: the one that can start now)")
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
	info, err := c.StartInfo(ctx, examID)
	if err != nil {
		return err
	}
	t := terminal.New(c, env.Stdin, env.Stdout)
	if open := info.OpenAttempt; open != nil {
		if open.ExamID != examID {
			return fmt.Errorf("you are taking exam %s (attempt %d): finish it first with certlab exam take %s", open.ExamID, open.ID, open.ExamID)
		}
		v, err := c.Attempt(ctx, open.ID)
		if err != nil {
			return err
		}
		if v.Status == certlab.StatusCreated {
			if !t.ShowStart(info) {
				return errors.New("not started: the exam starts once you accept the candidate agreement")
			}
			if v, err = c.Start(ctx, open.ID); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(env.Stdout, "Resuming %s (attempt %d): answers already saved are kept.\n", v.ExamTitle, v.ID)
		}
		_, err = t.Run(ctx, v)
		return err
	}
	if el := info.Eligibility; el != nil && !el.Allowed {
		t.ShowFacts(info)
		if el.NextAttemptAt != nil {
			return fmt.Errorf("%s; your next attempt is allowed from %s", el.Reason, el.NextAttemptAt.UTC().Format("2006-01-02 15:04 MST"))
		}
		return errors.New(el.Reason)
	}
	if info.Facts.Earns && *appointment == 0 {
		for _, ap := range info.Appointments {
			if ap.Startable {
				*appointment = ap.ID
			}
		}
		if *appointment == 0 {
			t.ShowFacts(info)
			return fmt.Errorf("%s is proctored: it starts from your appointment once a proctor has admitted you (book a sitting, check in, and wait for the proctor)", examID)
		}
	}
	if !t.ShowStart(info) {
		return errors.New("not started: the exam starts once you accept the candidate agreement")
	}
	v, err := c.StartExam(ctx, examID, *appointment)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "The clock is running: %d minutes. Answers are saved as you go.\n", (*v.SecondsLeft+59)/60)
	_, err = t.Run(ctx, v)
	return err
}
