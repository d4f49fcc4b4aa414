package terminal

import (
	"bytes"
	"strings"
	"testing"
)

// TestMarkdownPlain renders for a pipe: text without Markdown marks,
// code blocks with every line's indentation (the first one's too), links
// without terminal escape sequences, and no control characters.
func TestMarkdownPlain(t *testing.T) {
	m := newMarkdown(&bytes.Buffer{})
	cases := []struct {
		name, in string
		want     []string
		not      []string
	}{
		{"inline marks", "Use `kubectl apply` **now**, *then* wait.", []string{"Use kubectl apply now, then wait."}, []string{"`", "**"}},
		{"code block", "Exhibit:\n\n```yaml\n      - uses: [[ctx]]\n        with:\n          a: b\n```\n", []string{"\n      - uses: [[ctx]]\n        with:\n          a: b"}, []string{"```"}},
		{"link", "See [the docs](https://learn.example/x).", []string{"the docs https://learn.example/x"}, []string{"\x1b"}},
		{"control characters", "bell\x07 and \x1b[31mred", []string{"bell and [31mred"}, []string{"\x07", "\x1b"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := m.Render(c.in)
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("Render(%q) = %q, lacks %q", c.in, got, w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(got, n) {
					t.Errorf("Render(%q) = %q, has %q", c.in, got, n)
				}
			}
			for _, l := range strings.Split(got, "\n") {
				if strings.HasSuffix(l, " ") {
					t.Errorf("line %q ends in spaces", l)
				}
			}
		})
	}
}

// FuzzRender renders any text for a pipe without escape sequences or
// control characters in the output.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"# T\n\n`x`", "[a](javascript:x)", "```\n  a\n```", "\x1b]8;;http://x\x07y", "| a |\n|---|\n| b |"} {
		f.Add(s)
	}
	m := newMarkdown(&bytes.Buffer{})
	f.Fuzz(func(t *testing.T, s string) {
		got := m.Render(s)
		for _, r := range got {
			if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
				t.Fatalf("Render(%q) = %q has control character %U", s, got, r)
			}
		}
	})
}
