package lab

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

type entry struct {
	name, body, link string
	typ              byte
}

func tarGz(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		h := &tar.Header{Name: e.name, Typeflag: typ, Mode: 0o644, Size: int64(len(e.body)), Linkname: e.link}
		if typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			tw.Write([]byte(e.body))
		}
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func zipOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.link != "" {
			h.SetMode(os.ModeSymlink | 0o777)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if e.link != "" {
			w.Write([]byte(e.link))
		} else {
			w.Write([]byte(e.body))
		}
	}
	zw.Close()
	return buf.Bytes()
}

func TestUnpackRefuses(t *testing.T) {
	small := Limits{MaxUpload: 1 << 20, MaxUnpacked: 1000, MaxFiles: 5}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"not an archive", []byte("hello"), "not a .tar.gz, .zip or git bundle"},
		{"climbs out", tarGz(t, entry{name: "../../etc/cron.d/x", body: "x"}), "climbs out of the workspace"},
		{"absolute", tarGz(t, entry{name: "/etc/passwd", body: "x"}), "absolute or malformed"},
		{"symlink out", tarGz(t, entry{name: "link", link: "/etc/passwd", typ: tar.TypeSymlink}), "points to \"/etc/passwd\", outside the workspace"},
		{"relative symlink out", tarGz(t, entry{name: "a/link", link: "../../x", typ: tar.TypeSymlink}), "outside the workspace"},
		{"hard link", tarGz(t, entry{name: "h", link: "x", typ: tar.TypeLink}), "hard link"},
		{"device", tarGz(t, entry{name: "d", typ: tar.TypeChar}), "device"},
		{"too many files", tarGz(t, entry{name: "1", body: "x"}, entry{name: "2", body: "x"}, entry{name: "3", body: "x"}, entry{name: "4", body: "x"}, entry{name: "5", body: "x"}, entry{name: "6", body: "x"}), "more than 5 files"},
		{"too large", tarGz(t, entry{name: "big", body: strings.Repeat("x", 2000)}), "MB once unpacked"},
		{"zip climbs out", zipOf(t, entry{name: "../x", body: "x"}), "climbs out"},
		{"zip symlink out", zipOf(t, entry{name: "l", link: "/etc/shadow"}), "outside the workspace"},
		{"corrupt gzip", append([]byte{0x1f, 0x8b}, []byte("garbage")...), "not a gzip archive"},
		{"corrupt bundle", []byte("# v2 git bundle\nnot a bundle at all\n"), "corrupt git bundle"},
		{".git is a file", tarGz(t, entry{name: ".git", body: "gitdir: /etc\n"}), ".git is not a folder"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Unpack(context.Background(), bytes.NewReader(tc.data), t.TempDir(), small)
			if err == nil || !errors.Is(err, ErrBadArchive) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a refusal with %q", err, tc.want)
			}
		})
	}
	big := Limits{MaxUpload: 10, MaxUnpacked: 1000, MaxFiles: 5}
	if _, err := Unpack(context.Background(), bytes.NewReader(tarGz(t, entry{name: "a", body: "x"})), t.TempDir(), big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("an upload over the limit: %v", err)
	}
}

// TestSubmissionRoundTrip: a solved workspace packed as the CLI does, or
// sent as a git bundle, is unpacked and graded on the server with the same
// verdict; a workspace of another lab is refused.
func TestSubmissionRoundTrip(t *testing.T) {
	ctx := context.Background()
	l := cherryLab(t)
	ws, err := Start(ctx, l, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	shell(t, ws, "git checkout -q -b feature && echo fixed > fix.txt && git add fix.txt && git commit -qm 'Fix it' && git tag -a v2 -m v2")
	// A hook and a configuration in the upload must not run or matter.
	if err := os.WriteFile(filepath.Join(ws.Dir, ".git", "hooks", "post-checkout"), []byte("#!/bin/sh\ntouch /tmp/certlab-hook-ran\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	local := Grade(ctx, l, ws)
	if !local.Passed {
		t.Fatalf("local grade: %v", local.Failed())
	}
	var archive bytes.Buffer
	if err := Pack(&archive, ws); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(t.TempDir(), "ws.bundle")
	shell(t, ws, "git bundle create -q "+bundle+" --all")
	bundleData, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"archive": archive.Bytes(), "bundle": bundleData} {
		t.Run(name, func(t *testing.T) {
			sub, err := Unpack(ctx, bytes.NewReader(data), filepath.Join(t.TempDir(), "sub"), DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(sub.Dir, ".git", "hooks", "post-checkout")); err == nil {
				t.Fatal("the upload's hook was kept")
			}
			if err := CheckOwner(ctx, l, sub); err != nil {
				t.Fatalf("owner: %v", err)
			}
			rep := Grade(ctx, l, sub)
			if !rep.Passed || rep.Points != local.Points {
				t.Fatalf("server grade %v (%.1f points), local %.1f", rep.Failed(), rep.Points, local.Points)
			}
		})
	}
	if _, err := os.Stat("/tmp/certlab-hook-ran"); err == nil {
		t.Fatal("a hook of the upload ran")
	}
	other := cherryLab(t)
	other.ID = "other"
	other.Setup.Git = append(other.Setup.Git[:1:1], GitStep{Commit: &CommitStep{Message: "something else", Files: map[string]string{"z": "z"}}})
	sub, err := Unpack(ctx, bytes.NewReader(archive.Bytes()), filepath.Join(t.TempDir(), "sub"), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckOwner(ctx, other, sub); err == nil || !strings.Contains(err.Error(), "belongs to lab l, not other") {
		t.Fatalf("a workspace of another lab: %v", err)
	}
}

// cherryLab is a small lab with a scripted history.
func cherryLab(t *testing.T) *Lab {
	t.Helper()
	fsys := fstest.MapFS{
		"l/lab.yaml": {Data: []byte(`id: l
title: T
pool: exam
minutes: 5
difficulty: 1
objectives: {v1: [a]}
verified: 2026-12-01
references: [https://example.org]
solution: s.sh
setup:
  git:
    - commit: {message: "Initial", files: {README.md: "hi\n"}}
    - remote: origin
tasks:
  - id: t
    title: Fix and tag
    checks:
      - {type: git-commit, ref: feature, subject: "^Fix it$", feedback: commit the fix on feature}
      - {type: git-tag, name: v2, annotated: true, feedback: tag it}
      - {type: file-contains, path: fix.txt, pattern: fixed, feedback: write the fix}
`)},
		"l/README.md": {Data: []byte("x")},
		"l/s.sh":      {Data: []byte("true")},
	}
	l, diags := Load(fsys, "l", "l")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return l
}

func TestStartIsDeterministic(t *testing.T) {
	ctx := context.Background()
	l := cherryLab(t)
	a, err := Start(ctx, l, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b, err := Start(ctx, l, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ma, _ := a.ReadMeta()
	mb, _ := b.ReadMeta()
	if ma.Setup == "" || ma.Setup != mb.Setup {
		t.Fatalf("two starts built %q and %q", ma.Setup, mb.Setup)
	}
	if _, err := Start(ctx, l, a.Dir); err == nil {
		t.Fatal("a start into a folder that is not empty succeeded")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git missing")
	}
	out, err := a.Git(ctx, "ls-remote", "--heads", "origin")
	if err != nil || !strings.Contains(out, "refs/heads/main") {
		t.Fatalf("the local remote lacks main: %q %v", out, err)
	}
}
