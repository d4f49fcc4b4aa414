package pipelines

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/certlab/certlab/internal/pipelines/expr"
)

// Parameter types the service knows.
var parameterTypes = map[string]bool{
	"string": true, "number": true, "boolean": true, "object": true, "legacyobject": true,
	"step": true, "steplist": true, "job": true, "joblist": true, "deployment": true,
	"deploymentlist": true, "stage": true, "stagelist": true, "container": true,
	"containerlist": true, "stringlist": true,
}

// bindParameters resolves the parameters of a template (or pipeline): decl is
// the template's parameters section as written, given the values passed.
// Defaults are read in tsc; structured values are expanded in caller.
func (x *expander) bindParameters(decl, given *Node, tsc, caller scope, at Pos, root bool) (expr.Value, error) {
	if given != nil && given.Kind != MappingNode && given.Kind != NullNode {
		return expr.Value{}, errorf(given.Pos, "A %s was not expected: template parameters must be a mapping", describeKind(given))
	}
	if decl == nil || decl.Kind == NullNode || decl.Kind == MappingNode {
		// Untyped (legacy) parameters: any value is accepted.
		o := expr.NewObject()
		if decl != nil && decl.Kind == MappingNode {
			d, err := x.evalNode(decl, tsc)
			if err != nil {
				return expr.Value{}, err
			}
			for _, p := range d.Pairs {
				o.Set(p.Key.Value, legacyValue(p.Value))
			}
		}
		if given != nil {
			for _, p := range given.Pairs {
				o.Set(p.Key.Value, legacyValue(p.Value))
			}
		}
		return expr.ObjectValue(o), nil
	}
	if decl.Kind != SequenceNode {
		return expr.Value{}, errorf(decl.Pos, "Unexpected value '%s': parameters must be a sequence or a mapping", decl.Value)
	}
	// In a template, a parameter it does not declare reads as null, as on
	// the service: react-native-windows' PR pipeline has passed
	// ${{ parameters.platform }} from a template without that parameter on
	// every run since 2023. The pipeline's own (runtime) parameters are
	// strict: referring to an undeclared one is an error, as the service
	// showed in 2025 (conformance case iif-functions-ado-no-short-circuit-2025).
	// See docs/pipelines.md.
	o := expr.NewObject()
	if root && !tsc.syntax {
		o = expr.NewStrictObject("parameters")
	}
	declared := map[string]bool{}
	for _, d := range decl.Items {
		if d != nil && d.Kind == MappingNode {
			declared[strings.ToLower(d.Get("name").Str())] = true
		}
	}
	if given != nil {
		for _, p := range given.Pairs {
			if !declared[strings.ToLower(p.Key.Value)] {
				return expr.Value{}, errorf(p.Key.Pos, "Unexpected parameter '%s'", p.Key.Value)
			}
		}
	}
	for _, d := range decl.Items {
		if d == nil || d.Kind != MappingNode {
			return expr.Value{}, errorf(posOf(d), "A parameter must be a mapping with a name")
		}
		var name, typ string
		var def, values *Node
		hasDefault := false
		for _, p := range d.Pairs {
			switch p.Key.Value {
			case "name":
				name = p.Value.Str()
			case "type":
				typ = p.Value.Str()
			case "default":
				v, err := x.evalNode(p.Value, tsc)
				if err != nil {
					return expr.Value{}, err
				}
				def, hasDefault = v, true
			case "values":
				v, err := x.evalNode(p.Value, tsc)
				if err != nil {
					return expr.Value{}, err
				}
				values = v
			case "displayName":
			default:
				return expr.Value{}, errorf(p.Key.Pos, "Unexpected value '%s': a parameter takes name, displayName, type, default and values", p.Key.Value)
			}
		}
		if name == "" {
			return expr.Value{}, errorf(d.Pos, "A parameter needs a 'name'")
		}
		if typ == "" {
			typ = "string"
		}
		if !parameterTypes[strings.ToLower(typ)] {
			return expr.Value{}, errorf(d.Pos, "Unexpected parameter type '%s' for parameter '%s'", typ, name)
		}
		val := given.Get(name)
		valSc := caller
		if val == nil && given != nil {
			for _, p := range given.Pairs {
				if strings.EqualFold(p.Key.Value, name) {
					val = p.Value
				}
			}
		}
		if val == nil {
			if !hasDefault && tsc.syntax {
				// Checking syntax only, as of a template on its own: the
				// value is unknown.
				o.Set(name, expr.Null())
				continue
			}
			if !hasDefault {
				return expr.Value{}, errorf(at, "A value for the '%s' parameter must be provided.", name)
			}
			val, valSc = def, tsc
			if val == nil {
				val = &Node{Kind: NullNode, Pos: d.Pos}
			}
		}
		v, err := x.convertParameter(name, strings.ToLower(typ), val, valSc)
		if err != nil {
			return expr.Value{}, err
		}
		if values != nil && values.Kind == SequenceNode {
			if err := checkAllowed(name, v, values, posOf(val)); err != nil {
				return expr.Value{}, err
			}
		}
		o.Set(name, v)
	}
	return expr.ObjectValue(o), nil
}

// legacyValue converts a value given to an untyped template: as the service
// does, every scalar becomes a string, so a boolean computed by an
// expression reads 'True' or 'False', and comparing with the empty string tells an
// unset parameter from false.
func legacyValue(n *Node) expr.Value {
	if n == nil {
		return expr.String("")
	}
	switch n.Kind {
	case SequenceNode:
		items := make([]expr.Value, len(n.Items))
		for i, it := range n.Items {
			items[i] = legacyValue(it)
		}
		return expr.Array(items)
	case MappingNode:
		o := expr.NewObject()
		for _, p := range n.Pairs {
			o.Set(p.Key.Value, legacyValue(p.Value))
		}
		return expr.ObjectValue(o)
	}
	return expr.String(scalarText(n))
}

func checkAllowed(name string, v expr.Value, values *Node, at Pos) error {
	allowed := make([]string, len(values.Items))
	for i, it := range values.Items {
		allowed[i] = scalarText(it)
	}
	check := func(s string) error {
		for _, a := range allowed {
			if a == s {
				return nil
			}
		}
		return errorf(at, "The '%s' parameter value '%s' is not a valid value. Allowed values: %s", name, s, strings.Join(allowed, ", "))
	}
	if v.Kind() == expr.KindArray {
		for _, it := range v.Items() {
			if err := check(it.String()); err != nil {
				return err
			}
		}
		return nil
	}
	return check(v.String())
}

// convertParameter checks a parameter value against its type and converts it.
func (x *expander) convertParameter(name, typ string, val *Node, sc scope) (expr.Value, error) {
	notExpected := func(n *Node) error {
		return errorf(n.Pos, "A %s was not expected: parameter '%s' is of type %s", describeKind(n), name, typ)
	}
	switch typ {
	case "string":
		if !val.IsScalar() {
			return expr.Value{}, notExpected(val)
		}
		return expr.String(scalarText(val)), nil
	case "number":
		if !val.IsScalar() {
			return expr.Value{}, notExpected(val)
		}
		f := expr.String(scalarText(val)).ToNumber()
		if val.Kind == BoolNode || math.IsNaN(f) || strings.TrimSpace(scalarText(val)) == "" {
			return expr.Value{}, errorf(val.Pos, "The '%s' parameter value '%s' is not a valid number", name, scalarText(val))
		}
		return expr.Number(f), nil
	case "boolean":
		if !val.IsScalar() {
			return expr.Value{}, notExpected(val)
		}
		switch strings.ToLower(scalarText(val)) {
		case "true":
			return expr.Bool(true), nil
		case "false":
			return expr.Bool(false), nil
		}
		return expr.Value{}, errorf(val.Pos, "The '%s' parameter value '%s' is not a valid boolean", name, scalarText(val))
	case "object":
		return toValue(val, true), nil
	case "legacyobject":
		return toValue(val, false), nil
	case "stringlist":
		switch val.Kind {
		case SequenceNode:
			items := make([]expr.Value, len(val.Items))
			for i, it := range val.Items {
				if !it.IsScalar() {
					return expr.Value{}, notExpected(it)
				}
				items[i] = expr.String(scalarText(it))
			}
			return expr.Array(items), nil
		case MappingNode:
			return expr.Value{}, notExpected(val)
		case NullNode:
			return expr.Array(nil), nil
		}
		return expr.Array([]expr.Value{expr.String(scalarText(val))}), nil
	}
	// Structured types: steps, jobs, deployments, stages, containers.
	single := !strings.HasSuffix(typ, "list")
	base := strings.TrimSuffix(typ, "list")
	if val.Kind == NullNode {
		if single {
			return expr.Null(), nil
		}
		return expr.Array(nil), nil
	}
	if single && val.Kind != MappingNode {
		return expr.Value{}, notExpected(val)
	}
	if !single && val.Kind != SequenceNode {
		return expr.Value{}, notExpected(val)
	}
	items := val.Items
	if single {
		items = []*Node{val}
	}
	var out []*Node
	for _, it := range items {
		got, err := x.expandTyped(base, it, sc, name)
		if err != nil {
			return expr.Value{}, err
		}
		out = append(out, got...)
	}
	if single {
		if len(out) == 1 {
			return toValue(out[0], false), nil
		}
		return toValue(val, false), nil
	}
	return toValue(&Node{Kind: SequenceNode, Pos: val.Pos, Items: out}, false), nil
}

// expandTyped expands the templates inside a structured parameter value and
// checks it against the model.
func (x *expander) expandTyped(base string, it *Node, sc scope, name string) ([]*Node, error) {
	if it == nil || it.Kind != MappingNode {
		return nil, errorf(posOf(it), "A %s was not expected: parameter '%s' holds %s items", describeKind(it), name, base)
	}
	throwaway := sc.withVars(newVarScope(sc.vars))
	var kind string
	switch base {
	case "step":
		kind = "steps"
	case "job", "deployment":
		kind = "jobs"
	case "stage":
		kind = "stages"
	case "container":
		if it.Get("image") == nil && it.Get("container") == nil {
			return nil, errorf(it.Pos, "Parameter '%s': a container needs 'container' and 'image'", name)
		}
		return []*Node{it}, nil
	}
	items, err := x.expandItem(it, throwaway, kind)
	if err != nil {
		return nil, err
	}
	v := newValidator(x.opts.SyntaxOnly)
	v.partial = true
	for i, n := range items {
		if base == "deployment" {
			n = normalizeEnvironment(n)
			items[i] = n
		}
		switch kind {
		case "steps":
			v.step(n, nil)
		case "jobs":
			v.job(n, false)
		case "stages":
			v.stage(n)
		}
		items[i] = normalizeSteps(n, kind)
	}
	if len(v.errs) > 0 {
		var le *Error
		if errors.As(v.errs[0], &le) {
			return nil, &Error{Pos: le.Pos, Msg: fmt.Sprintf("parameter '%s': %s", name, le.Msg)}
		}
		return nil, fmt.Errorf("parameter '%s': %w", name, v.errs[0])
	}
	return items, nil
}

// normalizeEnvironment writes a deployment's "environment: name.resource"
// in its mapping form, as the service does for deployment parameters.
func normalizeEnvironment(n *Node) *Node {
	env := n.Get("environment")
	if env == nil || env.Kind != StringNode {
		return n
	}
	name, res, hasRes := strings.Cut(env.Value, ".")
	pairs := []Pair{{Key: newString("name", env.Pos), Value: newString(name, env.Pos)}}
	if hasRes {
		pairs = append(pairs, Pair{Key: newString("resourceName", env.Pos), Value: newString(res, env.Pos)})
	}
	out := &Node{Kind: MappingNode, Pos: n.Pos, Pairs: make([]Pair, len(n.Pairs))}
	copy(out.Pairs, n.Pairs)
	for i, p := range out.Pairs {
		if p.Key.Value == "environment" {
			out.Pairs[i].Value = newMapping(env.Pos, pairs)
		}
	}
	return out
}
