package main

import (
	"context"
	"errors"
)

// runCalibrate is being built; it is replaced by the real command.
func runCalibrate(ctx context.Context, env *Env, args []string) error {
	return errors.New("certlab calibrate: not built yet")
}
