package expr

import (
	"strings"
	"testing"
)

func testEnv() *Env {
	params := NewStrictObject("parameters")
	params.Set("list", Array([]Value{String("a"), String("b"), String("c")}))
	obj := NewObject()
	obj.Set("Name", String("certlab"))
	obj.Set("count", Number(3))
	params.Set("obj", ObjectValue(obj))
	params.Set("flag", Bool(true))
	params.Set("empty", String(""))
	var arts []Value
	for _, n := range []string{"app", "", "docs"} {
		a := NewObject()
		if n != "" {
			a.Set("name", String(n))
		}
		a.Set("files", Array([]Value{String(n + ".1"), String(n + ".2")}))
		arts = append(arts, ObjectValue(a))
	}
	params.Set("artifacts", Array(arts))
	vars := NewObject()
	vars.Set("Build.SourceBranch", String("refs/heads/main"))
	vars.Set("major", String("1"))
	return &Env{Resolve: func(name string) (Value, bool) {
		switch strings.ToLower(name) {
		case "parameters":
			return ObjectValue(params), true
		case "variables":
			return ObjectValue(vars), true
		}
		return Null(), false
	}}
}

func mustEval(t *testing.T, src string) Value {
	t.Helper()
	e, err := Parse(src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	v, err := e.Eval(testEnv())
	if err != nil {
		t.Fatalf("eval %q: %v", src, err)
	}
	return v
}

func TestEvalFunctions(t *testing.T) {
	tests := []struct {
		name, expr, want string
	}{
		{"and short-circuits", "and(false, parameters.missing)", "False"},
		{"or", "or(false, 0, 'x')", "True"},
		{"not", "not('')", "True"},
		{"xor", "xor(true, false)", "True"},
		{"eq case-insensitive strings", "eq('ABC', 'abc')", "True"},
		{"eq casts right to left type", "eq(1, '1')", "True"},
		{"eq bool and string", "eq(true, 'yes')", "True"},
		{"ne", "ne(1, 2)", "True"},
		{"wildcard over an array of objects", "join(',', parameters.artifacts.*.name)", "app,docs"},
		{"wildcard in brackets", "join(',', parameters.artifacts[*]['name'])", "app,docs"},
		{"wildcard over object values", "join(',', parameters.obj.*)", "certlab,3"},
		{"two wildcards flatten", "length(parameters.artifacts.*.files.*)", "6"},
		{"null equals the empty string", "eq(parameters.obj.missing, '')", "True"},
		{"the empty string equals null", "eq('', parameters.obj.missing)", "True"},
		{"null is not unequal to the empty string", "ne(parameters.obj.missing, '')", "False"},
		{"null is not a non-empty string", "eq(parameters.obj.missing, 'x')", "False"},
		{"a line break before the parenthesis", "and\n(\r\n  true,\n  true\n)", "True"},
		{"a tab and a non-breaking space before the parenthesis", "not\t\u00a0(false)", "True"},
		{"gt numbers", "gt(5, 3)", "True"},
		{"lt booleans", "lt(False, True)", "True"},
		{"ge versions", "ge(1.0.0, 0.9.9.9)", "True"},
		{"le string", "le('a', 'B')", "True"},
		{"in", "in('b', 'a', 'b')", "True"},
		{"notIn", "notIn('z', 'a', 'b')", "True"},
		{"contains string", "contains('ABCDE', 'bcd')", "True"},
		{"containsValue array", "containsValue(parameters.list, 'B')", "True"},
		{"containsValue object", "containsValue(parameters.obj, 'certlab')", "True"},
		{"startsWith", "startsWith('refs/heads/main', 'REFS/')", "True"},
		{"endsWith", "endsWith('file.yml', '.YML')", "True"},
		{"coalesce skips null and empty", "coalesce(parameters.empty, '', 'literal value')", "literal value"},
		{"format", "format('{0}-{1}-{{x}}', 'a', 2)", "a-2-{x}"},
		{"format date", "format('{0:yyyyMMdd}', '2024-03-05T10:00:00Z')", "20240305"},
		{"join", "join(';', parameters.list)", "a;b;c"},
		{"split and index", "split('a,b,c', ',')[1]", "b"},
		{"replace", "replace('a-b-c', '-', '_')", "a_b_c"},
		{"lower", "lower('ABC')", "abc"},
		{"upper", "upper('abc')", "ABC"},
		{"trim", "trim('  x  ')", "x"},
		{"length string", "length('success')", "7"},
		{"length array", "length(parameters.list)", "3"},
		{"length object", "length(parameters.obj)", "2"},
		{"iif", "iif(eq(1, 2), 'yes', 'no')", "no"},
		{"iif result property", "iif(true, parameters.obj, parameters.list).name", "certlab"},
		{"substring", "substring('Hello small World', 6, 5)", "small"},
		{"property case-insensitive", "parameters.OBJ.NAME", "certlab"},
		{"index with string", "variables['Build.SourceBranch']", "refs/heads/main"},
		{"bool to string", "format('{0}', true)", "True"},
		{"big number", "format('{0}', 45700000000000000000000000000)", "4.57E+028"},
		{"version literal", "1.2.4.05", "1.2.4.5"},
		{"hex literal", "0xFF", "255"},
		{"negative number", "-1.5", "-1.5"},
		{"null", "null", ""},
		{"string escape", "'it''s'", "it's"},
		{"convertToJson", "convertToJson(parameters.list)", "[\n  \"a\",\n  \"b\",\n  \"c\"\n]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustEval(t, tt.expr).String()
			if got != tt.want {
				t.Errorf("%s = %q, want %q", tt.expr, got, tt.want)
			}
		})
	}
}

func TestTruthiness(t *testing.T) {
	tests := []struct {
		expr string
		want bool
	}{
		{"0", false}, {"1", true}, {"''", false}, {"'False'", true}, {"0.0.0.0", true},
		{"null", false}, {"parameters.list", true}, {"split('', ',')", true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			if got := mustEval(t, tt.expr).Truthy(); got != tt.want {
				t.Errorf("%s is %v, want %v", tt.expr, got, tt.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, expr, want string
	}{
		{"operator", "3 + 4", "Unexpected symbol: '+'. Located at position 3 within expression: 3 + 4"},
		{"minus is not part of a name", "parameters.param-minus", "Unexpected symbol: '-minus'"},
		{"bad version", "lt(0.9.o.9, 1.0.0)", "Unexpected symbol: '0.9.o.9'"},
		{"unknown function", "nothing()", "Unrecognized function: 'nothing'. Located at position 1"},
		{"unknown named value", "nothing", "Unrecognized named-value: 'nothing'."},
		{"too few arguments", "eq(1)", "Too few parameters supplied: 'eq'"},
		{"too many arguments", "not(1, 2)", "Too many parameters supplied: 'not'"},
		{"unclosed call", "eq(1, 2", "Unexpected end of expression"},
		{"unclosed string", "'abc", "Unexpected symbol: ''abc'"},
		{"missing parameter", "parameters.test3", "Undefined value referenced: 'parameters.test3'"},
		{"iif evaluates both branches", "iif(true, 'a', parameters.nope)", "parameters.nope"},
		{"compare array", "gt(parameters.list, 1)", "Unable to compare"},
		{"counter is runtime only", "counter('a', 1)", "Unrecognized function: 'counter'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.expr)
			if err == nil {
				_, err = e.Eval(testEnv())
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: error %v, want it to contain %q", tt.expr, err, tt.want)
			}
		})
	}
}

func TestSplitTemplate(t *testing.T) {
	tests := []struct {
		name, in string
		segs     int
		wantErr  string
	}{
		{"no expression", "plain text", 0, ""},
		{"whole value", "${{ parameters.x }}", 1, ""},
		{"embedded", "a-${{ 1 }}-b", 3, ""},
		{"closing braces in string", "${{ format('}}', 1) }}", 1, ""},
		{"unclosed", "x ${{ 1", 0, "The expression is not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			segs, err := SplitTemplate(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(segs) != tt.segs {
				t.Errorf("%d segments, want %d", len(segs), tt.segs)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	v, err := FromJSON(`{"a": {"myvar": "A"}, "b": [1, true, null]}`)
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"a\": {\n    \"myvar\": \"A\"\n  },\n  \"b\": [\n    1,\n    true,\n    null\n  ]\n}"
	if got := ToJSON(v); got != want {
		t.Errorf("ToJSON = %s, want %s", got, want)
	}
}

// FuzzParse checks that parsing and evaluating arbitrary expressions never
// panics and stays bounded.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"eq(variables['Build.SourceBranch'], 'refs/heads/main')", "and(succeeded(), ne(1, 2))",
		"format('{0:yyyyMMdd}', '2024-01-01T00:00:00Z')", "split('a,b', ',')[1]", "1.2.3.4",
		"iif(true, parameters.obj, parameters.list).name", "'it''s'", "3 + 4", "a.b.c[0]['x']",
		"replace(join(',', parameters.list), ',', ';')", "0xFF", "-1e5", "convertToJson(parameters)",
		"coalesce(null, '', 'x')", "contains(split('a-b', '-'), 'a')", "(((", "eq(", "format('{9}')",
		"join(',', parameters.artifacts.*.name)", "parameters.obj[*]", "a.*.*.b", "a.*b", "[*]", "and\r\n(true, true)",
	} {
		f.Add(s)
	}
	env := testEnv()
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			return
		}
		v, err := e.Eval(env)
		if err != nil {
			return
		}
		if s, ok := v.ToString(); ok && len(s) > MaxResultLength {
			t.Fatalf("result of %d bytes exceeds the limit", len(s))
		}
		_ = ToJSON(v)
	})
}

func BenchmarkParseEval(b *testing.B) {
	env := testEnv()
	src := "and(eq(variables['Build.SourceBranch'], 'refs/heads/main'), in(parameters.obj.name, 'a', 'certlab'), gt(length(parameters.list), 2))"
	b.ReportAllocs()
	for b.Loop() {
		e, err := Parse(src)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}
