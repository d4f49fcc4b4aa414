package pipelines

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// matchPatterns are the multi-line minimatch patterns of the file tasks
// (CopyFiles Contents, DeleteFiles Contents, artifact patterns): one
// pattern a line, applied in order, a pattern starting with '!' removing
// what earlier ones matched. Patterns match paths relative to a root
// folder, with '/' separators; as the tasks do, '*' and '**' also match
// names starting with a dot.
type matchPatterns []matchPattern

type matchPattern struct {
	re     *regexp.Regexp
	negate bool
	prefix string // prepended to a path before matching
}

// parsePatterns reads the patterns of a task input.
func parsePatterns(input string) (matchPatterns, error) {
	var out matchPatterns
	for _, line := range strings.Split(strings.ReplaceAll(input, "\r\n", "\n"), "\n") {
		p := strings.TrimSpace(line)
		if p == "" || strings.HasPrefix(p, "#") {
			continue
		}
		neg := false
		for strings.HasPrefix(p, "!") {
			neg, p = !neg, p[1:]
		}
		p = strings.TrimPrefix(filepath.ToSlash(p), "./")
		for _, alt := range expandBraces(p) {
			re, err := globRegexp(alt)
			if err != nil {
				return nil, fmt.Errorf("pattern %q: %w", line, err)
			}
			out = append(out, matchPattern{re: re, negate: neg})
		}
	}
	return out, nil
}

// match reports whether rel (slash-separated) is selected.
func (ps matchPatterns) match(rel string) bool {
	in := false
	for _, p := range ps {
		if p.re.MatchString(p.prefix + rel) {
			in = !p.negate
		}
	}
	return in
}

// expandBraces expands {a,b} alternatives (not nested).
func expandBraces(p string) []string {
	open := strings.IndexByte(p, '{')
	if open < 0 {
		return []string{p}
	}
	end := strings.IndexByte(p[open:], '}')
	if end < 0 {
		return []string{p}
	}
	end += open
	var out []string
	for _, alt := range strings.Split(p[open+1:end], ",") {
		out = append(out, expandBraces(p[:open]+alt+p[end+1:])...)
	}
	return out
}

// globRegexp translates one glob: ** matches any number of path segments,
// * and ? match within a segment, [...] a character class.
func globRegexp(p string) (*regexp.Regexp, error) {
	var sb strings.Builder
	sb.WriteString("^")
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch c {
		case '*':
			if i+1 < len(p) && p[i+1] == '*' {
				atStart := i == 0 || p[i-1] == '/'
				j := i + 2
				if atStart && (j == len(p) || p[j] == '/') {
					if j == len(p) {
						sb.WriteString(".*")
					} else {
						sb.WriteString("(?:.*/)?")
						j++
					}
					i = j - 1
					continue
				}
				sb.WriteString("[^/]*")
				i++
				continue
			}
			sb.WriteString("[^/]*")
		case '?':
			sb.WriteString("[^/]")
		case '[':
			end := strings.IndexByte(p[i+1:], ']')
			if end < 0 {
				sb.WriteString(`\[`)
				continue
			}
			class := p[i+1 : i+1+end]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			sb.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += end + 1
		default:
			sb.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	sb.WriteString("$")
	return regexp.Compile(sb.String())
}

// matchFiles walks root and returns the files and folders the patterns
// select, as slash-separated paths relative to root, sorted.
func matchFiles(root string, ps matchPatterns) (files, dirs []string, err error) {
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == root {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !ps.match(rel) {
			return nil
		}
		if d.IsDir() {
			dirs = append(dirs, rel)
		} else {
			files = append(files, rel)
		}
		return nil
	})
	sort.Strings(files)
	sort.Strings(dirs)
	return files, dirs, err
}
