package certlab

import (
	"context"
	"encoding/json"
	"time"
)

// Attempt modes.
const (
	ModeExam     = "exam"
	ModePractice = "practice"
)

// Attempt states, in the order an attempt goes through them.
const (
	StatusCreated   = "created"
	StatusStarted   = "started"
	StatusSubmitted = "submitted" // by the candidate, or automatically at the deadline
	StatusScored    = "scored"
	// StatusVoided ends an attempt without a score (misconduct, or an
	// extra open sitting closed when one sitting at a time was enforced).
	StatusVoided = "voided"
)

// OpenStatuses are the states of an attempt that is still being sat.
var OpenStatuses = []string{StatusCreated, StatusStarted, StatusPaused}

// Attempt is one sitting of an exam or one practice set by one user.
type Attempt struct {
	ID           int64      `json:"id"`
	UserID       int64      `json:"user_id"`
	ExamID       string     `json:"exam"`
	Mode         string     `json:"mode"`
	Status       string     `json:"status"`
	Seed         int64      `json:"seed"`
	Form         *Form      `json:"-"`
	Section      int        `json:"section"`        // index of the open section; lower ones are completed
	Position     int        `json:"position"`       // in a sequential section: the question shown
	ExtraTimePct int        `json:"extra_time_pct"` // accommodation
	CreatedAt    time.Time  `json:"created_at"`
	StartedAt    *time.Time `json:"started_at,omitempty"`
	Deadline     *time.Time `json:"deadline,omitempty"`
	SubmittedAt  *time.Time `json:"submitted_at,omitempty"`
	SubmitReason string     `json:"submit_reason,omitempty"` // "candidate" or "deadline"
	Report       *Report    `json:"-"`
}

// Form is the assembled content of an attempt: sections of questions.
type Form struct {
	ExamID         string         `json:"exam"`
	OutlineVersion string         `json:"outline"`
	Seed           int64          `json:"seed"`
	TimeLimit      Duration       `json:"time_limit"`
	Sections       []*FormSection `json:"sections"`
	// Adaptive is the length of an adaptive practice set: its questions are
	// chosen one at a time and appended as the candidate answers.
	Adaptive int `json:"adaptive,omitempty"`
}

// Questions returns every question of the form in order.
func (f *Form) Questions() []*Question {
	var qs []*Question
	for _, s := range f.Sections {
		qs = append(qs, s.Questions...)
	}
	return qs
}

// Question finds a question by key and returns it with its section index.
func (f *Form) Question(key string) (*Question, int, bool) {
	for si, s := range f.Sections {
		for _, q := range s.Questions {
			if q.Key == key {
				return q, si, true
			}
		}
	}
	return nil, -1, false
}

// FormSection is a section of a form.
type FormSection struct {
	Kind      string      `json:"kind"`
	Title     string      `json:"title"`
	CaseID    string      `json:"case,omitempty"`
	Questions []*Question `json:"questions"`
	// TimeLimit is the section's own time, from when it opens (a lab
	// section); zero shares the exam's time limit.
	TimeLimit Duration `json:"time_limit,omitzero"`
}

// Sequential reports whether the section shows one question at a time with
// no going back (yes/no series).
func (s *FormSection) Sequential() bool { return s.Kind == SectionYesNoSeries }

// Question is one scored (or pilot) question of a form: an item, or one
// statement of a yes/no series.
type Question struct {
	Key       string `json:"key"`                 // unique within the form: item id, or item id + "~" + statement id
	ItemID    string `json:"item"`                // the item
	Statement string `json:"statement,omitempty"` // yes/no series: the statement id
	Domain    string `json:"domain"`              // domain of the current outline
	Objective string `json:"objective"`
	Pilot     bool   `json:"pilot,omitempty"`
	// Layout is the order the item's choices are shown in for this
	// attempt, chosen when the question was placed in the form.
	Layout Layout `json:"layout,omitempty"`
}

// Layout is the order of an item's choices for one attempt: named lists of
// ids ("options", "areas", "blank.<id>"). Which lists an item has is up to
// its kind; nil keeps the authored order.
type Layout map[string][]string

// Response is a candidate's saved answer to one question.
type Response struct {
	AttemptID int64           `json:"attempt_id"`
	Key       string          `json:"key"`
	Seq       int64           `json:"seq"`
	Value     json.RawMessage `json:"value"`
	Marked    bool            `json:"marked"`
	SavedAt   time.Time       `json:"saved_at"`
}

// Report is the result of a scored attempt.
type Report struct {
	AttemptID    int64             `json:"attempt_id"`
	ExamID       string            `json:"exam"`
	Mode         string            `json:"mode"`
	ScaledScore  int               `json:"scaled_score"`
	PassingScore int               `json:"passing_score"`
	Passed       bool              `json:"passed"`
	Points       float64           `json:"points"`
	MaxPoints    float64           `json:"max_points"`
	Scaling      string            `json:"scaling"`
	Theta        *float64          `json:"theta,omitempty"` // ability estimate, with IRT scaling
	Domains      []DomainResult    `json:"domains"`
	Weakest      []ObjectiveResult `json:"weakest_objectives"`
	Questions    []QuestionResult  `json:"questions,omitempty"`
	// Labs is the result of the form's hands-on labs together (they count
	// in their domains too); nil without labs.
	Labs         *LabsResult `json:"labs,omitempty"`
	SubmittedAt  time.Time   `json:"submitted_at"`
	SubmitReason string      `json:"submit_reason"`
}

// DomainResult is the raw result of one skill area.
type DomainResult struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Points    float64 `json:"points"`
	MaxPoints float64 `json:"max_points"`
	Percent   float64 `json:"percent"`
	Strength  string  `json:"strength"` // "weak", "moderate" or "strong"
}

// LabsResult is the result of a form's hands-on labs.
type LabsResult struct {
	Count     int     `json:"count"`
	Points    float64 `json:"points"`
	MaxPoints float64 `json:"max_points"`
	Percent   float64 `json:"percent"`
}

// ObjectiveResult is the raw result of one objective.
type ObjectiveResult struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Points    float64 `json:"points"`
	MaxPoints float64 `json:"max_points"`
	Percent   float64 `json:"percent"`
}

// QuestionResult is the outcome of one question (kept for review and analysis).
type QuestionResult struct {
	Key       string  `json:"key"`
	ItemID    string  `json:"item"`
	Points    float64 `json:"points"`
	MaxPoints float64 `json:"max_points"`
	Pilot     bool    `json:"pilot,omitempty"`
	Answered  bool    `json:"answered"`
}

// ItemHistory is what a user has done with one item in earlier attempts.
type ItemHistory struct {
	ItemID      string
	Seen        int
	LastCorrect bool
	LastAt      time.Time
}

// AttemptFilter selects attempts.
type AttemptFilter struct {
	UserID *int64
	ExamID string
	Status string
	Mode   string
	// Open selects attempts still being sat (created, started, paused).
	Open bool
	// DeadlineBefore selects open attempts whose deadline has passed.
	DeadlineBefore *time.Time
	Limit          int
}

// AttemptStore keeps attempts and their responses.
type AttemptStore interface {
	CreateAttempt(ctx context.Context, a *Attempt) error
	Attempt(ctx context.Context, id int64) (*Attempt, error)
	Attempts(ctx context.Context, f AttemptFilter) ([]*Attempt, error)
	// UpdateAttempt writes the attempt's state if its status is still
	// fromStatus and its section is still fromSection; otherwise it returns
	// an ECONFLICT error and changes nothing.
	UpdateAttempt(ctx context.Context, a *Attempt, fromStatus string, fromSection int) error
	// SaveResponse stores r unless a response with a higher or equal Seq is
	// already stored for the same question; it returns the stored response
	// and whether r was applied. In the same transaction it checks that the
	// attempt is started, its deadline (if any) is after now, its open
	// section is section and, when position >= 0, its position is position;
	// otherwise it returns an ECONFLICT error and changes nothing.
	SaveResponse(ctx context.Context, r *Response, section, position int, now time.Time) (*Response, bool, error)
	Responses(ctx context.Context, attemptID int64) ([]*Response, error)
	ItemHistory(ctx context.Context, userID int64, examID string) (map[string]*ItemHistory, error)
	// AppendQuestion adds a question to the open section of a started
	// attempt (adaptive practice); ECONFLICT if the attempt is not started.
	AppendQuestion(ctx context.Context, attemptID int64, q *Question) error
}
