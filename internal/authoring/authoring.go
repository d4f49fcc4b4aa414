// Package authoring is what the author console does: browse and search
// every item, case study, module and lab of the loaded packs in both
// pools, the packs' lint results, flags and retirement of items (kept in
// the database, written to the audit log), and item analysis with IRT
// calibration from the stored results, run in the background with its
// progress. Everything is aggregate: no candidate's identity leaves it.
package authoring

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/audit"
	"github.com/certlab/certlab/internal/lab"
	"github.com/certlab/certlab/internal/pack"
)

// Config holds what the service needs; internal/app wires it.
type Config struct {
	Store certlab.Store
	// Study reads the stored results and writes calibrated parameters.
	Study   certlab.StudyStore
	Catalog *certlab.Catalog
	Audit   *audit.Log
	Now     func() time.Time
	Logger  *slog.Logger
	// Packs is the file system the catalog was loaded from (and root, how
	// it is named in messages): lint and the labs read it.
	Packs func() (fs.FS, string)
}

// Service serves the author console. Create it with New; Close stops
// running calibrations.
type Service struct {
	cfg Config

	lint    func() Lint
	labs    func() *lab.Catalog
	entries func() []*Entry

	mu      sync.Mutex
	running map[string]context.CancelFunc // by exam id
	wg      sync.WaitGroup
	ctx     context.Context
	cancel  context.CancelFunc
}

// New returns the service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Study == nil || cfg.Catalog == nil || cfg.Audit == nil || cfg.Packs == nil {
		return nil, fmt.Errorf("authoring: Store, Study, Catalog, Audit and Packs are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{cfg: cfg, running: map[string]context.CancelFunc{}}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	labsAndDiags := sync.OnceValues(func() (*lab.Catalog, []lab.Diagnostic) { return lab.LoadPacks(cfg.Packs()) })
	s.labs = func() *lab.Catalog { c, _ := labsAndDiags(); return c }
	s.entries = sync.OnceValue(s.buildEntries)
	s.lint = sync.OnceValue(func() Lint {
		fsys, root := cfg.Packs()
		_, diags := pack.Load(fsys, root)
		l := Lint{Diagnostics: []Diagnostic{}}
		for _, d := range diags {
			l.Diagnostics = append(l.Diagnostics, Diagnostic{File: d.File, Line: d.Line, Message: d.Message, Warning: d.Warning})
		}
		_, labDiags := labsAndDiags()
		for _, d := range labDiags {
			l.Diagnostics = append(l.Diagnostics, Diagnostic{File: d.File, Line: d.Line, Message: d.Message})
		}
		for _, d := range l.Diagnostics {
			if d.Warning {
				l.Warnings++
			} else {
				l.Errors++
			}
		}
		return l
	})
	return s, nil
}

// Close cancels running calibrations and waits for them to stop.
func (s *Service) Close() {
	s.cancel()
	s.wg.Wait()
}

// allowed refuses everyone but authors and admins.
func allowed(u *certlab.User) error {
	if u == nil {
		return certlab.Errorf(certlab.EUNAUTHORIZED, "sign in first")
	}
	return certlab.RequireRole(u, certlab.RoleAuthor, certlab.RoleAdmin)
}

// Diagnostic is one lint result: file:line: message.
type Diagnostic struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
	Warning bool   `json:"warning,omitempty"`
}

func (d Diagnostic) String() string {
	kind := ""
	if d.Warning {
		kind = "warning: "
	}
	if d.Line > 0 {
		return fmt.Sprintf("%s:%d: %s%s", d.File, d.Line, kind, d.Message)
	}
	return fmt.Sprintf("%s: %s%s", d.File, kind, d.Message)
}

// Lint is what certlab content lint reports about the loaded packs (the
// pack and lab checks; the exposure simulation stays in the command).
type Lint struct {
	Errors      int          `json:"errors"`
	Warnings    int          `json:"warnings"`
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// Lint returns the lint results of the loaded packs. Packs do not change
// while the server runs, so they are computed once.
func (s *Service) Lint(ctx context.Context, u *certlab.User) (Lint, error) {
	if err := allowed(u); err != nil {
		return Lint{}, err
	}
	return s.lint(), nil
}

// item finds an item of the bank by its exam and id.
func (s *Service) item(ref certlab.ItemRef) (*certlab.Item, error) {
	ex, err := s.cfg.Catalog.Exam(ref.ExamID)
	if err != nil {
		return nil, err
	}
	if it, ok := ex.Item(ref.ItemID); ok && it.ExamID == ref.ExamID {
		return it, nil
	}
	return nil, certlab.Errorf(certlab.ENOTFOUND, "exam %s has no item %q", ref.ExamID, ref.ItemID)
}

// ItemTarget names an item in the audit log: "item:az-400/d3-yaml-001".
func ItemTarget(ref certlab.ItemRef) string { return "item:" + ref.ExamID + "/" + ref.ItemID }

// maxNote bounds flag notes and reasons.
const maxNote = 2000

func cleanNote(what, s string, required bool) (string, error) {
	s = strings.TrimSpace(s)
	if required && s == "" {
		return "", certlab.Errorf(certlab.EINVALID, "%s is required", what)
	}
	if len(s) > maxNote {
		return "", certlab.Errorf(certlab.EINVALID, "%s is %d characters long; at most %d", what, len(s), maxNote)
	}
	return s, nil
}

// Flag sets (with a note saying what is wrong) or clears an item's flag.
func (s *Service) Flag(ctx context.Context, u *certlab.User, ref certlab.ItemRef, flagged bool, note string) (*certlab.ItemStatus, error) {
	if err := allowed(u); err != nil {
		return nil, err
	}
	if _, err := s.item(ref); err != nil {
		return nil, err
	}
	note, err := cleanNote("a note saying what is wrong with the item", note, flagged)
	if err != nil {
		return nil, err
	}
	st, err := s.cfg.Store.FlagItem(ctx, ref, flagged, note, u.ID, s.cfg.Now().UTC())
	if err != nil {
		return nil, err
	}
	action, detail := "item.flag", note
	if !flagged {
		action, detail = "item.unflag", "flag cleared"
		if note != "" {
			detail = note
		}
	}
	if err := s.cfg.Audit.Record(ctx, u, action, ItemTarget(ref), "%s", detail); err != nil {
		return nil, err
	}
	return st, nil
}

// Retire takes an item out of new forms (retired true) or puts it back,
// with the reason; attempts that hold it are unchanged.
func (s *Service) Retire(ctx context.Context, u *certlab.User, ref certlab.ItemRef, retired bool, reason string) (*certlab.ItemStatus, error) {
	if err := allowed(u); err != nil {
		return nil, err
	}
	if _, err := s.item(ref); err != nil {
		return nil, err
	}
	reason, err := cleanNote("a reason", reason, true)
	if err != nil {
		return nil, err
	}
	st, err := s.cfg.Store.RetireItem(ctx, ref, retired, reason, u.ID, s.cfg.Now().UTC())
	if err != nil {
		return nil, err
	}
	action := "item.retire"
	if !retired {
		action = "item.reinstate"
	}
	if err := s.cfg.Audit.Record(ctx, u, action, ItemTarget(ref), "%s", reason); err != nil {
		return nil, err
	}
	return st, nil
}
