package certlab

import (
	"context"
	"encoding/json"
	"time"
)

// Attempt mode and state used by credentials and proctoring.
const (
	// ModeRenewal is the free, shorter, unproctored assessment that extends
	// an active credential.
	ModeRenewal = "renewal"
	// StatusPaused is a started attempt whose clock a proctor stopped.
	StatusPaused = "paused"
)

// Credential states.
const (
	CredentialPending = "pending" // some requirements met (an exam passed), not all
	CredentialActive  = "active"  // issued and within its validity period
	CredentialExpired = "expired" // past its validity; the exam must be passed again
	CredentialRevoked = "revoked" // withdrawn by an admin, with a reason
)

// Credential is a user's standing towards one program's credential: pending
// until every requirement holds, then issued as a signed Open Badges 3.0
// credential in two forms.
type Credential struct {
	ID            int64           `json:"id"`
	PublicID      string          `json:"public_id"` // random, names the credential in public URLs
	UserID        int64           `json:"user_id"`
	ProgramID     string          `json:"program"`
	Status        string          `json:"status"`
	IssuedAt      *time.Time      `json:"issued_at,omitempty"`
	ValidFrom     *time.Time      `json:"valid_from,omitempty"`
	ValidUntil    *time.Time      `json:"valid_until,omitempty"`
	StatusIndex   int             `json:"status_list_index"` // bit in the revocation list; -1 before issuance
	Document      json.RawMessage `json:"-"`                 // OpenBadgeCredential with its Data Integrity proof
	JWT           string          `json:"-"`                 // the same credential as a VC-JWT
	Renewals      int             `json:"renewals"`
	RevokedAt     *time.Time      `json:"revoked_at,omitempty"`
	RevokedReason string          `json:"revoked_reason,omitempty"`
	CreatedAt     time.Time       `json:"created_at"`
	UpdatedAt     time.Time       `json:"updated_at"`
}

// CredentialFilter selects credentials.
type CredentialFilter struct {
	UserID    *int64
	ProgramID string
	Status    string
	// ValidUntilBefore selects credentials whose validity ends at or before it.
	ValidUntilBefore *time.Time
	Limit            int
}

// External credential review states.
const (
	ExternalDeclared = "declared"
	ExternalVerified = "verified"
	ExternalRejected = "rejected"
)

// ExternalCredential is a credential a candidate earned elsewhere (for
// example from Microsoft) and declared; only admin-verified ones count
// towards requirements.
type ExternalCredential struct {
	ID           int64      `json:"id"`
	UserID       int64      `json:"user_id"`
	CredentialID string     `json:"credential"` // the id requirements name, such as azure-administrator-associate
	Issuer       string     `json:"issuer"`
	Name         string     `json:"name"`
	ExternalID   string     `json:"external_id,omitempty"` // the issuer's credential ID
	URL          string     `json:"url,omitempty"`         // transcript share link or verification URL
	EarnedAt     *time.Time `json:"earned_at,omitempty"`   // as declared
	ExpiresAt    *time.Time `json:"expires_at,omitempty"`  // as declared; none means it does not expire
	Status       string     `json:"status"`                // declared, verified or rejected
	ReviewedBy   *int64     `json:"reviewed_by,omitempty"` // the admin
	ReviewedAt   *time.Time `json:"reviewed_at,omitempty"` // when
	ReviewNote   string     `json:"review_note,omitempty"` // why
	CreatedAt    time.Time  `json:"created_at"`
}

// ExternalFilter selects external credentials.
type ExternalFilter struct {
	UserID *int64
	Status string
}

// Reminder is one expiry reminder sent for a credential: at most one per
// credential, validity end and threshold.
type Reminder struct {
	ID           int64     `json:"id"`
	CredentialID int64     `json:"credential_id"`
	UserID       int64     `json:"user_id"`
	ValidUntil   time.Time `json:"valid_until"`
	Days         int       `json:"days"` // 180, 90, 30 or 7
	Message      string    `json:"message"`
	SentAt       time.Time `json:"sent_at"`
}

// TranscriptShare is a revocable link that shows a candidate's transcript
// to anyone who has it.
type TranscriptShare struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"user_id"`
	TokenHash string     `json:"-"` // SHA-256 of the token; the token is shown once
	Label     string     `json:"label,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// CredentialName is how a holder is named on the credentials issued to
// them, beside the hashed e-mail address: the account's name (Name empty),
// a name they chose, or no name at all (Hidden). The public credential
// page shows the same name, since it shows the signed document.
type CredentialName struct {
	UserID    int64     `json:"-"`
	Name      string    `json:"name"`
	Hidden    bool      `json:"hidden"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// IssuerKey is one stored issuer signing key; the private half only ever
// sealed, and erased once the key is retired or withdrawn.
type IssuerKey struct {
	ID                 string // verification method URL
	PublicKeyMultibase string
	SealedPrivateKey   []byte
	Created            time.Time
	Retired            time.Time // zero while active
	Withdrawn          time.Time // zero unless withdrawn
	WithdrawnReason    string
}

// CredentialStore keeps credentials, external credentials, reminders,
// transcript share links and issuer keys.
type CredentialStore interface {
	// CreateCredential stores c and sets its ID. A second credential for
	// the same user and program, or a status index already taken, is an
	// ECONFLICT error.
	CreateCredential(ctx context.Context, c *Credential) error
	Credential(ctx context.Context, id int64) (*Credential, error)
	CredentialByPublicID(ctx context.Context, publicID string) (*Credential, error)
	Credentials(ctx context.Context, f CredentialFilter) ([]*Credential, error)
	// UpdateCredential writes c if its status is still fromStatus;
	// otherwise it returns an ECONFLICT error and changes nothing.
	UpdateCredential(ctx context.Context, c *Credential, fromStatus string) error

	CreateExternalCredential(ctx context.Context, e *ExternalCredential) error
	ExternalCredential(ctx context.Context, id int64) (*ExternalCredential, error)
	ExternalCredentials(ctx context.Context, f ExternalFilter) ([]*ExternalCredential, error)
	// ReviewExternalCredential records an admin's decision on a declared
	// credential; a credential already reviewed is an ECONFLICT error.
	ReviewExternalCredential(ctx context.Context, e *ExternalCredential) error

	// CreateReminder records a sent reminder; the same credential, validity
	// end and threshold twice is an ECONFLICT error.
	CreateReminder(ctx context.Context, r *Reminder) error
	Reminders(ctx context.Context, userID int64) ([]*Reminder, error)

	CreateTranscriptShare(ctx context.Context, s *TranscriptShare) error
	TranscriptShareByHash(ctx context.Context, tokenHash string) (*TranscriptShare, error)
	TranscriptShares(ctx context.Context, userID int64) ([]*TranscriptShare, error)
	// RevokeTranscriptShare revokes the user's link; links of other users
	// are not found.
	RevokeTranscriptShare(ctx context.Context, userID, id int64, at time.Time) error

	// CredentialName returns how the user is named on their credentials;
	// ENOTFOUND when they never chose (their account's name is used).
	CredentialName(ctx context.Context, userID int64) (*CredentialName, error)
	// SaveCredentialName stores the user's choice, replacing any earlier one.
	SaveCredentialName(ctx context.Context, n *CredentialName) error

	// IssuerKeys returns every issuer key ever created.
	IssuerKeys(ctx context.Context) ([]IssuerKey, error)
	// SaveIssuerKey inserts the key or replaces the one with the same ID.
	SaveIssuerKey(ctx context.Context, k IssuerKey) error
}

// Exam delivery kinds.
const (
	DeliveryOnline     = "online"
	DeliveryTestCentre = "test-centre"
)

// Sitting is a scheduled sitting of an exam that candidates book: a start
// time, a delivery mode and a number of seats. (It was called an exam
// session; in certlab "session" means a sign-in session only.)
type Sitting struct {
	ID        int64     `json:"id"`
	ExamID    string    `json:"exam"`
	StartsAt  time.Time `json:"starts_at"`
	TimeZone  string    `json:"time_zone"` // IANA name the start time is shown in
	Capacity  int       `json:"capacity"`
	Booked    int       `json:"booked"`   // seats taken by booked and checked-in appointments
	Delivery  string    `json:"delivery"` // online or test-centre
	Location  string    `json:"location,omitempty"`
	Proctored bool      `json:"proctored"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// SittingFilter selects sittings.
type SittingFilter struct {
	ExamID       string
	StartsAfter  *time.Time
	StartsBefore *time.Time
}

// Appointment states.
const (
	AppointmentBooked    = "booked"
	AppointmentCancelled = "cancelled"
	AppointmentCheckedIn = "checked-in"
	AppointmentNoShow    = "no-show"
	// AppointmentAdmitted: a proctor (or an admin) confirmed the candidate's
	// identity; the exam can start from the appointment.
	AppointmentAdmitted = "admitted"
	// AppointmentStarted: the attempt of the appointment started (AttemptID).
	AppointmentStarted = "started"
)

// Appointment is a candidate's booking of a seat in a sitting.
type Appointment struct {
	ID          int64      `json:"id"`
	SittingID   int64      `json:"sitting_id"`
	UserID      int64      `json:"user_id"`
	Status      string     `json:"status"`
	BookedAt    time.Time  `json:"booked_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	CheckedInAt *time.Time `json:"checked_in_at,omitempty"`
	AttemptID   *int64     `json:"attempt_id,omitempty"`
	// AdmittedBy is the proctor or admin who confirmed the candidate's
	// identity, AdmittedAt when, and AdmissionNote what they checked.
	AdmittedBy    *int64     `json:"admitted_by,omitempty"`
	AdmittedAt    *time.Time `json:"admitted_at,omitempty"`
	AdmissionNote string     `json:"admission_note,omitempty"`
}

// AppointmentFilter selects appointments.
type AppointmentFilter struct {
	UserID    *int64
	SittingID *int64
	Status    string
	// SittingStartsBefore selects appointments whose sitting starts at or
	// before it.
	SittingStartsBefore *time.Time
	// SittingStartsAfter selects appointments whose sitting starts at or
	// after it.
	SittingStartsAfter *time.Time
}

// AttemptPause is one stop of an attempt's clock by a proctor.
type AttemptPause struct {
	AttemptID int64      `json:"attempt_id"`
	PausedAt  time.Time  `json:"paused_at"`
	ResumedAt *time.Time `json:"resumed_at,omitempty"`
}

// ScheduleStore keeps sittings, appointments and attempt pauses.
type ScheduleStore interface {
	CreateSitting(ctx context.Context, s *Sitting) error
	Sitting(ctx context.Context, id int64) (*Sitting, error)
	Sittings(ctx context.Context, f SittingFilter) ([]*Sitting, error)

	// BookAppointment takes a seat of the sitting and stores a; a full
	// sitting, or a second live booking of the same user for it, is an
	// ECONFLICT error.
	BookAppointment(ctx context.Context, a *Appointment) error
	Appointment(ctx context.Context, id int64) (*Appointment, error)
	Appointments(ctx context.Context, f AppointmentFilter) ([]*Appointment, error)
	// MoveAppointment moves a booked appointment to another sitting with a
	// free seat, releasing its old seat, in one transaction.
	MoveAppointment(ctx context.Context, id, toSitting int64, at time.Time) (*Appointment, error)
	// SetAppointmentStatus moves an appointment from one state to another
	// (releasing its seat when cancelled); ECONFLICT if it is no longer in
	// from.
	SetAppointmentStatus(ctx context.Context, id int64, from, to string, at time.Time, attemptID *int64) (*Appointment, error)
	// AdmitAppointment records that a proctor admitted a booked or
	// checked-in appointment (who, when, what they checked); ECONFLICT
	// when it is in another state.
	AdmitAppointment(ctx context.Context, id, by int64, note string, at time.Time) (*Appointment, error)

	// PauseAttempt stops a started attempt's clock; ECONFLICT unless started.
	PauseAttempt(ctx context.Context, attemptID int64, at time.Time) error
	// ResumeAttempt restarts a paused attempt's clock, pushing its deadline
	// by the length of the pause; ECONFLICT unless paused.
	ResumeAttempt(ctx context.Context, attemptID int64, at time.Time) (*Attempt, error)
	AttemptPauses(ctx context.Context, attemptID int64) ([]*AttemptPause, error)
}

// AuditEntry is one proctor or admin action. The log is append-only: the
// store has no way to change or delete an entry.
type AuditEntry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	ActorID int64     `json:"actor_id"`
	Role    string    `json:"role"`
	Action  string    `json:"action"` // such as "credential.revoke"
	Target  string    `json:"target"` // such as "credential:12"
	Detail  string    `json:"detail,omitempty"`
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	ActorID *int64
	Target  string
	Action  string
	// Before selects entries with a smaller id (keyset paging, newest
	// first); From and To bound their time (From included, To excluded).
	Before int64
	From   *time.Time
	To     *time.Time
	Limit  int
}

// AuditStore keeps the append-only audit log.
type AuditStore interface {
	AppendAudit(ctx context.Context, e *AuditEntry) error
	AuditEntries(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
}
