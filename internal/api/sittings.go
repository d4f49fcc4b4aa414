package api

import (
	"context"
	"net/http"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/schedule"
)

// Scheduling: sittings (scheduled sittings of an exam) and candidates'
// appointments in them.

func (s *Server) listSittings(r *http.Request, u *certlab.User) (any, error) {
	return s.Schedule.Sittings(r.Context(), r.URL.Query().Get("exam"))
}

func (s *Server) createSitting(r *http.Request, u *certlab.User) (any, error) {
	var req schedule.SittingRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.Schedule.CreateSitting(r.Context(), u, req)
}

func (s *Server) sittingAppointments(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Schedule.Appointments(r.Context(), u, id)
}

func (s *Server) listAppointments(r *http.Request, u *certlab.User) (any, error) {
	return s.Schedule.Appointments(r.Context(), u, 0)
}

// SittingRef is the body of booking and rescheduling requests: the sitting
// to book. session_id is its former name, still accepted.
type SittingRef struct {
	SittingID int64 `json:"sitting_id"`
	SessionID int64 `json:"session_id,omitempty"` // deprecated: sitting_id
}

func decodeSittingRef(r *http.Request) (int64, error) {
	var req SittingRef
	if err := decode(r, &req); err != nil {
		return 0, err
	}
	switch {
	case req.SittingID != 0 && req.SessionID != 0 && req.SittingID != req.SessionID:
		return 0, certlab.Errorf(certlab.EINVALID, "sitting_id %d and session_id %d differ: send sitting_id only", req.SittingID, req.SessionID)
	case req.SittingID == 0:
		return req.SessionID, nil
	}
	return req.SittingID, nil
}

func (s *Server) bookAppointment(r *http.Request, u *certlab.User) (any, error) {
	sitting, err := decodeSittingRef(r)
	if err != nil {
		return nil, err
	}
	return s.Schedule.Book(r.Context(), u, sitting)
}

func (s *Server) rescheduleAppointment(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	sitting, err := decodeSittingRef(r)
	if err != nil {
		return nil, err
	}
	return s.Schedule.Reschedule(r.Context(), u, id, sitting)
}

func (s *Server) cancelAppointment(r *http.Request, u *certlab.User) (any, error) {
	return s.appointmentAction(r, u, s.Schedule.Cancel)
}

func (s *Server) checkIn(r *http.Request, u *certlab.User) (any, error) {
	return s.appointmentAction(r, u, s.Schedule.CheckIn)
}

// AdmitRequest is the body of POST /api/v1/appointments/{id}/admit.
type AdmitRequest struct {
	Note string `json:"note"` // what the proctor checked: the identity document, the room
}

// admit records a proctor's identity check of a candidate (proctors and
// admins; the service checks the role).
func (s *Server) admit(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var req AdmitRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.Schedule.Admit(r.Context(), u, id, req.Note)
}

func (s *Server) appointmentAction(r *http.Request, u *certlab.User,
	act func(ctx context.Context, u *certlab.User, id int64) (*certlab.Appointment, error)) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return act(r.Context(), u, id)
}
