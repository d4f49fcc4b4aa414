package pipelines

import (
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/certlab/certlab/internal/pipelines/expr"
)

// The service's documented limits on templates.
const (
	MaxFiles         = 100
	MaxNestingDepth  = 20
	MaxDocumentBytes = 10 << 20
	// maxNodes bounds the size of an expanded document (each, insert and
	// parameters can multiply content).
	maxNodes = 200_000
	// maxEvaluatedText bounds the text all expressions of one expansion
	// may produce together.
	maxEvaluatedText = 64 << 20
)

// Options configure expansion.
type Options struct {
	// Parameters are the runtime parameters of the pipeline (--param); each
	// value is read as YAML, so objects and lists can be passed.
	Parameters map[string]string
	// Variables are known at compile time (--var), as if queued with them.
	Variables map[string]string
	// Repositories maps a repository resource, by alias or by "name@ref",
	// to a local folder (--repo).
	Repositories map[string]string
	// Root is the folder of the self repository; absolute template paths
	// start there. It defaults to the folder of the pipeline file.
	Root string
	// SyntaxOnly checks syntax without evaluating: unknown named values in
	// ${{ }} read as null instead of failing.
	SyntaxOnly bool
	// ReadFile reads template files; it defaults to os.ReadFile.
	ReadFile func(name string) ([]byte, error)
	// Cache, when set, keeps parsed files for later expansions.
	Cache *ParseCache
}

// Document is an expanded pipeline.
type Document struct {
	// Root is the expanded pipeline: no templates, no ${{ }} left.
	Root *Node
	// Files lists the files read, the pipeline first.
	Files []string
	// SyntaxOnly records that the document was expanded in syntax-only mode.
	SyntaxOnly bool
}

// sourceFile is one loaded YAML file.
type sourceFile struct {
	display  string // name used in messages
	path     string // the file on disk
	root     *Node
	repo     string // repository alias ("self" for the pipeline's own)
	repoRoot string // folder of that repository
	dir      string // folder of the file, relative to repoRoot, slash-separated
}

type repository struct {
	alias, name, ref string
	dir              string
}

type expander struct {
	opts      Options
	files     map[string]*sourceFile
	order     []string
	bytes     int
	nodes     int
	textBytes int
	repos     map[string]*repository // lower-case alias
	root      string
}

// Expand reads the pipeline at file and expands it: templates are resolved,
// compile-time expressions evaluated and parameters checked.
func Expand(file string, opts Options) (*Document, error) {
	if opts.ReadFile == nil {
		opts.ReadFile = os.ReadFile
	}
	root := opts.Root
	if root == "" {
		root = filepath.Dir(file)
	}
	x := &expander{opts: opts, files: map[string]*sourceFile{}, repos: map[string]*repository{}, root: root}
	rel, err := filepath.Rel(root, file)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = filepath.Base(file)
		x.root = filepath.Dir(file)
	}
	f, err := x.load(filepath.ToSlash(rel), "self", x.root, Pos{})
	if err != nil {
		return nil, err
	}
	vars := newVarScope(nil)
	for _, kv := range predefinedCompileVariables(x.root) {
		vars.set(kv[0], kv[1])
	}
	for _, k := range sortedKeys(opts.Variables) {
		vars.set(k, opts.Variables[k])
	}
	sc := scope{file: f, vars: newVarScope(vars), syntax: opts.SyntaxOnly}
	out, err := x.expandPipeline(f.root, sc)
	if err != nil {
		return nil, err
	}
	return &Document{Root: out, Files: x.order, SyntaxOnly: opts.SyntaxOnly}, nil
}

// predefinedCompileVariables are the predefined variables the service makes
// available at template expansion time, with local values.
func predefinedCompileVariables(root string) [][2]string {
	name := filepath.Base(root)
	return [][2]string{
		{"Build.Reason", "Manual"},
		{"Build.SourceBranch", "refs/heads/main"},
		{"Build.SourceBranchName", "main"},
		{"Build.Repository.Name", name},
		{"Build.DefinitionName", name},
		{"System.TeamProject", "local"},
	}
}

// load reads and parses a file of a repository, enforcing the limits.
func (x *expander) load(rel, repo, repoRoot string, at Pos) (*sourceFile, error) {
	full := filepath.Join(repoRoot, filepath.FromSlash(rel))
	if f, ok := x.files[full]; ok {
		return f, nil
	}
	if len(x.files) >= MaxFiles {
		return nil, errorf(at, "Maximum number of template files exceeded: a pipeline may include at most %d files", MaxFiles)
	}
	data, err := x.opts.ReadFile(full)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &notFoundError{errorf(at, "File %s not found in repository %s (looked for %s)", rel, repo, full).(*Error)}
		}
		return nil, errorf(at, "read %s: %v", rel, err)
	}
	x.bytes += len(data)
	if x.bytes > MaxDocumentBytes {
		return nil, errorf(at, "Maximum document size exceeded: the pipeline and its templates may hold at most %d bytes", MaxDocumentBytes)
	}
	display := filepath.ToSlash(filepath.Join(x.root, filepath.FromSlash(rel)))
	if repo != "self" {
		display = rel + "@" + repo
	}
	root, err := x.parse(display, full, data)
	if err != nil {
		return nil, err
	}
	dir := path.Dir(rel)
	if dir == "." {
		dir = ""
	}
	f := &sourceFile{display: display, path: full, root: root, repo: repo, repoRoot: repoRoot, dir: dir}
	x.files[full] = f
	x.order = append(x.order, display)
	return f, nil
}

// resolveTemplate finds the file a template reference names.
func (x *expander) resolveTemplate(ref string, from *sourceFile, at Pos) (*sourceFile, error) {
	p := strings.TrimSpace(strings.ReplaceAll(ref, "\\", "/"))
	alias := ""
	if i := strings.LastIndex(p, "@"); i >= 0 {
		p, alias = p[:i], p[i+1:]
	}
	if p == "" {
		return nil, errorf(at, "A template path is required")
	}
	repo, repoRoot, base := from.repo, from.repoRoot, from.dir
	// A path naming the including file's own repository (x.yml@self in a
	// file of self) is looked for next to the including file first and
	// then from the repository's root: real pipelines that run on the
	// service write it both ways (see docs/pipelines.md).
	rootFallback := alias != "" && strings.EqualFold(alias, from.repo)
	if alias != "" && !strings.EqualFold(alias, from.repo) {
		base = ""
		if strings.EqualFold(alias, "self") {
			repo, repoRoot = "self", x.root
		} else {
			r, ok := x.repos[strings.ToLower(alias)]
			if !ok {
				return nil, errorf(at, "The repository '%s' is not declared in resources.repositories", alias)
			}
			if r.dir == "" {
				return nil, errorf(at, "The repository '%s' (%s@%s) is not mapped to a local folder: pass --repo %s=DIR", alias, r.name, r.ref, alias)
			}
			repo, repoRoot = r.alias, r.dir
		}
	}
	var rel string
	if strings.HasPrefix(p, "/") {
		rel = path.Clean(strings.TrimLeft(p, "/"))
	} else {
		rel = path.Clean(path.Join(base, p))
	}
	if rel == ".." || strings.HasPrefix(rel, "../") {
		if !rootFallback {
			return nil, errorf(at, "The template path '%s' leaves the repository", ref)
		}
	} else {
		f, err := x.load(rel, repo, repoRoot, at)
		if err == nil || !rootFallback || base == "" || !errors.Is(err, os.ErrNotExist) {
			return f, err
		}
	}
	fromRoot := path.Clean(strings.TrimLeft(p, "/"))
	if fromRoot == ".." || strings.HasPrefix(fromRoot, "../") {
		return nil, errorf(at, "The template path '%s' leaves the repository", ref)
	}
	f, err := x.load(fromRoot, repo, repoRoot, at)
	if errors.Is(err, os.ErrNotExist) {
		return nil, &notFoundError{errorf(at, "File %s not found in repository %s (looked for %s next to %s and from the repository root)", p, repo, rel, from.display).(*Error)}
	}
	return f, err
}

// notFoundError is a missing template file: a located *Error that is also
// os.ErrNotExist.
type notFoundError struct{ err *Error }

func (e *notFoundError) Error() string { return e.err.Error() }

func (e *notFoundError) Unwrap() []error { return []error{e.err, os.ErrNotExist} }

// spend counts nodes produced by expansion against the size limit.
func (x *expander) spend(at Pos, n int) error {
	x.nodes += n
	if x.nodes > maxNodes {
		return errorf(at, "Maximum document size exceeded: the expanded pipeline is too large")
	}
	return nil
}

// wrapExprErr locates an expression error.
func wrapExprErr(pos Pos, err error) error {
	var le *Error
	if errors.As(err, &le) {
		return err
	}
	return &Error{Pos: pos, Msg: err.Error()}
}

// evalExpr evaluates one parsed expression in sc.
func (x *expander) evalExpr(e *expr.Expr, sc scope, pos Pos) (expr.Value, error) {
	if err := x.spend(pos, 1); err != nil {
		return expr.Value{}, err
	}
	v, err := e.Eval(sc.env())
	if err != nil {
		return expr.Value{}, wrapExprErr(pos, err)
	}
	if v.Kind() == expr.KindString {
		x.textBytes += len(v.Str())
		if x.textBytes > maxEvaluatedText {
			return expr.Value{}, errorf(pos, "Maximum document size exceeded: expressions produced more than %d bytes of text", maxEvaluatedText)
		}
	}
	return v, nil
}

// evalScalar evaluates the ${{ }} content of a scalar.
func (x *expander) evalScalar(n *Node, sc scope) (*Node, error) {
	if n.tmpl == nil {
		return n, nil
	}
	segs := n.tmpl.segs
	if len(segs) == 1 && segs[0].Expr != nil {
		v, err := x.evalExpr(segs[0].Expr, sc, n.Pos)
		if err != nil {
			return nil, err
		}
		out := fromValue(v, n.Pos)
		if err := x.spend(n.Pos, 1); err != nil {
			return nil, err
		}
		return out, nil
	}
	var sb strings.Builder
	for _, s := range segs {
		if s.Expr == nil {
			sb.WriteString(s.Text)
			continue
		}
		v, err := x.evalExpr(s.Expr, sc, n.Pos)
		if err != nil {
			return nil, err
		}
		str, ok := v.ToString()
		if !ok {
			return nil, errorf(n.Pos, "The expression '%s' gives %s, which cannot be embedded in a string", s.Expr.Source(), strings.ToLower(v.Kind().String()))
		}
		sb.WriteString(str)
		if sb.Len() > MaxDocumentBytes {
			return nil, errorf(n.Pos, "Maximum document size exceeded")
		}
	}
	return &Node{Kind: StringNode, Value: sb.String(), Pos: n.Pos}, nil
}

// evalNode evaluates a subtree generically: directives and expressions.
func (x *expander) evalNode(n *Node, sc scope) (*Node, error) {
	if n == nil || !n.hasExpr {
		return n, nil
	}
	switch n.Kind {
	case SequenceNode:
		out := &Node{Kind: SequenceNode, Pos: n.Pos}
		err := x.walkSeq(n, sc, func(it *Node, isc scope) error {
			v, err := x.evalNode(it, isc)
			if err != nil {
				return err
			}
			out.Items = append(out.Items, v)
			return nil
		})
		return out, err
	case MappingNode:
		pairs, err := x.collect(n, sc)
		if err != nil {
			return nil, err
		}
		out := &Node{Kind: MappingNode, Pos: n.Pos, Pairs: make([]Pair, 0, len(pairs))}
		for _, p := range pairs {
			v, err := x.evalNode(p.value, p.sc)
			if err != nil {
				return nil, err
			}
			out.Pairs = append(out.Pairs, Pair{Key: p.key, Value: v})
		}
		return out, nil
	}
	return x.evalScalar(n, sc)
}

// directiveOf returns the directive of a sequence item written as a
// single-key mapping "- ${{ if … }}: body".
func directiveOf(it *Node) (*tmplInfo, *Node, *Node) {
	if it == nil || it.Kind != MappingNode || len(it.Pairs) != 1 {
		return nil, nil, nil
	}
	k := it.Pairs[0].Key
	if k.tmpl == nil || k.tmpl.directive == dirNone {
		return nil, nil, nil
	}
	return k.tmpl, k, it.Pairs[0].Value
}

type chainState uint8

const (
	chainNone chainState = iota
	chainOpen            // an if/elseif chain whose branches were all false so far
	chainDone            // a branch of the chain was taken
)

// branch applies an if/elseif/else directive to the chain state and reports
// whether its body is taken.
func (x *expander) branch(info *tmplInfo, key *Node, sc scope, state *chainState) (bool, error) {
	switch info.directive {
	case dirIf:
		v, err := x.evalExpr(info.cond, sc, key.Pos)
		if err != nil {
			return false, err
		}
		if v.Truthy() {
			*state = chainDone
			return true, nil
		}
		*state = chainOpen
		return false, nil
	case dirElseIf:
		switch *state {
		case chainNone:
			return false, errorf(key.Pos, "Unexpected 'elseif' directive: it must follow an 'if' or 'elseif' directive")
		case chainDone:
			return false, nil
		}
		v, err := x.evalExpr(info.cond, sc, key.Pos)
		if err != nil {
			return false, err
		}
		if v.Truthy() {
			*state = chainDone
			return true, nil
		}
		return false, nil
	case dirElse:
		st := *state
		*state = chainNone
		switch st {
		case chainNone:
			return false, errorf(key.Pos, "Unexpected 'else' directive: it must follow an 'if' or 'elseif' directive")
		case chainDone:
			return false, nil
		}
		return true, nil
	}
	return false, nil
}

// eachItems evaluates the collection of an each directive.
func (x *expander) eachItems(info *tmplInfo, key *Node, sc scope) ([]expr.Value, error) {
	v, err := x.evalExpr(info.cond, sc, key.Pos)
	if err != nil {
		return nil, err
	}
	switch v.Kind() {
	case expr.KindNull:
		return nil, nil
	case expr.KindArray:
		return v.Items(), nil
	case expr.KindObject:
		o := v.Object()
		out := make([]expr.Value, o.Len())
		for i, k := range o.Keys() {
			pair := expr.NewObject()
			pair.Set("key", expr.String(k))
			pair.Set("value", o.Values()[i])
			out[i] = expr.ObjectValue(pair)
		}
		return out, nil
	}
	return nil, errorf(key.Pos, "The 'each' directive needs a sequence or a mapping, but '%s' gives %s", info.cond.Source(), strings.ToLower(v.Kind().String()))
}

// walkSeq applies directives and whole-value insertions in a sequence and
// calls emit for every resulting item, with the scope it must be read in.
func (x *expander) walkSeq(n *Node, sc scope, emit func(*Node, scope) error) error {
	if n == nil || n.Kind == NullNode {
		return nil
	}
	if n.Kind != SequenceNode {
		return emit(n, sc)
	}
	state := chainNone
	for _, it := range n.Items {
		if info, key, body := directiveOf(it); info != nil && !(info.directive == dirEach && body != nil && body.Kind == MappingNode) {
			// A directive whose body is a sequence inserts into this
			// sequence. An each whose body is a mapping builds one mapping
			// item instead, its iterations merged (handled by walkMap when
			// the item is read), as the service does.

			switch info.directive {
			case dirIf, dirElseIf, dirElse:
				take, err := x.branch(info, key, sc, &state)
				if err != nil {
					return err
				}
				if take {
					if err := x.walkSeq(body, sc, emit); err != nil {
						return err
					}
				}
			case dirEach:
				state = chainNone
				items, err := x.eachItems(info, key, sc)
				if err != nil {
					return err
				}
				for _, v := range items {
					if err := x.walkSeq(body, sc.withLocal(info.eachVar, v), emit); err != nil {
						return err
					}
				}
			case dirInsert:
				return errorf(key.Pos, "The 'insert' directive is only allowed as a mapping key")
			}
			continue
		}
		state = chainNone
		if err := x.spend(it.Pos, 1); err != nil {
			return err
		}
		if it.tmpl != nil && len(it.tmpl.segs) == 1 && it.tmpl.segs[0].Expr != nil {
			v, err := x.evalExpr(it.tmpl.segs[0].Expr, sc, it.Pos)
			if err != nil {
				return err
			}
			switch v.Kind() {
			case expr.KindArray:
				for _, el := range v.Items() {
					if err := emit(fromValue(el, it.Pos), sc); err != nil {
						return err
					}
				}
			case expr.KindNull:
				// Inserting nothing.
			default:
				if err := emit(fromValue(v, it.Pos), sc); err != nil {
					return err
				}
			}
			continue
		}
		if err := emit(it, sc); err != nil {
			return err
		}
	}
	return nil
}

// scopedPair is a mapping entry after directives, with its evaluated key and
// the scope its value must be read in.
type scopedPair struct {
	key   *Node
	value *Node
	sc    scope
}

// collect applies the directives of a mapping and evaluates its keys.
func (x *expander) collect(n *Node, sc scope) ([]scopedPair, error) {
	var out []scopedPair
	seen := map[string]Pos{}
	add := func(k, v *Node, s scope) error {
		if prev, ok := seen[k.Value]; ok {
			return errorf(k.Pos, "'%s' is already defined (at %s)", k.Value, prev)
		}
		seen[k.Value] = k.Pos
		out = append(out, scopedPair{key: k, value: v, sc: s})
		return x.spend(k.Pos, 1)
	}
	err := x.walkMap(n, sc, add)
	return out, err
}

func (x *expander) walkMap(n *Node, sc scope, emit func(k, v *Node, s scope) error) error {
	if n == nil || n.Kind == NullNode {
		return nil
	}
	if n.Kind != MappingNode {
		if n.Kind == SequenceNode {
			return errorf(n.Pos, "A sequence was not expected")
		}
		return errorf(n.Pos, "Expected a mapping, got '%s'", n.Value)
	}
	state := chainNone
	for _, p := range n.Pairs {
		k := p.Key
		if k.tmpl != nil && k.tmpl.directive != dirNone {
			info := k.tmpl
			switch info.directive {
			case dirIf, dirElseIf, dirElse:
				take, err := x.branch(info, k, sc, &state)
				if err != nil {
					return err
				}
				if take {
					if err := x.walkMap(p.Value, sc, emit); err != nil {
						return err
					}
				}
			case dirEach:
				state = chainNone
				items, err := x.eachItems(info, k, sc)
				if err != nil {
					return err
				}
				for _, v := range items {
					if err := x.walkMap(p.Value, sc.withLocal(info.eachVar, v), emit); err != nil {
						return err
					}
				}
			case dirInsert:
				state = chainNone
				v, err := x.evalNode(p.Value, sc)
				if err != nil {
					return err
				}
				if v == nil || v.Kind == NullNode {
					continue
				}
				if v.Kind != MappingNode {
					return errorf(k.Pos, "The 'insert' directive needs a mapping, got %s", v)
				}
				for _, ip := range v.Pairs {
					if err := emit(ip.Key, ip.Value, sc); err != nil {
						return err
					}
				}
			}
			continue
		}
		state = chainNone
		key := k
		if k.tmpl != nil {
			kv, err := x.evalScalar(k, sc)
			if err != nil {
				return err
			}
			if !kv.IsScalar() {
				return errorf(k.Pos, "A mapping key must be a string, but the expression gives %s", kv)
			}
			key = &Node{Kind: StringNode, Value: scalarText(kv), Pos: k.Pos}
		}
		if err := emit(key, p.Value, sc); err != nil {
			return err
		}
	}
	return nil
}

func pairsGet(pairs []scopedPair, key string) (scopedPair, bool) {
	for _, p := range pairs {
		if p.key.Value == key {
			return p, true
		}
	}
	return scopedPair{}, false
}

// rawGet reads a key of a mapping as written, ignoring directives.
func rawGet(n *Node, key string) *Node {
	if n == nil || n.Kind != MappingNode {
		return nil
	}
	for _, p := range n.Pairs {
		if p.Key.tmpl == nil && p.Key.Value == key {
			return p.Value
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

func describeKind(n *Node) string {
	if n == nil {
		return "null"
	}
	switch n.Kind {
	case SequenceNode:
		return "sequence"
	case MappingNode:
		return "mapping"
	}
	return "string"
}
