package main

import (
	"context"
	"errors"
)

// runBadge is being built; it is replaced by the real command.
func runBadge(ctx context.Context, env *Env, args []string) error {
	return errors.New("certlab badge: not built yet")
}
