package expr

import (
	"encoding/json"
	"strings"
)

// ToJSON renders a value as indented JSON, as convertToJson does.
func ToJSON(v Value) string {
	var sb strings.Builder
	writeJSON(&sb, v, 0)
	return sb.String()
}

func writeJSON(sb *strings.Builder, v Value, indent int) {
	pad := func(n int) {
		sb.WriteByte('\n')
		for i := 0; i < n; i++ {
			sb.WriteString("  ")
		}
	}
	switch v.kind {
	case KindNull:
		sb.WriteString("null")
	case KindBool:
		if v.b {
			sb.WriteString("true")
		} else {
			sb.WriteString("false")
		}
	case KindNumber:
		sb.WriteString(FormatNumber(v.n))
	case KindString, KindVersion:
		writeJSONString(sb, v.s)
	case KindArray:
		if len(v.arr) == 0 {
			sb.WriteString("[]")
			return
		}
		sb.WriteByte('[')
		for i, it := range v.arr {
			if i > 0 {
				sb.WriteByte(',')
			}
			pad(indent + 1)
			writeJSON(sb, it, indent+1)
		}
		pad(indent)
		sb.WriteByte(']')
	case KindObject:
		if v.obj.Len() == 0 {
			sb.WriteString("{}")
			return
		}
		sb.WriteByte('{')
		for i, k := range v.obj.keys {
			if i > 0 {
				sb.WriteByte(',')
			}
			pad(indent + 1)
			writeJSONString(sb, k)
			sb.WriteString(": ")
			writeJSON(sb, v.obj.vals[i], indent+1)
		}
		pad(indent)
		sb.WriteByte('}')
	}
}

func writeJSONString(sb *strings.Builder, s string) {
	b, _ := json.Marshal(s)
	sb.Write(b)
}

// FromJSON converts decoded JSON (as produced by encoding/json into any) to
// a Value; numbers become numbers and objects keep their key order only when
// decoded with DecodeJSON.
func FromJSON(text string) (Value, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	return decodeJSON(dec)
}

func decodeJSON(dec *json.Decoder) (Value, error) {
	tok, err := dec.Token()
	if err != nil {
		return Value{}, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := NewObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return Value{}, err
				}
				k, _ := kt.(string)
				v, err := decodeJSON(dec)
				if err != nil {
					return Value{}, err
				}
				o.Set(k, v)
			}
			if _, err := dec.Token(); err != nil {
				return Value{}, err
			}
			return ObjectValue(o), nil
		case '[':
			var items []Value
			for dec.More() {
				v, err := decodeJSON(dec)
				if err != nil {
					return Value{}, err
				}
				items = append(items, v)
			}
			if _, err := dec.Token(); err != nil {
				return Value{}, err
			}
			return Array(items), nil
		}
	case string:
		return String(t), nil
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return Value{}, err
		}
		return Number(f), nil
	case bool:
		return Bool(t), nil
	case nil:
		return Null(), nil
	}
	return Null(), nil
}
