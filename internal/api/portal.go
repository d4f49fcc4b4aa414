package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/pathway"
	"github.com/certlab/certlab/internal/schedule"
)

// The candidate's portal: the pathway to each credential, and
// accommodation requests.

// pathwaySource is what pathways are built from, readiness included when
// study is on.
func (s *Server) pathwaySource() pathway.Source {
	src := pathway.Source{Store: s.Store, Catalog: s.Catalog, Now: s.Engine.Now, CheckInOpens: schedule.CheckInOpens, CheckInCloses: schedule.CheckInCloses}
	if src.Now == nil {
		src.Now = time.Now
	}
	if s.Study != nil {
		src.Readiness = func(ctx context.Context, u *certlab.User, examID string) (float64, int, error) {
			rd, err := s.Study.Readiness(ctx, u, examID)
			if err != nil {
				return 0, 0, err
			}
			return rd.PassProbability, rd.Answers, nil
		}
	}
	return src
}

// pathways: GET /api/v1/me/pathway (every program) or ?program=ID (one).
func (s *Server) pathways(r *http.Request, u *certlab.User) (any, error) {
	if id := r.URL.Query().Get("program"); id != "" {
		pw, err := pathway.Program(r.Context(), s.pathwaySource(), u, id)
		if err != nil {
			return nil, err
		}
		return []*pathway.Pathway{pw}, nil
	}
	return pathway.Build(r.Context(), s.pathwaySource(), u)
}

func (s *Server) listAccommodations(r *http.Request, u *certlab.User) (any, error) {
	all, _ := strconv.ParseBool(r.URL.Query().Get("all"))
	return s.Schedule.AccommodationRequests(r.Context(), u, all, r.URL.Query().Get("status"))
}

func (s *Server) requestAccommodation(r *http.Request, u *certlab.User) (any, error) {
	var in schedule.AccommodationInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return s.Schedule.RequestAccommodation(r.Context(), u, in)
}

func (s *Server) withdrawAccommodation(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Schedule.WithdrawAccommodation(r.Context(), u, id)
}

// AccommodationDecision is the body of POST
// /api/v1/accommodations/{id}/decision.
type AccommodationDecision struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note"`
}

func (s *Server) decideAccommodation(r *http.Request, u *certlab.User) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var d AccommodationDecision
	if err := decode(r, &d); err != nil {
		return nil, err
	}
	return s.Schedule.DecideAccommodation(r.Context(), u, id, d.Approve, d.Note)
}
