// Package obapi is certlab's Open Badges 3.0 API (1EdTech, §6 and §7):
// the service description document, the OAuth 2.0 authorization server
// the API requires (dynamic client registration per RFC 7591, the
// authorization code grant with PKCE S256, refresh tokens, revocation per
// RFC 7009, RFC 8414 metadata), and the resource endpoints getCredentials,
// upsertCredential, getProfile and putProfile. The authorization server
// is github.com/ory/fosite over certlab's database (storage.go); the
// consent page is rendered by the web UI through Config.RenderConsent.
package obapi

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/oauth2"
	"github.com/ory/fosite/handler/pkce"
	"github.com/ory/fosite/token/hmac"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/credential"
)

// The Open Badges 3.0 API scopes (§6.2.1), and offline_access, which the
// specification's examples request along with them.
const (
	ScopeCredentialReadonly = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly"
	ScopeCredentialUpsert   = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert"
	ScopeProfileReadonly    = "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly"
	ScopeProfileUpdate      = "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.update"
	ScopeOfflineAccess      = "offline_access"
)

// Scopes are the scopes the server supports, with what each lets an
// application do, in the words the consent page shows.
var Scopes = []struct{ ID, Description string }{
	{ScopeCredentialReadonly, "Read the Open Badges credentials certlab issued to you."},
	{ScopeCredentialUpsert, "Send certlab credentials you earned elsewhere; they wait for an administrator's review."},
	{ScopeProfileReadonly, "Read your profile: your display name and e-mail address."},
	{ScopeProfileUpdate, "Change your display name."},
	{ScopeOfflineAccess, "Stay connected: renew this access without asking you again, until it goes unused for 30 days."},
}

func supportedScope(s string) bool {
	for _, sc := range Scopes {
		if sc.ID == s {
			return true
		}
	}
	return false
}

// Paths of the API and the authorization server, under the base URL.
const (
	PathDiscovery   = "/ims/ob/v3p0/discovery"
	PathCredentials = "/ims/ob/v3p0/credentials"
	PathProfile     = "/ims/ob/v3p0/profile"
	PathMetadata    = "/.well-known/oauth-authorization-server"
	PathRegister    = "/oauth/register"
	PathAuthorize   = "/oauth/authorize"
	PathToken       = "/oauth/token"
	PathRevoke      = "/oauth/revoke"
	PathPolicy      = "/oauth/policy"
)

// Lifetimes of codes and tokens: 1EdTech recommends 10 minutes for codes
// and an hour for access tokens.
const (
	DefaultCodeLifespan         = 10 * time.Minute
	DefaultAccessTokenLifespan  = time.Hour
	DefaultRefreshTokenLifespan = 30 * 24 * time.Hour
)

// Consent is what the consent page shows: the application asking, the
// scopes it asks for, and the authorization request to post back. When
// Error is set the request cannot go on and the page shows only the error.
// (Its fields are plain so that internal/web's ConsentPage, declared alike,
// converts from it.)
type Consent struct {
	Status     int
	Error      string
	ClientName string
	ClientURI  string
	TOSURI     string
	PolicyURI  string
	// RedirectOrigin is where the answer goes (scheme://host): the page
	// allows its form to lead there.
	RedirectOrigin string
	Scopes         []struct{ ID, Description string }
	Params         []struct{ Name, Value string }
	Action         string
}

// Config configures the API.
type Config struct {
	// BaseURL is the server's public URL (https://certlab.example).
	BaseURL string
	// Title names the server in the service description and on the
	// consent page.
	Title string
	// TermsURL and PrivacyURL are the server's terms of service and
	// privacy policy, which the service description must name; empty
	// means the page at PathPolicy.
	TermsURL, PrivacyURL string

	Store       certlab.Store
	Credentials *credential.Service
	// RenderConsent renders the consent page (internal/web).
	RenderConsent func(w http.ResponseWriter, r *http.Request, c Consent)
	Logger        *slog.Logger
	// Now is the clock of certlab's own records; token expiry is checked
	// by fosite against the wall clock.
	Now func() time.Time

	CodeLifespan, AccessTokenLifespan, RefreshTokenLifespan time.Duration
	// RegisterLimit bounds client registrations per client address; zero
	// means DefaultRegisterLimit.
	RegisterLimit RateLimit
}

// Server serves the Open Badges 3.0 API and its authorization server.
type Server struct {
	cfg      Config
	provider fosite.OAuth2Provider
	register *ipLimiter
}

// New builds the API: it reads (or, on the first start, stores) the
// authorization server's HMAC secret.
func New(ctx context.Context, cfg Config) (*Server, error) {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.BaseURL == "" || cfg.Store == nil || cfg.Credentials == nil || cfg.RenderConsent == nil {
		return nil, fmt.Errorf("obapi: BaseURL, Store, Credentials and RenderConsent are required")
	}
	if cfg.Title == "" {
		cfg.Title = "certlab"
	}
	if cfg.TermsURL == "" {
		cfg.TermsURL = cfg.BaseURL + PathPolicy
	}
	if cfg.PrivacyURL == "" {
		cfg.PrivacyURL = cfg.BaseURL + PathPolicy
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CodeLifespan <= 0 {
		cfg.CodeLifespan = DefaultCodeLifespan
	}
	if cfg.AccessTokenLifespan <= 0 {
		cfg.AccessTokenLifespan = DefaultAccessTokenLifespan
	}
	if cfg.RefreshTokenLifespan <= 0 {
		cfg.RefreshTokenLifespan = DefaultRefreshTokenLifespan
	}
	candidate := make([]byte, 32)
	if _, err := rand.Read(candidate); err != nil {
		return nil, fmt.Errorf("obapi: %w", err)
	}
	secret, err := cfg.Store.OAuthSecret(ctx, candidate)
	if err != nil {
		return nil, fmt.Errorf("obapi: %w", err)
	}
	fc := &fosite.Config{
		AccessTokenLifespan:            cfg.AccessTokenLifespan,
		RefreshTokenLifespan:           cfg.RefreshTokenLifespan,
		AuthorizeCodeLifespan:          cfg.CodeLifespan,
		GlobalSecret:                   secret,
		ScopeStrategy:                  fosite.ExactScopeStrategy,
		AudienceMatchingStrategy:       fosite.DefaultAudienceMatchingStrategy,
		EnforcePKCE:                    true,
		EnablePKCEPlainChallengeMethod: false,
		// Refresh tokens only when the learner granted offline_access
		// (and the client registered the refresh_token grant).
		RefreshTokenScopes:         []string{ScopeOfflineAccess},
		TokenURL:                   cfg.BaseURL + PathToken,
		ClientSecretsHasher:        sha256Hasher{},
		SendDebugMessagesToClients: false,
	}
	st := &storage{store: cfg.Store, cfg: fc}
	strategy := oauth2.NewHMACSHAStrategy(&hmac.HMACStrategy{Config: fc}, fc)
	explicit := &oauth2.AuthorizeExplicitGrantHandler{
		AccessTokenStrategy: strategy, RefreshTokenStrategy: strategy, AuthorizeCodeStrategy: strategy,
		CoreStorage: st, TokenRevocationStorage: st, Config: fc,
	}
	challenge := &pkce.Handler{AuthorizeCodeStrategy: strategy, Storage: st, Config: fc}
	fc.AuthorizeEndpointHandlers.Append(explicit)
	fc.AuthorizeEndpointHandlers.Append(challenge)
	fc.TokenEndpointHandlers.Append(explicit)
	fc.TokenEndpointHandlers.Append(challenge)
	fc.TokenEndpointHandlers.Append(&oauth2.RefreshTokenGrantHandler{
		AccessTokenStrategy: strategy, RefreshTokenStrategy: strategy, TokenRevocationStorage: st, Config: fc,
	})
	fc.TokenIntrospectionHandlers.Append(&oauth2.CoreValidator{CoreStrategy: strategy, CoreStorage: st, Config: fc})
	fc.RevocationHandlers.Append(&oauth2.TokenRevocationHandler{TokenRevocationStorage: st, AccessTokenStrategy: strategy, RefreshTokenStrategy: strategy})
	return &Server{cfg: cfg, provider: fosite.NewOAuth2Provider(st, fc), register: newIPLimiter(cfg.RegisterLimit)}, nil
}

// Router is what routes are registered on: an *http.ServeMux, or a
// recorder of the patterns (internal/server lists every route for its
// route-matrix tests).
type Router interface {
	Handle(pattern string, handler http.Handler)
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}

// Routes registers the API and the authorization server's endpoints that
// authenticate by their own means (access tokens, client secrets) or none:
// internal/server mounts them outside the session middleware.
func (s *Server) Routes(mux Router) {
	mux.HandleFunc(PathDiscovery, s.methods(map[string]http.HandlerFunc{"GET": s.discovery}))
	mux.HandleFunc(PathCredentials, s.methods(map[string]http.HandlerFunc{
		"GET":  s.withToken(ScopeCredentialReadonly, s.getCredentials),
		"POST": s.withToken(ScopeCredentialUpsert, s.upsertCredential),
	}))
	mux.HandleFunc(PathProfile, s.methods(map[string]http.HandlerFunc{
		"GET": s.withToken(ScopeProfileReadonly, s.getProfile),
		"PUT": s.withToken(ScopeProfileUpdate, s.putProfile),
	}))
	mux.HandleFunc("GET "+PathMetadata, s.metadata)
	mux.HandleFunc("GET "+PathPolicy, s.policy)
	mux.HandleFunc("POST "+PathRegister, s.registerClient)
	mux.HandleFunc("POST "+PathToken, s.token)
	mux.HandleFunc("POST "+PathRevoke, s.revoke)
}

// SessionRoutes registers the endpoints that act for the signed-in user
// of a browser session: the authorization endpoint with its consent page,
// and the pushed document behind an external credential (for its holder
// and admins). internal/server mounts them behind the session middleware
// (cookie and CSRF check).
func (s *Server) SessionRoutes(mux Router) {
	mux.HandleFunc("GET "+PathAuthorize, s.authorize)
	mux.HandleFunc("POST "+PathAuthorize, s.decide)
	mux.HandleFunc("GET /api/v1/external-credentials/{id}/pushed", s.pushedDocument)
}

// Purge deletes codes and tokens that expired more than a day ago; the
// periodic sweep calls it.
func (s *Server) Purge(ctx context.Context) (int64, error) {
	return s.cfg.Store.PurgeOAuthTokens(ctx, time.Now().Add(-24*time.Hour))
}

// methods dispatches on the method, answering others with the
// specification's 405 status body.
func (s *Server) methods(h map[string]http.HandlerFunc) http.HandlerFunc {
	var allowed []string
	for m := range h {
		allowed = append(allowed, m)
	}
	slices.Sort(allowed)
	return func(w http.ResponseWriter, r *http.Request) {
		if f, ok := h[r.Method]; ok {
			f(w, r)
			return
		}
		if r.Method == http.MethodHead && h["GET"] != nil {
			h["GET"](w, r)
			return
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeStatus(w, http.StatusMethodNotAllowed, minorNotAllowed, fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path))
	}
}
