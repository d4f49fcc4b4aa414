package pack

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

// retiredTerm is a feature, option or product name that was retired,
// deprecated or renamed on a date, with what replaces it. A pack lists them
// in retired.yaml; lint reports every item that still uses one.
type retiredTerm struct {
	Term        string `yaml:"term"`
	Match       string `yaml:"match"` // a regular expression; default: the term, case-insensitive
	Since       string `yaml:"since"` // YYYY-MM-DD
	Replacement string `yaml:"replacement"`
	Reference   string `yaml:"reference"`

	re    *regexp.Regexp
	since time.Time
	line  int
}

// loadRetired reads the pack's retired.yaml, if it has one.
func (l *loader) loadRetired(p *certlab.Program, dir string) {
	file := path.Join(dir, "retired.yaml")
	src, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		return // optional
	}
	r := l.reporter(file, 0)
	var terms []retiredTerm
	root, ok := decodeStrict(r, src, &terms)
	if !ok {
		return
	}
	for i := range terms {
		t := &terms[i]
		t.line = line(r, root, fmt.Sprint(i))
		if strings.TrimSpace(t.Term) == "" {
			r.errorf(t.line, "retired term: term is missing")
			continue
		}
		expr := t.Match
		if expr == "" {
			expr = `(?i)\b` + regexp.QuoteMeta(t.Term) + `\b`
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			r.errorf(line(r, root, fmt.Sprint(i), "match"), "retired term %q: match: %v", t.Term, err)
			continue
		}
		t.re = re
		if t.since, err = time.Parse(time.DateOnly, t.Since); err != nil {
			r.errorf(line(r, root, fmt.Sprint(i), "since"), "retired term %q: since %q is not a date (YYYY-MM-DD)", t.Term, t.Since)
			continue
		}
		if strings.TrimSpace(t.Replacement) == "" {
			r.errorf(t.line, "retired term %q: say what replaces it (replacement:)", t.Term)
			continue
		}
		l.retired[p.ID] = append(l.retired[p.ID], *t)
	}
}

// checkRetired warns about an item that uses a term retired before today,
// unless the item silences retired-term with a reason (an item may teach
// that a feature is retired).
func (l *loader) checkRetired(r *reporter, p *certlab.Program, it *certlab.Item) {
	if _, ok := it.Silence["retired-term"]; ok {
		return
	}
	texts := []string{it.Stem, it.Exhibit, it.Explanation}
	for _, o := range it.Options {
		texts = append(texts, o.Text)
	}
	for _, o := range it.Targets {
		texts = append(texts, o.Text)
	}
	for _, a := range it.Areas {
		texts = append(texts, a.Text)
	}
	for _, b := range it.Blanks {
		texts = append(texts, b.Options...)
	}
	for _, s := range it.Statements {
		texts = append(texts, s.Text, s.Explanation)
	}
	for _, w := range it.Rationale {
		texts = append(texts, w)
	}
	all := strings.Join(texts, "\n")
	now := time.Now()
	for _, t := range l.retired[p.ID] {
		if t.since.After(now) || !t.re.MatchString(all) {
			continue
		}
		r.warnf(2, "uses %q, retired or renamed on %s: %s [retired-term]", t.Term, t.Since, t.Replacement)
	}
}
