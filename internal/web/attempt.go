package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/httperror"
	"github.com/certlab/certlab/internal/item"
)

// attemptID reads the {id} path value.
func attemptID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, certlab.Errorf(certlab.ENOTFOUND, "no attempt %q", r.PathValue("id"))
	}
	return id, nil
}

// createAttempt assembles a practice set from the program page's form and
// starts it; exams start from their start page (/exams/{id}/start), where
// the candidate accepts the agreement.
func (h *Handler) createAttempt(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	mode := r.PostFormValue("mode")
	if mode == certlab.ModeExam {
		http.Redirect(w, r, "/exams/"+url.PathEscape(r.PostFormValue("exam"))+"/start", http.StatusSeeOther)
		return
	}
	var opts exam.PracticeOptions
	if mode == certlab.ModePractice {
		opts.Domains = nonEmpty(r.PostForm["domain"])
		opts.Objectives = nonEmpty(r.PostForm["objective"])
		opts.Types = nonEmpty(r.PostForm["type"])
		if c := r.PostFormValue("count"); c != "" {
			n, err := strconv.Atoi(c)
			if err != nil || n < 1 || n > 200 {
				h.fail(w, r, certlab.Errorf(certlab.EINVALID, "number of questions %q must be from 1 to 200", c))
				return
			}
			opts.Count = n
		}
		opts.UnseenOnly = r.PostFormValue("unseen") == "on"
		opts.RetryMissed = r.PostFormValue("missed") == "on"
		opts.Due = r.PostFormValue("due") == "on"
		opts.Adaptive = r.PostFormValue("adaptive") == "on"
		opts.Case = r.PostFormValue("case")
	}
	a, err := h.cfg.Engine.CreateAttempt(r.Context(), u, r.PostFormValue("exam"), mode, opts)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.cfg.Engine.Start(r.Context(), u, a.ID, false); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/attempts/%d", a.ID), http.StatusSeeOther)
}

func nonEmpty(in []string) []string {
	var out []string
	for _, s := range in {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// openView loads the candidate's view of an attempt and its open section.
// A scored attempt sends the browser to its report (ok false).
func (h *Handler) openView(w http.ResponseWriter, r *http.Request, u *certlab.User) (*exam.AttemptView, *exam.SectionView, bool) {
	id, err := attemptID(r)
	if err != nil {
		h.fail(w, r, err)
		return nil, nil, false
	}
	v, err := h.cfg.Engine.View(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err)
		return nil, nil, false
	}
	switch v.Status {
	case certlab.StatusScored, certlab.StatusSubmitted, certlab.StatusVoided:
		http.Redirect(w, r, fmt.Sprintf("/attempts/%d/report", id), http.StatusSeeOther)
		return nil, nil, false
	case certlab.StatusCreated:
		if v.Mode == certlab.ModeExam {
			// An exam starts on its start page, with the agreement.
			http.Redirect(w, r, fmt.Sprintf("/attempts/%d/start", id), http.StatusSeeOther)
			return nil, nil, false
		}
		if _, err := h.cfg.Engine.Start(r.Context(), u, id, false); err != nil {
			h.fail(w, r, err)
			return nil, nil, false
		}
		if v, err = h.cfg.Engine.View(r.Context(), u, id); err != nil {
			h.fail(w, r, err)
			return nil, nil, false
		}
	case certlab.StatusPaused:
		// Paused by the proctor: the page says so, shows the frozen time
		// and reloads itself (a script also polls, to resume at once).
		h.render(w, r, http.StatusOK, "paused", page{Title: "Paused: " + v.ExamTitle, Refresh: 15, Data: struct{ View *exam.AttemptView }{v}})
		return nil, nil, false
	}
	for i := range v.Sections {
		if v.Sections[i].State == "open" {
			return v, &v.Sections[i], true
		}
	}
	h.fail(w, r, certlab.Errorf(certlab.ECONFLICT, "attempt %d has no open section (status %s)", id, v.Status))
	return nil, nil, false
}

// questionData is the question page.
type questionData struct {
	View       *exam.AttemptView
	Section    *exam.SectionView
	Sections   int
	Q          *exam.QuestionView
	UI         questionUI
	Index      int // in the section
	Prev, Next string
	Seq        int64
	Marked     bool
	Practice   bool
	Sequential bool
	LastInSec  bool
	LastSec    bool
	Feedback   *feedbackView
	Marks      int
}

// feedbackView is practice feedback on one question: the answer marked
// part by part against the key (or the key in words, for a kind that has
// no parts to mark), the explanation and the references.
type feedbackView struct {
	Correct     bool
	Points      float64
	MaxPoints   float64
	Marks       []item.Mark
	Choices     bool     // the marks are choices, picked or not
	Key         []string // Markdown, when there are no marks
	Explanation template.HTML
	References  []string
}

// newFeedback builds the feedback on an answer (given; null when none).
func (h *Handler) newFeedback(v *item.View, given json.RawMessage, f *exam.Feedback) *feedbackView {
	fv := &feedbackView{Correct: f.Correct, Points: f.Points, MaxPoints: f.MaxPoints, Marks: item.Compare(v, given, f.Key),
		Explanation: h.markdown.HTML(f.Explanation), References: f.References}
	if len(fv.Marks) == 0 {
		fv.Key = describe(v, f.Key)
	} else {
		fv.Choices = fv.Marks[0].Choice
	}
	return fv
}

func (d *questionData) SecondsLeft() int64 {
	if d.View.SecondsLeft == nil {
		return -1
	}
	return *d.View.SecondsLeft
}

// question shows one question of the open section (?q=key; by default the
// first unanswered one). Only the engine's key-free view is rendered.
func (h *Handler) question(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	v, sec, ok := h.openView(w, r, u)
	if !ok {
		return
	}
	h.renderQuestion(w, r, v, sec, r.URL.Query().Get("q"), http.StatusOK, "")
}

func (h *Handler) renderQuestion(w http.ResponseWriter, r *http.Request, v *exam.AttemptView, sec *exam.SectionView, key string, status int, msg string) {
	if len(sec.Questions) == 0 {
		h.fail(w, r, certlab.Errorf(certlab.ECONFLICT, "section %d has no questions to show", sec.Index+1))
		return
	}
	idx := -1
	if key != "" {
		for i := range sec.Questions {
			if sec.Questions[i].Key == key {
				idx = i
			}
		}
		if idx < 0 {
			h.fail(w, r, h.whyNotShown(r, v, key))
			return
		}
	} else {
		for i := range sec.Questions {
			if rv, ok := v.Responses[sec.Questions[i].Key]; !ok || string(rv.Value) == "null" {
				idx = i
				break
			}
		}
		if idx < 0 {
			idx = 0
		}
	}
	q := &sec.Questions[idx]
	if sec.Kind == certlab.SectionLab && h.cfg.Labs != nil {
		// A lab is worked on its own page: ticket, workspace, upload.
		http.Redirect(w, r, fmt.Sprintf("/attempts/%d/labs/%s", v.ID, url.PathEscape(q.Key)), http.StatusSeeOther)
		return
	}
	saved := v.Responses[q.Key]
	d := questionData{View: v, Section: sec, Sections: len(v.Sections), Q: q, Index: idx, Seq: saved.Seq + 1, Marked: saved.Marked,
		Practice: v.Mode == certlab.ModePractice, Sequential: sec.Kind == certlab.SectionYesNoSeries && v.Mode != certlab.ModePractice,
		LastSec: sec.Index == len(v.Sections)-1, Marks: len(v.Review)}
	d.UI = h.buildQuestion(q, saved.Value)
	if idx > 0 && !d.Sequential {
		d.Prev = sec.Questions[idx-1].Key
	}
	if idx+1 < len(sec.Questions) {
		d.Next = sec.Questions[idx+1].Key
	}
	d.LastInSec = d.Next == ""
	if d.Sequential {
		// One statement at a time: "last" means the last of the series.
		d.LastInSec = sec.Count > 0 && v.Position >= sec.Count-1
	}
	if q.Feedback != nil && v.Mode == certlab.ModePractice {
		d.Feedback = h.newFeedback(&q.Item, saved.Value, q.Feedback)
	}
	h.render(w, r, status, "question", page{Title: fmt.Sprintf("Question %d: %s", q.Number, v.ExamTitle), Error: msg, Data: &d})
}

// whyNotShown explains a question key that is not in the open section.
func (h *Handler) whyNotShown(r *http.Request, v *exam.AttemptView, key string) error {
	a, err := h.cfg.Store.Attempt(r.Context(), v.ID)
	if err != nil {
		return err
	}
	_, si, ok := a.Form.Question(key)
	switch {
	case !ok:
		return certlab.Errorf(certlab.ENOTFOUND, "attempt %d has no question %q", v.ID, key)
	case si < v.Section:
		return certlab.Errorf(certlab.ESECTIONCLOSED, "section %d is completed and cannot be reopened", si+1)
	case si > v.Section:
		return certlab.Errorf(certlab.ECONFLICT, "section %d is not open yet: complete section %d first", si+1, v.Section+1)
	}
	for i, q := range a.Form.Sections[si].Questions {
		if q.Key == key && i > a.Position {
			return certlab.Errorf(certlab.ECONFLICT, "this yes/no statement is not shown yet: answer the current one and press Next")
		}
	}
	return certlab.Errorf(certlab.ENOTREVISITABLE, "this yes/no statement was left behind and cannot be shown again")
}

// answer saves the posted answer (the no-script path; scripts autosave
// through the JSON API) and moves where the pressed button says.
func (h *Handler) answer(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	v, sec, ok := h.openView(w, r, u)
	if !ok {
		return
	}
	key := r.PostFormValue("key")
	var q *exam.QuestionView
	for i := range sec.Questions {
		if sec.Questions[i].Key == key {
			q = &sec.Questions[i]
		}
	}
	if q == nil {
		h.fail(w, r, h.whyNotShown(r, v, key))
		return
	}
	value, err := responseFromForm(&q.Item, r.PostForm)
	if err != nil {
		h.renderQuestion(w, r, v, sec, key, http.StatusBadRequest, certlab.ErrorMessage(err))
		return
	}
	if v.Mode == certlab.ModePractice && r.PostFormValue("go") == "stay" && !item.Answered(value) {
		// "Check answer" with nothing chosen: say so rather than check nothing.
		h.renderQuestion(w, r, v, sec, key, http.StatusUnprocessableEntity, "Choose an answer first: nothing is selected, so there is nothing to check.")
		return
	}
	seq, _ := strconv.ParseInt(r.PostFormValue("seq"), 10, 64)
	if stored := v.Responses[key].Seq; seq <= stored {
		// The form is the candidate's latest action: it wins over older saves.
		seq = stored + 1
	}
	marked := r.PostFormValue("marked") == "on"
	if _, err := h.cfg.Engine.SaveResponse(r.Context(), u, v.ID, key, seq, value, marked); err != nil {
		if certlab.ErrorCode(err) == certlab.EINVALID {
			if v2, err2 := h.cfg.Engine.View(r.Context(), u, v.ID); err2 == nil {
				v = v2
				for i := range v.Sections {
					if v.Sections[i].State == "open" {
						sec = &v.Sections[i]
					}
				}
			}
			h.renderQuestion(w, r, v, sec, key, http.StatusBadRequest, certlab.ErrorMessage(err))
			return
		}
		h.fail(w, r, err)
		return
	}
	base := fmt.Sprintf("/attempts/%d", v.ID)
	switch to := r.PostFormValue("go"); {
	case to == "next-statement":
		if _, err := h.cfg.Engine.Next(r.Context(), u, v.ID, sec.Index); err != nil {
			h.fail(w, r, err)
			return
		}
		http.Redirect(w, r, base, http.StatusSeeOther)
	case strings.HasPrefix(to, "q:"):
		http.Redirect(w, r, base+"?q="+url.QueryEscape(strings.TrimPrefix(to, "q:")), http.StatusSeeOther)
	case to == "review":
		http.Redirect(w, r, base+"/review", http.StatusSeeOther)
	case to == "complete":
		http.Redirect(w, r, fmt.Sprintf("%s/sections/%d/complete", base, sec.Index+1), http.StatusSeeOther)
	case to == "submit":
		http.Redirect(w, r, base+"/submit", http.StatusSeeOther)
	default:
		http.Redirect(w, r, base+"?q="+url.QueryEscape(key)+"#feedback", http.StatusSeeOther)
	}
}

// autosave saves the posted answer form for the page's script and answers
// JSON: the form is read by the item's kind exactly as a posted page is, so
// the script needs to know nothing of item kinds.
func (h *Handler) autosave(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	fail := func(err error) {
		code := certlab.ErrorCode(err)
		if code == certlab.EINTERNAL {
			h.cfg.Logger.Error("autosave", "err", err)
		}
		reply(httperror.Status(code), map[string]any{"error": map[string]string{"code": code, "message": certlab.ErrorMessage(err)}})
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		fail(certlab.Errorf(certlab.ENOTFOUND, "no attempt %q", r.PathValue("id")))
		return
	}
	v, err := h.cfg.Engine.View(r.Context(), u, id)
	if err != nil {
		fail(err)
		return
	}
	key := r.PostFormValue("key")
	var q *exam.QuestionView
	for si := range v.Sections {
		for qi := range v.Sections[si].Questions {
			if v.Sections[si].Questions[qi].Key == key {
				q = &v.Sections[si].Questions[qi]
			}
		}
	}
	if q == nil {
		fail(h.whyNotShown(r, v, key))
		return
	}
	value, err := responseFromForm(&q.Item, r.PostForm)
	if err != nil {
		fail(err)
		return
	}
	seq, err := strconv.ParseInt(r.PostFormValue("seq"), 10, 64)
	if err != nil {
		fail(certlab.Errorf(certlab.EINVALID, "seq must be a number"))
		return
	}
	res, err := h.cfg.Engine.SaveResponse(r.Context(), u, v.ID, key, seq, value, r.PostFormValue("marked") == "on")
	if err != nil {
		fail(err)
		return
	}
	reply(http.StatusOK, map[string]any{"seq": res.Response.Seq, "applied": res.Applied, "saved_at": res.Response.SavedAt})
}

// reviewData is the review list of the open section.
type reviewData struct {
	View     *exam.AttemptView
	Section  *exam.SectionView
	Rows     []reviewRow
	LastSec  bool
	Sections int
	// Show filters the list: "" all, "marked", "unanswered"; the counts
	// are of the whole section.
	Show       string
	All        int
	Marked     int
	Unanswered int
}

type reviewRow struct {
	Key      string
	Number   int
	Answered bool
	Marked   bool
}

func (h *Handler) review(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	v, sec, ok := h.openView(w, r, u)
	if !ok {
		return
	}
	d := reviewData{View: v, Section: sec, LastSec: sec.Index == len(v.Sections)-1, Sections: len(v.Sections)}
	switch show := r.URL.Query().Get("show"); show {
	case "", "marked", "unanswered":
		d.Show = show
	default:
		h.fail(w, r, certlab.Errorf(certlab.EINVALID, "show=%q: the review list shows all questions, marked or unanswered ones", show))
		return
	}
	for _, q := range sec.Questions {
		rv, saved := v.Responses[q.Key]
		row := reviewRow{Key: q.Key, Number: q.Number, Answered: saved && string(rv.Value) != "null", Marked: rv.Marked}
		d.All++
		if row.Marked {
			d.Marked++
		}
		if !row.Answered {
			d.Unanswered++
		}
		if d.Show == "marked" && !row.Marked || d.Show == "unanswered" && row.Answered {
			continue
		}
		d.Rows = append(d.Rows, row)
	}
	h.render(w, r, http.StatusOK, "review", page{Title: "Review: " + v.ExamTitle, Data: d})
}

// confirmData is the "you cannot return" page before completing a section
// or submitting.
type confirmData struct {
	View       *exam.AttemptView
	Section    *exam.SectionView
	Action     string
	Button     string
	Heading    string
	Unanswered int
	Submit     bool
}

func unanswered(v *exam.AttemptView, sec *exam.SectionView) int {
	if sec == nil {
		return v.Questions - v.Answered
	}
	n := 0
	for _, q := range sec.Questions {
		if rv, ok := v.Responses[q.Key]; !ok || string(rv.Value) == "null" {
			n++
		}
	}
	if sec.Kind == certlab.SectionYesNoSeries && v.Mode != certlab.ModePractice {
		n += sec.Count - v.Position - len(sec.Questions)
	}
	return n
}

func sectionNumber(r *http.Request, v *exam.AttemptView) (int, error) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > len(v.Sections) {
		return 0, certlab.Errorf(certlab.ENOTFOUND, "attempt %d has no section %q", v.ID, r.PathValue("n"))
	}
	return n - 1, nil
}

func (h *Handler) confirmComplete(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	v, sec, ok := h.openView(w, r, u)
	if !ok {
		return
	}
	n, err := sectionNumber(r, v)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if n != sec.Index {
		h.fail(w, r, certlab.Errorf(certlab.ESECTIONCLOSED, "section %d is not the open section (section %d is)", n+1, sec.Index+1))
		return
	}
	d := confirmData{View: v, Section: sec, Action: fmt.Sprintf("/attempts/%d/sections/%d/complete", v.ID, n+1),
		Button: "Complete section", Heading: fmt.Sprintf("Complete section %d of %d?", n+1, len(v.Sections)), Unanswered: unanswered(v, sec)}
	if n == len(v.Sections)-1 {
		d.Button, d.Submit = "Complete the section and submit", true
	}
	h.render(w, r, http.StatusOK, "confirm", page{Title: d.Heading, Data: d})
}

func (h *Handler) complete(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := attemptID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "no section %q", r.PathValue("n")))
		return
	}
	a, err := h.cfg.Engine.CompleteSection(r.Context(), u, id, n-1)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if a.Status == certlab.StatusScored || a.Status == certlab.StatusSubmitted {
		http.Redirect(w, r, fmt.Sprintf("/attempts/%d/report", id), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/attempts/%d", id), http.StatusSeeOther)
}

func (h *Handler) confirmSubmit(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	v, sec, ok := h.openView(w, r, u)
	if !ok {
		return
	}
	d := confirmData{View: v, Section: sec, Action: fmt.Sprintf("/attempts/%d/submit", v.ID), Button: "Submit", Submit: true,
		Heading: "Submit " + v.ExamTitle + "?", Unanswered: unanswered(v, nil)}
	h.render(w, r, http.StatusOK, "confirm", page{Title: d.Heading, Data: d})
}

func (h *Handler) submit(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := attemptID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.cfg.Engine.Submit(r.Context(), u, id); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/attempts/%d/report", id), http.StatusSeeOther)
}

// reportData is the score report.
type reportData struct {
	Report *certlab.Report
	Title  string
	Chart  template.HTML
	// Weak are the weakest objectives with the modules that teach them.
	Weak      []weakObjective
	ProgramID string
	// Review links to the question-by-question review (practice only).
	Review bool
	// Outcome says what the result means for the credential (the pass
	// screen); nil for practice (credentials.go).
	Outcome *credential.Outcome
}

// weakObjective is a weak objective of a report and where to study it.
type weakObjective struct {
	certlab.ObjectiveResult
	Modules []*certlab.Module
}

func (h *Handler) report(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := attemptID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rep, err := h.cfg.Engine.Report(r.Context(), u, id)
	if err != nil {
		h.voided(w, r, u, id, err)
		return
	}
	d := reportData{Report: rep, Title: rep.ExamID, Review: rep.Mode == certlab.ModePractice}
	ex, err := h.cfg.Catalog.Exam(rep.ExamID)
	if err == nil {
		d.Title, d.ProgramID = ex.Title, ex.ProgramID
	}
	for _, o := range rep.Weakest {
		w := weakObjective{ObjectiveResult: o}
		if ex != nil {
			w.Modules = h.modulesFor(ex, o.ID)
		}
		d.Weak = append(d.Weak, w)
	}
	d.Chart = reportChart(rep)
	if d.Outcome, err = h.attemptOutcome(r.Context(), u, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "report", page{Title: "Score report: " + d.Title, Data: d})
}

// voided tells the candidate that an attempt was voided (ended by the
// proctor for misconduct, or closed unused), with the reason; other
// errors of the report go to the error page.
func (h *Handler) voided(w http.ResponseWriter, r *http.Request, u *certlab.User, id int64, err error) {
	a, aerr := h.cfg.Store.Attempt(r.Context(), id)
	if aerr != nil || a.UserID != u.ID || a.Status != certlab.StatusVoided {
		h.fail(w, r, err)
		return
	}
	reason, _ := exam.VoidReason(a)
	d := struct{ Title, Message, Reason string }{Title: a.ExamID, Reason: reason,
		Message: "This exam attempt was voided: it was closed without a score."}
	if strings.HasPrefix(a.SubmitReason, exam.MisconductPrefix) {
		d.Message = "The proctor ended this exam for misconduct and voided it."
	}
	if ex, err := h.cfg.Catalog.Exam(a.ExamID); err == nil {
		d.Title = ex.Title
	}
	h.render(w, r, http.StatusOK, "voided", page{Title: "Attempt voided: " + d.Title, Data: d})
}
