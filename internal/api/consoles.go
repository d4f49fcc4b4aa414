package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/authoring"
	"github.com/certlab/certlab/internal/cohort"
	"github.com/certlab/certlab/internal/item"
	"github.com/certlab/certlab/internal/session"
)

// The author and instructor consoles' actions, and the candidates'
// cohorts. Author routes need the author role, instructor routes the
// instructor role (admins have both; session.RequireRole); the services
// check again.

// ConsoleRoutes registers the routes of the author and instructor
// consoles and of the candidates' cohorts (routes.go calls it).
func (s *Server) ConsoleRoutes(mux Router) {
	user, role := session.RequireUser, session.RequireRole
	author := func(h session.UserHandler) http.HandlerFunc { return role(certlab.RoleAuthor, h) }
	instructor := func(h session.UserHandler) http.HandlerFunc { return role(certlab.RoleInstructor, h) }
	if s.Authoring != nil {
		mux.HandleFunc("GET /api/v1/author/entries", author(s.jsonHandler(http.StatusOK, s.authorEntries)))
		mux.HandleFunc("GET /api/v1/author/lint", author(s.jsonHandler(http.StatusOK, s.authorLint)))
		mux.HandleFunc("GET /api/v1/author/items/{exam}/{item}", author(s.jsonHandler(http.StatusOK, s.authorItem)))
		mux.HandleFunc("POST /api/v1/author/items/{exam}/{item}/flag", author(s.jsonHandler(http.StatusOK, s.authorFlag)))
		mux.HandleFunc("POST /api/v1/author/items/{exam}/{item}/retire", author(s.jsonHandler(http.StatusOK, s.authorRetire)))
		mux.HandleFunc("GET /api/v1/author/calibrations", author(s.jsonHandler(http.StatusOK, s.authorRuns)))
		mux.HandleFunc("POST /api/v1/author/calibrations", author(s.jsonHandler(http.StatusAccepted, s.authorCalibrate)))
		mux.HandleFunc("GET /api/v1/author/calibrations/{id}", author(s.jsonHandler(http.StatusOK, s.authorRun)))
		mux.HandleFunc("POST /api/v1/author/calibrations/{id}/apply", author(s.jsonHandler(http.StatusOK, s.authorApply)))
	}
	if s.Cohorts != nil {
		mux.HandleFunc("GET /api/v1/instructor/cohorts", instructor(s.jsonHandler(http.StatusOK, s.listCohorts)))
		mux.HandleFunc("POST /api/v1/instructor/cohorts", instructor(s.jsonHandler(http.StatusCreated, s.createCohort)))
		mux.HandleFunc("GET /api/v1/instructor/cohorts/{id}", instructor(s.jsonHandler(http.StatusOK, s.getCohort)))
		mux.HandleFunc("GET /api/v1/instructor/cohorts/{id}/export.csv", instructor(s.exportCohort))
		mux.HandleFunc("POST /api/v1/instructor/cohorts/{id}/assignments", instructor(s.jsonHandler(http.StatusCreated, s.assign)))
		mux.HandleFunc("POST /api/v1/instructor/cohorts/{id}/members/{user}/remove", instructor(s.jsonHandler(http.StatusOK, s.removeMember)))

		mux.HandleFunc("GET /api/v1/me/cohorts", user(s.jsonHandler(http.StatusOK, s.myCohorts)))
		mux.HandleFunc("POST /api/v1/me/cohorts", user(s.notDuringExam(s.jsonHandler(http.StatusCreated, s.joinCohort))))
		mux.HandleFunc("DELETE /api/v1/me/cohorts/{id}", user(s.leaveCohort))
		mux.HandleFunc("GET /api/v1/me/assignments", user(s.jsonHandler(http.StatusOK, s.myAssignments)))
		mux.HandleFunc("POST /api/v1/me/assignments/{id}/start", user(s.notDuringExam(s.jsonHandler(http.StatusOK, s.startAssignment))))
		mux.HandleFunc("POST /api/v1/me/assignments/{id}/complete", user(s.notDuringExam(s.jsonHandler(http.StatusOK, s.completeAssignment))))
	}
}

func (s *Server) authorEntries(r *http.Request, u *certlab.User) (any, error) {
	q, err := authoring.ParseQuery(r.URL.Query().Get("q"))
	if err != nil {
		return nil, certlab.Errorf(certlab.EINVALID, "q: %v", err)
	}
	page := 1
	if v := r.URL.Query().Get("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 {
			return nil, certlab.Errorf(certlab.EINVALID, "page %q must be a positive number", v)
		}
	}
	return s.Authoring.Browse(r.Context(), u, q, page)
}

func (s *Server) authorLint(r *http.Request, u *certlab.User) (any, error) {
	return s.Authoring.Lint(r.Context(), u)
}

// AuthorItem is an item with everything an author sees: the candidate's
// view, the key, the explanation and rationales, and its status.
type AuthorItem struct {
	*certlab.Item
	Key       map[string]any      `json:"key"` // by statement ("" for items that are one question)
	Rationale map[string]string   `json:"rationale,omitempty"`
	View      item.View           `json:"view"`
	Status    *certlab.ItemStatus `json:"status"`
}

func itemRef(r *http.Request) certlab.ItemRef {
	return certlab.ItemRef{ExamID: r.PathValue("exam"), ItemID: r.PathValue("item")}
}

func (s *Server) authorItem(r *http.Request, u *certlab.User) (any, error) {
	it, st, err := s.Authoring.Item(r.Context(), u, itemRef(r))
	if err != nil {
		return nil, err
	}
	k := item.Of(it)
	out := &AuthorItem{Item: it, Key: map[string]any{}, Rationale: it.Rationale, View: k.View(it, nil), Status: st}
	for _, stmt := range k.Statements(it) {
		out.Key[stmt] = k.Key(it, stmt)
	}
	return out, nil
}

// FlagRequest sets or clears an item's flag.
type FlagRequest struct {
	Flagged bool   `json:"flagged"`
	Note    string `json:"note"`
}

func (s *Server) authorFlag(r *http.Request, u *certlab.User) (any, error) {
	var req FlagRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.Authoring.Flag(r.Context(), u, itemRef(r), req.Flagged, req.Note)
}

// RetireRequest retires (retired true) or reinstates an item.
type RetireRequest struct {
	Retired bool   `json:"retired"`
	Reason  string `json:"reason"`
}

func (s *Server) authorRetire(r *http.Request, u *certlab.User) (any, error) {
	var req RetireRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.Authoring.Retire(r.Context(), u, itemRef(r), req.Retired, req.Reason)
}

func (s *Server) authorRuns(r *http.Request, u *certlab.User) (any, error) {
	return s.Authoring.Runs(r.Context(), u, r.URL.Query().Get("exam"))
}

func (s *Server) authorCalibrate(r *http.Request, u *certlab.User) (any, error) {
	var req authoring.CalibrationRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.Authoring.StartCalibration(r.Context(), u, req)
}

// RunView is a calibration run with its result once done.
type RunView struct {
	*certlab.CalibrationRun
	Result *authoring.Result `json:"result,omitempty"`
}

func (s *Server) authorRun(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	run, res, err := s.Authoring.Run(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	return &RunView{CalibrationRun: run, Result: res}, nil
}

func (s *Server) authorApply(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var req ReasonRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.Authoring.Apply(r.Context(), u, id, req.Reason)
}

func (s *Server) listCohorts(r *http.Request, u *certlab.User) (any, error) {
	return s.Cohorts.Cohorts(r.Context(), u)
}

func (s *Server) createCohort(r *http.Request, u *certlab.User) (any, error) {
	var req cohort.CreateRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.EndsAt.IsZero() {
		return nil, certlab.Errorf(certlab.EINVALID, "ends_at is required (RFC 3339, such as %s)", time.Now().UTC().Add(30*24*time.Hour).Format(time.RFC3339))
	}
	return s.Cohorts.Create(r.Context(), u, req)
}

func (s *Server) getCohort(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Cohorts.Overview(r.Context(), u, id)
}

func (s *Server) exportCohort(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := pathID(r, "id")
	if err != nil {
		s.error(w, r, err)
		return
	}
	b, err := s.Cohorts.CSV(r.Context(), u, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="cohort-%d.csv"`, id))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

func (s *Server) assign(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var req cohort.AssignRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.DueAt.IsZero() {
		return nil, certlab.Errorf(certlab.EINVALID, "due_at is required (RFC 3339)")
	}
	return s.Cohorts.Assign(r.Context(), u, id, req)
}

func (s *Server) removeMember(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	uid, err := pathID(r, "user")
	if err != nil {
		return nil, err
	}
	var req ReasonRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := s.Cohorts.RemoveMember(r.Context(), u, id, uid, req.Reason); err != nil {
		return nil, err
	}
	return map[string]any{"cohort_id": id, "user_id": uid, "removed": true}, nil
}

func (s *Server) myCohorts(r *http.Request, u *certlab.User) (any, error) {
	ms, err := s.Cohorts.Mine(r.Context(), u)
	if ms == nil && err == nil {
		ms = []*cohort.Membership{}
	}
	return ms, err
}

// JoinRequest joins a cohort by its code.
type JoinRequest struct {
	Code string `json:"code"`
}

func (s *Server) joinCohort(r *http.Request, u *certlab.User) (any, error) {
	var req JoinRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.Cohorts.Join(r.Context(), u, req.Code)
}

func (s *Server) leaveCohort(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := pathID(r, "id")
	if err == nil {
		err = s.Cohorts.Leave(r.Context(), u, id)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) myAssignments(r *http.Request, u *certlab.User) (any, error) {
	ts, err := s.Cohorts.Tasks(r.Context(), u)
	if ts == nil && err == nil {
		ts = []*cohort.Task{}
	}
	return ts, err
}

// StartedAssignment is an assignment just started, with the practice
// attempt it opened (practice sets).
type StartedAssignment struct {
	Assignment *certlab.Assignment `json:"assignment"`
	Attempt    *certlab.Attempt    `json:"attempt,omitempty"`
}

func (s *Server) startAssignment(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	a, at, err := s.Cohorts.Start(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	return &StartedAssignment{Assignment: a, Attempt: at}, nil
}

func (s *Server) completeAssignment(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Cohorts.CompleteModule(r.Context(), u, id)
}
