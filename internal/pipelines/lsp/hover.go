package lsp

import (
	"context"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"
)

// Hover documents the keyword, expression function or template parameter
// under the cursor.
func (s *server) Hover(_ context.Context, params *protocol.HoverParams) (*protocol.Hover, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[params.TextDocument.URI.Filename()]
	if d == nil {
		return nil, nil
	}
	text := s.hoverText(d, int(params.Position.Line), int(params.Position.Character))
	if text == "" {
		return nil, nil
	}
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: text}}, nil
}

func (s *server) hoverText(d *document, line, char int) string {
	lines := strings.Split(d.text, "\n")
	if line < 0 || line >= len(lines) {
		return ""
	}
	cur := lines[line]
	col := byteOffset(cur, char)
	start, end := identAt(cur, col)
	if start == end {
		return ""
	}
	ident := cur[start:end]
	c := contextAt(d.text, line, char)
	if inExpression(cur, col) || c.self.key == "condition" && c.inValue {
		if strings.HasPrefix(strings.TrimLeft(cur[end:], " \t"), "(") {
			if f, ok := functions[strings.ToLower(ident)]; ok {
				return fmt.Sprintf("```\n%s\n```\n%s", f.signature, f.doc)
			}
		}
		if strings.HasSuffix(strings.ToLower(cur[:start]), "parameters.") {
			for _, p := range declaredParameters(d.text) {
				if strings.EqualFold(p.Name, ident) {
					return paramHover(p, "this file")
				}
			}
			return fmt.Sprintf("`parameters.%s` is not declared in this file.", ident)
		}
		return ""
	}
	// A key: a template's parameter, or a keyword.
	if c.inValue || c.self.key == "" || !strings.Contains(cur[start:], ":") {
		return ""
	}
	if ref, ok := c.templateRef(); ok {
		if t, file, found := s.templateText(d.path, ref); found {
			for _, p := range declaredParameters(t) {
				if p.Name == c.self.key {
					return paramHover(p, file)
				}
			}
			return fmt.Sprintf("`%s` is not a parameter of %s.", c.self.key, ref)
		}
	}
	if k, ok := findKey(c.parentKey(), c.self.key); ok {
		return fmt.Sprintf("**%s**: %s", k.name, k.doc)
	}
	return ""
}

func paramHover(p paramDecl, where string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "**parameter %s** (%s), declared in %s", p.Name, p.Type, where)
	if p.DisplayName != "" {
		fmt.Fprintf(&sb, "\n\n%s", p.DisplayName)
	}
	if p.Default != "" {
		fmt.Fprintf(&sb, "\n\ndefault: `%s`", p.Default)
	} else if p.Type != "(untyped)" {
		sb.WriteString("\n\nrequired (no default)")
	}
	if len(p.Values) > 0 {
		fmt.Fprintf(&sb, "\n\nallowed values: %s", strings.Join(p.Values, ", "))
	}
	return sb.String()
}

// findKey looks a keyword up under its parent, then anywhere.
func findKey(parent, key string) (keyDoc, bool) {
	for _, k := range keySets[parent] {
		if k.name == key {
			return k, true
		}
	}
	for _, set := range [][]keyDoc{pipelineKeys, stageKeys, jobKeys, stepKeys, poolKeys, templateRefKeys} {
		for _, k := range set {
			if k.name == key {
				return k, true
			}
		}
	}
	return keyDoc{}, false
}

// identAt returns the bounds of the identifier around col.
func identAt(line string, col int) (int, int) {
	isIdent := func(c byte) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	start, end := col, col
	for start > 0 && isIdent(line[start-1]) {
		start--
	}
	for end < len(line) && isIdent(line[end]) {
		end++
	}
	return start, end
}

// inExpression reports whether col is inside ${{ }} or $[ ] on the line.
func inExpression(line string, col int) bool {
	before := line[:col]
	for _, pair := range [][2]string{{"${{", "}}"}, {"$[", "]"}} {
		open := strings.LastIndex(before, pair[0])
		if open >= 0 && !strings.Contains(before[open:], pair[1]) {
			return true
		}
	}
	return false
}
