package exam

import (
	"context"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/item"
)

// Engine runs attempts: it is the only place that decides what a candidate
// may see and do. The server's clock (Now) is the only clock.
type Engine struct {
	Store   certlab.Store
	Catalog *certlab.Catalog
	Now     func() time.Time
	Logger  *slog.Logger
	// Seed returns the seed of a new form; random when nil.
	Seed func() int64
	// CheckAttempt, when set, may refuse a new attempt (retake policy,
	// renewal window); it runs before a form is assembled.
	CheckAttempt func(ctx context.Context, u *certlab.User, ex *certlab.Exam, mode string) error
	// OnScored, when set, is called after an attempt is scored.
	OnScored func(ctx context.Context, a *certlab.Attempt)
	// Due lists the items due for review today (practice "due": true);
	// nil disables the option.
	Due func(ctx context.Context, userID int64, examID string) ([]string, error)
	// Adaptive chooses the next item of an adaptive practice attempt from
	// the answers so far (key -> fully correct); "" ends the set. Nil
	// disables adaptive practice.
	Adaptive func(ctx context.Context, a *certlab.Attempt, correct map[string]bool) (string, error)
	// Admission decides whether the candidate may start a proctored exam
	// now from the appointment given, and returns the function that binds
	// the new attempt to it (internal/schedule). Without it proctored
	// exams cannot start.
	Admission func(ctx context.Context, u *certlab.User, ex *certlab.Exam, appointmentID int64) (bind func(ctx context.Context, attemptID int64) error, err error)
	// OnStart, when set, is called when a candidate starts an attempt's
	// clock (the audit log records the accepted agreement).
	OnStart func(ctx context.Context, u *certlab.User, a *certlab.Attempt)
	// ScaleIRT rescales a scored exam on the IRT ability scale when the
	// exam's policy says scaling: irt; ok is false while the form's items
	// are not all calibrated, and the raw scale is kept.
	ScaleIRT func(ctx context.Context, ex *certlab.Exam, f *certlab.Form, responses map[string]json.RawMessage) (scaled int, theta float64, ok bool, err error)
}

// PracticeOptions selects the items of a practice set.
type PracticeOptions struct {
	Domains     []string `json:"domains,omitempty"`
	Objectives  []string `json:"objectives,omitempty"`
	Types       []string `json:"types,omitempty"`
	Count       int      `json:"count,omitempty"`
	UnseenOnly  bool     `json:"unseen_only,omitempty"`
	RetryMissed bool     `json:"retry_missed,omitempty"`
	// Due: only items due for review today (FSRS).
	Due bool `json:"due,omitempty"`
	// Adaptive: choose each item by maximum information at the current
	// ability estimate, balanced to the blueprint.
	Adaptive bool `json:"adaptive,omitempty"`
	// Items: only these items.
	Items []string `json:"items,omitempty"`
	// Case: the questions of this case study, shown with its exhibits (a
	// case question is never shown without its case).
	Case string `json:"case,omitempty"`
	// Appointment: for a proctored exam, the admitted appointment the
	// attempt starts from.
	Appointment int64 `json:"appointment,omitempty"`
}

func (e *Engine) now() time.Time { return e.Now().UTC() }

func (e *Engine) seed() int64 {
	if e.Seed != nil {
		return e.Seed()
	}
	return rand.Int64()
}

// canSee reports whether the user may read the attempt: its candidate,
// proctors and admins.
func canSee(u *certlab.User, a *certlab.Attempt) bool {
	return a.UserID == u.ID || u.Role == certlab.RoleAdmin || u.Role == certlab.RoleProctor
}

// CreateAttempt assembles a form for the user: a full exam form, or a
// practice set chosen by opts.
func (e *Engine) CreateAttempt(ctx context.Context, u *certlab.User, examID, mode string, opts PracticeOptions) (*certlab.Attempt, error) {
	ex, err := e.Catalog.Exam(examID)
	if err != nil {
		return nil, err
	}
	if err := e.checkNoOpenExam(ctx, u); err != nil {
		return nil, err
	}
	if e.CheckAttempt != nil {
		if err := e.CheckAttempt(ctx, u, ex, mode); err != nil {
			return nil, err
		}
	}
	var bind func(context.Context, int64) error
	if mode == certlab.ModeExam && ex.Proctored() {
		if e.Admission == nil {
			return nil, certlab.Errorf(certlab.EFORBIDDEN, "%s is a proctored exam and this server has no scheduling: it cannot start", ex.ID)
		}
		if bind, err = e.Admission(ctx, u, ex, opts.Appointment); err != nil {
			return nil, err
		}
	}
	all := ex
	if ex, err = e.withoutRetired(ctx, ex); err != nil {
		return nil, err
	}
	if err := checkNotRetired(ex, all, opts.Items); err != nil {
		return nil, err
	}
	seed := e.seed()
	var form *certlab.Form
	switch mode {
	case certlab.ModeExam:
		form, err = AssembleForm(ex, ex.FormPool(), seed)
	case certlab.ModePractice:
		if opts, err = e.resolvePractice(ctx, u, ex, opts); err != nil {
			return nil, err
		}
		if opts.Adaptive {
			form = adaptiveForm(ex, opts, seed)
			break
		}
		var hist map[string]*certlab.ItemHistory
		if opts.UnseenOnly || opts.RetryMissed {
			if hist, err = e.Store.ItemHistory(ctx, u.ID, ex.ID); err != nil {
				return nil, err
			}
		}
		form, err = PracticeForm(ex, opts, hist, seed)
	case certlab.ModeRenewal:
		form, err = e.renewalForm(ex, seed)
	default:
		return nil, certlab.Errorf(certlab.EINVALID, "mode %q must be exam, practice or renewal", mode)
	}
	if err != nil {
		return nil, err
	}
	a := &certlab.Attempt{UserID: u.ID, ExamID: ex.ID, Mode: mode, Status: certlab.StatusCreated, Seed: seed, Form: form,
		ExtraTimePct: u.ExtraTimePct, CreatedAt: e.now()}
	if err := e.Store.CreateAttempt(ctx, a); err != nil {
		return nil, err
	}
	if bind != nil {
		if err := bind(ctx, a.ID); err != nil {
			// Another request started an attempt from the appointment
			// first: this one is void.
			a.Status, a.SubmitReason = certlab.StatusVoided, "appointment already used"
			if verr := e.Store.UpdateAttempt(ctx, a, certlab.StatusCreated, 0); verr != nil {
				e.Logger.Error("void an attempt whose appointment was taken", "attempt", a.ID, "err", verr)
			}
			return nil, err
		}
	}
	e.Logger.Info("attempt created", "attempt", a.ID, "user", u.ID, "exam", ex.ID, "mode", mode, "questions", len(form.Questions()))
	return a, nil
}

// OpenExamAttempt returns the user's open exam attempt, or nil.
func (e *Engine) OpenExamAttempt(ctx context.Context, userID int64) (*certlab.Attempt, error) {
	as, err := e.Store.Attempts(ctx, certlab.AttemptFilter{UserID: &userID, Mode: certlab.ModeExam, Open: true, Limit: 1})
	if err != nil || len(as) == 0 {
		return nil, err
	}
	return as[0], nil
}

// CheckNoOpenExam refuses study activity (practice, reviews, readiness,
// learning pages) while the user sits an exam.
func (e *Engine) CheckNoOpenExam(ctx context.Context, u *certlab.User) error {
	a, err := e.OpenExamAttempt(ctx, u.ID)
	if err != nil || a == nil {
		return err
	}
	return ErrExamOpen(a)
}

// GuardOpenExam refuses study activity while the user takes an exam:
// everything but the open exam attempt itself (allow) answers EEXAMOPEN.
func (e *Engine) GuardOpenExam(ctx context.Context, u *certlab.User, allow int64) error {
	a, err := e.OpenExamAttempt(ctx, u.ID)
	if err != nil || a == nil || a.ID == allow {
		return err
	}
	return ErrExamOpen(a)
}

// ErrExamOpen is the error of anything refused while attempt a is open.
func ErrExamOpen(a *certlab.Attempt) error {
	return certlab.Errorf(certlab.EEXAMOPEN, "you are taking exam %s (attempt %d): practice, study and other exams wait until you submit it", a.ExamID, a.ID)
}

// checkNoOpenExam refuses a new attempt of any kind while an exam attempt is
// open. The database enforces the same rule for exams with a unique index,
// so two concurrent starts cannot both succeed.
func (e *Engine) checkNoOpenExam(ctx context.Context, u *certlab.User) error {
	return e.CheckNoOpenExam(ctx, u)
}

// PracticeForm picks a practice set: one general section of items that
// match the options, seeded. Pilot items are never used for practice.
func PracticeForm(ex *certlab.Exam, opts PracticeOptions, hist map[string]*certlab.ItemHistory, seed int64) (*certlab.Form, error) {
	o := ex.Current()
	in := func(list []string, v string) bool {
		if len(list) == 0 {
			return true
		}
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	}
	count := opts.Count
	if count <= 0 {
		count = 10
	}
	var pool []*certlab.Item
	for _, it := range ex.Items {
		if it.Pilot || it.Pool != certlab.PoolPractice {
			continue
		}
		if item.Of(it).Section() == certlab.SectionLab && len(opts.Items) == 0 && !slices.Contains(opts.Types, certlab.TypeLab) {
			continue // labs take a while: only when asked for (types: lab, or by id)
		}
		if !in(opts.Domains, domainOf(o, it)) || !in(opts.Objectives, it.Objective(o.Version)) || !in(opts.Types, it.Type) || !in(opts.Items, it.ID) {
			continue
		}
		if opts.Case != "" && it.CaseID != opts.Case {
			continue
		}
		if it.CaseID != "" && opts.Case == "" && len(opts.Items) == 0 {
			continue // a random set leaves case questions to whole-case practice
		}
		h := hist[it.ID]
		if opts.UnseenOnly && h != nil && h.Seen > 0 {
			continue
		}
		if opts.RetryMissed && (h == nil || h.LastCorrect) {
			continue
		}
		pool = append(pool, it)
	}
	if len(pool) == 0 {
		return nil, certlab.Errorf(certlab.EINVALID, "no items match this practice selection")
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x7072616374696365))
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	if len(pool) > count {
		pool = pool[:count]
	}
	if opts.Case != "" {
		if c, ok := ex.Case(opts.Case); !ok || c.Pool != certlab.PoolPractice {
			return nil, certlab.Errorf(certlab.EINVALID, "no practice case study %q", opts.Case)
		}
		sort.Slice(pool, func(i, j int) bool { return pool[i].ID < pool[j].ID })
	}
	// A case-study question is only ever shown with its case: questions of
	// a case go into a section of their own that shows its exhibits.
	sec := &certlab.FormSection{Kind: certlab.SectionGeneral, Title: "Practice"}
	var caseSecs []*certlab.FormSection
	var labSec *certlab.FormSection
	bycase := map[string]*certlab.FormSection{}
	for _, it := range pool {
		target := sec
		if item.Of(it).Section() == certlab.SectionLab {
			if labSec == nil {
				labSec = &certlab.FormSection{Kind: certlab.SectionLab, Title: "Lab"}
			}
			target = labSec
		}
		if it.CaseID != "" {
			if target = bycase[it.CaseID]; target == nil {
				c, _ := ex.Case(it.CaseID)
				target = &certlab.FormSection{Kind: certlab.SectionCaseStudy, Title: "Case study: " + c.Title, CaseID: it.CaseID}
				bycase[it.CaseID] = target
				caseSecs = append(caseSecs, target)
			}
		}
		target.Questions = append(target.Questions, questionsOf(o, it, seed)...)
	}
	var secs []*certlab.FormSection
	if len(sec.Questions) > 0 {
		secs = append(secs, sec)
	}
	secs = append(secs, caseSecs...)
	if labSec != nil {
		secs = append(secs, labSec)
	}
	return &certlab.Form{ExamID: ex.ID, OutlineVersion: o.Version, Seed: seed, Sections: secs}, nil
}

// attempt loads an attempt the user may see, first submitting it if its
// deadline has passed.
func (e *Engine) attempt(ctx context.Context, u *certlab.User, id int64) (*certlab.Attempt, *certlab.Exam, error) {
	a, err := e.Store.Attempt(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !canSee(u, a) {
		return nil, nil, certlab.Errorf(certlab.ENOTFOUND, "attempt %d not found", id)
	}
	ex, err := e.Catalog.Exam(a.ExamID)
	if err != nil {
		return nil, nil, err
	}
	if a, err = e.expire(ctx, a, ex); err != nil {
		return nil, nil, err
	}
	return a, ex, nil
}

// Start starts the clock of a created attempt. An exam starts only once
// the candidate accepts the candidate agreement (Agreement).
func (e *Engine) Start(ctx context.Context, u *certlab.User, id int64, acceptAgreement bool) (*certlab.Attempt, error) {
	a, ex, err := e.attempt(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if a.UserID != u.ID {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "only the candidate starts an attempt")
	}
	if a.Status != certlab.StatusCreated {
		return a, nil // starting twice is harmless: the clock is already running
	}
	if a.Mode == certlab.ModeExam && !acceptAgreement {
		return nil, certlab.Errorf(certlab.EINVALID, "accept the candidate agreement to start the exam (accept_agreement)")
	}
	now := e.now()
	a.Status, a.StartedAt = certlab.StatusStarted, &now
	if a.Mode == certlab.ModeExam || a.Mode == certlab.ModeRenewal {
		deadline := now.Add(accommodated(a, blockLimit(a, ex, 0)))
		a.Deadline = &deadline
	}
	if err := e.Store.UpdateAttempt(ctx, a, certlab.StatusCreated, 0); err != nil {
		return nil, err
	}
	if e.OnStart != nil {
		e.OnStart(ctx, u, a)
	}
	if a.Form.Adaptive > 0 {
		if err := e.appendAdaptive(ctx, a, ex); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// SaveResult is the answer to a response save.
type SaveResult struct {
	Response *certlab.Response `json:"response"`
	Applied  bool              `json:"applied"` // false: a newer save was already stored
	Feedback *Feedback         `json:"feedback,omitempty"`
}

// Feedback is shown right after a practice answer, never in exam mode.
type Feedback struct {
	Points      float64         `json:"points"`
	MaxPoints   float64         `json:"max_points"`
	Correct     bool            `json:"correct"`
	Key         json.RawMessage `json:"key"`
	Explanation string          `json:"explanation"`
	References  []string        `json:"references"`
}

// SaveResponse autosaves one response. Saves are idempotent and ordered by
// seq; a save after the deadline, into a completed section, or to a yes/no
// statement already left behind is refused and changes nothing.
func (e *Engine) SaveResponse(ctx context.Context, u *certlab.User, id int64, key string, seq int64, value json.RawMessage, marked bool) (*SaveResult, error) {
	a, ex, err := e.attempt(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if a.UserID != u.ID {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "only the candidate answers")
	}
	if seq <= 0 {
		return nil, certlab.Errorf(certlab.EINVALID, "seq must be a positive sequence number")
	}
	q, section, ok := a.Form.Question(key)
	if !ok {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "attempt %d has no question %q", id, key)
	}
	it, ok := ex.Item(q.ItemID)
	if !ok {
		return nil, certlab.Errorf(certlab.ECONFLICT, "item %s is no longer in the bank", q.ItemID)
	}
	value, err = item.DecodeResponse(it, q.Statement, value)
	if err != nil {
		return nil, err
	}
	if err := checkOpen(a, section); err != nil {
		return nil, err
	}
	position := -1
	sec := a.Form.Sections[section]
	if a.Mode == certlab.ModeExam && sec.Sequential() {
		idx := indexOf(sec, key)
		if idx < a.Position {
			return nil, certlab.Errorf(certlab.ENOTREVISITABLE, "statement %s was answered and left: yes/no statements cannot be revisited", key)
		}
		if idx > a.Position {
			return nil, certlab.Errorf(certlab.EINVALID, "statement %s is not shown yet: answer the current one and move on", key)
		}
		position = a.Position
	}
	r := &certlab.Response{AttemptID: a.ID, Key: key, Seq: seq, Value: value, Marked: marked, SavedAt: e.now()}
	stored, applied, err := e.Store.SaveResponse(ctx, r, section, position, e.now())
	if certlab.ErrorCode(err) == certlab.ECONFLICT {
		// The attempt moved on between our read and the save: say why.
		if a2, _, err2 := e.attempt(ctx, u, id); err2 == nil {
			if err3 := checkOpen(a2, section); err3 != nil {
				return nil, err3
			}
			if a2.Position != a.Position {
				return nil, certlab.Errorf(certlab.ENOTREVISITABLE, "statement %s cannot be revisited", key)
			}
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	res := &SaveResult{Response: stored, Applied: applied}
	if a.Mode == certlab.ModePractice {
		res.Feedback = feedback(it, q, stored.Value)
		if a.Form.Adaptive > 0 && applied {
			if err := e.appendAdaptive(ctx, a, ex); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}

func feedback(it *certlab.Item, q *certlab.Question, value json.RawMessage) *Feedback {
	f := &Feedback{MaxPoints: item.MaxPoints(it, q.Statement), Points: item.Score(it, q.Statement, value),
		Explanation: it.Explanation, References: it.References, Key: item.AnswerKey(it, q.Statement)}
	f.Correct = f.Points == f.MaxPoints
	for _, s := range it.Statements {
		if s.ID == q.Statement && s.Explanation != "" {
			f.Explanation = s.Explanation + "\n\n" + it.Explanation
		}
	}
	return f
}

func indexOf(s *certlab.FormSection, key string) int {
	for i, q := range s.Questions {
		if q.Key == key {
			return i
		}
	}
	return -1
}

// checkOpen says why a section of the attempt does not take answers.
func checkOpen(a *certlab.Attempt, section int) error {
	switch a.Status {
	case certlab.StatusCreated:
		return certlab.Errorf(certlab.ECONFLICT, "attempt %d is not started", a.ID)
	case certlab.StatusPaused:
		return errPaused(a)
	case certlab.StatusSubmitted, certlab.StatusScored:
		if a.SubmitReason == "deadline" {
			return certlab.Errorf(certlab.EDEADLINE, "time is up: attempt %d was submitted at the deadline", a.ID)
		}
		return certlab.Errorf(certlab.ECONFLICT, "attempt %d is submitted", a.ID)
	}
	if section < a.Section {
		return certlab.Errorf(certlab.ESECTIONCLOSED, "section %d is completed and cannot be reopened", section+1)
	}
	if section > a.Section {
		return certlab.Errorf(certlab.ECONFLICT, "section %d is not open yet: complete section %d first", section+1, a.Section+1)
	}
	return nil
}

// Next moves past the current yes/no statement; it cannot be revisited.
func (e *Engine) Next(ctx context.Context, u *certlab.User, id int64, section int) (*certlab.Attempt, error) {
	a, _, err := e.attempt(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if a.UserID != u.ID {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "only the candidate moves on")
	}
	if err := checkOpen(a, section); err != nil {
		return nil, err
	}
	sec := a.Form.Sections[section]
	if !sec.Sequential() {
		return nil, certlab.Errorf(certlab.EINVALID, "section %d shows all its questions at once", section+1)
	}
	if a.Position >= len(sec.Questions)-1 {
		return nil, certlab.Errorf(certlab.EINVALID, "this is the last statement: complete the section")
	}
	a.Position++
	if err := e.updatePosition(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

func (e *Engine) updatePosition(ctx context.Context, a *certlab.Attempt) error {
	// The store's optimistic check is on status and section; a concurrent
	// Next is harmless (both move forward).
	return e.Store.UpdateAttempt(ctx, a, certlab.StatusStarted, a.Section)
}

// CompleteSection closes the open section; it cannot be reopened.
// Completing the last section submits the attempt.
func (e *Engine) CompleteSection(ctx context.Context, u *certlab.User, id int64, section int) (*certlab.Attempt, error) {
	a, ex, err := e.attempt(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if a.UserID != u.ID {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "only the candidate completes sections")
	}
	if section < 0 || section >= len(a.Form.Sections) {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "attempt %d has no section %d", id, section+1)
	}
	if err := checkOpen(a, section); err != nil {
		return nil, err
	}
	if section == len(a.Form.Sections)-1 {
		return e.finish(ctx, a, ex, "candidate")
	}
	from := a.Section
	a.Section, a.Position = section+1, 0
	if a.Deadline != nil && opensOwnTime(a, a.Section) {
		deadline := e.now().Add(accommodated(a, blockLimit(a, ex, a.Section)))
		a.Deadline = &deadline
	}
	if err := e.Store.UpdateAttempt(ctx, a, certlab.StatusStarted, from); err != nil {
		return nil, err
	}
	return a, nil
}

// Submit ends the attempt at the candidate's request and scores it.
func (e *Engine) Submit(ctx context.Context, u *certlab.User, id int64) (*certlab.Attempt, error) {
	a, ex, err := e.attempt(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if a.UserID != u.ID {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "only the candidate submits")
	}
	switch a.Status {
	case certlab.StatusCreated:
		return nil, certlab.Errorf(certlab.ECONFLICT, "attempt %d is not started", id)
	case certlab.StatusPaused:
		return nil, errPaused(a)
	case certlab.StatusScored, certlab.StatusSubmitted:
		return a, nil // submitting twice is harmless
	}
	return e.finish(ctx, a, ex, "candidate")
}

// finish submits and scores a started attempt. If another request finished
// it first, the stored result wins.
func (e *Engine) finish(ctx context.Context, a *certlab.Attempt, ex *certlab.Exam, reason string) (*certlab.Attempt, error) {
	rs, err := e.Store.Responses(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	values := map[string]json.RawMessage{}
	for _, r := range rs {
		values[r.Key] = r.Value
	}
	from := a.Section
	at := e.now()
	if reason == "deadline" && a.Deadline != nil {
		at = *a.Deadline
	}
	rep := Score(ex, a.Form, values)
	if ex.Policy.Scaling == "irt" && e.ScaleIRT != nil && a.Mode == certlab.ModeExam {
		scaled, theta, ok, err := e.ScaleIRT(ctx, ex, a.Form, values)
		if err != nil {
			return nil, err
		}
		if ok {
			rep.ScaledScore, rep.Passed, rep.Scaling, rep.Theta = scaled, scaled >= ex.Policy.PassingScore, "irt", &theta
		}
	}
	rep.AttemptID, rep.Mode, rep.SubmittedAt, rep.SubmitReason = a.ID, a.Mode, at, reason
	a.Status, a.SubmittedAt, a.SubmitReason, a.Report = certlab.StatusScored, &at, reason, rep
	if err := e.Store.UpdateAttempt(ctx, a, certlab.StatusStarted, from); err != nil {
		if certlab.ErrorCode(err) == certlab.ECONFLICT {
			return e.Store.Attempt(ctx, a.ID)
		}
		return nil, err
	}
	e.Logger.Info("attempt scored", "attempt", a.ID, "reason", reason, "score", rep.ScaledScore, "passed", rep.Passed)
	if e.OnScored != nil {
		e.OnScored(ctx, a)
	}
	return a, nil
}

// SweepDeadlines moves on every started attempt whose deadline has passed
// (into a section with its own time, or submitted and scored), and returns
// how many it moved. The server runs it periodically, so an
// abandoned attempt is scored even if nobody looks at it.
func (e *Engine) SweepDeadlines(ctx context.Context) (int, error) {
	now := e.now()
	late, err := e.Store.Attempts(ctx, certlab.AttemptFilter{DeadlineBefore: &now, Limit: 500})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range late {
		ex, err := e.Catalog.Exam(a.ExamID)
		if err != nil {
			e.Logger.Error("sweep: exam of attempt missing", "attempt", a.ID, "exam", a.ExamID)
			continue
		}
		if _, err := e.expire(ctx, a, ex); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Report returns the score report of a scored attempt. While an exam
// attempt is open there is no report.
func (e *Engine) Report(ctx context.Context, u *certlab.User, id int64) (*certlab.Report, error) {
	a, _, err := e.attempt(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if reason, voided := VoidReason(a); voided {
		return nil, certlab.Errorf(certlab.ECONFLICT, "attempt %d was voided and has no score: %s", id, reason)
	}
	if a.Status != certlab.StatusScored || a.Report == nil {
		return nil, certlab.Errorf(certlab.ECONFLICT, "attempt %d is not scored yet", id)
	}
	return CandidateReport(a), nil
}

// Attempts lists the user's own attempts, newest first.
func (e *Engine) Attempts(ctx context.Context, u *certlab.User) ([]*certlab.Attempt, error) {
	return e.Store.Attempts(ctx, certlab.AttemptFilter{UserID: &u.ID, Limit: 200})
}
