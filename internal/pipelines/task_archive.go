package pipelines

import (
	"archive/tar"
	"archive/zip"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// ArchiveFiles@2 and ExtractFiles@1, with the inputs of Microsoft's task
// reference. Archives are written and read in Go: zip and tar (plain or
// gzip) are written; zip, tar, tar.gz and tar.bz2 are read. The formats that
// need 7-Zip (7z, wim, and tar with bz2 or xz compression when writing) fail
// with that reason.
func init() {
	registerTask(&taskDef{
		name: "ArchiveFiles", major: 2,
		inputs: []taskInput{
			{name: "rootFolderOrFile", def: "$(Build.BinariesDirectory)"},
			{name: "includeRootFolder", def: "true"},
			{name: "archiveType", def: "zip"},
			{name: "sevenZipCompression", def: "normal"},
			{name: "tarCompression", def: "gz"},
			{name: "archiveFile", def: "$(Build.ArtifactStagingDirectory)/$(Build.BuildId).zip"},
			{name: "replaceExistingArchive", def: "true"},
			{name: "verbose", def: "false"},
			{name: "quiet", def: "false"},
		},
		run: runArchiveFiles,
	})
	registerTask(&taskDef{
		name: "ExtractFiles", major: 1,
		inputs: []taskInput{
			{name: "archiveFilePatterns", def: "**/*.zip"},
			{name: "destinationFolder"},
			{name: "cleanDestinationFolder", def: "true"},
			{name: "overwriteExistingFiles", def: "false"},
			{name: "pathToSevenZipTool"},
		},
		run: runExtractFiles,
	})
}

// archiveEntry is a file or folder to put in an archive.
type archiveEntry struct {
	name string // slash-separated name in the archive; folders end in /
	path string // file on disk; "" for a folder
	info fs.FileInfo
}

func runArchiveFiles(_ context.Context, jr *jobRun, _ stepCall, in taskInputs) (Result, string) {
	root := jr.path(in.get("rootFolderOrFile"))
	out := jr.path(in.get("archiveFile"))
	st, err := os.Stat(root)
	if err != nil {
		return Failed, fmt.Sprintf("ArchiveFiles@2: %s does not exist", root)
	}
	entries, err := archiveEntries(root, st, in.flag("includeRootFolder"))
	if err != nil {
		return Failed, "ArchiveFiles@2: " + err.Error()
	}
	if !in.flag("replaceExistingArchive") {
		if _, err := os.Stat(out); err == nil {
			return Failed, fmt.Sprintf("ArchiveFiles@2: %s exists and replaceExistingArchive is false (adding to an archive is not supported locally)", out)
		}
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return Failed, "ArchiveFiles@2: " + err.Error()
	}
	switch typ := strings.ToLower(in.get("archiveType")); typ {
	case "zip":
		err = writeZip(out, entries)
	case "tar":
		switch c := strings.ToLower(in.get("tarCompression")); c {
		case "gz", "none":
			err = writeTar(out, entries, c == "gz")
		default:
			return Failed, "ArchiveFiles@2: tar with " + c + " compression needs 7-Zip, which is not run locally (use gz or none)"
		}
	case "7z", "wim":
		return Failed, "ArchiveFiles@2: " + typ + " archives need 7-Zip, which is not run locally (use zip or tar)"
	default:
		return Failed, "ArchiveFiles@2: archiveType is zip, 7z, tar or wim, not " + typ
	}
	if err != nil {
		return Failed, "ArchiveFiles@2: " + err.Error()
	}
	if !in.flag("quiet") {
		jr.logf("archived %d entries of %s into %s\n", len(entries), root, out)
	}
	return Succeeded, ""
}

// archiveEntries lists what an archive of root holds: root itself (a file,
// or a folder with its content, under its own name when includeRoot).
func archiveEntries(root string, st fs.FileInfo, includeRoot bool) ([]archiveEntry, error) {
	if !st.IsDir() {
		return []archiveEntry{{name: filepath.Base(root), path: root, info: st}}, nil
	}
	prefix := ""
	if includeRoot {
		prefix = filepath.Base(root) + "/"
	}
	var out []archiveEntry
	if prefix != "" {
		out = append(out, archiveEntry{name: prefix, info: st})
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		name := prefix + filepath.ToSlash(rel)
		if d.IsDir() {
			out = append(out, archiveEntry{name: name + "/", info: info})
			return nil
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		out = append(out, archiveEntry{name: name, path: p, info: info})
		return nil
	})
	return out, err
}

func writeZip(out string, entries []archiveEntry) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	for _, e := range entries {
		h, err := zip.FileInfoHeader(e.info)
		if err != nil {
			f.Close()
			return err
		}
		h.Name = e.name
		if e.path != "" {
			h.Method = zip.Deflate
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			f.Close()
			return err
		}
		if e.path != "" {
			if err := copyFrom(w, e.path); err != nil {
				f.Close()
				return err
			}
		}
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeTar(out string, entries []archiveEntry, gz bool) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	var w io.Writer = f
	var gw *gzip.Writer
	if gz {
		gw = gzip.NewWriter(f)
		w = gw
	}
	tw := tar.NewWriter(w)
	for _, e := range entries {
		h, err := tar.FileInfoHeader(e.info, "")
		if err != nil {
			f.Close()
			return err
		}
		h.Name = e.name
		if err := tw.WriteHeader(h); err != nil {
			f.Close()
			return err
		}
		if e.path != "" {
			if err := copyFrom(tw, e.path); err != nil {
				f.Close()
				return err
			}
		}
	}
	if err := tw.Close(); err != nil {
		f.Close()
		return err
	}
	if gw != nil {
		if err := gw.Close(); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

func copyFrom(w io.Writer, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func runExtractFiles(_ context.Context, jr *jobRun, _ stepCall, in taskInputs) (Result, string) {
	if strings.TrimSpace(in.get("destinationFolder")) == "" {
		return Failed, "ExtractFiles@1: the destinationFolder input is required"
	}
	dst := jr.path(in.get("destinationFolder"))
	archives, err := findFiles(jr.r.opts.SourcesDir, in.get("archiveFilePatterns"), jr)
	if err != nil {
		return Failed, "ExtractFiles@1: " + err.Error()
	}
	if len(archives) == 0 {
		return Failed, "ExtractFiles@1: no archive matches " + strings.TrimSpace(in.get("archiveFilePatterns"))
	}
	if in.flag("cleanDestinationFolder") {
		if err := removeContents(dst); err != nil {
			return Failed, "ExtractFiles@1: " + err.Error()
		}
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return Failed, "ExtractFiles@1: " + err.Error()
	}
	overwrite := in.flag("overwriteExistingFiles")
	for _, a := range archives {
		n, err := extractArchive(a, dst, overwrite)
		if err != nil {
			return Failed, "ExtractFiles@1: " + filepath.Base(a) + ": " + err.Error()
		}
		jr.logf("extracted %d file(s) of %s into %s\n", n, a, dst)
	}
	return Succeeded, ""
}

// findFiles resolves multi-line patterns that may be relative to root or
// absolute (as $(Build.ArtifactStagingDirectory)/*.zip is) to the files
// they select, in order, negations applying to what earlier lines chose.
func findFiles(root, input string, jr *jobRun) ([]string, error) {
	type line struct {
		pattern string
		negate  bool
	}
	var lines []line
	for _, l := range strings.Split(strings.ReplaceAll(input, "\r\n", "\n"), "\n") {
		p := strings.TrimSpace(l)
		if p == "" || strings.HasPrefix(p, "#") {
			continue
		}
		neg := strings.HasPrefix(p, "!")
		p = strings.TrimLeft(p, "!")
		p = filepath.ToSlash(jr.vars.expandMacros(p))
		if !path.IsAbs(p) {
			p = path.Join(filepath.ToSlash(root), p)
		}
		lines = append(lines, line{p, neg})
	}
	selected := map[string]bool{}
	for _, l := range lines {
		ps, err := parsePatterns(l.pattern)
		if err != nil {
			return nil, err
		}
		if l.negate {
			for f := range selected {
				if ps.match(f) {
					delete(selected, f)
				}
			}
			continue
		}
		base := l.pattern
		if i := strings.IndexAny(base, "*?[{"); i >= 0 {
			base = path.Dir(base[:i+1])
		}
		err = filepath.WalkDir(filepath.FromSlash(base), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if !d.IsDir() && ps.match(filepath.ToSlash(p)) {
				selected[p] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]string, 0, len(selected))
	for f := range selected {
		out = append(out, f)
	}
	sort.Strings(out)
	return out, nil
}

// extractArchive unpacks one archive into dst, refusing entries that would
// land outside it.
func extractArchive(file, dst string, overwrite bool) (int, error) {
	lower := strings.ToLower(file)
	switch {
	case strings.HasSuffix(lower, ".zip"):
		return extractZip(file, dst, overwrite)
	case strings.HasSuffix(lower, ".tar"):
		return extractTar(file, dst, overwrite, "")
	case strings.HasSuffix(lower, ".tar.gz"), strings.HasSuffix(lower, ".tgz"):
		return extractTar(file, dst, overwrite, "gz")
	case strings.HasSuffix(lower, ".tar.bz2"), strings.HasSuffix(lower, ".tbz2"):
		return extractTar(file, dst, overwrite, "bz2")
	}
	return 0, errors.New("this format needs 7-Zip, which is not run locally (zip, tar, tar.gz and tar.bz2 are extracted)")
}

// entryPath is where an archive entry goes, or an error when its name
// would leave dst.
func entryPath(dst, name string) (string, error) {
	n := strings.ReplaceAll(name, `\`, "/")
	clean := path.Clean(n)
	if path.IsAbs(n) || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("entry %q leaves the destination folder", name)
	}
	return filepath.Join(dst, filepath.FromSlash(clean)), nil
}

func writeEntry(target string, r io.Reader, mode fs.FileMode, overwrite bool) (bool, error) {
	if _, err := os.Stat(target); err == nil && !overwrite {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return false, err
	}
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode.Perm()|0o200)
	if err != nil {
		return false, err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return false, err
	}
	return true, f.Close()
}

func extractZip(file, dst string, overwrite bool) (int, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return 0, err
	}
	defer zr.Close()
	n := 0
	for _, f := range zr.File {
		target, err := entryPath(dst, f.Name)
		if err != nil {
			return n, err
		}
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return n, err
			}
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return n, err
		}
		wrote, err := writeEntry(target, rc, f.Mode(), overwrite)
		rc.Close()
		if err != nil {
			return n, err
		}
		if wrote {
			n++
		}
	}
	return n, nil
}

func extractTar(file, dst string, overwrite bool, compression string) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var r io.Reader = f
	switch compression {
	case "gz":
		gr, err := gzip.NewReader(f)
		if err != nil {
			return 0, err
		}
		defer gr.Close()
		r = gr
	case "bz2":
		r = bzip2.NewReader(f)
	}
	tr := tar.NewReader(r)
	n := 0
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		target, err := entryPath(dst, h.Name)
		if err != nil {
			return n, err
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return n, err
			}
		case tar.TypeReg:
			wrote, err := writeEntry(target, tr, h.FileInfo().Mode(), overwrite)
			if err != nil {
				return n, err
			}
			if wrote {
				n++
			}
		}
	}
}
