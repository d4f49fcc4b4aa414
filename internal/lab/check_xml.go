package lab

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// XML documents (API Management policies, .csproj and .config files),
// parsed with encoding/xml and queried with simple XPath-like paths:
//
//	policies/inbound/rate-limit-by-key@calls      an attribute
//	policies/inbound/*[1]/name()                   the name of the first child
//	//validate-jwt/audiences/audience              at any depth, text content
//	policies/inbound/set-header[@name=X-Env]/value elements whose attribute has a value
//	policies/outbound/set-header[@exists-action]   elements that have the attribute
//
// Steps match local names (namespace prefixes are ignored); [n] is the
// n-th match under the same parent, counting from 1. An element's value is
// its text content, trimmed.

type xmlParams struct {
	File  string  `yaml:"file"`
	Match []Match `yaml:"match"`
}

// maxXMLDepth bounds how deep elements may nest.
const maxXMLDepth = 256

func init() {
	register("xml", "an XML file parses and every match holds (simple XPath-like paths: a/b[@k=v]/c@attr, //c, name())", false,
		validateXML, checkXML)
}

// xmlNode is an element (or, at the top, the document) of a parsed XML file.
type xmlNode struct {
	name     string // local name; "" for the document
	attrs    []xml.Attr
	children []*xmlNode // the child elements
	content  []any      // the child elements and character data (string), in order
	line     int
}

// parseXMLDoc parses a well-formed XML document with exactly one root
// element and returns the document node. Errors name the line.
func parseXMLDoc(src []byte) (*xmlNode, error) {
	d := xml.NewDecoder(bytes.NewReader(src))
	d.Strict = true
	doc := &xmlNode{line: 1}
	stack := []*xmlNode{doc}
	roots := 0
	for {
		line, _ := d.InputPos()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("line %d: %s", se.Line, se.Msg)
			}
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			if top == doc {
				if roots++; roots > 1 {
					return nil, fmt.Errorf("line %d: a second root element <%s>: an XML document has one root", line, t.Name.Local)
				}
			}
			if len(stack) > maxXMLDepth {
				return nil, fmt.Errorf("line %d: elements nest deeper than %d levels", line, maxXMLDepth)
			}
			n := &xmlNode{name: t.Name.Local, attrs: t.Attr, line: line}
			top.children = append(top.children, n)
			top.content = append(top.content, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if top == doc {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, fmt.Errorf("line %d: text outside the root element", line)
				}
				continue
			}
			top.content = append(top.content, string(t))
		}
	}
	if roots == 0 {
		return nil, errors.New("no root element")
	}
	return doc, nil
}

// value is an element's text content (all its character data, nested
// elements included), trimmed.
func (n *xmlNode) value() string {
	var b strings.Builder
	var walk func(*xmlNode)
	walk = func(n *xmlNode) {
		for _, c := range n.content {
			switch x := c.(type) {
			case string:
				b.WriteString(x)
			case *xmlNode:
				walk(x)
			}
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

func (n *xmlNode) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// xmlPath is a parsed path: steps, then an attribute or name() at the end.
type xmlPath struct {
	steps []xmlStep
	attr  string // the value is this attribute
	name  bool   // the value is the element's name
}

type xmlStep struct {
	deep  bool   // '//' before the step: at any depth below
	name  string // a local name, or * for any
	preds []xmlPred
}

type xmlPred struct {
	index int    // [n], from 1; 0 for an attribute test
	attr  string // [@a] or [@a=v]
	value *string
}

// parseXMLPath parses a path; it must select elements, an attribute or a name.
func parseXMLPath(s string) (*xmlPath, error) {
	p := &xmlPath{}
	rest := strings.TrimSpace(s)
	if rest == "" {
		return nil, errors.New("path is missing")
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("path %q: %s", s, fmt.Sprintf(format, args...))
	}
	deep := false
	switch {
	case strings.HasPrefix(rest, "//"):
		deep, rest = true, rest[2:]
	case strings.HasPrefix(rest, "/"):
		rest = rest[1:]
	}
	for {
		end := strings.IndexAny(rest, "/[@")
		if end < 0 {
			end = len(rest)
		}
		name := strings.TrimSpace(rest[:end])
		if name == "" {
			return nil, bad("a step has no element name (use * for any)")
		}
		if name == "name()" {
			if len(p.steps) == 0 || rest[end:] != "" || deep {
				return nil, bad("name() comes last, after an element step")
			}
			p.name = true
			return p, nil
		}
		if _, local, ok := strings.Cut(name, ":"); ok {
			name = local
		}
		if strings.ContainsAny(name, " ]()=\"'") {
			return nil, bad("%q is not an element name", name)
		}
		st := xmlStep{deep: deep, name: name}
		rest = rest[end:]
		for strings.HasPrefix(rest, "[") {
			close := strings.IndexByte(rest, ']')
			if close < 0 {
				return nil, bad("unclosed [")
			}
			pred, err := parseXMLPred(rest[1:close])
			if err != nil {
				return nil, bad("%v", err)
			}
			st.preds = append(st.preds, pred)
			rest = rest[close+1:]
		}
		p.steps = append(p.steps, st)
		switch {
		case rest == "":
			return p, nil
		case strings.HasPrefix(rest, "@") || strings.HasPrefix(rest, "/@"):
			a := strings.TrimPrefix(strings.TrimPrefix(rest, "/"), "@")
			if _, local, ok := strings.Cut(a, ":"); ok {
				a = local
			}
			if a == "" || strings.ContainsAny(a, "/[]@=() ") {
				return nil, bad("an attribute name comes last, after @")
			}
			p.attr = a
			return p, nil
		case strings.HasPrefix(rest, "//"):
			deep, rest = true, rest[2:]
		case strings.HasPrefix(rest, "/"):
			deep, rest = false, rest[1:]
		default:
			return nil, bad("unexpected %q", rest)
		}
	}
}

func parseXMLPred(s string) (xmlPred, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 {
			return xmlPred{}, fmt.Errorf("[%s]: positions count from 1", s)
		}
		return xmlPred{index: n}, nil
	}
	if !strings.HasPrefix(s, "@") {
		return xmlPred{}, fmt.Errorf("[%s] is not a position, [@attribute] or [@attribute=value]", s)
	}
	name, value, hasValue := strings.Cut(s[1:], "=")
	name = strings.TrimSpace(name)
	if _, local, ok := strings.Cut(name, ":"); ok {
		name = local
	}
	if name == "" || strings.ContainsAny(name, " @/") {
		return xmlPred{}, fmt.Errorf("[%s]: no attribute name", s)
	}
	pred := xmlPred{attr: name}
	if hasValue {
		v := strings.TrimSpace(value)
		if len(v) >= 2 && (v[0] == '\'' || v[0] == '"') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		pred.value = &v
	}
	return pred, nil
}

// eval returns the values the path selects: attribute values, element
// names or element text.
func (p *xmlPath) eval(doc *xmlNode) []any {
	cur := []*xmlNode{doc}
	for _, st := range p.steps {
		if st.deep {
			cur = descendantsOrSelf(cur)
		}
		var next []*xmlNode
		for _, ctx := range cur {
			var matched []*xmlNode
			for _, c := range ctx.children {
				if st.name == "*" || c.name == st.name {
					matched = append(matched, c)
				}
			}
			for _, pr := range st.preds {
				matched = pr.filter(matched)
			}
			next = append(next, matched...)
		}
		cur = next
	}
	var out []any
	for _, n := range cur {
		switch {
		case p.attr != "":
			if v, ok := n.attr(p.attr); ok {
				out = append(out, v)
			}
		case p.name:
			out = append(out, n.name)
		default:
			out = append(out, n.value())
		}
	}
	return out
}

func (pr xmlPred) filter(ns []*xmlNode) []*xmlNode {
	if pr.index > 0 {
		if pr.index <= len(ns) {
			return ns[pr.index-1 : pr.index]
		}
		return nil
	}
	var out []*xmlNode
	for _, n := range ns {
		if v, ok := n.attr(pr.attr); ok && (pr.value == nil || v == *pr.value) {
			out = append(out, n)
		}
	}
	return out
}

// descendantsOrSelf lists the nodes and all their descendants, in
// document order, each once.
func descendantsOrSelf(ns []*xmlNode) []*xmlNode {
	seen := map[*xmlNode]bool{}
	var out []*xmlNode
	for _, root := range ns {
		stack := []*xmlNode{root}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[n] {
				continue
			}
			seen[n] = true
			out = append(out, n)
			for i := len(n.children) - 1; i >= 0; i-- {
				stack = append(stack, n.children[i])
			}
		}
	}
	return out
}

// validateXML checks a xml check's parameters.
func validateXML(p *xmlParams) error {
	if err := needPath("file", p.File); err != nil {
		return err
	}
	if len(p.Match) == 0 {
		return errors.New("match: give at least one path test")
	}
	for i, m := range p.Match {
		if _, err := parseXMLPath(m.Path); err != nil {
			return fmt.Errorf("match %d: %w", i+1, err)
		}
		if err := checkRegexp("matches", m.Matches); err != nil {
			return fmt.Errorf("match %d: %w", i+1, err)
		}
	}
	return nil
}

// checkXML grades the xml check: an XML file parses and every match holds (simple XPath-like paths: a/b[@k=v]/c@attr, //c, name()).
func checkXML(_ context.Context, ws *Workspace, p *xmlParams) Outcome {
	b, err := ws.ReadFile(p.File)
	if err != nil {
		return fail("cannot read %s: %v", p.File, err)
	}
	if len(b) > maxDocument {
		return fail("%s is larger than %d bytes", p.File, maxDocument)
	}
	doc, err := parseXMLDoc(b)
	if err != nil {
		return fail("%s is not well-formed XML: %v", p.File, err)
	}
	var found []string
	for i := range p.Match {
		path, err := parseXMLPath(p.Match[i].Path)
		if err != nil {
			return fail("%v", err)
		}
		o := p.Match[i].judge(path.eval(doc))
		if !o.Pass {
			return o
		}
		found = append(found, o.Detail)
	}
	return pass("%s", joinDetails(found))
}
