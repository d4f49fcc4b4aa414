package item

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Source is an item file's front matter as a kind reads it: the YAML
// mapping, and a way to report a problem at the line of a key.
type Source struct {
	root   *yaml.Node
	offset int // added to YAML lines: the front matter's first line in the file
	report func(line int, warning bool, msg string)
	// Errors counts the errors reported so far.
	Errors int
	// silence maps a warning's id to the author's reason to ignore it.
	silence map[string]string
}

// NewSource wraps a front-matter mapping node. Lines reported are YAML lines
// plus offset; report receives each problem.
func NewSource(root *yaml.Node, offset int, silence map[string]string, report func(line int, warning bool, msg string)) *Source {
	return &Source{root: root, offset: offset, report: report, silence: silence}
}

// Errorf reports an error at a file line.
func (s *Source) Errorf(line int, format string, args ...any) {
	s.Errors++
	s.report(line, false, fmt.Sprintf(format, args...))
}

// Warnf reports a warning with an id, unless the item silences that id
// with a reason (`silence: {id: reason}`).
func (s *Source) Warnf(id string, line int, format string, args ...any) {
	if _, ok := s.silence[id]; ok {
		return
	}
	s.report(line, true, fmt.Sprintf(format, args...)+" ["+id+"]")
}

// Has reports whether the front matter has the key.
func (s *Source) Has(key string) bool { return s.Node(key) != nil }

// Node returns the value node at a path of keys and sequence indexes.
func (s *Source) Node(path ...string) *yaml.Node {
	n := s.root
	for _, p := range path {
		if n == nil {
			return nil
		}
		switch n.Kind {
		case yaml.MappingNode:
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					next = n.Content[i+1]
				}
			}
			n = next
		case yaml.SequenceNode:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
	}
	return n
}

// Line returns the file line of the value at a path, or of the nearest
// ancestor that exists (the front matter itself at worst).
func (s *Source) Line(path ...string) int {
	for {
		if n := s.Node(path...); n != nil && n.Line > 0 {
			return n.Line + s.offset
		}
		if len(path) == 0 {
			return s.offset + 1
		}
		path = path[:len(path)-1]
	}
}

// Decode decodes the value of key into v strictly (unknown keys in nested
// mappings are errors) and reports whether the key was there and decoded.
func (s *Source) Decode(key string, v any) bool {
	n := s.Node(key)
	if n == nil {
		return false
	}
	if bad, name := unknownKey(n, reflect.TypeOf(v)); bad != nil {
		s.Errorf(bad.Line+s.offset, "%s: unknown key %q", key, name)
		return false
	}
	if err := n.Decode(v); err != nil {
		msg := err.Error()
		if te, ok := err.(*yaml.TypeError); ok {
			msg = strings.Join(te.Errors, "; ")
		}
		s.Errorf(s.Line(key), "%s: %s", key, stripYAMLLine(msg))
		return false
	}
	return true
}

// stripYAMLLine removes "line N: " from yaml's messages: the caller reports
// the line itself.
func stripYAMLLine(msg string) string {
	msg = strings.TrimPrefix(msg, "yaml: ")
	if strings.HasPrefix(msg, "line ") {
		if i := strings.Index(msg, ": "); i > 0 {
			msg = msg[i+2:]
		}
	}
	return msg
}

// unknownKey finds a mapping key in n that the Go type t does not declare
// (through yaml tags), walking slices, maps and structs.
func unknownKey(n *yaml.Node, t reflect.Type) (*yaml.Node, string) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || n == nil {
		return nil, ""
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			return nil, ""
		}
		for _, c := range n.Content {
			if bad, name := unknownKey(c, t.Elem()); bad != nil {
				return bad, name
			}
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return nil, ""
		}
		for i := 1; i < len(n.Content); i += 2 {
			if bad, name := unknownKey(n.Content[i], t.Elem()); bad != nil {
				return bad, name
			}
		}
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil, ""
		}
		fields := map[string]reflect.Type{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if name == "-" {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			fields[name] = f.Type
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			ft, ok := fields[k.Value]
			if !ok {
				return k, k.Value
			}
			if bad, name := unknownKey(n.Content[i+1], ft); bad != nil {
				return bad, name
			}
		}
	}
	return nil, ""
}
