// Package expr implements the Azure Pipelines expression language: the
// compile-time ${{ }} and runtime $[ ] syntax, its literals, property and
// index access, its function set and its documented type-casting rules.
package expr

import (
	"math"
	"strconv"
	"strings"
)

// Kind is the type of a Value.
type Kind uint8

// The kinds of values an expression can produce.
const (
	KindNull Kind = iota
	KindBool
	KindNumber
	KindString
	KindVersion
	KindArray
	KindObject
)

// String names the kind as the service does in its messages.
func (k Kind) String() string {
	switch k {
	case KindNull:
		return "Null"
	case KindBool:
		return "Boolean"
	case KindNumber:
		return "Number"
	case KindString:
		return "String"
	case KindVersion:
		return "Version"
	case KindArray:
		return "Array"
	case KindObject:
		return "Object"
	}
	return "Unknown"
}

// Value is an immutable expression value.
type Value struct {
	kind Kind
	b    bool
	n    float64
	s    string // string text, or the normalized text of a version
	ver  []int
	arr  []Value
	obj  *Object
	// filtered marks the array a wildcard (a.*) selected: a property or
	// index access then applies to each of its elements.
	filtered bool
}

// Null is the null value.
func Null() Value { return Value{} }

// Bool returns a boolean value.
func Bool(b bool) Value { return Value{kind: KindBool, b: b} }

// Number returns a number value.
func Number(f float64) Value { return Value{kind: KindNumber, n: f} }

// String returns a string value.
func String(s string) Value { return Value{kind: KindString, s: s} }

// Array returns an array value holding items (not copied).
func Array(items []Value) Value { return Value{kind: KindArray, arr: items} }

// ObjectValue wraps an object.
func ObjectValue(o *Object) Value {
	if o == nil {
		o = NewObject()
	}
	return Value{kind: KindObject, obj: o}
}

// Version returns a version value (2 to 4 numeric parts).
func Version(parts []int) Value {
	strs := make([]string, len(parts))
	for i, p := range parts {
		strs[i] = strconv.Itoa(p)
	}
	return Value{kind: KindVersion, ver: parts, s: strings.Join(strs, ".")}
}

// Kind reports the value's kind.
func (v Value) Kind() Kind { return v.kind }

// IsNull reports whether v is null.
func (v Value) IsNull() bool { return v.kind == KindNull }

// BoolValue returns the boolean held by a KindBool value.
func (v Value) BoolValue() bool { return v.b }

// NumberValue returns the number held by a KindNumber value.
func (v Value) NumberValue() float64 { return v.n }

// Str returns the text of a string or version value.
func (v Value) Str() string { return v.s }

// Items returns the elements of an array value.
func (v Value) Items() []Value { return v.arr }

// Object returns the object of an object value, or nil.
func (v Value) Object() *Object { return v.obj }

// Object is an ordered mapping with case-insensitive keys, as in the service.
type Object struct {
	keys   []string
	vals   []Value
	index  map[string]int
	strict string // when set, reading a missing key is an error naming this prefix
}

// NewObject returns an empty object.
func NewObject() *Object { return &Object{index: map[string]int{}} }

// NewStrictObject returns an empty object whose missing keys are an error
// when read; prefix names it in the message (for example "parameters").
func NewStrictObject(prefix string) *Object {
	o := NewObject()
	o.strict = prefix
	return o
}

// Set adds or replaces a key.
func (o *Object) Set(key string, v Value) {
	lk := strings.ToLower(key)
	if i, ok := o.index[lk]; ok {
		o.vals[i] = v
		return
	}
	o.index[lk] = len(o.keys)
	o.keys = append(o.keys, key)
	o.vals = append(o.vals, v)
}

// Get looks a key up case-insensitively.
func (o *Object) Get(key string) (Value, bool) {
	if o == nil {
		return Null(), false
	}
	i, ok := o.index[strings.ToLower(key)]
	if !ok {
		return Null(), false
	}
	return o.vals[i], true
}

// Len is the number of keys.
func (o *Object) Len() int {
	if o == nil {
		return 0
	}
	return len(o.keys)
}

// Keys returns the keys in insertion order.
func (o *Object) Keys() []string { return o.keys }

// Values returns the values in insertion order.
func (o *Object) Values() []Value { return o.vals }

// Truthy converts v to a boolean with the documented casting rules.
func (v Value) Truthy() bool {
	switch v.kind {
	case KindNull:
		return false
	case KindBool:
		return v.b
	case KindNumber:
		return v.n != 0 && !math.IsNaN(v.n)
	case KindString:
		return v.s != ""
	default:
		return true
	}
}

// FormatNumber renders a number as the service does.
func FormatNumber(f float64) string {
	if math.IsNaN(f) {
		return "NaN"
	}
	if math.IsInf(f, 1) {
		return "Infinity"
	}
	if math.IsInf(f, -1) {
		return "-Infinity"
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'G', 15, 64)
	if strings.Contains(s, "E") {
		mant, exp, _ := strings.Cut(s, "E")
		if strings.Contains(mant, ".") {
			mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
		}
		sign := "+"
		if strings.HasPrefix(exp, "-") {
			sign = "-"
		}
		exp = strings.TrimLeft(exp, "+-")
		for len(exp) < 3 {
			exp = "0" + exp
		}
		return mant + "E" + sign + exp
	}
	return s
}

// ToString converts v to a string with the documented casting rules; arrays
// and objects cannot be converted.
func (v Value) ToString() (string, bool) {
	switch v.kind {
	case KindNull:
		return "", true
	case KindBool:
		if v.b {
			return "True", true
		}
		return "False", true
	case KindNumber:
		return FormatNumber(v.n), true
	case KindString, KindVersion:
		return v.s, true
	}
	return "", false
}

// String renders any value for messages and string contexts; arrays and
// objects render as "Array" and "Object".
func (v Value) String() string {
	if s, ok := v.ToString(); ok {
		return s
	}
	return v.kind.String()
}

// ToNumber converts v to a number with the documented casting rules.
func (v Value) ToNumber() float64 {
	switch v.kind {
	case KindNull:
		return 0
	case KindBool:
		if v.b {
			return 1
		}
		return 0
	case KindNumber:
		return v.n
	case KindString:
		return parseNumberString(v.s)
	}
	return math.NaN()
}

func parseNumberString(s string) float64 {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0
	}
	if strings.HasPrefix(t, "0x") || strings.HasPrefix(t, "0X") {
		if n, err := strconv.ParseInt(t[2:], 16, 64); err == nil {
			return float64(n)
		}
		return math.NaN()
	}
	for _, c := range t {
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return math.NaN()
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

// parseVersion parses "1.2", "1.2.3" or "1.2.3.4".
func parseVersion(s string) ([]int, bool) {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 4 {
		return nil, false
	}
	out := make([]int, len(parts))
	for i, p := range parts {
		if p == "" || len(p) > 9 {
			return nil, false
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return nil, false
			}
		}
		n, _ := strconv.Atoi(p)
		out[i] = n
	}
	return out, true
}

// Equal reports whether two values are equal under eq(): the right value is
// converted to the left value's type; strings compare case-insensitively.
// As in the service, an empty string converts to null: null equals the empty
// string, whichever side each is on.
func Equal(l, r Value) bool {
	switch l.kind {
	case KindNull:
		return r.kind == KindNull || r.kind == KindString && r.s == ""
	case KindBool:
		return l.b == r.Truthy()
	case KindNumber:
		rn := r.ToNumber()
		return l.n == rn
	case KindString:
		rs, ok := r.ToString()
		return ok && strings.EqualFold(l.s, rs)
	case KindVersion:
		rv, ok := toVersion(r)
		return ok && compareVersions(l.ver, rv) == 0
	case KindArray:
		return r.kind == KindArray && sameArray(l.arr, r.arr)
	case KindObject:
		return r.kind == KindObject && l.obj == r.obj
	}
	return false
}

func sameArray(a, b []Value) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return len(a) == len(b) && &a[0] == &b[0]
}

func toVersion(v Value) ([]int, bool) {
	switch v.kind {
	case KindVersion:
		return v.ver, true
	case KindString:
		return parseVersion(strings.TrimSpace(v.s))
	case KindNumber:
		return parseVersion(FormatNumber(v.n))
	}
	return nil, false
}

func compareVersions(a, b []int) int {
	for i := 0; i < 4; i++ {
		x, y := -1, -1
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// Compare orders two values for gt/ge/lt/le: the right value is converted to
// the left value's type. ok is false when they cannot be ordered.
func Compare(l, r Value) (c int, ok bool) {
	switch l.kind {
	case KindBool:
		lb, rb := l.b, r.Truthy()
		switch {
		case lb == rb:
			return 0, true
		case !lb:
			return -1, true
		}
		return 1, true
	case KindNumber:
		rn := r.ToNumber()
		if math.IsNaN(l.n) || math.IsNaN(rn) {
			return 0, false
		}
		switch {
		case l.n < rn:
			return -1, true
		case l.n > rn:
			return 1, true
		}
		return 0, true
	case KindString:
		rs, ok := r.ToString()
		if !ok {
			return 0, false
		}
		return strings.Compare(strings.ToLower(l.s), strings.ToLower(rs)), true
	case KindVersion:
		rv, ok := toVersion(r)
		if !ok {
			return 0, false
		}
		return compareVersions(l.ver, rv), true
	case KindNull:
		// null converts to the number 0 when ordered.
		return Compare(Number(0), r)
	}
	return 0, false
}
