package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/certlab/certlab"
)

type programData struct {
	Program *certlab.Program
	Paths   []pathView
}

type pathView struct {
	Path     *certlab.Path
	Modules  []moduleRow
	Progress pathProgress
}

// moduleRow is a module in a path's list, with its reading time and the
// candidate's progress.
type moduleRow struct {
	*certlab.Module
	ReadMinutes int
	Progress    moduleProgress
}

type moduleData struct {
	Program     *certlab.Program
	Module      *certlab.Module
	Body        template.HTML
	Path        *certlab.Path
	Prev        *certlab.Module
	Next        *certlab.Module
	ReadMinutes int
	Words       int
	Progress    moduleProgress
	// Practice is the exam whose practice sets cover the module's
	// objectives; Domains are their skill areas.
	Practice *certlab.Exam
}

func findModule(p *certlab.Program, id string) *certlab.Module {
	for _, m := range p.Modules {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// program shows a program's exams (with practice and exam start forms) and
// its learning paths.
func (h *Handler) program(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	p, err := h.cfg.Catalog.Program(r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := programData{Program: p}
	src, err := h.newProgressSource(r.Context(), u, p.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, path := range p.Paths {
		pv := pathView{Path: path}
		for _, id := range path.Modules {
			m := findModule(p, id)
			if m == nil {
				continue
			}
			mp, err := src.module(m, path.ExamID)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			pv.Modules = append(pv.Modules, moduleRow{Module: m, ReadMinutes: h.readMinutes(m), Progress: mp})
			pv.Progress.Modules++
			if mp.Read {
				pv.Progress.Read++
			}
			if mp.Practiced {
				pv.Progress.Practiced++
			}
			if mp.Mastered {
				pv.Progress.Mastered++
			}
		}
		d.Paths = append(d.Paths, pv)
	}
	h.render(w, r, http.StatusOK, "program", page{Title: p.Name, Data: d})
}

// module renders one lesson's Markdown, with links along its path.
func (h *Handler) module(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	p, err := h.cfg.Catalog.Program(r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m := findModule(p, r.PathValue("module"))
	if m == nil {
		h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "program %s has no module %q", p.ID, r.PathValue("module")))
		return
	}
	d := moduleData{Program: p, Module: m, Body: h.markdown.HTML(m.Body), ReadMinutes: h.readMinutes(m), Words: len(strings.Fields(h.markdown.Plain(m.Body)))}
	for _, path := range p.Paths {
		for i, id := range path.Modules {
			if id != m.ID {
				continue
			}
			d.Path = path
			if i > 0 {
				d.Prev = findModule(p, path.Modules[i-1])
			}
			if i+1 < len(path.Modules) {
				d.Next = findModule(p, path.Modules[i+1])
			}
		}
		if d.Path != nil {
			break
		}
	}
	src, err := h.newProgressSource(r.Context(), u, p.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	examID := ""
	if d.Path != nil {
		examID = d.Path.ExamID
		if ex, err := h.cfg.Catalog.Exam(examID); err == nil {
			d.Practice = ex
		}
	}
	if d.Progress, err = src.module(m, examID); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "module", page{Title: m.Title, Data: d})
}

// readMinutes is a module's reading time, computed from its text once.
func (h *Handler) readMinutes(m *certlab.Module) int {
	if v, ok := h.readTimes.Load(m); ok {
		return v.(int)
	}
	n := h.markdown.readingMinutes(m.Body)
	h.readTimes.Store(m, n)
	return n
}
