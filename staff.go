package certlab

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// What the staff consoles (admin, proctor) read and change beyond the
// other stores: account states, check-in
// attestations, the activity of open attempts, and the list pages that
// page through many rows.

// Account states an admin filters by.
const (
	UserActive   = "active"
	UserDisabled = "disabled"
)

// MaxPageSize is the most rows one list page returns.
const MaxPageSize = 1000

// PageSize is the limit of a list page: n when it is between 1 and
// MaxPageSize, else def.
func PageSize(n, def int) int {
	if n <= 0 || n > MaxPageSize {
		return def
	}
	return n
}

// UserQuery selects a page of accounts, by id (keyset paging: the page
// after the account with id After).
type UserQuery struct {
	// Search is the start of the e-mail address or of the name, in any
	// case.
	Search string
	Role   string
	// State is UserActive, UserDisabled or "" for both.
	State string
	After int64
	Limit int
}

// CheckIn is a proctor's attestation at check-in: who checked the
// candidate, which identity document they saw, a note, and the
// accommodations applied.
type CheckIn struct {
	AppointmentID  int64     `json:"appointment_id"`
	CheckedBy      int64     `json:"checked_by"`
	IdentitySeen   string    `json:"identity_seen"`
	Note           string    `json:"note,omitempty"`
	Accommodations string    `json:"accommodations,omitempty"`
	At             time.Time `json:"at"`
}

// AttemptActivity is what a proctor sees of an open attempt's traffic:
// its last save, the last time its candidate's page or client reached
// the server, and how many questions have an answer.
type AttemptActivity struct {
	LastSavedAt *time.Time `json:"last_saved_at,omitempty"`
	LastSeenAt  *time.Time `json:"last_seen_at,omitempty"`
	Answered    int        `json:"answered"`
}

// CredentialQuery selects a page of credentials for the admin console, by
// id (keyset paging).
type CredentialQuery struct {
	// Search is the start of the holder's e-mail or name, or a public id.
	Search    string
	Status    string
	ProgramID string
	After     int64
	Limit     int
}

// CredentialRow is a credential with its holder, as the admin list shows it.
type CredentialRow struct {
	Credential *Credential `json:"credential"`
	Email      string      `json:"email"`
	Name       string      `json:"name"`
}

// ExamCount is the number of attempts of one exam, mode and status.
type ExamCount struct {
	ExamID string
	Mode   string
	Status string
	Count  int
}

// OverviewData is the raw material of the program overview: counts, the
// reports of scored exams, and the start of every booked appointment's
// sitting in a period.
type OverviewData struct {
	Users      map[string]int // by role
	Disabled   int
	Active     int // users with at least one attempt
	Attempts   []ExamCount
	Reports    []*Report // scored exam attempts, newest first
	Bookings   []time.Time
	Truncated  bool // Reports holds only the newest ones
	GatheredAt time.Time
}

// StaffStore keeps what the staff consoles need beyond the other stores.
type StaffStore interface {
	// UsersPage lists accounts matching q by id, at most q.Limit.
	UsersPage(ctx context.Context, q UserQuery) ([]*User, error)
	// SetUserDisabled disables the account at at, or enables it (nil).
	SetUserDisabled(ctx context.Context, id int64, at *time.Time) error
	// (Signing a user out, revoking their tokens and password reset links
	// are AccountStore's.)

	// RecordCheckIn stores a proctor's attestation and moves a booked
	// appointment to checked-in (a checked-in one stays so); an
	// appointment in another state is ECONFLICT, an attestation already
	// recorded is replaced.
	RecordCheckIn(ctx context.Context, c *CheckIn) (*Appointment, error)
	// CheckIns returns the attestations of the appointments that have one.
	CheckIns(ctx context.Context, appointmentIDs []int64) (map[int64]*CheckIn, error)

	// TouchAttempt records that the attempt's candidate reached the server
	// at at (written at most every 10 seconds per attempt).
	TouchAttempt(ctx context.Context, id int64, at time.Time) error
	AttemptActivity(ctx context.Context, id int64) (*AttemptActivity, error)

	// CredentialsPage lists credentials matching q by id, with holders.
	CredentialsPage(ctx context.Context, q CredentialQuery) ([]*CredentialRow, error)
	// Overview gathers the program overview's data: bookings of sittings
	// that start in [from, to), and at most maxReports scored exam reports.
	Overview(ctx context.Context, from, to time.Time, maxReports int) (*OverviewData, error)
}

// intParam reads an optional non-negative integer query parameter.
func intParam(v url.Values, name string) (int64, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, Errorf(EINVALID, "%s %q is not a number", name, s)
	}
	return n, nil
}

// TimeParam reads an optional time query parameter: RFC 3339, a local
// date and time (2026-11-25T09:00) or a date (2026-11-25), in UTC.
func TimeParam(v url.Values, name string) (*time.Time, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return &t, nil
		}
	}
	return nil, Errorf(EINVALID, "%s %q: use a date (2026-11-25) or an RFC 3339 time", name, s)
}

// ParseUserQuery reads account filters from query parameters: q, role,
// state, after and limit (default 50).
func ParseUserQuery(v url.Values) (UserQuery, error) {
	after, err := intParam(v, "after")
	if err != nil {
		return UserQuery{}, err
	}
	limit, err := intParam(v, "limit")
	if err != nil {
		return UserQuery{}, err
	}
	return UserQuery{Search: strings.TrimSpace(v.Get("q")), Role: v.Get("role"), State: v.Get("state"), After: after, Limit: PageSize(int(limit), 50)}, nil
}

// ParseCredentialQuery reads credential filters from query parameters: q,
// status, program, after and limit (default 50).
func ParseCredentialQuery(v url.Values) (CredentialQuery, error) {
	after, err := intParam(v, "after")
	if err != nil {
		return CredentialQuery{}, err
	}
	limit, err := intParam(v, "limit")
	if err != nil {
		return CredentialQuery{}, err
	}
	return CredentialQuery{Search: strings.TrimSpace(v.Get("q")), Status: v.Get("status"), ProgramID: v.Get("program"), After: after, Limit: PageSize(int(limit), 50)}, nil
}

// ParseAuditFilter reads audit log filters from query parameters: actor
// (an account id, or an e-mail address that actorID resolves), action,
// subject (formerly target), from and to (TimeParam), before (the id cursor) and limit
// (default 50).
func ParseAuditFilter(v url.Values, actorID func(email string) (int64, error)) (AuditFilter, error) {
	var f AuditFilter
	if a := strings.TrimSpace(v.Get("actor")); a != "" {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			if id, err = actorID(a); err != nil {
				return f, Errorf(EINVALID, "actor %q: no account has this e-mail address", a)
			}
		}
		f.ActorID = &id
	}
	f.Action, f.Target = strings.TrimSpace(v.Get("action")), strings.TrimSpace(v.Get("subject"))
	if f.Target == "" {
		f.Target = strings.TrimSpace(v.Get("target")) // the former name
	}
	var err error
	if f.From, err = TimeParam(v, "from"); err != nil {
		return f, err
	}
	if f.To, err = TimeParam(v, "to"); err != nil {
		return f, err
	}
	if f.From != nil && f.To != nil && !f.To.After(*f.From) {
		return f, Errorf(EINVALID, "to must be after from")
	}
	if f.Before, err = intParam(v, "before"); err != nil {
		return f, err
	}
	limit, err := intParam(v, "limit")
	if err != nil {
		return f, err
	}
	f.Limit = PageSize(int(limit), 50)
	return f, nil
}
