package expr

import (
	"fmt"
	"strings"
)

// Segment is a piece of a string that may embed expressions: either literal
// text or an expression.
type Segment struct {
	Text string // literal text when Expr is nil
	Raw  string // the expression text between the markers
	Expr *Expr
}

// SplitTemplate cuts s into literal text and ${{ }} expressions. It returns
// nil segments when s holds no expression.
func SplitTemplate(s string) ([]Segment, error) {
	if !strings.Contains(s, "${{") {
		return nil, nil
	}
	var segs []Segment
	rest := s
	for {
		i := strings.Index(rest, "${{")
		if i < 0 {
			if rest != "" {
				segs = append(segs, Segment{Text: rest})
			}
			return segs, nil
		}
		if i > 0 {
			segs = append(segs, Segment{Text: rest[:i]})
		}
		body := rest[i+3:]
		end := findClose(body, "}}")
		if end < 0 {
			return nil, &SyntaxError{Msg: "The expression is not closed. An unescaped ${{ sequence was found, but the closing }} sequence was not found", Pos: i + 1, Expr: strings.TrimSpace(rest[i:])}
		}
		raw := body[:end]
		segs = append(segs, Segment{Raw: strings.TrimSpace(raw)})
		rest = body[end+2:]
	}
}

// findClose finds the closing marker outside single-quoted strings.
func findClose(s, marker string) int {
	inStr := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\'' {
			inStr = !inStr
			continue
		}
		if !inStr && strings.HasPrefix(s[i:], marker) {
			return i
		}
	}
	return -1
}

// RuntimeExpression returns the expression text of a whole-value runtime
// expression "$[ … ]", and whether s is one.
func RuntimeExpression(s string) (string, bool) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "$[") || !strings.HasSuffix(t, "]") {
		return "", false
	}
	return strings.TrimSpace(t[2 : len(t)-1]), true
}

// ErrEmpty reports an empty expression.
func emptyExpr(raw string) error {
	return &SyntaxError{Msg: "Expected an expression", Pos: 1, Expr: raw}
}

// ParseSegments parses the expression of every expression segment.
func ParseSegments(segs []Segment) error {
	for i := range segs {
		if segs[i].Text != "" || segs[i].Expr != nil {
			continue
		}
		if segs[i].Raw == "" {
			return emptyExpr(segs[i].Raw)
		}
		e, err := Parse(segs[i].Raw)
		if err != nil {
			return err
		}
		segs[i].Expr = e
	}
	return nil
}

// DescribeKind names a value's kind for messages.
func DescribeKind(v Value) string { return fmt.Sprint(v.kind) }
