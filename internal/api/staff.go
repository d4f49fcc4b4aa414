package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/audit"
	"github.com/certlab/certlab/internal/overview"
	"github.com/certlab/certlab/internal/schedule"
)

// The staff consoles' actions in the JSON API: accounts, credentials, the
// review queue, issuer keys, the audit log and the program overview
// (admins); the day's appointments, check-in and sittings (proctors).
// Every list pages by keyset: a full page carries a Link header (RFC
// 8288) with rel="next".

// nextLink sets the Link header of a full page: the same query with the
// cursor parameter set to cursor.
func nextLink(w http.ResponseWriter, r *http.Request, full bool, param string, cursor int64) {
	if !full {
		return
	}
	q := r.URL.Query()
	q.Set(param, strconv.FormatInt(cursor, 10))
	w.Header().Set("Link", fmt.Sprintf(`<%s?%s>; rel="next"`, r.URL.Path, q.Encode()))
}

// pagedHandler answers fn's value with the Link header of its next page.
func (s *Server) pagedHandler(fn func(w http.ResponseWriter, r *http.Request, u *certlab.User) (any, error)) func(http.ResponseWriter, *http.Request, *certlab.User) {
	return func(w http.ResponseWriter, r *http.Request, u *certlab.User) {
		v, err := fn(w, r, u)
		if err != nil {
			s.error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, v)
	}
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, u *certlab.User) (any, error) {
	q, err := certlab.ParseUserQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	us, err := s.Admin.Users(r.Context(), u, q)
	if err != nil {
		return nil, err
	}
	if len(us) > 0 {
		nextLink(w, r, len(us) == q.Limit, "after", us[len(us)-1].ID)
	}
	return us, nil
}

func (s *Server) getUser(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Admin.User(r.Context(), u, id)
}

// BaseURL is the server's public URL for links in e-mails: the configured
// one, else the request's own address.
func (s *Server) BaseURL(r *http.Request) string {
	if s.PublicURL != "" {
		return s.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// CreateUserResult is a created account and whether a link to set its
// password was sent.
type CreateUserResult struct {
	*certlab.User
	ResetLinkSent bool `json:"reset_link_sent"`
}

func (s *Server) createUser(r *http.Request, u *certlab.User) (any, error) {
	var req account.NewUser
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	nu, sent, err := s.Admin.Create(r.Context(), u, req, s.BaseURL(r))
	if err != nil {
		return nil, err
	}
	return CreateUserResult{User: nu, ResetLinkSent: sent}, nil
}

// RoleRequest is the body of POST /api/v1/users/{id}/role.
type RoleRequest struct {
	Role   string `json:"role"`
	Reason string `json:"reason"`
}

// userAction makes the handler of an admin's action on an account that
// takes a reason.
func (s *Server) userAction(action string) func(*http.Request, *certlab.User) (any, error) {
	return func(r *http.Request, u *certlab.User) (any, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return nil, err
		}
		var req RoleRequest
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		if action != "role" && req.Role != "" {
			return nil, certlab.Errorf(certlab.EINVALID, "request body: unknown field \"role\"")
		}
		ctx := r.Context()
		switch action {
		case "role":
			return s.Admin.SetRole(ctx, u, id, req.Role, req.Reason)
		case "disable":
			return s.Admin.Disable(ctx, u, id, req.Reason)
		case "enable":
			return s.Admin.Enable(ctx, u, id, req.Reason)
		case "password-reset":
			if err := s.Admin.SendReset(ctx, u, id, s.BaseURL(r), req.Reason); err != nil {
				return nil, err
			}
			return map[string]any{"sent": true, "valid_for": account.ResetLifetime.String()}, nil
		default: // revoke-tokens
			n, err := s.Admin.RevokeAccess(ctx, u, id, req.Reason)
			if err != nil {
				return nil, err
			}
			return map[string]int{"tokens_revoked": n}, nil
		}
	}
}

func (s *Server) adminCredentials(w http.ResponseWriter, r *http.Request, u *certlab.User) (any, error) {
	q, err := certlab.ParseCredentialQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	rows, err := s.Credentials.AdminCredentials(r.Context(), u, q)
	if err != nil {
		return nil, err
	}
	if len(rows) > 0 {
		nextLink(w, r, len(rows) == q.Limit, "after", rows[len(rows)-1].Credential.ID)
	}
	return rows, nil
}

func (s *Server) reissueCredential(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var req ReasonRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	c, err := s.Credentials.Reissue(r.Context(), u, id, req.Reason)
	if err != nil {
		return nil, err
	}
	return s.credentialView(c), nil
}

func (s *Server) reviewItem(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Credentials.ReviewItem(r.Context(), u, id)
}

func (s *Server) issuerKeys(r *http.Request, u *certlab.User) (any, error) {
	return s.Credentials.Keys(r.Context(), u)
}

// auditFilter reads the audit log filters of a request
// (certlab.ParseAuditFilter).
func (s *Server) auditFilter(r *http.Request) (certlab.AuditFilter, error) {
	return certlab.ParseAuditFilter(r.URL.Query(), func(email string) (int64, error) {
		u, err := s.Store.UserByEmail(r.Context(), email)
		if err != nil {
			return 0, err
		}
		return u.ID, nil
	})
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, u *certlab.User) (any, error) {
	f, err := s.auditFilter(r)
	if err != nil {
		return nil, err
	}
	es, err := s.Audit.Entries(r.Context(), u, f)
	if err != nil {
		return nil, err
	}
	if len(es) > 0 {
		nextLink(w, r, len(es) == f.Limit, "before", es[len(es)-1].ID)
	}
	return es, nil
}

// auditCSV streams the matching entries as CSV.
func (s *Server) auditCSV(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	f, err := s.auditFilter(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if u.Role != certlab.RoleAdmin {
		s.error(w, r, certlab.Errorf(certlab.EFORBIDDEN, "only admins read the audit log"))
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="certlab-audit.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := s.Audit.WriteCSV(r.Context(), u, f, w, audit.ActorNames(r.Context(), s.Store)); err != nil {
		s.Logger.Error("audit CSV export", "err", err)
	}
}

func (s *Server) programOverview(r *http.Request, u *certlab.User) (any, error) {
	return overview.Build(r.Context(), u, s.Store, s.Catalog, s.Engine.Now())
}

func (s *Server) roster(r *http.Request, u *certlab.User) (any, error) {
	from, to, err := schedule.RosterPeriod(r.URL.Query(), s.Engine.Now())
	if err != nil {
		return nil, err
	}
	return s.Schedule.Roster(r.Context(), u, from, to)
}

// AttestResult is an appointment checked in, with the attestation.
type AttestResult struct {
	Appointment *certlab.Appointment `json:"appointment"`
	CheckIn     *certlab.CheckIn     `json:"check_in"`
}

func (s *Server) attest(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var req schedule.Attestation
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	ap, c, err := s.Schedule.Attest(r.Context(), u, id, req)
	if err != nil {
		return nil, err
	}
	return AttestResult{Appointment: ap, CheckIn: c}, nil
}

func (s *Server) sittingOf(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Proctor.SittingOf(r.Context(), u, id)
}
