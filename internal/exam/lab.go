package exam

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/item"
)

// LabQuestion is a lab question of an attempt that its candidate may
// work on now: the lab section is open and its time is not up.
type LabQuestion struct {
	Attempt *certlab.Attempt
	Item    *certlab.Item
	Key     string
	Section int
}

// LabQuestion finds the lab question key of the user's attempt and checks
// that it takes a submission now: only the candidate, only while the
// question's section is open and before the deadline.
func (e *Engine) LabQuestion(ctx context.Context, u *certlab.User, attemptID int64, key string) (*LabQuestion, error) {
	a, ex, err := e.attempt(ctx, u, attemptID)
	if err != nil {
		return nil, err
	}
	if a.UserID != u.ID {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "only the candidate submits a lab")
	}
	q, section, ok := a.Form.Question(key)
	if !ok {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "attempt %d has no question %q", attemptID, key)
	}
	it, ok := ex.Item(q.ItemID)
	if !ok {
		return nil, certlab.Errorf(certlab.ECONFLICT, "item %s is no longer in the bank", q.ItemID)
	}
	if item.Of(it).Section() != certlab.SectionLab {
		return nil, certlab.Errorf(certlab.EINVALID, "question %s is not a lab", key)
	}
	if err := checkOpen(a, section); err != nil {
		return nil, err
	}
	return &LabQuestion{Attempt: a, Item: it, Key: key, Section: section}, nil
}

// LabPoints scales a lab's share of check points to the points of its
// question (docs/scoring.md): partial credit, two decimals.
func LabPoints(it *certlab.Item, points, maxPoints float64) float64 {
	if maxPoints <= 0 || points <= 0 {
		return 0
	}
	share := min(points/maxPoints, 1)
	return math.Round(float64(it.Points)*share*100) / 100
}

// RecordLab stores the graded result of a lab submission as the response
// of the lab question, {"points": n}: seq orders submissions (a later one
// replaces an earlier), received is when the upload arrived (a workspace
// received before the deadline counts even if grading ends just after).
// It refuses, changing nothing, when the attempt has moved on meanwhile.
func (e *Engine) RecordLab(ctx context.Context, lq *LabQuestion, seq int64, points float64, received time.Time) error {
	value, err := json.Marshal(map[string]float64{"points": points})
	if err != nil {
		return fmt.Errorf("encode lab result: %w", err)
	}
	r := &certlab.Response{AttemptID: lq.Attempt.ID, Key: lq.Key, Seq: seq, Value: value, SavedAt: e.now()}
	if _, _, err := e.Store.SaveResponse(ctx, r, lq.Section, -1, received); err != nil {
		if certlab.ErrorCode(err) == certlab.ECONFLICT {
			return certlab.Errorf(certlab.ESECTIONCLOSED, "the lab section closed before this submission was graded: it does not count")
		}
		return err
	}
	return nil
}
