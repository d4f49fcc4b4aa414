package expr

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on a single expression, so that hostile input stays cheap.
const (
	MaxExpressionLength = 1 << 20
	MaxExpressionDepth  = 50
)

// SyntaxError is an error in an expression, located as the service does.
type SyntaxError struct {
	Msg  string // e.g. "Unexpected symbol: '+'"
	Pos  int    // 1-based position in the expression
	Expr string
}

// Error formats the message as the service does.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s. Located at position %d within expression: %s", e.Msg, e.Pos, e.Expr)
}

type nodeKind uint8

const (
	nLiteral nodeKind = iota
	nNamed
	nCall
	nProperty
	nIndex
	nWildcard // a.* or a[*]: every element of an array or value of an object
)

type node struct {
	kind nodeKind
	val  Value   // literal
	name string  // named value, function or property name
	args []*node // call arguments; [target] for property; [target, index] for index
	pos  int
}

// Expr is a parsed expression.
type Expr struct {
	src  string
	root *node
}

// Source returns the expression text.
func (e *Expr) Source() string { return e.src }

type tokKind uint8

const (
	tEOF tokKind = iota
	tLiteral
	tWord     // named value or property name
	tFunction // word followed by '('
	tOpenParen
	tCloseParen
	tOpenBracket
	tCloseBracket
	tComma
	tDot
	tStar
)

type token struct {
	kind tokKind
	text string
	val  Value
	pos  int // 1-based
}

type lexer struct {
	src     string
	i       int
	last    tokKind
	hasLast bool
	errExpr string
}

func (lx *lexer) fail(msg string, pos int) error {
	return &SyntaxError{Msg: msg, Pos: pos, Expr: lx.errExpr}
}

func isWordStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isWordChar(c byte) bool { return isWordStart(c) || c >= '0' && c <= '9' }

func (lx *lexer) endsValue() bool {
	if !lx.hasLast {
		return false
	}
	switch lx.last {
	case tWord, tCloseParen, tCloseBracket:
		return true
	}
	return false
}

func (lx *lexer) next() (token, error) {
	lx.i = skipSpace(lx.src, lx.i)
	if lx.i >= len(lx.src) {
		return token{kind: tEOF, pos: lx.i + 1}, nil
	}
	start := lx.i
	c := lx.src[lx.i]
	tok := token{pos: start + 1}
	switch {
	case c == '(':
		lx.i++
		tok.kind, tok.text = tOpenParen, "("
	case c == ')':
		lx.i++
		tok.kind, tok.text = tCloseParen, ")"
	case c == '[':
		lx.i++
		tok.kind, tok.text = tOpenBracket, "["
	case c == ']':
		lx.i++
		tok.kind, tok.text = tCloseBracket, "]"
	case c == ',':
		lx.i++
		tok.kind, tok.text = tComma, ","
	case c == '*' && lx.hasLast && (lx.last == tDot || lx.last == tOpenBracket):
		lx.i++
		tok.kind, tok.text = tStar, "*"
	case c == '.' && lx.endsValue():
		lx.i++
		tok.kind, tok.text = tDot, "."
	case c == '\'':
		var sb strings.Builder
		j := lx.i + 1
		closed := false
		for j < len(lx.src) {
			if lx.src[j] == '\'' {
				if j+1 < len(lx.src) && lx.src[j+1] == '\'' {
					sb.WriteByte('\'')
					j += 2
					continue
				}
				closed = true
				j++
				break
			}
			sb.WriteByte(lx.src[j])
			j++
		}
		if !closed {
			return tok, lx.fail(fmt.Sprintf("Unexpected symbol: '%s'", lx.src[start:]), tok.pos)
		}
		lx.i = j
		tok.kind, tok.text, tok.val = tLiteral, lx.src[start:j], String(sb.String())
	case isWordStart(c):
		j := lx.i
		for j < len(lx.src) && isWordChar(lx.src[j]) {
			j++
		}
		word := lx.src[lx.i:j]
		lx.i = j
		tok.text = word
		afterDot := lx.hasLast && lx.last == tDot
		k := skipSpace(lx.src, j)
		switch {
		case afterDot:
			tok.kind = tWord
		case k < len(lx.src) && lx.src[k] == '(':
			tok.kind = tFunction
		case strings.EqualFold(word, "true"):
			tok.kind, tok.val = tLiteral, Bool(true)
		case strings.EqualFold(word, "false"):
			tok.kind, tok.val = tLiteral, Bool(false)
		case strings.EqualFold(word, "null"):
			tok.kind, tok.val = tLiteral, Null()
		case strings.EqualFold(word, "NaN"):
			tok.kind, tok.val = tLiteral, Number(math.NaN())
		case strings.EqualFold(word, "Infinity"):
			tok.kind, tok.val = tLiteral, Number(math.Inf(1))
		default:
			tok.kind = tWord
		}
	case c == '-' || c == '+' || c == '.' || c >= '0' && c <= '9':
		j := lx.i + 1
		for j < len(lx.src) && (isWordChar(lx.src[j]) || lx.src[j] == '.' || lx.src[j] == '-' || lx.src[j] == '+') {
			j++
		}
		text := lx.src[lx.i:j]
		lx.i = j
		tok.text = text
		if v, ok := parseNumberLiteral(text); ok {
			tok.kind, tok.val = tLiteral, v
		} else if parts, ok := parseVersion(text); ok && len(parts) > 2 {
			tok.kind, tok.val = tLiteral, Version(parts)
		} else {
			return tok, lx.fail(fmt.Sprintf("Unexpected symbol: '%s'", text), tok.pos)
		}
	default:
		return tok, lx.fail(fmt.Sprintf("Unexpected symbol: '%c'", rune(c)), tok.pos)
	}
	lx.last, lx.hasLast = tok.kind, true
	return tok, nil
}

// skipSpace returns the index of the first non-white-space character of src
// at or after i. White space is what .NET's Char.IsWhiteSpace accepts, as in
// the service's lexer: a function name may be followed by a line break
// before its '('.
func skipSpace(src string, i int) int {
	for i < len(src) {
		c := src[i]
		if c < utf8.RuneSelf {
			if c != ' ' && (c < '\t' || c > '\r') {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if !unicode.IsSpace(r) {
			return i
		}
		i += size
	}
	return i
}

func parseNumberLiteral(s string) (Value, bool) {
	t := s
	neg := false
	if strings.HasPrefix(t, "-") {
		neg, t = true, t[1:]
	} else if strings.HasPrefix(t, "+") {
		t = t[1:]
	}
	if strings.HasPrefix(t, "0x") || strings.HasPrefix(t, "0X") {
		n, err := strconv.ParseInt(t[2:], 16, 64)
		if err != nil {
			return Value{}, false
		}
		if neg {
			n = -n
		}
		return Number(float64(n)), true
	}
	if t == "" || strings.Count(t, ".") > 1 {
		return Value{}, false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || (c == '-' || c == '+') && i > 0 && (t[i-1] == 'e' || t[i-1] == 'E')) {
			return Value{}, false
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return Value{}, false
	}
	if neg {
		f = -f
	}
	return Number(f), true
}

// Parse parses an expression, checking its syntax only: named values and
// functions are checked by Check or when the expression is evaluated.
func Parse(src string) (*Expr, error) {
	display := strings.TrimSpace(src)
	if len(src) > MaxExpressionLength {
		return nil, &SyntaxError{Msg: fmt.Sprintf("Exceeded max expression length %d", MaxExpressionLength), Pos: 1, Expr: display[:64]}
	}
	p := &parser{lx: lexer{src: src, errExpr: display}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tEOF {
		return nil, &SyntaxError{Msg: "Expected an expression", Pos: 1, Expr: display}
	}
	root, err := p.parseExpr(0)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.unexpected()
	}
	return &Expr{src: display, root: root}, nil
}

type parser struct {
	lx  lexer
	tok token
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) unexpected() error {
	if p.tok.kind == tEOF {
		return &SyntaxError{Msg: "Unexpected end of expression", Pos: p.tok.pos, Expr: p.lx.errExpr}
	}
	return &SyntaxError{Msg: fmt.Sprintf("Unexpected symbol: '%s'", p.tok.text), Pos: p.tok.pos, Expr: p.lx.errExpr}
}

func (p *parser) parseExpr(depth int) (*node, error) {
	if depth > MaxExpressionDepth {
		return nil, &SyntaxError{Msg: fmt.Sprintf("Exceeded max expression depth %d", MaxExpressionDepth), Pos: p.tok.pos, Expr: p.lx.errExpr}
	}
	var n *node
	switch p.tok.kind {
	case tLiteral:
		n = &node{kind: nLiteral, val: p.tok.val, pos: p.tok.pos}
		if err := p.advance(); err != nil {
			return nil, err
		}
		return n, nil // literals take no property access
	case tWord:
		n = &node{kind: nNamed, name: p.tok.text, pos: p.tok.pos}
		if err := p.advance(); err != nil {
			return nil, err
		}
	case tFunction:
		n = &node{kind: nCall, name: p.tok.text, pos: p.tok.pos}
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind != tOpenParen {
			return nil, p.unexpected()
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == tCloseParen {
			if err := p.advance(); err != nil {
				return nil, err
			}
		} else {
			for {
				arg, err := p.parseExpr(depth + 1)
				if err != nil {
					return nil, err
				}
				n.args = append(n.args, arg)
				if p.tok.kind == tComma {
					if err := p.advance(); err != nil {
						return nil, err
					}
					continue
				}
				if p.tok.kind == tCloseParen {
					if err := p.advance(); err != nil {
						return nil, err
					}
					break
				}
				return nil, p.unexpected()
			}
		}
	default:
		return nil, p.unexpected()
	}
	for {
		switch p.tok.kind {
		case tDot:
			if err := p.advance(); err != nil {
				return nil, err
			}
			switch p.tok.kind {
			case tWord:
				n = &node{kind: nProperty, name: p.tok.text, args: []*node{n}, pos: p.tok.pos}
			case tStar:
				n = &node{kind: nWildcard, args: []*node{n}, pos: p.tok.pos}
				p.lx.last = tCloseBracket // a property may follow: a.*.name
			default:
				return nil, p.unexpected()
			}
			if err := p.advance(); err != nil {
				return nil, err
			}
		case tOpenBracket:
			pos := p.tok.pos
			if err := p.advance(); err != nil {
				return nil, err
			}
			if p.tok.kind == tStar {
				if err := p.advance(); err != nil {
					return nil, err
				}
				if p.tok.kind != tCloseBracket {
					return nil, p.unexpected()
				}
				p.lx.last = tCloseBracket
				if err := p.advance(); err != nil {
					return nil, err
				}
				n = &node{kind: nWildcard, args: []*node{n}, pos: pos}
				continue
			}
			idx, err := p.parseExpr(depth + 1)
			if err != nil {
				return nil, err
			}
			if p.tok.kind != tCloseBracket {
				return nil, p.unexpected()
			}
			p.lx.last = tCloseBracket
			if err := p.advance(); err != nil {
				return nil, err
			}
			n = &node{kind: nIndex, args: []*node{n, idx}, pos: pos}
		default:
			return n, nil
		}
	}
}

// NamedValues lists the distinct named values the expression refers to.
func (e *Expr) NamedValues() []string {
	seen := map[string]bool{}
	var out []string
	var walk func(n *node)
	walk = func(n *node) {
		if n.kind == nNamed && !seen[strings.ToLower(n.name)] {
			seen[strings.ToLower(n.name)] = true
			out = append(out, n.name)
		}
		for _, a := range n.args {
			walk(a)
		}
	}
	walk(e.root)
	return out
}

// IsLiteral reports whether the expression is a single literal, and its value.
func (e *Expr) IsLiteral() (Value, bool) {
	if e.root.kind == nLiteral {
		return e.root.val, true
	}
	return Value{}, false
}
