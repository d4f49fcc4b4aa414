package obapi

import (
	"errors"
	"net/http"

	"github.com/ory/fosite"
)

// token is the token endpoint: the authorization code grant (with the
// PKCE verifier) and the refresh token grant, clients authenticating with
// HTTP Basic (client_secret_basic).
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ar, err := s.provider.NewAccessRequest(ctx, r, &fosite.DefaultSession{})
	if err != nil {
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	resp, err := s.provider.NewAccessResponse(ctx, ar)
	if err != nil {
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	s.provider.WriteAccessResponse(ctx, w, ar, resp)
}

// revoke is the revocation endpoint (RFC 7009): revoking a refresh or an
// access token revokes every token of its grant. An unknown token is
// answered 200, as RFC 7009 requires; a token of another client is
// refused with unauthorized_client and stays valid.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	err := s.provider.NewRevocationRequest(ctx, r)
	if errors.Is(err, fosite.ErrUnauthorizedClient) {
		writeJSON(w, http.StatusBadRequest, "application/json", map[string]string{"error": "unauthorized_client",
			"error_description": "The token was not issued to this client."})
		return
	}
	s.provider.WriteRevocationResponse(ctx, w, err)
}
