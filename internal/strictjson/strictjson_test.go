package strictjson

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

type body struct {
	Name string         `json:"name"`
	N    int            `json:"n"`
	Any  map[string]any `json:"any"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, in string
		opts     Options
		err      string // part of the error; "" for none
	}{
		{"one object", `{"name":"a","n":1}`, Options{}, ""},
		{"whitespace around", " \n{\"name\":\"a\"}\n ", Options{}, ""},
		{"trailing garbage", `{"name":"a"} x`, Options{}, "after the JSON value"},
		{"two values", `{"name":"a"}{"name":"b"}`, Options{}, `more than one JSON value: "{"`},
		{"trailing number", `{"name":"a"} 1`, Options{}, "more than one JSON value"},
		{"duplicate key", `{"name":"a","name":"b"}`, Options{}, `duplicate key "name"`},
		{"nested duplicate key", `{"any":{"x":1,"y":[{"k":1,"k":2}]}}`, Options{}, `duplicate key "k"`},
		{"same key in sibling objects", `{"any":{"a":{"k":1},"b":{"k":2}}}`, Options{}, ""},
		{"unknown field", `{"nmae":"a"}`, Options{}, `unknown field "nmae"`},
		{"unknown field allowed", `{"nmae":"a"}`, Options{AllowUnknown: true}, ""},
		{"empty", ``, Options{}, "body is empty"},
		{"truncated", `{"name":`, Options{}, "unexpected EOF"},
		{"too large", `{"name":"` + strings.Repeat("a", 100) + `"}`, Options{MaxBytes: 50}, "larger than 50 bytes"},
		{"too deep", strings.Repeat(`{"any":`, 70) + `1` + strings.Repeat(`}`, 70), Options{AllowUnknown: true}, "nested deeper"},
		{"wrong type", `{"n":"one"}`, Options{}, "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b body
			err := Decode(strings.NewReader(tt.in), &b, tt.opts)
			if tt.err == "" {
				if err != nil {
					t.Fatalf("Decode(%q): %v", tt.in, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("Decode(%q): %v, want an error containing %q", tt.in, err, tt.err)
			}
		})
	}
}

// FuzzCheck: Check never panics; what it accepts encoding/json reads as
// one valid value, and encoding/json's own output always passes.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":1,"a":2}`, `{"a":[1,{"b":null}]}`, `"x" "y"`, `1`, `{"a":`, `[[[[`, "\"\\u0000\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := Check(data); err != nil {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("Check accepted %q, which is not valid JSON", data)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := Check(out); err != nil {
			t.Fatalf("re-encoded %q refused: %v", out, err)
		}
	})
}
