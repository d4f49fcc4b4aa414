package api

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/httperror"
)

// Credentials: the public document of each issued credential, the
// verification page and API, and what holders and admins do with them.

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

// VerifyPage is what the verification page shows. internal/web renders
// it (Server.RenderVerify, wired by internal/app; web.VerifyPage is
// declared alike, field for field).
type VerifyPage struct {
	Status int
	// Issuer is this server's issuer name.
	Issuer string
	// Input is the pasted text and URL the URL given, shown again in the form.
	Input string
	URL   string
	// Source says what was verified: "the pasted text", "the file x.png", a URL.
	Source string
	Error  string
	Report *credential.Verification
}

// verifyRequest reads the verification page's request: a URL (?url= or
// the form's url field), an uploaded file, or pasted text (?credential=
// or the form's credential field). Pasted text that is a URL counts as a
// URL. source says which, in words.
func verifyRequest(r *http.Request) (in credential.VerifyInput, given VerifyPage, err error) {
	var text []byte
	fromFile := false
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		given.URL, text = strings.TrimSpace(q.Get("url")), []byte(q.Get("credential"))
		given.Source = "the pasted text"
	} else {
		r.Body = http.MaxBytesReader(nil, r.Body, maxCredentialBytes+64<<10)
		if err := r.ParseMultipartForm(maxCredentialBytes + 32<<10); err != nil && err != http.ErrNotMultipart {
			return in, given, certlab.Errorf(certlab.EINVALID, "reading the form: %v (a file may be at most 256 KiB)", err)
		}
		given.URL, text, given.Source = strings.TrimSpace(r.FormValue("url")), []byte(r.FormValue("credential")), "the pasted text"
		if f, fh, ferr := r.FormFile("file"); ferr == nil {
			defer f.Close()
			b, err := io.ReadAll(io.LimitReader(f, maxCredentialBytes+1))
			if err != nil {
				return in, given, certlab.Errorf(certlab.EINVALID, "reading the uploaded file: %v", err)
			}
			if len(b) > 0 {
				text, given.Source, fromFile = b, "the file "+fh.Filename, true
			}
		}
	}
	if len(text) > maxCredentialBytes {
		return in, given, certlab.Errorf(certlab.EINVALID, "the credential is larger than 256 KiB; certlab does not check documents that large")
	}
	if !fromFile && utf8.Valid(text) {
		given.Input = string(text)
	}
	if given.URL != "" {
		given.Source = given.URL
		in, err = credential.ParseVerifyInput([]byte(given.URL))
		if err == nil && in.URL == "" {
			err = certlab.Errorf(certlab.EINVALID, "the URL field takes a link to a credential; paste the credential itself into the text box")
		}
		return in, given, err
	}
	if len(bytes.TrimSpace(text)) == 0 {
		return in, given, nil
	}
	in, err = credential.ParseVerifyInput(text)
	if in.URL != "" {
		given.URL, given.Source = in.URL, in.URL
	}
	return in, given, err
}

// verifyPage is the public verification page: a URL, an uploaded file or
// pasted text, checked by the server's verifier, each check in plain
// words. Verifying counts against the client address's limit.
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) {
	in, p, err := verifyRequest(r)
	p.Issuer, p.Status = s.Credentials.Profile().Name, http.StatusOK
	given := in.URL != "" || len(in.Credential) > 0
	if err == nil && given {
		if ok, wait := s.verifyLimiter.allow(r, time.Now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
			p.Status = http.StatusTooManyRequests
			err = certlab.Errorf(certlab.EINVALID, "too many verifications from your address; wait a few seconds and try again")
		}
	}
	switch {
	case err != nil:
		p.Error = certlab.ErrorMessage(err)
		if p.Status == http.StatusOK {
			p.Status = http.StatusBadRequest
		}
	case in.URL != "":
		if p.Report, err = s.Credentials.VerifyURL(r.Context(), in.URL); err != nil {
			p.Error, p.Status = certlab.ErrorMessage(err), httperror.Status(certlab.ErrorCode(err))
		}
	case given:
		p.Report = s.Credentials.Verify(r.Context(), in.Credential)
	}
	if s.RenderVerify != nil {
		s.RenderVerify(w, r, p)
		return
	}
	// Without the web UI the page is the report as text.
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	switch {
	case p.Error != "":
		_, _ = io.WriteString(w, p.Error+"\n")
	case p.Report != nil:
		_ = p.Report.WriteText(w)
	default:
		_, _ = io.WriteString(w, "POST a credential (JSON or VC-JWT) to /api/v1/verify, or give ?url= or ?credential= here.\n")
	}
}

// verifyJSON verifies a credential sent as the request body: the JSON
// credential itself, or the compact VC-JWT.
func (s *Server) verifyJSON(w http.ResponseWriter, r *http.Request) {
	if u := r.URL.Query().Get("url"); u != "" {
		v, err := s.Credentials.VerifyURL(r.Context(), u)
		if err != nil {
			s.error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, v)
		return
	}
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
		s.error(w, r, certlab.Errorf(certlab.EINVALID, "send the credential (JSON or VC-JWT) as the request body, or its URL as ?url="))
		return
	}
	writeJSON(w, http.StatusOK, s.Credentials.Verify(r.Context(), b))
}

// CredentialView is a credential with its public links and, in the
// holder's lists, its wallet state.
type CredentialView struct {
	*certlab.Credential
	URL       string `json:"url,omitempty"`        // the signed credential (JSON)
	JWTURL    string `json:"jwt_url,omitempty"`    // the same as VC-JWT
	VerifyURL string `json:"verify_url,omitempty"` // the public verification page
	// Name is the program's name; State refines Status with the dates
	// (pending, active, expiring, expired, revoked); Missing says what a
	// pending credential still needs; Renewal is an active credential's
	// renewal window.
	Name        string                    `json:"name,omitempty"`
	State       string                    `json:"state,omitempty"`
	Missing     []string                  `json:"missing,omitempty"`
	Renewal     *credential.RenewalWindow `json:"renewal,omitempty"`
	ImageURL    string                    `json:"image_url,omitempty"`    // the badge image (SVG)
	LinkedInURL string                    `json:"linkedin_url,omitempty"` // LinkedIn's "Add to profile" link
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

func (s *Server) walletView(e credential.WalletEntry) CredentialView {
	v := s.credentialView(e.Credential)
	v.Name, v.State, v.Missing, v.Renewal, v.ImageURL = e.Name, e.State, e.Missing, e.Renewal, e.ImageURL
	if e.Links != nil {
		v.LinkedInURL = e.Links.LinkedIn
	}
	return v
}

func (s *Server) listCredentials(r *http.Request, u *certlab.User) (any, error) {
	w, err := s.Credentials.Wallet(r.Context(), u)
	if err != nil {
		return nil, err
	}
	out := []CredentialView{}
	for _, e := range w {
		out = append(out, s.walletView(e))
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
	if c.UserID == u.ID {
		w, err := s.Credentials.Wallet(r.Context(), u)
		if err != nil {
			return nil, err
		}
		for _, e := range w {
			if e.Credential.ID == id {
				return s.walletView(e), nil
			}
		}
	}
	return s.credentialView(c), nil
}

// HolderNameRequest is the body of PUT /api/v1/me/credential-name.
type HolderNameRequest struct {
	Name   string `json:"name"`
	Hidden bool   `json:"hidden"`
}

// HolderNameResult is the holder's choice and how many credentials were
// signed again with it.
type HolderNameResult struct {
	*certlab.CredentialName
	Resigned int `json:"resigned"`
}

func (s *Server) getHolderName(r *http.Request, u *certlab.User) (any, error) {
	return s.Credentials.HolderName(r.Context(), u)
}

func (s *Server) putHolderName(r *http.Request, u *certlab.User) (any, error) {
	var req HolderNameRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	n, resigned, err := s.Credentials.SetHolderName(r.Context(), u, req.Name, req.Hidden)
	if err != nil {
		return nil, err
	}
	return HolderNameResult{CredentialName: n, Resigned: resigned}, nil
}

// attemptOutcome says what a scored attempt means for its program's
// credential (the pass screen); null for practice.
func (s *Server) attemptOutcome(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Credentials.AttemptOutcome(r.Context(), u, id)
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
