package pack

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/certlab/certlab"
)

type pathFile struct {
	ID          string   `yaml:"id"`
	Title       string   `yaml:"title"`
	Description string   `yaml:"description"`
	Domain      string   `yaml:"domain"`
	Exam        string   `yaml:"exam"`
	Modules     []string `yaml:"modules"`
}

type moduleFile struct {
	ID         string              `yaml:"id"`
	Title      string              `yaml:"title"`
	Minutes    int                 `yaml:"minutes"`
	Objectives map[string][]string `yaml:"objectives"`
	References []string            `yaml:"references"`
}

// loadLearning reads learn/modules/*.md and learn/paths.yaml.
func (l *loader) loadLearning(p *certlab.Program, dir string) {
	modules := map[string]bool{}
	for _, file := range l.markdownFiles(path.Join(dir, "learn", "modules")) {
		r := l.reporter(file, 1)
		var f moduleFile
		root, body, bodyLine, ok := l.readMarkdown(r, file, &f)
		if !ok {
			continue
		}
		m := &certlab.Module{ID: f.ID, Title: f.Title, Minutes: f.Minutes, Objectives: f.Objectives,
			References: f.References, Body: strings.TrimSpace(string(body)), File: l.display(file)}
		if !idRE.MatchString(m.ID) || modules[m.ID] {
			r.errorf(line(r, root, "id"), "module id %q is missing, malformed or repeated", m.ID)
		}
		if m.Title == "" {
			r.errorf(line(r, root, "title"), "module title is missing")
		}
		if m.Body == "" {
			r.errorf(bodyLine, "module has no lesson text")
		}
		if m.Minutes <= 0 {
			r.errorf(line(r, root, "minutes"), "minutes must be positive")
		}
		if len(p.Exams) > 0 {
			for v, obs := range m.Objectives {
				for i, ob := range obs {
					if !objectiveInProgram(p, v, ob) {
						r.errorf(line(r, root, "objectives", v, fmt.Sprint(i)), "objective %q is not in any outline %q of this pack", ob, v)
					}
				}
			}
		}
		if len(m.Objectives) == 0 {
			r.errorf(line(r, root, "objectives"), "module covers no objective")
		}
		if r.errors == 0 {
			modules[m.ID] = true
			p.Modules = append(p.Modules, m)
		}
	}

	file := path.Join(dir, "learn", "paths.yaml")
	src, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		if len(p.Modules) > 0 {
			l.reporter(file, 0).warnf(0, "modules exist but there is no learn/paths.yaml to order them")
		}
		return
	}
	r := l.reporter(file, 0)
	var fs []pathFile
	root, ok := decodeStrict(r, src, &fs)
	if !ok {
		return
	}
	for i, f := range fs {
		pn := child(root, fmt.Sprint(i))
		pa := &certlab.Path{ID: f.ID, Title: f.Title, Description: f.Description, Domain: f.Domain, ExamID: f.Exam, Modules: f.Modules}
		if pa.ExamID == "" {
			pa.ExamID = ownBankExam(p)
		}
		bad := r.errors
		if !idRE.MatchString(pa.ID) {
			r.errorf(line(r, pn, "id"), "path id %q must be lowercase letters, digits, '-' and '.'", pa.ID)
		}
		var exam *certlab.Exam
		for _, ex := range p.Exams {
			if ex.ID == pa.ExamID {
				exam = ex
			}
		}
		if exam == nil {
			r.errorf(line(r, pn, "exam"), "path names no exam of this pack (exam %q)", pa.ExamID)
		} else {
			found := false
			for _, d := range exam.Current().Domains {
				found = found || d.ID == pa.Domain
			}
			if !found {
				r.errorf(line(r, pn, "domain"), "domain %q is not in the current outline of exam %s", pa.Domain, exam.ID)
			}
		}
		for j, m := range pa.Modules {
			if !modules[m] {
				r.errorf(line(r, pn, "modules", fmt.Sprint(j)), "module %q does not exist (or has errors)", m)
			}
		}
		if r.errors == bad {
			p.Paths = append(p.Paths, pa)
		}
	}
}

func objectiveInProgram(p *certlab.Program, version, objective string) bool {
	for _, ex := range p.Exams {
		for _, o := range ex.Outlines {
			if o.Version != version {
				continue
			}
			if _, ok := o.Domain(objective); ok {
				return true
			}
		}
	}
	return false
}
