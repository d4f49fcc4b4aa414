// Package pipelines expands, validates and runs Azure Pipelines YAML on this
// machine: templates and compile-time expressions are resolved as the service
// does, the result is checked against a typed model of the pipeline, and the
// pipeline's script steps can be run in a local workspace.
package pipelines

import (
	"fmt"
	"strings"

	"github.com/certlab/certlab/internal/pipelines/expr"
)

// NodeKind is the kind of a Node.
type NodeKind uint8

// The kinds of nodes in a pipeline document.
const (
	NullNode NodeKind = iota
	StringNode
	BoolNode
	NumberNode
	SequenceNode
	MappingNode
)

// Pos is a position in a source file.
type Pos struct {
	File string // the name used in messages
	Line int
	Col  int
	Path string // the file on disk, when it was read from one
}

// String formats the position as file:line:col.
func (p Pos) String() string {
	if p.File == "" {
		return "(generated)"
	}
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Node is one value of a pipeline document: a scalar, a sequence or a
// mapping, with the position it came from. Nodes are never modified once
// built, so expansion shares unchanged subtrees.
type Node struct {
	Kind  NodeKind
	Value string // text of a scalar (strings, "true"/"false", numbers)
	Plain bool   // a plain (unquoted) YAML scalar, whose type may be inferred
	Items []*Node
	Pairs []Pair
	Pos   Pos

	tmpl    *tmplInfo // parsed ${{ }} content of a scalar read from a file
	hasExpr bool      // this subtree holds ${{ }} content
}

// Pair is one key/value of a mapping.
type Pair struct {
	Key   *Node
	Value *Node
}

type directiveKind uint8

const (
	dirNone directiveKind = iota
	dirIf
	dirElseIf
	dirElse
	dirEach
	dirInsert
)

// tmplInfo is the parsed template content of a scalar.
type tmplInfo struct {
	segs      []expr.Segment
	directive directiveKind
	cond      *expr.Expr // if/elseif condition, each collection
	eachVar   string
}

// Get returns the value of a mapping key, or nil.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != MappingNode {
		return nil
	}
	for _, p := range n.Pairs {
		if p.Key.Value == key {
			return p.Value
		}
	}
	return nil
}

// Str returns the scalar text of n ("" for nil, null or collections).
func (n *Node) Str() string {
	if n == nil || n.Kind == SequenceNode || n.Kind == MappingNode {
		return ""
	}
	return n.Value
}

// IsScalar reports whether n is a scalar (including null).
func (n *Node) IsScalar() bool {
	return n != nil && n.Kind != SequenceNode && n.Kind != MappingNode
}

// String renders the node in a short form for messages.
func (n *Node) String() string {
	if n == nil {
		return "null"
	}
	switch n.Kind {
	case SequenceNode:
		return "a sequence"
	case MappingNode:
		return "a mapping"
	case NullNode:
		return "null"
	}
	return n.Value
}

func newString(s string, pos Pos) *Node { return &Node{Kind: StringNode, Value: s, Pos: pos} }

func newMapping(pos Pos, pairs []Pair) *Node {
	return &Node{Kind: MappingNode, Pairs: pairs, Pos: pos}
}

// toValue converts a node to an expression value. Plain scalars stay strings
// unless infer is set, in which case YAML 1.2 core booleans and numbers are
// typed (the service does so for object parameters).
func toValue(n *Node, infer bool) expr.Value {
	if n == nil {
		return expr.Null()
	}
	switch n.Kind {
	case NullNode:
		return expr.Null()
	case BoolNode:
		return expr.Bool(strings.EqualFold(n.Value, "true"))
	case NumberNode:
		return expr.Number(expr.String(n.Value).ToNumber())
	case StringNode:
		if infer && n.Plain {
			switch n.Value {
			case "true", "True", "TRUE":
				return expr.Bool(true)
			case "false", "False", "FALSE":
				return expr.Bool(false)
			}
			if looksNumeric(n.Value) {
				return expr.Number(expr.String(n.Value).ToNumber())
			}
		}
		return expr.String(n.Value)
	case SequenceNode:
		items := make([]expr.Value, len(n.Items))
		for i, it := range n.Items {
			items[i] = toValue(it, infer)
		}
		return expr.Array(items)
	case MappingNode:
		o := expr.NewObject()
		for _, p := range n.Pairs {
			o.Set(p.Key.Value, toValue(p.Value, infer))
		}
		return expr.ObjectValue(o)
	}
	return expr.Null()
}

func looksNumeric(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c >= '0' && c <= '9' || c == '.' || (c == '-' || c == '+') && i == 0) {
			return false
		}
	}
	return strings.Count(s, ".") <= 1 && strings.ContainsAny(s, "0123456789")
}

// fromValue converts an expression value to a node placed at pos.
func fromValue(v expr.Value, pos Pos) *Node {
	switch v.Kind() {
	case expr.KindNull:
		return &Node{Kind: NullNode, Pos: pos}
	case expr.KindBool:
		s := "false"
		if v.BoolValue() {
			s = "true"
		}
		return &Node{Kind: BoolNode, Value: s, Pos: pos}
	case expr.KindNumber:
		return &Node{Kind: NumberNode, Value: expr.FormatNumber(v.NumberValue()), Pos: pos}
	case expr.KindString, expr.KindVersion:
		return &Node{Kind: StringNode, Value: v.Str(), Pos: pos}
	case expr.KindArray:
		items := make([]*Node, len(v.Items()))
		for i, it := range v.Items() {
			items[i] = fromValue(it, pos)
		}
		return &Node{Kind: SequenceNode, Items: items, Pos: pos}
	case expr.KindObject:
		o := v.Object()
		pairs := make([]Pair, o.Len())
		for i, k := range o.Keys() {
			pairs[i] = Pair{Key: newString(k, pos), Value: fromValue(o.Values()[i], pos)}
		}
		return newMapping(pos, pairs)
	}
	return &Node{Kind: NullNode, Pos: pos}
}

// scalarText converts a scalar node to the string the service would see:
// booleans produced by expressions read "True"/"False".
func scalarText(n *Node) string {
	if n == nil {
		return ""
	}
	switch n.Kind {
	case BoolNode:
		if n.Value == "true" {
			return "True"
		}
		return "False"
	case NullNode:
		return ""
	}
	return n.Value
}
