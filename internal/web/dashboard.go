package web

import (
	"fmt"
	"html/template"
	"net/http"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/chart"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/pathway"
	"github.com/certlab/certlab/internal/session"
	"github.com/certlab/certlab/internal/study"
)

type dashboardData struct {
	Programs []programCard
	Attempts []attemptRow
	// OpenExam is the exam the candidate is taking; the dashboard then
	// shows only it.
	OpenExam      *certlab.Attempt
	OpenExamTitle string
	// Pathways: the way to each credential (portal.go, parts/pathway.html).
	Pathways []*pathway.Pathway
	// Credentials are the candidate's credentials with their renewal
	// windows (templates/parts/credentials.html).
	Credentials []credential.WalletEntry
}

type programCard struct {
	Program *certlab.Program
	Exams   []examCard
}

type examCard struct {
	Exam            *certlab.Exam
	HasReadiness    bool
	PassProbability float64
	Provisional     bool
	Answers         int
	Chart           template.HTML
	Due             int
	Domains         []*certlab.Domain
}

type attemptRow struct {
	Attempt *certlab.Attempt
	Title   string
	Open    bool
}

// dashboard is the start page: programs and exams with readiness and due
// reviews, and the latest attempts.
func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request) {
	u := session.UserFrom(r.Context())
	if u == nil {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	ctx := r.Context()
	var d dashboardData
	// While an exam is open the dashboard shows it alone: study waits.
	open, err := h.cfg.Engine.OpenExamAttempt(ctx, u.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if open != nil {
		d.OpenExam = open
		if ex, err := h.cfg.Catalog.Exam(open.ExamID); err == nil {
			d.OpenExamTitle = ex.Title
		}
		h.render(w, r, http.StatusOK, "dashboard", page{Title: "Dashboard", Data: d})
		return
	}
	if d.Pathways, err = h.pathways(r, u); err != nil {
		h.fail(w, r, err)
		return
	}
	for _, p := range h.cfg.Catalog.Programs {
		pc := programCard{Program: p}
		for _, ex := range p.Exams {
			ec := examCard{Exam: ex, Domains: ex.Current().Domains}
			if h.cfg.Study != nil {
				rd, err := h.cfg.Study.Readiness(ctx, u, ex.ID)
				if err != nil {
					h.fail(w, r, fmt.Errorf("readiness for %s: %w", ex.ID, err))
					return
				}
				ec.HasReadiness, ec.PassProbability, ec.Provisional, ec.Answers = rd.Answers > 0, rd.PassProbability, rd.Provisional, rd.Answers
				if rd.Answers > 0 {
					ec.Chart = template.HTML(study.ReadinessChart(rd))
				}
				due, err := h.cfg.Study.DueItems(ctx, u.ID, ex.ID)
				if err != nil {
					h.fail(w, r, fmt.Errorf("due reviews for %s: %w", ex.ID, err))
					return
				}
				ec.Due = len(due)
			}
			pc.Exams = append(pc.Exams, ec)
		}
		d.Programs = append(d.Programs, pc)
	}
	if d.Credentials, err = h.dashboardCredentials(ctx, u); err != nil {
		h.fail(w, r, err)
		return
	}
	attempts, err := h.cfg.Engine.Attempts(ctx, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for i, a := range attempts {
		if i == 10 {
			break
		}
		row := attemptRow{Attempt: a, Title: a.ExamID, Open: a.Status == certlab.StatusStarted || a.Status == certlab.StatusCreated}
		if ex, err := h.cfg.Catalog.Exam(a.ExamID); err == nil {
			row.Title = ex.Title
		}
		d.Attempts = append(d.Attempts, row)
	}
	h.render(w, r, http.StatusOK, "dashboard", page{Title: "Dashboard", Data: d})
}

// reportChart draws a report's skill areas as bars.
func reportChart(rep *certlab.Report) template.HTML {
	var bars []chart.Bar
	for _, d := range rep.Domains {
		bars = append(bars, chart.Bar{Label: d.Name, Value: d.Points, Max: d.MaxPoints, Note: fmt.Sprintf("%.0f %% %s", d.Percent, d.Strength)})
	}
	verdict := "Fail"
	if rep.Passed {
		verdict = "Pass"
	}
	return template.HTML(chart.Bars(fmt.Sprintf("%s: %d (%s)", rep.ExamID, rep.ScaledScore, verdict),
		fmt.Sprintf("Passing score %d. Bars show relative strength by skill area.", rep.PassingScore), bars, 0))
}
