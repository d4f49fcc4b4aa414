package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/exam"
)

// The role × route matrix: every route the server answers (from the router
// itself, server.Server.Patterns: the JSON API, the public documents, the
// Open Badges API and the web UI), requested by an anonymous visitor and
// by a signed-in candidate, proctor, author, instructor and admin, with
// the status each must get. A route missing from the table fails the
// test, so a new route cannot be added without deciding who may reach it.
//
// Each line is one route: its pattern, who it is for, and the statuses in
// the order of matrixRoles. Requests carry no useful body (an empty JSON
// object, or an empty form), so a status past the role check is usually
// 400; {id}s name the fixtures of newMatrixFixture. Routes that change
// state run on a fresh copy of the fixture database, so no line depends
// on another. Run with CERTLAB_MATRIX_PRINT=1 to print the table the
// server answers today (to review, never to paste blindly).

// matrixRoles are the columns of the matrix.
var matrixRoles = []string{"anonymous", certlab.RoleCandidate, certlab.RoleProctor, certlab.RoleAuthor, "instructor", certlab.RoleAdmin}

// Who a route is for. The test checks every line against its class too:
// roles outside it must be refused (401, 403, or a redirect to sign in),
// roles inside it must not be.
const (
	public     = "public"      // anyone, signed in or not
	signedIn   = "signed-in"   // any signed-in user
	owner      = "owner"       // signed-in users, on what is theirs (others: 403 or 404 from the service)
	proctors   = "proctors"    // proctors and admins
	admins     = "admins"      // admins only
	authors    = "authors"     // authors and admins
	teachers   = "instructors" // instructors and admins
	oauthToken = "oauth"       // Open Badges API: an OAuth access token or client secret, never the session
	fixedPaths = "not-routed"  // patterns that answer not-found for the path walked
)

type matrixLine struct {
	route  string
	class  string
	expect string // anonymous candidate proctor author instructor admin
}

// matrix is the table: one line per route.
var matrix = []matrixLine{
	// route, who it is for, statuses of: anonymous candidate proctor author instructor admin
	// ("in": a page that sends the visitor to sign in)
	{"/", signedIn, "in 200 200 200 200 200"},
	{"/api/", public, "404 404 404 404 404 404"},
	{"/ims/ob/v3p0/credentials", oauthToken, "401 401 401 401 401 401"},
	{"/ims/ob/v3p0/discovery", oauthToken, "200 200 200 200 200 200"},
	{"/ims/ob/v3p0/profile", oauthToken, "401 401 401 401 401 401"},
	{"DELETE /api/v1/me/cohorts/{id}", owner, "401 404 404 404 404 404"},
	{"DELETE /api/v1/me/transcript/shares/{id}", owner, "401 404 404 404 404 404"},
	{"DELETE /api/v1/tokens/{id}", owner, "401 404 404 404 404 404"},
	{"GET /.well-known/did.json", public, "200 200 200 200 200 200"},
	{"GET /.well-known/oauth-authorization-server", oauthToken, "200 200 200 200 200 200"},
	{"GET /accommodations", signedIn, "in 200 200 200 200 200"},
	{"GET /account", signedIn, "in 200 200 200 200 200"},
	{"GET /achievements", public, "200 200 200 200 200 200"},
	{"GET /achievements/{id}", public, "200 200 200 200 200 200"},
	{"GET /achievements/{id}/image", public, "200 200 200 200 200 200"},
	{"GET /admin", admins, "in 403 403 403 403 200"},
	{"GET /admin/audit", admins, "in 403 403 403 403 200"},
	{"GET /admin/audit.csv", admins, "in 403 403 403 403 200"},
	{"GET /admin/credentials", admins, "in 403 403 403 403 200"},
	{"GET /admin/credentials/{id}", admins, "in 403 403 403 403 200"},
	{"GET /admin/keys", admins, "in 403 403 403 403 200"},
	{"GET /admin/reviews", admins, "in 403 403 403 403 200"},
	{"GET /admin/reviews/{id}", admins, "in 403 403 403 403 200"},
	{"GET /admin/users", admins, "in 403 403 403 403 200"},
	{"GET /admin/users/new", admins, "in 403 403 403 403 200"},
	{"GET /admin/users/{id}", admins, "in 403 403 403 403 200"},
	{"GET /api/v1/accommodations", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/admin/credentials", admins, "401 403 403 403 403 200"},
	{"GET /api/v1/admin/overview", admins, "401 403 403 403 403 200"},
	{"GET /api/v1/appointments", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/attempts", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/attempts/{id}", owner, "401 200 200 404 404 200"},
	{"GET /api/v1/attempts/{id}/labs/{key}", owner, "401 400 403 404 404 403"},
	{"GET /api/v1/attempts/{id}/labs/{key}/workspace", owner, "401 400 403 404 404 403"},
	{"GET /api/v1/attempts/{id}/outcome", owner, "401 409 404 404 404 409"},
	{"GET /api/v1/attempts/{id}/report", owner, "401 409 409 404 404 409"},
	{"GET /api/v1/attempts/{id}/report.svg", owner, "401 409 409 404 404 409"},
	{"GET /api/v1/audit", admins, "401 403 403 403 403 200"},
	{"GET /api/v1/audit.csv", admins, "401 403 403 403 403 200"},
	{"GET /api/v1/author/calibrations", authors, "401 403 403 200 403 200"},
	{"GET /api/v1/author/calibrations/{id}", authors, "401 403 403 404 403 404"},
	{"GET /api/v1/author/entries", authors, "401 403 403 200 403 200"},
	{"GET /api/v1/author/items/{exam}/{item}", authors, "401 403 403 404 403 404"},
	{"GET /api/v1/author/lint", authors, "401 403 403 200 403 200"},
	{"GET /api/v1/credentials", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/credentials/{id}", owner, "401 200 404 404 404 200"},
	{"GET /api/v1/credentials/{id}/download", owner, "401 409 404 404 404 409"},
	{"GET /api/v1/exams/{id}", public, "200 200 200 200 200 200"},
	{"GET /api/v1/exams/{id}/due", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/exams/{id}/eligibility", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/exams/{id}/readiness", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/exams/{id}/readiness.svg", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/exams/{id}/start", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/external-credentials", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/external-credentials/{id}", admins, "401 403 403 403 403 200"},
	{"GET /api/v1/external-credentials/{id}/pushed", owner, "401 404 404 404 404 404"},
	{"GET /api/v1/instructor/cohorts", teachers, "401 403 403 403 200 200"},
	{"GET /api/v1/instructor/cohorts/{id}", teachers, "401 403 403 403 404 404"},
	{"GET /api/v1/instructor/cohorts/{id}/export.csv", teachers, "401 403 403 403 404 404"},
	{"GET /api/v1/issuer/keys", admins, "401 403 403 403 403 200"},
	{"GET /api/v1/labs", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/labs/{lab}", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/labs/{lab}/hints", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/labs/{lab}/solution", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/labs/{lab}/workspace", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/me", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/tokens", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/me/assignments", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/me/cohorts", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/me/credential-name", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/me/pathway", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/me/reminders", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/me/transcript", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/me/transcript/shares", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/proctor/appointments", proctors, "401 403 200 403 403 200"},
	{"GET /api/v1/proctor/attempts", proctors, "401 403 200 403 403 200"},
	{"GET /api/v1/proctor/attempts/{id}", proctors, "401 403 200 403 403 200"},
	{"GET /api/v1/proctor/attempts/{id}/incidents", proctors, "401 403 200 403 403 200"},
	{"GET /api/v1/proctor/sessions", proctors, "401 403 200 403 403 200"},
	{"GET /api/v1/programs", public, "200 200 200 200 200 200"},
	{"GET /api/v1/programs/{id}", public, "200 200 200 200 200 200"},
	{"GET /api/v1/sessions", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/sessions/{id}/appointments", proctors, "401 403 200 403 403 200"},
	{"GET /api/v1/sittings", signedIn, "401 200 200 200 200 200"},
	{"GET /api/v1/sittings/{id}/appointments", proctors, "401 403 200 403 403 200"},
	{"GET /api/v1/users", admins, "401 403 403 403 403 200"},
	{"GET /api/v1/users/{id}", admins, "401 403 403 403 403 200"},
	{"GET /appointments", signedIn, "in 200 200 200 200 200"},
	{"GET /attempts/{id}", owner, "in 200 200 404 404 200"},
	{"GET /attempts/{id}/labs/{key}", owner, "in 400 403 404 404 403"},
	{"GET /attempts/{id}/labs/{key}/workspace", owner, "in 400 403 404 404 403"},
	{"GET /attempts/{id}/questions", owner, "in 409 409 404 404 409"},
	{"GET /attempts/{id}/questions/{n}", owner, "in 409 409 404 404 409"},
	{"GET /attempts/{id}/report", owner, "in 409 409 404 404 409"},
	{"GET /attempts/{id}/review", owner, "in 200 200 404 404 200"},
	{"GET /attempts/{id}/sections/{n}/complete", owner, "in 200 200 404 404 200"},
	{"GET /attempts/{id}/start", owner, "in 303 303 404 404 303"},
	{"GET /attempts/{id}/submit", owner, "in 200 200 404 404 200"},
	{"GET /author", authors, "in 403 403 200 403 200"},
	{"GET /author/analysis", authors, "in 403 403 200 403 200"},
	{"GET /author/calibrations/{id}", authors, "in 403 403 404 403 404"},
	{"GET /author/calibrations/{id}/report", authors, "in 403 403 404 403 404"},
	{"GET /author/cases/{exam}/{case}", authors, "in 403 403 404 403 404"},
	{"GET /author/items/{exam}/{item}", authors, "in 403 403 404 403 404"},
	{"GET /author/labs/{lab}", authors, "in 403 403 200 403 200"},
	{"GET /author/lint", authors, "in 403 403 200 403 200"},
	{"GET /author/modules/{program}/{module}", authors, "in 403 403 404 403 404"},
	{"GET /cohorts", signedIn, "in 200 200 200 200 200"},
	{"GET /cohorts/join", signedIn, "in 200 200 200 200 200"},
	{"GET /credentials/{id}", public, "404 404 404 404 404 404"},
	{"GET /exams/{id}/start", signedIn, "in 200 200 200 200 200"},
	{"GET /healthz", public, "200 200 200 200 200 200"},
	{"GET /instructor", teachers, "in 403 403 403 200 200"},
	{"GET /instructor/cohorts/{id}", teachers, "in 403 403 403 404 404"},
	{"GET /instructor/cohorts/{id}/export.csv", teachers, "in 403 403 403 404 404"},
	{"GET /issuer", public, "200 200 200 200 200 200"},
	{"GET /issuer/keys/{key}", public, "404 404 404 404 404 404"},
	{"GET /labs/{lab}", signedIn, "in 200 200 200 200 200"},
	{"GET /labs/{lab}/workspace", signedIn, "in 200 200 200 200 200"},
	{"GET /oauth/authorize", oauthToken, "400 400 400 400 400 400"},
	{"GET /oauth/policy", oauthToken, "200 200 200 200 200 200"},
	{"GET /password-reset", public, "200 200 200 200 200 200"},
	{"GET /password-reset/new", public, "404 404 404 404 404 404"},
	{"GET /proctor", proctors, "in 403 200 403 403 200"},
	{"GET /proctor/appointments/{id}", proctors, "in 403 200 403 403 200"},
	{"GET /proctor/attempts/{id}", proctors, "in 403 200 403 403 200"},
	{"GET /proctor/live", proctors, "in 403 200 403 403 200"},
	{"GET /programs/{id}", signedIn, "in 200 200 200 200 200"},
	{"GET /programs/{id}/labs", signedIn, "in 200 200 200 200 200"},
	{"GET /programs/{id}/modules/{module}", signedIn, "in 200 200 200 200 200"},
	{"GET /readyz", public, "200 200 200 200 200 200"},
	{"GET /register", public, "200 200 200 200 200 200"},
	{"GET /sandbox", public, "200 200 200 200 200 200"},
	{"GET /sandbox/question", public, "303 303 303 303 303 303"},
	{"GET /sandbox/review", public, "303 303 303 303 303 303"},
	{"GET /sandbox/sections/{n}/complete", public, "303 303 303 303 303 303"},
	{"GET /sandbox/submit", public, "303 303 303 303 303 303"},
	{"GET /signin", public, "200 303 303 303 303 303"},
	{"GET /static/{hash}/{name}", public, "404 404 404 404 404 404"},
	{"GET /status/1", public, "200 200 200 200 200 200"},
	{"GET /transcripts/{token}", public, "404 404 404 404 404 404"},
	{"GET /verify", public, "200 200 200 200 200 200"},
	{"GET /wallet", signedIn, "in 200 200 200 200 200"},
	{"GET /{$}", signedIn, "in 200 200 200 200 200"},
	{"PATCH /api/v1/users/{id}", admins, "401 403 403 403 403 200"},
	{"POST /accommodations", signedIn, "401 400 400 400 400 400"},
	{"POST /accommodations/{id}/withdraw", owner, "401 404 404 404 404 404"},
	{"POST /account/password", owner, "401 403 403 403 403 403"},
	{"POST /account/tokens", signedIn, "401 400 400 400 400 400"},
	{"POST /account/tokens/{id}/revoke", owner, "401 404 404 404 404 404"},
	{"POST /admin/credentials/{id}/{action}", admins, "401 403 403 403 403 400"},
	{"POST /admin/keys/{action}", admins, "401 403 403 403 403 400"},
	{"POST /admin/reviews/{id}", admins, "401 403 403 403 403 400"},
	{"POST /admin/users", admins, "401 403 403 403 403 400"},
	{"POST /admin/users/{id}/{action}", admins, "401 403 403 403 403 400"},
	{"POST /api/v1/accommodations", signedIn, "401 400 400 400 400 400"},
	{"POST /api/v1/accommodations/{id}/decision", admins, "401 403 403 403 403 404"},
	{"POST /api/v1/accommodations/{id}/withdraw", owner, "401 404 404 404 404 404"},
	{"POST /api/v1/appointments", signedIn, "401 404 404 404 404 404"},
	{"POST /api/v1/appointments/{id}/admit", proctors, "401 403 400 403 403 400"},
	{"POST /api/v1/appointments/{id}/attest", proctors, "401 403 400 403 403 400"},
	{"POST /api/v1/appointments/{id}/cancel", owner, "401 200 404 404 404 404"},
	{"POST /api/v1/appointments/{id}/check-in", owner, "401 409 404 404 404 404"},
	{"POST /api/v1/appointments/{id}/reschedule", owner, "401 404 404 404 404 404"},
	{"POST /api/v1/attempts", signedIn, "401 404 404 404 404 404"},
	{"POST /api/v1/attempts/{id}/labs/{key}/submissions", owner, "401 400 400 400 400 400"},
	{"POST /api/v1/attempts/{id}/sections/{n}/complete", owner, "401 200 403 404 404 403"},
	{"POST /api/v1/attempts/{id}/sections/{n}/next", owner, "401 400 403 404 404 403"},
	{"POST /api/v1/attempts/{id}/start", owner, "401 200 403 404 404 403"},
	{"POST /api/v1/attempts/{id}/submit", owner, "401 200 403 404 404 403"},
	{"POST /api/v1/auth/login", public, "401 401 401 401 401 401"},
	{"POST /api/v1/auth/logout", public, "204 204 204 204 204 204"},
	{"POST /api/v1/auth/register", public, "400 400 400 400 400 400"},
	{"POST /api/v1/author/calibrations", authors, "401 403 403 404 403 404"},
	{"POST /api/v1/author/calibrations/{id}/apply", authors, "401 403 403 400 403 400"},
	{"POST /api/v1/author/items/{exam}/{item}/flag", authors, "401 403 403 404 403 404"},
	{"POST /api/v1/author/items/{exam}/{item}/retire", authors, "401 403 403 404 403 404"},
	{"POST /api/v1/credentials/sweep", admins, "401 403 403 403 403 200"},
	{"POST /api/v1/credentials/{id}/reissue", admins, "401 403 403 403 403 400"},
	{"POST /api/v1/credentials/{id}/revoke", admins, "401 403 403 403 403 400"},
	{"POST /api/v1/external-credentials", signedIn, "401 400 400 400 400 400"},
	{"POST /api/v1/external-credentials/{id}/review", admins, "401 403 403 403 403 400"},
	{"POST /api/v1/instructor/cohorts", teachers, "401 403 403 403 400 400"},
	{"POST /api/v1/instructor/cohorts/{id}/assignments", teachers, "401 403 403 403 400 400"},
	{"POST /api/v1/instructor/cohorts/{id}/members/{user}/remove", teachers, "401 403 403 403 404 404"},
	{"POST /api/v1/issuer/keys/rotate", admins, "401 403 403 403 403 200"},
	{"POST /api/v1/issuer/keys/withdraw", admins, "401 403 403 403 403 400"},
	{"POST /api/v1/labs/{lab}/submissions", signedIn, "401 400 400 400 400 400"},
	{"POST /api/v1/me/assignments/{id}/complete", owner, "401 404 404 404 404 404"},
	{"POST /api/v1/me/assignments/{id}/start", owner, "401 404 404 404 404 404"},
	{"POST /api/v1/me/cohorts", signedIn, "401 400 400 400 400 400"},
	{"POST /api/v1/me/password", signedIn, "401 400 400 400 400 400"},
	{"POST /api/v1/me/transcript/shares", signedIn, "401 201 201 201 201 201"},
	{"POST /api/v1/proctor/attempts/{id}/end", proctors, "401 403 400 403 403 400"},
	{"POST /api/v1/proctor/attempts/{id}/incidents", proctors, "401 403 400 403 403 400"},
	{"POST /api/v1/proctor/attempts/{id}/pause", proctors, "401 403 400 403 403 400"},
	{"POST /api/v1/proctor/attempts/{id}/resume", proctors, "401 403 400 403 403 400"},
	{"POST /api/v1/sessions", admins, "401 403 403 403 403 404"},
	{"POST /api/v1/sittings", admins, "401 403 403 403 403 404"},
	{"POST /api/v1/tokens", signedIn, "401 201 201 201 201 201"},
	{"POST /api/v1/users", admins, "401 403 403 403 403 400"},
	{"POST /api/v1/users/{id}/accommodation", admins, "401 403 403 403 403 400"},
	{"POST /api/v1/users/{id}/disable", admins, "401 403 403 403 403 400"},
	{"POST /api/v1/users/{id}/enable", admins, "401 403 403 403 403 400"},
	{"POST /api/v1/users/{id}/password-reset", admins, "401 403 403 403 403 400"},
	{"POST /api/v1/users/{id}/revoke-tokens", admins, "401 403 403 403 403 400"},
	{"POST /api/v1/users/{id}/role", admins, "401 403 403 403 403 400"},
	{"POST /api/v1/verify", public, "200 200 200 200 200 200"},
	{"POST /appointments", signedIn, "401 400 400 400 400 400"},
	{"POST /appointments/{id}/cancel", owner, "401 303 404 404 404 404"},
	{"POST /appointments/{id}/check-in", owner, "401 409 404 404 404 404"},
	{"POST /appointments/{id}/reschedule", owner, "401 400 400 400 400 400"},
	{"POST /attempts", signedIn, "401 404 404 404 404 404"},
	{"POST /attempts/{id}/answer", owner, "401 404 404 404 404 404"},
	{"POST /attempts/{id}/autosave", owner, "401 404 404 404 404 404"},
	{"POST /attempts/{id}/labs/{key}/submissions", owner, "401 400 403 404 404 403"},
	{"POST /attempts/{id}/sections/{n}/complete", owner, "401 303 403 404 404 403"},
	{"POST /attempts/{id}/start", owner, "401 303 303 404 404 303"},
	{"POST /attempts/{id}/submit", owner, "401 303 403 404 404 403"},
	{"POST /author/calibrations", authors, "401 403 403 404 403 404"},
	{"POST /author/calibrations/{id}/apply", authors, "401 403 403 404 403 404"},
	{"POST /author/items/{exam}/{item}/flag", authors, "401 403 403 404 403 404"},
	{"POST /author/items/{exam}/{item}/retire", authors, "401 403 403 404 403 404"},
	{"POST /cohorts/assignments/{id}/done", owner, "401 404 404 404 404 404"},
	{"POST /cohorts/assignments/{id}/start", owner, "401 404 404 404 404 404"},
	{"POST /cohorts/join", signedIn, "401 400 400 400 400 400"},
	{"POST /cohorts/{id}/leave", owner, "401 404 404 404 404 404"},
	{"POST /exams/{id}/start", signedIn, "401 400 400 400 400 400"},
	{"POST /instructor/cohorts", teachers, "401 403 403 403 400 400"},
	{"POST /instructor/cohorts/{id}/assignments", teachers, "401 403 403 403 404 404"},
	{"POST /instructor/cohorts/{id}/members/{user}/remove", teachers, "401 403 403 403 404 404"},
	{"POST /labs/{lab}/submissions", signedIn, "401 400 400 400 400 400"},
	{"POST /oauth/authorize", oauthToken, "400 400 400 400 400 400"},
	{"POST /oauth/register", oauthToken, "400 400 400 400 400 400"},
	{"POST /oauth/revoke", oauthToken, "400 400 400 400 400 400"},
	{"POST /oauth/token", oauthToken, "400 400 400 400 400 400"},
	{"POST /password-reset", public, "409 409 409 409 409 429"},
	{"POST /password-reset/new", public, "404 404 404 404 404 404"},
	{"POST /proctor/appointments/{id}/{action}", proctors, "401 403 400 403 403 400"},
	{"POST /proctor/attempts/{id}/{action}", proctors, "401 403 400 403 403 400"},
	{"POST /programs/{id}/modules/{module}/read", owner, "401 303 303 303 303 303"},
	{"POST /register", public, "400 400 400 400 400 400"},
	{"POST /sandbox/answer", public, "303 303 303 303 303 303"},
	{"POST /sandbox/autosave", public, "409 409 409 409 409 409"},
	{"POST /sandbox/sections/{n}/complete", public, "303 303 303 303 303 303"},
	{"POST /sandbox/start", public, "303 303 303 303 303 303"},
	{"POST /sandbox/submit", public, "303 303 303 303 303 303"},
	{"POST /signin", public, "401 401 401 401 401 401"},
	{"POST /signout", public, "303 303 303 303 303 303"},
	{"POST /verify", public, "200 200 200 200 200 200"},
	{"POST /wallet/name", signedIn, "401 400 400 400 400 400"},
	{"POST /wallet/shares", signedIn, "401 201 201 201 201 201"},
	{"POST /wallet/shares/{id}/revoke", owner, "401 404 404 404 404 404"},
	{"PUT /api/v1/attempts/{id}/responses/{key}", owner, "401 400 403 404 404 403"},
	{"PUT /api/v1/me/credential-name", signedIn, "401 200 200 200 200 200"},
}

// matrixFixture is the data the requests name, and a signed-in session of
// every role, in a template database copied for each route that changes
// state.
type matrixFixture struct {
	cfg      app.Config
	template string
	cookies  map[string]string // role -> session cookie value
	csrf     map[string]string
	ids      map[string]string
}

func newMatrixFixture(t *testing.T) (*matrixFixture, *apptest.Server) {
	t.Helper()
	ctx := context.Background()
	clk := apptest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	dir := t.TempDir()
	f := &matrixFixture{cookies: map[string]string{}, csrf: map[string]string{}, ids: map[string]string{}}
	f.cfg = app.Config{Now: clk.Now, Seed: func() int64 { return 7 },
		Credentials: &credential.Config{IssuerName: "certlab matrix", KeySecret: []byte("matrix-test-secret-0123456789"), BaseURL: "http://certlab.test"}}
	cfg := f.cfg
	cfg.DB, cfg.Migrate = filepath.Join(dir, "fixture.db"), true
	a := apptest.Start(t, cfg)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	admin, err := a.Accounts.Register(ctx, "admin@example.org", "Admin", "granite-harbour-kite-12345")
	must(err)
	users := map[string]*certlab.User{certlab.RoleAdmin: admin}
	for _, role := range []string{certlab.RoleCandidate, certlab.RoleProctor, certlab.RoleAuthor} {
		u, err := a.Accounts.Create(ctx, role+"@example.org", strings.ToUpper(role[:1])+role[1:], "seven-quiet-rivers-and-a-lamp", role)
		must(err)
		users[role] = u
	}
	// The instructor role is another branch's; the store keeps any role.
	inst := &certlab.User{Email: "instructor@example.org", Name: "Instructor", Role: "instructor", PasswordHash: "x", CreatedAt: clk.Now()}
	must(a.Store.CreateUser(ctx, inst, false))
	users["instructor"] = inst
	cand := users[certlab.RoleCandidate]
	f.ids["user"] = strconv.FormatInt(cand.ID, 10)
	prog, err := a.Catalog.Program("devops-engineer-expert")
	must(err)
	f.ids["module"] = prog.Paths[0].Modules[0]

	// The candidate's practice set, an external credential, a pending
	// credential and a booking.
	pr, err := a.Engine.CreateAttempt(ctx, cand, "az-400", certlab.ModePractice, exam.PracticeOptions{Count: 2})
	must(err)
	_, err = a.Engine.Start(ctx, cand, pr.ID, false)
	must(err)
	f.ids["attempt"] = strconv.FormatInt(pr.ID, 10)
	f.ids["key"] = pr.Form.Sections[0].Questions[0].Key
	ext, err := a.Credentials.Declare(ctx, cand, credential.Declaration{Credential: "azure-administrator-associate", Issuer: "Microsoft", ExternalID: "ABC-123"})
	must(err)
	f.ids["external"] = strconv.FormatInt(ext.ID, 10)
	cred := &certlab.Credential{PublicID: "0123456789abcdef0123456789abcdef", UserID: cand.ID, ProgramID: "devops-engineer-expert", Status: certlab.CredentialPending,
		StatusIndex: -1, CreatedAt: clk.Now(), UpdatedAt: clk.Now()}
	must(a.Store.CreateCredential(ctx, cred))
	f.ids["credential"] = strconv.FormatInt(cred.ID, 10)
	st := &certlab.Sitting{ExamID: "az-400", StartsAt: clk.Now().Add(48 * time.Hour), TimeZone: "UTC", Capacity: 5, Delivery: "online", Proctored: true,
		CreatedBy: admin.ID, CreatedAt: clk.Now()}
	must(a.Store.CreateSitting(ctx, st))
	f.ids["sitting"] = strconv.FormatInt(st.ID, 10)
	ap, err := a.Schedule.Book(ctx, cand, st.ID)
	must(err)
	f.ids["appointment"] = strconv.FormatInt(ap.ID, 10)

	// Another candidate sits the proctored exam now: the proctor routes'
	// attempt.
	examinee, err := a.Accounts.Create(ctx, "examinee@example.org", "Examinee", "seven-quiet-rivers-and-a-lamp", certlab.RoleCandidate)
	must(err)
	apID := apptest.Admit(t, a.App, clk.Now(), examinee, "az-400")
	ex, err := a.Engine.CreateAttempt(ctx, examinee, "az-400", certlab.ModeExam, exam.PracticeOptions{Appointment: apID})
	must(err)
	_, err = a.Engine.Start(ctx, examinee, ex.ID, true)
	must(err)
	f.ids["exam-attempt"] = strconv.FormatInt(ex.ID, 10)

	for role, u := range users {
		w := httptest.NewRecorder()
		se, err := a.Sessions.Start(ctx, w, u)
		must(err)
		for _, c := range w.Result().Cookies() {
			f.cookies[role] = c.Value
		}
		f.csrf[role] = se.CSRF
	}
	f.template = filepath.Join(dir, "template.db")
	_, err = a.Store.DB().ExecContext(ctx, `VACUUM INTO '`+f.template+`'`)
	must(err)
	return f, a
}

// fresh opens a copy of the fixture database as a new application.
func (f *matrixFixture) fresh(t *testing.T) *app.App {
	t.Helper()
	b, err := os.ReadFile(f.template)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "route.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := f.cfg
	cfg.DB, cfg.Migrate = path, true
	return apptest.New(t, cfg)
}

var matrixParam = regexp.MustCompile(`\{([a-z]+)\$?\}`)

// path fills a pattern's wildcards with fixture ids.
func (f *matrixFixture) path(pattern string) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "GET", pattern
	}
	path = strings.TrimSuffix(path, "{$}")
	path = matrixParam.ReplaceAllStringFunc(path, func(m string) string {
		name := matrixParam.FindStringSubmatch(m)[1]
		switch {
		case name == "id" && strings.Contains(path, "/proctor/attempts/"):
			return f.ids["exam-attempt"]
		case name == "id" && strings.Contains(path, "/attempts/"):
			return f.ids["attempt"]
		case name == "id" && strings.Contains(path, "/exams/"):
			return "az-400"
		case name == "id" && (strings.Contains(path, "/programs/") || strings.Contains(path, "/achievements/")):
			return "devops-engineer-expert"
		case name == "id" && strings.Contains(path, "/users/"):
			return f.ids["user"]
		case name == "id" && (strings.Contains(path, "/external-credentials/") || strings.Contains(path, "/reviews/")):
			return f.ids["external"]
		case name == "id" && strings.Contains(path, "/credentials/") && !strings.HasPrefix(path, "/credentials/"):
			return f.ids["credential"]
		case name == "id" && strings.Contains(path, "/appointments/"):
			return f.ids["appointment"]
		case name == "id" && (strings.Contains(path, "/sittings/") || strings.Contains(path, "/sessions/")):
			return f.ids["sitting"]
		case name == "key" && strings.Contains(path, "/attempts/"):
			return f.ids["key"]
		case name == "module":
			return f.ids["module"]
		case name == "lab":
			return "git-hotfix-cherry-pick" // a practice lab of the pack
		case name == "n":
			return "1"
		case name == "action":
			// A real action, refused for its empty reason or note after
			// the role check.
			for prefix, action := range map[string]string{"/admin/users/": "disable", "/admin/credentials/": "revoke", "/admin/keys/": "withdraw",
				"/proctor/appointments/": "check-in", "/proctor/attempts/": "pause"} {
				if strings.HasPrefix(path, prefix) {
					return action
				}
			}
		}
		return "1"
	})
	return method, path
}

// request sends one request as role and returns the status.
func (f *matrixFixture) request(t *testing.T, h http.Handler, pattern, role string) int {
	t.Helper()
	method, path := f.path(pattern)
	var body io.Reader
	ct := ""
	if method != "GET" && method != "HEAD" {
		if strings.HasPrefix(path, "/api/") {
			body, ct = strings.NewReader("{}"), "application/json"
		} else {
			body, ct = strings.NewReader(""), "application/x-www-form-urlencoded"
		}
	}
	r := httptest.NewRequest(method, path, body)
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	if role != "anonymous" {
		r.AddCookie(&http.Cookie{Name: "certlab_session", Value: f.cookies[role]})
		r.Header.Set("X-CSRF-Token", f.csrf[role])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if method == "GET" && w.Code == http.StatusSeeOther && strings.HasPrefix(w.Header().Get("Location"), "/signin") {
		return 0 // shown as "in": sent to sign in
	}
	return w.Code
}

func statusText(code int) string {
	if code == 0 {
		return "in"
	}
	return strconv.Itoa(code)
}

// refused reports whether a status keeps a role out.
func refused(status string) bool {
	return status == "401" || status == "403" || status == "in"
}

func TestRoleRouteMatrix(t *testing.T) {
	f, a := newMatrixFixture(t)
	table := map[string]matrixLine{}
	for _, l := range matrix {
		if _, dup := table[l.route]; dup {
			t.Errorf("route %q is in the matrix twice", l.route)
		}
		table[l.route] = l
	}
	patterns := a.Server.Patterns()
	seen := map[string]bool{}
	var got []string
	for _, pattern := range patterns {
		if seen[pattern] {
			continue
		}
		seen[pattern] = true
		method, _ := f.path(pattern)
		h := a.Handler()
		if method != "GET" && method != "HEAD" {
			h = f.fresh(t).Handler()
		}
		var cells []string
		for _, role := range matrixRoles {
			cells = append(cells, statusText(f.request(t, h, pattern, role)))
		}
		answer := strings.Join(cells, " ")
		got = append(got, fmt.Sprintf("\t{%q, %%s, %q},", pattern, answer))
		l, ok := table[pattern]
		if !ok {
			t.Errorf("route %q is not in the role × route matrix (it answers %s): add a line", pattern, answer)
			continue
		}
		if answer != l.expect {
			t.Errorf("%s: statuses %s, want %s (%s)", pattern, answer, l.expect, strings.Join(matrixRoles, " "))
		}
		checkClass(t, l, cells)
	}
	for route := range table {
		if !seen[route] {
			t.Errorf("the matrix has %q, which the server does not route", route)
		}
	}
	if len(seen) < 140 {
		t.Errorf("only %d routes: Patterns lists less than the server answers", len(seen))
	}
	if os.Getenv("CERTLAB_MATRIX_PRINT") != "" {
		sort.Strings(got)
		fmt.Println(strings.Join(got, "\n"))
	}
}

// checkClass checks a line's statuses against who its route is for.
func checkClass(t *testing.T, l matrixLine, cells []string) {
	t.Helper()
	var in func(role string) bool
	switch l.class {
	case public, oauthToken, fixedPaths:
		for i, c := range cells {
			if c == "in" || c == "403" && l.class == public {
				t.Errorf("%s (%s): %s is refused (%s)", l.route, l.class, matrixRoles[i], c)
			}
		}
		return
	case signedIn:
		in = func(role string) bool { return role != "anonymous" }
	case owner:
		if !refused(cells[0]) {
			t.Errorf("%s (%s): an anonymous visitor is let through (%s)", l.route, l.class, cells[0])
		}
		return
	case proctors:
		in = func(role string) bool { return role == certlab.RoleProctor || role == certlab.RoleAdmin }
	case admins:
		in = func(role string) bool { return role == certlab.RoleAdmin }
	case authors:
		in = func(role string) bool { return role == certlab.RoleAuthor || role == certlab.RoleAdmin }
	case teachers:
		in = func(role string) bool { return role == "instructor" || role == certlab.RoleAdmin }
	default:
		t.Errorf("%s: unknown class %q", l.route, l.class)
		return
	}
	for i, c := range cells {
		role := matrixRoles[i]
		switch {
		case in(role) && refused(c):
			t.Errorf("%s (%s): %s is refused (%s)", l.route, l.class, role, c)
		case !in(role) && !refused(c):
			t.Errorf("%s (%s): %s is let through (%s)", l.route, l.class, role, c)
		}
	}
}
