package web

import (
	"net/http"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/api"
	"github.com/certlab/certlab/internal/auth"
)

type authData struct {
	Email string
	Name  string
	Next  string
}

func (h *Handler) signinPage(w http.ResponseWriter, r *http.Request) {
	if api.UserFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, "signin", page{Title: "Sign in", Data: authData{Next: safeNext(r.URL.Query().Get("next"))}})
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
	u, err := h.cfg.Store.UserByEmail(r.Context(), email)
	if err == nil {
		err = auth.VerifyPassword(password, u.PasswordHash)
	} else {
		_ = auth.VerifyPassword(password, h.dummy)
	}
	if err != nil {
		h.render(w, r, http.StatusUnauthorized, "signin", page{Title: "Sign in", Error: "Wrong e-mail or password.", Data: authData{Email: email, Next: next}})
		return
	}
	if _, err := api.StartSession(r.Context(), w, h.cfg.Store, u, h.cfg.Now(), h.cfg.SecureCookies); err != nil {
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
	u, err := api.NewUser(r.Context(), h.cfg.Store, h.cfg.PasswordParams, email, name, password, certlab.RoleCandidate, true)
	if err != nil {
		if code := certlab.ErrorCode(err); code == certlab.EINVALID || code == certlab.ECONFLICT {
			h.render(w, r, api.StatusOf(code), "register", page{Title: "Create an account", Error: certlab.ErrorMessage(err), Data: authData{Email: email, Name: name}})
			return
		}
		h.fail(w, r, err)
		return
	}
	h.cfg.Logger.Info("user registered", "user", u.ID, "role", u.Role, "via", "web")
	if _, err := api.StartSession(r.Context(), w, h.cfg.Store, u, h.cfg.Now(), h.cfg.SecureCookies); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// signout ends the session (the API already checked its CSRF token).
func (h *Handler) signout(w http.ResponseWriter, r *http.Request) {
	if err := api.EndSession(r.Context(), w, h.cfg.Store, api.SessionFrom(r.Context()), h.cfg.SecureCookies); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
