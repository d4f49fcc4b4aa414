package main

import (
	"context"
	"errors"
)

func runPractice(ctx context.Context, env *Env, args []string) error {
	return errors.New("practice: not built yet")
}

func runExam(ctx context.Context, env *Env, args []string) error {
	return errors.New("exam: not built yet")
}
