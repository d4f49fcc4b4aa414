package pack

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/certlab/certlab"
	"go.yaml.in/yaml/v3"
)

type itemFile struct {
	ID          string              `yaml:"id"`
	Type        string              `yaml:"type"`
	Exam        string              `yaml:"exam"`
	Objectives  map[string][]string `yaml:"objectives"`
	Difficulty  int                 `yaml:"difficulty"`
	Case        string              `yaml:"case"`
	Pilot       bool                `yaml:"pilot"`
	Options     []certlab.Choice    `yaml:"options"`
	Answer      yaml.Node           `yaml:"answer"`
	Choose      int                 `yaml:"choose"`
	Targets     []certlab.Choice    `yaml:"targets"`
	Reuse       bool                `yaml:"reuse"`
	Areas       []certlab.Area      `yaml:"areas"`
	Blanks      []certlab.Blank     `yaml:"blanks"`
	Statements  []statementFile     `yaml:"statements"`
	Lab         string              `yaml:"lab"`
	Points      int                 `yaml:"points"`
	References  []string            `yaml:"references"`
	Explanation string              `yaml:"explanation"`
}

type statementFile struct {
	ID          string `yaml:"id"`
	Text        string `yaml:"text"`
	Answer      string `yaml:"answer"`
	Explanation string `yaml:"explanation"`
}

var placeholderRE = regexp.MustCompile(`\[\[([a-z0-9][a-z0-9._-]*)\]\]`)

// loadItems reads every item of the pack and attaches it to its exam.
func (l *loader) loadItems(p *certlab.Program, dir string) {
	seen := map[string]string{}
	for _, file := range l.markdownFiles(path.Join(dir, "items")) {
		it := l.loadItem(p, file)
		if it == nil {
			continue
		}
		if prev, dup := seen[it.ID]; dup {
			r := l.reporter(file, 1)
			r.errorf(2, "item id %q is already used by %s", it.ID, prev)
			continue
		}
		seen[it.ID] = it.File
		for _, ex := range p.Exams {
			if ex.ID == it.ExamID {
				ex.Items = append(ex.Items, it)
			}
		}
	}
}

// loadItem parses and checks one item file; it returns nil if the item has
// any error.
func (l *loader) loadItem(p *certlab.Program, file string) *certlab.Item {
	r := l.reporter(file, 1)
	var f itemFile
	root, body, bodyLine, ok := l.readMarkdown(r, file, &f)
	if !ok {
		return nil
	}
	it := &certlab.Item{
		ID: f.ID, Type: f.Type, ExamID: f.Exam, Objectives: f.Objectives, Difficulty: f.Difficulty,
		CaseID: f.Case, Pilot: f.Pilot, References: f.References, Options: f.Options, Targets: f.Targets,
		Areas: f.Areas, Blanks: f.Blanks, Choose: f.Choose, Reuse: f.Reuse, Lab: f.Lab, Points: f.Points,
		File: l.display(file),
	}
	at := func(keys ...string) int { return line(r, root, keys...) }

	if !idRE.MatchString(it.ID) {
		r.errorf(at("id"), "item id %q must be lowercase letters, digits, '-' and '.'", it.ID)
	}
	if base := strings.TrimSuffix(path.Base(file), ".md"); it.ID != "" && base != it.ID {
		r.warnf(at("id"), "item id %q differs from the file name %q", it.ID, base)
	}

	// Body: stem, optional exhibit, explanation.
	lead, secs := splitSections(string(body), bodyLine)
	it.Stem = lead
	for _, s := range secs {
		switch strings.ToLower(s.Title) {
		case "exhibit":
			it.Exhibit = s.Body
		case "explanation":
			it.Explanation = s.Body
		default:
			r.errorf(s.Line, "unknown section %q (items have only ## Exhibit and ## Explanation)", s.Title)
		}
	}
	if f.Explanation != "" {
		if it.Explanation != "" {
			r.errorf(at("explanation"), "explanation given both in front matter and as a ## Explanation section")
		}
		it.Explanation = strings.TrimSpace(f.Explanation)
	}
	if it.Stem == "" {
		r.errorf(bodyLine, "the stem (the text after the front matter) is empty")
	}
	if it.Explanation == "" && it.Type != certlab.TypeLab {
		r.errorf(bodyLine, "explanation is missing: add a ## Explanation section")
	}

	// Exam and objectives.
	var exam *certlab.Exam
	if it.ExamID == "" && len(p.Exams) == 1 {
		it.ExamID = p.Exams[0].ID
	}
	for _, ex := range p.Exams {
		if ex.ID == it.ExamID {
			exam = ex
		}
	}
	if exam == nil {
		r.errorf(at("exam"), "item names no exam of this pack (exam %q)", it.ExamID)
	} else {
		l.checkObjectives(r, root, exam, it.Objectives)
		if it.CaseID != "" {
			if _, ok := exam.Case(it.CaseID); !ok {
				r.errorf(at("case"), "case study %q is not defined in cases/", it.CaseID)
			}
		}
	}
	if it.Difficulty < 1 || it.Difficulty > 5 {
		r.errorf(at("difficulty"), "difficulty must be 1 to 5")
	}
	if n := len(it.References); n < 1 || n > 3 {
		r.errorf(at("references"), "give 1 to 3 references (found %d)", n)
	}
	for i, ref := range it.References {
		if u, err := url.Parse(ref); err != nil || u.Scheme != "https" || u.Host == "" {
			r.errorf(at("references", fmt.Sprint(i)), "reference %q is not an https URL", ref)
		}
	}

	l.checkAnswer(r, root, it, &f)
	if r.errors > 0 {
		return nil
	}
	return it
}

// checkObjectives checks that the item is tagged in every outline of its
// exam, with objectives that exist there.
func (l *loader) checkObjectives(r *reporter, root *yaml.Node, exam *certlab.Exam, obs map[string][]string) {
	versions := make([]string, 0, len(obs))
	for v := range obs {
		versions = append(versions, v)
	}
	sort.Strings(versions)
	for _, o := range exam.Outlines {
		if len(obs[o.Version]) == 0 {
			r.errorf(line(r, root, "objectives"), "no objective for outline %q of exam %s", o.Version, exam.ID)
		}
	}
	for _, v := range versions {
		var outline *certlab.Outline
		for _, o := range exam.Outlines {
			if o.Version == v {
				outline = o
			}
		}
		if outline == nil {
			r.errorf(line(r, root, "objectives", v), "exam %s has no outline %q", exam.ID, v)
			continue
		}
		for i, ob := range obs[v] {
			if _, ok := outline.Domain(ob); !ok {
				r.errorf(line(r, root, "objectives", v, fmt.Sprint(i)), "objective %q is not in outline %q of exam %s", ob, v, exam.ID)
			}
		}
	}
}

// checkChoices checks a list of options or targets and returns their ids.
func checkChoices(r *reporter, root *yaml.Node, key string, cs []certlab.Choice, min int) map[string]bool {
	ids := map[string]bool{}
	if len(cs) < min {
		r.errorf(line(r, root, key), "%s: at least %d needed (found %d)", key, min, len(cs))
	}
	for i, c := range cs {
		at := line(r, root, key, fmt.Sprint(i))
		if c.ID == "" || ids[c.ID] {
			r.errorf(at, "%s: id %q is missing or repeated", key, c.ID)
		}
		if strings.TrimSpace(c.Text) == "" {
			r.errorf(at, "%s: %s has no text", key, c.ID)
		}
		ids[c.ID] = true
	}
	return ids
}

// answerList decodes the answer as a list of strings (a single string is a
// list of one).
func answerList(n *yaml.Node) ([]string, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}, true
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, false
			}
			out = append(out, c.Value)
		}
		return out, true
	}
	return nil, false
}

func answerMap(n *yaml.Node) (map[string]string, []string, bool) {
	if n.Kind != yaml.MappingNode {
		return nil, nil, false
	}
	m := map[string]string{}
	var order []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode {
			return nil, nil, false
		}
		m[k.Value] = v.Value
		order = append(order, k.Value)
	}
	return m, order, true
}

func (l *loader) checkAnswer(r *reporter, root *yaml.Node, it *certlab.Item, f *itemFile) {
	ans := &f.Answer
	ansLine := line(r, root, "answer")
	hasAnswer := ans.Kind != 0
	need := func(keys ...string) {
		for _, k := range keys {
			if child(root, k) == nil {
				r.errorf(ansLine, "%s items need %s", it.Type, k)
			}
		}
	}
	forbid := func(keys ...string) {
		for _, k := range keys {
			if n := child(root, k); n != nil {
				r.errorf(r.at(n), "%s items do not take %s", it.Type, k)
			}
		}
	}
	unique := func(ids []string) bool {
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] {
				r.errorf(ansLine, "answer names %q twice", id)
				return false
			}
			seen[id] = true
		}
		return true
	}
	if !hasAnswer && it.Type != certlab.TypeYesNoSeries && it.Type != certlab.TypeLab {
		r.errorf(line(r, root), "answer is missing")
		return
	}
	switch it.Type {
	case certlab.TypeSingle:
		forbid("targets", "areas", "blanks", "statements", "choose", "reuse", "lab", "points")
		ids := checkChoices(r, root, "options", it.Options, 2)
		if ans.Kind != yaml.ScalarNode {
			r.errorf(ansLine, "single-choice answer must be one option id")
			return
		}
		if !ids[ans.Value] {
			r.errorf(ansLine, "answer %q is not one of the options", ans.Value)
		}
		it.Key = ans.Value
	case certlab.TypeMultiple, certlab.TypeHotArea:
		forbid("targets", "blanks", "statements", "reuse", "lab", "points")
		var ids map[string]bool
		if it.Type == certlab.TypeMultiple {
			forbid("areas")
			ids = checkChoices(r, root, "options", it.Options, 3)
		} else {
			forbid("options")
			var cs []certlab.Choice
			for _, a := range it.Areas {
				cs = append(cs, certlab.Choice{ID: a.ID, Text: a.Text})
			}
			ids = checkChoices(r, root, "areas", cs, 2)
			if it.Exhibit == "" {
				r.errorf(ansLine, "hot-area items need an ## Exhibit section")
			}
			if n := exhibitLines(it.Exhibit); n > 0 {
				for i, a := range it.Areas {
					if a.Line < 0 || a.Line > n {
						r.errorf(line(r, root, "areas", fmt.Sprint(i)), "area %s points at line %d, but the exhibit listing has %d lines", a.ID, a.Line, n)
					}
				}
			}
		}
		keys, ok := answerList(ans)
		if !ok || len(keys) == 0 {
			r.errorf(ansLine, "answer must be a list of ids")
			return
		}
		for _, k := range keys {
			if !ids[k] {
				r.errorf(ansLine, "answer %q is not one of the %s", k, map[bool]string{true: "options", false: "areas"}[it.Type == certlab.TypeMultiple])
			}
		}
		unique(keys)
		if it.Choose == 0 {
			it.Choose = len(keys)
		}
		if it.Choose != len(keys) {
			r.errorf(line(r, root, "choose"), "choose is %d but the answer has %d ids", it.Choose, len(keys))
		}
		if it.Type == certlab.TypeMultiple && len(keys) < 2 {
			r.errorf(ansLine, "a multiple-choice item has at least two correct options (use type: single)")
		}
		if len(keys) >= len(ids) {
			r.errorf(ansLine, "every option is correct: nothing to choose")
		}
		it.Keys = keys
	case certlab.TypeOrdering:
		forbid("targets", "areas", "blanks", "statements", "choose", "reuse", "lab", "points")
		ids := checkChoices(r, root, "options", it.Options, 3)
		keys, ok := answerList(ans)
		if !ok || len(keys) < 2 {
			r.errorf(ansLine, "ordering answer must list at least two option ids in order")
			return
		}
		for _, k := range keys {
			if !ids[k] {
				r.errorf(ansLine, "answer %q is not one of the options", k)
			}
		}
		unique(keys)
		it.Keys = keys
	case certlab.TypeMatching:
		forbid("areas", "blanks", "statements", "choose", "lab", "points")
		ids := checkChoices(r, root, "options", it.Options, 2)
		tids := checkChoices(r, root, "targets", it.Targets, 2)
		m, _, ok := answerMap(ans)
		if !ok {
			r.errorf(ansLine, "matching answer must map each target id to an option id")
			return
		}
		used := map[string]bool{}
		for _, t := range it.Targets {
			v, ok := m[t.ID]
			if !ok {
				r.errorf(ansLine, "answer gives no option for target %q", t.ID)
				continue
			}
			if !ids[v] {
				r.errorf(ansLine, "answer for target %q, %q, is not one of the options", t.ID, v)
			}
			if used[v] && !it.Reuse {
				r.errorf(ansLine, "option %q is used for two targets: set reuse: true if that is intended", v)
			}
			used[v] = true
		}
		for k := range m {
			if !tids[k] {
				r.errorf(ansLine, "answer names %q, which is not a target", k)
			}
		}
		it.KeyMap = m
	case certlab.TypeActiveScreen:
		forbid("options", "targets", "areas", "statements", "choose", "reuse", "lab", "points")
		if len(it.Blanks) == 0 {
			r.errorf(line(r, root, "blanks"), "active-screen items need blanks")
		}
		if it.Exhibit == "" {
			r.errorf(ansLine, "active-screen items need an ## Exhibit section with [[blank]] placeholders")
		}
		placed := map[string]bool{}
		for _, m := range placeholderRE.FindAllStringSubmatch(it.Exhibit, -1) {
			placed[m[1]] = true
		}
		m, _, ok := answerMap(ans)
		if !ok {
			r.errorf(ansLine, "active-screen answer must map each blank id to one of its options")
			return
		}
		bids := map[string]bool{}
		for i, b := range it.Blanks {
			at := line(r, root, "blanks", fmt.Sprint(i))
			if b.ID == "" || bids[b.ID] {
				r.errorf(at, "blank id %q is missing or repeated", b.ID)
			}
			bids[b.ID] = true
			if len(b.Options) < 2 {
				r.errorf(at, "blank %s needs at least two options", b.ID)
			}
			if !placed[b.ID] {
				r.errorf(at, "blank %s is not placed in the exhibit as [[%s]]", b.ID, b.ID)
			}
			v, ok := m[b.ID]
			if !ok {
				r.errorf(ansLine, "answer gives nothing for blank %q", b.ID)
				continue
			}
			found := false
			for _, o := range b.Options {
				found = found || o == v
			}
			if !found {
				r.errorf(ansLine, "answer for blank %q, %q, is not one of its options", b.ID, v)
			}
		}
		for id := range placed {
			if !bids[id] {
				r.errorf(ansLine, "the exhibit has a placeholder [[%s]] with no blank", id)
			}
		}
		for k := range m {
			if !bids[k] {
				r.errorf(ansLine, "answer names %q, which is not a blank", k)
			}
		}
		it.KeyMap = m
	case certlab.TypeYesNoSeries:
		forbid("options", "targets", "areas", "blanks", "choose", "reuse", "answer", "lab", "points")
		if len(f.Statements) < 2 {
			r.errorf(line(r, root, "statements"), "a yes/no series needs at least two statements")
		}
		ids := map[string]bool{}
		for i, s := range f.Statements {
			at := line(r, root, "statements", fmt.Sprint(i))
			if !idRE.MatchString(s.ID) || ids[s.ID] {
				r.errorf(at, "statement id %q is missing, malformed or repeated", s.ID)
			}
			ids[s.ID] = true
			if strings.TrimSpace(s.Text) == "" {
				r.errorf(at, "statement %s has no text", s.ID)
			}
			var yes bool
			switch strings.ToLower(s.Answer) {
			case "yes", "true":
				yes = true
			case "no", "false":
			default:
				r.errorf(line(r, root, "statements", fmt.Sprint(i), "answer"), "statement %s: answer must be yes or no", s.ID)
			}
			if strings.TrimSpace(s.Explanation) == "" {
				r.errorf(at, "statement %s has no explanation", s.ID)
			}
			it.Statements = append(it.Statements, certlab.Statement{ID: s.ID, Text: s.Text, Answer: yes, Explanation: s.Explanation})
		}
	case certlab.TypeLab:
		forbid("options", "targets", "areas", "blanks", "statements", "choose", "reuse", "answer")
		need("lab")
		if it.Points <= 0 {
			it.Points = 1
		}
	default:
		r.errorf(line(r, root, "type"), "type %q must be one of %s", it.Type, strings.Join(certlab.ItemTypes, ", "))
	}
}

// exhibitLines counts the lines of an exhibit's listing: inside its first
// fenced code block, else the whole exhibit (the numbering of area lines).
func exhibitLines(exhibit string) int {
	lines := strings.Split(exhibit, "\n")
	start, end := -1, len(lines)
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			if start < 0 {
				start = i
			} else {
				end = i
				break
			}
		}
	}
	if start < 0 {
		return len(lines)
	}
	return end - start - 1
}
