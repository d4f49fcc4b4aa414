package web

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown renders content Markdown (modules, stems, exhibits, explanations)
// to HTML. Raw HTML in the source is dropped, not passed through, and
// goldmark leaves out links with dangerous schemes such as javascript:.
type markdown struct {
	md goldmark.Markdown
}

func newMarkdown() *markdown {
	return &markdown{md: goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))}
}

// HTML renders src; a rendering error shows the source as escaped text.
func (m *markdown) HTML(src string) template.HTML {
	var b bytes.Buffer
	if err := m.md.Convert([]byte(src), &b); err != nil {
		return template.HTML("<pre>" + template.HTMLEscapeString(src) + "</pre>")
	}
	return template.HTML(b.String())
}
