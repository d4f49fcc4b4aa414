package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/certlab/certlab/internal/pipelines/lsp"
)

// runPipelineLSP implements "certlab pipeline lsp": the editor server on
// standard input and output.
func runPipelineLSP(ctx context.Context, env *Env, args []string) error {
	cfg := &pipelineConfig{params: keyValues{}, vars: keyValues{}, repos: keyValues{}}
	fs := pipelineFlags(env.Stderr, cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("pipeline lsp: unexpected argument %q (the editor opens the files)", fs.Arg(0))
	}
	opts := lsp.Options{Repositories: map[string]string{}, Variables: cfg.vars}
	for k, v := range cfg.repos {
		abs, err := filepath.Abs(v)
		if err != nil {
			return fmt.Errorf("pipeline lsp: --repo %s: %w", k, err)
		}
		opts.Repositories[k] = abs
	}
	err := lsp.Serve(ctx, stdio{env.Stdin, env.Stdout}, opts)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// stdio joins standard input and output into the connection the server
// speaks on.
type stdio struct {
	io.Reader
	io.Writer
}

// Close leaves the process's standard streams to the process.
func (stdio) Close() error { return nil }
