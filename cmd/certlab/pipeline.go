package main

import (
	"context"
	"errors"
)

// runPipeline is being built; it is replaced by the real command.
func runPipeline(ctx context.Context, env *Env, args []string) error {
	return errors.New("certlab pipeline: not built yet")
}
