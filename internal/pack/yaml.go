package pack

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

var unknownFieldRE = regexp.MustCompile(`field (\S+) not found in type \S+`)

// decodeStrict decodes YAML into v, rejecting unknown keys, and returns the
// document's root node for looking up lines. Problems are reported; the
// result says whether decoding succeeded.
func decodeStrict(r *reporter, src []byte, v any) (*yaml.Node, bool) {
	return decode(r, src, v, true)
}

// decode decodes YAML into v, rejecting unknown keys when strict.
func decode(r *reporter, src []byte, v any, strict bool) (*yaml.Node, bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		r.yamlError(err)
		return nil, false
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(strict)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for i, m := range te.Errors {
				te.Errors[i] = unknownFieldRE.ReplaceAllString(m, `unknown key "$1"`)
			}
		}
		r.yamlError(err)
		return &doc, false
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	return root, true
}

// child returns the value node of key in a mapping node, following a path
// of keys and sequence indexes given as strings ("options", "2", "text").
func child(n *yaml.Node, path ...string) *yaml.Node {
	for _, key := range path {
		if n == nil {
			return nil
		}
		switch n.Kind {
		case yaml.MappingNode:
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == key {
					next = n.Content[i+1]
					break
				}
			}
			n = next
		case yaml.SequenceNode:
			idx := -1
			for i, c := range key {
				if c < '0' || c > '9' {
					idx = -1
					break
				}
				if i == 0 {
					idx = 0
				}
				idx = idx*10 + int(c-'0')
			}
			if idx < 0 || idx >= len(n.Content) {
				return nil
			}
			n = n.Content[idx]
		default:
			return nil
		}
	}
	return n
}

// line returns the line of the node at path, or of the closest existing
// ancestor, so a message always points somewhere useful.
func line(r *reporter, root *yaml.Node, path ...string) int {
	for {
		if n := child(root, path...); n != nil {
			return r.at(n)
		}
		if len(path) == 0 {
			return 0
		}
		path = path[:len(path)-1]
	}
}

// splitFrontMatter splits a Markdown file into its YAML front matter and
// body, returning the line the body starts on.
func splitFrontMatter(src []byte) (front, body []byte, bodyLine int, err error) {
	s := string(src)
	s = strings.TrimPrefix(s, "\ufeff")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if !strings.HasPrefix(s, "---\n") {
		return nil, nil, 0, errors.New(`file must start with YAML front matter: a line "---"`)
	}
	rest := s[4:]
	end := -1
	if strings.HasPrefix(rest, "---\n") || rest == "---" {
		end = 0
	} else if i := strings.Index(rest, "\n---\n"); i >= 0 {
		end = i + 1
	} else if strings.HasSuffix(rest, "\n---") {
		end = len(rest) - 3
	}
	if end < 0 {
		return nil, nil, 0, errors.New(`front matter is not closed by a line "---"`)
	}
	front = []byte(rest[:end])
	bodyStart := end + 4
	if bodyStart > len(rest) {
		bodyStart = len(rest)
	}
	bodyLine = 2 + strings.Count(rest[:end], "\n") + 1
	return front, []byte(rest[bodyStart:]), bodyLine, nil
}

// section is a level-2 heading of a Markdown body and the text under it.
type section struct {
	Title string
	Line  int
	Body  string
}

// splitSections splits Markdown into the text before the first level-2
// heading and the level-2 sections, ignoring headings inside code fences.
func splitSections(body string, firstLine int) (lead string, secs []section) {
	lines := strings.Split(body, "\n")
	var cur *section
	var buf []string
	fence := ""
	flush := func() {
		text := trimBlankLines(strings.Join(buf, "\n"))
		if cur == nil {
			lead = text
		} else {
			cur.Body = text
			secs = append(secs, *cur)
		}
		buf = buf[:0]
	}
	for i, l := range lines {
		trim := strings.TrimSpace(l)
		if fence == "" && (strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~")) {
			fence = trim[:3]
		} else if fence != "" && strings.HasPrefix(trim, fence) {
			fence = ""
		} else if fence == "" && strings.HasPrefix(l, "## ") {
			flush()
			cur = &section{Title: strings.TrimSpace(l[3:]), Line: firstLine + i}
			continue
		}
		buf = append(buf, l)
	}
	flush()
	return lead, secs
}

// readMarkdown reads a Markdown file with YAML front matter and decodes the
// front matter strictly into v. Problems are reported through r; ok is
// false when the file cannot be used at all.
func (l *loader) readMarkdown(r *reporter, file string, v any) (root *yaml.Node, body []byte, bodyLine int, ok bool) {
	src, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		r.errorf(0, "read: %v", err)
		return nil, nil, 0, false
	}
	front, body, bodyLine, err := splitFrontMatter(src)
	if err != nil {
		r.errorf(1, "%v", err)
		return nil, nil, 0, false
	}
	root, ok = decodeStrict(r, front, v)
	return root, body, bodyLine, ok
}

// readMarkdownLoose is readMarkdown for files whose keys are checked by the
// caller (items: common keys decoded here, the kind's keys by the kind).
func (l *loader) readMarkdownLoose(r *reporter, file string, v any) (root *yaml.Node, body []byte, bodyLine int, ok bool) {
	src, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		r.errorf(0, "read: %v", err)
		return nil, nil, 0, false
	}
	front, body, bodyLine, err := splitFrontMatter(src)
	if err != nil {
		r.errorf(1, "%v", err)
		return nil, nil, 0, false
	}
	root, ok = decode(r, front, v, false)
	return root, body, bodyLine, ok
}

// trimBlankLines removes blank lines at the start and white space at the
// end, keeping the first line's indentation (it matters in code blocks).
func trimBlankLines(s string) string {
	s = strings.TrimRight(s, " \t\n")
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 || strings.TrimSpace(s[:i]) != "" {
			break
		}
		s = s[i+1:]
	}
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return s
}
