package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/cohort"
)

// The instructor console (/instructor…): cohorts, their members'
// progress, assignments and the CSV export; and the candidates' cohort
// page (/cohorts): join, leave, start and complete assignments.

func (h *Handler) instructor(next func(http.ResponseWriter, *http.Request, *certlab.User)) http.HandlerFunc {
	return h.withRole(func(w http.ResponseWriter, r *http.Request, u *certlab.User) {
		if h.cfg.Cohorts == nil {
			h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "cohorts are not available on this server"))
			return
		}
		next(w, r, u)
	}, certlab.RoleInstructor, certlab.RoleAdmin)
}

func (h *Handler) cohorts(next func(http.ResponseWriter, *http.Request, *certlab.User)) http.HandlerFunc {
	return h.signedIn(func(w http.ResponseWriter, r *http.Request, u *certlab.User) {
		if h.cfg.Cohorts == nil {
			h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "cohorts are not available on this server"))
			return
		}
		next(w, r, u)
	})
}

type instructorData struct {
	Cohorts []*certlab.Cohort
	Exams   []*certlab.Exam
	Now     time.Time
	Form    formValues
}

// formValues holds the values of a refused form so it is shown again filled in.
type formValues map[string]string

// pathInt reads a positive integer path value.
func pathInt(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, certlab.Errorf(certlab.ENOTFOUND, "no %s %q", what, r.PathValue(name))
	}
	return id, nil
}

// parseDate reads a date (YYYY-MM-DD, the end of that day in UTC) or a
// date and time (YYYY-MM-DDTHH:MM, UTC) from a form.
func parseDate(what, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, certlab.Errorf(certlab.EINVALID, "%s is required", what)
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t.Add(24*time.Hour - time.Minute), nil
	}
	for _, layout := range []string{"2006-01-02T15:04", time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, certlab.Errorf(certlab.EINVALID, "%s %q is not a date (YYYY-MM-DD)", what, v)
}

func (h *Handler) examsWithOwnBank() []*certlab.Exam {
	var out []*certlab.Exam
	for _, p := range h.cfg.Catalog.Programs {
		for _, ex := range p.Exams {
			if ex.Bank == "" {
				out = append(out, ex)
			}
		}
	}
	return out
}

// instructorHome lists the instructor's cohorts with the form that
// creates one.
func (h *Handler) instructorHome(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderInstructorHome(w, r, u, http.StatusOK, "")
}

func (h *Handler) renderInstructorHome(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, msg string) {
	cs, err := h.cfg.Cohorts.Cohorts(r.Context(), u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := instructorData{Cohorts: cs, Exams: h.examsWithOwnBank(), Now: h.cfg.Engine.Now().UTC(), Form: formValues{}}
	if r.Method == http.MethodPost {
		for _, k := range []string{"name", "exam", "ends"} {
			d.Form[k] = r.PostFormValue(k)
		}
	}
	h.render(w, r, status, "instructor_home", page{Title: "Instructor console", Error: msg, Data: d})
}

// instructorCreate creates a cohort.
func (h *Handler) instructorCreate(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	ends, err := parseDate("the end date", r.PostFormValue("ends"))
	if err == nil {
		var c *certlab.Cohort
		c, err = h.cfg.Cohorts.Create(r.Context(), u, cohort.CreateRequest{Name: r.PostFormValue("name"), Exam: r.PostFormValue("exam"), EndsAt: ends})
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("/instructor/cohorts/%d", c.ID), http.StatusSeeOther)
			return
		}
	}
	if certlab.ErrorCode(err) == certlab.ENOTFOUND { // an unknown exam is bad input here
		err = certlab.Errorf(certlab.EINVALID, "%s", certlab.ErrorMessage(err))
	}
	h.formError(w, r, u, err, h.renderInstructorHome)
}

type cohortData struct {
	*cohort.Overview
	Exam     *certlab.Exam
	Modules  []*certlab.Module
	JoinLink string
	Form     formValues
}

// instructorCohort shows a cohort: its code and join link, members with
// their progress, assignments, and the forms that assign and remove.
func (h *Handler) instructorCohort(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderCohort(w, r, u, http.StatusOK, "")
}

func (h *Handler) renderCohort(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, msg string) {
	id, err := pathInt(r, "id", "cohort")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	o, err := h.cfg.Cohorts.Overview(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := cohortData{Overview: o, Modules: h.cfg.Cohorts.Modules(o.Cohort.ExamID), Form: formValues{},
		JoinLink: "/cohorts/join?code=" + o.Cohort.Code}
	d.Exam, _ = h.cfg.Catalog.Exam(o.Cohort.ExamID)
	if r.Method == http.MethodPost {
		for _, k := range []string{"kind", "module", "domain", "count", "due"} {
			d.Form[k] = r.PostFormValue(k)
		}
	}
	h.render(w, r, status, "instructor_cohort", page{Title: "Cohort " + o.Cohort.Name, Error: msg, Data: d})
}

// instructorAssign assigns a module or a practice set.
func (h *Handler) instructorAssign(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := pathInt(r, "id", "cohort")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req := cohort.AssignRequest{Kind: r.PostFormValue("kind"), Module: r.PostFormValue("module"), Domain: r.PostFormValue("domain")}
	if req.Kind == certlab.AssignPractice {
		if req.Count, err = strconv.Atoi(strings.TrimSpace(r.PostFormValue("count"))); err != nil {
			err = certlab.Errorf(certlab.EINVALID, "the number of questions %q is not a whole number", r.PostFormValue("count"))
		}
	}
	if err == nil {
		req.DueAt, err = parseDate("the due date", r.PostFormValue("due"))
	}
	if err == nil {
		_, err = h.cfg.Cohorts.Assign(r.Context(), u, id, req)
	}
	if err != nil {
		h.formError(w, r, u, err, h.renderCohort)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/instructor/cohorts/%d#assignments", id), http.StatusSeeOther)
}

// instructorRemove takes a member out of a cohort, with the reason.
func (h *Handler) instructorRemove(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := pathInt(r, "id", "cohort")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	uid, err := pathInt(r, "user", "member")
	if err == nil {
		err = h.cfg.Cohorts.RemoveMember(r.Context(), u, id, uid, r.PostFormValue("reason"))
	}
	if err != nil {
		h.formError(w, r, u, err, h.renderCohort)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/instructor/cohorts/%d#members", id), http.StatusSeeOther)
}

// instructorExport downloads the cohort's progress as CSV.
func (h *Handler) instructorExport(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := pathInt(r, "id", "cohort")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	b, err := h.cfg.Cohorts.CSV(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="cohort-%d.csv"`, id))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

type cohortsData struct {
	Memberships []*cohort.Membership
	Code        string
	Joining     *certlab.Cohort
}

// cohortsPage lists the cohorts the user is in, their assignments and the
// join form (filled in from a join link's ?code=).
func (h *Handler) cohortsPage(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderCohorts(w, r, u, http.StatusOK, "")
}

func (h *Handler) renderCohorts(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, msg string) {
	ms, err := h.cfg.Cohorts.Mine(r.Context(), u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := cohortsData{Memberships: ms, Code: cohort.NormalizeCode(r.FormValue("code"))}
	h.render(w, r, status, "cohorts", page{Title: "Your cohorts", Error: msg, Data: d})
}

// cohortsJoin joins the cohort with the posted code.
func (h *Handler) cohortsJoin(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	c, err := h.cfg.Cohorts.Join(r.Context(), u, r.PostFormValue("code"))
	if err != nil {
		if certlab.ErrorCode(err) == certlab.ENOTFOUND {
			err = certlab.Errorf(certlab.EINVALID, "%s", certlab.ErrorMessage(err))
		}
		h.formError(w, r, u, err, h.renderCohorts)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/cohorts#cohort-%d", c.ID), http.StatusSeeOther)
}

// cohortsLeave leaves a cohort.
func (h *Handler) cohortsLeave(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := pathInt(r, "id", "cohort")
	if err == nil {
		err = h.cfg.Cohorts.Leave(r.Context(), u, id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/cohorts", http.StatusSeeOther)
}

// cohortsStart starts an assignment: a module opens its page, a practice
// set starts.
func (h *Handler) cohortsStart(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := pathInt(r, "id", "assignment")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	a, at, err := h.cfg.Cohorts.Start(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if at != nil {
		http.Redirect(w, r, fmt.Sprintf("/attempts/%d", at.ID), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/programs/"+a.ProgramID+"/modules/"+a.ModuleID, http.StatusSeeOther)
}

// cohortsDone marks a module assignment read.
func (h *Handler) cohortsDone(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := pathInt(r, "id", "assignment")
	if err == nil {
		_, err = h.cfg.Cohorts.CompleteModule(r.Context(), u, id)
	}
	if err != nil {
		h.formError(w, r, u, err, h.renderCohorts)
		return
	}
	next := safeNext(r.PostFormValue("next"))
	if r.PostFormValue("next") == "" {
		next = "/cohorts"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
