package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/httperror"
	"github.com/certlab/certlab/internal/item"
	"github.com/certlab/certlab/internal/sandbox"
	"github.com/certlab/certlab/internal/session"
)

// The exam sandbox (internal/sandbox): the exam interface with practice
// items, open to anyone, that writes nothing on the server. The visitor's
// run is a cookie their browser keeps; every page is built from it and the
// demo form, with the same item partials and attempt bar as an exam.

const sandboxCookie = "certlab_sandbox"

func (h *Handler) sandboxRoutes(mux router) {
	mux.HandleFunc("GET /sandbox", h.sandboxOpen(h.sandboxIntro))
	mux.HandleFunc("POST /sandbox/start", h.sandboxOpen(h.sandboxStart))
	mux.HandleFunc("GET /sandbox/question", h.sandboxOpen(h.sandboxRun(h.sandboxQuestion)))
	mux.HandleFunc("POST /sandbox/answer", h.sandboxOpen(h.sandboxRun(h.sandboxAnswer)))
	mux.HandleFunc("POST /sandbox/autosave", h.sandboxOpen(h.sandboxAutosave))
	mux.HandleFunc("GET /sandbox/review", h.sandboxOpen(h.sandboxRun(h.sandboxReview)))
	mux.HandleFunc("GET /sandbox/sections/{n}/complete", h.sandboxOpen(h.sandboxRun(h.sandboxConfirmComplete)))
	mux.HandleFunc("POST /sandbox/sections/{n}/complete", h.sandboxOpen(h.sandboxRun(h.sandboxComplete)))
	mux.HandleFunc("GET /sandbox/submit", h.sandboxOpen(h.sandboxRun(h.sandboxConfirmSubmit)))
	mux.HandleFunc("POST /sandbox/submit", h.sandboxOpen(h.sandboxRun(h.sandboxSubmit)))
}

// sandboxOpen serves the sandbox to anyone, except to a signed-in
// candidate taking an exam (one exam at a time), and says why when no
// exam's practice pool can fill it.
func (h *Handler) sandboxOpen(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if h.sandbox == nil {
			h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "the exam sandbox is not available on this server: %v", h.sandboxErr))
			return
		}
		if u := session.UserFrom(r.Context()); u != nil {
			if err := h.cfg.Engine.GuardOpenExam(r.Context(), u, 0); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		next(w, r)
	}
}

// sandboxState reads the visitor's run from its cookie: nil without one,
// an error when it cannot be read.
func (h *Handler) sandboxState(r *http.Request) (*sandbox.State, error) {
	c, err := r.Cookie(sandboxCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	return h.sandbox.Decode(c.Value)
}

// keepSandbox gives the browser the run to keep, until an hour after its
// deadline. Nothing is written on the server.
func (h *Handler) keepSandbox(w http.ResponseWriter, r *http.Request, st *sandbox.State) error {
	v, err := h.sandbox.Encode(st)
	if err != nil {
		return err
	}
	// Max-Age, not Expires: the browser's clock need not agree with ours.
	keep := max(time.Unix(st.Deadline, 0).Add(time.Hour).Sub(h.now()), time.Minute)
	http.SetCookie(w, &http.Cookie{Name: sandboxCookie, Value: v, Path: "/sandbox", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode, MaxAge: int(keep / time.Second)})
	return nil
}

func dropSandbox(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sandboxCookie, Value: "", Path: "/sandbox", HttpOnly: true, MaxAge: -1})
}

// sandboxRun hands the visitor's run in progress to next; without one,
// or once it is over, the browser goes to the sandbox's first page.
func (h *Handler) sandboxRun(next func(http.ResponseWriter, *http.Request, *sandbox.State, *exam.AttemptView, *exam.SectionView)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st, err := h.sandboxState(r)
		if err != nil || st == nil {
			if err != nil {
				dropSandbox(w)
			}
			http.Redirect(w, r, "/sandbox", http.StatusSeeOther)
			return
		}
		now := h.now()
		v := h.sandbox.View(st, now)
		if v.Status != certlab.StatusStarted || *v.SecondsLeft <= 0 {
			http.Redirect(w, r, "/sandbox", http.StatusSeeOther)
			return
		}
		next(w, r, st, v, &v.Sections[st.Section])
	}
}

// sandboxIntroData is the sandbox's first page: what it is, and the run
// in progress or finished.
type sandboxIntroData struct {
	Minutes   int
	Kinds     []string
	Questions int
	State     string // "", running, over
	TimeUp    bool
	Answered  int
	Marked    int
	Broken    string // why the kept run could not be read
}

func (h *Handler) sandboxIntro(w http.ResponseWriter, r *http.Request) {
	d := sandboxIntroData{Minutes: int(sandbox.TimeLimit / time.Minute), Questions: len(h.sandbox.Form.Questions())}
	d.Kinds = append(d.Kinds, "a case study with its exhibits")
	for _, k := range h.sandbox.Kinds {
		if kind, ok := item.Lookup(k); ok {
			d.Kinds = append(d.Kinds, kind.Title())
		}
	}
	st, err := h.sandboxState(r)
	switch {
	case err != nil:
		dropSandbox(w)
		d.Broken = certlab.ErrorMessage(err)
	case st != nil:
		v := h.sandbox.View(st, h.now())
		d.State, d.Answered, d.Marked = "running", v.Answered, len(st.Marked)
		if v.Status != certlab.StatusStarted || *v.SecondsLeft <= 0 {
			d.State, d.TimeUp = "over", v.Status == certlab.StatusStarted
		}
	}
	h.render(w, r, http.StatusOK, "sandbox", page{Title: "Exam sandbox", Data: d})
}

// sandboxStart begins a new run (or starts over).
func (h *Handler) sandboxStart(w http.ResponseWriter, r *http.Request) {
	if err := h.keepSandbox(w, r, h.sandbox.Start(h.now())); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/sandbox/question", http.StatusSeeOther)
}

// sandboxQuestion shows one question of the open section (?q=key; by
// default the first unanswered), as the exam's question page does.
func (h *Handler) sandboxQuestion(w http.ResponseWriter, r *http.Request, st *sandbox.State, v *exam.AttemptView, sec *exam.SectionView) {
	h.renderSandboxQuestion(w, r, v, sec, r.URL.Query().Get("q"), http.StatusOK, "")
}

func (h *Handler) renderSandboxQuestion(w http.ResponseWriter, r *http.Request, v *exam.AttemptView, sec *exam.SectionView, key string, status int, msg string) {
	idx := -1
	for i := range sec.Questions {
		if key != "" && sec.Questions[i].Key == key || key == "" && idx < 0 && !answered(v, sec.Questions[i].Key) {
			idx = i
		}
	}
	if idx < 0 && key != "" {
		h.fail(w, r, h.sandboxWhyNot(v, key))
		return
	}
	idx = max(idx, 0)
	q := &sec.Questions[idx]
	saved := v.Responses[q.Key]
	d := questionData{View: v, Section: sec, Sections: len(v.Sections), Q: q, Index: idx, Seq: saved.Seq + 1, Marked: saved.Marked,
		Sequential: sec.Kind == certlab.SectionYesNoSeries, LastSec: sec.Index == len(v.Sections)-1, Marks: len(v.Review)}
	d.UI = h.buildQuestion(q, saved.Value)
	if idx > 0 && !d.Sequential {
		d.Prev = sec.Questions[idx-1].Key
	}
	if idx+1 < len(sec.Questions) {
		d.Next = sec.Questions[idx+1].Key
	}
	d.LastInSec = d.Next == ""
	if d.Sequential {
		d.LastInSec = v.Position >= sec.Count-1
	}
	h.render(w, r, status, "sandbox-question", page{Title: fmt.Sprintf("Question %d: exam sandbox", q.Number), Error: msg, Data: &d})
}

func answered(v *exam.AttemptView, key string) bool {
	rv, ok := v.Responses[key]
	return ok && string(rv.Value) != "null"
}

// sandboxWhyNot explains a question key that is not shown now.
func (h *Handler) sandboxWhyNot(v *exam.AttemptView, key string) error {
	_, si, ok := h.sandbox.Form.Question(key)
	switch {
	case !ok:
		return certlab.Errorf(certlab.ENOTFOUND, "the sandbox has no question %q", key)
	case si < v.Section:
		return certlab.Errorf(certlab.ESECTIONCLOSED, "section %d is completed and cannot be reopened", si+1)
	case si > v.Section:
		return certlab.Errorf(certlab.ECONFLICT, "section %d is not open yet: complete section %d first", si+1, v.Section+1)
	}
	return certlab.Errorf(certlab.ENOTREVISITABLE, "this yes/no statement is not the current one: statements are answered in order, without going back")
}

// sandboxAnswer keeps the posted answer in the run and moves where the
// pressed button says, as the exam's answer form does.
func (h *Handler) sandboxAnswer(w http.ResponseWriter, r *http.Request, st *sandbox.State, v *exam.AttemptView, sec *exam.SectionView) {
	key := r.PostFormValue("key")
	var q *exam.QuestionView
	for i := range sec.Questions {
		if sec.Questions[i].Key == key {
			q = &sec.Questions[i]
		}
	}
	if q == nil {
		h.fail(w, r, h.sandboxWhyNot(v, key))
		return
	}
	value, err := responseFromForm(&q.Item, r.PostForm)
	if err == nil {
		err = h.sandbox.Save(st, key, value, r.PostFormValue("marked") == "on", h.now())
	}
	if err != nil {
		if certlab.ErrorCode(err) == certlab.EINVALID {
			h.renderSandboxQuestion(w, r, v, sec, key, http.StatusBadRequest, certlab.ErrorMessage(err))
			return
		}
		h.fail(w, r, err)
		return
	}
	to := r.PostFormValue("go")
	if to == "next-statement" {
		if err := h.sandbox.Next(st, sec.Index, h.now()); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if err := h.keepSandbox(w, r, st); err != nil {
		h.fail(w, r, err)
		return
	}
	switch {
	case to == "next-statement":
		http.Redirect(w, r, "/sandbox/question", http.StatusSeeOther)
	case strings.HasPrefix(to, "q:"):
		http.Redirect(w, r, "/sandbox/question?q="+url.QueryEscape(strings.TrimPrefix(to, "q:")), http.StatusSeeOther)
	case to == "review":
		http.Redirect(w, r, "/sandbox/review", http.StatusSeeOther)
	case to == "complete":
		http.Redirect(w, r, fmt.Sprintf("/sandbox/sections/%d/complete", sec.Index+1), http.StatusSeeOther)
	case to == "submit":
		http.Redirect(w, r, "/sandbox/submit", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/sandbox/question?q="+url.QueryEscape(key), http.StatusSeeOther)
	}
}

// sandboxAutosave keeps an answer for the page's script and answers JSON,
// as the exam's autosave does; the run goes back in the cookie.
func (h *Handler) sandboxAutosave(w http.ResponseWriter, r *http.Request) {
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	fail := func(err error) {
		code := certlab.ErrorCode(err)
		reply(httperror.Status(code), map[string]any{"error": map[string]string{"code": code, "message": certlab.ErrorMessage(err)}})
	}
	st, err := h.sandboxState(r)
	if err == nil && st == nil {
		err = certlab.Errorf(certlab.ECONFLICT, "the sandbox has not started: open /sandbox")
	}
	if err != nil {
		fail(err)
		return
	}
	v := h.sandbox.View(st, h.now())
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
		fail(h.sandboxWhyNot(v, key))
		return
	}
	value, err := responseFromForm(&q.Item, r.PostForm)
	if err == nil {
		err = h.sandbox.Save(st, key, value, r.PostFormValue("marked") == "on", h.now())
	}
	if err == nil {
		err = h.keepSandbox(w, r, st)
	}
	if err != nil {
		fail(err)
		return
	}
	seq, _ := strconv.ParseInt(r.PostFormValue("seq"), 10, 64)
	reply(http.StatusOK, map[string]any{"seq": seq, "applied": true, "saved_at": h.now()})
}

// sandboxReview is the review list of the open section.
func (h *Handler) sandboxReview(w http.ResponseWriter, r *http.Request, st *sandbox.State, v *exam.AttemptView, sec *exam.SectionView) {
	d := reviewData{View: v, Section: sec, LastSec: sec.Index == len(v.Sections)-1, Sections: len(v.Sections)}
	for _, q := range sec.Questions {
		rv := v.Responses[q.Key]
		d.Rows = append(d.Rows, reviewRow{Key: q.Key, Number: q.Number, Answered: answered(v, q.Key), Marked: rv.Marked})
	}
	h.render(w, r, http.StatusOK, "sandbox-review", page{Title: "Review: exam sandbox", Data: d})
}

func (h *Handler) sandboxConfirmComplete(w http.ResponseWriter, r *http.Request, st *sandbox.State, v *exam.AttemptView, sec *exam.SectionView) {
	n, err := sectionNumber(r, v)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if n != sec.Index {
		h.fail(w, r, certlab.Errorf(certlab.ESECTIONCLOSED, "section %d is not the open section (section %d is)", n+1, sec.Index+1))
		return
	}
	d := confirmData{View: v, Section: sec, Action: fmt.Sprintf("/sandbox/sections/%d/complete", n+1), Button: "Complete section",
		Heading: fmt.Sprintf("Complete section %d of %d?", n+1, len(v.Sections)), Unanswered: unanswered(v, sec)}
	if n == len(v.Sections)-1 {
		d.Button, d.Submit = "Complete the section and finish", true
	}
	h.render(w, r, http.StatusOK, "sandbox-confirm", page{Title: d.Heading + " Exam sandbox", Data: d})
}

func (h *Handler) sandboxComplete(w http.ResponseWriter, r *http.Request, st *sandbox.State, v *exam.AttemptView, sec *exam.SectionView) {
	n, err := sectionNumber(r, v)
	if err == nil {
		err = h.sandbox.Complete(st, n, h.now())
	}
	if err == nil {
		err = h.keepSandbox(w, r, st)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if st.Finished {
		http.Redirect(w, r, "/sandbox", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/sandbox/question", http.StatusSeeOther)
}

func (h *Handler) sandboxConfirmSubmit(w http.ResponseWriter, r *http.Request, st *sandbox.State, v *exam.AttemptView, sec *exam.SectionView) {
	d := confirmData{View: v, Section: sec, Action: "/sandbox/submit", Button: "Finish the sandbox", Submit: true,
		Heading: "Finish the exam sandbox?", Unanswered: unanswered(v, nil)}
	h.render(w, r, http.StatusOK, "sandbox-confirm", page{Title: d.Heading, Data: d})
}

func (h *Handler) sandboxSubmit(w http.ResponseWriter, r *http.Request, st *sandbox.State, v *exam.AttemptView, sec *exam.SectionView) {
	h.sandbox.Finish(st)
	if err := h.keepSandbox(w, r, st); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/sandbox", http.StatusSeeOther)
}
