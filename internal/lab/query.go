package lab

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// A query selects values in a document (parsed YAML or JSON: maps, lists
// and scalars) by a path of steps separated by dots:
//
//	jobs.deploy.permissions.id-token      a key
//	stages[0]                              a list index
//	stages[*].jobs                         every element
//	stages[name=Deploy].jobs[*].environment   elements whose key has a value
//	securityRules[properties.access=Allow]     the key may be a dotted path
//	on.push.branches                       keys may contain '-' and '/'
//	"steps"                                quoted keys may contain dots: ["a.b"]
//
// A missing key selects nothing (it is not an error).
type query []step

type step struct {
	key      string // a mapping key, or "" for an index step
	index    int    // list index, -1 for all
	all      bool
	filterK  string // [k=v]
	filterV  string
	isFilter bool
	isIndex  bool
}

var filterRE = regexp.MustCompile(`^\[([^=\]]+)=([^\]]*)\]`)

// parseQuery parses a path.
func parseQuery(s string) (query, error) {
	var q query
	rest := strings.TrimSpace(s)
	if rest == "" || rest == "." {
		return q, nil
	}
	for rest != "" {
		switch {
		case strings.HasPrefix(rest, "[*]"):
			q = append(q, step{all: true, isIndex: true, index: -1})
			rest = rest[3:]
		case strings.HasPrefix(rest, "[\""):
			end := strings.Index(rest[2:], "\"]")
			if end < 0 {
				return nil, fmt.Errorf("path %q: unclosed [\"", s)
			}
			q = append(q, step{key: rest[2 : 2+end]})
			rest = rest[2+end+2:]
		case filterRE.MatchString(rest):
			m := filterRE.FindStringSubmatch(rest)
			q = append(q, step{isFilter: true, filterK: strings.TrimSpace(m[1]), filterV: strings.TrimSpace(m[2])})
			rest = rest[len(m[0]):]
		case strings.HasPrefix(rest, "["):
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("path %q: unclosed [", s)
			}
			n, err := strconv.Atoi(rest[1:end])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("path %q: [%s] is not an index, [*] or [key=value]", s, rest[1:end])
			}
			q = append(q, step{isIndex: true, index: n})
			rest = rest[end+1:]
		default:
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			if end == 0 {
				return nil, fmt.Errorf("path %q: empty key", s)
			}
			q = append(q, step{key: rest[:end]})
			rest = rest[end:]
		}
		rest = strings.TrimPrefix(rest, ".")
	}
	return q, nil
}

// eval returns every value the query selects in doc.
func (q query) eval(doc any) []any {
	cur := []any{doc}
	for _, s := range q {
		var next []any
		for _, v := range cur {
			switch {
			case s.isFilter:
				for _, e := range asList(v) {
					if m, ok := e.(map[string]any); ok && filterValue(m, s.filterK) == s.filterV {
						next = append(next, e)
					}
				}
			case s.isIndex:
				l := asList(v)
				if s.all {
					next = append(next, l...)
				} else if s.index < len(l) {
					next = append(next, l[s.index])
				}
			default:
				if m, ok := v.(map[string]any); ok {
					if x, ok := m[s.key]; ok {
						next = append(next, x)
					}
				}
			}
		}
		cur = next
	}
	return cur
}

// filterValue is the value a [key=value] filter compares: the element's
// key, or, when it has no such key, a dotted path into it
// ([properties.access=Allow]).
func filterValue(m map[string]any, key string) string {
	if v, ok := m[key]; ok || !strings.Contains(key, ".") {
		return scalarString(v)
	}
	var cur any = m
	for _, k := range strings.Split(key, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = mm[k]
	}
	if _, isMap := cur.(map[string]any); isMap {
		return ""
	}
	if _, isList := cur.([]any); isList {
		return ""
	}
	return scalarString(cur)
}

// asList is the elements of a list, or the values of a map in key order
// (so [*] works on both).
func asList(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]any, len(keys))
		for i, k := range keys {
			out[i] = x[k]
		}
		return out
	}
	return nil
}

// scalarString renders a scalar as text: strings as they are, numbers and
// booleans as YAML writes them; collections as JSON.
func scalarString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// alternatives splits a path into the paths it joins with " | ": the match
// selects the values of all of them (the same setting may be written at
// two levels, a pool on the stage or on the job). A " | " inside ["…"] is
// part of a key.
func alternatives(path string) []string {
	var out []string
	quoted := false
	start := 0
	for i := 0; i < len(path); i++ {
		switch {
		case strings.HasPrefix(path[i:], "[\""):
			quoted = true
		case quoted && strings.HasPrefix(path[i:], "\"]"):
			quoted = false
		case !quoted && strings.HasPrefix(path[i:], " | "):
			out = append(out, strings.TrimSpace(path[start:i]))
			start = i + 3
		}
	}
	return append(out, strings.TrimSpace(path[start:]))
}

// Match is what a queried value must satisfy. Exactly the fields given
// apply; with none, the path must select something.
type Match struct {
	Path     string   `yaml:"path"`     // one path, or several joined by " | " whose selections add up
	Equals   *string  `yaml:"equals"`   // a selected scalar equals this text
	OneOf    []string `yaml:"one_of"`   // a selected scalar is one of these
	Contains *string  `yaml:"contains"` // a selected list has this element, or a selected text this substring
	Matches  string   `yaml:"matches"`  // a selected scalar matches this regular expression
	Absent   bool     `yaml:"absent"`   // the path selects nothing
	Count    *int     `yaml:"count"`    // the path selects exactly this many values (a list counts its elements)
	MinCount *int     `yaml:"min_count"`
	All      bool     `yaml:"all"`  // every selected value must satisfy the test, not just one
	None     bool     `yaml:"none"` // no selected value may satisfy the test (selecting nothing passes)
}

func (m *Match) validate() error {
	for _, alt := range alternatives(m.Path) {
		if _, err := parseQuery(alt); err != nil {
			return err
		}
	}
	if m.Matches != "" {
		if _, err := regexp.Compile(m.Matches); err != nil {
			return fmt.Errorf("matches: %v", err)
		}
	}
	if m.None && (m.All || m.Absent || m.Count != nil || m.MinCount != nil) {
		return fmt.Errorf("none cannot be combined with all, absent, count or min_count")
	}
	if m.None && m.Equals == nil && len(m.OneOf) == 0 && m.Contains == nil && m.Matches == "" {
		return fmt.Errorf("none needs a test (equals, one_of, contains or matches)")
	}
	return nil
}

// test applies the match to a document and says what it found.
func (m *Match) test(doc any) Outcome {
	var got []any
	for _, alt := range alternatives(m.Path) {
		q, err := parseQuery(alt)
		if err != nil {
			return fail("%v", err)
		}
		got = append(got, q.eval(doc)...)
	}
	return m.judge(got)
}

// judge applies the match's tests to the values its path selected.
func (m *Match) judge(got []any) Outcome {
	where := m.Path
	if where == "" {
		where = "the document"
	}
	if m.Absent {
		if len(got) == 0 {
			return pass("%s is not set", where)
		}
		return fail("%s is set (%s)", where, preview(got))
	}
	if len(got) == 0 {
		if m.None {
			return pass("%s is not set", where)
		}
		return fail("%s is not set", where)
	}
	if m.Count != nil || m.MinCount != nil {
		n := len(got)
		if len(got) == 1 {
			if l, ok := got[0].([]any); ok {
				n = len(l)
			}
		}
		if m.Count != nil && n != *m.Count {
			return fail("%s has %d values, want %d", where, n, *m.Count)
		}
		if m.MinCount != nil && n < *m.MinCount {
			return fail("%s has %d values, want at least %d", where, n, *m.MinCount)
		}
	}
	var re *regexp.Regexp
	if m.Matches != "" {
		re = regexp.MustCompile(m.Matches)
	}
	ok := func(v any) bool {
		s := scalarString(v)
		if m.Equals != nil && s != *m.Equals {
			return false
		}
		if len(m.OneOf) > 0 {
			found := false
			for _, o := range m.OneOf {
				found = found || s == o
			}
			if !found {
				return false
			}
		}
		if re != nil && !re.MatchString(s) {
			return false
		}
		if m.Contains != nil {
			switch x := v.(type) {
			case []any:
				found := false
				for _, e := range x {
					found = found || scalarString(e) == *m.Contains
				}
				if !found {
					return false
				}
			case map[string]any:
				if _, found := x[*m.Contains]; !found {
					return false
				}
			default:
				if !strings.Contains(s, *m.Contains) {
					return false
				}
			}
		}
		return true
	}
	n := 0
	var hit any
	for _, v := range got {
		if ok(v) {
			if n == 0 {
				hit = v
			}
			n++
		}
	}
	if m.None {
		if n > 0 {
			return fail("%s has %s", where, preview([]any{hit}))
		}
		return pass("%s is %s", where, preview(got))
	}
	if m.All && n != len(got) || !m.All && n == 0 {
		return fail("%s is %s", where, preview(got))
	}
	return pass("%s is %s", where, preview(got))
}

func preview(vs []any) string {
	parts := make([]string, 0, len(vs))
	for _, v := range vs {
		parts = append(parts, scalarString(v))
	}
	s := strings.Join(parts, ", ")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// normalize turns decoded YAML (map[string]any with any keys) into the
// map[string]any / []any / scalar shape queries walk.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[scalarString(k)] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}
