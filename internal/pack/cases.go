package pack

import (
	"path"
	"strconv"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/item"
)

type caseFile struct {
	ID         string              `yaml:"id"`
	Title      string              `yaml:"title"`
	Exam       string              `yaml:"exam"`
	Objectives map[string][]string `yaml:"objectives"`
	Pool       string              `yaml:"pool"`
}

// loadCases reads the case studies of a pack.
func (l *loader) loadCases(p *certlab.Program, dir string) {
	for _, file := range l.markdownFiles(path.Join(dir, "cases")) {
		r := l.reporter(file, 1)
		var f caseFile
		root, body, bodyLine, ok := l.readMarkdown(r, file, &f)
		if !ok {
			continue
		}
		c := &certlab.Case{ID: f.ID, Title: f.Title, Pool: f.Pool, File: l.display(file)}
		checkPool(r, line(r, root, "pool"), c.Pool)
		if !idRE.MatchString(c.ID) {
			r.errorf(line(r, root, "id"), "case id %q must be lowercase letters, digits, '-' and '.'", c.ID)
		}
		if c.Title == "" {
			r.errorf(line(r, root, "title"), "case title is missing")
		}
		lead, secs := splitSections(string(body), bodyLine)
		if lead != "" {
			c.Exhibits = append(c.Exhibits, certlab.Exhibit{Title: "Overview", Body: lead})
		}
		for _, s := range secs {
			if s.Body == "" {
				r.errorf(s.Line, "exhibit %q is empty", s.Title)
			}
			c.Exhibits = append(c.Exhibits, certlab.Exhibit{Title: s.Title, Body: s.Body})
		}
		if len(c.Exhibits) == 0 {
			r.errorf(bodyLine, "a case study needs exhibits: level-2 sections such as ## Overview")
		}
		examID := f.Exam
		if examID == "" {
			examID = ownBankExam(p)
		}
		var exam *certlab.Exam
		for _, ex := range p.Exams {
			if ex.ID == examID {
				exam = ex
			}
		}
		if exam == nil {
			r.errorf(line(r, root, "exam"), "case names no exam of this pack (exam %q)", examID)
		} else if len(f.Objectives) > 0 {
			l.checkObjectives(r, root, exam, f.Objectives)
		}
		if exam != nil {
			if _, dup := exam.Case(c.ID); dup {
				r.errorf(line(r, root, "id"), "case id %q is used twice", c.ID)
			}
		}
		if r.errors == 0 {
			exam.Cases = append(exam.Cases, c)
		}
	}
}

// checkCases checks that each case study has a usable number of questions.
func (l *loader) checkCases(ex *certlab.Exam) {
	for _, c := range ex.Cases {
		n := 0
		for _, it := range ex.Items {
			if it.CaseID == c.ID {
				n++
				if item.Of(it).Section() != certlab.SectionGeneral {
					l.diags = append(l.diags, Diagnostic{File: it.File, Line: 2, Message: "a " + item.Of(it).Title() + " item cannot be a case-study question"})
				}
			}
		}
		if n < 2 || n > 8 {
			l.diags = append(l.diags, Diagnostic{File: c.File, Line: 2, Warning: n >= 1,
				Message: "case study " + c.ID + " has " + strconv.Itoa(n) + " questions; give it 5 to 8"})
		} else if n < 5 {
			l.diags = append(l.diags, Diagnostic{File: c.File, Line: 2, Warning: true,
				Message: "case study " + c.ID + " has " + strconv.Itoa(n) + " questions; give it 5 to 8"})
		}
	}
}
