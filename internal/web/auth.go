package web

import (
	"net/http"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/httperror"
	"github.com/certlab/certlab/internal/session"
)

type authData struct {
	Email  string
	Name   string
	Next   string
	Notice string
}

func (h *Handler) signinPage(w http.ResponseWriter, r *http.Request) {
	if session.UserFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	d := authData{Next: safeNext(r.URL.Query().Get("next"))}
	if r.URL.Query().Get("reset") == "done" {
		d.Notice = "Your password is set. Sign in with the new one."
	}
	h.render(w, r, http.StatusOK, "signin", page{Title: "Sign in", Data: d})
}

func (h *Handler) registerPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "register", page{Title: "Create an account", Data: authData{}})
}

// signin checks the password and starts a session. Unknown addresses cost
// the same time as wrong passwords.
func (h *Handler) signin(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	u, err := h.cfg.Accounts.SignIn(r.Context(), email, password)
	if certlab.ErrorCode(err) == certlab.EUNAUTHORIZED {
		h.render(w, r, http.StatusUnauthorized, "signin", page{Title: "Sign in", Error: "Wrong e-mail or password.", Data: authData{Email: email, Next: next}})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.cfg.Sessions.Start(r.Context(), w, u); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// register creates a candidate account (the first account of an
// installation becomes its admin) and signs it in.
func (h *Handler) register(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.PostFormValue("email"))
	name := strings.TrimSpace(r.PostFormValue("name"))
	password := r.PostFormValue("password")
	if password != r.PostFormValue("password2") {
		h.render(w, r, http.StatusBadRequest, "register", page{Title: "Create an account", Error: "The two passwords differ.", Data: authData{Email: email, Name: name}})
		return
	}
	u, err := h.cfg.Accounts.Register(r.Context(), email, name, password)
	if err != nil {
		if code := certlab.ErrorCode(err); code == certlab.EINVALID || code == certlab.ECONFLICT {
			h.render(w, r, httperror.Status(code), "register", page{Title: "Create an account", Error: certlab.ErrorMessage(err), Data: authData{Email: email, Name: name}})
			return
		}
		h.fail(w, r, err)
		return
	}
	h.cfg.Logger.Info("user registered", "user", u.ID, "role", u.Role, "via", "web")
	if _, err := h.cfg.Sessions.Start(r.Context(), w, u); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// signout ends the session (the session middleware checked its CSRF token).
func (h *Handler) signout(w http.ResponseWriter, r *http.Request) {
	if err := h.cfg.Sessions.End(r.Context(), w, session.SessionFrom(r.Context())); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
