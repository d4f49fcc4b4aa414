package item

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/certlab/certlab"
)

// Mark compares one part of an answer with the key: an option picked or
// not, a step, a target, a drop-down, a statement. Marks are built for
// practice feedback and for the review of a finished practice set, never
// during an exam (they hold the key).
type Mark struct {
	// Label names the part in Markdown: "A. option text", "Step 2", a
	// target's text, "Drop-down 1 (perm)".
	Label string
	// Choice says the part is a choice that is picked or not; Given and
	// Key are then empty and State says it all.
	Choice bool
	// Given is the candidate's answer for the part (Markdown); "" when the
	// part was left empty.
	Given string
	// Key is the right answer for the part (Markdown).
	Key string
	// State is MarkRight, MarkWrong, MarkMissed, or "" for a choice that
	// was neither picked nor right.
	State string
}

// Mark states.
const (
	// MarkRight: the candidate's pick or answer for the part is right.
	MarkRight = "right"
	// MarkWrong: the candidate picked or gave something that is wrong.
	MarkWrong = "wrong"
	// MarkMissed: a right choice the candidate did not pick, or a part
	// left empty.
	MarkMissed = "missed"
)

// Comparer is a kind that marks an answer against the key part by part.
type Comparer interface {
	Compare(v *View, given, key json.RawMessage) []Mark
}

// Compare marks the candidate's answer (null when unanswered) against the
// key, part by part, in the order the parts are shown (letter order for
// choices); nil when the kind has no parts to mark (a lab).
func Compare(v *View, given, key json.RawMessage) []Mark {
	k, ok := Lookup(v.Type)
	if !ok {
		return nil
	}
	c, ok := k.(Comparer)
	if !ok {
		return nil
	}
	return c.Compare(v, given, key)
}

// compareChoices marks lettered choices picked (given) against those keyed.
func compareChoices(cs []certlab.Choice, given, key []string) []Mark {
	out := make([]Mark, len(cs))
	for i, c := range cs {
		m := Mark{Label: Letter(i) + ". " + c.Text, Choice: true}
		picked, keyed := contains(given, c.ID), contains(key, c.ID)
		switch {
		case picked && keyed:
			m.State = MarkRight
		case picked:
			m.State = MarkWrong
		case keyed:
			m.State = MarkMissed
		}
		out[i] = m
	}
	return out
}

// comparePart marks one part whose answer is a value (a step's action, a
// target's option, a drop-down's choice).
func comparePart(label, given, key string) Mark {
	m := Mark{Label: label, Given: given, Key: key}
	switch {
	case given == "":
		m.State = MarkMissed
	case given == key:
		m.State = MarkRight
	default:
		m.State = MarkWrong
	}
	return m
}

// lettered names a choice by its letter and text, as the page lists it.
func lettered(cs []certlab.Choice) func(id string) string {
	at := map[string]int{}
	for i, c := range cs {
		at[c.ID] = i
	}
	return func(id string) string {
		if id == "" {
			return ""
		}
		i, ok := at[id]
		if !ok {
			return id
		}
		return Letter(i) + ". " + cs[i].Text
	}
}

// CodeSpan writes s as a Markdown code span whatever backticks it holds,
// so a literal value (a drop-down's choice) reads as written.
func CodeSpan(s string) string {
	if s == "" {
		return ""
	}
	run, longest := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// savedString decodes a saved string response, tolerating anything else.
func savedString(saved json.RawMessage) string {
	var s string
	_ = json.Unmarshal(saved, &s)
	return s
}

// yesNo words a saved yes/no answer; "" when there is none.
func yesNo(saved json.RawMessage) string {
	var b *bool
	if json.Unmarshal(saved, &b) != nil || b == nil {
		return ""
	}
	if *b {
		return "Yes"
	}
	return "No"
}

func (single) Compare(v *View, given, key json.RawMessage) []Mark {
	var g []string
	if s := savedString(given); s != "" {
		g = []string{s}
	}
	return compareChoices(v.Options, g, []string{savedString(key)})
}

func (multiple) Compare(v *View, given, key json.RawMessage) []Mark {
	return compareChoices(v.Options, savedList(given), savedList(key))
}

func (hotArea) Compare(v *View, given, key json.RawMessage) []Mark {
	cs := make([]certlab.Choice, len(v.Areas))
	for i, a := range v.Areas {
		cs[i] = certlab.Choice{ID: a.ID, Text: a.Text}
		if a.Line > 0 {
			cs[i].Text = fmt.Sprintf("line %d: %s", a.Line, a.Text)
		}
	}
	return compareChoices(cs, savedList(given), savedList(key))
}

func (ordering) Compare(v *View, given, key json.RawMessage) []Mark {
	name := lettered(v.Options)
	g, k := savedList(given), savedList(key)
	var out []Mark
	for i := 0; i < max(len(g), len(k)); i++ {
		var gi, ki string
		if i < len(g) {
			gi = g[i]
		}
		if i < len(k) {
			ki = k[i]
		}
		m := comparePart(fmt.Sprintf("Step %d", i+1), name(gi), name(ki))
		if ki == "" {
			m.Key = "(no step: fewer steps are needed)"
		}
		out = append(out, m)
	}
	return out
}

func (matching) Compare(v *View, given, key json.RawMessage) []Mark {
	name := lettered(v.Options)
	g, k := savedMap(given), savedMap(key)
	out := make([]Mark, 0, len(v.Targets))
	for _, t := range v.Targets {
		out = append(out, comparePart(t.Text, name(g[t.ID]), name(k[t.ID])))
	}
	return out
}

func (activeScreen) Compare(v *View, given, key json.RawMessage) []Mark {
	g, k := savedMap(given), savedMap(key)
	out := make([]Mark, 0, len(v.Blanks))
	for i, b := range v.Blanks {
		out = append(out, comparePart(fmt.Sprintf("Drop-down %d (%s)", i+1, b.ID), CodeSpan(g[b.ID]), CodeSpan(k[b.ID])))
	}
	return out
}

func (yesNoSeries) Compare(_ *View, given, key json.RawMessage) []Mark {
	return []Mark{comparePart("Does the solution meet the goal?", yesNo(given), yesNo(key))}
}
