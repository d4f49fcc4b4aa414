package charttest

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

const dockerfile = "../../Dockerfile"

// parseDockerfile parses the Dockerfile with BuildKit and returns its
// stages and the warnings of BuildKit's build checks run at parse time.
func parseDockerfile(t *testing.T) ([]instructions.Stage, []string) {
	t.Helper()
	f, err := os.Open(dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	var warnings []string
	for _, w := range res.Warnings {
		warnings = append(warnings, w.Short)
	}
	lint := linter.New(&linter.Config{ExperimentalAll: true, Warn: func(rule, desc, url, msg string, loc []parser.Range) {
		warnings = append(warnings, rule+": "+msg)
	}})
	stages, _, err := instructions.Parse(res.AST, lint)
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	return stages, warnings
}

// The Dockerfile parses with docker build's own parser, passes its build
// checks, builds in a stage of its own, ships a static binary on a
// distroless base as a non-root user, and has a health check.
func TestDockerfile(t *testing.T) {
	stages, warnings := parseDockerfile(t)
	for _, w := range warnings {
		t.Errorf("build check: %s", w)
	}
	if len(stages) < 2 {
		t.Fatalf("%d stages: the build must be multi-stage", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]
	if !strings.HasPrefix(build.BaseName, "golang:") {
		t.Errorf("build stage from %s", build.BaseName)
	}
	if !strings.HasPrefix(final.BaseName, "gcr.io/distroless/static") && final.BaseName != "scratch" {
		t.Errorf("final stage from %s: want distroless static or scratch", final.BaseName)
	}
	if strings.HasSuffix(final.BaseName, ":latest") || !strings.Contains(final.BaseName, ":") {
		t.Errorf("final base %s is not pinned to a tag", final.BaseName)
	}
	var cgoOff, copiesFromBuild, health bool
	var user string
	var entry []string
	for _, cmd := range build.Commands {
		if r, ok := cmd.(*instructions.RunCommand); ok && strings.Contains(strings.Join(r.CmdLine, " "), "CGO_ENABLED=0 go build") {
			cgoOff = true
		}
	}
	for _, cmd := range final.Commands {
		switch c := cmd.(type) {
		case *instructions.CopyCommand:
			if c.From == build.Name {
				copiesFromBuild = true
			}
		case *instructions.UserCommand:
			user = c.User
		case *instructions.HealthCheckCommand:
			health = len(c.Health.Test) > 1 && c.Health.Test[0] == "CMD" && c.Health.Interval > 0
		case *instructions.EntrypointCommand:
			entry = c.CmdLine
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				if strings.Contains(strings.ToUpper(kv.Key), "SECRET") || strings.Contains(strings.ToUpper(kv.Key), "PASSWORD") {
					t.Errorf("ENV %s puts a secret in the image", kv.Key)
				}
			}
		}
	}
	if !cgoOff {
		t.Error("the build stage does not build with CGO_ENABLED=0 (a static binary)")
	}
	if !copiesFromBuild {
		t.Error("the final stage does not copy the binary from the build stage")
	}
	if user == "" || user == "root" || user == "0" || strings.HasPrefix(user, "0:") {
		t.Errorf("final user %q: want a non-root user", user)
	}
	if !health {
		t.Error("no HEALTHCHECK CMD with an interval")
	}
	if !slices.Equal(entry, []string{"/usr/local/bin/certlab"}) {
		t.Errorf("entrypoint %v", entry)
	}
}

// The binary the Dockerfile builds is static: built with the Dockerfile's
// own command, the ELF has no interpreter and needs no shared library, so
// it runs on a base with no libc.
func TestDockerfileBinaryIsStatic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds certlab")
	}
	stages, _ := parseDockerfile(t)
	var line string
	for _, cmd := range stages[0].Commands {
		if r, ok := cmd.(*instructions.RunCommand); ok && strings.Contains(strings.Join(r.CmdLine, " "), "go build") {
			line = strings.Join(r.CmdLine, " ")
		}
	}
	build, _, _ := strings.Cut(line, "&&")
	out := filepath.Join(t.TempDir(), "certlab")
	build = strings.ReplaceAll(build, "/out/certlab", out)
	cmd := exec.Command("sh", "-c", build)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", build, err, b)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("the binary has an ELF interpreter: it is dynamically linked")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Fatalf("the binary needs %v", libs)
	}
}
