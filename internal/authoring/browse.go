package authoring

import (
	"context"
	"path"
	"sort"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/lab"
)

// Entry is one thing of the bank in a list: an item, a case study, a
// module or a lab.
type Entry struct {
	Kind      string `json:"kind"`
	ID        string `json:"id"`
	ProgramID string `json:"program"`
	Pack      string `json:"pack"`           // the pack's folder
	ExamID    string `json:"exam,omitempty"` // items, cases and paths' exam of modules
	Pool      string `json:"pool,omitempty"` // modules are in no pool
	Type      string `json:"type,omitempty"` // item type
	Title     string `json:"title"`
	// Objectives are the entry's objective ids in its exam's current
	// outline (the first is the primary one).
	Objectives []string            `json:"objectives,omitempty"`
	Pilot      bool                `json:"pilot,omitempty"`
	File       string              `json:"file"`
	Status     *certlab.ItemStatus `json:"status,omitempty"`

	text string // lowercased id, title and body, for word search
}

// Ref is the item reference of an item entry.
func (e *Entry) Ref() certlab.ItemRef { return certlab.ItemRef{ExamID: e.ExamID, ItemID: e.ID} }

// Flagged and Retired read the item's status.
func (e *Entry) Flagged() bool { return e.Status != nil && e.Status.Flagged }
func (e *Entry) Retired() bool { return e.Status != nil && e.Status.Retired }

// Page is one page of a browse result.
type Page struct {
	Query   Query    `json:"query"`
	Total   int      `json:"total"`
	Page    int      `json:"page"`
	Pages   int      `json:"pages"`
	Entries []*Entry `json:"entries"`
}

// PageSize is how many entries a page lists.
const PageSize = 50

// Browse lists the entries that match the query, page by page (from 1),
// in the order of kind, pack and id.
func (s *Service) Browse(ctx context.Context, u *certlab.User, q Query, page int) (*Page, error) {
	if err := allowed(u); err != nil {
		return nil, err
	}
	statuses, err := s.cfg.Store.ItemStatuses(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, e := range s.entries() {
		if e.Kind == KindItem {
			e2 := *e
			e2.Status = statuses[e.Ref()]
			e = &e2
		}
		if q.matches(e) {
			out = append(out, e)
		}
	}
	if page < 1 {
		page = 1
	}
	p := &Page{Query: q, Total: len(out), Page: page, Pages: (len(out) + PageSize - 1) / PageSize}
	if lo := (page - 1) * PageSize; lo < len(out) {
		p.Entries = out[lo:min(lo+PageSize, len(out))]
	}
	if p.Entries == nil {
		p.Entries = []*Entry{}
	}
	return p, nil
}

func (q Query) matches(e *Entry) bool {
	switch {
	case q.Kind != "" && e.Kind != q.Kind,
		q.Pack != "" && e.Pack != q.Pack && e.ProgramID != q.Pack,
		q.Exam != "" && e.ExamID != q.Exam,
		q.Pool != "" && e.Pool != q.Pool,
		q.Type != "" && e.Type != q.Type,
		q.Objective != "" && !contains(e.Objectives, q.Objective),
		q.Flagged && !e.Flagged(),
		q.Retired && !e.Retired(),
		q.Pilot && !e.Pilot:
		return false
	}
	for _, w := range q.Words {
		if !strings.Contains(e.text, w) {
			return false
		}
	}
	return true
}

// buildEntries lists every entry of the catalog and the labs, sorted. The
// content does not change while the server runs, so New computes it once
// (s.entries); Browse adds the statuses.
func (s *Service) buildEntries() []*Entry {
	var out []*Entry
	for _, p := range s.cfg.Catalog.Programs {
		packName := path.Base(p.Dir)
		for _, ex := range p.Exams {
			if ex.Bank != "" {
				continue // its items and cases are those of the bank's exam
			}
			o := ex.Current()
			for _, it := range ex.Items {
				out = append(out, &Entry{Kind: KindItem, ID: it.ID, ProgramID: p.ID, Pack: packName, ExamID: it.ExamID, Pool: it.Pool, Type: it.Type,
					Title: firstLine(it.Stem), Objectives: it.Objectives[o.Version], Pilot: it.Pilot, File: it.File,
					text: strings.ToLower(it.ID + "\n" + it.Stem + "\n" + it.Exhibit + "\n" + it.Explanation + "\n" + choicesText(it))})
			}
			for _, c := range ex.Cases {
				body := c.Title
				for _, x := range c.Exhibits {
					body += "\n" + x.Title + "\n" + x.Body
				}
				out = append(out, &Entry{Kind: KindCase, ID: c.ID, ProgramID: p.ID, Pack: packName, ExamID: ex.ID, Pool: c.Pool, Title: c.Title, File: c.File,
					text: strings.ToLower(c.ID + "\n" + body)})
			}
		}
		for _, m := range p.Modules {
			e := &Entry{Kind: KindModule, ID: m.ID, ProgramID: p.ID, Pack: packName, Title: m.Title, File: m.File,
				text: strings.ToLower(m.ID + "\n" + m.Title + "\n" + m.Body)}
			if ex := moduleExam(p, m.ID); ex != nil {
				e.ExamID = ex.ID
				e.Objectives = m.Objectives[ex.Current().Version]
			}
			out = append(out, e)
		}
	}
	if labs := s.labs(); labs != nil {
		for _, l := range labs.List() {
			e := &Entry{Kind: KindLab, ID: l.ID, ProgramID: labs.Program[l.ID], Pool: l.Pool, Title: l.Title, File: l.File,
				text: strings.ToLower(l.ID + "\n" + l.Title + "\n" + l.Instructions)}
			if p, err := s.cfg.Catalog.Program(e.ProgramID); err == nil {
				e.Pack = path.Base(p.Dir)
				if len(p.Exams) > 0 {
					ex := p.Exams[0]
					e.ExamID = ex.ID
					e.Objectives = l.Objectives[ex.Current().Version]
				}
			}
			out = append(out, e)
		}
	}
	order := map[string]int{KindItem: 0, KindCase: 1, KindModule: 2, KindLab: 3}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Kind != b.Kind {
			return order[a.Kind] < order[b.Kind]
		}
		if a.Pack != b.Pack {
			return a.Pack < b.Pack
		}
		return a.ID < b.ID
	})
	return out
}

// moduleExam is the exam of the first learning path that holds the module.
func moduleExam(p *certlab.Program, id string) *certlab.Exam {
	for _, pa := range p.Paths {
		if contains(pa.Modules, id) {
			for _, ex := range p.Exams {
				if ex.ID == pa.ExamID {
					return ex
				}
			}
		}
	}
	return nil
}

func choicesText(it *certlab.Item) string {
	var b strings.Builder
	for _, c := range it.Options {
		b.WriteString(c.Text + "\n")
	}
	for _, c := range it.Targets {
		b.WriteString(c.Text + "\n")
	}
	for _, st := range it.Statements {
		b.WriteString(st.Text + "\n")
	}
	return b.String()
}

// firstLine is the first non-empty line of Markdown, shortened for a list.
func firstLine(md string) string {
	for _, l := range strings.Split(md, "\n") {
		if l = strings.TrimSpace(strings.TrimLeft(l, "#>*- ")); l != "" {
			if r := []rune(l); len(r) > 140 {
				return string(r[:139]) + "…"
			}
			return l
		}
	}
	return ""
}

// Facets are the values the console's filter menus offer.
type Facets struct {
	Packs      []string `json:"packs"`
	Exams      []string `json:"exams"`
	Types      []string `json:"types"`
	Objectives []string `json:"objectives"`
}

// Facets lists the packs, exams, item types and objectives of the bank.
func (s *Service) Facets(ctx context.Context, u *certlab.User) (*Facets, error) {
	if err := allowed(u); err != nil {
		return nil, err
	}
	packs, exams, types, objs := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, e := range s.entries() {
		packs[e.Pack] = true
		if e.ExamID != "" {
			exams[e.ExamID] = true
		}
		if e.Type != "" {
			types[e.Type] = true
		}
		for _, o := range e.Objectives {
			objs[o] = true
		}
	}
	keys := func(m map[string]bool) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			if k != "" && k != "." {
				out = append(out, k)
			}
		}
		sort.Strings(out)
		return out
	}
	return &Facets{Packs: keys(packs), Exams: keys(exams), Types: keys(types), Objectives: keys(objs)}, nil
}

// Item returns an item of the bank with its status, for the preview.
func (s *Service) Item(ctx context.Context, u *certlab.User, ref certlab.ItemRef) (*certlab.Item, *certlab.ItemStatus, error) {
	if err := allowed(u); err != nil {
		return nil, nil, err
	}
	it, err := s.item(ref)
	if err != nil {
		return nil, nil, err
	}
	statuses, err := s.cfg.Store.ItemStatuses(ctx)
	if err != nil {
		return nil, nil, err
	}
	st := statuses[ref]
	if st == nil {
		st = &certlab.ItemStatus{ExamID: ref.ExamID, ItemID: ref.ItemID}
	}
	return it, st, nil
}

// Case returns a case study with its questions, in id order.
func (s *Service) Case(ctx context.Context, u *certlab.User, examID, id string) (*certlab.Case, []*certlab.Item, error) {
	if err := allowed(u); err != nil {
		return nil, nil, err
	}
	ex, err := s.cfg.Catalog.Exam(examID)
	if err != nil {
		return nil, nil, err
	}
	c, ok := ex.Case(id)
	if !ok {
		return nil, nil, certlab.Errorf(certlab.ENOTFOUND, "exam %s has no case study %q", examID, id)
	}
	var items []*certlab.Item
	for _, it := range ex.Items {
		if it.CaseID == id {
			items = append(items, it)
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].ID < items[j].ID })
	return c, items, nil
}

// Module returns a module of a program.
func (s *Service) Module(ctx context.Context, u *certlab.User, programID, id string) (*certlab.Program, *certlab.Module, error) {
	if err := allowed(u); err != nil {
		return nil, nil, err
	}
	p, err := s.cfg.Catalog.Program(programID)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range p.Modules {
		if m.ID == id {
			return p, m, nil
		}
	}
	return nil, nil, certlab.Errorf(certlab.ENOTFOUND, "program %s has no module %q", programID, id)
}

// Lab returns a lab.
func (s *Service) Lab(ctx context.Context, u *certlab.User, id string) (*lab.Lab, error) {
	if err := allowed(u); err != nil {
		return nil, err
	}
	labs := s.labs()
	if labs == nil {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "lab %q not found", id)
	}
	return labs.Lab(id)
}
