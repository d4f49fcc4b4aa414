package api

import (
	"net/http"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/session"
)

// Sessionless are the public endpoints that never act for a signed-in
// user (verifying a credential someone pasted or uploaded): the session
// manager does not read the cookie there (session.Manager.Sessionless).
var Sessionless = map[string]bool{"/verify": true, "/api/v1/verify": true}

// Router is where routes are registered: an *http.ServeMux, or a recorder
// that lists them (tests build the route matrices from it).
type Router interface {
	Handle(pattern string, handler http.Handler)
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}

// Routes registers the JSON API under /api/v1 on mux: every endpoint, with
// the role it needs checked here (services check again).
func (s *Server) Routes(mux Router) {
	user, role := session.RequireUser, session.RequireRole
	admin := func(h session.UserHandler) http.HandlerFunc { return role(certlab.RoleAdmin, h) }

	// Accounts and sign-in.
	mux.HandleFunc("POST /api/v1/auth/register", s.register)
	mux.HandleFunc("POST /api/v1/auth/login", s.login)
	mux.HandleFunc("POST /api/v1/auth/logout", s.logout)
	mux.HandleFunc("GET /api/v1/me", user(s.me))
	mux.HandleFunc("POST /api/v1/tokens", session.RequireScope(certlab.ScopeTokens, s.createToken))
	mux.HandleFunc("GET /api/v1/tokens", session.RequireScope(certlab.ScopeTokens, s.listTokens))
	mux.HandleFunc("DELETE /api/v1/tokens/{id}", session.RequireScope(certlab.ScopeTokens, s.revokeToken))
	mux.HandleFunc("POST /api/v1/me/password", user(s.changePassword))
	mux.HandleFunc("GET /api/v1/users", admin(s.pagedHandler(s.listUsers)))
	mux.HandleFunc("POST /api/v1/users", admin(s.jsonHandler(http.StatusCreated, s.createUser)))
	mux.HandleFunc("GET /api/v1/users/{id}", admin(s.jsonHandler(http.StatusOK, s.getUser)))
	mux.HandleFunc("PATCH /api/v1/users/{id}", admin(s.updateUser))
	for _, action := range []string{"role", "disable", "enable", "password-reset", "revoke-tokens"} {
		mux.HandleFunc("POST /api/v1/users/{id}/"+action, admin(s.jsonHandler(http.StatusOK, s.userAction(action))))
	}

	// Programs and exams (public).
	mux.HandleFunc("GET /api/v1/programs", s.listPrograms)
	mux.HandleFunc("GET /api/v1/programs/{id}", s.getProgram)
	mux.HandleFunc("GET /api/v1/exams/{id}", s.getExam)

	// Attempts.
	mux.HandleFunc("GET /api/v1/attempts", user(s.listAttempts))
	mux.HandleFunc("POST /api/v1/attempts", user(s.createAttempt))
	mux.HandleFunc("GET /api/v1/exams/{id}/start", user(s.startInfo))
	// While a candidate takes an exam, other attempts and study answer 409
	// (exam_in_progress): notDuringExam lets only the open exam through.
	mux.HandleFunc("GET /api/v1/attempts/{id}", user(s.notDuringExam(s.attemptAction(nil))))
	mux.HandleFunc("POST /api/v1/attempts/{id}/start", user(s.notDuringExam(s.attemptAction(s.startAttempt))))
	mux.HandleFunc("PUT /api/v1/attempts/{id}/responses/{key}", user(s.notDuringExam(s.saveResponse)))
	mux.HandleFunc("POST /api/v1/attempts/{id}/sections/{n}/next", user(s.notDuringExam(s.attemptAction(s.nextStatement))))
	mux.HandleFunc("POST /api/v1/attempts/{id}/sections/{n}/complete", user(s.notDuringExam(s.attemptAction(s.completeSection))))
	mux.HandleFunc("POST /api/v1/attempts/{id}/submit", user(s.notDuringExam(s.attemptAction(s.submitAttempt))))
	mux.HandleFunc("GET /api/v1/attempts/{id}/report", user(s.notDuringExam(s.getReport)))
	mux.HandleFunc("GET /api/v1/attempts/{id}/report.svg", user(s.notDuringExam(s.getReportChart)))

	// Study.
	mux.HandleFunc("GET /api/v1/exams/{id}/readiness", user(s.notDuringExam(s.requireStudy(s.getReadiness))))
	mux.HandleFunc("GET /api/v1/exams/{id}/readiness.svg", user(s.notDuringExam(s.requireStudy(s.getReadinessChart))))
	mux.HandleFunc("GET /api/v1/exams/{id}/due", user(s.notDuringExam(s.requireStudy(s.getDue))))

	// Labs: practice labs wait while the candidate takes an exam; the lab
	// questions of the open exam take its workspace (labs.go).
	if s.Labs != nil {
		s.labRoutes(mux)
	}

	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.error(w, r, certlab.Errorf(certlab.ENOTFOUND, "no such endpoint: %s %s", r.Method, r.URL.Path))
	})

	if s.Audit != nil {
		mux.HandleFunc("GET /api/v1/audit", admin(s.pagedHandler(s.auditLog)))
		mux.HandleFunc("GET /api/v1/audit.csv", admin(s.auditCSV))
		mux.HandleFunc("GET /api/v1/admin/overview", admin(s.jsonHandler(http.StatusOK, s.programOverview)))
	}

	// Scheduling. /api/v1/sessions… are the former names of /api/v1/sittings…,
	// kept as aliases.
	if s.Schedule != nil {
		for _, base := range []string{"/api/v1/sittings", "/api/v1/sessions"} {
			mux.HandleFunc("GET "+base, user(s.jsonHandler(http.StatusOK, s.listSittings)))
			mux.HandleFunc("POST "+base, admin(s.jsonHandler(http.StatusCreated, s.createSitting)))
			mux.HandleFunc("GET "+base+"/{id}/appointments", user(s.jsonHandler(http.StatusOK, s.sittingAppointments))) // proctors, admins
		}
		mux.HandleFunc("GET /api/v1/appointments", user(s.jsonHandler(http.StatusOK, s.listAppointments)))
		mux.HandleFunc("POST /api/v1/appointments", user(s.jsonHandler(http.StatusCreated, s.bookAppointment)))
		mux.HandleFunc("POST /api/v1/appointments/{id}/reschedule", user(s.jsonHandler(http.StatusOK, s.rescheduleAppointment)))
		mux.HandleFunc("POST /api/v1/appointments/{id}/cancel", user(s.jsonHandler(http.StatusOK, s.cancelAppointment)))
		mux.HandleFunc("POST /api/v1/appointments/{id}/check-in", user(s.jsonHandler(http.StatusOK, s.checkIn)))
		mux.HandleFunc("POST /api/v1/appointments/{id}/admit", user(s.jsonHandler(http.StatusOK, s.admit)))   // proctors, admins
		mux.HandleFunc("POST /api/v1/appointments/{id}/attest", user(s.jsonHandler(http.StatusOK, s.attest))) // proctors, admins
		mux.HandleFunc("GET /api/v1/proctor/appointments", user(s.jsonHandler(http.StatusOK, s.roster)))      // proctors, admins
		mux.HandleFunc("POST /api/v1/users/{id}/accommodation", admin(s.jsonHandler(http.StatusOK, s.setAccommodation)))
		// Accommodation requests (portal.go): candidates ask, admins decide.
		mux.HandleFunc("GET /api/v1/accommodations", user(s.jsonHandler(http.StatusOK, s.listAccommodations)))
		mux.HandleFunc("POST /api/v1/accommodations", user(s.jsonHandler(http.StatusCreated, s.requestAccommodation)))
		mux.HandleFunc("POST /api/v1/accommodations/{id}/withdraw", user(s.jsonHandler(http.StatusOK, s.withdrawAccommodation)))
		mux.HandleFunc("POST /api/v1/accommodations/{id}/decision", admin(s.jsonHandler(http.StatusOK, s.decideAccommodation)))
	}
	// The pathway to every credential (portal.go).
	mux.HandleFunc("GET /api/v1/me/pathway", user(s.notDuringExam(s.jsonHandler(http.StatusOK, s.pathways))))

	// Proctoring (proctors and admins; the service checks roles).
	// /api/v1/proctor/sessions is the former name of /api/v1/proctor/attempts.
	if s.Proctor != nil {
		mux.HandleFunc("GET /api/v1/proctor/attempts", user(s.jsonHandler(http.StatusOK, s.liveAttempts)))
		mux.HandleFunc("GET /api/v1/proctor/sessions", user(s.jsonHandler(http.StatusOK, s.liveAttempts)))
		mux.HandleFunc("GET /api/v1/proctor/attempts/{id}", user(s.jsonHandler(http.StatusOK, s.sittingOf)))
		mux.HandleFunc("POST /api/v1/proctor/attempts/{id}/pause", user(s.jsonHandler(http.StatusOK, s.proctorAction("pause"))))
		mux.HandleFunc("POST /api/v1/proctor/attempts/{id}/resume", user(s.jsonHandler(http.StatusOK, s.proctorAction("resume"))))
		mux.HandleFunc("POST /api/v1/proctor/attempts/{id}/end", user(s.jsonHandler(http.StatusOK, s.proctorAction("end"))))
		mux.HandleFunc("GET /api/v1/proctor/attempts/{id}/incidents", user(s.jsonHandler(http.StatusOK, s.listIncidents)))
		mux.HandleFunc("POST /api/v1/proctor/attempts/{id}/incidents", user(s.jsonHandler(http.StatusCreated, s.logIncident)))
	}

	s.ConsoleRoutes(mux)

	// Credentials (the service checks roles again).
	if s.Credentials != nil {
		mux.HandleFunc("GET /api/v1/credentials", user(s.jsonHandler(http.StatusOK, s.listCredentials)))
		mux.HandleFunc("GET /api/v1/credentials/{id}", user(s.jsonHandler(http.StatusOK, s.getCredential)))
		mux.HandleFunc("GET /api/v1/credentials/{id}/download", user(s.downloadCredential))
		mux.HandleFunc("POST /api/v1/credentials/{id}/revoke", admin(s.jsonHandler(http.StatusOK, s.revokeCredential)))
		mux.HandleFunc("POST /api/v1/credentials/{id}/reissue", admin(s.jsonHandler(http.StatusOK, s.reissueCredential)))
		mux.HandleFunc("GET /api/v1/admin/credentials", admin(s.pagedHandler(s.adminCredentials)))
		mux.HandleFunc("GET /api/v1/external-credentials/{id}", admin(s.jsonHandler(http.StatusOK, s.reviewItem)))
		mux.HandleFunc("GET /api/v1/issuer/keys", admin(s.jsonHandler(http.StatusOK, s.issuerKeys)))
		mux.HandleFunc("POST /api/v1/credentials/sweep", admin(s.jsonHandler(http.StatusOK, s.sweepCredentials)))
		mux.HandleFunc("GET /api/v1/external-credentials", user(s.jsonHandler(http.StatusOK, s.listExternal)))
		mux.HandleFunc("POST /api/v1/external-credentials", user(s.jsonHandler(http.StatusCreated, s.declareExternal)))
		mux.HandleFunc("POST /api/v1/external-credentials/{id}/review", admin(s.jsonHandler(http.StatusOK, s.reviewExternal)))
		mux.HandleFunc("GET /api/v1/exams/{id}/eligibility", user(s.jsonHandler(http.StatusOK, s.eligibility)))
		mux.HandleFunc("GET /api/v1/me/reminders", user(s.jsonHandler(http.StatusOK, s.reminders)))
		mux.HandleFunc("GET /api/v1/me/transcript", user(s.jsonHandler(http.StatusOK, s.transcript)))
		mux.HandleFunc("GET /api/v1/me/credential-name", user(s.jsonHandler(http.StatusOK, s.getHolderName)))
		mux.HandleFunc("PUT /api/v1/me/credential-name", user(s.jsonHandler(http.StatusOK, s.putHolderName)))
		mux.HandleFunc("GET /api/v1/attempts/{id}/outcome", user(s.notDuringExam(s.jsonHandler(http.StatusOK, s.attemptOutcome))))
		mux.HandleFunc("GET /api/v1/me/transcript/shares", user(s.jsonHandler(http.StatusOK, s.listShares)))
		mux.HandleFunc("POST /api/v1/me/transcript/shares", user(s.jsonHandler(http.StatusCreated, s.createShare)))
		mux.HandleFunc("DELETE /api/v1/me/transcript/shares/{id}", user(s.revokeShare))
		mux.HandleFunc("POST /api/v1/issuer/keys/rotate", admin(s.jsonHandler(http.StatusOK, s.rotateKey)))
		mux.HandleFunc("POST /api/v1/issuer/keys/withdraw", admin(s.jsonHandler(http.StatusOK, s.withdrawKey)))
	}
}

// PublicRoutes registers the public credential documents on mux: what
// verifiers fetch, the verification page and shared transcripts. Without a
// credential service it registers nothing.
func (s *Server) PublicRoutes(mux Router) {
	if s.Credentials == nil {
		return
	}
	if s.verifyLimiter == nil {
		s.verifyLimiter = newIPLimiter(s.VerifyLimit)
	}
	mux.HandleFunc("GET /issuer", s.issuerProfile)
	mux.HandleFunc("GET /issuer/keys/{key}", s.issuerKey)
	mux.HandleFunc("GET /.well-known/did.json", s.didDocument)
	mux.HandleFunc("GET /achievements", s.listAchievements)
	mux.HandleFunc("GET /achievements/{id}", s.getAchievement)
	mux.HandleFunc("GET /achievements/{id}/image", s.achievementImage)
	mux.HandleFunc("GET /status/1", s.statusList)
	mux.HandleFunc("GET /credentials/{id}", s.publicCredential)
	mux.HandleFunc("GET /verify", s.verifyPage)
	mux.HandleFunc("POST /verify", s.verifyPage)
	mux.HandleFunc("POST /api/v1/verify", s.limitVerify(s.verifyJSON))
	mux.HandleFunc("GET /transcripts/{token}", s.sharedTranscript)
}
