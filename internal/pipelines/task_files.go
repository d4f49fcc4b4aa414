package pipelines

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// CopyFiles@2 and DeleteFiles@1, with the inputs of Microsoft's task
// reference.
func init() {
	registerTask(&taskDef{
		name: "CopyFiles", major: 2,
		inputs: []taskInput{
			{name: "SourceFolder"},
			{name: "Contents", def: "**"},
			{name: "TargetFolder"},
			{name: "CleanTargetFolder", def: "false"},
			{name: "OverWrite", def: "false"},
			{name: "flattenFolders", def: "false"},
			{name: "preserveTimestamp", def: "false"},
			{name: "retryCount", def: "0"},
			{name: "delayBetweenRetries", def: "1000"},
			{name: "ignoreMakeDirErrors", def: "false"},
		},
		run: runCopyFiles,
	})
	registerTask(&taskDef{
		name: "DeleteFiles", major: 1,
		inputs: []taskInput{
			{name: "SourceFolder"},
			{name: "Contents", def: "myFileShare"},
			{name: "RemoveSourceFolder", def: "false"},
			{name: "RemoveDotFiles", def: "false"},
		},
		run: runDeleteFiles,
	})
}

func runCopyFiles(_ context.Context, jr *jobRun, _ stepCall, in taskInputs) (Result, string) {
	if strings.TrimSpace(in.get("TargetFolder")) == "" {
		return Failed, "CopyFiles@2: the TargetFolder input is required"
	}
	src, dst := jr.path(in.get("SourceFolder")), jr.path(in.get("TargetFolder"))
	if st, err := os.Stat(src); err != nil || !st.IsDir() {
		return Failed, fmt.Sprintf("CopyFiles@2: the source folder %s does not exist", src)
	}
	patterns, err := parsePatterns(in.get("Contents"))
	if err != nil {
		return Failed, "CopyFiles@2: " + err.Error()
	}
	if in.flag("CleanTargetFolder") {
		if err := removeContents(dst); err != nil {
			return Failed, "CopyFiles@2: clean " + dst + ": " + err.Error()
		}
	}
	files, dirs, err := matchFiles(src, patterns)
	if err != nil {
		return Failed, "CopyFiles@2: " + err.Error()
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return Failed, "CopyFiles@2: " + err.Error()
	}
	if !in.flag("flattenFolders") {
		for _, d := range dirs {
			if err := os.MkdirAll(filepath.Join(dst, filepath.FromSlash(d)), 0o755); err != nil && !in.flag("ignoreMakeDirErrors") {
				return Failed, "CopyFiles@2: " + err.Error()
			}
		}
	}
	copied := 0
	for _, f := range files {
		target := filepath.Join(dst, filepath.FromSlash(f))
		if in.flag("flattenFolders") {
			target = filepath.Join(dst, filepath.Base(filepath.FromSlash(f)))
		}
		if _, err := os.Stat(target); err == nil && !in.flag("OverWrite") {
			jr.logf("skipped %s: the target exists and OverWrite is false\n", f)
			continue
		}
		if err := copyFile(filepath.Join(src, filepath.FromSlash(f)), target, in.flag("preserveTimestamp")); err != nil {
			return Failed, "CopyFiles@2: " + err.Error()
		}
		copied++
	}
	jr.logf("copied %d file(s) from %s to %s\n", copied, src, dst)
	return Succeeded, ""
}

func runDeleteFiles(_ context.Context, jr *jobRun, _ stepCall, in taskInputs) (Result, string) {
	src := jr.path(in.get("SourceFolder"))
	if in.flag("RemoveSourceFolder") {
		if err := os.RemoveAll(src); err != nil {
			return Failed, "DeleteFiles@1: " + err.Error()
		}
		jr.logf("removed %s\n", src)
		return Succeeded, ""
	}
	if _, err := os.Stat(src); err != nil {
		jr.logf("%s does not exist: nothing to delete\n", src)
		return Succeeded, ""
	}
	patterns, err := parsePatterns(in.get("Contents"))
	if err != nil {
		return Failed, "DeleteFiles@1: " + err.Error()
	}
	files, dirs, err := matchFiles(src, patterns)
	if err != nil {
		return Failed, "DeleteFiles@1: " + err.Error()
	}
	removed := 0
	for _, rel := range append(files, dirs...) {
		if !in.flag("RemoveDotFiles") && hasDotSegment(rel) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(src, filepath.FromSlash(rel))); err != nil {
			return Failed, "DeleteFiles@1: " + err.Error()
		}
		removed++
	}
	jr.logf("removed %d item(s) under %s\n", removed, src)
	return Succeeded, ""
}

func hasDotSegment(rel string) bool {
	for _, seg := range strings.Split(rel, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

// removeContents empties a folder, keeping the folder.
func removeContents(dir string) error {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// copyFile copies one file, creating the target's folder.
func copyFile(src, dst string, keepTime bool) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, st.Mode().Perm()|0o200)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	if keepTime {
		return os.Chtimes(dst, st.ModTime(), st.ModTime())
	}
	return nil
}

// copyTree copies the files under src that the patterns select into dst,
// keeping their relative paths, and returns how many it copied.
func copyTree(src, dst string, patterns matchPatterns) (int, error) {
	files, _, err := matchFiles(src, patterns)
	if err != nil {
		return 0, err
	}
	for _, f := range files {
		if err := copyFile(filepath.Join(src, filepath.FromSlash(f)), filepath.Join(dst, filepath.FromSlash(f)), true); err != nil {
			return 0, err
		}
	}
	return len(files), nil
}
