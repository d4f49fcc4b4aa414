package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/api"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/auth"
	"github.com/certlab/certlab/internal/badge"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/fixture"
)

type credServer struct {
	URL   string
	Store certlab.Store
	Exam  *certlab.Exam
	Clock *apptest.Clock
	App   *app.App
}

// startCredentialServer runs the real application with credentials on, the
// built-in content and a fresh SQLite database; the issuer's URL is the
// server's own address.
func startCredentialServer(t *testing.T) *credServer {
	t.Helper()
	return startCredentialServerLimited(t, api.VerifyRateLimit{Burst: 1000, Every: time.Millisecond})
}

// startCredentialServerLimited is startCredentialServer with the given
// limit on public verifications.
func startCredentialServerLimited(t *testing.T, limit api.VerifyRateLimit) *credServer {
	t.Helper()
	clk := apptest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	seed := int64(7)
	a := apptest.Start(t, app.Config{Now: clk.Now, Seed: func() int64 { seed++; return seed },
		Credentials: &credential.Config{IssuerName: "certlab e2e", KeySecret: []byte("e2e-fixed-secret-0123456789")},
		VerifyLimit: limit})
	ex, _ := a.Catalog.Exam("az-400")
	return &credServer{URL: a.URL, Store: a.Store, Exam: ex, Clock: clk, App: a.App}
}

func (ts *credServer) setClock(t time.Time) { ts.Clock.Add(t.Sub(ts.Clock.Now())) }

// sitOverHTTP takes an AZ-400 attempt in mode through the API, answering
// every question right (pass) or leaving all blank, and returns its view.
func (ts *credServer) sitOverHTTP(t *testing.T, c *client, mode string, pass bool) exam.AttemptView {
	t.Helper()
	var v exam.AttemptView
	req := map[string]any{"exam": "az-400", "mode": mode, "start": true}
	if mode == certlab.ModeExam {
		req["appointment"], req["accept_agreement"] = admitOverHTTP(t, ts.App, ts.Clock.Now(), c), true
	}
	c.must("POST", "/api/v1/attempts", req, &v)
	a, err := ts.Store.Attempt(context.Background(), v.ID)
	if err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/api/v1/attempts/%d", v.ID)
	seq := 0
	for si, sec := range a.Form.Sections {
		for qi, q := range sec.Questions {
			if it, _ := ts.Exam.Item(q.ItemID); pass && it.Type != certlab.TypeLab { // labs stay unsubmitted: the rest passes
				seq++
				c.must("PUT", base+"/responses/"+q.Key, map[string]any{"seq": seq, "value": answer(it, q.Statement, false)}, nil)
			}
			if sec.Sequential() && qi < len(sec.Questions)-1 {
				c.must("POST", fmt.Sprintf("%s/sections/%d/next", base, si+1), nil, nil)
			}
		}
		if si < len(a.Form.Sections)-1 {
			c.must("POST", fmt.Sprintf("%s/sections/%d/complete", base, si+1), nil, nil)
		}
	}
	c.must("POST", base+"/submit", nil, &v)
	var rep certlab.Report
	c.must("GET", base+"/report", nil, &rep)
	if rep.Passed != pass {
		t.Fatalf("%s attempt %d: passed=%v (score %d), want %v", mode, v.ID, rep.Passed, rep.ScaledScore, pass)
	}
	return v
}

// raw fetches a URL and returns status and body.
func raw(t *testing.T, c *client, method, path string, body io.Reader, contentType string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, c.base+path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// httpVerifier is badge's verifier resolving the issuer's key and status
// list over HTTP from the server, as a third party would.
func (ts *credServer) httpVerifier() *badge.Verifier {
	cl, err := badge.NewContextLoader()
	if err != nil {
		panic(err)
	}
	return &badge.Verifier{Contexts: cl, Keys: &badge.WebResolver{AllowHTTP: true}, Status: &badge.HTTPStatusFetcher{AllowHTTP: true}, Now: ts.Clock.Now}
}

// withToken switches a registered client to an API token with every scope
// its user may have. API tokens expire within a year, and these tests move
// the clock by years, so the token is written to the store directly with
// an expiry beyond the test's dates.
func withToken(c *client, store certlab.Store) *client {
	c.t.Helper()
	var me certlab.User
	c.must("GET", "/api/v1/me", nil, &me)
	scopes := []string{certlab.ScopeRead, certlab.ScopeWrite, certlab.ScopeTokens}
	if me.Role == certlab.RoleAdmin {
		scopes = append(scopes, certlab.ScopeAdmin)
	}
	secret := auth.NewSecret("clt_")
	if err := store.CreateToken(context.Background(), &certlab.Token{UserID: me.ID, Name: "e2e", Hash: auth.HashSecret(secret),
		Scopes: scopes, CreatedAt: time.Now(), ExpiresAt: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		c.t.Fatal(err)
	}
	c.bearer = secret
	return c
}

// joseVerify has Node's jose library, independent of certlab, verify the
// server's VC-JWT with the key published in the issuer profile. It uses
// the npm project of internal/badge (npm ci --prefix internal/badge/testdata/jose);
// without it the check fails in CI and is skipped elsewhere. Call it in
// a subtest, so that a skip skips only this check.
func joseVerify(t *testing.T, jwt, multikey, credentialID string, now time.Time) {
	t.Helper()
	dir := filepath.Join("..", "badge", "testdata", "jose")
	_, err := os.Stat(filepath.Join(dir, "node_modules", "jose", "package.json"))
	fixture.NeedTool(t, "Node's jose", err, "npm ci --prefix internal/badge/testdata/jose")
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is not on PATH but %s/node_modules is installed: %v", dir, err)
	}
	pub, err := badge.DecodeMultikey(multikey)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := json.Marshal(map[string]any{"mode": "verify", "jwt": jwt, "now": now.UTC().Format(time.RFC3339),
		"jwk": map[string]string{"kty": "OKP", "crv": "Ed25519", "x": base64.RawURLEncoding.EncodeToString(pub)}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "check.mjs")
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(req)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("jose rejected the server's VC-JWT: %v\n%s", err, stderr.String())
	}
	var got struct {
		Payload map[string]any `json:"payload"`
	}
	if err := json.Unmarshal(out, &got); err != nil || got.Payload["id"] != credentialID {
		t.Fatalf("jose payload %s (%v), want credential %s", out, err, credentialID)
	}
}

type verifyAnswer struct {
	Verified         bool          `json:"verified"`
	Checks           []badge.Check `json:"checks"`
	RevocationReason string        `json:"revocationReason"`
}

func TestEndToEndCredentials(t *testing.T) {
	ts := startCredentialServer(t)
	ctx := context.Background()
	admin := newClient(t, ts.URL)
	admin.register("admin@example.org")
	withToken(admin, ts.Store)
	cand := newClient(t, ts.URL)
	cand.register("candidate@example.org")
	withToken(cand, ts.Store)
	anon := newClient(t, ts.URL)

	// Public issuer documents.
	var profile map[string]any
	anon.must("GET", "/issuer", nil, &profile)
	vms, _ := profile["verificationMethod"].([]any)
	if profile["id"] != ts.URL+"/issuer" || len(vms) != 1 {
		t.Fatalf("issuer profile %v", profile)
	}
	mk := vms[0].(map[string]any)["publicKeyMultibase"].(string)
	for _, p := range []string{"/issuer/keys/" + mk, "/.well-known/did.json", "/achievements", "/achievements/devops-engineer-expert", "/status/1"} {
		if st, b := raw(t, anon, "GET", p, nil, ""); st != 200 || len(b) < 20 {
			t.Fatalf("GET %s: %d %s", p, st, b)
		}
	}

	// Passing AZ-400 without a prerequisite leaves the credential pending.
	ts.sitOverHTTP(t, cand, certlab.ModeExam, true)
	var creds []api.CredentialView
	cand.must("GET", "/api/v1/credentials", nil, &creds)
	if len(creds) != 1 || creds[0].Status != certlab.CredentialPending || creds[0].URL != "" {
		t.Fatalf("after AZ-400: %+v", creds)
	}
	cand.wantError("GET", fmt.Sprintf("/api/v1/credentials/%d/download", creds[0].ID), nil, 409, certlab.ECONFLICT)

	// The candidate declares AZ-104 (Azure Administrator Associate); an admin verifies it.
	var ext certlab.ExternalCredential
	cand.must("POST", "/api/v1/external-credentials", map[string]any{"credential": "azure-administrator-associate", "issuer": "Microsoft",
		"name": "Microsoft Certified: Azure Administrator Associate (AZ-104)", "external_id": "A1B2-C3D4"}, &ext)
	cand.wantError("POST", fmt.Sprintf("/api/v1/external-credentials/%d/review", ext.ID), map[string]any{"verified": true}, 403, certlab.EFORBIDDEN)
	var queue []certlab.ExternalCredential
	admin.must("GET", "/api/v1/external-credentials?all=true&status=declared", nil, &queue)
	if len(queue) != 1 || queue[0].ID != ext.ID {
		t.Fatalf("review queue %+v", queue)
	}
	var review api.ReviewResult
	admin.must("POST", fmt.Sprintf("/api/v1/external-credentials/%d/review", ext.ID), map[string]any{"verified": true, "note": "transcript checked"}, &review)
	if len(review.Issued) != 1 || review.Issued[0].Status != certlab.CredentialActive {
		t.Fatalf("verifying AZ-104 did not issue the credential: %+v", review)
	}
	cred := review.Issued[0]
	validUntil := *cred.ValidUntil

	// Download both forms; the public URL serves the same document.
	st, doc := raw(t, cand, "GET", fmt.Sprintf("/api/v1/credentials/%d/download", cred.ID), nil, "")
	if st != 200 || !bytes.Contains(doc, []byte("OpenBadgeCredential")) {
		t.Fatalf("download: %d %s", st, doc)
	}
	_, jwt := raw(t, cand, "GET", fmt.Sprintf("/api/v1/credentials/%d/download?format=jwt", cred.ID), nil, "")
	if !badge.LooksLikeJWT(jwt) {
		t.Fatalf("JWT download: %s", jwt)
	}
	if _, pub := raw(t, anon, "GET", strings.TrimPrefix(cred.URL, ts.URL), nil, ""); !bytes.Equal(pub, doc) {
		t.Fatal("the credential's public URL serves another document")
	}

	verifyAll := func(want bool) {
		t.Helper()
		for name, form := range map[string][]byte{"json": doc, "jwt": jwt} {
			rep := ts.httpVerifier().Verify(ctx, form)
			if rep.OK() != want {
				var b strings.Builder
				rep.WriteText(&b)
				t.Fatalf("badge verifier on the %s form: verified=%v, want %v\n%s", name, rep.OK(), want, b.String())
			}
			var va verifyAnswer
			st, b := raw(t, anon, "POST", "/api/v1/verify", bytes.NewReader(form), "application/json")
			if st != 200 || json.Unmarshal(b, &va) != nil || va.Verified != want {
				t.Fatalf("POST /api/v1/verify (%s): %d %s", name, st, b)
			}
		}
	}
	anon.wantError("POST", "/api/v1/verify", nil, 400, certlab.EINVALID)
	verifyAll(true)
	t.Run("jose verifies the VC-JWT", func(t *testing.T) { joseVerify(t, string(jwt), mk, cred.URL, ts.Clock.Now()) })

	// The verification page: paste (GET) and upload (POST).
	_, page := raw(t, anon, "GET", "/verify?credential="+url.QueryEscape(string(jwt)), nil, "")
	if !bytes.Contains(page, []byte("Verified: every check holds, and the issuer is this server&#39;s own issuer.")) {
		t.Fatalf("verification page for the pasted JWT:\n%s", page)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "credential.json")
	fw.Write(doc)
	mw.Close()
	_, page = raw(t, anon, "POST", "/verify", &form, mw.FormDataContentType())
	if !bytes.Contains(page, []byte("Verified: every check holds, and the issuer is this server&#39;s own issuer.")) || !bytes.Contains(page, []byte("issuer-key")) {
		t.Fatalf("verification page for the uploaded file:\n%s", page)
	}
	tampered := bytes.Replace(doc, []byte("certlab e2e"), []byte("certlab e3e"), 1)
	_, page = raw(t, anon, "GET", "/verify?credential="+url.QueryEscape(string(tampered)), nil, "")
	if !bytes.Contains(page, []byte("NOT verified")) {
		t.Fatal("the page verified a tampered credential")
	}

	// Renewal: opens 180 days before expiry; passing extends from the expiry date.
	ts.setClock(validUntil.Add(-200 * 24 * time.Hour))
	var el credential.Eligibility
	cand.must("GET", "/api/v1/exams/az-400/eligibility?mode=renewal", nil, &el)
	if el.Allowed || el.NextAttemptAt == nil || !el.NextAttemptAt.Equal(validUntil.Add(-180*24*time.Hour)) {
		t.Fatalf("renewal before the window: %+v", el)
	}
	admin.must("POST", "/api/v1/credentials/sweep", nil, nil)
	var reminders []certlab.Reminder
	cand.must("GET", "/api/v1/me/reminders", nil, &reminders)
	if len(reminders) != 0 {
		t.Fatalf("reminders 200 days before expiry: %+v", reminders)
	}
	ts.setClock(validUntil.Add(-60 * 24 * time.Hour))
	admin.must("POST", "/api/v1/credentials/sweep", nil, nil)
	cand.must("GET", "/api/v1/me/reminders", nil, &reminders)
	if len(reminders) != 1 || reminders[0].Days != 90 {
		t.Fatalf("reminders 60 days before expiry: %+v", reminders)
	}
	v := ts.sitOverHTTP(t, cand, certlab.ModeRenewal, true)
	if v.Mode != certlab.ModeRenewal {
		t.Fatalf("attempt mode %s", v.Mode)
	}
	cand.must("GET", fmt.Sprintf("/api/v1/credentials/%d", cred.ID), nil, &cred)
	if want := validUntil.Add(365 * 24 * time.Hour); !cred.ValidUntil.Equal(want) || cred.Renewals != 1 {
		t.Fatalf("renewed until %v (renewals %d), want %v: one period from the expiry date", cred.ValidUntil, cred.Renewals, want)
	}
	_, doc = raw(t, cand, "GET", fmt.Sprintf("/api/v1/credentials/%d/download", cred.ID), nil, "")
	_, jwt = raw(t, cand, "GET", fmt.Sprintf("/api/v1/credentials/%d/download?format=jwt", cred.ID), nil, "")
	verifyAll(true)

	// Expiry: after the new end the sweep expires it and verification fails on valid-until.
	ts.setClock(cred.ValidUntil.Add(time.Hour))
	var sweep credential.SweepResult
	admin.must("POST", "/api/v1/credentials/sweep", nil, &sweep)
	if sweep.Expired != 1 {
		t.Fatalf("sweep %+v", sweep)
	}
	cand.must("GET", fmt.Sprintf("/api/v1/credentials/%d", cred.ID), nil, &cred)
	if cred.Status != certlab.CredentialExpired {
		t.Fatalf("status %s after expiry", cred.Status)
	}
	if rep := ts.httpVerifier().Verify(ctx, doc); rep.Failed(badge.CheckValidUntil) == nil {
		t.Fatalf("expired credential passed valid-until: %+v", rep.Checks)
	}

	// Revocation with a reason: the status check fails and the public endpoint gives the reason.
	ts.setClock(cred.ValidUntil.Add(-time.Hour)) // back inside the validity, so only the status check fails
	cand.wantError("POST", fmt.Sprintf("/api/v1/credentials/%d/revoke", cred.ID), map[string]string{"reason": "x"}, 403, certlab.EFORBIDDEN)
	admin.must("POST", fmt.Sprintf("/api/v1/credentials/%d/revoke", cred.ID), map[string]string{"reason": "identity fraud at the test centre"}, nil)
	for name, form := range map[string][]byte{"json": doc, "jwt": jwt} {
		rep := ts.httpVerifier().Verify(ctx, form)
		if rep.OK() || rep.Failed(badge.CheckStatus) == nil || rep.Failed(badge.CheckProof) != nil {
			t.Fatalf("revoked %s credential: %+v", name, rep.Checks)
		}
		var va verifyAnswer
		_, b := raw(t, anon, "POST", "/api/v1/verify", bytes.NewReader(form), "application/json")
		json.Unmarshal(b, &va)
		if va.Verified || va.RevocationReason != "identity fraud at the test centre" {
			t.Fatalf("public verify of the revoked %s credential: %s", name, b)
		}
	}
	_, page = raw(t, anon, "GET", "/verify?credential="+url.QueryEscape(string(jwt)), nil, "")
	if !bytes.Contains(page, []byte("identity fraud at the test centre")) {
		t.Fatal("the verification page does not give the revocation reason")
	}
	var audit []certlab.AuditEntry
	admin.must("GET", "/api/v1/audit?action=credential.revoke", nil, &audit)
	if len(audit) != 1 || !strings.Contains(audit[0].Detail, "identity fraud") {
		t.Fatalf("audit %+v", audit)
	}

	// Retake policy: after a failed attempt the next is refused with the time it is allowed.
	other := newClient(t, ts.URL)
	other.register("other@example.org")
	withToken(other, ts.Store)
	failed := ts.sitOverHTTP(t, other, certlab.ModeExam, false)
	fa, _ := ts.Store.Attempt(ctx, failed.ID)
	next := fa.SubmittedAt.Add(24 * time.Hour)
	st, b := other.do("POST", "/api/v1/attempts", map[string]any{"exam": "az-400", "mode": "exam"}, nil)
	if st != 409 || !strings.Contains(string(b), next.Format(time.RFC3339)) {
		t.Fatalf("retake right after a failure: %d %s (want 409 naming %s)", st, b, next.Format(time.RFC3339))
	}
	other.must("GET", "/api/v1/exams/az-400/eligibility", nil, &el)
	if el.Allowed || el.NextAttemptAt == nil || !el.NextAttemptAt.Equal(next) {
		t.Fatalf("eligibility %+v, want next attempt at %v", el, next)
	}
	ts.Clock.Add(24*time.Hour + time.Minute)
	other.must("POST", "/api/v1/attempts", map[string]any{"exam": "az-400", "mode": "exam", "appointment": admitOverHTTP(t, ts.App, ts.Clock.Now(), other)}, nil)

	// Transcript with a revocable share link.
	var share api.ShareCreated
	cand.must("POST", "/api/v1/me/transcript/shares", map[string]string{"label": "employer"}, &share)
	var tr credential.Transcript
	anon.must("GET", "/transcripts/"+share.Token, nil, &tr)
	if len(tr.Credentials) != 1 || tr.Credentials[0].Status != certlab.CredentialRevoked || len(tr.External) != 1 || len(tr.Exams) != 2 {
		t.Fatalf("shared transcript %+v", tr)
	}
	cand.must("DELETE", fmt.Sprintf("/api/v1/me/transcript/shares/%d", share.ID), nil, nil)
	anon.wantError("GET", "/transcripts/"+share.Token, nil, 404, certlab.ENOTFOUND)
}

func TestEndToEndSchedulingAndProctoring(t *testing.T) {
	ts := startCredentialServer(t)
	admin := newClient(t, ts.URL)
	admin.register("admin@example.org")
	withToken(admin, ts.Store)
	cand := newClient(t, ts.URL)
	candUser := cand.register("candidate@example.org")
	withToken(cand, ts.Store)
	proctor := newClient(t, ts.URL)
	proctorUser := proctor.register("proctor@example.org")
	withToken(proctor, ts.Store)
	admin.must("PATCH", fmt.Sprintf("/api/v1/users/%d", proctorUser.ID), map[string]any{"role": certlab.RoleProctor, "reason": "proctors the December sittings"}, nil)

	// An admin defines a sitting in Paris time; the candidate books, then cancels.
	var st certlab.Sitting
	admin.must("POST", "/api/v1/sittings", map[string]any{"exam": "az-400", "start": "2026-12-03T10:00", "time_zone": "Europe/Paris",
		"capacity": 2, "delivery": "online", "proctored": true}, &st)
	cand.wantError("POST", "/api/v1/sittings", map[string]any{"exam": "az-400"}, 403, certlab.EFORBIDDEN)
	cand.wantError("POST", "/api/v1/sessions", map[string]any{"exam": "az-400"}, 403, certlab.EFORBIDDEN)
	for _, path := range []string{"/api/v1/sittings?exam=az-400", "/api/v1/sessions?exam=az-400"} { // the former name is an alias
		var list []certlab.Sitting
		cand.must("GET", path, nil, &list)
		if len(list) != 1 || list[0].ID != st.ID || !list[0].StartsAt.Equal(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)) {
			t.Fatalf("GET %s: %+v", path, list)
		}
	}
	var ap certlab.Appointment
	cand.must("POST", "/api/v1/appointments", map[string]any{"sitting_id": st.ID}, &ap)
	cand.must("POST", fmt.Sprintf("/api/v1/appointments/%d/cancel", ap.ID), nil, &ap)
	cand.must("POST", "/api/v1/appointments", map[string]any{"session_id": st.ID}, &ap) // the former field name
	if ap.SittingID != st.ID {
		t.Fatalf("booked %+v, want sitting %d", ap, st.ID)
	}
	cand.wantError("GET", fmt.Sprintf("/api/v1/sittings/%d/appointments", st.ID), nil, 403, certlab.EFORBIDDEN)
	for _, path := range []string{"/api/v1/sittings/%d/appointments", "/api/v1/sessions/%d/appointments"} {
		var booked []certlab.Appointment
		proctor.must("GET", fmt.Sprintf(path, st.ID), nil, &booked)
		if len(booked) != 2 || booked[1].UserID != candUser.ID || booked[1].Status != certlab.AppointmentBooked {
			t.Fatalf("GET %s: %+v", path, booked)
		}
	}
	ts.setClock(st.StartsAt.Add(-20 * time.Minute))
	cand.wantError("POST", fmt.Sprintf("/api/v1/appointments/%d/cancel", ap.ID), nil, 409, certlab.ECONFLICT)
	cand.must("POST", fmt.Sprintf("/api/v1/appointments/%d/check-in", ap.ID), nil, &ap)
	if ap.Status != certlab.AppointmentCheckedIn {
		t.Fatalf("check-in: %+v", ap)
	}

	// Checked in is not enough: a proctor admits the candidate, saying what
	// was checked; candidates cannot admit themselves.
	start := map[string]any{"exam": "az-400", "mode": "exam", "start": true, "appointment": ap.ID, "accept_agreement": true}
	cand.wantError("POST", "/api/v1/attempts", start, 403, certlab.EFORBIDDEN)
	cand.wantError("POST", fmt.Sprintf("/api/v1/appointments/%d/admit", ap.ID), map[string]string{"note": "me"}, 403, certlab.EFORBIDDEN)
	proctor.wantError("POST", fmt.Sprintf("/api/v1/appointments/%d/admit", ap.ID), map[string]string{"note": " "}, 400, certlab.EINVALID)
	proctor.must("POST", fmt.Sprintf("/api/v1/appointments/%d/admit", ap.ID), map[string]string{"note": "passport checked on camera"}, &ap)
	if ap.Status != certlab.AppointmentAdmitted || ap.AdmittedBy == nil || *ap.AdmittedBy != proctorUser.ID {
		t.Fatalf("admitted: %+v", ap)
	}

	// The proctor pauses the exam; the clock stops and saves are refused.
	var v exam.AttemptView
	cand.must("POST", "/api/v1/attempts", start, &v)
	// One appointment starts one attempt.
	cand.must("GET", "/api/v1/appointments", nil, nil)
	ts.Clock.Add(5 * time.Minute)
	cand.wantError("POST", fmt.Sprintf("/api/v1/proctor/attempts/%d/pause", v.ID), nil, 403, certlab.EFORBIDDEN)
	proctor.must("POST", fmt.Sprintf("/api/v1/proctor/attempts/%d/pause", v.ID), map[string]string{"reason": "connection check"}, nil)
	for _, path := range []string{"/api/v1/proctor/attempts", "/api/v1/proctor/sessions"} { // the former name is an alias
		var live []exam.LiveAttempt
		proctor.must("GET", path, nil, &live)
		if len(live) != 1 || live[0].UserID != candUser.ID || live[0].SecondsLeft != 95*60 {
			t.Fatalf("GET %s: %+v", path, live)
		}
	}
	ts.Clock.Add(10 * time.Minute)
	a, _ := ts.Store.Attempt(context.Background(), v.ID)
	q := a.Form.Sections[0].Questions[0]
	cand.wantError("PUT", fmt.Sprintf("/api/v1/attempts/%d/responses/%s", v.ID, q.Key), map[string]any{"seq": 1, "value": nil}, 409, certlab.ECONFLICT)
	var resumed certlab.Attempt
	proctor.wantError("POST", fmt.Sprintf("/api/v1/proctor/attempts/%d/resume", v.ID), nil, 400, certlab.EINVALID)
	proctor.must("POST", fmt.Sprintf("/api/v1/proctor/attempts/%d/resume", v.ID), map[string]string{"reason": "connection back"}, &resumed)
	if want := a.Deadline.Add(10 * time.Minute); !resumed.Deadline.Equal(want) {
		t.Fatalf("deadline after a 10-minute pause %v, want %v", resumed.Deadline, want)
	}
	proctor.must("POST", fmt.Sprintf("/api/v1/proctor/attempts/%d/incidents", v.ID), map[string]string{"note": "phone on the desk"}, nil)
	proctor.wantError("POST", fmt.Sprintf("/api/v1/proctor/attempts/%d/end", v.ID), map[string]string{}, 400, certlab.EINVALID)
	var ended certlab.Attempt
	proctor.must("POST", fmt.Sprintf("/api/v1/proctor/attempts/%d/end", v.ID), map[string]string{"reason": "phone used"}, &ended)
	if ended.Status != certlab.StatusVoided || !strings.HasSuffix(ended.SubmitReason, "phone used") {
		t.Fatalf("ended for misconduct: %+v, want voided with the reason", ended)
	}
	cand.wantError("GET", fmt.Sprintf("/api/v1/attempts/%d/report", v.ID), nil, 409, certlab.ECONFLICT)
	var incidents []certlab.AuditEntry
	proctor.must("GET", fmt.Sprintf("/api/v1/proctor/attempts/%d/incidents", v.ID), nil, &incidents)
	if len(incidents) != 5 || incidents[4].Action != "attempt.start" || !strings.Contains(incidents[4].Detail, "accepted the candidate agreement") {
		t.Fatalf("incident log %+v", incidents)
	}
}
