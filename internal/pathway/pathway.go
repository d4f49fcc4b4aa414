// Package pathway draws a candidate's way to each credential from the
// program packs' requirements: the steps (exams to pass, credentials to
// hold) in the order they are taken, each with its state (earned, booked,
// in progress with readiness, not started), what is still required, and
// the one next action. The web dashboard, the JSON API and `certlab path`
// show the same pathway.
package pathway

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

// Step and pathway states.
const (
	Earned     = "earned"      // exam passed, credential held
	Booked     = "booked"      // an exam appointment is coming up
	InProgress = "in-progress" // practice answers (readiness), a pending credential, a declared external one
	NotStarted = "not-started"
)

// Step kinds.
const (
	KindExam       = "exam"
	KindCredential = "credential"
	KindGroup      = "group" // an all-of group among alternatives
)

// ReadyLevel is the pass probability from which the next action for an
// exam is to book it rather than to practise more.
const ReadyLevel = 0.7

// Pathway is one program's credential and the way to it.
type Pathway struct {
	Program string `json:"program"`
	Name    string `json:"name"`
	Level   string `json:"level,omitempty"`
	// State is earned when the credential is held, in-progress when any
	// step has begun, not-started otherwise.
	State string `json:"state"`
	// Credential is the status of the candidate's credential of the
	// program (pending, active, expired, revoked), "" when there is none.
	Credential string     `json:"credential,omitempty"`
	ValidUntil *time.Time `json:"valid_until,omitempty"`
	// Stages are taken in order; each is met by all of its steps, or by
	// one of them when Any.
	Stages []*Stage `json:"stages"`
	// Missing says what is still required, one line per unmet stage.
	Missing []string `json:"missing"`
	// Next is the one next action; nil once the credential is held.
	Next *Action `json:"next,omitempty"`
}

// Stage is one requirement of a program: a single step, or alternatives
// (Any) of which one is enough.
type Stage struct {
	Any   bool    `json:"any"`
	Met   bool    `json:"met"`
	Steps []*Step `json:"steps"`
}

// Step is an exam to pass or a credential to hold.
type Step struct {
	Kind string `json:"kind"`
	// ID is the exam or credential id of the packs.
	ID string `json:"id"`
	// Label is short ("AZ-104"); Title is the exam's title or the
	// credential's name.
	Label string `json:"label"`
	Title string `json:"title"`
	State string `json:"state"`
	// Exams: when passed, the readiness from practice, the next
	// appointment, an attempt being taken now.
	PassedAt    *time.Time `json:"passed_at,omitempty"`
	Readiness   *Readiness `json:"readiness,omitempty"`
	Appointment *Booking   `json:"appointment,omitempty"`
	TakingNow   int64      `json:"taking_attempt,omitempty"`
	// Credentials: their status, and the candidate's own way to them when
	// certlab issues them (the program of the same id).
	Credential string     `json:"credential_status,omitempty"`
	External   string     `json:"external_status,omitempty"` // declared, verified: a credential from elsewhere
	ValidUntil *time.Time `json:"valid_until,omitempty"`
	Program    string     `json:"program,omitempty"` // the program whose exams the step's own stages are
	Stages     []*Stage   `json:"stages,omitempty"`
	// Note says the state in words ("passed on 2 March 2027").
	Note string `json:"note"`
}

// Readiness is the predicted chance of passing an exam from practice.
type Readiness struct {
	PassProbability float64 `json:"pass_probability"`
	Answers         int     `json:"answers"`
}

// Booking is the candidate's next appointment for an exam.
type Booking struct {
	ID       int64     `json:"id"`
	Status   string    `json:"status"` // booked, checked-in, admitted
	StartsAt time.Time `json:"starts_at"`
	TimeZone string    `json:"time_zone"`
	// CheckInOpen: the check-in window is open now.
	CheckInOpen bool `json:"check_in_open"`
}

// Action kinds, for front ends to link: study opens the program's page,
// book the appointments page for the exam, check-in and wait the
// appointments page, start the exam's start page, continue the open
// attempt, declare the external credentials.
const (
	ActStudy    = "study"
	ActBook     = "book"
	ActCheckIn  = "check-in"
	ActWait     = "wait"
	ActStart    = "start"
	ActContinue = "continue"
	ActDeclare  = "declare"
	ActIssue    = "issue" // all requirements met: the credential is being issued
)

// Action is the one next thing to do on a pathway.
type Action struct {
	Kind        string `json:"kind"`
	Label       string `json:"label"`
	Exam        string `json:"exam,omitempty"`
	Program     string `json:"program,omitempty"`
	Credential  string `json:"credential,omitempty"`
	Appointment int64  `json:"appointment,omitempty"`
	Attempt     int64  `json:"attempt,omitempty"`
}

// Source is what pathways are built from.
type Source struct {
	Store   certlab.Store
	Catalog *certlab.Catalog
	// Readiness gives an exam's pass probability and the answers it
	// rests on; nil leaves readiness out.
	Readiness func(ctx context.Context, u *certlab.User, examID string) (pass float64, answers int, err error)
	Now       func() time.Time
	// CheckInOpens and CheckInCloses bound the check-in window around a
	// sitting's start.
	CheckInOpens, CheckInCloses time.Duration
}

// facts is what the candidate has done, read once per Build.
type facts struct {
	passes   map[string][]time.Time // exam -> passes (proctored exam attempts)
	creds    map[string]*certlab.Credential
	external map[string]*certlab.ExternalCredential // credential id -> the best declaration
	booking  map[string]*Booking                    // exam -> next live appointment
	open     *certlab.Attempt                       // the exam attempt being taken
	ready    map[string]*Readiness
}

// Build returns the pathway of every program for the candidate: the
// goals (credentials no other program requires) first, then the rest,
// each group in catalog order.
func Build(ctx context.Context, src Source, u *certlab.User) ([]*Pathway, error) {
	f, err := src.facts(ctx, u)
	if err != nil {
		return nil, err
	}
	b := &builder{src: src, f: f, ctx: ctx, u: u}
	var out []*Pathway
	for _, p := range src.Catalog.Programs {
		pw, err := b.program(p)
		if err != nil {
			return nil, err
		}
		out = append(out, pw)
	}
	// Goals first: a credential no other program requires (the expert's)
	// before the ones its path goes through.
	required := map[string]bool{}
	for _, p := range src.Catalog.Programs {
		for _, id := range credentialsOf(p.Requirements) {
			required[id] = true
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return !required[out[i].Program] && required[out[j].Program] })
	return out, nil
}

// credentialsOf lists the credentials a requirement names.
func credentialsOf(r *certlab.Requirement) []string {
	if r == nil {
		return nil
	}
	var out []string
	if r.Credential != "" {
		out = append(out, r.Credential)
	}
	for _, c := range append(append([]*certlab.Requirement(nil), r.All...), r.Any...) {
		out = append(out, credentialsOf(c)...)
	}
	return out
}

// Program returns one program's pathway.
func Program(ctx context.Context, src Source, u *certlab.User, programID string) (*Pathway, error) {
	p, err := src.Catalog.Program(programID)
	if err != nil {
		return nil, err
	}
	f, err := src.facts(ctx, u)
	if err != nil {
		return nil, err
	}
	return (&builder{src: src, f: f, ctx: ctx, u: u}).program(p)
}

func (src Source) facts(ctx context.Context, u *certlab.User) (*facts, error) {
	now := src.Now().UTC()
	f := &facts{passes: map[string][]time.Time{}, creds: map[string]*certlab.Credential{}, external: map[string]*certlab.ExternalCredential{},
		booking: map[string]*Booking{}, ready: map[string]*Readiness{}}
	as, err := src.Store.Attempts(ctx, certlab.AttemptFilter{UserID: &u.ID, Mode: certlab.ModeExam})
	if err != nil {
		return nil, fmt.Errorf("pathway of user %d: %w", u.ID, err)
	}
	for _, a := range as {
		switch {
		case a.Status == certlab.StatusScored && a.Report != nil && a.Report.Passed && a.SubmittedAt != nil:
			f.passes[a.ExamID] = append(f.passes[a.ExamID], *a.SubmittedAt)
		case a.Status == certlab.StatusCreated || a.Status == certlab.StatusStarted || a.Status == certlab.StatusPaused:
			f.open = a
		}
	}
	cs, err := src.Store.Credentials(ctx, certlab.CredentialFilter{UserID: &u.ID})
	if err != nil {
		return nil, fmt.Errorf("pathway of user %d: %w", u.ID, err)
	}
	for _, c := range cs {
		f.creds[c.ProgramID] = c
	}
	ext, err := src.Store.ExternalCredentials(ctx, certlab.ExternalFilter{UserID: &u.ID})
	if err != nil {
		return nil, fmt.Errorf("pathway of user %d: %w", u.ID, err)
	}
	for _, e := range ext {
		if e.Status == certlab.ExternalRejected || e.Status == certlab.ExternalVerified && e.ExpiresAt != nil && !e.ExpiresAt.After(now) {
			continue
		}
		if have := f.external[e.CredentialID]; have == nil || have.Status != certlab.ExternalVerified {
			f.external[e.CredentialID] = e
		}
	}
	aps, err := src.Store.Appointments(ctx, certlab.AppointmentFilter{UserID: &u.ID})
	if err != nil {
		return nil, fmt.Errorf("pathway of user %d: %w", u.ID, err)
	}
	for _, ap := range aps {
		if ap.Status != certlab.AppointmentBooked && ap.Status != certlab.AppointmentCheckedIn && ap.Status != certlab.AppointmentAdmitted {
			continue
		}
		st, err := src.Store.Sitting(ctx, ap.SittingID)
		if err != nil {
			return nil, fmt.Errorf("pathway of user %d: %w", u.ID, err)
		}
		if now.After(st.StartsAt.Add(src.CheckInCloses)) {
			continue // over: a no-show about to be recorded
		}
		bk := &Booking{ID: ap.ID, Status: ap.Status, StartsAt: st.StartsAt, TimeZone: st.TimeZone,
			CheckInOpen: !now.Before(st.StartsAt.Add(-src.CheckInOpens))}
		// Appointments come by start time: keep the first, the next one.
		if f.booking[st.ExamID] == nil {
			f.booking[st.ExamID] = bk
		}
	}
	return f, nil
}

type builder struct {
	src Source
	f   *facts
	ctx context.Context
	u   *certlab.User
}

// held reports whether a credential counts now: certlab's active and
// unexpired, or an external one verified.
func (b *builder) held(id string) bool {
	now := b.src.Now()
	if c := b.f.creds[id]; c != nil && c.Status == certlab.CredentialActive && (c.ValidUntil == nil || c.ValidUntil.After(now)) {
		return true
	}
	e := b.f.external[id]
	return e != nil && e.Status == certlab.ExternalVerified
}

func (b *builder) program(p *certlab.Program) (*Pathway, error) {
	pw := &Pathway{Program: p.ID, Name: p.Name, Level: p.Level, Missing: []string{}}
	if c := b.f.creds[p.ID]; c != nil {
		pw.Credential, pw.ValidUntil = c.Status, c.ValidUntil
	}
	var err error
	if pw.Stages, err = b.stages(p, p.Requirements, 0); err != nil {
		return nil, err
	}
	held := b.held(p.ID)
	switch {
	case held:
		pw.State = Earned
	case anyBegun(pw.Stages) || pw.Credential != "":
		pw.State = InProgress
	default:
		pw.State = NotStarted
	}
	for _, st := range pw.Stages {
		if !st.Met {
			pw.Missing = append(pw.Missing, describeStage(st))
		}
	}
	if !held {
		pw.Next = b.next(p, pw.Stages)
	}
	return pw, nil
}

func anyBegun(stages []*Stage) bool {
	for _, st := range stages {
		for _, s := range st.Steps {
			if s.State != NotStarted {
				return true
			}
		}
	}
	return false
}

// maxDepth bounds credential requirements that name programs naming
// programs, so a cycle in the packs cannot recurse for ever.
const maxDepth = 4

// stages turns a requirement into ordered stages: the children of a
// top-level all (nested alls flattened), credentials before exams (they
// are the prerequisites), each any a stage of alternatives.
func (b *builder) stages(p *certlab.Program, r *certlab.Requirement, depth int) ([]*Stage, error) {
	if r == nil {
		return []*Stage{}, nil
	}
	var parts []*certlab.Requirement
	var flatten func(r *certlab.Requirement)
	flatten = func(r *certlab.Requirement) {
		if len(r.All) > 0 {
			for _, c := range r.All {
				flatten(c)
			}
			return
		}
		parts = append(parts, r)
	}
	flatten(r)
	var out []*Stage
	for _, part := range parts {
		st := &Stage{}
		alts := []*certlab.Requirement{part}
		if len(part.Any) > 0 {
			st.Any, alts = true, part.Any
		}
		for _, alt := range alts {
			s, err := b.step(p, alt, depth)
			if err != nil {
				return nil, err
			}
			st.Steps = append(st.Steps, s)
		}
		for _, s := range st.Steps {
			if s.State == Earned {
				st.Met = true
			}
		}
		if !st.Any && len(st.Steps) > 1 {
			st.Met = true
			for _, s := range st.Steps {
				st.Met = st.Met && s.State == Earned
			}
		}
		out = append(out, st)
	}
	// Prerequisites first: stages with no exam of the program itself.
	sort.SliceStable(out, func(i, j int) bool { return !hasExam(out[i]) && hasExam(out[j]) })
	return out, nil
}

func hasExam(st *Stage) bool {
	for _, s := range st.Steps {
		if s.Kind == KindExam {
			return true
		}
	}
	return false
}

func (b *builder) step(p *certlab.Program, r *certlab.Requirement, depth int) (*Step, error) {
	switch {
	case r.Exam != "":
		return b.examStep(p, r.Exam)
	case r.Credential != "":
		return b.credentialStep(r.Credential, depth)
	}
	// An all-of group among alternatives (or a nested any).
	s := &Step{Kind: KindGroup, State: NotStarted}
	var err error
	if s.Stages, err = b.stages(p, &certlab.Requirement{All: []*certlab.Requirement{r}}, depth); err != nil {
		return nil, err
	}
	var labels []string
	met := true
	for _, st := range s.Stages {
		labels = append(labels, stageLabel(st))
		met = met && st.Met
	}
	s.Label = strings.Join(labels, " + ")
	s.Title = s.Label
	switch {
	case met:
		s.State = Earned
	case anyBegun(s.Stages):
		s.State = InProgress
	}
	s.Note = stateWords(s.State)
	return s, nil
}

// Label is an exam's short name: its title up to the colon
// ("AZ-104: Microsoft Azure Administrator" gives "AZ-104"), or its id in
// capitals.
func Label(ex *certlab.Exam) string {
	if head, _, ok := strings.Cut(ex.Title, ":"); ok && len(head) <= 16 && head != "" {
		return strings.TrimSpace(head)
	}
	return strings.ToUpper(ex.ID)
}

func (b *builder) examStep(p *certlab.Program, examID string) (*Step, error) {
	s := &Step{Kind: KindExam, ID: examID, Label: strings.ToUpper(examID), Title: examID, State: NotStarted}
	if ex, err := b.src.Catalog.Exam(examID); err == nil {
		s.Label, s.Title = Label(ex), ex.Title
	}
	// An expired credential needs its exams passed again: only passes
	// after its expiry count (as credential.Service.Evaluate counts them).
	var since time.Time
	if c := b.f.creds[p.ID]; c != nil && c.Status == certlab.CredentialExpired && c.ValidUntil != nil {
		since = *c.ValidUntil
	}
	for _, t := range b.f.passes[examID] {
		if t.After(since) && (s.PassedAt == nil || t.After(*s.PassedAt)) {
			t := t
			s.PassedAt = &t
		}
	}
	if b.f.open != nil && b.f.open.ExamID == examID {
		s.TakingNow = b.f.open.ID
	}
	s.Appointment = b.f.booking[examID]
	if b.src.Readiness != nil {
		r, ok := b.f.ready[examID]
		if !ok {
			pass, answers, err := b.src.Readiness(b.ctx, b.u, examID)
			if err != nil {
				return nil, fmt.Errorf("readiness for %s: %w", examID, err)
			}
			if answers > 0 {
				r = &Readiness{PassProbability: pass, Answers: answers}
			}
			b.f.ready[examID] = r
		}
		s.Readiness = r
	}
	switch {
	case s.PassedAt != nil:
		s.State = Earned
		s.Note = "passed on " + s.PassedAt.Format("2 January 2006")
	case s.TakingNow != 0:
		s.State = InProgress
		s.Note = "you are taking it now"
	case s.Appointment != nil:
		s.State = Booked
		s.Note = "booked for " + s.Appointment.StartsAt.In(zone(s.Appointment.TimeZone)).Format("2 January 2006, 15:04 MST")
	case s.Readiness != nil:
		s.State = InProgress
		s.Note = fmt.Sprintf("readiness %.0f %% (pass probability from %d practice answers)", 100*s.Readiness.PassProbability, s.Readiness.Answers)
	default:
		s.Note = "not started"
	}
	return s, nil
}

func zone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

func (b *builder) credentialStep(id string, depth int) (*Step, error) {
	s := &Step{Kind: KindCredential, ID: id, Label: id, Title: id, State: NotStarted}
	cp, err := b.src.Catalog.Program(id)
	if err == nil {
		s.Title, s.Label, s.Program = cp.Name, shortName(cp.Name), cp.ID
		if depth < maxDepth {
			if s.Stages, err = b.stages(cp, cp.Requirements, depth+1); err != nil {
				return nil, err
			}
		}
	}
	if c := b.f.creds[id]; c != nil {
		s.Credential, s.ValidUntil = c.Status, c.ValidUntil
	}
	if e := b.f.external[id]; e != nil {
		s.External = e.Status
	}
	switch {
	case b.held(id):
		s.State = Earned
		if s.Credential == certlab.CredentialActive && s.ValidUntil != nil {
			s.Note = "held, valid until " + s.ValidUntil.Format("2 January 2006")
		} else {
			s.Note = "held (verified credential from " + b.f.external[id].Issuer + ")"
		}
	case s.External == certlab.ExternalDeclared:
		s.State = InProgress
		s.Note = "declared, waiting for an admin to verify it"
	case anyBegun(s.Stages) || s.Credential == certlab.CredentialPending:
		s.State = InProgress
		for _, st := range s.Stages {
			for _, sub := range st.Steps {
				if sub.State == Booked || sub.State == InProgress {
					s.State = sub.State
					s.Note = sub.Label + ": " + sub.Note
				}
			}
		}
		if s.Note == "" {
			s.Note = "in progress"
		}
	case s.Credential == certlab.CredentialExpired:
		s.Note = "expired: pass the exam again"
	case s.Credential == certlab.CredentialRevoked:
		s.Note = "revoked"
	default:
		s.Note = "not started"
	}
	return s, nil
}

// shortName drops the pathway note of a program's name: "Azure
// Administrator Associate (AZ-104 pathway)" gives "Azure Administrator
// Associate".
func shortName(name string) string {
	if i := strings.LastIndex(name, " ("); i > 0 && strings.HasSuffix(name, ")") {
		return name[:i]
	}
	return name
}

func stateWords(state string) string {
	switch state {
	case Earned:
		return "done"
	case InProgress:
		return "in progress"
	case Booked:
		return "booked"
	}
	return "not started"
}

// stepWords names a step in a sentence: "exam AZ-104", "the Azure
// Administrator Associate credential (exam AZ-104)".
func stepWords(s *Step) string {
	switch s.Kind {
	case KindExam:
		return "exam " + s.Label
	case KindCredential:
		out := "the " + s.Label + " credential"
		if len(s.Stages) > 0 {
			out += " (" + describeStages(s.Stages) + ")"
		}
		return out
	}
	return s.Label
}

func stageLabel(st *Stage) string {
	var ls []string
	for _, s := range st.Steps {
		ls = append(ls, s.Label)
	}
	if st.Any {
		return strings.Join(ls, " or ")
	}
	return strings.Join(ls, " and ")
}

func describeStages(stages []*Stage) string {
	var parts []string
	for _, st := range stages {
		var ls []string
		for _, s := range st.Steps {
			if s.Kind == KindExam {
				ls = append(ls, "exam "+s.Label)
			} else {
				ls = append(ls, s.Label)
			}
		}
		sep := " and "
		if st.Any {
			sep = " or "
		}
		parts = append(parts, strings.Join(ls, sep))
	}
	return strings.Join(parts, ", then ")
}

// describeStage says what an unmet stage still requires.
func describeStage(st *Stage) string {
	var ws []string
	for _, s := range st.Steps {
		ws = append(ws, stepWords(s))
	}
	if st.Any {
		return "One of: " + strings.Join(ws, ", or ")
	}
	return "Pass " + strings.Join(ws, " and ")
}

// next chooses the one next action: what cannot wait (an exam being
// taken, a start or check-in window open) anywhere on the path, else the
// most advanced step of the first stage not met.
func (b *builder) next(p *certlab.Program, stages []*Stage) *Action {
	if a := urgent(stages); a != nil {
		return a
	}
	for _, st := range stages {
		if st.Met {
			continue
		}
		return b.stepAction(p, best(st.Steps))
	}
	return &Action{Kind: ActIssue, Program: p.ID, Label: "Every requirement is met: the credential is issued within a minute"}
}

func urgent(stages []*Stage) *Action {
	for _, st := range stages {
		for _, s := range st.Steps {
			if s.State == Earned {
				continue
			}
			if a := urgent(s.Stages); a != nil {
				return a
			}
			if s.TakingNow != 0 {
				return &Action{Kind: ActContinue, Exam: s.ID, Attempt: s.TakingNow, Label: "Continue " + s.Label + ": you are taking it"}
			}
			ap := s.Appointment
			if ap == nil || !ap.CheckInOpen {
				continue
			}
			switch ap.Status {
			case certlab.AppointmentAdmitted:
				return &Action{Kind: ActStart, Exam: s.ID, Appointment: ap.ID, Label: "Start " + s.Label + ": a proctor admitted you"}
			case certlab.AppointmentBooked:
				return &Action{Kind: ActCheckIn, Exam: s.ID, Appointment: ap.ID, Label: "Check in for " + s.Label + ": check-in is open"}
			case certlab.AppointmentCheckedIn:
				return &Action{Kind: ActWait, Exam: s.ID, Appointment: ap.ID, Label: "Wait for a proctor to admit you to " + s.Label}
			}
		}
	}
	return nil
}

// rank orders steps by progress: booked, then in progress (higher
// readiness first), then not started.
func rank(s *Step) float64 {
	switch s.State {
	case Booked:
		return 3
	case InProgress:
		r := 0.0
		if s.Readiness != nil {
			r = s.Readiness.PassProbability
		}
		return 2 + r/2
	}
	return 1
}

func best(steps []*Step) *Step {
	out := steps[0]
	for _, s := range steps[1:] {
		if rank(s) > rank(out) {
			out = s
		}
	}
	return out
}

func (b *builder) stepAction(p *certlab.Program, s *Step) *Action {
	switch s.Kind {
	case KindExam:
		switch {
		case s.Appointment != nil:
			return &Action{Kind: ActStudy, Program: p.ID, Exam: s.ID, Label: fmt.Sprintf("Prepare for %s, booked for %s", s.Label,
				s.Appointment.StartsAt.In(zone(s.Appointment.TimeZone)).Format("2 January 15:04 MST"))}
		case s.Readiness != nil && s.Readiness.PassProbability >= ReadyLevel:
			return &Action{Kind: ActBook, Program: p.ID, Exam: s.ID, Label: fmt.Sprintf("Book %s: your readiness is %.0f %%", s.Label, 100*s.Readiness.PassProbability)}
		case s.Readiness != nil:
			return &Action{Kind: ActStudy, Program: p.ID, Exam: s.ID, Label: fmt.Sprintf("Practise for %s: readiness %.0f %%, book it from %.0f %%", s.Label, 100*s.Readiness.PassProbability, 100*ReadyLevel)}
		}
		return &Action{Kind: ActStudy, Program: p.ID, Exam: s.ID, Label: "Start studying for " + s.Label}
	case KindCredential:
		if s.Program == "" {
			return &Action{Kind: ActDeclare, Credential: s.ID, Label: "Declare your " + s.Title + " credential for an admin to verify"}
		}
		cp, _ := b.src.Catalog.Program(s.Program)
		for _, st := range s.Stages {
			if !st.Met {
				return b.stepAction(cp, best(st.Steps))
			}
		}
		return &Action{Kind: ActIssue, Program: s.Program, Label: "Every requirement of " + s.Label + " is met: it is issued within a minute"}
	}
	for _, st := range s.Stages {
		if !st.Met {
			return b.stepAction(p, best(st.Steps))
		}
	}
	return &Action{Kind: ActIssue, Program: p.ID, Label: "Every requirement is met"}
}
