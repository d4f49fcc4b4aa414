package main

import (
	"context"
	"errors"
)

var errNotBuilt = errors.New("not built yet")

func runServe(ctx context.Context, env *Env, args []string) error    { return errNotBuilt }
func runMigrate(ctx context.Context, env *Env, args []string) error  { return errNotBuilt }
func runUser(ctx context.Context, env *Env, args []string) error     { return errNotBuilt }
func runToken(ctx context.Context, env *Env, args []string) error    { return errNotBuilt }
func runPractice(ctx context.Context, env *Env, args []string) error { return errNotBuilt }
func runExam(ctx context.Context, env *Env, args []string) error     { return errNotBuilt }
