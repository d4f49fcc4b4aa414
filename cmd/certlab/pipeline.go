package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/certlab/certlab/internal/pipelines"
)

// keyValues is a repeatable NAME=VALUE flag.
type keyValues map[string]string

func (kv keyValues) String() string { return fmt.Sprint(map[string]string(kv)) }

func (kv keyValues) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want NAME=VALUE, got %q", s)
	}
	kv[k] = v
	return nil
}

const pipelineUsage = `usage: certlab pipeline expand|validate|run FILE [flags]
       certlab pipeline lsp

  expand    print the fully expanded pipeline as YAML
  validate  expand, then check the result against the pipeline model
  run       run the pipeline's stages, jobs, scripts and common tasks on this machine
  lsp       serve the Language Server Protocol on standard input and output

flags:
`

// runPipeline implements "certlab pipeline expand|validate|run".
func runPipeline(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(env.Stderr, pipelineUsage)
		pipelineFlags(env.Stderr, &pipelineConfig{}).PrintDefaults()
		if len(args) == 0 {
			return flag.ErrHelp
		}
		return nil
	}
	sub := args[0]
	if sub == "lsp" {
		return runPipelineLSP(ctx, env, args[1:])
	}
	if sub != "expand" && sub != "validate" && sub != "run" {
		fmt.Fprint(env.Stderr, pipelineUsage)
		return fmt.Errorf("pipeline: unknown sub-command %q", sub)
	}
	cfg := &pipelineConfig{params: keyValues{}, vars: keyValues{}, repos: keyValues{}}
	fs := pipelineFlags(env.Stderr, cfg)
	var files []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 1 {
		fmt.Fprint(env.Stderr, pipelineUsage)
		fs.PrintDefaults()
		return errors.New("pipeline: give exactly one pipeline FILE")
	}
	opts := pipelines.Options{
		Parameters:   cfg.params,
		Variables:    cfg.vars,
		Repositories: map[string]string{},
		Root:         cfg.root,
		SyntaxOnly:   cfg.syntaxOnly,
	}
	for k, v := range cfg.repos {
		abs, err := filepath.Abs(v)
		if err != nil {
			return fmt.Errorf("pipeline: --repo %s: %w", k, err)
		}
		opts.Repositories[k] = abs
	}
	doc, err := pipelines.Expand(files[0], opts)
	if err != nil {
		fmt.Fprintln(env.Stderr, err)
		return errSilentFailure
	}
	switch sub {
	case "expand":
		out, err := doc.YAML()
		if err != nil {
			return err
		}
		_, err = env.Stdout.Write(out)
		return err
	case "validate":
		p, err := pipelines.Validate(doc)
		if err != nil {
			fmt.Fprintln(env.Stderr, err)
			return errSilentFailure
		}
		jobs, steps := 0, 0
		for _, st := range p.Stages {
			jobs += len(st.Jobs)
			for _, j := range st.Jobs {
				steps += len(j.Steps)
				if j.Deployment != nil {
					for _, h := range j.Deployment.Hooks {
						steps += len(h.Steps)
					}
				}
			}
		}
		fmt.Fprintf(env.Stdout, "%s: valid (%d stages, %d jobs, %d steps)\n", files[0], len(p.Stages), jobs, steps)
		return nil
	}
	p, err := pipelines.Validate(doc)
	if err != nil {
		fmt.Fprintln(env.Stderr, err)
		return errSilentFailure
	}
	root := opts.Root
	if root == "" {
		root = filepath.Dir(files[0])
	}
	res, err := pipelines.Run(ctx, p, pipelines.RunOptions{
		SourcesDir:   root,
		WorkDir:      cfg.workdir,
		Variables:    cfg.vars,
		Repositories: opts.Repositories,
		MaxParallel:  cfg.maxParallel,
		HostOSAny:    cfg.hostOSAny,
		Stdout:       env.Stdout,
		Getenv:       env.Getenv,
	})
	if err != nil {
		fmt.Fprintln(env.Stderr, err)
		return errSilentFailure
	}
	if !res.Succeeded() {
		return errSilentFailure
	}
	return nil
}

type pipelineConfig struct {
	params, vars, repos keyValues
	root                string
	syntaxOnly          bool
	workdir             string
	maxParallel         int
	hostOSAny           bool
}

func pipelineFlags(stderr io.Writer, cfg *pipelineConfig) *flag.FlagSet {
	fs := flag.NewFlagSet("certlab pipeline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if cfg.params == nil {
		cfg.params, cfg.vars, cfg.repos = keyValues{}, keyValues{}, keyValues{}
	}
	fs.Var(cfg.params, "param", "runtime parameter `NAME=VALUE` (VALUE is YAML; repeatable)")
	fs.Var(cfg.vars, "var", "variable `NAME=VALUE` known at compile time and at run time (repeatable)")
	fs.Var(cfg.repos, "repo", "map repository resource `REPO=DIR` (REPO is its alias or name@ref; repeatable)")
	fs.StringVar(&cfg.root, "root", "", "folder of the pipeline's own repository (default: the folder of FILE)")
	fs.BoolVar(&cfg.syntaxOnly, "syntax-only", false, "check syntax only: unknown names in ${{ }} read as null")
	fs.StringVar(&cfg.workdir, "workdir", "", "run: workspace folder, kept after the run (default: a temporary folder, removed after the run)")
	fs.IntVar(&cfg.maxParallel, "max-parallel", 2, "run: jobs run at the same time at most")
	fs.BoolVar(&cfg.hostOSAny, "host-os-any", false, "run: run jobs whose pool asks for another OS (Windows, macOS) on this host instead of skipping them")
	return fs
}
