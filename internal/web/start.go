package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/examstart"
	"github.com/certlab/certlab/internal/httperror"
)

// startData is the start page of an exam: its facts, the prerequisites,
// the retake status and the appointments, and (when the exam can start
// now) the candidate agreement with the start button.
type startData struct {
	Exam        *certlab.Exam
	Program     string
	Info        *examstart.Info
	CanStart    bool
	Action      string // where the start form posts
	Appointment int64  // the admitted appointment the exam starts from
}

// buildStart gathers the start page of an exam; attempt is the created,
// not started attempt the page starts (0: the form creates one).
func (h *Handler) buildStart(r *http.Request, u *certlab.User, ex *certlab.Exam, attempt int64) (*startData, error) {
	info, err := examstart.Build(r.Context(), h.cfg.Engine, h.cfg.Credentials, h.cfg.Schedule, u, ex)
	if err != nil {
		return nil, err
	}
	d := &startData{Exam: ex, Program: ex.ProgramID, Info: info, Action: "/exams/" + ex.ID + "/start"}
	if p, err := h.cfg.Catalog.Program(ex.ProgramID); err == nil {
		d.Program = p.Name
	}
	if attempt > 0 {
		d.Action = fmt.Sprintf("/attempts/%d/start", attempt)
		d.CanStart = info.OpenAttempt != nil && info.OpenAttempt.ID == attempt
		return d, nil
	}
	allowed := info.OpenAttempt == nil && (info.Eligibility == nil || info.Eligibility.Allowed)
	if !ex.Proctored() {
		d.CanStart = allowed
		return d, nil
	}
	for _, ap := range info.Appointments {
		if ap.Startable {
			d.Appointment = ap.ID
		}
	}
	d.CanStart = allowed && d.Appointment > 0
	return d, nil
}

// examStartPage shows an exam's start page (GET /exams/{id}/start).
func (h *Handler) examStartPage(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	ex, err := h.cfg.Catalog.Exam(r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderStart(w, r, u, ex, 0, http.StatusOK, "")
}

func (h *Handler) renderStart(w http.ResponseWriter, r *http.Request, u *certlab.User, ex *certlab.Exam, attempt int64, status int, msg string) {
	d, err := h.buildStart(r, u, ex, attempt)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, "start", page{Title: "Start: " + ex.Title, Error: msg, Data: d})
}

// examStart creates and starts an exam once the candidate accepted the
// agreement (POST /exams/{id}/start): a proctored exam from the admitted
// appointment posted.
func (h *Handler) examStart(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	ex, err := h.cfg.Catalog.Exam(r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if r.PostFormValue("accept") != "on" {
		h.renderStart(w, r, u, ex, 0, http.StatusBadRequest, "Accept the candidate agreement to start the exam.")
		return
	}
	var opts exam.PracticeOptions
	if s := r.PostFormValue("appointment"); s != "" {
		if opts.Appointment, err = strconv.ParseInt(s, 10, 64); err != nil {
			h.fail(w, r, certlab.Errorf(certlab.EINVALID, "appointment %q is not a number", s))
			return
		}
	}
	a, err := h.cfg.Engine.CreateAttempt(r.Context(), u, ex.ID, certlab.ModeExam, opts)
	if err != nil {
		h.renderStart(w, r, u, ex, 0, httpStatus(err), certlab.ErrorMessage(err))
		return
	}
	if _, err := h.cfg.Engine.Start(r.Context(), u, a.ID, true); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/attempts/%d", a.ID), http.StatusSeeOther)
}

// attemptStartPage shows the start page of a created exam attempt that has
// not started (GET /attempts/{id}/start).
func (h *Handler) attemptStartPage(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	a, ex, ok := h.createdExam(w, r, u)
	if !ok {
		return
	}
	h.renderStart(w, r, u, ex, a.ID, http.StatusOK, "")
}

// attemptStart starts a created exam attempt once the agreement is
// accepted (POST /attempts/{id}/start).
func (h *Handler) attemptStart(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	a, ex, ok := h.createdExam(w, r, u)
	if !ok {
		return
	}
	if _, err := h.cfg.Engine.Start(r.Context(), u, a.ID, r.PostFormValue("accept") == "on"); err != nil {
		h.renderStart(w, r, u, ex, a.ID, httpStatus(err), certlab.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/attempts/%d", a.ID), http.StatusSeeOther)
}

// createdExam loads the candidate's attempt of the path; an attempt that
// is no longer waiting to start sends the browser to it.
func (h *Handler) createdExam(w http.ResponseWriter, r *http.Request, u *certlab.User) (*certlab.Attempt, *certlab.Exam, bool) {
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
	if v.Status != certlab.StatusCreated {
		http.Redirect(w, r, fmt.Sprintf("/attempts/%d", id), http.StatusSeeOther)
		return nil, nil, false
	}
	ex, err := h.cfg.Catalog.Exam(v.ExamID)
	if err != nil {
		h.fail(w, r, err)
		return nil, nil, false
	}
	return &certlab.Attempt{ID: v.ID, ExamID: v.ExamID, Mode: v.Mode, Status: v.Status}, ex, true
}

// httpStatus is the HTTP status of an error's code.
func httpStatus(err error) int { return httperror.Status(certlab.ErrorCode(err)) }
