package api

import (
	"net/http"
	"strings"

	"github.com/certlab/certlab"
)

// Transcripts: the candidate's own, and revocable links that share it.

func (s *Server) sharedTranscript(w http.ResponseWriter, r *http.Request) {
	t, err := s.Credentials.SharedTranscript(r.Context(), r.PathValue("token"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) transcript(r *http.Request, u *certlab.User) (any, error) {
	return s.Credentials.Transcript(r.Context(), u)
}

func (s *Server) listShares(r *http.Request, u *certlab.User) (any, error) {
	return s.Credentials.Shares(r.Context(), u)
}

// ShareCreated is the answer to creating a transcript link: the token is
// shown once.
type ShareCreated struct {
	*certlab.TranscriptShare
	Token string `json:"token"`
	URL   string `json:"url"`
}

func (s *Server) createShare(r *http.Request, u *certlab.User) (any, error) {
	var req struct {
		Label string `json:"label"`
	}
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return nil, err
		}
	}
	token, sh, err := s.Credentials.CreateShare(r.Context(), u, req.Label)
	if err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(s.Credentials.IssuerID(), "/issuer")
	return ShareCreated{TranscriptShare: sh, Token: token, URL: base + "/transcripts/" + token}, nil
}

func (s *Server) revokeShare(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := pathID(r, "id")
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.Credentials.RevokeShare(r.Context(), u, id); err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
