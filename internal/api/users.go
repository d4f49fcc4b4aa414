package api

import (
	"net/http"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/audit"
)

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, _ *certlab.User) {
	us, err := s.Store.Users(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, us)
}

// CreateUserRequest is the body of POST /api/v1/users (admins).
type CreateUserRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
	Role     string `json:"role"`
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, admin *certlab.User) {
	var req CreateUserRequest
	if err := decode(r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	if req.Role == "" {
		req.Role = certlab.RoleCandidate
	}
	u, err := s.Accounts.Create(r.Context(), req.Email, req.Name, req.Password, req.Role)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.Audit.Record(r.Context(), admin, "user.create", audit.Target("user", u.ID), "role=%s", u.Role); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u)
}

// UpdateUserRequest is the body of PATCH /api/v1/users/{id} (admins): the
// fields given are changed.
type UpdateUserRequest struct {
	Name         *string `json:"name,omitempty"`
	Role         *string `json:"role,omitempty"`
	ExtraTimePct *int    `json:"extra_time_pct,omitempty"`
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
	u, err := s.Store.User(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if req.Name != nil {
		if err := account.CheckName(*req.Name); err != nil {
			s.error(w, r, err)
			return
		}
		u.Name = *req.Name
	}
	if req.Role != nil {
		if !certlab.ValidRole(*req.Role) {
			s.error(w, r, certlab.Errorf(certlab.EINVALID, "role %q must be candidate, author, proctor or admin", *req.Role))
			return
		}
		u.Role = *req.Role
	}
	if req.ExtraTimePct != nil {
		if *req.ExtraTimePct < 0 || *req.ExtraTimePct > 200 {
			s.error(w, r, certlab.Errorf(certlab.EINVALID, "extra_time_pct must be 0 to 200"))
			return
		}
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
