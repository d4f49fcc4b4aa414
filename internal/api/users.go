package api

import (
	"net/http"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/audit"
)

// UpdateUserRequest is the body of PATCH /api/v1/users/{id} (admins): the
// fields given are changed.
type UpdateUserRequest struct {
	Name         *string `json:"name,omitempty"`
	Role         *string `json:"role,omitempty"`
	ExtraTimePct *int    `json:"extra_time_pct,omitempty"`
	// Reason is required with a role change.
	Reason string `json:"reason,omitempty"`
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, admin *certlab.User) {
	id, err := pathID(r, "id")
	if err != nil {
		s.error(w, r, err)
		return
	}
	var req UpdateUserRequest
	if err := decode(r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	if req.ExtraTimePct != nil && (*req.ExtraTimePct < 0 || *req.ExtraTimePct > 200) {
		s.error(w, r, certlab.Errorf(certlab.EINVALID, "extra_time_pct must be 0 to 200"))
		return
	}
	u, err := s.Store.User(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if req.Role != nil && *req.Role != u.Role {
		// A role change goes through the account admin service: checked,
		// with its reason, audited; nothing else changes if it is refused.
		if u, err = s.Admin.SetRole(r.Context(), admin, id, *req.Role, req.Reason); err != nil {
			s.error(w, r, err)
			return
		}
	}
	if req.Name != nil {
		if err := account.CheckName(*req.Name); err != nil {
			s.error(w, r, err)
			return
		}
		u.Name = *req.Name
	}
	if req.ExtraTimePct != nil {
		u.ExtraTimePct = *req.ExtraTimePct
	}
	if err := s.Store.UpdateUser(r.Context(), u); err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.Audit.Record(r.Context(), admin, "user.update", audit.Target("user", u.ID), "role=%s extra_time_pct=%d", u.Role, u.ExtraTimePct); err != nil {
		s.error(w, r, err)
		return
	}
	s.Logger.Info("user updated", "user", u.ID, "role", u.Role, "extra_time_pct", u.ExtraTimePct)
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) setAccommodation(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var req struct {
		ExtraTimePct int    `json:"extra_time_pct"`
		Reason       string `json:"reason"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.Schedule.SetAccommodation(r.Context(), u, id, req.ExtraTimePct, req.Reason)
}
