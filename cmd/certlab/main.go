// Command certlab is the single binary of certlab: the server, the content
// tools, the pipeline runner and the candidate's terminal client.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) && !errors.Is(err, errSilentFailure) {
			fmt.Fprintln(os.Stderr, "certlab:", err)
		}
		os.Exit(exitCode(err))
	}
}

// errSilentFailure is returned by commands that already printed why they
// failed (a lint report, a failed verification) and only need a non-zero exit.
var errSilentFailure = errors.New("failed")

func exitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

// Env is what every command gets from the outside world. Commands read and
// write only through it, so tests can run them in-process.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// command is one sub-command of the certlab binary.
type command struct {
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

// commands lists every sub-command; each lives in a file of its own.
func commands() map[string]command {
	return map[string]command{
		"serve":       {"run the certlab server (web UI and JSON API)", runServe},
		"migrate":     {"bring the database schema up to date", runMigrate},
		"content":     {"lint and summarise program packs (content lint|stats)", runContent},
		"user":        {"manage accounts (user add EMAIL --role ROLE)", runUser},
		"token":       {"create API tokens (token create EMAIL)", runToken},
		"practice":    {"a practice set in the terminal", runPractice},
		"exam":        {"take a full timed exam in the terminal (exam take EXAM)", runExam},
		"pathway":     {"your way to each credential: steps, states, the next action", runPathway},
		"pipeline":    {"expand, validate and run Azure Pipelines YAML locally", runPipeline},
		"calibrate":   {"calibrate item parameters with IRT", runCalibrate},
		"items":       {"item analysis (items analyze)", runItems},
		"badge":       {"verify Open Badges 3.0 credentials (badge verify)", runBadge},
		"lab":         {"hands-on labs: list, start, check, hint, reset, solution, pack, submit", runLab},
		"backup":      {"copy the SQLite database while the server runs (backup --out FILE)", runBackup},
		"healthcheck": {"exit 0 if the server on this machine answers /healthz (container health check)", runHealthcheck},
		"restore":     {"replace the SQLite database with a backup (restore --from FILE)", runRestore},
		"loadtest":    {"load a server with simulated candidates (loadtest run|seed|flood|verify)", runLoadtest},
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	env := &Env{Getenv: getenv, Stdin: stdin, Stdout: stdout, Stderr: stderr}
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return flag.ErrHelp
		}
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		usage(stderr, cmds)
		return fmt.Errorf("unknown command %q", args[0])
	}
	return c.run(ctx, env, args[1:])
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: certlab COMMAND [flags]\n\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-11s %s\n", n, cmds[n].summary)
	}
}
