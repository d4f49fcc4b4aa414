package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
)

// responseFromForm reads the answer to one question from posted form
// values, as the JSON value the engine's DecodeResponse checks: "answer"
// for single and yes/no ("yes" or "no"), repeated "answer" for multiple and
// hot area, "order.N" per position for ordering, "match.<target>" for
// matching and "blank.<id>" for active screen. An unanswered question is
// null. The shape is checked here; the ids are checked by the engine.
func responseFromForm(it *exam.ItemView, f url.Values) (json.RawMessage, error) {
	var v any
	switch it.Type {
	case certlab.TypeSingle:
		if s := f.Get("answer"); s != "" {
			v = s
		}
	case certlab.TypeMultiple, certlab.TypeHotArea:
		var ids []string
		for _, s := range f["answer"] {
			if s != "" {
				ids = append(ids, s)
			}
		}
		if len(ids) > 0 {
			v = ids
		}
	case certlab.TypeOrdering:
		var ids []string
		for i := range it.Options {
			if s := f.Get("order." + strconv.Itoa(i)); s != "" {
				ids = append(ids, s)
			}
		}
		if len(ids) > 0 {
			v = ids
		}
	case certlab.TypeMatching, certlab.TypeActiveScreen:
		prefix, names := "match.", it.Targets
		if it.Type == certlab.TypeActiveScreen {
			prefix, names = "blank.", nil
			for _, b := range it.Blanks {
				names = append(names, certlab.Choice{ID: b.ID})
			}
		}
		m := map[string]string{}
		for _, t := range names {
			if s := f.Get(prefix + t.ID); s != "" {
				m[t.ID] = s
			}
		}
		if len(m) > 0 {
			v = m
		}
	case certlab.TypeYesNoSeries:
		switch f.Get("answer") {
		case "":
		case "yes":
			v = true
		case "no":
			v = false
		default:
			return nil, certlab.Errorf(certlab.EINVALID, "answer to %s must be yes or no, not %q", it.ID, f.Get("answer"))
		}
	default:
		return nil, certlab.Errorf(certlab.EINVALID, "%s questions (%s) are not answered in a form", it.Type, it.ID)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode answer to %s: %w", it.ID, err)
	}
	return b, nil
}

// questionUI is a question prepared for its template: the markup of each
// item type with the saved answer filled in.
type questionUI struct {
	Type      string
	Stem      template.HTML
	Exhibit   template.HTML // Markdown exhibit of types that do not work inside it
	Before    template.HTML // hot area and active screen: prose around the code block
	After     template.HTML
	Options   []choiceUI // single, multiple
	Choose    int
	Selects   []selectUI // ordering positions, matching targets
	Listed    []choiceUI // ordering and matching: the options in full, lettered
	Lines     []lineUI   // hot area: the exhibit's lines, some of them checkable
	Free      []choiceUI // hot area: areas without a line
	Screen    template.HTML
	Statement string
	YesNo     string // "yes", "no" or ""
}

type choiceUI struct {
	ID      string
	Text    string
	Checked bool
}

type selectUI struct {
	Name    string
	Label   string
	Options []choiceUI
}

type lineUI struct {
	Text string
	Area *choiceUI
}

// lettered prefixes options with A, B, C… in the order shown, so long
// texts can be listed in full once and picked by letter in the drop-downs.
func lettered(opts []certlab.Choice) []choiceUI {
	out := make([]choiceUI, len(opts))
	for i, o := range opts {
		letter := string(rune('A' + i%26))
		if i >= 26 {
			letter += strconv.Itoa(i / 26)
		}
		out[i] = choiceUI{ID: o.ID, Text: letter + ". " + o.Text}
	}
	return out
}

// fence finds the first fenced code block of an exhibit: the text before
// it, its lines, and the text after it. Without a block, all lines count.
func fence(exhibit string) (before string, lines []string, after string) {
	all := strings.Split(strings.ReplaceAll(exhibit, "\r\n", "\n"), "\n")
	start := -1
	for i, l := range all {
		t := strings.TrimSpace(l)
		if start < 0 && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")) {
			start = i
			continue
		}
		if start >= 0 && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")) {
			return strings.Join(all[:start], "\n"), all[start+1 : i], strings.Join(all[i+1:], "\n")
		}
	}
	if start >= 0 {
		return strings.Join(all[:start], "\n"), all[start+1:], ""
	}
	return "", strings.Split(strings.TrimRight(exhibit, "\n"), "\n"), ""
}

var blankRef = regexp.MustCompile(`\[\[([A-Za-z0-9_.-]+)\]\]`)

// buildQuestion prepares an item view and its saved value for the page.
func (h *Handler) buildQuestion(q *exam.QuestionView, saved json.RawMessage) questionUI {
	it := &q.Item
	ui := questionUI{Type: it.Type, Stem: h.markdown.HTML(it.Stem), Choose: it.Choose, Statement: q.Statement}
	var str string
	var list []string
	var obj map[string]string
	var yes *bool
	if len(saved) > 0 {
		_ = json.Unmarshal(saved, &str)
		_ = json.Unmarshal(saved, &list)
		_ = json.Unmarshal(saved, &obj)
		_ = json.Unmarshal(saved, &yes)
	}
	has := func(id string) bool {
		for _, x := range list {
			if x == id {
				return true
			}
		}
		return false
	}
	switch it.Type {
	case certlab.TypeSingle, certlab.TypeMultiple:
		for _, o := range it.Options {
			ui.Options = append(ui.Options, choiceUI{ID: o.ID, Text: o.Text, Checked: o.ID == str || has(o.ID)})
		}
	case certlab.TypeOrdering:
		ui.Listed = lettered(it.Options)
		for i := range it.Options {
			s := selectUI{Name: "order." + strconv.Itoa(i), Label: fmt.Sprintf("Step %d", i+1)}
			for _, o := range ui.Listed {
				s.Options = append(s.Options, choiceUI{ID: o.ID, Text: o.Text, Checked: i < len(list) && list[i] == o.ID})
			}
			ui.Selects = append(ui.Selects, s)
		}
	case certlab.TypeMatching:
		ui.Listed = lettered(it.Options)
		for _, t := range it.Targets {
			s := selectUI{Name: "match." + t.ID, Label: t.Text}
			for _, o := range ui.Listed {
				s.Options = append(s.Options, choiceUI{ID: o.ID, Text: o.Text, Checked: obj[t.ID] == o.ID})
			}
			ui.Selects = append(ui.Selects, s)
		}
	case certlab.TypeHotArea:
		lined := false
		for _, a := range it.Areas {
			lined = lined || a.Line > 0
		}
		if !lined {
			// The areas are named, not placed: show the exhibit as it is
			// written and the areas as check boxes below it.
			ui.Exhibit = h.markdown.HTML(it.Exhibit)
			for _, a := range it.Areas {
				ui.Free = append(ui.Free, choiceUI{ID: a.ID, Text: a.Text, Checked: has(a.ID)})
			}
			break
		}
		before, lines, after := fence(it.Exhibit)
		ui.Before, ui.After = h.markdown.HTML(before), h.markdown.HTML(after)
		for _, l := range lines {
			ui.Lines = append(ui.Lines, lineUI{Text: l})
		}
		for _, a := range it.Areas {
			c := &choiceUI{ID: a.ID, Text: a.Text, Checked: has(a.ID)}
			if a.Line >= 1 && a.Line <= len(ui.Lines) && ui.Lines[a.Line-1].Area == nil {
				ui.Lines[a.Line-1].Area = c
			} else {
				ui.Free = append(ui.Free, *c)
			}
		}
	case certlab.TypeActiveScreen:
		before, lines, after := fence(it.Exhibit)
		ui.Before, ui.After = h.markdown.HTML(before), h.markdown.HTML(after)
		ui.Screen = activeScreen(lines, it.Blanks, obj)
	case certlab.TypeYesNoSeries:
		if yes != nil {
			ui.YesNo = map[bool]string{true: "yes", false: "no"}[*yes]
		}
		ui.Exhibit = h.markdown.HTML(it.Exhibit)
	}
	if it.Type != certlab.TypeHotArea && it.Type != certlab.TypeActiveScreen && it.Type != certlab.TypeYesNoSeries && it.Exhibit != "" {
		ui.Exhibit = h.markdown.HTML(it.Exhibit)
	}
	return ui
}

// activeScreen renders exhibit lines as preformatted text with a labelled
// select in place of every [[blank]]. All text is escaped here.
func activeScreen(lines []string, blanks []certlab.Blank, saved map[string]string) template.HTML {
	byID := map[string]certlab.Blank{}
	for _, b := range blanks {
		byID[b.ID] = b
	}
	var b strings.Builder
	n := 0
	for i, l := range lines {
		if i > 0 {
			b.WriteString("\n")
		}
		last := 0
		for _, m := range blankRef.FindAllStringSubmatchIndex(l, -1) {
			b.WriteString(template.HTMLEscapeString(l[last:m[0]]))
			last = m[1]
			id := l[m[2]:m[3]]
			bl, ok := byID[id]
			if !ok {
				b.WriteString(template.HTMLEscapeString(l[m[0]:m[1]]))
				continue
			}
			n++
			fmt.Fprintf(&b, `<select name="blank.%s" aria-label="Drop-down %d (%s)"><option value="">choose…</option>`,
				template.HTMLEscapeString(id), n, template.HTMLEscapeString(id))
			for _, o := range bl.Options {
				sel := ""
				if saved[id] == o {
					sel = " selected"
				}
				fmt.Fprintf(&b, `<option value="%s"%s>%s</option>`, template.HTMLEscapeString(o), sel, template.HTMLEscapeString(o))
			}
			b.WriteString(`</select>`)
		}
		b.WriteString(template.HTMLEscapeString(l[last:]))
	}
	return template.HTML(b.String())
}

// describeKey turns a practice answer key into words: option texts rather
// than ids.
func describeKey(it *exam.ItemView, key json.RawMessage) []string {
	text := map[string]string{}
	for _, o := range it.Options {
		text[o.ID] = o.Text
	}
	for _, a := range it.Areas {
		text[a.ID] = a.Text
	}
	name := func(id string) string {
		if t, ok := text[id]; ok {
			return t
		}
		return id
	}
	var out []string
	switch it.Type {
	case certlab.TypeSingle:
		var s string
		_ = json.Unmarshal(key, &s)
		out = append(out, name(s))
	case certlab.TypeMultiple, certlab.TypeHotArea:
		var l []string
		_ = json.Unmarshal(key, &l)
		for _, s := range l {
			out = append(out, name(s))
		}
	case certlab.TypeOrdering:
		var l []string
		_ = json.Unmarshal(key, &l)
		for i, s := range l {
			out = append(out, fmt.Sprintf("%d. %s", i+1, name(s)))
		}
	case certlab.TypeMatching:
		var m map[string]string
		_ = json.Unmarshal(key, &m)
		for _, t := range it.Targets {
			out = append(out, t.Text+": "+name(m[t.ID]))
		}
	case certlab.TypeActiveScreen:
		var m map[string]string
		_ = json.Unmarshal(key, &m)
		for _, b := range it.Blanks {
			out = append(out, b.ID+": "+m[b.ID])
		}
	case certlab.TypeYesNoSeries:
		var y bool
		_ = json.Unmarshal(key, &y)
		out = append(out, map[bool]string{true: "Yes", false: "No"}[y])
	}
	return out
}
