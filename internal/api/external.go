package api

import (
	"net/http"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/credential"
)

// External credentials: declared by candidates, reviewed by admins.

func (s *Server) listExternal(r *http.Request, u *certlab.User) (any, error) {
	q := r.URL.Query()
	return s.Credentials.ExternalCredentials(r.Context(), u, q.Get("status"), q.Get("all") == "true")
}

func (s *Server) declareExternal(r *http.Request, u *certlab.User) (any, error) {
	var d credential.Declaration
	if err := decode(r, &d); err != nil {
		return nil, err
	}
	return s.Credentials.Declare(r.Context(), u, d)
}

// ReviewRequest is the body of POST /api/v1/external-credentials/{id}/review.
type ReviewRequest struct {
	Verified bool   `json:"verified"`
	Note     string `json:"note"`
}

// ReviewResult is the reviewed credential and what its verification issued.
type ReviewResult struct {
	External *certlab.ExternalCredential `json:"external_credential"`
	Issued   []CredentialView            `json:"issued"`
}

func (s *Server) reviewExternal(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var req ReviewRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	e, issued, err := s.Credentials.Review(r.Context(), u, id, req.Verified, req.Note)
	if err != nil {
		return nil, err
	}
	res := ReviewResult{External: e, Issued: []CredentialView{}}
	for _, c := range issued {
		res.Issued = append(res.Issued, s.credentialView(c))
	}
	return res, nil
}
