package terminal

import (
	"io"
	"os"
	"strings"

	"charm.land/glamour/v2"
	"charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"
	xansi "github.com/charmbracelet/x/ansi"
)

// wrapWidth is the column text is wrapped at.
const wrapWidth = 80

// markdown renders content Markdown (stems, options, exhibits,
// explanations) for the terminal with glamour: styled (bold, colour,
// highlighted code) on a terminal, as plain text without Markdown marks
// when the output is a file or a pipe or NO_COLOR is set. Code blocks keep
// every line's indentation.
type markdown struct {
	r      *glamour.TermRenderer
	styled bool
}

// newMarkdown returns the renderer for out.
func newMarkdown(out io.Writer) *markdown {
	style, styled := plainStyle(), isTerminal(out) && os.Getenv("NO_COLOR") == ""
	if styled {
		style = styles.DarkStyleConfig
	}
	r, err := glamour.NewTermRenderer(glamour.WithStyles(style), glamour.WithWordWrap(wrapWidth))
	if err != nil {
		// The options are fixed; glamour refuses none of them.
		panic("terminal: glamour renderer: " + err.Error())
	}
	return &markdown{r: r, styled: styled}
}

// isTerminal reports whether out is a character device (a terminal).
func isTerminal(out io.Writer) bool {
	f, ok := out.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// plainStyle is glamour's ASCII style without the marks it keeps for
// code, emphasis and strong text, and without a left margin: text as
// text.
func plainStyle() ansi.StyleConfig {
	s := styles.ASCIIStyleConfig
	var zero uint
	s.Document.Margin = &zero
	s.CodeBlock.Margin = &zero
	s.Code.BlockPrefix, s.Code.BlockSuffix = "", ""
	s.Emph.BlockPrefix, s.Emph.BlockSuffix = "", ""
	s.Strong.BlockPrefix, s.Strong.BlockSuffix = "", ""
	return s
}

// Render renders src, without the blank lines and the padding glamour
// puts around a document; if glamour fails, the source is shown as it is.
func (m *markdown) Render(src string) string {
	out, err := m.r.Render(stripControl(src))
	if err != nil {
		out = src
	}
	if !m.styled {
		// glamour marks links as OSC 8 hyperlinks whatever the style.
		out = xansi.Strip(out)
	}
	lines := strings.Split(strings.Trim(out, "\n"), "\n")
	for i, l := range lines {
		// glamour pads lines to the wrap width.
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// stripControl drops control characters but tab and newline: content
// text must not move the cursor or change the terminal's state.
func stripControl(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || (r >= 0x20 && r != 0x7f && (r < 0x80 || r >= 0xa0)) {
			return r
		}
		return -1
	}, s)
}
