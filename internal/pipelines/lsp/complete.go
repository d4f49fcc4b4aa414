package lsp

import (
	"context"
	"sort"
	"strings"

	"go.lsp.dev/protocol"
)

// Completion offers, depending on the cursor: keywords allowed at that
// place, the parameters of the template a reference names, the allowed
// values of a parameter or keyword, and in expressions the functions and
// the file's own parameters.
func (s *server) Completion(_ context.Context, params *protocol.CompletionParams) (*protocol.CompletionList, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[params.TextDocument.URI.Filename()]
	if d == nil {
		return &protocol.CompletionList{}, nil
	}
	items := s.completions(d, int(params.Position.Line), int(params.Position.Character))
	sort.SliceStable(items, func(i, j int) bool { return items[i].Label < items[j].Label })
	return &protocol.CompletionList{Items: items}, nil
}

func (s *server) completions(d *document, line, char int) []protocol.CompletionItem {
	c := contextAt(d.text, line, char)
	if line < 0 || line >= len(c.lines) {
		return nil
	}
	cur := c.lines[line]
	col := c.col
	if inExpression(cur, col) || c.self.key == "condition" && c.inValue {
		return expressionCompletions(d.text, cur[:col])
	}
	ref, inRef := c.templateRef()
	if c.inValue {
		key := c.self.key
		if inRef {
			if t, _, ok := s.templateText(d.path, ref); ok {
				for _, p := range declaredParameters(t) {
					if p.Name == key {
						return valueItems(p.Values, "allowed value of "+p.Name)
					}
				}
			}
			return nil
		}
		if k, ok := findKey(c.parentKey(), key); ok && len(k.values) > 0 {
			return valueItems(k.values, k.name)
		}
		if key == "checkout" {
			return valueItems([]string{"self", "none"}, "checkout")
		}
		return nil
	}
	present := mappingKeys(c.lines, line, c.self.indent)
	if inRef {
		t, file, ok := s.templateText(d.path, ref)
		if !ok {
			return nil
		}
		var items []protocol.CompletionItem
		for _, p := range declaredParameters(t) {
			if _, done := present[p.Name]; done && p.Name != c.self.key {
				continue
			}
			items = append(items, protocol.CompletionItem{
				Label:         p.Name,
				Kind:          protocol.CompletionItemKindProperty,
				Detail:        p.Type + " parameter of " + ref,
				Documentation: protocol.MarkupContent{Kind: protocol.Markdown, Value: paramHover(p, file)},
				InsertText:    p.Name + ": ",
			})
		}
		return items
	}
	set, ok := keySets[c.parentKey()]
	if !ok {
		return nil
	}
	var items []protocol.CompletionItem
	for _, k := range set {
		if _, done := present[k.name]; done && k.name != c.self.key {
			continue
		}
		items = append(items, protocol.CompletionItem{
			Label:         k.name,
			Kind:          protocol.CompletionItemKindKeyword,
			Detail:        "keyword",
			Documentation: protocol.MarkupContent{Kind: protocol.Markdown, Value: k.doc},
			InsertText:    k.name + ": ",
		})
	}
	return items
}

func valueItems(values []string, detail string) []protocol.CompletionItem {
	items := make([]protocol.CompletionItem, 0, len(values))
	for _, v := range values {
		items = append(items, protocol.CompletionItem{Label: v, Kind: protocol.CompletionItemKindEnumMember, Detail: detail})
	}
	return items
}

// expressionCompletions offers the file's parameters after "parameters.",
// and otherwise the functions and named values.
func expressionCompletions(text, before string) []protocol.CompletionItem {
	start, _ := identAt(before, len(before))
	if strings.HasSuffix(strings.ToLower(before[:start]), "parameters.") {
		var items []protocol.CompletionItem
		for _, p := range declaredParameters(text) {
			items = append(items, protocol.CompletionItem{
				Label:         p.Name,
				Kind:          protocol.CompletionItemKindField,
				Detail:        p.Type + " parameter",
				Documentation: protocol.MarkupContent{Kind: protocol.Markdown, Value: paramHover(p, "this file")},
			})
		}
		return items
	}
	var items []protocol.CompletionItem
	for _, f := range functions {
		label := f.signature[:strings.IndexByte(f.signature, '(')]
		items = append(items, protocol.CompletionItem{
			Label:         label,
			Kind:          protocol.CompletionItemKindFunction,
			Detail:        f.signature,
			Documentation: protocol.MarkupContent{Kind: protocol.Markdown, Value: f.doc},
		})
	}
	for _, nv := range []string{"parameters", "variables", "dependencies", "stageDependencies", "pipeline", "resources"} {
		items = append(items, protocol.CompletionItem{Label: nv, Kind: protocol.CompletionItemKindVariable, Detail: "named value"})
	}
	return items
}
