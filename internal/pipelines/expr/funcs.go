package expr

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

type builtin struct {
	min, max int
	call     func(ev *evaluator, args []*node) (Value, error)
}

// builtins is the compile-time and runtime function set, keyed by lower-case
// name. Status functions and counter are supplied by the runner.
var builtins map[string]builtin

func init() {
	builtins = map[string]builtin{
		"and":           {2, -1, fnAnd},
		"or":            {2, -1, fnOr},
		"not":           {1, 1, eager(func(a []Value) (Value, error) { return Bool(!a[0].Truthy()), nil })},
		"xor":           {2, 2, eager(func(a []Value) (Value, error) { return Bool(a[0].Truthy() != a[1].Truthy()), nil })},
		"eq":            {2, 2, eager(func(a []Value) (Value, error) { return Bool(Equal(a[0], a[1])), nil })},
		"ne":            {2, 2, eager(func(a []Value) (Value, error) { return Bool(!Equal(a[0], a[1])), nil })},
		"gt":            {2, 2, compareFn(func(c int) bool { return c > 0 })},
		"ge":            {2, 2, compareFn(func(c int) bool { return c >= 0 })},
		"lt":            {2, 2, compareFn(func(c int) bool { return c < 0 })},
		"le":            {2, 2, compareFn(func(c int) bool { return c <= 0 })},
		"in":            {1, -1, eager(fnIn)},
		"notin":         {1, -1, eager(func(a []Value) (Value, error) { v, _ := fnIn(a); return Bool(!v.b), nil })},
		"contains":      {2, 2, eager(fnContains)},
		"containsvalue": {2, 2, eager(fnContainsValue)},
		"startswith":    {2, 2, eager(stringPair(func(a, b string) bool { return strings.HasPrefix(strings.ToLower(a), strings.ToLower(b)) }))},
		"endswith":      {2, 2, eager(stringPair(func(a, b string) bool { return strings.HasSuffix(strings.ToLower(a), strings.ToLower(b)) }))},
		"coalesce":      {1, -1, fnCoalesce},
		"format":        {1, -1, eager(fnFormat)},
		"join":          {2, 2, eager(fnJoin)},
		"split":         {2, 2, eager(fnSplit)},
		"replace":       {3, 3, eager(fnReplace)},
		"lower":         {1, 1, eager(stringMap(strings.ToLower))},
		"upper":         {1, 1, eager(stringMap(strings.ToUpper))},
		"trim":          {1, 1, eager(stringMap(strings.TrimSpace))},
		"length":        {1, 1, eager(fnLength)},
		"iif":           {3, 3, eager(func(a []Value) (Value, error) { return pick(a[0].Truthy(), a[1], a[2]), nil })},
		"converttojson": {1, 1, eager(func(a []Value) (Value, error) { return String(ToJSON(a[0])), nil })},
		"substring":     {2, 3, eager(fnSubstring)},
	}
}

// BuiltinNames lists the built-in function names in lower case.
func BuiltinNames() []string {
	out := make([]string, 0, len(builtins))
	for k := range builtins {
		out = append(out, k)
	}
	return out
}

func pick(c bool, a, b Value) Value {
	if c {
		return a
	}
	return b
}

func eager(f func([]Value) (Value, error)) func(*evaluator, []*node) (Value, error) {
	return func(ev *evaluator, nodes []*node) (Value, error) {
		args, err := ev.args(nodes)
		if err != nil {
			return Value{}, err
		}
		return f(args)
	}
}

func fnAnd(ev *evaluator, nodes []*node) (Value, error) {
	for _, n := range nodes {
		v, err := ev.eval(n)
		if err != nil {
			return Value{}, err
		}
		if !v.Truthy() {
			return Bool(false), nil
		}
	}
	return Bool(true), nil
}

func fnOr(ev *evaluator, nodes []*node) (Value, error) {
	for _, n := range nodes {
		v, err := ev.eval(n)
		if err != nil {
			return Value{}, err
		}
		if v.Truthy() {
			return Bool(true), nil
		}
	}
	return Bool(false), nil
}

func fnCoalesce(ev *evaluator, nodes []*node) (Value, error) {
	for _, n := range nodes {
		v, err := ev.eval(n)
		if err != nil {
			return Value{}, err
		}
		if v.kind == KindNull || v.kind == KindString && v.s == "" {
			continue
		}
		return v, nil
	}
	return Null(), nil
}

func compareFn(ok func(int) bool) func(*evaluator, []*node) (Value, error) {
	return eager(func(a []Value) (Value, error) {
		c, can := Compare(a[0], a[1])
		if !can {
			return Value{}, &EvalError{Msg: fmt.Sprintf("Unable to compare %s with %s", a[0].kind, a[1].kind)}
		}
		return Bool(ok(c)), nil
	})
}

func fnIn(a []Value) (Value, error) {
	for _, v := range a[1:] {
		if Equal(a[0], v) {
			return Bool(true), nil
		}
	}
	return Bool(false), nil
}

func fnContains(a []Value) (Value, error) {
	if a[0].kind == KindArray {
		return fnContainsValue(a)
	}
	s, ok1 := a[0].ToString()
	sub, ok2 := a[1].ToString()
	if !ok1 || !ok2 {
		return Bool(false), nil
	}
	return Bool(strings.Contains(strings.ToLower(s), strings.ToLower(sub))), nil
}

func fnContainsValue(a []Value) (Value, error) {
	switch a[0].kind {
	case KindArray:
		for _, v := range a[0].arr {
			if Equal(v, a[1]) {
				return Bool(true), nil
			}
		}
	case KindObject:
		for _, v := range a[0].obj.vals {
			if Equal(v, a[1]) {
				return Bool(true), nil
			}
		}
	}
	return Bool(false), nil
}

func stringPair(f func(a, b string) bool) func([]Value) (Value, error) {
	return func(a []Value) (Value, error) {
		x, ok1 := a[0].ToString()
		y, ok2 := a[1].ToString()
		return Bool(ok1 && ok2 && f(x, y)), nil
	}
}

func stringMap(f func(string) string) func([]Value) (Value, error) {
	return func(a []Value) (Value, error) {
		s, ok := a[0].ToString()
		if !ok {
			return Value{}, &EvalError{Msg: fmt.Sprintf("Unable to convert %s to String", a[0].kind)}
		}
		return String(f(s)), nil
	}
}

func fnLength(a []Value) (Value, error) {
	switch a[0].kind {
	case KindArray:
		return Number(float64(len(a[0].arr))), nil
	case KindObject:
		return Number(float64(a[0].obj.Len())), nil
	case KindNull:
		return Number(0), nil
	}
	s, _ := a[0].ToString()
	return Number(float64(len([]rune(s)))), nil
}

func fnJoin(a []Value) (Value, error) {
	sep, ok := a[0].ToString()
	if !ok {
		return Value{}, &EvalError{Msg: "join: the separator must be a string"}
	}
	switch a[1].kind {
	case KindArray:
		parts := make([]string, 0, len(a[1].arr))
		total := 0
		for _, v := range a[1].arr {
			s, ok := v.ToString()
			if !ok {
				continue
			}
			total += len(s) + len(sep)
			if total > MaxResultLength {
				return Value{}, &EvalError{Msg: "join: result exceeds the maximum length"}
			}
			parts = append(parts, s)
		}
		return String(strings.Join(parts, sep)), nil
	case KindObject:
		return String(strings.Join(a[1].obj.keys, sep)), nil
	}
	s, _ := a[1].ToString()
	return String(s), nil
}

func fnSplit(a []Value) (Value, error) {
	s, ok1 := a[0].ToString()
	sep, ok2 := a[1].ToString()
	if !ok1 || !ok2 {
		return Value{}, &EvalError{Msg: "split: arguments must be strings"}
	}
	if s == "" {
		return Array(nil), nil
	}
	var parts []string
	if sep == "" {
		parts = []string{s}
	} else {
		parts = strings.Split(s, sep)
	}
	out := make([]Value, len(parts))
	for i, p := range parts {
		out[i] = String(p)
	}
	return Array(out), nil
}

func fnReplace(a []Value) (Value, error) {
	s, ok1 := a[0].ToString()
	old, ok2 := a[1].ToString()
	nw, ok3 := a[2].ToString()
	if !ok1 || !ok2 || !ok3 {
		return Value{}, &EvalError{Msg: "replace: arguments must be strings"}
	}
	if old == "" {
		return String(s), nil
	}
	if n := strings.Count(s, old); n > 0 && len(s)+n*(len(nw)-len(old)) > MaxResultLength {
		return Value{}, &EvalError{Msg: "replace: result exceeds the maximum length"}
	}
	return String(strings.ReplaceAll(s, old, nw)), nil
}

func fnSubstring(a []Value) (Value, error) {
	s, ok := a[0].ToString()
	if !ok {
		return Value{}, &EvalError{Msg: "substring: the first argument must be a string"}
	}
	r := []rune(s)
	start := int(math.Max(0, a[1].ToNumber()))
	if start > len(r) {
		start = len(r)
	}
	end := len(r)
	if len(a) == 3 {
		if l := a[2].ToNumber(); l >= 0 && start+int(l) < end {
			end = start + int(l)
		}
	}
	return String(string(r[start:end])), nil
}

func fnFormat(a []Value) (Value, error) {
	f, ok := a[0].ToString()
	if !ok {
		return Value{}, &EvalError{Msg: "format: the format must be a string"}
	}
	var sb strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch c {
		case '{':
			if i+1 < len(f) && f[i+1] == '{' {
				sb.WriteByte('{')
				i++
				continue
			}
			end := strings.IndexByte(f[i:], '}')
			if end < 0 {
				return Value{}, &EvalError{Msg: fmt.Sprintf("The format specifiers '%s' are not valid", f)}
			}
			spec := f[i+1 : i+end]
			idxText, layout, hasLayout := strings.Cut(spec, ":")
			idx, err := strconv.Atoi(strings.TrimSpace(idxText))
			if err != nil || idx < 0 || idx+1 >= len(a) {
				return Value{}, &EvalError{Msg: fmt.Sprintf("The format specifiers '%s' are not valid", f)}
			}
			arg := a[idx+1]
			if hasLayout {
				if t, ok := asTime(arg); ok {
					sb.WriteString(formatTime(t, layout))
				} else {
					s, _ := arg.ToString()
					sb.WriteString(s)
				}
			} else {
				s, ok := arg.ToString()
				if !ok {
					return Value{}, &EvalError{Msg: fmt.Sprintf("format: argument %d is an %s and cannot be formatted", idx, arg.kind)}
				}
				sb.WriteString(s)
			}
			if sb.Len() > MaxResultLength {
				return Value{}, &EvalError{Msg: "format: result exceeds the maximum length"}
			}
			i += end
		case '}':
			if i+1 < len(f) && f[i+1] == '}' {
				i++
			}
			sb.WriteByte('}')
		default:
			sb.WriteByte(c)
		}
	}
	return String(sb.String()), nil
}

func asTime(v Value) (time.Time, bool) {
	s, ok := v.ToString()
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// formatTime renders the .NET custom date format specifiers the service
// documents for format(): yyyy, yy, MM, M, dd, d, HH, H, mm, m, ss, s, f…, K.
func formatTime(t time.Time, layout string) string {
	var sb strings.Builder
	for i := 0; i < len(layout); {
		c := layout[i]
		n := 1
		for i+n < len(layout) && layout[i+n] == c {
			n++
		}
		switch c {
		case 'y':
			if n <= 2 {
				fmt.Fprintf(&sb, "%02d", t.Year()%100)
			} else {
				fmt.Fprintf(&sb, "%0*d", n, t.Year())
			}
		case 'M':
			fmt.Fprintf(&sb, "%0*d", min(n, 2), int(t.Month()))
		case 'd':
			fmt.Fprintf(&sb, "%0*d", min(n, 2), t.Day())
		case 'H':
			fmt.Fprintf(&sb, "%0*d", min(n, 2), t.Hour())
		case 'm':
			fmt.Fprintf(&sb, "%0*d", min(n, 2), t.Minute())
		case 's':
			fmt.Fprintf(&sb, "%0*d", min(n, 2), t.Second())
		case 'f':
			ns := fmt.Sprintf("%09d", t.Nanosecond())
			sb.WriteString(ns[:min(n, 9)])
		case 'K':
			sb.WriteString(t.Format("Z07:00"))
		default:
			sb.WriteString(layout[i : i+n])
		}
		i += n
	}
	return sb.String()
}
