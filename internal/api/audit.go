package api

import (
	"net/http"
	"strconv"

	"github.com/certlab/certlab"
)

// The audit log (admins).

func (s *Server) auditLog(r *http.Request, u *certlab.User) (any, error) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	return s.Audit.Entries(r.Context(), u, certlab.AuditFilter{Target: q.Get("target"), Action: q.Get("action"), Limit: limit})
}
