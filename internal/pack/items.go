package pack

import (
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/item"
	"go.yaml.in/yaml/v3"
)

// itemFile holds the front-matter fields every item takes; the fields of
// its kind are read by the kind itself (internal/item).
type itemFile struct {
	ID          string              `yaml:"id"`
	Type        string              `yaml:"type"`
	Exam        string              `yaml:"exam"`
	Objectives  map[string][]string `yaml:"objectives"`
	Difficulty  int                 `yaml:"difficulty"`
	Case        string              `yaml:"case"`
	Pilot       bool                `yaml:"pilot"`
	Pool        string              `yaml:"pool"`
	Verified    string              `yaml:"verified"`
	References  []string            `yaml:"references"`
	Explanation string              `yaml:"explanation"`
	Shuffle     *bool               `yaml:"shuffle"`
	Silence     map[string]string   `yaml:"silence"`
}

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
	root, body, bodyLine, ok := l.readMarkdownLoose(r, file, &f)
	if !ok {
		return nil
	}
	it := &certlab.Item{
		ID: f.ID, Type: f.Type, ExamID: f.Exam, Objectives: f.Objectives, Difficulty: f.Difficulty,
		CaseID: f.Case, Pilot: f.Pilot, Pool: f.Pool, Verified: f.Verified, References: f.References,
		Shuffle: f.Shuffle == nil || *f.Shuffle, Silence: f.Silence, File: l.display(file),
	}
	at := func(keys ...string) int { return line(r, root, keys...) }

	if !idRE.MatchString(it.ID) {
		r.errorf(at("id"), "item id %q must be lowercase letters, digits, '-' and '.'", it.ID)
	}
	if base := strings.TrimSuffix(path.Base(file), ".md"); it.ID != "" && base != it.ID {
		r.warnf(at("id"), "item id %q differs from the file name %q", it.ID, base)
	}
	kind, known := item.Lookup(it.Type)
	if !known {
		r.errorf(at("type"), "type %q must be one of %s", it.Type, strings.Join(item.Names(), ", "))
	} else {
		l.checkFields(r, root, kind)
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
	if strings.TrimSpace(it.Stem) == "" {
		r.errorf(bodyLine, "the stem (the text after the front matter) is empty")
	}
	if it.Explanation == "" && known && item.NeedsExplanation(kind) {
		r.errorf(bodyLine, "explanation is missing: add a ## Explanation section")
	}

	// Exam and objectives.
	var exam *certlab.Exam
	if it.ExamID == "" {
		it.ExamID = ownBankExam(p)
	}
	for _, ex := range p.Exams {
		if ex.ID == it.ExamID {
			exam = ex
		}
	}
	if exam != nil && exam.Bank != "" {
		r.errorf(at("exam"), "exam %s shares the bank of exam %s: put the item in %s", exam.ID, exam.Bank, exam.Bank)
		exam = nil
	} else if exam == nil {
		r.errorf(at("exam"), "item names no exam of this pack (exam %q)", it.ExamID)
	}
	if exam != nil {
		l.checkObjectives(r, root, exam, it.Objectives)
		if it.CaseID != "" {
			c, ok := exam.Case(it.CaseID)
			switch {
			case !ok:
				r.errorf(at("case"), "case study %q is not defined in cases/", it.CaseID)
			case it.Pool == "":
				it.Pool = c.Pool
			case c.Pool != "" && it.Pool != c.Pool:
				r.errorf(at("pool"), "item is in the %s pool but its case study %s is in the %s pool", it.Pool, c.ID, c.Pool)
			}
		}
	}
	checkPool(r, at("pool"), it.Pool)
	checkVerified(r, at("verified"), it.Verified)
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
	for id, reason := range it.Silence {
		if strings.TrimSpace(reason) == "" {
			r.errorf(at("silence", id), "silence %s: give the reason the warning does not apply", id)
		}
	}

	if known {
		src := item.NewSource(root, r.offset, it.Silence, func(line int, warning bool, msg string) {
			if warning {
				r.warnf(line, "%s", msg)
			} else {
				r.errorf(line, "%s", msg)
			}
		})
		kind.Load(src, it)
		l.checkRetired(r, p, it)
	}
	if r.errors > 0 {
		return nil
	}
	return it
}

// checkFields refuses front-matter keys that neither every item nor the
// item's kind takes.
func (l *loader) checkFields(r *reporter, root *yaml.Node, kind item.Kind) {
	allowed := map[string]bool{}
	for _, k := range item.CommonFields {
		allowed[k] = true
	}
	for _, k := range kind.Fields() {
		allowed[k] = true
	}
	if root == nil || root.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if !allowed[k.Value] {
			r.errorf(r.at(k), "%s items do not take %s (their own keys: %s)", kind.Name(), k.Value, strings.Join(kind.Fields(), ", "))
		}
	}
}

// checkPool checks a pool name.
func checkPool(r *reporter, line int, pool string) {
	switch pool {
	case certlab.PoolExam, certlab.PoolPractice:
	case "":
		r.errorf(line, "pool is missing: exam (the secure pool credential exams draw from) or practice")
	default:
		r.errorf(line, "pool %q must be exam or practice", pool)
	}
}

// checkVerified checks the date an item's facts were last checked.
func checkVerified(r *reporter, line int, verified string) {
	if verified == "" {
		r.warnf(line, "verified is missing: give the day (YYYY-MM-DD) the facts were last checked against the references")
		return
	}
	if _, err := time.Parse(time.DateOnly, verified); err != nil {
		r.errorf(line, "verified %q is not a date (YYYY-MM-DD)", verified)
	}
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
