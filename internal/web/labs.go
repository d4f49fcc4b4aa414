package web

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/labrun"
)

// labRoutes lists the lab pages: practice labs are study pages (they wait
// while the candidate takes an exam); the lab questions of an attempt are
// its own pages.
func (h *Handler) labRoutes(mux router) {
	mux.HandleFunc("GET /programs/{id}/labs", h.signedIn(h.notDuringExam(h.labList)))
	mux.HandleFunc("GET /labs/{lab}", h.signedIn(h.notDuringExam(h.labPage)))
	mux.HandleFunc("GET /labs/{lab}/workspace", h.signedIn(h.notDuringExam(h.labWorkspace)))
	mux.HandleFunc("POST /labs/{lab}/submissions", h.signedIn(h.notDuringExam(h.labSubmit)))
	mux.HandleFunc("GET /attempts/{id}/labs/{key}", h.signedIn(h.notDuringExam(h.attemptLabPage)))
	mux.HandleFunc("GET /attempts/{id}/labs/{key}/workspace", h.signedIn(h.notDuringExam(h.attemptLabWorkspace)))
	mux.HandleFunc("POST /attempts/{id}/labs/{key}/submissions", h.signedIn(h.notDuringExam(h.attemptLabSubmit)))
}

type labListData struct {
	Program *certlab.Program
	Labs    []labrun.Summary
}

// labList lists a program's practice labs with the candidate's results.
func (h *Handler) labList(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	p, err := h.cfg.Catalog.Program(r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	labs, err := h.cfg.Labs.PracticeLabs(r.Context(), u, p.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "labs", page{Title: "Hands-on labs: " + p.Name, Data: labListData{Program: p, Labs: labs}})
}

type labPageData struct {
	Lab     *labrun.PracticeLab
	Program *certlab.Program
	// Hint is the task whose hint was asked for ("all" for every task).
	Hint  string
	Hints map[string]string
	Limit int64 // MB an upload may have
	// States are the tasks' verdicts in the latest submission.
	States map[string]*labrun.TaskVerdict
}

// labPage shows a practice lab: the ticket, the tasks with their state
// from the latest submission, the download, the commands, the upload form
// and the verdicts. ?hint=TASK (or all) shows hints.
func (h *Handler) labPage(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderLab(w, r, u, http.StatusOK, "")
}

func (h *Handler) renderLab(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, msg string) {
	pl, err := h.cfg.Labs.PracticeLab(r.Context(), u, r.PathValue("lab"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := labPageData{Lab: pl, Limit: h.cfg.Labs.Limits().MaxUpload >> 20, Hint: r.URL.Query().Get("hint")}
	d.Program, _ = h.cfg.Catalog.Program(pl.Info.Program)
	d.States = map[string]*labrun.TaskVerdict{}
	if pl.Latest != nil {
		for i, t := range pl.Latest.Tasks {
			d.States[t.ID] = &pl.Latest.Tasks[i]
		}
	}
	if d.Hint != "" {
		task := d.Hint
		if task == "all" {
			task = ""
		}
		hints, err := h.cfg.Labs.Hints(pl.Info.ID, task)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Hints = map[string]string{}
		for _, hn := range hints {
			d.Hints[hn.Task] = hn.Hint
		}
	}
	h.render(w, r, status, "lab", page{Title: pl.Info.Title, Error: msg, Data: d})
}

func (h *Handler) labWorkspace(w http.ResponseWriter, r *http.Request, _ *certlab.User) {
	b, err := h.cfg.Labs.PracticeWorkspace(r.Context(), r.PathValue("lab"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sendArchive(w, r.PathValue("lab")+".tar.gz", b)
}

func sendArchive(w http.ResponseWriter, name string, b []byte) {
	w.Header().Set("Content-Type", "application/gzip")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

// uploadedWorkspace is the file of a posted upload form's "workspace" field.
func uploadedWorkspace(r *http.Request) (multipart.File, error) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return nil, certlab.Errorf(certlab.EINVALID, "the upload could not be read (%v): choose the workspace archive and send the form again", err)
	}
	f, _, err := r.FormFile("workspace")
	if err != nil {
		return nil, certlab.Errorf(certlab.EINVALID, "choose the workspace archive (.tar.gz or .zip) or git bundle to upload")
	}
	return f, nil
}

// labSubmit grades an uploaded workspace and shows the lab page with the
// verdicts; a refused upload shows why, and the earlier verdicts stay.
func (h *Handler) labSubmit(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	f, err := uploadedWorkspace(r)
	if err == nil {
		defer f.Close()
		_, err = h.cfg.Labs.SubmitPractice(r.Context(), u, r.PathValue("lab"), io.Reader(f))
	}
	if err != nil {
		if certlab.ErrorCode(err) != certlab.EINVALID {
			h.fail(w, r, err)
			return
		}
		h.renderLab(w, r, u, http.StatusBadRequest, certlab.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/labs/"+url.PathEscape(r.PathValue("lab"))+"#verdicts", http.StatusSeeOther)
}

type attemptLabData struct {
	View    *exam.AttemptView
	Section *exam.SectionView
	Lab     *labrun.AttemptLab
	Labs    []labLink // every lab of the section
	LastSec bool
	Limit   int64
}

type labLink struct {
	Key, Title string
	Current    bool
}

// attemptLabPage shows a lab question of the open section: the ticket,
// the tasks, the download and commands, the upload form and the latest
// submission (its verdicts in practice; an acknowledgement in an exam).
func (h *Handler) attemptLabPage(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderAttemptLab(w, r, u, http.StatusOK, "")
}

func (h *Handler) renderAttemptLab(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, msg string) {
	v, sec, ok := h.openView(w, r, u)
	if !ok {
		return
	}
	key := r.PathValue("key")
	al, err := h.cfg.Labs.AttemptLab(r.Context(), u, v.ID, key)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := attemptLabData{View: v, Section: sec, Lab: al, LastSec: sec.Index == len(v.Sections)-1, Limit: h.cfg.Labs.Limits().MaxUpload >> 20}
	for _, q := range sec.Questions {
		title := q.Item.Lab
		if l, ok := h.cfg.Labs.Labs().Labs[q.Item.Lab]; ok {
			title = l.Title
		}
		d.Labs = append(d.Labs, labLink{Key: q.Key, Title: title, Current: q.Key == key})
	}
	h.render(w, r, status, "attemptlab", page{Title: al.Info.Title + ": " + v.ExamTitle, Error: msg, Data: d})
}

func (h *Handler) attemptLabWorkspace(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := attemptID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	b, name, err := h.cfg.Labs.AttemptWorkspace(r.Context(), u, id, r.PathValue("key"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sendArchive(w, name, b)
}

func (h *Handler) attemptLabSubmit(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := attemptID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := uploadedWorkspace(r)
	var note string
	if err == nil {
		defer f.Close()
		var v *labrun.Verdict
		if v, err = h.cfg.Labs.SubmitAttempt(r.Context(), u, id, r.PathValue("key"), f); err == nil && !v.Submission.Counted {
			note = v.Note
		}
	}
	switch code := certlab.ErrorCode(err); {
	case err == nil && note != "":
		h.fail(w, r, certlab.Errorf(certlab.ESECTIONCLOSED, "%s", note))
	case err == nil:
		http.Redirect(w, r, fmt.Sprintf("/attempts/%d/labs/%s#latest", id, url.PathEscape(r.PathValue("key"))), http.StatusSeeOther)
	case code == certlab.EINVALID:
		h.renderAttemptLab(w, r, u, http.StatusBadRequest, certlab.ErrorMessage(err))
	default:
		h.fail(w, r, err)
	}
}
