package web

import (
	"context"
	"fmt"
	"html/template"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/authoring"
	"github.com/certlab/certlab/internal/cohort"
)

// consoleFuncs are the template functions of the console pages.
func (h *Handler) consoleFuncs() template.FuncMap {
	return template.FuncMap{
		"cohortTasks":  h.cohortTasks,
		"consoleLinks": consoleLinks,
		// num shows a statistic with prec decimals, "–" when missing.
		"num": func(v authoring.Num, prec int) string {
			if v.Missing() {
				return "–"
			}
			return fmt.Sprintf("%.*f", prec, float64(v))
		},
		"pct": func(v authoring.Num) string {
			if v.Missing() {
				return "–"
			}
			return fmt.Sprintf("%.0f %%", 100*float64(v))
		},
		"deref64": func(p *float64) float64 { return *p },
		"deref32": func(p *int) int { return *p },
		"derefb":  func(p *bool) bool { return *p },
	}
}

// consoleRoutes lists the pages of the author and instructor consoles and
// the candidates' cohort page. Every route checks the role on the server:
// author (authors and admins), instructor (instructors and admins), or a
// signed-in user.
func (h *Handler) consoleRoutes(mux router) {
	mux.HandleFunc("GET /author", h.author(h.authorBrowse))
	mux.HandleFunc("GET /author/lint", h.author(h.authorLint))
	mux.HandleFunc("GET /author/items/{exam}/{item}", h.author(h.authorItem))
	mux.HandleFunc("POST /author/items/{exam}/{item}/flag", h.author(h.authorFlag))
	mux.HandleFunc("POST /author/items/{exam}/{item}/retire", h.author(h.authorRetire))
	mux.HandleFunc("GET /author/cases/{exam}/{case}", h.author(h.authorCase))
	mux.HandleFunc("GET /author/modules/{program}/{module}", h.author(h.authorModule))
	mux.HandleFunc("GET /author/labs/{lab}", h.author(h.authorLab))
	mux.HandleFunc("GET /author/analysis", h.author(h.authorAnalysis))
	mux.HandleFunc("POST /author/calibrations", h.author(h.authorCalibrate))
	mux.HandleFunc("GET /author/calibrations/{id}", h.author(h.authorRun))
	mux.HandleFunc("GET /author/calibrations/{id}/report", h.author(h.authorReport))
	mux.HandleFunc("POST /author/calibrations/{id}/apply", h.author(h.authorApply))

	mux.HandleFunc("GET /instructor", h.instructor(h.instructorHome))
	mux.HandleFunc("POST /instructor/cohorts", h.instructor(h.instructorCreate))
	mux.HandleFunc("GET /instructor/cohorts/{id}", h.instructor(h.instructorCohort))
	mux.HandleFunc("POST /instructor/cohorts/{id}/assignments", h.instructor(h.instructorAssign))
	mux.HandleFunc("POST /instructor/cohorts/{id}/members/{user}/remove", h.instructor(h.instructorRemove))
	mux.HandleFunc("GET /instructor/cohorts/{id}/export.csv", h.instructor(h.instructorExport))

	mux.HandleFunc("GET /cohorts", h.cohorts(h.notDuringExam(h.cohortsPage)))
	mux.HandleFunc("GET /cohorts/join", h.cohorts(h.notDuringExam(h.cohortsPage)))
	mux.HandleFunc("POST /cohorts/join", h.cohorts(h.notDuringExam(h.cohortsJoin)))
	mux.HandleFunc("POST /cohorts/{id}/leave", h.cohorts(h.notDuringExam(h.cohortsLeave)))
	mux.HandleFunc("POST /cohorts/assignments/{id}/start", h.cohorts(h.notDuringExam(h.cohortsStart)))
	mux.HandleFunc("POST /cohorts/assignments/{id}/done", h.cohorts(h.notDuringExam(h.cohortsDone)))
}

// cohortTasks lists the open assignments of a candidate's cohorts for the
// dashboard's "assignments" partial (templates/parts/assignments.html);
// nothing while the candidate takes an exam. A failure is logged and
// shows nothing: the dashboard does not depend on it.
func (h *Handler) cohortTasks(u *certlab.User) []*cohort.Task {
	if h.cfg.Cohorts == nil || u == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if open, err := h.cfg.Engine.OpenExamAttempt(ctx, u.ID); err != nil || open != nil {
		return nil
	}
	ts, err := h.cfg.Cohorts.Tasks(ctx, u)
	if err != nil {
		h.cfg.Logger.Error("dashboard assignments", "user", u.ID, "err", err)
		return nil
	}
	return ts
}

// consoleLinks lists the consoles a user's role opens, for the header.
func consoleLinks(u *certlab.User) []navLink {
	if u == nil {
		return nil
	}
	var out []navLink
	if u.Role == certlab.RoleAuthor || u.Role == certlab.RoleAdmin {
		out = append(out, navLink{"/author", "Author"})
	}
	if u.Role == certlab.RoleInstructor || u.Role == certlab.RoleAdmin {
		out = append(out, navLink{"/instructor", "Instructor"})
	}
	return append(out, navLink{"/cohorts", "Cohorts"})
}

type navLink struct{ URL, Label string }
