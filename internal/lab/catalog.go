package lab

import (
	"fmt"
	"io/fs"
	"path"
	"sort"

	"github.com/certlab/certlab"
)

// Catalog is every lab of the loaded program packs, by id.
type Catalog struct {
	Labs    map[string]*Lab
	Program map[string]string // lab id -> program id
	ordered []*Lab
}

// List returns the labs sorted by id.
func (c *Catalog) List() []*Lab { return c.ordered }

// Lab returns a lab by id.
func (c *Catalog) Lab(id string) (*Lab, error) {
	if l, ok := c.Labs[id]; ok {
		return l, nil
	}
	return nil, certlab.Errorf(certlab.ENOTFOUND, "lab %q not found", id)
}

// LoadPacks reads the labs of every pack under fsys: each pack folder's
// labs/<id>/lab.yaml (or fsys itself when it is one pack). root is how
// fsys is named in messages. A lab with problems is left out and
// reported.
func LoadPacks(fsys fs.FS, root string) (*Catalog, []Diagnostic) {
	c := &Catalog{Labs: map[string]*Lab{}, Program: map[string]string{}}
	var diags []Diagnostic
	var packs []string
	if _, err := fs.Stat(fsys, "program.yaml"); err == nil {
		packs = []string{"."}
	} else if entries, err := fs.ReadDir(fsys, "."); err == nil {
		for _, e := range entries {
			if _, err := fs.Stat(fsys, path.Join(e.Name(), "program.yaml")); e.IsDir() && err == nil {
				packs = append(packs, e.Name())
			}
		}
	}
	for _, p := range packs {
		program := programID(fsys, p)
		entries, err := fs.ReadDir(fsys, path.Join(p, "labs"))
		if err != nil {
			continue // a pack without labs
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			dir := path.Join(p, "labs", e.Name())
			l, ds := Load(fsys, dir, path.Join(root, dir))
			diags = append(diags, ds...)
			if l == nil || len(ds) > 0 {
				continue
			}
			if prev, dup := c.Labs[l.ID]; dup {
				diags = append(diags, Diagnostic{File: l.File, Line: 1, Message: fmt.Sprintf("lab id %q is already used by %s", l.ID, prev.File)})
				continue
			}
			c.Labs[l.ID] = l
			c.Program[l.ID] = program
		}
	}
	for _, l := range c.Labs {
		c.ordered = append(c.ordered, l)
	}
	sort.Slice(c.ordered, func(i, j int) bool { return c.ordered[i].ID < c.ordered[j].ID })
	return c, diags
}

// programID reads a pack's program id (for grouping labs), or its folder.
func programID(fsys fs.FS, pack string) string {
	b, err := fs.ReadFile(fsys, path.Join(pack, "program.yaml"))
	if err != nil {
		return pack
	}
	for _, line := range splitLines(string(b)) {
		if len(line) > 3 && line[:3] == "id:" {
			return trimQuotes(line[3:])
		}
	}
	return pack
}

// CheckAgainst reports lab objectives that no exam of the lab's program
// defines, and lab items that name a lab that does not exist.
func (c *Catalog) CheckAgainst(cat *certlab.Catalog) []Diagnostic {
	var diags []Diagnostic
	for _, l := range c.ordered {
		p, err := cat.Program(c.Program[l.ID])
		if err != nil {
			continue
		}
		for version, obs := range l.Objectives {
			for _, ob := range obs {
				found := false
				for _, ex := range p.Exams {
					for _, o := range ex.Outlines {
						if _, ok := o.Domain(ob); ok && o.Version == version {
							found = true
						}
					}
				}
				if !found {
					diags = append(diags, Diagnostic{File: l.File, Message: fmt.Sprintf("objective %q is not in outline %q of program %s", ob, version, p.ID)})
				}
			}
		}
	}
	for _, ex := range cat.Exams {
		for _, it := range ex.Items {
			if it.Lab == "" {
				continue
			}
			l, ok := c.Labs[it.Lab]
			if !ok {
				diags = append(diags, Diagnostic{File: it.File, Line: 2, Message: fmt.Sprintf("item names lab %q, which no pack defines", it.Lab)})
				continue
			}
			if l.Pool != it.Pool {
				// An exam lab in a practice item would be shown outside a
				// sitting; a practice lab in an exam form is public.
				diags = append(diags, Diagnostic{File: it.File, Line: 2, Message: fmt.Sprintf("item of the %s pool names lab %s of the %s pool: they must be in the same pool", it.Pool, l.ID, l.Pool)})
			}
		}
	}
	return diags
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func trimQuotes(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '"' || s[0] == '\'') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '"' || s[len(s)-1] == '\'' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}
