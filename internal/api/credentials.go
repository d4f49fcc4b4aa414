package api

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/credential"
)

// Credentials: the public document of each issued credential, the
// verification page and API, and what holders and admins do with them.

//go:embed templates/verify.html
var credentialTemplates embed.FS

// maxCredentialBytes bounds a credential pasted or uploaded for verification.
const maxCredentialBytes = 256 << 10

// publicCredential serves an issued credential at its ID: the JSON form,
// or the VC-JWT for Accept: application/vc+jwt or ?format=jwt.
func (s *Server) publicCredential(w http.ResponseWriter, r *http.Request) {
	c, err := s.Credentials.PublicCredential(r.Context(), r.PathValue("id"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeCredential(w, r, c)
}

func writeCredential(w http.ResponseWriter, r *http.Request, c *certlab.Credential) {
	if r.URL.Query().Get("format") == "jwt" || strings.Contains(r.Header.Get("Accept"), "application/vc+jwt") {
		w.Header().Set("Content-Type", "application/vc+jwt")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = io.WriteString(w, c.JWT)
		return
	}
	w.Header().Set("Content-Type", "application/vc+ld+json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(c.Document)
}

// verifyInput is the pasted text (?credential=) or the uploaded file of
// the verification page.
func verifyInput(r *http.Request) ([]byte, error) {
	if r.Method == http.MethodGet {
		return []byte(strings.TrimSpace(r.URL.Query().Get("credential"))), nil
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxCredentialBytes+64<<10)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if f, _, err := r.FormFile("file"); err == nil {
			defer f.Close()
			b, err := io.ReadAll(io.LimitReader(f, maxCredentialBytes+1))
			if err != nil {
				return nil, certlab.Errorf(certlab.EINVALID, "reading the uploaded file: %v", err)
			}
			return bytes.TrimSpace(b), nil
		}
	}
	if err := r.ParseMultipartForm(maxCredentialBytes); err != nil && err != http.ErrNotMultipart {
		return nil, certlab.Errorf(certlab.EINVALID, "reading the form: %v", err)
	}
	return []byte(strings.TrimSpace(r.FormValue("credential"))), nil
}

type verifyPageData struct {
	Issuer string
	Input  string
	Error  string
	Report *credential.Verification
}

// verifyPage is the public verification page: paste or upload a
// credential and read each check in plain words.
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request, page *template.Template) {
	data := verifyPageData{Issuer: s.Credentials.Profile().Name}
	in, err := verifyInput(r)
	if err == nil && len(in) > 0 && r.Method == http.MethodGet {
		if ok, _ := s.verifyLimiter.allow(r, time.Now()); !ok {
			err = certlab.Errorf(certlab.EINVALID, "too many verifications from your address; wait a few seconds and try again")
		}
	}
	switch {
	case err != nil:
		data.Error = certlab.ErrorMessage(err)
	case len(in) > maxCredentialBytes:
		data.Error = "The credential is larger than 256 KiB; certlab does not check documents that large."
	case len(in) > 0:
		data.Input = string(in)
		data.Report = s.Credentials.Verify(r.Context(), in)
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, data); err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", verifyCSP)
	_, _ = w.Write(buf.Bytes())
}

// verifyJSON verifies a credential sent as the request body: the JSON
// credential itself, or the compact VC-JWT.
func (s *Server) verifyJSON(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxCredentialBytes+1))
	if err != nil {
		s.error(w, r, certlab.Errorf(certlab.EINVALID, "request body: %v", err))
		return
	}
	if len(b) > maxCredentialBytes {
		s.error(w, r, certlab.Errorf(certlab.EINVALID, "the credential is larger than 256 KiB"))
		return
	}
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		s.error(w, r, certlab.Errorf(certlab.EINVALID, "send the credential (JSON or VC-JWT) as the request body"))
		return
	}
	writeJSON(w, http.StatusOK, s.Credentials.Verify(r.Context(), b))
}

// CredentialView is a credential with its public links.
type CredentialView struct {
	*certlab.Credential
	URL       string `json:"url,omitempty"`        // the signed credential (JSON)
	JWTURL    string `json:"jwt_url,omitempty"`    // the same as VC-JWT
	VerifyURL string `json:"verify_url,omitempty"` // the public verification page
}

func (s *Server) credentialView(c *certlab.Credential) CredentialView {
	v := CredentialView{Credential: c}
	if len(c.Document) > 0 {
		v.URL = s.Credentials.CredentialURL(c.PublicID)
		v.JWTURL = v.URL + "?format=jwt"
		v.VerifyURL = strings.TrimSuffix(v.URL, "/credentials/"+c.PublicID) + "/verify"
	}
	return v
}

func (s *Server) listCredentials(r *http.Request, u *certlab.User) (any, error) {
	cs, err := s.Credentials.Credentials(r.Context(), u)
	if err != nil {
		return nil, err
	}
	out := []CredentialView{}
	for _, c := range cs {
		out = append(out, s.credentialView(c))
	}
	return out, nil
}

func (s *Server) getCredential(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	c, err := s.Credentials.Credential(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	return s.credentialView(c), nil
}

func (s *Server) downloadCredential(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := pathID(r, "id")
	if err != nil {
		s.error(w, r, err)
		return
	}
	c, err := s.Credentials.Credential(r.Context(), u, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if len(c.Document) == 0 {
		s.error(w, r, certlab.Errorf(certlab.ECONFLICT, "credential %d is %s: there is nothing to download yet", id, c.Status))
		return
	}
	switch r.URL.Query().Get("format") {
	case "svg":
		// The badge image with the signed credential baked in (OB 3.0).
		img, err := s.Credentials.BakedSVG(c)
		if err != nil {
			s.error(w, r, err)
			return
		}
		w.Header().Set("Content-Disposition", `attachment; filename="`+c.ProgramID+`.svg"`)
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(img)
		return
	case "jwt":
		w.Header().Set("Content-Disposition", `attachment; filename="`+c.ProgramID+`.jwt"`)
	default:
		w.Header().Set("Content-Disposition", `attachment; filename="`+c.ProgramID+`.json"`)
	}
	writeCredential(w, r, c)
}

func (s *Server) eligibility(r *http.Request, u *certlab.User) (any, error) {
	ex, err := s.Catalog.Exam(r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	mode := r.URL.Query().Get("mode")
	if mode == "" {
		mode = certlab.ModeExam
	}
	return s.Credentials.Eligibility(r.Context(), u, ex, mode)
}

func (s *Server) reminders(r *http.Request, u *certlab.User) (any, error) {
	return s.Credentials.Reminders(r.Context(), u)
}

// ReasonRequest is the body of actions that record a reason.
type ReasonRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) revokeCredential(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var req ReasonRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	c, err := s.Credentials.Revoke(r.Context(), u, id, req.Reason)
	if err != nil {
		return nil, err
	}
	return s.credentialView(c), nil
}

// SweepResult counts what one sweep did: the credential sweep and the
// no-shows it recorded.
type SweepResult struct {
	credential.SweepResult
	NoShows int `json:"no_shows"`
}

// sweepCredentials runs the time-driven work the server does every minute,
// now: credential expiry, reminders and evaluation, and no-shows.
func (s *Server) sweepCredentials(r *http.Request, u *certlab.User) (any, error) {
	out := SweepResult{}
	var err, err2 error
	out.SweepResult, err = s.Credentials.Sweep(r.Context())
	if s.Schedule != nil {
		out.NoShows, err2 = s.Schedule.RecordNoShows(r.Context())
	}
	return out, errors.Join(err, err2)
}
