package api

import (
	"net/http"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/session"
)

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name,omitempty"`
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var c credentials
	if err := decode(r, &c); err != nil {
		s.error(w, r, err)
		return
	}
	u, err := s.Accounts.Register(r.Context(), c.Email, c.Name, c.Password)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.Logger.Info("user registered", "user", u.ID, "role", u.Role)
	s.startSession(w, r, u, http.StatusCreated)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var c credentials
	if err := decode(r, &c); err != nil {
		s.error(w, r, err)
		return
	}
	u, err := s.Accounts.SignIn(r.Context(), c.Email, c.Password)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.startSession(w, r, u, http.StatusOK)
}

// SessionInfo is returned on sign-in: the CSRF token the client must send
// with state-changing requests.
type SessionInfo struct {
	User      *certlab.User `json:"user"`
	CSRFToken string        `json:"csrf_token"`
	ExpiresAt time.Time     `json:"expires_at"`
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *certlab.User, status int) {
	se, err := s.Sessions.Start(r.Context(), w, u)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, status, SessionInfo{User: u, CSRFToken: se.CSRF, ExpiresAt: se.ExpiresAt})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.Sessions.End(r.Context(), w, session.SessionFrom(r.Context())); err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	var body struct {
		Name string `json:"name"`
	}
	if err := decode(r, &body); err != nil {
		s.error(w, r, err)
		return
	}
	secret, t, err := s.Accounts.NewToken(r.Context(), u, body.Name)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": secret, "id": t.ID, "name": t.Name, "created_at": t.CreatedAt})
}
