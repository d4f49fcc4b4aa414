package cohort

import (
	"strings"
	"testing"
)

func TestNormalizeCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"k7p2qx9m", "K7P2QX9M"},
		{" K7P2-QX9M ", "K7P2QX9M"},
		{"k7p2 qx9m", "K7P2QX9M"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := NormalizeCode(tc.in); got != tc.want {
				t.Fatalf("NormalizeCode(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestNewCodeUsesTheAlphabet(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		c := newCode()
		if len(c) != CodeLength || strings.Trim(c, codeAlphabet) != "" {
			t.Fatalf("code %q is not %d characters of %s", c, CodeLength, codeAlphabet)
		}
		if seen[c] {
			t.Fatalf("code %q drawn twice in 200", c)
		}
		seen[c] = true
	}
}

// A cell a spreadsheet would read as a formula starts with an apostrophe.
func TestSafeCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"},
		{"+1", "'+1"},
		{"-2", "'-2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"Ada Lovelace", "Ada Lovelace"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := safeCell(tc.in); got != tc.want {
				t.Fatalf("safeCell(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
