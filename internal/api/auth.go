package api

import (
	"net/http"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
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

// logout signs out: a cookie session ends (with the tokens bound to it);
// a request made with an API token revokes that token.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if t := session.TokenFrom(r.Context()); t != nil {
		if err := s.Accounts.RevokeToken(r.Context(), session.UserFrom(r.Context()), t.ID); err != nil {
			s.error(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err := s.Sessions.End(r.Context(), w, session.SessionFrom(r.Context())); err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	writeJSON(w, http.StatusOK, u)
}

// CreateTokenRequest is the body of POST /api/v1/tokens.
type CreateTokenRequest struct {
	Name string `json:"name"`
	// Scopes: read, write, tokens, admin; none means read and write.
	Scopes []string `json:"scopes,omitempty"`
	// ExpiresInDays: 1 to 365; 0 means 30.
	ExpiresInDays int `json:"expires_in_days,omitempty"`
	// SessionBound: the token ends when the sign-in session that creates
	// it signs out (only from a cookie session).
	SessionBound bool `json:"session_bound,omitempty"`
}

// CreatedToken is the answer to POST /api/v1/tokens: the token's value,
// shown this once, and its record.
type CreatedToken struct {
	Value string `json:"token"`
	*certlab.Token
}

// createToken mints an API token. From a cookie session always; with an
// API token only if that token has the tokens scope (RequireScope), and
// never with more scopes than that token has.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	var body CreateTokenRequest
	if err := decode(r, &body); err != nil {
		s.error(w, r, err)
		return
	}
	if body.ExpiresInDays < 0 || body.ExpiresInDays > 365 {
		s.error(w, r, certlab.Errorf(certlab.EINVALID, "expires_in_days must be 1 to 365"))
		return
	}
	req := account.TokenRequest{Name: body.Name, Scopes: body.Scopes, Lifetime: time.Duration(body.ExpiresInDays) * 24 * time.Hour}
	if parent := session.TokenFrom(r.Context()); parent != nil {
		if len(req.Scopes) == 0 {
			req.Scopes = account.DefaultTokenScopes
		}
		for _, sc := range req.Scopes {
			if !parent.HasScope(sc) {
				s.error(w, r, certlab.Errorf(certlab.EFORBIDDEN, "a token cannot create a token with the %s scope, which it lacks", sc))
				return
			}
		}
		if body.SessionBound {
			s.error(w, r, certlab.Errorf(certlab.EINVALID, "session_bound needs a signed-in session, not an API token"))
			return
		}
	}
	if body.SessionBound {
		se := session.SessionFrom(r.Context())
		if se == nil {
			s.error(w, r, certlab.Errorf(certlab.EINVALID, "session_bound needs a signed-in session"))
			return
		}
		req.Session = se.TokenHash
	}
	secret, t, err := s.Accounts.NewToken(r.Context(), u, req)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, CreatedToken{Value: secret, Token: t})
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	ts, err := s.Accounts.Tokens(r.Context(), u)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ts)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := pathID(r, "id")
	if err == nil {
		err = s.Accounts.RevokeToken(r.Context(), u, id)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ChangePasswordRequest is the body of POST /api/v1/me/password.
type ChangePasswordRequest struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

// changePassword sets a new password; every other session and every API
// token of the user ends. Only from a cookie session: a token cannot
// change the password it stands in for.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	se := session.SessionFrom(r.Context())
	if se == nil {
		s.error(w, r, certlab.Errorf(certlab.EFORBIDDEN, "sign in with your password to change it; API tokens cannot"))
		return
	}
	var body ChangePasswordRequest
	if err := decode(r, &body); err != nil {
		s.error(w, r, err)
		return
	}
	if body.Current == "" || body.New == "" {
		s.error(w, r, certlab.Errorf(certlab.EINVALID, "current_password and new_password are both required"))
		return
	}
	if err := s.Accounts.ChangePassword(r.Context(), u, body.Current, body.New, se.TokenHash); err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
