package pipelines

import (
	"strings"

	"github.com/certlab/certlab/internal/pipelines/expr"
	"go.yaml.in/yaml/v3"
)

// expandPipeline expands the root of a pipeline file.
func (x *expander) expandPipeline(root *Node, sc scope) (*Node, error) {
	if root == nil || root.Kind == NullNode {
		return nil, errorf(Pos{File: sc.file.display, Line: 1, Col: 1, Path: sc.file.path}, "The pipeline is empty")
	}
	if root.Kind != MappingNode {
		return nil, errorf(root.Pos, "A pipeline must be a mapping, got %s", describeKind(root))
	}
	params, err := x.bindRootParameters(rawGet(root, "parameters"), sc)
	if err != nil {
		return nil, err
	}
	sc.params = params
	pairs, err := x.expandBody(root, sc)
	if err != nil {
		return nil, err
	}
	return newMapping(root.Pos, pairs), nil
}

// expandBody expands the keys of a pipeline (or of an extends template) in
// the order the service does: resources, then variables, then the rest.
func (x *expander) expandBody(root *Node, sc scope) ([]Pair, error) {
	pairs, err := x.collect(root, sc)
	if err != nil {
		return nil, err
	}
	out := make([]*Node, len(pairs))
	done := make([]bool, len(pairs))
	first := func(key string, f func(p scopedPair) (*Node, error)) error {
		for i, p := range pairs {
			if p.key.Value == key && !done[i] {
				v, err := f(p)
				if err != nil {
					return err
				}
				out[i], done[i] = v, true
			}
		}
		return nil
	}
	if err := first("parameters", func(p scopedPair) (*Node, error) { return nil, nil }); err != nil {
		return nil, err
	}
	if err := first("resources", func(p scopedPair) (*Node, error) {
		v, err := x.evalNode(p.value, p.sc)
		if err != nil {
			return nil, err
		}
		x.registerRepositories(v)
		return v, nil
	}); err != nil {
		return nil, err
	}
	if err := first("variables", func(p scopedPair) (*Node, error) {
		return x.expandVariables(p.value, p.sc.withVars(sc.vars))
	}); err != nil {
		return nil, err
	}
	var extra []Pair
	for i, p := range pairs {
		if done[i] {
			continue
		}
		psc := p.sc.withVars(sc.vars)
		var v *Node
		var err error
		switch p.key.Value {
		case "stages":
			v, err = x.expandList(p.value, psc, "stages")
		case "jobs":
			v, err = x.expandList(p.value, psc, "jobs")
		case "phases":
			v, err = x.expandList(p.value, psc, "phases")
		case "steps":
			v, err = x.expandList(p.value, psc, "steps")
		case "extends":
			extra, err = x.expandExtends(p.value, psc)
			if err != nil {
				return nil, err
			}
			done[i] = true
			continue
		default:
			v, err = x.evalNode(p.value, psc)
		}
		if err != nil {
			return nil, err
		}
		out[i], done[i] = v, true
	}
	var result []Pair
	for i, p := range pairs {
		if p.key.Value == "parameters" || p.key.Value == "extends" {
			continue
		}
		result = append(result, Pair{Key: p.key, Value: out[i]})
	}
	for _, e := range extra {
		merged := false
		for i := range result {
			if result[i].Key.Value != e.Key.Value {
				continue
			}
			switch e.Key.Value {
			case "resources":
				result[i].Value = mergeResources(result[i].Value, e.Value)
				merged = true
			case "trigger", "pr", "schedules", "name", "appendCommitMessageToRunName", "lockBehavior":
				merged = true // the pipeline's own setting wins
			default:
				return nil, errorf(e.Key.Pos, "'%s' is already defined", e.Key.Value)
			}
		}
		if !merged {
			result = append(result, e)
		}
	}
	return result, nil
}

func mergeResources(a, b *Node) *Node {
	if a == nil || a.Kind != MappingNode {
		return b
	}
	if b == nil || b.Kind != MappingNode {
		return a
	}
	out := &Node{Kind: MappingNode, Pos: a.Pos, Pairs: append([]Pair(nil), a.Pairs...)}
	for _, bp := range b.Pairs {
		found := false
		for i, ap := range out.Pairs {
			if ap.Key.Value == bp.Key.Value && ap.Value != nil && ap.Value.Kind == SequenceNode && bp.Value != nil && bp.Value.Kind == SequenceNode {
				out.Pairs[i].Value = &Node{Kind: SequenceNode, Pos: ap.Value.Pos, Items: append(append([]*Node(nil), ap.Value.Items...), bp.Value.Items...)}
				found = true
			}
		}
		if !found {
			out.Pairs = append(out.Pairs, bp)
		}
	}
	return out
}

// registerRepositories records the repository resources and the local
// folders they map to.
func (x *expander) registerRepositories(res *Node) {
	repos := res.Get("repositories")
	if repos == nil || repos.Kind != SequenceNode {
		return
	}
	for _, r := range repos.Items {
		alias := r.Get("repository").Str()
		if alias == "" {
			continue
		}
		name, ref := r.Get("name").Str(), r.Get("ref").Str()
		repo := &repository{alias: alias, name: name, ref: ref}
		short := strings.TrimPrefix(ref, "refs/heads/")
		for _, k := range []string{alias, name + "@" + ref, name + "@" + short, name} {
			if d, ok := x.opts.Repositories[k]; ok && k != "" && k != "@" {
				repo.dir = d
				break
			}
		}
		x.repos[strings.ToLower(alias)] = repo
	}
}

// expandList expands a list of stages, jobs or steps.
func (x *expander) expandList(n *Node, sc scope, kind string) (*Node, error) {
	if n != nil && n.Kind != SequenceNode && n.Kind != NullNode && !(n.tmpl != nil && len(n.tmpl.segs) == 1 && n.tmpl.segs[0].Expr != nil) {
		if n.Kind == MappingNode {
			return nil, errorf(n.Pos, "A mapping was not expected: '%s' must be a sequence", kind)
		}
		return nil, errorf(n.Pos, "Unexpected value '%s': '%s' must be a sequence", n.Value, kind)
	}
	pos := sc.file.root.Pos
	if n != nil {
		pos = n.Pos
	}
	out := &Node{Kind: SequenceNode, Pos: pos}
	wrapped := n
	if n != nil && n.Kind != SequenceNode {
		wrapped = &Node{Kind: SequenceNode, Pos: n.Pos, Items: []*Node{n}, hasExpr: true}
	}
	err := x.walkSeq(wrapped, sc, func(it *Node, isc scope) error {
		items, err := x.expandItem(it, isc, kind)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, items...)
		return nil
	})
	return out, err
}

// expandItem expands one stage, job or step, or the template it refers to.
func (x *expander) expandItem(it *Node, sc scope, kind string) ([]*Node, error) {
	if it == nil || it.Kind != MappingNode {
		what := map[string]string{"stages": "stage", "jobs": "job", "phases": "phase", "steps": "step"}[kind]
		if it != nil && it.Kind == SequenceNode {
			return nil, errorf(it.Pos, "A sequence was not expected: a %s must be a mapping", what)
		}
		return nil, errorf(posOf(it), "Unexpected value '%s': a %s must be a mapping", it.Str(), what)
	}
	pairs, err := x.collect(it, sc)
	if err != nil {
		return nil, err
	}
	if _, ok := pairsGet(pairs, "template"); ok {
		return x.expandTemplateRef(pairs, it.Pos, sc, kind)
	}
	switch kind {
	case "stages":
		n, err := x.expandScoped(pairs, it.Pos, sc, map[string]string{"jobs": "jobs"})
		return []*Node{n}, err
	case "jobs":
		sub := map[string]string{"steps": "steps"}
		if _, ok := pairsGet(pairs, "deployment"); ok {
			sub["strategy"] = "strategy"
		}
		n, err := x.expandScoped(pairs, it.Pos, sc, sub)
		return []*Node{n}, err
	case "phases":
		// The legacy form of jobs, still in the service's schema.
		n, err := x.expandScoped(pairs, it.Pos, sc, map[string]string{"steps": "steps"})
		return []*Node{n}, err
	}
	out := &Node{Kind: MappingNode, Pos: it.Pos, Pairs: make([]Pair, 0, len(pairs))}
	for _, p := range pairs {
		v, err := x.evalNode(p.value, p.sc)
		if err != nil {
			return nil, err
		}
		out.Pairs = append(out.Pairs, Pair{Key: p.key, Value: v})
	}
	return []*Node{out}, nil
}

func posOf(n *Node) Pos {
	if n == nil {
		return Pos{}
	}
	return n.Pos
}

// expandScoped expands a stage or job: it opens a variable scope, reads its
// variables first and expands the nested lists named in sub.
func (x *expander) expandScoped(pairs []scopedPair, pos Pos, sc scope, sub map[string]string) (*Node, error) {
	vars := newVarScope(sc.vars)
	out := make([]*Node, len(pairs))
	for i, p := range pairs {
		if p.key.Value == "variables" {
			v, err := x.expandVariables(p.value, p.sc.withVars(vars))
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
	}
	for i, p := range pairs {
		if p.key.Value == "variables" {
			continue
		}
		psc := p.sc.withVars(vars)
		var v *Node
		var err error
		switch sub[p.key.Value] {
		case "jobs", "steps":
			v, err = x.expandList(p.value, psc, sub[p.key.Value])
		case "strategy":
			v, err = x.expandHooks(p.value, psc, 0)
		default:
			v, err = x.evalNode(p.value, psc)
		}
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	n := &Node{Kind: MappingNode, Pos: pos, Pairs: make([]Pair, len(pairs))}
	for i, p := range pairs {
		n.Pairs[i] = Pair{Key: p.key, Value: out[i]}
	}
	return n, nil
}

// expandHooks expands a deployment strategy, whose lifecycle hooks hold
// step lists: strategy → runOnce|rolling|canary → hook (→ on → success|failure) → steps.
func (x *expander) expandHooks(n *Node, sc scope, level int) (*Node, error) {
	if n == nil || n.Kind != MappingNode {
		return x.evalNode(n, sc)
	}
	pairs, err := x.collect(n, sc)
	if err != nil {
		return nil, err
	}
	out := &Node{Kind: MappingNode, Pos: n.Pos, Pairs: make([]Pair, 0, len(pairs))}
	for _, p := range pairs {
		var v *Node
		var err error
		switch {
		case p.key.Value == "steps":
			v, err = x.expandList(p.value, p.sc, "steps")
		case level < 4 && p.value != nil && p.value.Kind == MappingNode:
			v, err = x.expandHooks(p.value, p.sc, level+1)
		default:
			v, err = x.evalNode(p.value, p.sc)
		}
		if err != nil {
			return nil, err
		}
		out.Pairs = append(out.Pairs, Pair{Key: p.key, Value: v})
	}
	return out, nil
}

// expandVariables expands a variables block, in mapping or list form, and
// records each variable in sc.vars as it is defined, so that later
// expressions see it.
func (x *expander) expandVariables(n *Node, sc scope) (*Node, error) {
	if n == nil || n.Kind == NullNode {
		return n, nil
	}
	if n.tmpl != nil && len(n.tmpl.segs) == 1 && n.tmpl.segs[0].Expr != nil {
		v, err := x.evalScalar(n, sc)
		if err != nil {
			return nil, err
		}
		if v.Kind == StringNode || v.Kind == BoolNode || v.Kind == NumberNode {
			return nil, errorf(n.Pos, "Unexpected value '%s': variables must be a mapping or a sequence", v.Value)
		}
		return x.expandVariables(v, sc)
	}
	switch n.Kind {
	case MappingNode:
		out := &Node{Kind: MappingNode, Pos: n.Pos}
		err := x.walkMap(n, sc, func(k, v *Node, s scope) error {
			val, err := x.evalNode(v, s)
			if err != nil {
				return err
			}
			if val != nil && !val.IsScalar() {
				return errorf(val.Pos, "A %s was not expected: the value of variable '%s' must be a string", describeKind(val), k.Value)
			}
			if val == nil || val.Kind != StringNode {
				// Variables are strings: a null reads as '', a boolean as 'True'.
				val = newString(scalarText(val), posOf(val))
			}
			sc.vars.set(k.Value, scalarText(val))
			out.Pairs = append(out.Pairs, Pair{Key: k, Value: val})
			return x.spend(k.Pos, 1)
		})
		return out, err
	case SequenceNode:
		out := &Node{Kind: SequenceNode, Pos: n.Pos}
		err := x.walkSeq(n, sc, func(it *Node, s scope) error {
			if it == nil || it.Kind != MappingNode {
				return errorf(posOf(it), "Unexpected value '%s': a variable must be a mapping with name and value, group or template", it.Str())
			}
			pairs, err := x.collect(it, s)
			if err != nil {
				return err
			}
			if _, ok := pairsGet(pairs, "template"); ok {
				items, err := x.expandTemplateRef(pairs, it.Pos, s.withVars(sc.vars), "variables")
				if err != nil {
					return err
				}
				out.Items = append(out.Items, items...)
				return nil
			}
			m := &Node{Kind: MappingNode, Pos: it.Pos}
			for _, p := range pairs {
				v, err := x.evalNode(p.value, p.sc)
				if err != nil {
					return err
				}
				m.Pairs = append(m.Pairs, Pair{Key: p.key, Value: v})
			}
			if name := m.Get("name"); name != nil {
				val := m.Get("value")
				if val != nil && !val.IsScalar() {
					return errorf(val.Pos, "A %s was not expected: the value of variable '%s' must be a string", describeKind(val), name.Str())
				}
				sc.vars.set(scalarText(name), scalarText(val))
				if val != nil && val.Kind != StringNode {
					for i := range m.Pairs {
						if m.Pairs[i].Key.Value == "value" {
							m.Pairs[i].Value = newString(scalarText(val), val.Pos)
						}
					}
				}
			}
			out.Items = append(out.Items, m)
			return nil
		})
		return out, err
	}
	return nil, errorf(n.Pos, "Unexpected value '%s': variables must be a mapping or a sequence", n.Value)
}

// expandTemplateRef expands "template: path" with its parameters in a list
// of the given kind (stages, jobs, steps or variables).
func (x *expander) expandTemplateRef(pairs []scopedPair, pos Pos, sc scope, kind string) ([]*Node, error) {
	var ref string
	var given *Node
	for _, p := range pairs {
		switch p.key.Value {
		case "template":
			v, err := x.evalNode(p.value, p.sc)
			if err != nil {
				return nil, err
			}
			if v == nil || !v.IsScalar() || v.Str() == "" {
				return nil, errorf(p.key.Pos, "The template reference needs a file path")
			}
			ref = v.Str()
		case "parameters":
			v, err := x.evalNode(p.value, p.sc)
			if err != nil {
				return nil, err
			}
			given = v
		default:
			return nil, errorf(p.key.Pos, "Unexpected value '%s': a template reference takes only 'template' and 'parameters'", p.key.Value)
		}
	}
	if sc.depth+1 > MaxNestingDepth {
		return nil, errorf(pos, "Maximum template nesting depth of %d exceeded", MaxNestingDepth)
	}
	f, err := x.resolveTemplate(ref, sc.file, pos)
	if err != nil {
		return nil, err
	}
	tsc := scope{file: f, vars: sc.vars, depth: sc.depth + 1, syntax: sc.syntax}
	root := f.root
	if root == nil || root.Kind != MappingNode {
		return nil, errorf(Pos{File: f.display, Line: 1, Col: 1, Path: f.path}, "A template must be a mapping with a '%s' section", kind)
	}
	params, err := x.bindParameters(rawGet(root, "parameters"), given, tsc, sc, pos, false)
	if err != nil {
		return nil, err
	}
	tsc.params = params
	tpairs, err := x.collect(root, tsc)
	if err != nil {
		return nil, err
	}
	var body *Node
	var bodySc scope
	found := false
	for _, p := range tpairs {
		switch k := p.key.Value; {
		case k == "parameters":
		case k == kind, k == "jobs" && kind == "phases", k == "phases" && kind == "jobs":
			// The schema lets a job template hold phases and a phase
			// template hold jobs.
			body, bodySc, found = p.value, p.sc, true
		default:
			return nil, errorf(p.key.Pos, "Unexpected value '%s': a %s template holds only 'parameters' and '%s'", p.key.Value, strings.TrimSuffix(kind, "s"), kind)
		}
	}
	if !found {
		return nil, errorf(root.Pos, "The template %s has no '%s' section, so it cannot be used in '%s'", f.display, kind, kind)
	}
	if kind == "variables" {
		v, err := x.expandVariables(body, bodySc)
		if err != nil {
			return nil, err
		}
		if v == nil {
			return nil, nil
		}
		if v.Kind == MappingNode {
			items := make([]*Node, 0, len(v.Pairs))
			for _, p := range v.Pairs {
				items = append(items, newMapping(p.Key.Pos, []Pair{{Key: newString("name", p.Key.Pos), Value: newString(p.Key.Value, p.Key.Pos)}, {Key: newString("value", p.Key.Pos), Value: p.Value}}))
			}
			return items, nil
		}
		return v.Items, nil
	}
	v, err := x.expandList(body, bodySc, kind)
	if err != nil {
		return nil, err
	}
	return v.Items, nil
}

// expandExtends expands "extends: template" and returns the pipeline keys
// the template contributes.
func (x *expander) expandExtends(n *Node, sc scope) ([]Pair, error) {
	pairs, err := x.collect(n, sc)
	if err != nil {
		return nil, err
	}
	var ref string
	var given *Node
	for _, p := range pairs {
		v, err := x.evalNode(p.value, p.sc)
		if err != nil {
			return nil, err
		}
		switch p.key.Value {
		case "template":
			ref = v.Str()
		case "parameters":
			given = v
		default:
			return nil, errorf(p.key.Pos, "Unexpected value '%s': extends takes only 'template' and 'parameters'", p.key.Value)
		}
	}
	if ref == "" {
		return nil, errorf(posOf(n), "extends needs a template")
	}
	if sc.depth+1 > MaxNestingDepth {
		return nil, errorf(posOf(n), "Maximum template nesting depth of %d exceeded", MaxNestingDepth)
	}
	f, err := x.resolveTemplate(ref, sc.file, posOf(n))
	if err != nil {
		return nil, err
	}
	if f.root == nil || f.root.Kind != MappingNode {
		return nil, errorf(Pos{File: f.display, Line: 1, Col: 1, Path: f.path}, "An extends template must be a mapping")
	}
	tsc := scope{file: f, vars: sc.vars, depth: sc.depth + 1, syntax: sc.syntax}
	params, err := x.bindParameters(rawGet(f.root, "parameters"), given, tsc, sc, posOf(n), false)
	if err != nil {
		return nil, err
	}
	tsc.params = params
	return x.expandBody(f.root, tsc)
}

// bindRootParameters reads the pipeline's runtime parameters, taking values
// from Options.Parameters.
func (x *expander) bindRootParameters(decl *Node, sc scope) (expr.Value, error) {
	var given *Node
	if len(x.opts.Parameters) > 0 {
		given = &Node{Kind: MappingNode, Pos: Pos{File: "--param"}}
		for _, k := range sortedKeys(x.opts.Parameters) {
			val, err := parseParamValue(x.opts.Parameters[k])
			if err != nil {
				return expr.Value{}, errorf(Pos{File: "--param"}, "parameter %s: %v", k, err)
			}
			given.Pairs = append(given.Pairs, Pair{Key: newString(k, Pos{File: "--param"}), Value: val})
		}
	}
	if decl == nil && given == nil {
		return expr.Null(), nil
	}
	return x.bindParameters(decl, given, sc, sc, Pos{File: sc.file.display, Line: 1, Col: 1, Path: sc.file.path}, true)
}

// parseParamValue reads a --param value as YAML, so that lists and objects
// can be given; a plain word stays a string.
func parseParamValue(s string) (*Node, error) {
	var y yaml.Node
	if err := yaml.Unmarshal([]byte(s), &y); err != nil || len(y.Content) == 0 {
		return &Node{Kind: StringNode, Value: s, Plain: true, Pos: Pos{File: "--param"}}, nil
	}
	c := &converter{file: "--param"}
	n, err := c.convert(y.Content[0], false, 0)
	if err != nil {
		return nil, err
	}
	if n.hasExpr {
		return &Node{Kind: StringNode, Value: s, Pos: Pos{File: "--param"}}, nil
	}
	return n, nil
}
