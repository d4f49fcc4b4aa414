package api

import (
	"fmt"
	"net/http"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/chart"
	"github.com/certlab/certlab/internal/session"
	"github.com/certlab/certlab/internal/study"
)

// requireStudy answers endpoints that need the study service with
// not-found when it is disabled.
func (s *Server) requireStudy(h session.UserHandler) session.UserHandler {
	return func(w http.ResponseWriter, r *http.Request, u *certlab.User) {
		if s.Study == nil {
			s.error(w, r, certlab.Errorf(certlab.ENOTFOUND, "study features are not enabled"))
			return
		}
		h(w, r, u)
	}
}

func (s *Server) getReadiness(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	rd, err := s.Study.Readiness(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rd)
}

func writeSVG(w http.ResponseWriter, svg string) {
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	fmt.Fprint(w, svg)
}

func (s *Server) getReadinessChart(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	rd, err := s.Study.Readiness(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeSVG(w, study.ReadinessChart(rd))
}

func (s *Server) getDue(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	ids, err := s.Study.DueItems(r.Context(), u.ID, r.PathValue("id"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"exam": r.PathValue("id"), "count": len(ids), "items": ids})
}

func (s *Server) getReportChart(w http.ResponseWriter, r *http.Request, u *certlab.User) {
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
	var bars []chart.Bar
	for _, d := range rep.Domains {
		bars = append(bars, chart.Bar{Label: d.Name, Value: d.Points, Max: d.MaxPoints, Note: fmt.Sprintf("%.0f %% %s", d.Percent, d.Strength)})
	}
	verdict := "Fail"
	if rep.Passed {
		verdict = "Pass"
	}
	writeSVG(w, chart.Bars(fmt.Sprintf("%s: %d (%s)", rep.ExamID, rep.ScaledScore, verdict),
		fmt.Sprintf("Passing score %d. Bars show relative strength by skill area.", rep.PassingScore), bars, 0))
}
