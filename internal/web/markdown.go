package web

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown renders content Markdown (modules, stems, options, exhibits,
// explanations) to HTML. Raw HTML in the source is shown as the text it is,
// never passed through as markup, and goldmark leaves out links with
// dangerous schemes such as javascript:.
type markdown struct {
	md goldmark.Markdown
}

func newMarkdown() *markdown {
	return &markdown{md: goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(literalHTML{}, 100))),
	)}
}

// HTML renders src; a rendering error shows the source as escaped text.
func (m *markdown) HTML(src string) template.HTML {
	var b bytes.Buffer
	if err := m.md.Convert([]byte(src), &b); err != nil {
		return template.HTML("<pre>" + template.HTMLEscapeString(src) + "</pre>")
	}
	return template.HTML(b.String())
}

// Inline renders a short text (an option, a target, a label) as inline
// HTML: code spans, emphasis and links, without a paragraph around it.
func (m *markdown) Inline(src string) template.HTML {
	h := strings.TrimSpace(string(m.HTML(src)))
	if strings.HasPrefix(h, "<p>") && strings.HasSuffix(h, "</p>") && strings.Count(h, "<p>") == 1 {
		h = h[len("<p>") : len(h)-len("</p>")]
	}
	return template.HTML(h)
}

// Plain renders src to text for places that cannot hold markup (an option
// of a drop-down): the text of the rendered Markdown, without its marks,
// whitespace collapsed. Code reads as written, without its backticks.
func (m *markdown) Plain(src string) string {
	source := []byte(src)
	doc := m.md.Parser().Parse(text.NewReader(source))
	var b strings.Builder
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock {
				b.WriteByte(' ')
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			b.Write(n.Value(source))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.AutoLink:
			b.Write(n.Label(source))
		case *ast.RawHTML:
			for i := 0; i < n.Segments.Len(); i++ {
				s := n.Segments.At(i)
				b.Write(s.Value(source))
			}
		default:
			if n.Type() == ast.TypeBlock && n.Kind() != ast.KindParagraph && n.Kind() != ast.KindDocument && n.Kind() != ast.KindTextBlock {
				// Code blocks and HTML blocks: their lines as written.
				if lines := n.Lines(); lines != nil && !n.HasChildren() {
					for i := 0; i < lines.Len(); i++ {
						l := lines.At(i)
						b.Write(l.Value(source))
					}
				}
			}
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// literalHTML renders raw HTML of the source (inline tags and HTML blocks)
// as escaped text: content such as "<service-name>" reads as written, and
// no tag of an author's reaches the page as markup.
type literalHTML struct{}

func (literalHTML) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkSkipChildren, nil
		}
		segs := n.(*ast.RawHTML).Segments
		for i := 0; i < segs.Len(); i++ {
			s := segs.At(i)
			_, _ = w.WriteString(template.HTMLEscapeString(string(s.Value(source))))
		}
		return ast.WalkSkipChildren, nil
	})
	reg.Register(ast.KindHTMLBlock, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		b := n.(*ast.HTMLBlock)
		_, _ = w.WriteString("<p>")
		for i := 0; i < b.Lines().Len(); i++ {
			l := b.Lines().At(i)
			_, _ = w.WriteString(template.HTMLEscapeString(string(l.Value(source))))
		}
		if b.HasClosure() {
			_, _ = w.WriteString(template.HTMLEscapeString(string(b.ClosureLine.Value(source))))
		}
		_, _ = w.WriteString("</p>\n")
		return ast.WalkSkipChildren, nil
	})
}
