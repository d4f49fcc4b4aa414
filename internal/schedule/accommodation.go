package schedule

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/audit"
)

// AccommodationInput is what a candidate asks for.
type AccommodationInput struct {
	Kind         string `json:"kind"`
	ExtraTimePct int    `json:"extra_time_pct,omitempty"`
	Details      string `json:"details,omitempty"`
}

// MaxAccommodationDetails bounds the details of a request, in characters.
const MaxAccommodationDetails = 2000

// RequestAccommodation records a candidate's request for staff to decide.
// Extra time is asked in percent (1–300); the other kinds need details
// saying what is needed.
func (s *Service) RequestAccommodation(ctx context.Context, u *certlab.User, in AccommodationInput) (*certlab.AccommodationRequest, error) {
	in.Details = strings.TrimSpace(in.Details)
	switch {
	case !slices.Contains(certlab.AccommodationKinds, in.Kind):
		return nil, certlab.Errorf(certlab.EINVALID, "kind %q: must be one of %s", in.Kind, strings.Join(certlab.AccommodationKinds, ", "))
	case in.Kind == certlab.AccommodationExtraTime && (in.ExtraTimePct < 1 || in.ExtraTimePct > 300):
		return nil, certlab.Errorf(certlab.EINVALID, "extra_time_pct %d: extra time is asked in percent, from 1 to 300", in.ExtraTimePct)
	case in.Kind != certlab.AccommodationExtraTime && in.ExtraTimePct != 0:
		return nil, certlab.Errorf(certlab.EINVALID, "extra_time_pct is for kind %s only", certlab.AccommodationExtraTime)
	case in.Kind != certlab.AccommodationExtraTime && in.Details == "":
		return nil, certlab.Errorf(certlab.EINVALID, "details: say what you need")
	case utf8.RuneCountInString(in.Details) > MaxAccommodationDetails:
		return nil, certlab.Errorf(certlab.EINVALID, "details: at most %d characters", MaxAccommodationDetails)
	}
	r := &certlab.AccommodationRequest{UserID: u.ID, Kind: in.Kind, ExtraTimePct: in.ExtraTimePct, Details: in.Details, CreatedAt: s.clock()}
	if err := s.store.CreateAccommodationRequest(ctx, r); err != nil {
		return nil, err
	}
	s.send(ctx, u.Email, "Accommodation request received", fmt.Sprintf("We received your request %d (%s).\n\nStaff review it and you will get an e-mail with the decision; its state is on certlab's Accommodations page. An approved request applies to exams you start afterwards.\n", r.ID, DescribeAccommodation(r)))
	return r, nil
}

// DescribeAccommodation words a request: "50 % extra time", "breaks".
func DescribeAccommodation(r *certlab.AccommodationRequest) string {
	switch r.Kind {
	case certlab.AccommodationExtraTime:
		return fmt.Sprintf("%d %% extra time", r.ExtraTimePct)
	case certlab.AccommodationAssistive:
		return "assistive technology"
	case certlab.AccommodationOtherNeeds:
		return "other needs"
	}
	return r.Kind
}

// AccommodationRequests lists the candidate's own requests, or with all
// (admins only) everyone's, optionally in one status.
func (s *Service) AccommodationRequests(ctx context.Context, u *certlab.User, all bool, status string) ([]*certlab.AccommodationRequest, error) {
	f := certlab.AccommodationFilter{UserID: &u.ID, Status: status}
	if all {
		if err := certlab.RequireRole(u, certlab.RoleAdmin); err != nil {
			return nil, err
		}
		f.UserID = nil
	}
	out, err := s.store.AccommodationRequests(ctx, f)
	if out == nil && err == nil {
		out = []*certlab.AccommodationRequest{}
	}
	return out, err
}

// WithdrawAccommodation withdraws the candidate's own open request.
func (s *Service) WithdrawAccommodation(ctx context.Context, u *certlab.User, id int64) (*certlab.AccommodationRequest, error) {
	r, err := s.store.AccommodationRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.UserID != u.ID {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "accommodation request %d not found", id)
	}
	return s.store.DecideAccommodationRequest(ctx, id, certlab.AccommodationRequested, certlab.AccommodationWithdrawn, nil, "", s.clock())
}

// DecideAccommodation approves or rejects an open request (admins), with
// a note the candidate sees. Approving extra time sets the account's
// extra time (SetAccommodation), which applies to attempts created
// afterwards. The decision is audited and e-mailed.
func (s *Service) DecideAccommodation(ctx context.Context, admin *certlab.User, id int64, approve bool, note string) (*certlab.AccommodationRequest, error) {
	if err := certlab.RequireRole(admin, certlab.RoleAdmin); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > MaxAccommodationDetails {
		return nil, certlab.Errorf(certlab.EINVALID, "note: at most %d characters", MaxAccommodationDetails)
	}
	to, verb, action := certlab.AccommodationRejected, "rejected", "accommodation.reject"
	if approve {
		to, verb, action = certlab.AccommodationApproved, "approved", "accommodation.approve"
	}
	r, err := s.store.DecideAccommodationRequest(ctx, id, certlab.AccommodationRequested, to, &admin.ID, note, s.clock())
	if err != nil {
		return nil, err
	}
	if err := s.audit.Record(ctx, admin, action, audit.Target("accommodation", id), "user %d: %s: %s", r.UserID, DescribeAccommodation(r), note); err != nil {
		return nil, err
	}
	if approve && r.Kind == certlab.AccommodationExtraTime {
		if _, err := s.SetAccommodation(ctx, admin, r.UserID, r.ExtraTimePct, fmt.Sprintf("request %d approved", id)); err != nil {
			return nil, err
		}
	}
	if u, err := s.store.User(ctx, r.UserID); err == nil {
		body := fmt.Sprintf("Your request %d (%s) was %s.", id, DescribeAccommodation(r), verb)
		if note != "" {
			body += "\n\nNote from staff: " + note
		}
		if approve {
			body += "\n\nIt applies to exams you start from now on."
		}
		s.send(ctx, u.Email, "Accommodation request "+verb, body+"\n")
	}
	return r, nil
}
