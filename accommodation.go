package certlab

import (
	"context"
	"time"
)

// Accommodation kinds a candidate can request.
const (
	AccommodationExtraTime  = "extra-time"           // more time for every timed attempt, in percent
	AccommodationBreaks     = "breaks"               // breaks during the exam
	AccommodationAssistive  = "assistive-technology" // a screen reader, magnifier or similar
	AccommodationOtherNeeds = "other"                // anything else, in the details
)

// AccommodationKinds lists the kinds in the order forms offer them.
var AccommodationKinds = []string{AccommodationExtraTime, AccommodationBreaks, AccommodationAssistive, AccommodationOtherNeeds}

// Accommodation request states.
const (
	AccommodationRequested = "requested" // waiting for staff
	AccommodationApproved  = "approved"
	AccommodationRejected  = "rejected"
	AccommodationWithdrawn = "withdrawn" // by the candidate, before a decision
)

// AccommodationRequest is a candidate's request for an accommodation and
// staff's decision on it. An approved extra-time request sets the
// account's ExtraTimePct.
type AccommodationRequest struct {
	ID           int64      `json:"id"`
	UserID       int64      `json:"user_id"`
	Kind         string     `json:"kind"`
	ExtraTimePct int        `json:"extra_time_pct,omitempty"` // extra-time requests: the percentage asked for
	Details      string     `json:"details,omitempty"`
	Status       string     `json:"status"`
	CreatedAt    time.Time  `json:"created_at"`
	DecidedBy    *int64     `json:"decided_by,omitempty"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
	DecisionNote string     `json:"decision_note,omitempty"`
}

// AccommodationFilter selects accommodation requests.
type AccommodationFilter struct {
	UserID *int64
	Status string
}

// AppointmentReminder records that the reminder of an appointment's
// sitting was sent: at most one per appointment and sitting.
type AppointmentReminder struct {
	AppointmentID int64     `json:"appointment_id"`
	SittingID     int64     `json:"sitting_id"`
	UserID        int64     `json:"user_id"`
	SentAt        time.Time `json:"sent_at"`
}

// AccommodationStore keeps accommodation requests and appointment
// reminders.
type AccommodationStore interface {
	// CreateAccommodationRequest stores r (status requested) and sets its
	// ID; a second open request of the same kind by the same user is an
	// ECONFLICT error.
	CreateAccommodationRequest(ctx context.Context, r *AccommodationRequest) error
	AccommodationRequest(ctx context.Context, id int64) (*AccommodationRequest, error)
	// AccommodationRequests lists requests matching f, oldest first.
	AccommodationRequests(ctx context.Context, f AccommodationFilter) ([]*AccommodationRequest, error)
	// DecideAccommodationRequest moves a request from one state to
	// another, recording who (nil: the candidate), when and why;
	// ECONFLICT if it is no longer in from.
	DecideAccommodationRequest(ctx context.Context, id int64, from, to string, by *int64, note string, at time.Time) (*AccommodationRequest, error)

	// CreateAppointmentReminder records a reminder before it is sent; the
	// same appointment and sitting twice is an ECONFLICT error, so of
	// several servers exactly one sends it.
	CreateAppointmentReminder(ctx context.Context, r *AppointmentReminder) error
	// AppointmentReminders lists the reminders sent for a user's
	// appointments.
	AppointmentReminders(ctx context.Context, userID int64) ([]*AppointmentReminder, error)
}
