package web

import (
	"html/template"
	"net/http"

	"github.com/certlab/certlab"
)

type programData struct {
	Program *certlab.Program
	Paths   []pathView
}

type pathView struct {
	Path    *certlab.Path
	Modules []*certlab.Module
}

type moduleData struct {
	Program *certlab.Program
	Module  *certlab.Module
	Body    template.HTML
	Path    *certlab.Path
	Prev    *certlab.Module
	Next    *certlab.Module
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
	for _, path := range p.Paths {
		pv := pathView{Path: path}
		for _, id := range path.Modules {
			if m := findModule(p, id); m != nil {
				pv.Modules = append(pv.Modules, m)
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
	d := moduleData{Program: p, Module: m, Body: h.markdown.HTML(m.Body)}
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
	h.render(w, r, http.StatusOK, "module", page{Title: m.Title, Data: d})
}
