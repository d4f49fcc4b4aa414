package study

import (
	"context"

	"github.com/certlab/certlab"
)

// ObjectiveProgress is what a candidate has practised of one objective:
// the practice-pool items answered, and how many of them the latest
// answer got right.
type ObjectiveProgress struct {
	Items int `json:"items"`
	Right int `json:"right"`
}

// Progress returns, for each objective of the exam's current outline that
// the user has practised, the items answered and answered right the last
// time. Only practice-pool results count, as for readiness.
func (s *Service) Progress(ctx context.Context, userID int64, examID string) (map[string]ObjectiveProgress, error) {
	ex, err := s.Catalog.Exam(examID)
	if err != nil {
		return nil, err
	}
	results, err := s.practiceResults(ctx, ex, userID)
	if err != nil {
		return nil, err
	}
	latest := map[string]certlab.Result{}
	for _, r := range results {
		latest[r.ItemID] = r // oldest first: the last one wins
	}
	version := ex.Current().Version
	out := map[string]ObjectiveProgress{}
	for id, r := range latest {
		it, ok := ex.Item(id)
		if !ok {
			continue
		}
		for _, ob := range it.Objectives[version] {
			p := out[ob]
			p.Items++
			if r.Correct() {
				p.Right++
			}
			out[ob] = p
		}
	}
	return out, nil
}
