package obapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/go-jose/go-jose/v3"
	"github.com/ory/fosite"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/auth"
)

// Registration is the client metadata of an RFC 7591 registration, with
// the fields Open Badges 3.0 §7.2.1 requires.
type Registration struct {
	ClientName              string   `json:"client_name"`
	ClientURI               string   `json:"client_uri"`
	LogoURI                 string   `json:"logo_uri"`
	TOSURI                  string   `json:"tos_uri"`
	PolicyURI               string   `json:"policy_uri"`
	SoftwareID              string   `json:"software_id"`
	SoftwareVersion         string   `json:"software_version"`
	RedirectURIs            []string `json:"redirect_uris"`
	Scope                   string   `json:"scope"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	Contacts                []string `json:"contacts,omitempty"`
}

// RegistrationError is an RFC 7591 §3.2.2 error: invalid_redirect_uri or
// invalid_client_metadata, with what is wrong and where.
type RegistrationError struct {
	Code        string `json:"error"`
	Description string `json:"error_description"`
}

func (e *RegistrationError) Error() string { return e.Code + ": " + e.Description }

func badMetadata(format string, args ...any) *RegistrationError {
	return &RegistrationError{Code: "invalid_client_metadata", Description: fmt.Sprintf(format, args...)}
}

func badRedirect(format string, args ...any) *RegistrationError {
	return &RegistrationError{Code: "invalid_redirect_uri", Description: fmt.Sprintf(format, args...)}
}

// Limits on registration requests.
const (
	maxRegistrationBytes = 32 << 10
	maxRedirectURIs      = 10
	maxContacts          = 10
	maxFieldLength       = 2000
)

// ParseRegistration reads and checks an RFC 7591 registration request as
// Open Badges 3.0 profiles it: every required field present, URLs https
// (http only on a loopback address, for native and test clients) and all
// on one host, redirect URIs without fragments, only the supported
// scopes, client_secret_basic, the authorization_code (and refresh_token)
// grant and the code response type. Defaults are filled in; metadata it
// does not know is ignored, as RFC 7591 requires.
func ParseRegistration(data []byte) (*Registration, error) {
	if len(data) > maxRegistrationBytes {
		return nil, badMetadata("the registration is %d bytes, more than %d", len(data), maxRegistrationBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var reg Registration
	if err := dec.Decode(&reg); err != nil {
		return nil, badMetadata("the registration is not a JSON object of client metadata: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, badMetadata("unexpected data after the JSON object")
	}
	for _, f := range []struct{ name, value string }{
		{"client_name", reg.ClientName}, {"client_uri", reg.ClientURI}, {"logo_uri", reg.LogoURI}, {"tos_uri", reg.TOSURI},
		{"policy_uri", reg.PolicyURI}, {"software_id", reg.SoftwareID}, {"software_version", reg.SoftwareVersion}, {"scope", reg.Scope},
	} {
		if strings.TrimSpace(f.value) == "" {
			return nil, badMetadata("%s is required", f.name)
		}
		if len(f.value) > maxFieldLength {
			return nil, badMetadata("%s is longer than %d characters", f.name, maxFieldLength)
		}
		if strings.IndexFunc(f.value, unicode.IsControl) >= 0 {
			return nil, badMetadata("%s contains control characters", f.name)
		}
	}
	var host string
	sameHost := func(field, raw string, redirect bool) error {
		fail := badMetadata
		if redirect {
			fail = badRedirect
		}
		u, err := url.Parse(raw)
		if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
			return fail("%s %q is not an absolute URL", field, raw)
		}
		if u.User != nil {
			return fail("%s %q carries user information", field, raw)
		}
		if u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) {
			return fail("%s %q must use https (http only on a loopback address)", field, raw)
		}
		if redirect && u.Fragment != "" {
			return fail("%s %q must not have a fragment", field, raw)
		}
		if len(raw) > maxFieldLength {
			return fail("%s is longer than %d characters", field, maxFieldLength)
		}
		switch {
		case host == "":
			host = strings.ToLower(u.Hostname())
		case !strings.EqualFold(host, u.Hostname()):
			return fail("%s %q is on %s, not on %s like client_uri: all the client's URLs must have the same host", field, raw, u.Hostname(), host)
		}
		return nil
	}
	for _, f := range []struct{ name, value string }{{"client_uri", reg.ClientURI}, {"logo_uri", reg.LogoURI}, {"tos_uri", reg.TOSURI}, {"policy_uri", reg.PolicyURI}} {
		if err := sameHost(f.name, f.value, false); err != nil {
			return nil, err
		}
	}
	if len(reg.RedirectURIs) == 0 {
		return nil, badRedirect("redirect_uris is required: at least one redirection URI")
	}
	if len(reg.RedirectURIs) > maxRedirectURIs {
		return nil, badRedirect("redirect_uris has %d URIs, more than %d", len(reg.RedirectURIs), maxRedirectURIs)
	}
	for i, ru := range reg.RedirectURIs {
		if err := sameHost(fmt.Sprintf("redirect_uris[%d]", i), ru, true); err != nil {
			return nil, err
		}
	}
	var scopes []string
	for _, sc := range strings.Fields(reg.Scope) {
		if !supportedScope(sc) {
			return nil, badMetadata("scope %q is not supported: the Open Badges 3.0 scopes and offline_access are", sc)
		}
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	reg.Scope = strings.Join(scopes, " ")
	switch reg.TokenEndpointAuthMethod {
	case "":
		reg.TokenEndpointAuthMethod = "client_secret_basic"
	case "client_secret_basic":
	default:
		return nil, badMetadata("token_endpoint_auth_method %q is not supported: Open Badges 3.0 allows only client_secret_basic", reg.TokenEndpointAuthMethod)
	}
	if len(reg.GrantTypes) == 0 {
		reg.GrantTypes = []string{"authorization_code"}
	}
	for _, g := range reg.GrantTypes {
		if g != "authorization_code" && g != "refresh_token" {
			return nil, badMetadata("grant type %q is not supported: Open Badges 3.0 allows authorization_code and refresh_token", g)
		}
	}
	if !slices.Contains(reg.GrantTypes, "authorization_code") {
		return nil, badMetadata("grant_types must include authorization_code")
	}
	reg.GrantTypes = uniq(reg.GrantTypes)
	if len(reg.ResponseTypes) == 0 {
		reg.ResponseTypes = []string{"code"}
	}
	for _, rt := range reg.ResponseTypes {
		if rt != "code" {
			return nil, badMetadata("response type %q is not supported: Open Badges 3.0 allows only code", rt)
		}
	}
	reg.ResponseTypes = uniq(reg.ResponseTypes)
	if len(reg.Contacts) > maxContacts {
		return nil, badMetadata("contacts has %d entries, more than %d", len(reg.Contacts), maxContacts)
	}
	for i, c := range reg.Contacts {
		if len(c) > maxFieldLength || strings.IndexFunc(c, unicode.IsControl) >= 0 {
			return nil, badMetadata("contacts[%d] is too long or contains control characters", i)
		}
	}
	return &reg, nil
}

func uniq(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// RegistrationResponse is the RFC 7591 §3.2.1 answer: the metadata as
// registered, with the client's credentials.
type RegistrationResponse struct {
	ClientID              string `json:"client_id"`
	ClientSecret          string `json:"client_secret"`
	ClientIDIssuedAt      int64  `json:"client_id_issued_at"`
	ClientSecretExpiresAt int64  `json:"client_secret_expires_at"`
	Registration
}

// registerClient is the registration endpoint (RFC 7591): no initial
// access token, as Open Badges 3.0 requires, so it is rate-limited per
// client address.
func (s *Server) registerClient(w http.ResponseWriter, r *http.Request) {
	if ok, wait := s.register.allow(r, time.Now()); !ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		writeJSON(w, http.StatusTooManyRequests, "application/json", RegistrationError{Code: "temporarily_unavailable",
			Description: "too many registrations from this address; try again after Retry-After seconds"})
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeJSON(w, http.StatusBadRequest, "application/json", badMetadata("the registration must be sent as application/json, not %q", ct))
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxRegistrationBytes+1))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, "application/json", badMetadata("read the registration: %v", err))
		return
	}
	reg, err := ParseRegistration(data)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, "application/json", err)
		return
	}
	meta, err := json.Marshal(reg)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	secret := auth.NewSecret("")
	now := s.cfg.Now().UTC()
	c := &certlab.OAuthClient{ID: auth.NewSecret("obc_"), SecretHash: auth.HashSecret(secret), Metadata: meta, CreatedAt: now}
	if err := s.cfg.Store.CreateOAuthClient(r.Context(), c); err != nil {
		s.internalError(w, r, err)
		return
	}
	s.cfg.Logger.Info("OAuth client registered", "client", c.ID, "name", reg.ClientName, "host", hostOf(reg.ClientURI))
	writeJSON(w, http.StatusCreated, "application/json", RegistrationResponse{ClientID: c.ID, ClientSecret: secret,
		ClientIDIssuedAt: now.Unix(), ClientSecretExpiresAt: 0, Registration: *reg})
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

func (s *Server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	s.cfg.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	writeStatus(w, http.StatusInternalServerError, minorInternal, "internal error")
}

// client is a registered client as fosite sees it. It authenticates with
// client_secret_basic only.
type client struct {
	id     string
	secret []byte
	reg    Registration
}

var (
	_ fosite.Client              = (*client)(nil)
	_ fosite.OpenIDConnectClient = (*client)(nil)
)

func clientFromStore(c *certlab.OAuthClient) (*client, error) {
	cl := &client{id: c.ID, secret: []byte(c.SecretHash)}
	if err := json.Unmarshal(c.Metadata, &cl.reg); err != nil {
		return nil, fmt.Errorf("read OAuth client %s: %w", c.ID, err)
	}
	return cl, nil
}

func (c *client) GetID() string                      { return c.id }
func (c *client) GetHashedSecret() []byte            { return c.secret }
func (c *client) GetRedirectURIs() []string          { return c.reg.RedirectURIs }
func (c *client) GetGrantTypes() fosite.Arguments    { return c.reg.GrantTypes }
func (c *client) GetResponseTypes() fosite.Arguments { return c.reg.ResponseTypes }
func (c *client) GetScopes() fosite.Arguments        { return strings.Fields(c.reg.Scope) }
func (c *client) IsPublic() bool                     { return false }
func (c *client) GetAudience() fosite.Arguments      { return nil }

func (c *client) GetRequestURIs() []string                     { return nil }
func (c *client) GetJSONWebKeys() *jose.JSONWebKeySet          { return nil }
func (c *client) GetJSONWebKeysURI() string                    { return "" }
func (c *client) GetRequestObjectSigningAlgorithm() string     { return "" }
func (c *client) GetTokenEndpointAuthMethod() string           { return "client_secret_basic" }
func (c *client) GetTokenEndpointAuthSigningAlgorithm() string { return "" }
