package expr

import (
	"errors"
	"fmt"
	"strings"
)

// MaxResultLength bounds the length of any string an expression builds.
const MaxResultLength = 1 << 20

// Function is a function supplied by the caller (status functions, counter).
// Its arguments are evaluated before it is called.
type Function struct {
	Min, Max int // Max < 0 means any number of arguments
	Call     func(args []Value) (Value, error)
}

// Env is what an expression is evaluated against.
type Env struct {
	// Resolve returns a named value; ok is false when the name is unknown.
	Resolve func(name string) (v Value, ok bool)
	// Functions are extra functions, looked up by lower-case name.
	Functions map[string]Function
}

// Check verifies that every named value and function in the expression is
// known: names reports whether a named value is known, funcs are extra
// functions beyond the built-in set.
func (e *Expr) Check(names func(string) bool, funcs map[string]Function) error {
	var walk func(n *node) error
	walk = func(n *node) error {
		switch n.kind {
		case nNamed:
			if !names(n.name) {
				return &SyntaxError{Msg: fmt.Sprintf("Unrecognized named-value: '%s'", n.name), Pos: n.pos, Expr: e.src}
			}
		case nCall:
			min, max, ok := lookupArity(n.name, funcs)
			if !ok {
				return &SyntaxError{Msg: fmt.Sprintf("Unrecognized function: '%s'", n.name), Pos: n.pos, Expr: e.src}
			}
			if len(n.args) < min {
				return &SyntaxError{Msg: fmt.Sprintf("Too few parameters supplied: '%s'", n.name), Pos: n.pos, Expr: e.src}
			}
			if max >= 0 && len(n.args) > max {
				return &SyntaxError{Msg: fmt.Sprintf("Too many parameters supplied: '%s'", n.name), Pos: n.pos, Expr: e.src}
			}
		}
		for _, a := range n.args {
			if err := walk(a); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(e.root)
}

func lookupArity(name string, funcs map[string]Function) (int, int, bool) {
	ln := strings.ToLower(name)
	if f, ok := funcs[ln]; ok {
		return f.Min, f.Max, true
	}
	if b, ok := builtins[ln]; ok {
		return b.min, b.max, true
	}
	return 0, 0, false
}

// EvalError is an error raised while evaluating an expression.
type EvalError struct {
	Msg  string
	Expr string
}

// Error formats the message with the expression it came from.
func (e *EvalError) Error() string {
	if e.Expr == "" {
		return e.Msg
	}
	return fmt.Sprintf("%s (in expression: %s)", e.Msg, e.Expr)
}

// Eval checks the expression against env and evaluates it.
func (e *Expr) Eval(env *Env) (Value, error) {
	names := func(n string) bool {
		_, ok := env.Resolve(n)
		return ok
	}
	if err := e.Check(names, env.Functions); err != nil {
		return Value{}, err
	}
	ev := &evaluator{env: env, src: e.src}
	v, err := ev.eval(e.root)
	if err != nil {
		var ee *EvalError
		if errors.As(err, &ee) && ee.Expr == "" {
			ee.Expr = e.src
		}
		return Value{}, err
	}
	return v, nil
}

type evaluator struct {
	env *Env
	src string
}

func (ev *evaluator) eval(n *node) (Value, error) {
	switch n.kind {
	case nLiteral:
		return n.val, nil
	case nNamed:
		v, _ := ev.env.Resolve(n.name)
		return v, nil
	case nProperty:
		t, err := ev.eval(n.args[0])
		if err != nil {
			return Value{}, err
		}
		if t.filtered {
			return ev.mapFiltered(t, func(el Value) (Value, error) { return ev.member(el, n.name, n.args[0]) })
		}
		return ev.member(t, n.name, n.args[0])
	case nWildcard:
		t, err := ev.eval(n.args[0])
		if err != nil {
			return Value{}, err
		}
		if t.filtered {
			var out []Value
			for _, el := range t.arr {
				out = append(out, children(el)...)
			}
			return Value{kind: KindArray, arr: out, filtered: true}, nil
		}
		return Value{kind: KindArray, arr: children(t), filtered: true}, nil
	case nIndex:
		t, err := ev.eval(n.args[0])
		if err != nil {
			return Value{}, err
		}
		idx, err := ev.eval(n.args[1])
		if err != nil {
			return Value{}, err
		}
		if t.filtered {
			return ev.mapFiltered(t, func(el Value) (Value, error) { return ev.index(el, idx, n.args[0]) })
		}
		return ev.index(t, idx, n.args[0])
	case nCall:
		ln := strings.ToLower(n.name)
		if f, ok := ev.env.Functions[ln]; ok {
			args := make([]Value, len(n.args))
			for i, a := range n.args {
				v, err := ev.eval(a)
				if err != nil {
					return Value{}, err
				}
				args[i] = v
			}
			return f.Call(args)
		}
		b := builtins[ln]
		return b.call(ev, n.args)
	}
	return Null(), nil
}

// index reads t[idx].
func (ev *evaluator) index(t, idx Value, target *node) (Value, error) {
	switch t.kind {
	case KindArray:
		f := idx.ToNumber()
		if f != f || f < 0 || f >= float64(len(t.arr)) || f != float64(int(f)) {
			return Null(), nil
		}
		return t.arr[int(f)], nil
	case KindObject:
		key, ok := idx.ToString()
		if !ok {
			return Null(), nil
		}
		return ev.member(t, key, target)
	}
	return Null(), nil
}

// children are the elements of an array or the values of an object: what a
// wildcard selects.
func children(v Value) []Value {
	switch v.kind {
	case KindArray:
		return v.arr
	case KindObject:
		return v.obj.Values()
	}
	return nil
}

// mapFiltered applies a property or index access to every element of the
// array a wildcard selected and keeps the results that are not null, as the
// service does (parameters.artifacts.*.name lists every artifact's name).
func (ev *evaluator) mapFiltered(t Value, f func(Value) (Value, error)) (Value, error) {
	var out []Value
	for _, el := range t.arr {
		v, err := f(el)
		if err != nil {
			return Value{}, err
		}
		if v.kind != KindNull {
			out = append(out, v)
		}
	}
	return Value{kind: KindArray, arr: out, filtered: true}, nil
}

func (ev *evaluator) member(t Value, key string, target *node) (Value, error) {
	if t.kind != KindObject {
		return Null(), nil
	}
	v, ok := t.obj.Get(key)
	if !ok && t.obj.strict != "" {
		return Value{}, &EvalError{Msg: fmt.Sprintf("Undefined value referenced: '%s.%s'", t.obj.strict, key)}
	}
	return v, nil
}

func (ev *evaluator) args(nodes []*node) ([]Value, error) {
	out := make([]Value, len(nodes))
	for i, a := range nodes {
		v, err := ev.eval(a)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}
