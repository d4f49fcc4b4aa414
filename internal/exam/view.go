package exam

import (
	"context"
	"encoding/json"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/item"
)

// AttemptView is what a candidate's client sees of an attempt. It is built
// from key-free types only: no answer key, explanation or reference can be
// in it while an exam attempt is open.
type AttemptView struct {
	ID          int64               `json:"id"`
	ExamID      string              `json:"exam"`
	ExamTitle   string              `json:"exam_title"`
	Mode        string              `json:"mode"`
	Status      string              `json:"status"`
	Section     int                 `json:"section"`
	Position    int                 `json:"position"`
	ServerTime  time.Time           `json:"server_time"`
	StartedAt   *time.Time          `json:"started_at,omitempty"`
	Deadline    *time.Time          `json:"deadline,omitempty"`
	SecondsLeft *int64              `json:"seconds_left,omitempty"`
	Submitted   *time.Time          `json:"submitted_at,omitempty"`
	Reason      string              `json:"submit_reason,omitempty"`
	Questions   int                 `json:"questions"`
	Answered    int                 `json:"answered"`
	Review      []string            `json:"review"` // keys marked for review
	Sections    []SectionView       `json:"sections"`
	Report      *certlab.Report     `json:"report,omitempty"`
	Responses   map[string]RespView `json:"responses"`
}

// SectionView is a section; only the open one carries its questions.
type SectionView struct {
	Index     int            `json:"index"`
	Kind      string         `json:"kind"`
	Title     string         `json:"title"`
	State     string         `json:"state"` // completed, open, upcoming
	Count     int            `json:"count"`
	Case      *certlab.Case  `json:"case,omitempty"`
	Questions []QuestionView `json:"questions,omitempty"`
}

// QuestionView is one question as the candidate sees it.
type QuestionView struct {
	Key       string    `json:"key"`
	Number    int       `json:"number"`
	Item      item.View `json:"item"`
	Statement string    `json:"statement,omitempty"` // yes/no series: the statement text
	Feedback  *Feedback `json:"feedback,omitempty"`  // practice only, once answered
}

// RespView is a saved response.
type RespView struct {
	Seq    int64           `json:"seq"`
	Value  json.RawMessage `json:"value"`
	Marked bool            `json:"marked"`
}

// View returns the candidate's view of the attempt.
func (e *Engine) View(ctx context.Context, u *certlab.User, id int64) (*AttemptView, error) {
	a, ex, err := e.attempt(ctx, u, id)
	if err != nil {
		return nil, err
	}
	rs, err := e.Store.Responses(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	resp := map[string]RespView{}
	for _, r := range rs {
		resp[r.Key] = RespView{Seq: r.Seq, Value: r.Value, Marked: r.Marked}
	}
	now := e.now()
	if a.UserID == u.ID && (a.Status == certlab.StatusStarted || a.Status == certlab.StatusPaused) {
		// The candidate's page or client reached the server: proctors read
		// it as the connection state.
		if err := e.Store.TouchAttempt(ctx, a.ID, now); err != nil {
			e.Logger.Warn("record an attempt's last contact", "attempt", a.ID, "err", err)
		}
	}
	v := &AttemptView{ID: a.ID, ExamID: ex.ID, ExamTitle: ex.Title, Mode: a.Mode, Status: a.Status, Section: a.Section, Position: a.Position,
		ServerTime: now, StartedAt: a.StartedAt, Deadline: a.Deadline, Submitted: a.SubmittedAt, Reason: a.SubmitReason,
		Responses: resp, Review: []string{}}
	switch {
	case a.Status == certlab.StatusStarted && a.Deadline != nil:
		left := int64(a.Deadline.Sub(now).Seconds())
		v.SecondsLeft = &left
	case a.Status == certlab.StatusPaused && a.Deadline != nil:
		// The clock is stopped: the time left is frozen at the pause.
		pauses, err := e.Store.AttemptPauses(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		for _, p := range pauses {
			if p.ResumedAt == nil {
				left := int64(a.Deadline.Sub(p.PausedAt).Seconds())
				v.SecondsLeft = &left
			}
		}
	}
	if a.Status == certlab.StatusScored {
		v.Report = CandidateReport(a)
	}
	number := 0
	for si, s := range a.Form.Sections {
		sv := SectionView{Index: si, Kind: s.Kind, Title: s.Title, Count: len(s.Questions)}
		switch {
		case a.Status == certlab.StatusScored || si < a.Section:
			sv.State = "completed"
		case si == a.Section && a.Status == certlab.StatusStarted:
			sv.State = "open"
		default:
			sv.State = "upcoming"
		}
		for qi, q := range s.Questions {
			number++
			v.Questions++
			r, answered := resp[q.Key]
			if answered && string(r.Value) != "null" {
				v.Answered++
			}
			if answered && r.Marked && sv.State == "open" {
				v.Review = append(v.Review, q.Key)
			}
			if sv.State != "open" {
				continue
			}
			if a.Mode == certlab.ModeExam && s.Sequential() && qi != a.Position {
				continue // one statement at a time: earlier ones are gone, later ones unseen
			}
			it, ok := ex.Item(q.ItemID)
			if !ok {
				continue
			}
			qv := QuestionView{Key: q.Key, Number: number, Item: item.ViewOf(it, q.Layout, a.Seed)}
			for _, st := range it.Statements {
				if st.ID == q.Statement {
					qv.Statement = st.Text
				}
			}
			if a.Mode == certlab.ModePractice && answered && string(r.Value) != "null" {
				qv.Feedback = feedback(it, q, r.Value)
			}
			sv.Questions = append(sv.Questions, qv)
		}
		if sv.State == "open" && s.CaseID != "" {
			if c, ok := ex.Case(s.CaseID); ok {
				sv.Case = c
			}
		}
		v.Sections = append(v.Sections, sv)
	}
	return v, nil
}

// CandidateReport is the report a candidate may see: for an exam, the
// scaled score, the result and the performance by domain and objective,
// as Microsoft's score reports give; never per-question results, which
// would tell which answers to secure items were right. Practice reports
// keep them (practice-pool items only).
func CandidateReport(a *certlab.Attempt) *certlab.Report {
	if a.Report == nil {
		return nil
	}
	r := *a.Report
	if a.Mode != certlab.ModePractice {
		r.Questions = nil
	}
	return &r
}
