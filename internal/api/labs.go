package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/session"
)

// labRoutes registers the lab endpoints: every one needs a signed-in
// user; practice labs are study (refused during an exam), the lab
// questions of attempts are the candidate's own (internal/labrun checks
// that the section is open and the attempt theirs).
func (s *Server) labRoutes(mux Router) {
	user := session.RequireUser
	mux.HandleFunc("GET /api/v1/labs", user(s.notDuringExam(s.jsonHandler(http.StatusOK, s.listLabs))))
	mux.HandleFunc("GET /api/v1/labs/{lab}", user(s.notDuringExam(s.jsonHandler(http.StatusOK, s.getLab))))
	mux.HandleFunc("GET /api/v1/labs/{lab}/workspace", user(s.notDuringExam(s.labWorkspace)))
	mux.HandleFunc("GET /api/v1/labs/{lab}/hints", user(s.notDuringExam(s.jsonHandler(http.StatusOK, s.labHints))))
	mux.HandleFunc("GET /api/v1/labs/{lab}/solution", user(s.notDuringExam(s.labSolution)))
	mux.HandleFunc("POST /api/v1/labs/{lab}/submissions", user(s.notDuringExam(s.jsonHandler(http.StatusCreated, s.submitLab))))
	mux.HandleFunc("GET /api/v1/attempts/{id}/labs/{key}", user(s.notDuringExam(s.jsonHandler(http.StatusOK, s.getAttemptLab))))
	mux.HandleFunc("GET /api/v1/attempts/{id}/labs/{key}/workspace", user(s.notDuringExam(s.attemptLabWorkspace)))
	mux.HandleFunc("POST /api/v1/attempts/{id}/labs/{key}/submissions", user(s.notDuringExam(s.jsonHandler(http.StatusCreated, s.submitAttemptLab))))
}

func (s *Server) listLabs(r *http.Request, u *certlab.User) (any, error) {
	return s.Labs.PracticeLabs(r.Context(), u, r.URL.Query().Get("program"))
}

func (s *Server) getLab(r *http.Request, u *certlab.User) (any, error) {
	return s.Labs.PracticeLab(r.Context(), u, r.PathValue("lab"))
}

func (s *Server) labHints(r *http.Request, _ *certlab.User) (any, error) {
	return s.Labs.Hints(r.PathValue("lab"), r.URL.Query().Get("task"))
}

func (s *Server) labSolution(w http.ResponseWriter, r *http.Request, _ *certlab.User) {
	src, err := s.Labs.Solution(r.PathValue("lab"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, src)
}

func (s *Server) labWorkspace(w http.ResponseWriter, r *http.Request, _ *certlab.User) {
	b, err := s.Labs.PracticeWorkspace(r.Context(), r.PathValue("lab"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeArchive(w, r.PathValue("lab")+".tar.gz", b)
}

func (s *Server) attemptLabWorkspace(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := pathID(r, "id")
	if err != nil {
		s.error(w, r, err)
		return
	}
	b, name, err := s.Labs.AttemptWorkspace(r.Context(), u, id, r.PathValue("key"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeArchive(w, name, b)
}

// writeArchive sends a starting workspace as a download.
func writeArchive(w http.ResponseWriter, name string, b []byte) {
	w.Header().Set("Content-Type", "application/gzip")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

// uploadTypes are the content types a workspace upload may declare: the
// body is the archive or bundle itself, and its first bytes say which.
var uploadTypes = []string{"application/gzip", "application/x-gzip", "application/x-tar+gzip", "application/zip",
	"application/x-zip-compressed", "application/x-git-bundle", "application/octet-stream"}

// upload checks a submission request's content type and bounds its body.
func (s *Server) upload(r *http.Request) error {
	ct := strings.TrimSpace(strings.SplitN(r.Header.Get("Content-Type"), ";", 2)[0])
	ok := false
	for _, t := range uploadTypes {
		if strings.EqualFold(ct, t) {
			ok = true
		}
	}
	if !ok {
		if ct == "" {
			ct = "none"
		}
		return certlab.Errorf(certlab.EINVALID, "a workspace is uploaded as the request body with Content-Type %s, not %s", strings.Join(uploadTypes, ", "), ct)
	}
	r.Body = http.MaxBytesReader(nil, r.Body, s.Labs.Limits().MaxUpload+1)
	return nil
}

func (s *Server) submitLab(r *http.Request, u *certlab.User) (any, error) {
	if err := s.upload(r); err != nil {
		return nil, err
	}
	return s.Labs.SubmitPractice(r.Context(), u, r.PathValue("lab"), r.Body)
}

func (s *Server) getAttemptLab(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Labs.AttemptLab(r.Context(), u, id, r.PathValue("key"))
}

func (s *Server) submitAttemptLab(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	if err := s.upload(r); err != nil {
		return nil, err
	}
	return s.Labs.SubmitAttempt(r.Context(), u, id, r.PathValue("key"), r.Body)
}
