package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/examstart"
)

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, certlab.Errorf(certlab.EINVALID, "%s %q is not a number", name, r.PathValue(name))
	}
	return id, nil
}

// AttemptSummary is an attempt in a list.
type AttemptSummary struct {
	*certlab.Attempt
	ScaledScore *int  `json:"scaled_score,omitempty"`
	Passed      *bool `json:"passed,omitempty"`
}

func (s *Server) listAttempts(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	as, err := s.Engine.Attempts(r.Context(), u)
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := []AttemptSummary{}
	for _, a := range as {
		sum := AttemptSummary{Attempt: a}
		if a.Report != nil {
			sum.ScaledScore, sum.Passed = &a.Report.ScaledScore, &a.Report.Passed
		}
		out = append(out, sum)
	}
	writeJSON(w, http.StatusOK, out)
}

// CreateAttemptRequest is the body of POST /api/v1/attempts.
type CreateAttemptRequest struct {
	Exam     string                `json:"exam"`
	Mode     string                `json:"mode"`
	Practice *exam.PracticeOptions `json:"practice,omitempty"`
	Start    bool                  `json:"start,omitempty"`
	// Appointment is the admitted appointment a proctored exam starts from.
	Appointment int64 `json:"appointment,omitempty"`
	// AcceptAgreement accepts the candidate agreement (GET
	// /api/v1/exams/{id}/start shows it); an exam starts only with it.
	AcceptAgreement bool `json:"accept_agreement,omitempty"`
}

func (s *Server) createAttempt(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	var req CreateAttemptRequest
	if err := decode(r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	if req.Mode == "" {
		req.Mode = certlab.ModeExam
	}
	var opts exam.PracticeOptions
	if req.Practice != nil {
		opts = *req.Practice
	}
	if req.Appointment != 0 {
		opts.Appointment = req.Appointment
	}
	if req.Start && req.Mode == certlab.ModeExam && !req.AcceptAgreement {
		// Refused before anything is created, so no appointment is used up.
		s.error(w, r, certlab.Errorf(certlab.EINVALID, "accept the candidate agreement to start the exam (accept_agreement; GET /api/v1/exams/%s/start shows it)", req.Exam))
		return
	}
	a, err := s.Engine.CreateAttempt(r.Context(), u, req.Exam, req.Mode, opts)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if req.Start {
		if _, err := s.Engine.Start(r.Context(), u, a.ID, req.AcceptAgreement); err != nil {
			s.error(w, r, err)
			return
		}
	}
	s.writeView(w, r, u, a.ID, http.StatusCreated)
}

func (s *Server) writeView(w http.ResponseWriter, r *http.Request, u *certlab.User, id int64, status int) {
	v, err := s.Engine.View(r.Context(), u, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

// SaveRequest is the body of PUT /api/v1/attempts/{id}/responses/{key}.
type SaveRequest struct {
	Seq    int64           `json:"seq"`
	Value  json.RawMessage `json:"value"`
	Marked bool            `json:"marked"`
}

func (s *Server) saveResponse(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := pathID(r, "id")
	if err != nil {
		s.error(w, r, err)
		return
	}
	var req SaveRequest
	if err := decode(r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	res, err := s.Engine.SaveResponse(r.Context(), u, id, r.PathValue("key"), req.Seq, req.Value, req.Marked)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// attemptAction makes a handler of /api/v1/attempts/{id}…: it runs act on
// the attempt (nothing, for a plain read) and answers with the candidate's
// view of it.
func (s *Server) attemptAction(act func(r *http.Request, u *certlab.User, id int64) error) func(http.ResponseWriter, *http.Request, *certlab.User) {
	return func(w http.ResponseWriter, r *http.Request, u *certlab.User) {
		id, err := pathID(r, "id")
		if err == nil && act != nil {
			err = act(r, u, id)
		}
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.writeView(w, r, u, id, http.StatusOK)
	}
}

// StartRequest is the optional body of POST /api/v1/attempts/{id}/start.
type StartRequest struct {
	AcceptAgreement bool `json:"accept_agreement"`
}

func (s *Server) startAttempt(r *http.Request, u *certlab.User, id int64) error {
	var req StartRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return err
		}
	}
	_, err := s.Engine.Start(r.Context(), u, id, req.AcceptAgreement)
	return err
}

func (s *Server) startInfo(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	ex, err := s.Catalog.Exam(r.PathValue("id"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	info, err := examstart.Build(r.Context(), s.Engine, s.Credentials, s.Schedule, u, ex)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}

func (s *Server) submitAttempt(r *http.Request, u *certlab.User, id int64) error {
	_, err := s.Engine.Submit(r.Context(), u, id)
	return err
}

// nextStatement leaves the current yes/no statement of section {n}.
func (s *Server) nextStatement(r *http.Request, u *certlab.User, id int64) error {
	n, err := sectionIndex(r)
	if err == nil {
		_, err = s.Engine.Next(r.Context(), u, id, n)
	}
	return err
}

// completeSection closes section {n} for good.
func (s *Server) completeSection(r *http.Request, u *certlab.User, id int64) error {
	n, err := sectionIndex(r)
	if err == nil {
		_, err = s.Engine.CompleteSection(r.Context(), u, id, n)
	}
	return err
}

func sectionIndex(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return 0, certlab.Errorf(certlab.EINVALID, "section %q must be a number from 1", r.PathValue("n"))
	}
	return n - 1, nil
}

func (s *Server) getReport(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := pathID(r, "id")
	if err != nil {
		s.error(w, r, err)
		return
	}
	rep, err := s.Engine.Report(r.Context(), u, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// notDuringExam answers 409 (exam_in_progress) when the caller is taking
// an exam and asks for anything but that exam's own attempt routes: other
// attempts (practice feedback), readiness and due reviews wait.
func (s *Server) notDuringExam(next func(http.ResponseWriter, *http.Request, *certlab.User)) func(http.ResponseWriter, *http.Request, *certlab.User) {
	return func(w http.ResponseWriter, r *http.Request, u *certlab.User) {
		var allow int64
		if strings.HasPrefix(r.URL.Path, "/api/v1/attempts/") {
			allow, _ = strconv.ParseInt(r.PathValue("id"), 10, 64)
		}
		if err := s.Engine.GuardOpenExam(r.Context(), u, allow); err != nil {
			s.error(w, r, err)
			return
		}
		next(w, r, u)
	}
}
