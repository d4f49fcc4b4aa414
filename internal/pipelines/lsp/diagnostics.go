package lsp

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/certlab/certlab/internal/pipelines"
)

// analysis is the outcome of expanding and validating one open document
// as the root of a pipeline.
type analysis struct {
	root  string
	reads []string // files the expansion read (existing or not)
	errs  []*pipelines.Error
	other error // an error without a position
}

// analyze expands and validates the document at root, reading open
// documents from memory. A template opened on its own (its parameters
// without defaults have no values) is checked in syntax-only mode.
func (s *server) analyze(root string) analysis {
	a := analysis{root: root}
	seen := map[string]bool{}
	opts := pipelines.Options{
		Root:         s.repoRoot(root),
		Repositories: s.opts.Repositories,
		Variables:    s.opts.Variables,
		Cache:        &s.cache,
		ReadFile: func(name string) ([]byte, error) {
			if !seen[name] {
				seen[name] = true
				a.reads = append(a.reads, name)
			}
			if d, ok := s.docs[name]; ok {
				return []byte(d.text), nil
			}
			return os.ReadFile(name)
		},
	}
	err := expandAndValidate(root, opts)
	var pe *pipelines.Error
	if errors.As(err, &pe) && pe.Pos.Path == root && pe.Pos.Line == 1 && strings.HasPrefix(pe.Msg, "A value for the '") {
		opts.SyntaxOnly = true
		err = expandAndValidate(root, opts)
	}
	var ve *pipelines.ValidationError
	switch {
	case err == nil:
	case errors.As(err, &ve):
		for _, e := range ve.Errs {
			if errors.As(e, &pe) {
				a.errs = append(a.errs, pe)
			}
		}
	case errors.As(err, &pe):
		a.errs = append(a.errs, pe)
	default:
		a.other = err
	}
	return a
}

func expandAndValidate(file string, opts pipelines.Options) error {
	doc, err := pipelines.Expand(file, opts)
	if err != nil {
		return err
	}
	_, err = pipelines.Validate(doc)
	return err
}

// publish analyses every open document and publishes the diagnostics of
// each file involved: a document that an open pipeline includes gets its
// diagnostics from that pipeline, not from being expanded on its own.
func (s *server) publish(ctx context.Context) error {
	s.mu.Lock()
	roots := make([]string, 0, len(s.docs))
	for p := range s.docs {
		roots = append(roots, p)
	}
	sort.Strings(roots)
	results := make([]analysis, 0, len(roots))
	for _, r := range roots {
		a := s.analyze(r)
		s.reads[r] = a.reads
		results = append(results, a)
	}
	included := map[string]bool{}
	for _, a := range results {
		for _, f := range a.reads {
			if f != a.root {
				included[f] = true
			}
		}
	}
	diags := map[string][]protocol.Diagnostic{}
	files := map[string]bool{}
	for _, a := range results {
		if included[a.root] {
			continue // an open pipeline includes it
		}
		files[a.root] = true
		for _, f := range a.reads {
			if _, err := os.Stat(f); err == nil || s.docs[f] != nil {
				files[f] = true
			}
		}
		for _, e := range a.errs {
			file := e.Pos.Path
			if file == "" {
				file = a.root
			}
			files[file] = true
			diags[file] = appendUnique(diags[file], s.diagnostic(file, e.Pos, e.Msg))
		}
		if a.other != nil {
			diags[a.root] = appendUnique(diags[a.root], protocol.Diagnostic{Severity: protocol.DiagnosticSeverityError, Source: "certlab", Message: a.other.Error()})
		}
	}
	var out []protocol.PublishDiagnosticsParams
	for f := range s.published {
		files[f] = true
	}
	names := make([]string, 0, len(files))
	for f := range files {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		d := diags[f]
		if len(d) == 0 && !s.published[f] && s.docs[f] == nil {
			continue // nothing to say or to clear
		}
		p := protocol.PublishDiagnosticsParams{URI: uri.File(f), Diagnostics: d}
		if doc := s.docs[f]; doc != nil {
			p.URI, p.Version = doc.uri, uint32(doc.version)
		}
		if p.Diagnostics == nil {
			p.Diagnostics = []protocol.Diagnostic{}
		}
		s.published[f] = len(d) > 0
		out = append(out, p)
	}
	s.mu.Unlock()
	for i := range out {
		if err := s.client.PublishDiagnostics(ctx, &out[i]); err != nil {
			return err
		}
	}
	return nil
}

func appendUnique(ds []protocol.Diagnostic, d protocol.Diagnostic) []protocol.Diagnostic {
	for _, x := range ds {
		if x.Range == d.Range && x.Message == d.Message {
			return ds
		}
	}
	return append(ds, d)
}

// diagnostic places a message at a file:line:col position, spanning to the
// end of the line.
func (s *server) diagnostic(file string, pos pipelines.Pos, msg string) protocol.Diagnostic {
	line := s.lineText(file, pos.Line)
	start := uint32(0)
	if pos.Col > 0 {
		start = utf16Col(line, pos.Col-1)
	}
	end := utf16Col(line, utf8.RuneCountInString(strings.TrimRight(line, " \t\r")))
	if end <= start {
		end = start + 1
	}
	l := uint32(0)
	if pos.Line > 0 {
		l = uint32(pos.Line - 1)
	}
	return protocol.Diagnostic{
		Range:    protocol.Range{Start: protocol.Position{Line: l, Character: start}, End: protocol.Position{Line: l, Character: end}},
		Severity: protocol.DiagnosticSeverityError,
		Source:   "certlab",
		Message:  msg,
	}
}

// lineText returns a line (1-based) of an open document or a file.
func (s *server) lineText(file string, n int) string {
	var text string
	if d := s.docs[file]; d != nil {
		text = d.text
	} else if b, err := os.ReadFile(filepath.Clean(file)); err == nil {
		text = string(b)
	}
	lines := strings.Split(text, "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

// utf16Col converts a column counted in runes into UTF-16 code units, the
// unit of LSP positions.
func utf16Col(line string, runes int) uint32 {
	n := uint32(0)
	for i, r := range []rune(line) {
		if i >= runes {
			break
		}
		n += uint32(len(utf16.Encode([]rune{r})))
	}
	return n
}
