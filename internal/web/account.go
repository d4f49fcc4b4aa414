package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/session"
)

// accountData is the account page. Its sections are separate parts
// (templates/parts/account-*.html), so another section is one more part.
type accountData struct {
	MinPassword int
	MaxPassword int
	Tokens      []*certlab.Token
	// NewToken is the secret of the token just created: shown this once.
	NewToken     string
	NewTokenName string
	// TokenScopes are the scopes a new token can be given (none picked:
	// account.DefaultTokenScopes); TokenLifetimes the lifetimes offered,
	// in days, DefaultLifetime preselected.
	TokenScopes     []string
	TokenLifetimes  []int
	DefaultLifetime int
	// Notice says what was just done; PasswordError and TokenError what
	// went wrong in a section.
	Notice        string
	PasswordError string
	TokenError    string
}

// tokenScopes are the scopes the token form offers (admin only to admins).
var tokenScopes = []string{certlab.ScopeRead, certlab.ScopeWrite, certlab.ScopeTokens, certlab.ScopeAdmin}

// tokenLifetimes are the lifetimes the token form offers, in days.
var tokenLifetimes = []int{7, 30, 90, 365}

// withSession lets only a browser session through: changing a password or
// minting tokens needs the signed-in person, not an API token.
func (h *Handler) withSession(next func(http.ResponseWriter, *http.Request, *certlab.User)) http.HandlerFunc {
	return h.signedIn(func(w http.ResponseWriter, r *http.Request, u *certlab.User) {
		if session.SessionFrom(r.Context()) == nil {
			h.fail(w, r, certlab.Errorf(certlab.EFORBIDDEN, "the account page needs a signed-in browser session, not an API token"))
			return
		}
		next(w, r, u)
	})
}

func (h *Handler) accountData(ctx context.Context, u *certlab.User) (*accountData, error) {
	toks, err := h.cfg.Accounts.Tokens(ctx, u)
	if err != nil {
		return nil, err
	}
	scopes := tokenScopes
	if u.Role != certlab.RoleAdmin {
		scopes = scopes[:len(scopes)-1]
	}
	return &accountData{MinPassword: account.MinPasswordLength, MaxPassword: account.MaxPasswordLength, Tokens: toks, TokenScopes: scopes,
		TokenLifetimes: tokenLifetimes, DefaultLifetime: int(account.DefaultTokenLifetime / (24 * time.Hour))}, nil
}

func (h *Handler) renderAccount(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, edit func(*accountData)) {
	d, err := h.accountData(r.Context(), u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if edit != nil {
		edit(d)
	}
	h.render(w, r, status, "account", page{Title: "Your account", Data: d})
}

// accountPage shows the account: password, API tokens.
func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	notice := map[string]string{
		"password": "Your password is changed. Your other sessions are signed out and your API tokens revoked.",
		"revoked":  "The token is revoked: it no longer works.",
	}[r.URL.Query().Get("done")]
	h.renderAccount(w, r, u, http.StatusOK, func(d *accountData) { d.Notice = notice })
}

// changePassword checks the current password and sets the new one.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	current, next := r.PostFormValue("current"), r.PostFormValue("password")
	fail := func(status int, msg string) {
		h.renderAccount(w, r, u, status, func(d *accountData) { d.PasswordError = msg })
	}
	if next != r.PostFormValue("password2") {
		fail(http.StatusBadRequest, "The two new passwords differ.")
		return
	}
	se := session.SessionFrom(r.Context())
	err := h.cfg.Accounts.ChangePassword(r.Context(), u, current, next, se.TokenHash)
	switch certlab.ErrorCode(err) {
	case "":
		h.cfg.Logger.Info("password changed", "user", u.ID, "via", "web")
		http.Redirect(w, r, "/account?done=password", http.StatusSeeOther)
	case certlab.EUNAUTHORIZED:
		fail(http.StatusForbidden, "The current password is wrong.")
	case certlab.EINVALID:
		fail(http.StatusBadRequest, certlab.ErrorMessage(err))
	default:
		h.fail(w, r, err)
	}
}

// createToken makes an API token and shows its secret once.
func (h *Handler) createToken(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	name := strings.TrimSpace(r.PostFormValue("name"))
	if name == "" || len(name) > 100 || strings.ContainsAny(name, "\r\n") {
		h.renderAccount(w, r, u, http.StatusBadRequest, func(d *accountData) {
			d.TokenError = "Give the token a name of one line, at most 100 characters (where you will use it: \"laptop\", \"CI\")."
		})
		return
	}
	req := account.TokenRequest{Name: name, Scopes: r.PostForm["scope"]}
	if days := r.PostFormValue("days"); days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 {
			h.renderAccount(w, r, u, http.StatusBadRequest, func(d *accountData) { d.TokenError = "Choose how many days the token lives." })
			return
		}
		req.Lifetime = time.Duration(n) * 24 * time.Hour
	}
	secret, t, err := h.cfg.Accounts.NewToken(r.Context(), u, req)
	if err != nil {
		if code := certlab.ErrorCode(err); code == certlab.EINVALID || code == certlab.EFORBIDDEN {
			h.renderAccount(w, r, u, http.StatusBadRequest, func(d *accountData) { d.TokenError = certlab.ErrorMessage(err) })
			return
		}
		h.fail(w, r, err)
		return
	}
	h.cfg.Logger.Info("API token created", "user", u.ID, "token", t.ID, "via", "web")
	h.renderAccount(w, r, u, http.StatusOK, func(d *accountData) { d.NewToken, d.NewTokenName = secret, t.Name })
}

// revokeToken revokes one of the user's tokens.
func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "no API token %q", r.PathValue("id")))
		return
	}
	if err := h.cfg.Accounts.RevokeToken(r.Context(), u, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.cfg.Logger.Info("API token revoked", "user", u.ID, "token", id, "via", "web")
	http.Redirect(w, r, "/account?done=revoked", http.StatusSeeOther)
}

// resetData is the password reset pages.
type resetData struct {
	Email       string
	Token       string
	Sent        bool
	MinPassword int
	MaxPassword int
	Minutes     int
}

// resetRequestPage asks for the address to mail a reset link to.
func (h *Handler) resetRequestPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "reset", page{Title: "Reset your password", Data: resetData{Minutes: int(account.ResetLifetime / time.Minute)}})
}

// resetRequest mails a reset link when the address has an account. The
// page says the same whether it has or not, and the mail goes out after
// the answer, so neither the words nor the time tell.
func (h *Handler) resetRequest(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.PostFormValue("email"))
	d := resetData{Email: email, Sent: true, Minutes: int(account.ResetLifetime / time.Minute)}
	if ok, wait := h.resetLimiter.allow(r, time.Now()); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		h.render(w, r, http.StatusTooManyRequests, "reset", page{Title: "Reset your password",
			Error: "Too many reset requests from your address: try again in a few minutes.", Data: resetData{Email: email, Minutes: d.Minutes}})
		return
	}
	if h.cfg.BaseURL == "" || h.cfg.Mailer == nil {
		h.fail(w, r, certlab.Errorf(certlab.ECONFLICT, "password reset by e-mail is not set up on this server (it needs its public URL and a mailer); ask an administrator"))
		return
	}
	u, secret, err := h.cfg.Accounts.RequestReset(r.Context(), email, h.now())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if u != nil {
		link := strings.TrimRight(h.cfg.BaseURL, "/") + "/password-reset/new?token=" + url.QueryEscape(secret)
		body := fmt.Sprintf("Someone asked to reset the password of your certlab account %s.\n\n"+
			"To choose a new password, open this link within %d minutes; it works once:\n\n%s\n\n"+
			"If it was not you, ignore this e-mail: your password stays as it is.\n", u.Email, d.Minutes, link)
		// Sent after the answer: an address with an account must not make
		// the page slower than one without.
		ctx := context.WithoutCancel(r.Context())
		go func(to string) {
			ctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			if err := h.cfg.Mailer.Send(ctx, to, "Reset your certlab password", body); err != nil {
				h.cfg.Logger.Error("password reset e-mail", "user", u.ID, "err", err)
			}
		}(u.Email)
		h.cfg.Logger.Info("password reset requested", "user", u.ID)
	}
	h.render(w, r, http.StatusOK, "reset", page{Title: "Check your e-mail", Data: d})
}

// resetPage asks for the new password, while the link works.
func (h *Handler) resetPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if _, err := h.cfg.Accounts.ResetAccount(r.Context(), token, h.now()); err != nil {
		h.fail(w, r, resetLinkError(err))
		return
	}
	h.render(w, r, http.StatusOK, "reset-new", page{Title: "Choose a new password",
		Data: resetData{Token: token, MinPassword: account.MinPasswordLength, MaxPassword: account.MaxPasswordLength}})
}

// reset sets the new password and sends the browser to sign in with it.
func (h *Handler) reset(w http.ResponseWriter, r *http.Request) {
	token, password := r.PostFormValue("token"), r.PostFormValue("password")
	d := resetData{Token: token, MinPassword: account.MinPasswordLength, MaxPassword: account.MaxPasswordLength}
	if password != r.PostFormValue("password2") {
		h.render(w, r, http.StatusBadRequest, "reset-new", page{Title: "Choose a new password", Error: "The two passwords differ.", Data: d})
		return
	}
	u, err := h.cfg.Accounts.ResetPassword(r.Context(), token, password, h.now())
	switch code := certlab.ErrorCode(err); code {
	case "":
	case certlab.EINVALID:
		h.render(w, r, http.StatusBadRequest, "reset-new", page{Title: "Choose a new password", Error: certlab.ErrorMessage(err), Data: d})
		return
	default:
		h.fail(w, r, resetLinkError(err))
		return
	}
	h.cfg.Logger.Info("password reset", "user", u.ID)
	if se := session.SessionFrom(r.Context()); se != nil {
		// This browser's session was signed out with all the others.
		_ = h.cfg.Sessions.End(r.Context(), w, se)
	}
	http.Redirect(w, r, "/signin?reset=done", http.StatusSeeOther)
}

// resetLinkError words an unknown, used or expired link.
func resetLinkError(err error) error {
	if certlab.ErrorCode(err) == certlab.ENOTFOUND {
		return certlab.Errorf(certlab.ENOTFOUND, "This password reset link is unknown, already used or expired (links work for %d minutes). Ask for a new one.", int(account.ResetLifetime/time.Minute))
	}
	return err
}
