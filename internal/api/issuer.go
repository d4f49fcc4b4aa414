package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/certlab/certlab"
)

// The issuer: its public profile, keys and DID document, the
// achievements it awards, the revocation status list, and key rotation.

// writeDocument writes a public JSON-LD document with a cache lifetime.
func writeDocument(w http.ResponseWriter, contentType string, maxAge int, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(maxAge))
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func (s *Server) writeMap(w http.ResponseWriter, r *http.Request, doc map[string]any, err error, contentType string) {
	if err != nil {
		s.error(w, r, err)
		return
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeDocument(w, contentType, 300, b)
}

func (s *Server) issuerProfile(w http.ResponseWriter, r *http.Request) {
	doc, err := s.Credentials.ProfileDocument(r.Context())
	s.writeMap(w, r, doc, err, "application/ld+json")
}

func (s *Server) issuerKey(w http.ResponseWriter, r *http.Request) {
	doc, err := s.Credentials.KeyDocument(r.Context(), r.PathValue("key"))
	s.writeMap(w, r, doc, err, "application/ld+json")
}

func (s *Server) didDocument(w http.ResponseWriter, r *http.Request) {
	doc, err := s.Credentials.DIDDocument(r.Context())
	s.writeMap(w, r, doc, err, "application/did+ld+json")
}

func (s *Server) listAchievements(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Credentials.Achievements())
}

func (s *Server) getAchievement(w http.ResponseWriter, r *http.Request) {
	doc, err := s.Credentials.AchievementDocument(r.PathValue("id"))
	s.writeMap(w, r, doc, err, "application/ld+json")
}

// achievementImage serves a program's badge image, the SVG its credentials embed.
func (s *Server) achievementImage(w http.ResponseWriter, r *http.Request) {
	b, err := s.Credentials.AchievementImageSVG(r.PathValue("id"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	writeDocument(w, "image/svg+xml", 3600, b)
}

func (s *Server) statusList(w http.ResponseWriter, r *http.Request) {
	b, err := s.Credentials.StatusList(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeDocument(w, "application/vc+ld+json", 300, b)
}

func (s *Server) rotateKey(r *http.Request, u *certlab.User) (any, error) {
	var req ReasonRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return nil, err
		}
	}
	id, err := s.Credentials.RotateKey(r.Context(), u, req.Reason)
	if err != nil {
		return nil, err
	}
	return map[string]string{"active_key": id}, nil
}

func (s *Server) withdrawKey(r *http.Request, u *certlab.User) (any, error) {
	var req struct {
		Key    string `json:"key"`
		Reason string `json:"reason"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := s.Credentials.WithdrawKey(r.Context(), u, req.Key, req.Reason); err != nil {
		return nil, err
	}
	return map[string]string{"withdrawn": req.Key, "active_key": s.Credentials.SigningKeyID()}, nil
}
