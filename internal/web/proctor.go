package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/audit"
	"github.com/certlab/certlab/internal/proctor"
	"github.com/certlab/certlab/internal/schedule"
)

// The proctor console: the day's and upcoming appointments, check-in with
// identity attestation and admission, live sittings (refreshed without a
// reload by a small script, by the page's own refresh without it), and
// what a proctor does to a sitting: pause, resume, incidents, ending it
// for misconduct.

// liveRefresh is how often the live sittings refresh, in seconds.
const liveRefresh = 10

type dayData struct {
	console
	Today    []schedule.RosterEntry
	Upcoming []schedule.RosterEntry
	Live     int
	Day      time.Time
}

func (h *Handler) proctorDay(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	if h.cfg.Schedule == nil {
		h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "scheduling is not enabled on this server"))
		return
	}
	now := h.cfg.Engine.Now().UTC()
	day := now.Truncate(24 * time.Hour)
	entries, err := h.cfg.Schedule.Roster(r.Context(), u, day, day.AddDate(0, 0, 8))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := dayData{console: console{Nav: "day", Notice: notice(r)}, Day: day}
	for _, e := range entries {
		if e.Sitting.StartsAt.Before(day.AddDate(0, 0, 1)) {
			d.Today = append(d.Today, e)
		} else {
			d.Upcoming = append(d.Upcoming, e)
		}
	}
	live, err := h.cfg.Staff.Proctor.Sittings(r.Context(), u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Live = len(live)
	h.render(w, r, http.StatusOK, "proctor_day", page{Title: "Proctoring: appointments", Data: d})
}

type appointmentData struct {
	console
	E        *schedule.RosterEntry
	Checker  string
	Admitter string
	Open     bool
	Opens    time.Time
	Closes   time.Time
	Suggest  string // accommodations granted, to confirm at check-in
}

func (h *Handler) proctorAppointment(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderAppointment(w, r, u, http.StatusOK, "")
}

func (h *Handler) renderAppointment(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, msg string) {
	if h.cfg.Schedule == nil {
		h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "scheduling is not enabled on this server"))
		return
	}
	id, err := pathInt64(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	e, err := h.cfg.Schedule.RosterEntry(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := h.cfg.Engine.Now().UTC()
	d := appointmentData{console: console{Nav: "day", Notice: notice(r)}, E: e,
		Opens: e.Sitting.StartsAt.Add(-schedule.CheckInOpens), Closes: e.Sitting.StartsAt.Add(schedule.CheckInCloses)}
	d.Open = !now.Before(d.Opens) && !now.After(d.Closes)
	who := audit.ActorNames(r.Context(), h.cfg.Store)
	if e.CheckIn != nil {
		d.Checker = who(e.CheckIn.CheckedBy)
	}
	if e.Appointment.AdmittedBy != nil {
		d.Admitter = who(*e.Appointment.AdmittedBy)
	}
	if e.Candidate.ExtraTimePct > 0 {
		d.Suggest = fmt.Sprintf("extra time %d %%", e.Candidate.ExtraTimePct)
	}
	h.render(w, r, status, "proctor_appointment", page{Title: "Appointment " + e.Candidate.Email, Error: msg, Data: d})
}

func (h *Handler) proctorAppointmentAction(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	if h.cfg.Schedule == nil {
		h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "scheduling is not enabled on this server"))
		return
	}
	id, err := pathInt64(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var ok string
	switch action := r.PathValue("action"); action {
	case "check-in":
		_, _, err = h.cfg.Schedule.Attest(r.Context(), u, id, schedule.Attestation{IdentitySeen: r.PostFormValue("identity_seen"),
			Note: r.PostFormValue("note"), Accommodations: r.PostFormValue("accommodations")})
		ok = "checked-in"
	case "admit":
		_, err = h.cfg.Schedule.Admit(r.Context(), u, id, r.PostFormValue("note"))
		ok = "admitted"
	default:
		err = unknownAction(action)
	}
	if err != nil {
		h.renderError(w, r, err, func(status int, msg string) { h.renderAppointment(w, r, u, status, msg) })
		return
	}
	done(w, r, fmt.Sprintf("/proctor/appointments/%d", id), ok)
}

type liveData struct {
	console
	Sittings []proctor.Sitting
	Refresh  int
	At       time.Time
}

func (h *Handler) proctorLive(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	ss, err := h.cfg.Staff.Proctor.Sittings(r.Context(), u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "proctor_live", page{Title: "Live sittings", LiveRefresh: liveRefresh,
		Data: liveData{console: console{Nav: "live", Notice: notice(r)}, Sittings: ss, Refresh: liveRefresh, At: h.cfg.Engine.Now().UTC()}})
}

type sittingData struct {
	console
	S       *proctor.Sitting
	Log     []auditRow
	Exam    string
	Live    bool
	Paused  bool
	Refresh int
	At      time.Time
}

func (h *Handler) proctorSitting(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderSitting(w, r, u, http.StatusOK, "")
}

func (h *Handler) renderSitting(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, msg string) {
	id, err := pathInt64(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	s, err := h.cfg.Staff.Proctor.SittingOf(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	log, err := h.cfg.Staff.Proctor.Incidents(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := sittingData{console: console{Nav: "live", Notice: notice(r)}, S: s, Log: h.auditRows(r.Context(), log), Exam: s.ExamID,
		Live: s.Status == certlab.StatusStarted || s.Status == certlab.StatusPaused, Paused: s.Status == certlab.StatusPaused,
		Refresh: liveRefresh, At: h.cfg.Engine.Now().UTC()}
	if ex, err := h.cfg.Catalog.Exam(s.ExamID); err == nil {
		d.Exam = ex.Title
	}
	h.render(w, r, status, "proctor_sitting", page{Title: "Sitting " + s.Email, Error: msg, Data: d})
}

func (h *Handler) proctorSittingAction(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := pathInt64(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, reason := h.cfg.Staff.Proctor, r.PostFormValue("reason")
	var ok string
	switch action := r.PathValue("action"); action {
	case "pause":
		_, err = p.Pause(r.Context(), u, id, reason)
		ok = "paused"
	case "resume":
		_, err = p.Resume(r.Context(), u, id, reason)
		ok = "resumed"
	case "incidents":
		_, err = p.LogIncident(r.Context(), u, id, r.PostFormValue("note"))
		ok = "incident"
	case "end":
		if strings.TrimSpace(r.PostFormValue("confirm")) != "void" {
			err = certlab.Errorf(certlab.EINVALID, "confirm: tick the box to confirm that the attempt is voided and not scored")
			break
		}
		_, err = p.End(r.Context(), u, id, reason)
		ok = "ended"
	default:
		err = unknownAction(action)
	}
	if err != nil {
		h.renderError(w, r, err, func(status int, msg string) { h.renderSitting(w, r, u, status, msg) })
		return
	}
	done(w, r, fmt.Sprintf("/proctor/attempts/%d", id), ok)
}
