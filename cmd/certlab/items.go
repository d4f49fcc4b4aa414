package main

import (
	"context"
	"errors"
)

// runItems is being built; it is replaced by the real command.
func runItems(ctx context.Context, env *Env, args []string) error {
	return errors.New("certlab items: not built yet")
}
