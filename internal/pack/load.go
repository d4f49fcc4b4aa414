package pack

import (
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/certlab/certlab"
)

// Load reads every pack under fsys: either fsys itself is a pack (it has a
// program.yaml) or each of its sub-folders with a program.yaml is one. root
// is the name shown for fsys in diagnostics ("content", a folder path).
// Files with errors are left out and reported; everything else is loaded,
// so one bad item never hides the rest of a pack.
func Load(fsys fs.FS, root string) (*certlab.Catalog, Diagnostics) {
	l := &loader{fsys: fsys, root: root, retired: map[string][]retiredTerm{}}
	cat := &certlab.Catalog{Exams: map[string]*certlab.Exam{}}
	var dirs []string
	if _, err := fs.Stat(fsys, "program.yaml"); err == nil {
		dirs = []string{"."}
	} else {
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			l.diags = append(l.diags, Diagnostic{File: root, Message: err.Error()})
		}
		for _, e := range entries {
			if e.IsDir() {
				if _, err := fs.Stat(fsys, path.Join(e.Name(), "program.yaml")); err == nil {
					dirs = append(dirs, e.Name())
				}
			}
		}
		if len(dirs) == 0 && err == nil {
			l.diags = append(l.diags, Diagnostic{File: root, Message: "no program pack here: expected program.yaml, or folders that contain one"})
		}
	}
	programs := map[string]string{}
	for _, dir := range dirs {
		p := l.loadProgram(dir)
		if p == nil {
			continue
		}
		if prev, dup := programs[p.ID]; dup {
			l.diags = append(l.diags, Diagnostic{File: l.display(path.Join(dir, "program.yaml")), Line: 1, Message: "program id " + p.ID + " is already used by " + prev})
			continue
		}
		programs[p.ID] = l.display(dir)
		dupExam := false
		for _, ex := range p.Exams {
			if _, dup := cat.Exams[ex.ID]; dup {
				l.diags = append(l.diags, Diagnostic{File: l.display(path.Join(dir, "exams")), Message: "exam id " + ex.ID + " is used by two packs"})
				dupExam = true
			}
		}
		if dupExam {
			continue
		}
		l.loadRetired(p, dir)
		l.loadCases(p, dir)
		l.loadItems(p, dir)
		linkBanks(p)
		l.loadLearning(p, dir)
		for _, ex := range p.Exams {
			cat.Exams[ex.ID] = ex
			if ex.Bank != "" {
				continue // its bank exam's checks cover the items
			}
			l.checkCases(ex)
			l.checkDuplicates(ex)
			l.checkShares(ex)
		}
		cat.Programs = append(cat.Programs, p)
	}
	sort.Slice(cat.Programs, func(i, j int) bool { return cat.Programs[i].ID < cat.Programs[j].ID })
	for _, ref := range l.credentialRefs {
		if _, ok := programs[ref.id]; !ok {
			l.diags = append(l.diags, Diagnostic{File: ref.file, Line: ref.line, Warning: true,
				Message: "requirement names credential " + ref.id + ", which no loaded pack issues (it can only be declared as earned elsewhere)"})
		}
	}
	l.diags.sort()
	return cat, l.diags
}

type loader struct {
	fsys           fs.FS
	root           string
	diags          Diagnostics
	credentialRefs []credentialRef
	retired        map[string][]retiredTerm // by program id
}

type credentialRef struct {
	file string
	line int
	id   string
}

func (l *loader) display(p string) string {
	if l.root == "" {
		return p
	}
	return path.Join(l.root, p)
}

func (l *loader) reporter(file string, offset int) *reporter {
	return &reporter{diags: &l.diags, file: l.display(file), offset: offset}
}

// markdownFiles lists the .md files below dir, recursively, sorted.
func (l *loader) markdownFiles(dir string) []string {
	var files []string
	_ = fs.WalkDir(l.fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // a missing folder is fine: a pack may have no cases
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	return files
}
