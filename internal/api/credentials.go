package api

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/credential"
)

//go:embed templates/verify.html
var credentialTemplates embed.FS

// maxCredentialBytes bounds a credential pasted or uploaded for verification.
const maxCredentialBytes = 256 << 10

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

func (s *Server) statusList(w http.ResponseWriter, r *http.Request) {
	b, err := s.Credentials.StatusList(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeDocument(w, "application/vc+ld+json", 300, b)
}

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
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
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

func (s *Server) sharedTranscript(w http.ResponseWriter, r *http.Request) {
	t, err := s.Credentials.SharedTranscript(r.Context(), r.PathValue("token"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
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
	ext := "json"
	if r.URL.Query().Get("format") == "jwt" {
		ext = "jwt"
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+c.ProgramID+`.`+ext+`"`)
	writeCredential(w, r, c)
}

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

func (s *Server) listSessions(r *http.Request, u *certlab.User) (any, error) {
	return s.Credentials.Sessions(r.Context(), r.URL.Query().Get("exam"))
}

func (s *Server) createSession(r *http.Request, u *certlab.User) (any, error) {
	var req credential.SessionRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.Credentials.CreateSession(r.Context(), u, req)
}

func (s *Server) sessionAppointments(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Credentials.Appointments(r.Context(), u, id)
}

func (s *Server) listAppointments(r *http.Request, u *certlab.User) (any, error) {
	return s.Credentials.Appointments(r.Context(), u, 0)
}

// SessionRef is the body of booking and rescheduling requests.
type SessionRef struct {
	SessionID int64 `json:"session_id"`
}

func (s *Server) bookAppointment(r *http.Request, u *certlab.User) (any, error) {
	var req SessionRef
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.Credentials.Book(r.Context(), u, req.SessionID)
}

func (s *Server) rescheduleAppointment(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var req SessionRef
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.Credentials.Reschedule(r.Context(), u, id, req.SessionID)
}

func (s *Server) cancelAppointment(r *http.Request, u *certlab.User) (any, error) {
	return s.appointmentAction(r, u, s.Credentials.Cancel)
}

func (s *Server) checkIn(r *http.Request, u *certlab.User) (any, error) {
	return s.appointmentAction(r, u, s.Credentials.CheckIn)
}

func (s *Server) appointmentAction(r *http.Request, u *certlab.User,
	act func(ctx context.Context, u *certlab.User, id int64) (*certlab.Appointment, error)) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return act(r.Context(), u, id)
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

func (s *Server) sweepCredentials(r *http.Request, u *certlab.User) (any, error) {
	return s.Credentials.Sweep(r.Context())
}

func (s *Server) rotateKey(r *http.Request, u *certlab.User) (any, error) {
	id, err := s.Credentials.RotateKey(r.Context(), u)
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

func (s *Server) setAccommodation(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var req struct {
		ExtraTimePct int    `json:"extra_time_pct"`
		Reason       string `json:"reason"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.Credentials.SetAccommodation(r.Context(), u, id, req.ExtraTimePct, req.Reason)
}

func (s *Server) auditLog(r *http.Request, u *certlab.User) (any, error) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	out, err := s.Credentials.AuditLog(r.Context(), u, certlab.AuditFilter{Target: q.Get("target"), Action: q.Get("action"), Limit: limit})
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []*certlab.AuditEntry{}
	}
	return out, nil
}

func (s *Server) liveSessions(r *http.Request, u *certlab.User) (any, error) {
	return s.Credentials.LiveSessions(r.Context(), u)
}

// proctorAction makes the handler of a proctor's pause, resume or end of an
// attempt, with an optional reason.
func (s *Server) proctorAction(action string) func(*http.Request, *certlab.User) (any, error) {
	return func(r *http.Request, u *certlab.User) (any, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return nil, err
		}
		var req ReasonRequest
		if r.ContentLength != 0 {
			if err := decode(r, &req); err != nil {
				return nil, err
			}
		}
		switch action {
		case "pause":
			return s.Credentials.Pause(r.Context(), u, id, req.Reason)
		case "resume":
			return s.Credentials.Resume(r.Context(), u, id, req.Reason)
		default:
			return s.Credentials.EndSession(r.Context(), u, id, req.Reason)
		}
	}
}

func (s *Server) listIncidents(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Credentials.Incidents(r.Context(), u, id)
}

func (s *Server) logIncident(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var req struct {
		Note string `json:"note"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.Credentials.LogIncident(r.Context(), u, id, req.Note)
}
