package pipelines

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/certlab/certlab/internal/pipelines/expr"
	"go.yaml.in/yaml/v3"
)

// Error is an error located in a pipeline file, formatted file:line:col.
type Error struct {
	Pos Pos
	Msg string
}

// Error formats the error as file:line:col: message.
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

func errorf(pos Pos, format string, args ...any) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// parseYAML reads one YAML document into a Node tree and parses every ${{ }}
// expression in it, so that syntax errors are reported even in branches that
// are never taken.
func parseYAML(file, path string, data []byte) (*Node, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &Node{Kind: NullNode, Pos: Pos{File: file, Line: 1, Col: 1, Path: path}}, nil
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		pos := Pos{File: file, Path: path}
		if m := yamlErrorLine.FindStringSubmatch(msg); m != nil {
			pos.Line, _ = strconv.Atoi(m[1])
			pos.Col, msg = 1, m[2]
		}
		return nil, &Error{Pos: pos, Msg: "invalid YAML: " + msg}
	}
	if len(doc.Content) == 0 {
		return &Node{Kind: NullNode, Pos: Pos{File: file, Line: 1, Col: 1, Path: path}}, nil
	}
	c := &converter{file: file, path: path}
	return c.convert(doc.Content[0], false, 0)
}

// yamlErrorLine finds the line in a YAML syntax error ("line 5: did not find expected key").
var yamlErrorLine = regexp.MustCompile(`^line (\d+): (.*)$`)

type converter struct {
	file string
	path string
}

func (c *converter) convert(y *yaml.Node, isKey bool, depth int) (*Node, error) {
	pos := Pos{File: c.file, Line: y.Line, Col: y.Column, Path: c.path}
	if depth > 500 {
		return nil, errorf(pos, "the document nests too deeply")
	}
	switch y.Kind {
	case yaml.AliasNode:
		if y.Alias == nil {
			return nil, errorf(pos, "unknown YAML alias")
		}
		return c.convert(y.Alias, isKey, depth+1)
	case yaml.ScalarNode:
		n := &Node{Kind: StringNode, Value: y.Value, Pos: pos, Plain: y.Style == 0}
		if y.Tag == "!!null" && !isKey {
			n.Kind = NullNode
			n.Value = ""
		}
		if err := c.attachTemplate(n, isKey); err != nil {
			return nil, err
		}
		return n, nil
	case yaml.SequenceNode:
		n := &Node{Kind: SequenceNode, Pos: pos, Items: make([]*Node, 0, len(y.Content))}
		for _, it := range y.Content {
			cn, err := c.convert(it, false, depth+1)
			if err != nil {
				return nil, err
			}
			n.hasExpr = n.hasExpr || cn.hasExpr
			n.Items = append(n.Items, cn)
		}
		return n, nil
	case yaml.MappingNode:
		n := &Node{Kind: MappingNode, Pos: pos, Pairs: make([]Pair, 0, len(y.Content)/2)}
		for i := 0; i+1 < len(y.Content); i += 2 {
			ky := y.Content[i]
			if ky.Kind != yaml.ScalarNode {
				kp := Pos{File: c.file, Line: ky.Line, Col: ky.Column, Path: c.path}
				if ky.Kind == yaml.MappingNode {
					return nil, errorf(kp, "A mapping was not expected")
				}
				return nil, errorf(kp, "A sequence was not expected")
			}
			if ky.Value == "<<" && ky.Tag == "!!merge" {
				return nil, errorf(Pos{File: c.file, Line: ky.Line, Col: ky.Column, Path: c.path}, "YAML merge keys are not supported")
			}
			k, err := c.convert(ky, true, depth+1)
			if err != nil {
				return nil, err
			}
			v, err := c.convert(y.Content[i+1], false, depth+1)
			if err != nil {
				return nil, err
			}
			n.hasExpr = n.hasExpr || k.hasExpr || v.hasExpr
			n.Pairs = append(n.Pairs, Pair{Key: k, Value: v})
		}
		return n, nil
	}
	return &Node{Kind: NullNode, Pos: pos}, nil
}

// attachTemplate parses the ${{ }} content of a scalar.
func (c *converter) attachTemplate(n *Node, isKey bool) error {
	if n.Kind != StringNode || !strings.Contains(n.Value, "${{") {
		return nil
	}
	segs, err := expr.SplitTemplate(n.Value)
	if err != nil {
		return &Error{Pos: n.Pos, Msg: err.Error()}
	}
	info := &tmplInfo{segs: segs}
	if len(segs) == 1 && segs[0].Expr == nil && segs[0].Text == "" {
		if d, err := parseDirective(segs[0].Raw, info); err != nil {
			return &Error{Pos: n.Pos, Msg: err.Error()}
		} else if d != dirNone {
			if !isKey {
				return errorf(n.Pos, "The directive '%s' is not allowed in this context. Directives are only supported as mapping keys: write '%s:' followed by its body", directiveName(d), strings.TrimSpace(n.Value))
			}
			info.directive = d
			info.segs = nil
			n.tmpl, n.hasExpr = info, true
			return nil
		}
	}
	for i := range segs {
		if segs[i].Text != "" {
			continue
		}
		if d, _ := parseDirective(segs[i].Raw, &tmplInfo{}); d != dirNone {
			return errorf(n.Pos, "The directive '%s' is not allowed in this context. Directives are not supported for expressions that are embedded within a string", directiveName(d))
		}
	}
	if err := expr.ParseSegments(segs); err != nil {
		return &Error{Pos: n.Pos, Msg: err.Error()}
	}
	n.tmpl, n.hasExpr = info, true
	return nil
}

func directiveName(d directiveKind) string {
	switch d {
	case dirIf:
		return "if"
	case dirElseIf:
		return "elseif"
	case dirElse:
		return "else"
	case dirEach:
		return "each"
	case dirInsert:
		return "insert"
	}
	return ""
}

// serviceError is a message worded as the service words it (capitalised,
// without location); the caller adds the position.
type serviceError string

func (e serviceError) Error() string { return string(e) }

// parseDirective recognises if/elseif/else/each/insert and parses their
// expressions into info.
func parseDirective(raw string, info *tmplInfo) (directiveKind, error) {
	word, rest := raw, ""
	if i := strings.IndexAny(raw, " \t\n("); i >= 0 {
		word, rest = raw[:i], strings.TrimSpace(raw[i:])
	}
	switch word {
	case "else":
		if rest != "" {
			return dirElse, serviceError(fmt.Sprintf("Unexpected symbol after 'else': '%s'", rest))
		}
		return dirElse, nil
	case "insert":
		if rest != "" {
			return dirInsert, serviceError(fmt.Sprintf("Unexpected symbol after 'insert': '%s'", rest))
		}
		return dirInsert, nil
	case "if", "elseif":
		d := dirIf
		if word == "elseif" {
			d = dirElseIf
		}
		if rest == "" {
			return d, serviceError(fmt.Sprintf("Expected an expression after '%s'", word))
		}
		e, err := expr.Parse(rest)
		if err != nil {
			return d, err
		}
		info.cond = e
		return d, nil
	case "each":
		fields := strings.Fields(rest)
		if len(fields) < 3 || fields[1] != "in" {
			return dirEach, serviceError(fmt.Sprintf("Expected 'each <name> in <expression>', got '%s'", raw))
		}
		name := fields[0]
		for i := 0; i < len(name); i++ {
			c := name[i]
			if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
				return dirEach, fmt.Errorf("'%s' is not a valid name for the 'each' variable", name)
			}
		}
		in := strings.Index(rest, " in ")
		e, err := expr.Parse(strings.TrimSpace(rest[in+4:]))
		if err != nil {
			return dirEach, err
		}
		info.cond, info.eachVar = e, name
		return dirEach, nil
	}
	return dirNone, nil
}
