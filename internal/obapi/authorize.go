package obapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ory/fosite"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/httperror"
	"github.com/certlab/certlab/internal/session"
)

// authorizeParams are the authorization request parameters the consent
// form posts back.
var authorizeParams = []string{"response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"}

// authorize is the authorization endpoint (GET): it checks the request,
// sends visitors to sign in first, and shows the signed-in user the
// consent page.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	ar, ok := s.authorizeRequest(w, r)
	if !ok {
		return
	}
	if session.UserFrom(r.Context()) == nil || session.SessionFrom(r.Context()) == nil {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	cl := ar.GetClient().(*client)
	c := Consent{Status: http.StatusOK, ClientName: cl.reg.ClientName, ClientURI: cl.reg.ClientURI, TOSURI: cl.reg.TOSURI,
		PolicyURI: cl.reg.PolicyURI, RedirectOrigin: origin(ar.GetRedirectURI()), Action: PathAuthorize}
	for _, sc := range Scopes {
		if slices.Contains(ar.GetRequestedScopes(), sc.ID) {
			c.Scopes = append(c.Scopes, sc)
		}
	}
	for _, p := range authorizeParams {
		if v := ar.GetRequestForm().Get(p); v != "" {
			c.Params = append(c.Params, struct{ Name, Value string }{p, v})
		}
	}
	s.cfg.RenderConsent(w, r, c)
}

// decide takes the signed-in user's answer on the consent page (POST; the
// session middleware checked its CSRF token): allow grants the scopes
// left ticked and redirects back with a code, anything else redirects
// back with access_denied.
func (s *Server) decide(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ar, ok := s.authorizeRequest(w, r)
	if !ok {
		return
	}
	u := session.UserFrom(ctx)
	if u == nil || session.SessionFrom(ctx) == nil {
		// Only a browser session, with its CSRF token, may consent: never
		// an API token.
		s.consentError(w, r, http.StatusUnauthorized, "Sign in to answer an application's request for access.")
		return
	}
	granted := r.PostForm["grant"]
	if r.PostForm.Get("decision") != "allow" || len(granted) == 0 {
		s.provider.WriteAuthorizeError(ctx, w, ar, fosite.ErrAccessDenied.WithHint("The user denied the request."))
		return
	}
	for _, sc := range granted {
		if !slices.Contains(ar.GetRequestedScopes(), sc) {
			s.provider.WriteAuthorizeError(ctx, w, ar, fosite.ErrInvalidScope.WithHintf("Scope %q was not requested.", sc))
			return
		}
		ar.GrantScope(sc)
	}
	sess := &fosite.DefaultSession{Subject: strconv.FormatInt(u.ID, 10)}
	resp, err := s.provider.NewAuthorizeResponse(ctx, ar, sess)
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	s.cfg.Logger.Info("OAuth access granted", "user", u.ID, "client", ar.GetClient().GetID(), "scopes", strings.Join(ar.GetGrantedScopes(), " "))
	s.provider.WriteAuthorizeResponse(ctx, w, ar, resp)
}

// authorizeRequest parses and checks an authorization request. Errors go
// back to the client's redirect URI when it is a registered one; when it
// is not (or the client is unknown), the user sees an error page and is
// not redirected (Open Badges 3.0 §7.2.2).
func (s *Server) authorizeRequest(w http.ResponseWriter, r *http.Request) (fosite.AuthorizeRequester, bool) {
	ctx := r.Context()
	ar, err := s.provider.NewAuthorizeRequest(ctx, r)
	if err == nil {
		// PKCE with S256 and at least one scope are required (§7.2.2):
		// check them before the user is asked, not after.
		form := ar.GetRequestForm()
		switch {
		case form.Get("code_challenge") == "":
			err = fosite.ErrInvalidRequest.WithHint("PKCE is required: send code_challenge and code_challenge_method=S256.")
		case form.Get("code_challenge_method") != "S256":
			err = fosite.ErrInvalidRequest.WithHint("code_challenge_method must be S256.")
		case len(ar.GetRequestedScopes()) == 0:
			err = fosite.ErrInvalidScope.WithHint("Ask for at least one Open Badges scope.")
		}
	}
	if err == nil {
		return ar, true
	}
	if ar == nil || ar.GetClient() == nil || !ar.IsRedirectURIValid() {
		rfc := fosite.ErrorToRFC6749Error(err)
		msg := "This application's request for access cannot be answered: " + rfc.ErrorField
		if rfc.HintField != "" {
			msg += ". " + rfc.HintField
		}
		var notFound *fosite.RFC6749Error
		if errors.As(err, &notFound) && notFound.ErrorField == fosite.ErrInvalidClient.ErrorField {
			msg = "This application is not registered here, so its request for access cannot be answered."
		}
		s.consentError(w, r, http.StatusBadRequest, msg)
		return nil, false
	}
	s.provider.WriteAuthorizeError(ctx, w, ar, err)
	return nil, false
}

func (s *Server) consentError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.cfg.RenderConsent(w, r, Consent{Status: status, Error: msg, Action: PathAuthorize})
}

// origin is scheme://host of a URL.
func origin(u *url.URL) string {
	if u == nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// pushedDocument serves the credential behind an external credential
// pushed through the API, with its verification report: to its holder and
// to admins (GET /api/v1/external-credentials/{id}/pushed).
func (s *Server) pushedDocument(w http.ResponseWriter, r *http.Request) {
	u := session.UserFrom(r.Context())
	if u == nil {
		httperror.WriteJSON(w, r, s.cfg.Logger, certlab.Errorf(certlab.EUNAUTHORIZED, "sign in or send an API token"))
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		httperror.WriteJSON(w, r, s.cfg.Logger, certlab.Errorf(certlab.EINVALID, "id %q is not a number", r.PathValue("id")))
		return
	}
	p, err := s.cfg.Credentials.PushedCredential(r.Context(), u, id)
	if err != nil {
		httperror.WriteJSON(w, r, s.cfg.Logger, err)
		return
	}
	body := map[string]any{"external_credential_id": p.ExternalID, "format": p.Format, "issuer": p.IssuerID, "id": p.CredentialURI,
		"pushed_at": p.CreatedAt, "updated_at": p.UpdatedAt, "verification": p.Verification}
	if p.Format == "jwt" {
		body["jwt"] = string(p.Document)
	} else {
		body["credential"] = json.RawMessage(p.Document)
	}
	writeJSON(w, http.StatusOK, "application/json; charset=utf-8", body)
}
