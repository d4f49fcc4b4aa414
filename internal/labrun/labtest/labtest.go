// Package labtest does in tests what a candidate does with a lab's
// starting workspace: unpack the downloaded archive with tar, work in it
// (the lab's reference solution, or one of its wrong solutions, run with
// bash and git) and pack the folder again for upload. It is for tests only.
package labtest

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/certlab/certlab/internal/lab"
)

// Unpack extracts a downloaded workspace archive with tar into a new
// temporary folder and returns the workspace folder inside it.
func Unpack(tb testing.TB, l *lab.Lab, archive []byte) string {
	tb.Helper()
	dir := tb.TempDir()
	cmd := exec.Command("tar", "xzf", "-")
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(archive)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("tar xzf the workspace of %s: %v\n%s", l.ID, err, out)
	}
	ws := filepath.Join(dir, l.ID)
	if _, err := os.Stat(filepath.Join(ws, lab.MetaDir, "lab.json")); err != nil {
		tb.Fatalf("the workspace archive of %s has no %s/%s/lab.json: %v", l.ID, l.ID, lab.MetaDir, err)
	}
	return ws
}

// Run runs a script of the lab (its solution, or a wrong solution) in the
// workspace folder, as the candidate would work there.
func Run(tb testing.TB, l *lab.Lab, dir, script string) {
	tb.Helper()
	var out bytes.Buffer
	if err := lab.RunScript(context.Background(), l, &lab.Workspace{Dir: dir}, script, &out, &out); err != nil {
		tb.Fatalf("%v\n%s", err, out.String())
	}
}

// Solve unpacks the archive and applies the lab's reference solution.
func Solve(tb testing.TB, l *lab.Lab, archive []byte) string {
	tb.Helper()
	dir := Unpack(tb, l, archive)
	Run(tb, l, dir, l.Solution)
	return dir
}

// TarGz packs a workspace folder with tar as a candidate would: the
// folder itself, .git included (tar czf lab.tar.gz lab/).
func TarGz(tb testing.TB, dir string) []byte {
	tb.Helper()
	cmd := exec.Command("tar", "czf", "-", filepath.Base(dir))
	cmd.Dir = filepath.Dir(dir)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("tar czf %s: %v\n%s", dir, err, stderr.String())
	}
	return out.Bytes()
}

// Bundle packs a workspace's repository as a git bundle of every ref.
func Bundle(tb testing.TB, dir string) []byte {
	tb.Helper()
	file := filepath.Join(tb.TempDir(), "ws.bundle")
	cmd := exec.Command("git", "bundle", "create", file, "--all")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("git bundle create: %v\n%s", err, out)
	}
	f, err := os.Open(file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
