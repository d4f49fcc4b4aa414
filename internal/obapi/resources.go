package obapi

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ory/fosite"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/credential"
)

// obContext is the Open Badges 3.0 JSON-LD context of profiles.
const obContext = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

// withToken lets through requests whose bearer access token is valid and
// was granted scope, with the user it acts for; others get 401 (no or
// invalid token) or 403 (token without the scope), with the
// WWW-Authenticate challenge of RFC 6750.
func (s *Server) withToken(scope string, h func(http.ResponseWriter, *http.Request, *certlab.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		kind, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(kind, "Bearer") || strings.TrimSpace(token) == "" {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="certlab", scope="%s"`, scope))
			writeStatus(w, http.StatusUnauthorized, minorUnauthorized, "send an OAuth 2.0 access token: Authorization: Bearer <token>")
			return
		}
		_, ar, err := s.provider.IntrospectToken(ctx, strings.TrimSpace(token), fosite.AccessToken, &fosite.DefaultSession{}, scope)
		if err != nil {
			if errors.Is(err, fosite.ErrInvalidScope) {
				w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="certlab", error="insufficient_scope", scope="%s"`, scope))
				writeStatus(w, http.StatusForbidden, minorForbidden, "the access token was not granted the scope "+scope)
				return
			}
			why := "the access token is not valid: it is unknown, revoked or expired"
			if errors.Is(err, fosite.ErrTokenExpired) {
				why = "the access token has expired: refresh it or authorize again"
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="certlab", error="invalid_token"`)
			writeStatus(w, http.StatusUnauthorized, minorUnauthorized, why)
			return
		}
		uid, err := userOf(ar.GetSession())
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		u, err := s.cfg.Store.User(ctx, uid)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="certlab", error="invalid_token"`)
			writeStatus(w, http.StatusUnauthorized, minorUnauthorized, "the access token's account no longer exists")
			return
		}
		h(w, r, u)
	}
}

// CredentialsResponse is a GetOpenBadgeCredentialsResponse: certlab
// returns each credential once, in its Data Integrity form.
type CredentialsResponse struct {
	Credential       []json.RawMessage `json:"credential"`
	CompactJwsString []string          `json:"compactJwsString,omitempty"`
}

// maxPage is the most credentials one page holds.
const maxPage = 100

// Page is a parsed limit, offset and since of getCredentials.
type Page struct {
	Limit  int
	Offset int
	Since  *time.Time
}

// ParsePage reads getCredentials' query: limit a positive integer (at
// most 100, which is also the default), offset a non-negative integer,
// since an RFC 3339 date-time.
func ParsePage(q url.Values) (Page, error) {
	p := Page{Limit: maxPage}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, fmt.Errorf("limit %q must be a positive integer", v)
		}
		p.Limit = min(n, maxPage)
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, fmt.Errorf("offset %q must be a non-negative integer", v)
		}
		p.Offset = n
	}
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return p, fmt.Errorf("since %q must be a date-time such as 2026-01-31T12:00:00Z", v)
		}
		p.Since = &t
	}
	return p, nil
}

// getCredentials returns the OpenBadgeCredentials certlab issued to the
// learner, oldest first, a page at a time: X-Total-Count is the number of
// credentials that match, Link names the first, last, previous and next
// pages (Open Badges 3.0 §6.4).
func (s *Server) getCredentials(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	p, err := ParsePage(r.URL.Query())
	if err != nil {
		writeStatus(w, http.StatusBadRequest, minorInvalidQuery, err.Error())
		return
	}
	all, err := s.cfg.Credentials.Credentials(r.Context(), u)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	var issued []*certlab.Credential
	for _, c := range all {
		if c.IssuedAt != nil && len(c.Document) > 0 && (p.Since == nil || c.IssuedAt.After(*p.Since)) {
			issued = append(issued, c)
		}
	}
	sort.SliceStable(issued, func(i, j int) bool {
		if !issued[i].IssuedAt.Equal(*issued[j].IssuedAt) {
			return issued[i].IssuedAt.Before(*issued[j].IssuedAt)
		}
		return issued[i].ID < issued[j].ID
	})
	total := len(issued)
	resp := CredentialsResponse{Credential: []json.RawMessage{}}
	for i := p.Offset; i < total && i < p.Offset+p.Limit; i++ {
		resp.Credential = append(resp.Credential, issued[i].Document)
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	w.Header().Set("Link", s.pageLinks(r.URL.Query(), p, total))
	writeJSON(w, http.StatusOK, "application/json", resp)
}

// pageLinks is the Link header of a page: first and last always, prev
// when the offset is past the start, next when more follow.
func (s *Server) pageLinks(q url.Values, p Page, total int) string {
	link := func(offset int, rel string) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("limit", strconv.Itoa(p.Limit))
		v.Set("offset", strconv.Itoa(offset))
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, s.cfg.BaseURL, PathCredentials, v.Encode(), rel)
	}
	last := 0
	if total > 0 {
		last = (total - 1) / p.Limit * p.Limit
	}
	links := []string{}
	if p.Offset+p.Limit < total {
		links = append(links, link(p.Offset+p.Limit, "next"))
	}
	links = append(links, link(last, "last"), link(0, "first"))
	if p.Offset > 0 {
		links = append(links, link(max(0, p.Offset-p.Limit), "prev"))
	}
	return strings.Join(links, ", ")
}

// upsertCredential receives a credential the learner earned elsewhere:
// JSON (application/json, application/vc+ld+json or application/ld+json)
// or a compact VC-JWT (text/plain). certlab verifies it, then queues it
// for an administrator's review: 201 when new, 200 when it replaced an
// earlier version, 304 when certlab already holds exactly it. The
// response body is the credential as sent.
func (s *Server) upsertCredential(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		mt = ""
	}
	wantJWT := false
	switch mt {
	case "application/json", "application/vc+ld+json", "application/ld+json":
	case "text/plain":
		wantJWT = true
	default:
		writeStatus(w, http.StatusBadRequest, minorInvalidData, fmt.Sprintf("Content-Type %q: send the credential as application/json, or a VC-JWT as text/plain", r.Header.Get("Content-Type")))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxUpsertBytes+1))
	if err != nil {
		writeStatus(w, http.StatusBadRequest, minorInvalidData, "read the request body: "+err.Error())
		return
	}
	if len(body) > maxUpsertBytes {
		writeStatus(w, http.StatusBadRequest, minorInvalidData, fmt.Sprintf("the credential is larger than %d bytes", maxUpsertBytes))
		return
	}
	if err := CheckUpsertBody(body, wantJWT); err != nil {
		writeStatus(w, http.StatusBadRequest, minorInvalidData, err.Error())
		return
	}
	res, err := s.cfg.Credentials.Push(r.Context(), u, body)
	if err != nil {
		if certlab.ErrorCode(err) == certlab.EINVALID || certlab.ErrorCode(err) == certlab.ECONFLICT {
			writeStatus(w, http.StatusBadRequest, minorInvalidData, certlab.ErrorMessage(err))
			return
		}
		s.internalError(w, r, err)
		return
	}
	status := http.StatusCreated
	switch res.Outcome {
	case credential.PushUnchanged:
		w.WriteHeader(http.StatusNotModified)
		return
	case credential.PushReplaced:
		status = http.StatusOK
	}
	s.cfg.Logger.Info("credential pushed", "user", u.ID, "external", res.External.ID, "issuer", res.Verification.Issuer, "status", status)
	ct := "application/json"
	if wantJWT {
		ct = "text/plain"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}

// maxUpsertBytes bounds an upsertCredential body.
const maxUpsertBytes = 256 << 10

// CheckUpsertBody checks that an upsertCredential body is what its
// content type says: a compact JWS (three base64url parts) for text/plain,
// a JSON object otherwise. The credential itself is read and verified by
// credential.Service.Push.
func CheckUpsertBody(body []byte, wantJWT bool) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return errors.New("the request body is empty: send the credential")
	}
	if wantJWT {
		parts := strings.Split(string(body), ".")
		if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
			return errors.New("a text/plain body must be a compact JWS (header.payload.signature)")
		}
		for i, p := range parts {
			for _, c := range p {
				if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
					return fmt.Errorf("part %d of the compact JWS has %q, which is not base64url", i+1, c)
				}
			}
		}
		return nil
	}
	if body[0] != '{' || !json.Valid(body) {
		return errors.New("a JSON body must be one JSON object: the credential")
	}
	return nil
}

// Profile is the learner's profile as the API shows it.
type Profile struct {
	Context []string `json:"@context"`
	Type    []string `json:"type"`
	ID      string   `json:"id"`
	Name    string   `json:"name,omitempty"`
	Email   string   `json:"email,omitempty"`
}

func (s *Server) profile(r *http.Request, u *certlab.User) (*Profile, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80 // a version 4 UUID
	h := hex.EncodeToString(b)
	candidate := "urn:uuid:" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	id, err := s.cfg.Store.ProfileID(r.Context(), u.ID, candidate)
	if err != nil {
		return nil, err
	}
	return &Profile{Context: []string{obContext}, Type: []string{"Profile"}, ID: id, Name: u.Name, Email: u.Email}, nil
}

// getProfile returns the learner's profile: a stable id of its own (not
// the account number), display name and e-mail address.
func (s *Server) getProfile(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	p, err := s.profile(r, u)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, "application/json", p)
}

// putProfile replaces the learner's profile; of its fields only the
// display name can change.
func (s *Server) putProfile(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" && mt != "application/ld+json" {
		writeStatus(w, http.StatusBadRequest, minorInvalidData, fmt.Sprintf("Content-Type %q: send the profile as application/json", r.Header.Get("Content-Type")))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxProfileBytes+1))
	if err != nil {
		writeStatus(w, http.StatusBadRequest, minorInvalidData, "read the request body: "+err.Error())
		return
	}
	cur, err := s.profile(r, u)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	name, err := ParseProfileUpdate(body, cur)
	if err != nil {
		writeStatus(w, http.StatusBadRequest, minorInvalidData, err.Error())
		return
	}
	if name != u.Name {
		if err := s.cfg.Store.SetUserName(r.Context(), u.ID, name); err != nil {
			s.internalError(w, r, err)
			return
		}
		s.cfg.Logger.Info("display name changed through the Open Badges API", "user", u.ID)
	}
	cur.Name = name
	writeJSON(w, http.StatusOK, "application/json", cur)
}

// Limits of putProfile.
const (
	maxProfileBytes = 16 << 10
	maxNameRunes    = 200
)

// ParseProfileUpdate reads a putProfile body, the whole Profile, against
// the current profile cur, and returns the new display name. It accepts
// the fields getProfile returns: @context and type as they are, id and
// email unchanged (neither can change here), name the new display name
// (absent clears it). Any other property is refused by name: certlab
// keeps no other profile data.
func ParseProfileUpdate(body []byte, cur *Profile) (string, error) {
	if len(body) > maxProfileBytes {
		return "", fmt.Errorf("the profile is larger than %d bytes", maxProfileBytes)
	}
	var doc map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&doc); err != nil || doc == nil {
		return "", errors.New("the body must be a JSON object: the whole Profile")
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", errors.New("unexpected data after the Profile object")
	}
	var unknown []string
	for k := range doc {
		switch k {
		case "@context", "type", "id", "name", "email":
		default:
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return "", fmt.Errorf("certlab cannot store %s: a profile here has only a display name (name), with id and email as getProfile returns them", strings.Join(unknown, ", "))
	}
	str := func(k string) (string, bool, error) {
		raw, ok := doc[k]
		if !ok {
			return "", false, nil
		}
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", true, fmt.Errorf("%s must be a string", k)
		}
		return v, true, nil
	}
	var types []string
	if raw, ok := doc["type"]; ok {
		var one string
		if json.Unmarshal(raw, &one) == nil {
			types = []string{one}
		} else if err := json.Unmarshal(raw, &types); err != nil {
			return "", errors.New("type must be \"Profile\" or a list of types")
		}
	}
	if len(types) == 0 || !slices.Contains(types, "Profile") {
		return "", errors.New("type must include \"Profile\"")
	}
	if id, ok, err := str("id"); err != nil {
		return "", err
	} else if ok && id != cur.ID {
		return "", fmt.Errorf("id %q is not this profile's id %q", id, cur.ID)
	}
	if email, ok, err := str("email"); err != nil {
		return "", err
	} else if ok && !strings.EqualFold(email, cur.Email) {
		return "", errors.New("email cannot be changed through the Open Badges API: change it in certlab")
	}
	name, _, err := str("name")
	if err != nil {
		return "", err
	}
	name = strings.TrimSpace(name)
	switch {
	case !utf8.ValidString(name):
		return "", errors.New("name is not valid UTF-8")
	case utf8.RuneCountInString(name) > maxNameRunes:
		return "", fmt.Errorf("name has more than %d characters", maxNameRunes)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "", errors.New("name contains control characters")
	}
	return name, nil
}
