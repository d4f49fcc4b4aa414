package certlab

import (
	"strconv"
	"time"
)

// Catalog is every program pack that is loaded: the built-in ones and those
// read from a folder. It is read-only after loading.
type Catalog struct {
	Programs []*Program
	Exams    map[string]*Exam // by exam id, over all programs
}

// Program returns the program with the given id.
func (c *Catalog) Program(id string) (*Program, error) {
	for _, p := range c.Programs {
		if p.ID == id {
			return p, nil
		}
	}
	return nil, Errorf(ENOTFOUND, "program %q not found", id)
}

// Exam returns the exam with the given id.
func (c *Catalog) Exam(id string) (*Exam, error) {
	if e, ok := c.Exams[id]; ok {
		return e, nil
	}
	return nil, Errorf(ENOTFOUND, "exam %q not found", id)
}

// Program is a credential and everything needed to earn it: its exams,
// their items and case studies, and learning paths.
type Program struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	Description  string       `json:"description"`
	Issuer       string       `json:"issuer"`
	Level        string       `json:"level"`
	Requirements *Requirement `json:"requirements"`
	Validity     Duration     `json:"validity"`
	Renewal      *Renewal     `json:"renewal,omitempty"`
	Exams        []*Exam      `json:"exams"`
	Paths        []*Path      `json:"paths,omitempty"`
	Modules      []*Module    `json:"-"`
	Dir          string       `json:"-"` // where the pack was loaded from, for messages
	// Badge is the program's own badge artwork (an accessible, inert SVG
	// the pack names); nil means the server draws one from the metadata.
	Badge []byte `json:"-"`
}

// Requirement is an any/all expression over exams to pass and credentials to
// hold. Exactly one of its fields is set.
type Requirement struct {
	Exam       string         `json:"exam,omitempty"`
	Credential string         `json:"credential,omitempty"`
	All        []*Requirement `json:"all,omitempty"`
	Any        []*Requirement `json:"any,omitempty"`
}

// Satisfied reports whether the requirement holds for a candidate who passed
// the given exams and holds the given credentials.
func (r *Requirement) Satisfied(passed, held map[string]bool) bool {
	switch {
	case r == nil:
		return true
	case r.Exam != "":
		return passed[r.Exam]
	case r.Credential != "":
		return held[r.Credential]
	case len(r.All) > 0:
		for _, s := range r.All {
			if !s.Satisfied(passed, held) {
				return false
			}
		}
		return true
	default:
		for _, s := range r.Any {
			if s.Satisfied(passed, held) {
				return true
			}
		}
		return false
	}
}

// Renewal describes the free renewal assessment of a credential.
type Renewal struct {
	OpensBefore             Duration `json:"opens_before"`
	Items                   int      `json:"items"`
	TimeLimit               Duration `json:"time_limit"`
	RetakeWaitAfterFailures int      `json:"retake_wait_after_failures"`
	RetakeWait              Duration `json:"retake_wait"`
}

// Exam is one exam of a program: its blueprint outlines and its policy.
type Exam struct {
	ID          string     `json:"id"`
	ProgramID   string     `json:"program"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Outlines    []*Outline `json:"outlines"`
	Policy      Policy     `json:"policy"`
	// Delivery is how the exam is sat: proctored (a credential exam, from
	// the secure exam pool, started from a checked-in appointment) or
	// unproctored (a practice exam from the practice pool that earns
	// nothing).
	Delivery string `json:"delivery"`
	// Bank names the exam whose outlines, items and case studies this one
	// shares (a practice exam of a credential exam); "" for its own.
	Bank  string  `json:"bank,omitempty"`
	Items []*Item `json:"-"`
	Cases []*Case `json:"-"`
	File  string  `json:"-"` // source file, for messages
}

// Delivery modes of an exam.
const (
	DeliveryProctored   = "proctored"
	DeliveryUnproctored = "unproctored"
)

// FormPool is the pool the exam's forms are assembled from: the secure
// exam pool for a proctored exam, the practice pool otherwise.
func (e *Exam) FormPool() string {
	if e.Delivery == DeliveryUnproctored {
		return PoolPractice
	}
	return PoolExam
}

// Proctored reports whether passing the exam counts toward credentials.
func (e *Exam) Proctored() bool { return e.Delivery != DeliveryUnproctored }

// Current returns the outline forms are built from.
func (e *Exam) Current() *Outline {
	for _, o := range e.Outlines {
		if o.Current {
			return o
		}
	}
	return e.Outlines[0]
}

// Item returns the item with the given id.
func (e *Exam) Item(id string) (*Item, bool) {
	for _, it := range e.Items {
		if it.ID == id {
			return it, true
		}
	}
	return nil, false
}

// Case returns the case study with the given id.
func (e *Exam) Case(id string) (*Case, bool) {
	for _, c := range e.Cases {
		if c.ID == id {
			return c, true
		}
	}
	return nil, false
}

// Outline is one version of an exam's blueprint.
type Outline struct {
	Version string    `json:"version"`
	Current bool      `json:"current"`
	Title   string    `json:"title,omitempty"`
	Domains []*Domain `json:"domains"`
}

// Domain returns the domain that holds the objective with the given id.
func (o *Outline) Domain(objective string) (*Domain, bool) {
	for _, d := range o.Domains {
		for _, ob := range d.Objectives {
			if ob.ID == objective {
				return d, true
			}
		}
	}
	return nil, false
}

// Domain is a skill area of an outline with its weight range in percent.
type Domain struct {
	ID         string       `json:"id"`
	Name       string       `json:"name"`
	WeightMin  int          `json:"weight_min"`
	WeightMax  int          `json:"weight_max"`
	Objectives []*Objective `json:"objectives"`
}

// Objective is one skill of a domain.
type Objective struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Section kinds of an exam policy.
const (
	SectionGeneral     = "general"
	SectionCaseStudy   = "case-study"
	SectionYesNoSeries = "yes-no-series"
	SectionLab         = "lab"
)

// Policy is how an exam is delivered and scored.
type Policy struct {
	Items        int             `json:"items"`
	PilotItems   int             `json:"pilot_items"`
	TimeLimit    Duration        `json:"time_limit"`
	PassingScore int             `json:"passing_score"`
	Scaling      string          `json:"scaling"`
	CutPercent   float64         `json:"cut_percent"` // raw scaling: percent of points that maps to the passing score
	Sections     []PolicySection `json:"sections"`
	Retake       RetakePolicy    `json:"retake"`
}

// PolicySection is one section rule of a policy.
type PolicySection struct {
	Kind  string `json:"kind"`
	Count int    `json:"count,omitempty"`
	// TimeLimit gives the section its own time (a lab section), timed from
	// when it opens; sections without one share the exam's time limit.
	TimeLimit Duration `json:"time_limit,omitzero"`
}

// RetakePolicy says when a failed exam may be taken again.
type RetakePolicy struct {
	AfterFirstFailure Duration `json:"after_first_failure"`
	BetweenLater      Duration `json:"between_later"`
	MaxIn12Months     int      `json:"max_in_12_months"`
}

// Item types.
const (
	TypeSingle       = "single"
	TypeMultiple     = "multiple"
	TypeOrdering     = "ordering"
	TypeMatching     = "matching"
	TypeHotArea      = "hotarea"
	TypeActiveScreen = "activescreen"
	TypeYesNoSeries  = "yesno-series"
	TypeLab          = "lab"
)

// Item pools: every item, case study and lab belongs to one.
const (
	// PoolExam is the secure pool credential exams are assembled from: its
	// items, keys and explanations never leave the server outside a sitting.
	PoolExam = "exam"
	// PoolPractice is the pool practice, study, readiness, renewal and
	// unproctored practice exams draw from.
	PoolPractice = "practice"
)

// Item is one question of the bank, with its answer key. Items never reach a
// candidate as they are: the exam package turns them into key-free views.
type Item struct {
	ID          string              `json:"id"`
	Type        string              `json:"type"`
	ExamID      string              `json:"exam"`
	Objectives  map[string][]string `json:"objectives"` // outline version -> objective ids
	Difficulty  int                 `json:"difficulty"`
	CaseID      string              `json:"case,omitempty"`
	Pilot       bool                `json:"pilot,omitempty"`
	Pool        string              `json:"pool"`
	Verified    string              `json:"verified"` // YYYY-MM-DD: facts last checked against the references
	Stem        string              `json:"stem"`
	Exhibit     string              `json:"exhibit,omitempty"`
	Explanation string              `json:"explanation"`
	References  []string            `json:"references"`
	Options     []Choice            `json:"options,omitempty"`
	Targets     []Choice            `json:"targets,omitempty"`
	Areas       []Area              `json:"areas,omitempty"`
	Blanks      []Blank             `json:"blanks,omitempty"`
	Statements  []Statement         `json:"statements,omitempty"`
	Choose      int                 `json:"choose,omitempty"`
	Reuse       bool                `json:"reuse,omitempty"`
	Lab         string              `json:"lab,omitempty"`
	Points      int                 `json:"points,omitempty"`

	// The answer key, by type: Key (single), Keys (multiple, ordering,
	// hotarea), KeyMap (matching: target -> option; activescreen: blank -> text).
	Key    string            `json:"-"`
	Keys   []string          `json:"-"`
	KeyMap map[string]string `json:"-"`

	// Shuffle lets choices be shown in a per-attempt order (default; an
	// item opts out with shuffle: false, e.g. for "None of these").
	Shuffle bool `json:"-"`
	// Rationale is each option's own explanation (why right, why wrong),
	// by option or area id.
	Rationale map[string]string `json:"-"`
	// Silence maps a lint warning's id to the author's reason it does not
	// apply to this item.
	Silence map[string]string `json:"-"`

	// IRT parameters once calibrated (A == 0 means not calibrated).
	A, B, C float64 `json:"-"`

	File string `json:"-"` // source file, for messages
}

// Objective returns the item's first objective in the given outline version.
func (it *Item) Objective(version string) string {
	if obs := it.Objectives[version]; len(obs) > 0 {
		return obs[0]
	}
	return ""
}

// Choice is an option or a target of an item.
type Choice struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Area is a selectable region of a hot-area exhibit.
type Area struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	Line int    `json:"line,omitempty"`
}

// Blank is a drop-down inside an active-screen exhibit.
type Blank struct {
	ID      string   `json:"id"`
	Options []string `json:"options"`
}

// Statement is one question of a yes/no series.
type Statement struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	Answer      bool   `json:"-"`
	Explanation string `json:"-"`
}

// Case is a case study: a scenario in exhibit tabs shared by several items.
type Case struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Pool     string    `json:"-"`
	Exhibits []Exhibit `json:"exhibits"`
	File     string    `json:"-"`
}

// Exhibit is one titled tab of a case study.
type Exhibit struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// Path is a learning path: ordered modules for one domain.
type Path struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	ExamID      string   `json:"exam"`
	Domain      string   `json:"domain"`
	Modules     []string `json:"modules"`
}

// Module is a short lesson.
type Module struct {
	ID         string              `json:"id"`
	Title      string              `json:"title"`
	Minutes    int                 `json:"minutes"`
	Objectives map[string][]string `json:"objectives"`
	References []string            `json:"references"`
	Body       string              `json:"body"`
	File       string              `json:"-"`
}

// Duration is a time.Duration that reads and writes as text such as "100m"
// or "365d".
type Duration struct{ time.Duration }

// MarshalText writes the duration in the largest whole unit of d, h or m.
func (d Duration) MarshalText() ([]byte, error) {
	switch {
	case d.Duration == 0:
		return []byte("0"), nil
	case d.Duration%(24*time.Hour) == 0:
		return []byte(strconv.FormatInt(int64(d.Duration/(24*time.Hour)), 10) + "d"), nil
	case d.Duration%time.Hour == 0:
		return []byte(strconv.FormatInt(int64(d.Duration/time.Hour), 10) + "h"), nil
	default:
		return []byte(d.Duration.String()), nil
	}
}

// UnmarshalText reads a Go duration, with "d" (24h days) allowed as unit.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// ParseDuration parses a Go duration string, also accepting a whole number
// of days such as "365d".
func ParseDuration(s string) (time.Duration, error) {
	if n := len(s); n > 1 && s[n-1] == 'd' {
		var days int64
		for _, c := range s[:n-1] {
			if c < '0' || c > '9' {
				return 0, Errorf(EINVALID, "invalid duration %q", s)
			}
			days = days*10 + int64(c-'0')
			if days > 1e6 {
				return 0, Errorf(EINVALID, "duration %q is too long", s)
			}
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, Errorf(EINVALID, "invalid duration %q (use for example 90m, 24h or 365d)", s)
	}
	return v, nil
}
