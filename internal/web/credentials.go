package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/credential"
)

// Credentials in the web UI: the holder's wallet (states, downloads,
// sharing, LinkedIn, the name on credentials, the transcript and its
// links), the dashboard's credential and renewal section, the pass screen
// on score reports, the public pages of credentials, achievements, the
// issuer and shared transcripts (served to browsers at the documents' own
// URLs, see PublicPages), and the verification page (RenderVerify).

// walletData is the wallet page.
type walletData struct {
	Enabled  bool
	Entries  []credential.WalletEntry
	Name     *certlab.CredentialName
	Account  string // the account's name, the default on credentials
	Shares   []*certlab.TranscriptShare
	NewShare string // a link just created: its URL is shown once
	Notice   string
}

// walletRoutes lists the wallet's pages; the public pages are not routes
// of the web UI (PublicPages).
func (h *Handler) walletRoutes(mux router) {
	mux.HandleFunc("GET /wallet", h.signedIn(h.notDuringExam(h.wallet)))
	mux.HandleFunc("POST /wallet/name", h.signedIn(h.notDuringExam(h.walletName)))
	mux.HandleFunc("POST /wallet/shares", h.signedIn(h.notDuringExam(h.walletCreateShare)))
	mux.HandleFunc("POST /wallet/shares/{id}/revoke", h.signedIn(h.notDuringExam(h.walletRevokeShare)))
}

// wallet is the holder's credentials page.
func (h *Handler) wallet(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderWallet(w, r, u, http.StatusOK, walletData{}, "")
}

// renderWallet renders the wallet with d's notice or new link, and errMsg
// as the page's alert.
func (h *Handler) renderWallet(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, d walletData, errMsg string) {
	if svc := h.cfg.Credentials; svc != nil {
		ctx := r.Context()
		var err error
		if d.Entries, err = svc.Wallet(ctx, u); err != nil {
			h.fail(w, r, err)
			return
		}
		if d.Name, err = svc.HolderName(ctx, u); err != nil {
			h.fail(w, r, err)
			return
		}
		if d.Shares, err = svc.Shares(ctx, u); err != nil {
			h.fail(w, r, err)
			return
		}
		d.Enabled, d.Account = true, u.Name
		if strings.EqualFold(strings.TrimSpace(u.Name), strings.TrimSpace(u.Email)) {
			d.Account = "" // never shown: the e-mail address is not published
		}
	}
	h.render(w, r, status, "wallet", page{Title: "Your credentials", Data: d, Error: errMsg})
}

func (h *Handler) requireCredentials() error {
	if h.cfg.Credentials == nil {
		return certlab.Errorf(certlab.ENOTFOUND, "credentials are not enabled on this server")
	}
	return nil
}

// walletName records the name shown on the holder's credentials.
func (h *Handler) walletName(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	if err := h.requireCredentials(); err != nil {
		h.fail(w, r, err)
		return
	}
	choice := r.PostFormValue("show")
	name := ""
	switch choice {
	case "account":
	case "custom":
		name = r.PostFormValue("name")
		if strings.TrimSpace(name) == "" {
			h.walletError(w, r, u, certlab.Errorf(certlab.EINVALID, "name: type the name to show, or choose another option"))
			return
		}
	case "hidden":
	default:
		h.walletError(w, r, u, certlab.Errorf(certlab.EINVALID, "choose how you are named on your credentials"))
		return
	}
	_, n, err := h.cfg.Credentials.SetHolderName(r.Context(), u, name, choice == "hidden")
	if err != nil {
		h.walletError(w, r, u, err)
		return
	}
	notice := "Saved. "
	switch n {
	case 0:
		notice += "Credentials issued from now on carry this choice."
	case 1:
		notice += "Your credential was signed again with it."
	default:
		notice += "Your credentials were signed again with it."
	}
	h.renderWallet(w, r, u, http.StatusOK, walletData{Notice: notice}, "")
}

// walletError shows the wallet with an invalid input's message, or the
// error page for any other error.
func (h *Handler) walletError(w http.ResponseWriter, r *http.Request, u *certlab.User, err error) {
	if certlab.ErrorCode(err) != certlab.EINVALID {
		h.fail(w, r, err)
		return
	}
	h.renderWallet(w, r, u, http.StatusBadRequest, walletData{}, certlab.ErrorMessage(err))
}

// walletCreateShare makes a transcript link; its URL is shown once.
func (h *Handler) walletCreateShare(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	if err := h.requireCredentials(); err != nil {
		h.fail(w, r, err)
		return
	}
	label := strings.TrimSpace(r.PostFormValue("label"))
	if len(label) > 100 {
		h.walletError(w, r, u, certlab.Errorf(certlab.EINVALID, "label: at most 100 characters"))
		return
	}
	token, _, err := h.cfg.Credentials.CreateShare(r.Context(), u, label)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	url := strings.TrimSuffix(h.cfg.Credentials.IssuerID(), "/issuer") + "/transcripts/" + token
	h.renderWallet(w, r, u, http.StatusCreated, walletData{NewShare: url, Notice: "Transcript link created. Copy it now: it is shown only once."}, "")
}

// walletRevokeShare revokes one of the holder's transcript links.
func (h *Handler) walletRevokeShare(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	if err := h.requireCredentials(); err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "no transcript link %q", r.PathValue("id")))
		return
	}
	if err := h.cfg.Credentials.RevokeShare(r.Context(), u, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderWallet(w, r, u, http.StatusOK, walletData{Notice: "Transcript link revoked: it no longer opens your transcript."}, "")
}

// dashboardCredentials are the holder's credentials for the dashboard's
// section (states and renewal windows); none without credentials.
func (h *Handler) dashboardCredentials(ctx context.Context, u *certlab.User) ([]credential.WalletEntry, error) {
	if h.cfg.Credentials == nil {
		return nil, nil
	}
	return h.cfg.Credentials.Wallet(ctx, u)
}

// attemptOutcome is what a scored attempt means for its credential, for
// the score report; nil without credentials or for practice.
func (h *Handler) attemptOutcome(ctx context.Context, u *certlab.User, attemptID int64) (*credential.Outcome, error) {
	if h.cfg.Credentials == nil {
		return nil, nil
	}
	return h.cfg.Credentials.AttemptOutcome(ctx, u, attemptID)
}

// PublicPages are the pages of the public documents, by the API route
// that serves the document: internal/server answers a browser's request
// for a credential, an achievement, the issuer or a shared transcript
// with them (content negotiation), and everyone else with the JSON-LD.
// None without credentials.
func (h *Handler) PublicPages() map[string]http.Handler {
	if h.cfg.Credentials == nil {
		return nil
	}
	return map[string]http.Handler{
		"GET /credentials/{id}":    h.public(h.credentialPage),
		"GET /achievements/{id}":   h.public(h.achievementPage),
		"GET /issuer":              h.public(h.issuerPage),
		"GET /transcripts/{token}": h.public(h.transcriptPage),
	}
}

// public gives a public page the headers every page carries.
func (h *Handler) public(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		next(w, r)
	})
}

// graph is a page's Open Graph description, for link previews.
type graph struct {
	Title, Description, URL, Image, ImageAlt, Site string
}

// credentialPageData is the public page of a credential.
type credentialPageData struct {
	*credential.PublicCredential
	Graph   graph
	JSONURL string
}

// credentialPage is the public page of an issued credential: what the
// signed document says, its badge, and the verifier's result now.
func (h *Handler) credentialPage(w http.ResponseWriter, r *http.Request) {
	v, err := h.cfg.Credentials.PublicView(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	holder := v.Holder
	if holder == "" {
		holder = "a holder who chose not to be named"
	}
	desc := v.Name + ", awarded to " + holder + " by " + v.IssuerName + "."
	if v.ValidUntil != nil {
		desc += " Valid until " + v.ValidUntil.UTC().Format("2 January 2006") + "."
	}
	d := credentialPageData{PublicCredential: v, JSONURL: v.URL + "?format=json",
		Graph: graph{Title: v.Name, Description: desc, URL: v.URL, Image: v.ImageURL, ImageAlt: v.Name + " badge", Site: v.IssuerName}}
	h.render(w, r, http.StatusOK, "credential", page{Title: v.Name, Data: d})
}

// achievementPageData is the public page of an achievement.
type achievementPageData struct {
	Program     *certlab.Program
	Name        string
	Description string
	Criteria    string
	ImageURL    string
	URL         string
	Issuer      string
	IssuerURL   string
	Graph       graph
}

// achievementPage is the public page of what a credential certifies.
func (h *Handler) achievementPage(w http.ResponseWriter, r *http.Request) {
	p, err := h.cfg.Catalog.Program(r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	svc := h.cfg.Credentials
	a := svc.Achievement(p)
	prof := svc.Profile()
	d := achievementPageData{Program: p, Name: a.Name, Description: a.Description, Criteria: a.Criteria, URL: a.ID,
		ImageURL: a.ID + "/image", Issuer: prof.Name, IssuerURL: prof.ID}
	d.Graph = graph{Title: a.Name, Description: a.Description, URL: a.ID, Image: d.ImageURL, ImageAlt: a.Name + " badge", Site: prof.Name}
	h.render(w, r, http.StatusOK, "achievement", page{Title: a.Name, Data: d})
}

// issuerPageData is the public page of the issuer.
type issuerPageData struct {
	*credential.IssuerView
	Graph graph
}

// issuerPage is the public page of the issuer: who signs, with which keys.
func (h *Handler) issuerPage(w http.ResponseWriter, r *http.Request) {
	v, err := h.cfg.Credentials.Issuer(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := issuerPageData{IssuerView: v, Graph: graph{Title: v.Profile.Name, Description: "Issuer of Open Badges 3.0 credentials: its public keys and achievements.", URL: v.Profile.ID, Site: v.Profile.Name}}
	h.render(w, r, http.StatusOK, "issuer", page{Title: v.Profile.Name + ": issuer", Data: d})
}

// transcriptPageData is a shared transcript's page.
type transcriptPageData struct {
	*credential.Transcript
	Issuer string
	Graph  graph
}

// transcriptPage shows a transcript shared by link.
func (h *Handler) transcriptPage(w http.ResponseWriter, r *http.Request) {
	t, err := h.cfg.Credentials.SharedTranscript(r.Context(), r.PathValue("token"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	name := t.Name
	if name == "" {
		name = "a holder"
	}
	prof := h.cfg.Credentials.Profile()
	d := transcriptPageData{Transcript: t, Issuer: prof.Name,
		Graph: graph{Title: "Transcript of " + name, Description: "Credentials and exam results, shared by their holder.", Site: prof.Name}}
	w.Header().Set("Referrer-Policy", "no-referrer") // the token is in the URL
	h.render(w, r, http.StatusOK, "transcript", page{Title: "Transcript", Data: d})
}

// VerifyPage is the verification page (internal/api reads the request and
// verifies; its api.VerifyPage is declared alike, field for field, so
// that internal/app converts one to the other).
type VerifyPage struct {
	Status int
	Issuer string
	Input  string
	URL    string
	Source string
	Error  string
	Report *credential.Verification
}

// RenderVerify renders the verification page with the headers of every page.
func (h *Handler) RenderVerify(w http.ResponseWriter, r *http.Request, p VerifyPage) {
	securityHeaders(w.Header())
	status := p.Status
	if status == 0 {
		status = http.StatusOK
	}
	h.render(w, r, status, "verify", page{Title: "Verify a credential", Data: p})
}

// day formats a date (time.Time or *time.Time) as "25 November 2026", UTC.
func day(v any) string {
	switch t := v.(type) {
	case time.Time:
		return t.UTC().Format("2 January 2006")
	case *time.Time:
		if t != nil {
			return t.UTC().Format("2 January 2006")
		}
	}
	return ""
}
