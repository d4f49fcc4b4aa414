package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/pathway"
	"github.com/certlab/certlab/internal/schedule"
)

// The candidate's portal: the pathway on the dashboard, exam
// appointments (book, reschedule, cancel, check in, start) and
// accommodation requests. The exam sandbox is in sandbox.go.

// portalRoutes registers the portal's pages; routes() calls it.
func (h *Handler) portalRoutes(mux router) {
	if h.cfg.Schedule != nil {
		mux.HandleFunc("GET /appointments", h.signedIn(h.notDuringExam(h.appointmentsPage)))
		mux.HandleFunc("POST /appointments", h.signedIn(h.notDuringExam(h.book)))
		mux.HandleFunc("POST /appointments/{id}/reschedule", h.signedIn(h.notDuringExam(h.appointmentAction("rescheduled"))))
		mux.HandleFunc("POST /appointments/{id}/cancel", h.signedIn(h.notDuringExam(h.appointmentAction("cancelled"))))
		mux.HandleFunc("POST /appointments/{id}/check-in", h.signedIn(h.notDuringExam(h.appointmentAction("checked-in"))))
		mux.HandleFunc("GET /accommodations", h.signedIn(h.notDuringExam(h.accommodationsPage)))
		mux.HandleFunc("POST /accommodations", h.signedIn(h.notDuringExam(h.requestAccommodation)))
		mux.HandleFunc("POST /accommodations/{id}/withdraw", h.signedIn(h.notDuringExam(h.withdrawAccommodation)))
	}
	h.sandboxRoutes(mux)
}

// pathways builds the candidate's pathways for the dashboard.
func (h *Handler) pathways(r *http.Request, u *certlab.User) ([]*pathway.Pathway, error) {
	src := pathway.Source{Store: h.cfg.Store, Catalog: h.cfg.Catalog, Now: h.now, CheckInOpens: schedule.CheckInOpens, CheckInCloses: schedule.CheckInCloses}
	if h.cfg.Study != nil {
		src.Readiness = func(ctx context.Context, u *certlab.User, examID string) (float64, int, error) {
			rd, err := h.cfg.Study.Readiness(ctx, u, examID)
			if err != nil {
				return 0, 0, err
			}
			return rd.PassProbability, rd.Answers, nil
		}
	}
	return pathway.Build(r.Context(), src, u)
}

// now is the application's clock (the engine's).
func (h *Handler) now() time.Time {
	if h.cfg.Engine.Now != nil {
		return h.cfg.Engine.Now().UTC()
	}
	return time.Now().UTC()
}

// notices are the confirmations a redirect after an action shows
// (?ok=…): fixed texts, so a link cannot make the page say anything else.
var notices = map[string]string{
	"booked":      "Booked. The confirmation is on its way by e-mail.",
	"rescheduled": "Rescheduled. The confirmation is on its way by e-mail.",
	"cancelled":   "Cancelled, and the seat released. The confirmation is on its way by e-mail.",
	"checked-in":  "Checked in. A proctor now checks your identity and admits you: reload this page to see when you can start.",
	"requested":   "Request sent. Staff review it; you will get an e-mail with the decision.",
	"withdrawn":   "Request withdrawn.",
}

type appointmentsData struct {
	Notice   string
	Cutoff   string
	Live     []apptRow
	Past     []apptRow
	Exams    []examSittings
	Filter   string // ?exam=
	ExtraPct int
}

type apptRow struct {
	*certlab.Appointment
	Sitting     *certlab.Sitting
	Exam        string // the exam's label (AZ-104)
	ExamTitle   string
	When, Where string
	// CanChange: booked and before the cut-off (ChangeUntil).
	CanChange   bool
	ChangeUntil string
	// CheckIn: booked and the window is open; CheckInOpens says when it
	// opens otherwise.
	CheckIn      bool
	CheckInOpens string
	CheckInEnds  string
	Startable    bool
	Moves        []sittingRow // other sittings of the exam it can move to
	Reminded     bool
}

type examSittings struct {
	Exam     *certlab.Exam
	Label    string
	Sittings []sittingRow
	// Booked is the live appointment for the exam: its sittings are then
	// offered as moves, not bookings.
	Booked int64
}

type sittingRow struct {
	*certlab.Sitting
	When, Where string
	SeatsLeft   int
	Open        bool // before the cut-off, with a seat
}

func (h *Handler) sittingRow(st *certlab.Sitting, now time.Time) sittingRow {
	left := st.Capacity - st.Booked
	return sittingRow{Sitting: st, When: schedule.When(st), Where: schedule.Where(st), SeatsLeft: left,
		Open: left > 0 && now.Before(st.StartsAt.Add(-h.cfg.Schedule.Cutoff()))}
}

func examLabel(cat *certlab.Catalog, id string) (string, string) {
	if ex, err := cat.Exam(id); err == nil {
		return pathway.Label(ex), ex.Title
	}
	return id, id
}

func live(status string) bool {
	return status == certlab.AppointmentBooked || status == certlab.AppointmentCheckedIn || status == certlab.AppointmentAdmitted
}

// buildAppointments gathers the appointments page.
func (h *Handler) buildAppointments(r *http.Request, u *certlab.User) (*appointmentsData, error) {
	ctx, sch, now := r.Context(), h.cfg.Schedule, h.now()
	d := &appointmentsData{Notice: notices[r.URL.Query().Get("ok")], Cutoff: fmt.Sprintf("%.0f hours", sch.Cutoff().Hours()), Filter: r.URL.Query().Get("exam"), ExtraPct: u.ExtraTimePct}
	aps, err := sch.Appointments(ctx, u, 0)
	if err != nil {
		return nil, err
	}
	reminded := map[[2]int64]bool{}
	if rs, err := h.cfg.Store.AppointmentReminders(ctx, u.ID); err == nil {
		for _, rm := range rs {
			reminded[[2]int64{rm.AppointmentID, rm.SittingID}] = true
		}
	}
	sittings := map[string][]*certlab.Sitting{}
	upcoming := func(examID string) ([]*certlab.Sitting, error) {
		if s, ok := sittings[examID]; ok {
			return s, nil
		}
		s, err := sch.Sittings(ctx, examID)
		sittings[examID] = s
		return s, err
	}
	liveFor := map[string]int64{}
	for _, ap := range aps {
		st, err := sch.Sitting(ctx, ap.SittingID)
		if err != nil {
			return nil, err
		}
		row := apptRow{Appointment: ap, Sitting: st, When: schedule.When(st), Where: schedule.Where(st), Reminded: reminded[[2]int64{ap.ID, st.ID}]}
		row.Exam, row.ExamTitle = examLabel(h.cfg.Catalog, st.ExamID)
		opens, closes, cutoff := st.StartsAt.Add(-schedule.CheckInOpens), st.StartsAt.Add(schedule.CheckInCloses), st.StartsAt.Add(-sch.Cutoff())
		zone := zoneOf(st.TimeZone)
		row.CheckInOpens, row.CheckInEnds = opens.In(zone).Format("2 January 15:04 MST"), closes.In(zone).Format("15:04 MST")
		row.ChangeUntil = cutoff.In(zone).Format("2 January 2006, 15:04 MST")
		if !live(ap.Status) || now.After(closes) {
			d.Past = append(d.Past, row)
			continue
		}
		liveFor[st.ExamID] = ap.ID
		row.CanChange = ap.Status == certlab.AppointmentBooked && now.Before(cutoff)
		row.CheckIn = ap.Status == certlab.AppointmentBooked && !now.Before(opens)
		if ap.Status == certlab.AppointmentAdmitted {
			if ex, err := h.cfg.Catalog.Exam(st.ExamID); err == nil {
				_, err := sch.Admission(ctx, u, ex, ap.ID)
				row.Startable = err == nil
			}
		}
		if row.CanChange {
			all, err := upcoming(st.ExamID)
			if err != nil {
				return nil, err
			}
			for _, other := range all {
				if sr := h.sittingRow(other, now); other.ID != st.ID && sr.Open {
					row.Moves = append(row.Moves, sr)
				}
			}
		}
		d.Live = append(d.Live, row)
	}
	slices.Reverse(d.Past)
	if len(d.Past) > 10 {
		d.Past = d.Past[:10]
	}
	for _, p := range h.cfg.Catalog.Programs {
		for _, ex := range p.Exams {
			if !ex.Proctored() || d.Filter != "" && ex.ID != d.Filter {
				continue
			}
			es := examSittings{Exam: ex, Label: pathway.Label(ex), Booked: liveFor[ex.ID]}
			all, err := upcoming(ex.ID)
			if err != nil {
				return nil, err
			}
			for _, st := range all {
				es.Sittings = append(es.Sittings, h.sittingRow(st, now))
			}
			d.Exams = append(d.Exams, es)
		}
	}
	return d, nil
}

func zoneOf(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

// appointmentsPage lists the candidate's appointments with what can be
// done with each now, and the sittings open for booking.
func (h *Handler) appointmentsPage(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderAppointments(w, r, u, http.StatusOK, "")
}

func (h *Handler) renderAppointments(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, msg string) {
	d, err := h.buildAppointments(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if msg != "" {
		d.Notice = ""
	}
	h.render(w, r, status, "appointments", page{Title: "Exam appointments", Error: msg, Data: d})
}

func formID(r *http.Request, name string) (int64, error) {
	v := r.PostFormValue(name)
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, certlab.Errorf(certlab.EINVALID, "choose a sitting (%s %q is not a number)", name, v)
	}
	return id, nil
}

// book books the posted sitting.
func (h *Handler) book(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := formID(r, "sitting")
	if err == nil {
		_, err = h.cfg.Schedule.Book(r.Context(), u, id)
	}
	h.afterAction(w, r, u, "booked", err)
}

// appointmentAction reschedules, cancels or checks in the appointment of
// the path.
func (h *Handler) appointmentAction(done string) func(http.ResponseWriter, *http.Request, *certlab.User) {
	return func(w http.ResponseWriter, r *http.Request, u *certlab.User) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id <= 0 {
			h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "no appointment %q", r.PathValue("id")))
			return
		}
		ctx, sch := r.Context(), h.cfg.Schedule
		switch done {
		case "rescheduled":
			var to int64
			if to, err = formID(r, "sitting"); err == nil {
				_, err = sch.Reschedule(ctx, u, id, to)
			}
		case "cancelled":
			_, err = sch.Cancel(ctx, u, id)
		case "checked-in":
			_, err = sch.CheckIn(ctx, u, id)
		}
		h.afterAction(w, r, u, done, err)
	}
}

// afterAction shows the page again with the service's error (and its
// status), or redirects to it with the confirmation.
func (h *Handler) afterAction(w http.ResponseWriter, r *http.Request, u *certlab.User, done string, err error) {
	if err != nil {
		if certlab.ErrorCode(err) == certlab.EINTERNAL {
			h.fail(w, r, err)
			return
		}
		h.renderAppointments(w, r, u, httpStatus(err), certlab.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/appointments?ok="+url.QueryEscape(done), http.StatusSeeOther)
}

type accommodationsData struct {
	Notice   string
	ExtraPct int
	Requests []accommodationRow
	Kinds    []string
	Form     schedule.AccommodationInput
}

type accommodationRow struct {
	*certlab.AccommodationRequest
	What string
}

// accommodationsPage shows the candidate's accommodation, their requests
// and their states, and the form to ask for one.
func (h *Handler) accommodationsPage(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderAccommodations(w, r, u, http.StatusOK, "", schedule.AccommodationInput{Kind: certlab.AccommodationExtraTime})
}

func (h *Handler) renderAccommodations(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, msg string, form schedule.AccommodationInput) {
	rs, err := h.cfg.Schedule.AccommodationRequests(r.Context(), u, false, "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := accommodationsData{ExtraPct: u.ExtraTimePct, Kinds: certlab.AccommodationKinds, Form: form}
	if msg == "" {
		d.Notice = notices[r.URL.Query().Get("ok")]
	}
	for i := len(rs) - 1; i >= 0; i-- {
		d.Requests = append(d.Requests, accommodationRow{AccommodationRequest: rs[i], What: schedule.DescribeAccommodation(rs[i])})
	}
	h.render(w, r, status, "accommodations", page{Title: "Accommodations", Error: msg, Data: d})
}

func (h *Handler) requestAccommodation(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	in := schedule.AccommodationInput{Kind: r.PostFormValue("kind"), Details: r.PostFormValue("details")}
	if in.Kind == certlab.AccommodationExtraTime {
		pct, err := strconv.Atoi(r.PostFormValue("extra_time_pct"))
		if err != nil {
			h.renderAccommodations(w, r, u, http.StatusBadRequest, "Choose how much extra time you need.", in)
			return
		}
		in.ExtraTimePct = pct
	}
	if _, err := h.cfg.Schedule.RequestAccommodation(r.Context(), u, in); err != nil {
		if certlab.ErrorCode(err) == certlab.EINTERNAL {
			h.fail(w, r, err)
			return
		}
		h.renderAccommodations(w, r, u, httpStatus(err), certlab.ErrorMessage(err), in)
		return
	}
	http.Redirect(w, r, "/accommodations?ok=requested", http.StatusSeeOther)
}

func (h *Handler) withdrawAccommodation(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "no accommodation request %q", r.PathValue("id")))
		return
	}
	if _, err := h.cfg.Schedule.WithdrawAccommodation(r.Context(), u, id); err != nil {
		if certlab.ErrorCode(err) == certlab.EINTERNAL {
			h.fail(w, r, err)
			return
		}
		h.renderAccommodations(w, r, u, httpStatus(err), certlab.ErrorMessage(err), schedule.AccommodationInput{Kind: certlab.AccommodationExtraTime})
		return
	}
	http.Redirect(w, r, "/accommodations?ok=withdrawn", http.StatusSeeOther)
}
