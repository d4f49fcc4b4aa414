package pipelines

import (
	"strings"

	"github.com/certlab/certlab/internal/pipelines/expr"
)

// varScope holds the variables of one level (pipeline, stage, job) as they
// are known at compile time; a child sees its parents' variables.
type varScope struct {
	parent *varScope
	names  []string
	vals   map[string]string // lower-case name → value
	ver    int
	cache  *expr.Object
	cached int // sum of versions along the chain when cache was built
}

func newVarScope(parent *varScope) *varScope {
	return &varScope{parent: parent, vals: map[string]string{}}
}

func (v *varScope) set(name, value string) {
	lk := strings.ToLower(name)
	if _, ok := v.vals[lk]; !ok {
		v.names = append(v.names, name)
	}
	v.vals[lk] = value
	v.ver++
}

func (v *varScope) version() int {
	n := 0
	for s := v; s != nil; s = s.parent {
		n += s.ver + 1
	}
	return n
}

// object returns the merged variables visible from v.
func (v *varScope) object() *expr.Object {
	ver := v.version()
	if v.cache != nil && v.cached == ver {
		return v.cache
	}
	o := expr.NewObject()
	var chain []*varScope
	for s := v; s != nil; s = s.parent {
		chain = append(chain, s)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		s := chain[i]
		for _, n := range s.names {
			o.Set(n, expr.String(s.vals[strings.ToLower(n)]))
		}
	}
	v.cache, v.cached = o, ver
	return o
}

// local is one variable bound by an each directive.
type local struct {
	name string
	val  expr.Value
	next *local
}

// scope is what an expression sees at one point of a template.
type scope struct {
	file   *sourceFile
	params expr.Value
	vars   *varScope
	locals *local
	depth  int
	syntax bool // syntax-only mode: unknown named values read as null
}

func (s scope) withLocal(name string, v expr.Value) scope {
	s.locals = &local{name: name, val: v, next: s.locals}
	return s
}

func (s scope) withVars(v *varScope) scope {
	s.vars = v
	return s
}

func (s scope) env() *expr.Env {
	return &expr.Env{Resolve: s.resolve}
}

func (s scope) resolve(name string) (expr.Value, bool) {
	for l := s.locals; l != nil; l = l.next {
		if strings.EqualFold(l.name, name) {
			return l.val, true
		}
	}
	switch strings.ToLower(name) {
	case "parameters":
		if s.params.Kind() == expr.KindNull {
			return expr.ObjectValue(nil), true
		}
		return s.params, true
	case "variables":
		if s.vars == nil {
			return expr.ObjectValue(nil), true
		}
		return expr.ObjectValue(s.vars.object()), true
	}
	if s.syntax {
		return expr.Null(), true
	}
	return expr.Null(), false
}
