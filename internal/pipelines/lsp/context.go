package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"

	"go.yaml.in/yaml/v3"
)

// yamlLine is one line of a document as the context finder sees it: the
// column where its key starts (after any "- " list markers), the key, and
// whether it begins a list item.
type yamlLine struct {
	n      int // 0-based line number
	indent int // column of the key or value (bytes)
	key    string
	item   bool // the line starts a sequence item ("- ")
	value  string
}

// parseLine reads the key structure of one line; ok is false for blank and
// comment lines.
func parseLine(n int, text string) (yamlLine, bool) {
	l := yamlLine{n: n}
	i := 0
	for i < len(text) && text[i] == ' ' {
		i++
	}
	for i+1 < len(text) && text[i] == '-' && (text[i+1] == ' ' || text[i+1] == '\t') {
		l.item = true
		i += 2
		for i < len(text) && text[i] == ' ' {
			i++
		}
	}
	if i < len(text) && text[i] == '-' && i+1 == len(text) {
		l.item = true
		i++
	}
	rest := strings.TrimRight(text[i:], " \t\r")
	if rest == "" && !l.item {
		return l, false
	}
	if strings.HasPrefix(rest, "#") {
		return l, false
	}
	l.indent = i
	if k, v, ok := splitKey(rest); ok {
		l.key, l.value = k, v
	} else {
		l.value = rest
	}
	return l, true
}

// splitKey splits "key: value" (the key may be quoted or an expression).
func splitKey(s string) (string, string, bool) {
	depth := 0
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			if i == 0 {
				quote = c
			}
		case c == '{':
			depth++
		case c == '}':
			depth--
		case c == ':' && depth == 0 && (i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t'):
			return strings.Trim(strings.TrimSpace(s[:i]), `'"`), strings.TrimSpace(s[i+1:]), true
		}
	}
	return "", "", false
}

// cursorContext is where the cursor is: the chain of keys above it, the
// key of its own line and whether it is typing a key or a value.
type cursorContext struct {
	lines   []string
	line    int // 0-based
	col     int // byte offset in the line
	self    yamlLine
	parents []yamlLine // nearest first
	inValue bool       // after "key:" on the cursor's line
	word    string     // the word being typed before the cursor
}

// contextAt finds the cursor's context from the text alone, by
// indentation, so that it works on YAML that does not parse while typing.
func contextAt(text string, line, char int) cursorContext {
	lines := strings.Split(text, "\n")
	c := cursorContext{lines: lines, line: line}
	if line < 0 || line >= len(lines) {
		return c
	}
	cur := lines[line]
	c.col = byteOffset(cur, char)
	self, ok := parseLine(line, cur[:c.col])
	if !ok {
		// A blank line: its indent is where the cursor is.
		self = yamlLine{n: line, indent: c.col}
	}
	full, okFull := parseLine(line, cur)
	if okFull && full.key != "" {
		self.key = full.key
		keyEnd := strings.Index(cur, full.key+":")
		c.inValue = keyEnd >= 0 && c.col > keyEnd+len(full.key)
	}
	c.self = self
	before := cur[:c.col]
	i := len(before)
	for i > 0 && isWordByte(before[i-1]) {
		i--
	}
	c.word = before[i:]
	indent := self.indent
	for n := line - 1; n >= 0 && indent > 0; n-- {
		l, ok := parseLine(n, lines[n])
		if !ok || l.indent >= indent {
			continue // a sibling, or deeper
		}
		c.parents = append(c.parents, l)
		indent = l.indent
	}
	return c
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// byteOffset converts an LSP character offset (UTF-16 units) to a byte
// offset in line.
func byteOffset(line string, char int) int {
	units := 0
	for i, r := range line {
		if units >= char {
			return i
		}
		units += len(utf16.Encode([]rune{r}))
	}
	return len(line)
}

// parentKey is the nearest enclosing key ("" at the root).
func (c cursorContext) parentKey() string {
	for _, p := range c.parents {
		if p.key != "" {
			return p.key
		}
	}
	return ""
}

// mappingKeys returns the keys of the mapping that line n (its key at
// column indent) belongs to: the lines at that column up to the item line
// that starts the mapping, and down to a shallower line or the next item.
func mappingKeys(lines []string, n, indent int) map[string]yamlLine {
	out := map[string]yamlLine{}
	for i := n; i >= 0; i-- {
		l, ok := parseLine(i, lines[i])
		if !ok || l.indent > indent {
			continue
		}
		if l.indent < indent {
			break
		}
		if l.key != "" {
			out[l.key] = l
		}
		if l.item {
			break
		}
	}
	for i := n + 1; i < len(lines); i++ {
		l, ok := parseLine(i, lines[i])
		if !ok || l.indent > indent {
			continue
		}
		if l.indent < indent || l.item {
			break
		}
		if l.key != "" {
			out[l.key] = l
		}
	}
	return out
}

// templateRef finds, for a cursor inside a template reference's
// parameters (- template: x.yml / parameters: / name: …), the template's
// path as written; ok is false elsewhere.
func (c cursorContext) templateRef() (string, bool) {
	if len(c.parents) == 0 || c.parents[0].key != "parameters" {
		return "", false
	}
	p := c.parents[0]
	keys := mappingKeys(c.lines, p.n, p.indent)
	t, ok := keys["template"]
	if !ok || t.value == "" {
		return "", false
	}
	return strings.Trim(t.value, `'"`), true
}

// paramDecl is one declared template parameter.
type paramDecl struct {
	Name        string
	Type        string
	Default     string
	Values      []string
	DisplayName string
}

// declaredParameters reads the parameters section of a template or
// pipeline text (the list form; the old mapping form gives names only).
func declaredParameters(text string) []paramDecl {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(text), &root); err != nil || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != "parameters" {
			continue
		}
		ps := m.Content[i+1]
		var out []paramDecl
		switch ps.Kind {
		case yaml.SequenceNode:
			for _, it := range ps.Content {
				if it.Kind != yaml.MappingNode {
					continue
				}
				d := paramDecl{Type: "string"}
				for j := 0; j+1 < len(it.Content); j += 2 {
					k, v := it.Content[j].Value, it.Content[j+1]
					switch k {
					case "name":
						d.Name = v.Value
					case "type":
						d.Type = v.Value
					case "displayName":
						d.DisplayName = v.Value
					case "default":
						if b, err := yaml.Marshal(v); err == nil {
							d.Default = strings.TrimSpace(string(b))
						}
					case "values":
						for _, x := range v.Content {
							d.Values = append(d.Values, x.Value)
						}
					}
				}
				if d.Name != "" {
					out = append(out, d)
				}
			}
		case yaml.MappingNode:
			for j := 0; j+1 < len(ps.Content); j += 2 {
				d := paramDecl{Name: ps.Content[j].Value, Type: "(untyped)"}
				if b, err := yaml.Marshal(ps.Content[j+1]); err == nil {
					d.Default = strings.TrimSpace(string(b))
				}
				out = append(out, d)
			}
		}
		return out
	}
	return nil
}

// templateText reads the template a reference names, relative to the
// including file or, for /paths and @self, to the repository root.
func (s *server) templateText(from, ref string) (string, string, bool) {
	path, alias, _ := strings.Cut(ref, "@")
	var candidates []string
	root := s.repoRoot(from)
	if alias != "" && !strings.EqualFold(alias, "self") {
		dir, ok := s.opts.Repositories[alias]
		if !ok {
			return "", "", false
		}
		root = dir
		candidates = append(candidates, filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(path, "/"))))
	} else if strings.HasPrefix(path, "/") {
		candidates = append(candidates, filepath.Join(root, filepath.FromSlash(path)))
	} else {
		candidates = append(candidates, filepath.Join(filepath.Dir(from), filepath.FromSlash(path)))
		if alias != "" {
			candidates = append(candidates, filepath.Join(root, filepath.FromSlash(path)))
		}
	}
	for _, c := range candidates {
		if d := s.docs[c]; d != nil {
			return d.text, c, true
		}
		if b, err := os.ReadFile(c); err == nil {
			return string(b), c, true
		}
	}
	return "", "", false
}
