package api

import (
	"net/http"

	"github.com/certlab/certlab"
)

// Proctoring: live attempts and what proctors do to them.

func (s *Server) liveAttempts(r *http.Request, u *certlab.User) (any, error) {
	return s.Proctor.Sittings(r.Context(), u)
}

// proctorAction makes the handler of a proctor's pause, resume or end of an
// attempt, with an optional reason.
func (s *Server) proctorAction(action string) func(*http.Request, *certlab.User) (any, error) {
	return func(r *http.Request, u *certlab.User) (any, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return nil, err
		}
		var req ReasonRequest
		if r.ContentLength != 0 {
			if err := decode(r, &req); err != nil {
				return nil, err
			}
		}
		switch action {
		case "pause":
			return s.Proctor.Pause(r.Context(), u, id, req.Reason)
		case "resume":
			return s.Proctor.Resume(r.Context(), u, id, req.Reason)
		default:
			return s.Proctor.End(r.Context(), u, id, req.Reason)
		}
	}
}

func (s *Server) listIncidents(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Proctor.Incidents(r.Context(), u, id)
}

func (s *Server) logIncident(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var req struct {
		Note string `json:"note"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.Proctor.LogIncident(r.Context(), u, id, req.Note)
}
