package obapi

import (
	"bytes"
	"html/template"
	"net/http"
)

// Where the 1EdTech JSON schemas of the API's payloads are published; the
// service description refers to them rather than copying them.
const (
	schemaBase           = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
	schemaCredential     = schemaBase + "ob_v3p0_achievementcredential_schema.json"
	schemaGetCredentials = schemaBase + "ob_v3p0_getopenbadgecredentialsresponse_schema.json"
	schemaProfile        = schemaBase + "ob_v3p0_profile_schema.json"
	schemaStatusInfo     = schemaBase + "ob_v3p0_imsx_statusinfo_schema.json"
)

// ServiceDescription is the Service Description Document (Open Badges 3.0
// §6.3, §7.2.1): a profiled OpenAPI 3.0 document naming this server's
// endpoints, the OAuth2ACG security scheme with the registration,
// authorization and token URLs, and the scopes.
func (s *Server) ServiceDescription() map[string]any {
	base := s.cfg.BaseURL
	scopes := map[string]any{}
	for _, sc := range Scopes {
		if sc.ID != ScopeOfflineAccess {
			scopes[sc.ID] = sc.Description
		}
	}
	status := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": schemaStatusInfo}}}}
	}
	errs := func(codes ...string) map[string]any {
		out := map[string]any{}
		for _, c := range codes {
			out[c] = status(map[string]string{
				"304": "Not modified: the server already holds exactly this.", "400": "Bad request: the body or a parameter is invalid.",
				"401": "No valid access token.", "403": "The access token lacks the operation's scope.", "404": "Not found.",
				"405": "Method not allowed.", "500": "Internal error.", "default": "The request was invalid or cannot be served.",
			}[c])
		}
		return out
	}
	merge := func(a, b map[string]any) map[string]any {
		for k, v := range b {
			a[k] = v
		}
		return a
	}
	security := func(scope string) []any { return []any{map[string]any{"OAuth2ACG": []any{scope}}} }
	credentialBody := map[string]any{
		"application/json": map[string]any{"schema": map[string]any{"$ref": schemaCredential}},
		"text/plain":       map[string]any{"schema": map[string]any{"type": "string", "pattern": `^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$`}},
	}
	profileBody := map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": schemaProfile}}}
	intParam := func(name, desc string, min int) map[string]any {
		return map[string]any{"name": name, "in": "query", "required": false, "description": desc, "schema": map[string]any{"type": "integer", "format": "int32", "minimum": min}}
	}
	return map[string]any{
		"openapi": "3.0.1",
		"info": map[string]any{
			"title":                    s.cfg.Title,
			"description":              "The Open Badges 3.0 API of " + s.cfg.Title + " (certlab): a host of learners' credentials and their issuer.",
			"version":                  "3.0",
			"termsOfService":           s.cfg.TermsURL,
			"x-imssf-privacyPolicyUrl": s.cfg.PrivacyURL,
		},
		"servers": []any{map[string]any{"url": base + "/ims/ob/v3p0"}},
		"paths": map[string]any{
			"/credentials": map[string]any{
				"get": map[string]any{
					"operationId": "getCredentials",
					"summary":     "The OpenBadgeCredentials certlab issued to the authenticated learner.",
					"parameters": []any{
						intParam("limit", "The maximum number of credentials to return per page.", 1),
						intParam("offset", "The index of the first credential to return (zero indexed).", 0),
						map[string]any{"name": "since", "in": "query", "required": false, "description": "Only credentials issued after this time.",
							"schema": map[string]any{"type": "string", "format": "date-time"}},
					},
					"security": security(ScopeCredentialReadonly),
					"responses": merge(map[string]any{"200": map[string]any{"description": "The credentials; X-Total-Count and Link headers page them.",
						"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": schemaGetCredentials}}}}},
						errs("400", "401", "403", "405", "500", "default")),
				},
				"post": map[string]any{
					"operationId": "upsertCredential",
					"summary":     "Push a credential earned elsewhere; certlab verifies it and queues it for an administrator's review.",
					"requestBody": map[string]any{"required": true, "content": credentialBody},
					"security":    security(ScopeCredentialUpsert),
					"responses": merge(map[string]any{
						"200": map[string]any{"description": "Replaced a version held before.", "content": credentialBody},
						"201": map[string]any{"description": "Created.", "content": credentialBody},
					}, errs("304", "400", "401", "403", "404", "405", "500", "default")),
				},
			},
			"/profile": map[string]any{
				"get": map[string]any{"operationId": "getProfile", "security": security(ScopeProfileReadonly),
					"responses": merge(map[string]any{"200": map[string]any{"description": "The learner's profile.", "content": profileBody}},
						errs("400", "401", "403", "404", "405", "500", "default"))},
				"put": map[string]any{"operationId": "putProfile", "security": security(ScopeProfileUpdate),
					"requestBody": map[string]any{"required": true, "content": profileBody},
					"responses": merge(map[string]any{"200": map[string]any{"description": "The profile as now stored.", "content": profileBody}},
						errs("400", "401", "403", "404", "405", "500", "default"))},
			},
			"/discovery": map[string]any{
				"get": map[string]any{"operationId": "getServiceDescription", "security": []any{},
					"responses": merge(map[string]any{"200": map[string]any{"description": "This document.",
						"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}}, errs("default"))},
			},
		},
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"OAuth2ACG": map[string]any{
					"type":                      "oauth2",
					"description":               "OAuth 2.0 Authorization Code Grant authorization, with PKCE (S256)",
					"x-imssf-name":              s.cfg.Title,
					"x-imssf-privacyPolicyUrl":  s.cfg.PrivacyURL,
					"x-imssf-registrationUrl":   base + PathRegister,
					"x-imssf-termsOfServiceUrl": s.cfg.TermsURL,
					"flows": map[string]any{
						"authorizationCode": map[string]any{
							"authorizationUrl": base + PathAuthorize,
							"tokenUrl":         base + PathToken,
							"refreshUrl":       base + PathToken,
							"scopes":           scopes,
						},
					},
				},
			},
		},
	}
}

// discovery serves the Service Description Document; it is public and
// may be cached for an hour.
func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_ = jsonEncoder(w).Encode(s.ServiceDescription())
	}
}

// Metadata is the authorization server metadata (RFC 8414).
func (s *Server) Metadata() map[string]any {
	base := s.cfg.BaseURL
	var scopes []string
	for _, sc := range Scopes {
		scopes = append(scopes, sc.ID)
	}
	return map[string]any{
		"issuer":                                     base,
		"authorization_endpoint":                     base + PathAuthorize,
		"token_endpoint":                             base + PathToken,
		"registration_endpoint":                      base + PathRegister,
		"revocation_endpoint":                        base + PathRevoke,
		"scopes_supported":                           scopes,
		"response_types_supported":                   []string{"code"},
		"response_modes_supported":                   []string{"query"},
		"grant_types_supported":                      []string{"authorization_code", "refresh_token"},
		"token_endpoint_auth_methods_supported":      []string{"client_secret_basic"},
		"revocation_endpoint_auth_methods_supported": []string{"client_secret_basic"},
		"code_challenge_methods_supported":           []string{"S256"},
		"service_documentation":                      base + PathDiscovery,
		"op_policy_uri":                              s.cfg.PrivacyURL,
		"op_tos_uri":                                 s.cfg.TermsURL,
	}
}

func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSONCached(w, s.Metadata())
}

var policyPage = template.Must(template.New("policy").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connected applications · {{.Title}}</title></head>
<body>
<main>
<h1>Applications connected to {{.Title}}</h1>
<p>{{.Title}} offers the Open Badges 3.0 API. An application (a badge wallet, a portfolio, another
learning platform) can connect to your account only after you sign in here and agree, on a page
that names the application and what it asks for. It can then do only what you agreed to:</p>
<ul>{{range .Scopes}}<li><code>{{.ID}}</code>: {{.Description}}</li>{{end}}</ul>
<p>Access tokens last an hour. An application you allow to stay connected (<code>offline_access</code>)
also gets a refresh token, which lets it renew its access until it revokes it or leaves it unused
for {{.RefreshDays}} days. Credentials an
application sends for you are verified, then kept for an administrator's review with the
verification report; they count towards a program only once an administrator verifies them.</p>
<p>{{.Title}} keeps, for each application, the details it registered with (name, addresses, contacts)
and, for each access you grant, which scopes you granted and when; tokens are stored only as hashes.</p>
</main>
</body></html>
`))

// policy is the page the service description names as terms of service
// and privacy policy when no others are configured: what connected
// applications can see and do.
func (s *Server) policy(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := policyPage.Execute(&buf, map[string]any{"Title": s.cfg.Title, "Scopes": Scopes, "RefreshDays": int(s.cfg.RefreshTokenLifespan.Hours() / 24)}); err != nil {
		s.internalError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(buf.Bytes())
}
