package labrun

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/content"
	"github.com/certlab/certlab/internal/lab"
)

// FuzzGradeUpload feeds arbitrary uploads, git bundles included, to the
// server's grading path (read, detect, unpack, owner check, static
// checks) for a git lab: each is either refused as invalid input or
// graded, never an internal error or a panic, and nothing is left behind
// in the grading folder. The seeds are the lab's solved workspace as a
// tar.gz and as a git bundle, and damaged copies of both.
func FuzzGradeUpload(f *testing.F) {
	if _, err := exec.LookPath("git"); err != nil {
		f.Skip("git is not installed")
	}
	labs, diags := lab.LoadPacks(content.FS, "content")
	if len(diags) > 0 {
		f.Fatal(diags)
	}
	l, err := labs.Lab("git-hotfix-cherry-pick")
	if err != nil {
		f.Fatal(err)
	}
	solved := solvedArchive(f, l)
	f.Add(solved)
	f.Add(solved[:len(solved)/2])
	bundle := solvedBundle(f, l)
	f.Add(bundle)
	f.Add(bundle[:len(bundle)*2/3])
	damaged := append([]byte(nil), bundle...)
	damaged[len(damaged)-30] ^= 0xff
	f.Add(damaged)
	f.Add([]byte("# v2 git bundle\n"))
	f.Add([]byte("# v3 git bundle\n@object-format=sha256\n\n"))
	tmp := f.TempDir()
	s := &Service{cfg: Config{Limits: lab.Limits{MaxUpload: 1 << 20, MaxUnpacked: 4 << 20, MaxFiles: 500}, Now: time.Now, TempDir: tmp}, sem: make(chan struct{}, 1)}
	f.Fuzz(func(t *testing.T, data []byte) {
		sub, err := s.grade(context.Background(), l, bytes.NewReader(data))
		switch {
		case err != nil && certlab.ErrorCode(err) != certlab.EINVALID:
			t.Fatalf("an upload of %d bytes gave an internal error: %v", len(data), err)
		case err == nil && (sub.MaxPoints <= 0 || len(sub.Checks) == 0):
			t.Fatalf("a graded upload without checks: %+v", sub)
		}
		if left, _ := os.ReadDir(tmp); len(left) != 0 {
			t.Fatalf("grading left %d entries behind in its folder", len(left))
		}
	})
}

// solvedBundle is the lab's solved workspace as a git bundle of every ref.
func solvedBundle(tb testing.TB, l *lab.Lab) []byte {
	tb.Helper()
	dir := tb.TempDir()
	ws, err := lab.Unpack(context.Background(), bytes.NewReader(solvedArchive(tb, l)), filepath.Join(dir, "ws"), lab.DefaultLimits)
	if err != nil {
		tb.Fatal(err)
	}
	file := filepath.Join(dir, "ws.bundle")
	if _, err := ws.Git(context.Background(), "bundle", "create", file, "--all"); err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
