package authoring

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Query selects entries of the bank: filters and free-text words. Its
// text form is what the author console's search box takes:
//
//	pipeline "deployment slot" pack:az400 exam:az-400 pool:exam
//	objective:d3.yaml kind:item type:single is:flagged is:retired
//
// Words and quoted phrases must all occur (case-insensitively) in the
// entry's id, title or text; each filter narrows the list. A filter's
// value may be quoted (objective:"d3.yaml"). Repeating a filter is an
// error, except is:, which may be given several times.
type Query struct {
	Words     []string `json:"words,omitempty"`
	Pack      string   `json:"pack,omitempty"`
	Exam      string   `json:"exam,omitempty"`
	Pool      string   `json:"pool,omitempty"`
	Objective string   `json:"objective,omitempty"`
	Kind      string   `json:"kind,omitempty"`
	Type      string   `json:"type,omitempty"`
	Flagged   bool     `json:"flagged,omitempty"`
	Retired   bool     `json:"retired,omitempty"`
	Pilot     bool     `json:"pilot,omitempty"`
}

// Entry kinds.
const (
	KindItem   = "item"
	KindCase   = "case"
	KindModule = "module"
	KindLab    = "lab"
)

// Filters lists the filter keys a query takes.
var Filters = []string{"pack", "exam", "pool", "objective", "kind", "type", "is"}

var kinds = []string{KindItem, KindCase, KindModule, KindLab}

var states = []string{"flagged", "retired", "pilot"}

// maxQuery bounds the length of a query.
const maxQuery = 1000

// ParseQuery reads the text form of a query. Errors name the column
// (counted in characters from 1) and what is wrong there.
func ParseQuery(s string) (Query, error) {
	var q Query
	if !utf8.ValidString(s) {
		return q, fmt.Errorf("query is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > maxQuery {
		return q, fmt.Errorf("query is %d characters long; at most %d", n, maxQuery)
	}
	rs := []rune(s)
	seen := map[string]bool{}
	for i := 0; i < len(rs); {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		start := i
		// A key: letters up to a colon.
		j := i
		for j < len(rs) && (unicode.IsLetter(rs[j]) || rs[j] == '_') {
			j++
		}
		if j > i && j < len(rs) && rs[j] == ':' {
			key := strings.ToLower(string(rs[i:j]))
			val, next, err := readValue(rs, j+1)
			if err != nil {
				return q, err
			}
			if val == "" {
				return q, fmt.Errorf("column %d: filter %s: has no value", start+1, key)
			}
			if err := q.set(key, val, seen, start+1); err != nil {
				return q, err
			}
			i = next
			continue
		}
		val, next, err := readValue(rs, i)
		if err != nil {
			return q, err
		}
		if w := strings.TrimSpace(val); w != "" {
			q.Words = append(q.Words, strings.ToLower(w))
		}
		i = next
	}
	return q, nil
}

// readValue reads a quoted phrase or a run of non-space characters from
// rs[i:] and returns it with the index after it.
func readValue(rs []rune, i int) (string, int, error) {
	if i < len(rs) && rs[i] == '"' {
		end := i + 1
		for end < len(rs) && rs[end] != '"' {
			end++
		}
		if end == len(rs) {
			return "", 0, fmt.Errorf("column %d: the quote is not closed", i+1)
		}
		return string(rs[i+1 : end]), end + 1, nil
	}
	end := i
	for end < len(rs) && !unicode.IsSpace(rs[end]) {
		if rs[end] == '"' {
			return "", 0, fmt.Errorf("column %d: a quote inside a word (quote the whole phrase)", end+1)
		}
		end++
	}
	return string(rs[i:end]), end, nil
}

func (q *Query) set(key, val string, seen map[string]bool, col int) error {
	if key != "is" && seen[key] {
		return fmt.Errorf("column %d: filter %s: is given twice", col, key)
	}
	seen[key] = true
	switch key {
	case "pack":
		q.Pack = val
	case "exam":
		q.Exam = val
	case "pool":
		if val != "exam" && val != "practice" {
			return fmt.Errorf("column %d: pool:%s: the pools are exam and practice", col, val)
		}
		q.Pool = val
	case "objective", "obj":
		q.Objective = val
	case "kind":
		v := strings.ToLower(val)
		if !contains(kinds, v) {
			return fmt.Errorf("column %d: kind:%s: the kinds are %s", col, val, strings.Join(kinds, ", "))
		}
		q.Kind = v
	case "type":
		q.Type = strings.ToLower(val)
	case "is":
		switch strings.ToLower(val) {
		case "flagged":
			q.Flagged = true
		case "retired":
			q.Retired = true
		case "pilot":
			q.Pilot = true
		default:
			return fmt.Errorf("column %d: is:%s: use is:%s", col, val, strings.Join(states, ", is:"))
		}
	default:
		return fmt.Errorf("column %d: unknown filter %q (the filters are %s)", col, key+":", strings.Join(Filters, ", "))
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// String writes the query in its text form; ParseQuery reads it back as
// the same query.
func (q Query) String() string {
	var parts []string
	for _, w := range q.Words {
		parts = append(parts, quote(w))
	}
	add := func(key, v string) {
		if v != "" {
			parts = append(parts, key+":"+quote(v))
		}
	}
	add("pack", q.Pack)
	add("exam", q.Exam)
	add("pool", q.Pool)
	add("objective", q.Objective)
	add("kind", q.Kind)
	add("type", q.Type)
	var is []string
	if q.Flagged {
		is = append(is, "is:flagged")
	}
	if q.Retired {
		is = append(is, "is:retired")
	}
	if q.Pilot {
		is = append(is, "is:pilot")
	}
	sort.Strings(is)
	return strings.Join(append(parts, is...), " ")
}

// quote quotes a value that would not read back as one word.
func quote(v string) string {
	if v == "" || strings.ContainsFunc(v, unicode.IsSpace) || strings.Contains(v, ":") {
		return `"` + v + `"`
	}
	return v
}
