package certlab

import (
	"context"
	"time"
)

// Result is the scored outcome of one question in a scored attempt.
type Result struct {
	AttemptID int64     `json:"attempt_id"`
	ItemID    string    `json:"item"`
	Key       string    `json:"key"`
	Points    float64   `json:"points"`
	MaxPoints float64   `json:"max_points"`
	At        time.Time `json:"at"`
}

// Correct reports whether the question earned all its points.
func (r Result) Correct() bool { return r.MaxPoints > 0 && r.Points >= r.MaxPoints }

// ItemParams are an item's IRT parameters in the a(θ−b) parameterisation.
type ItemParams struct {
	ItemID       string    `json:"item"`
	A            float64   `json:"a"`
	B            float64   `json:"b"`
	C            float64   `json:"c"`
	Model        string    `json:"model"`
	CalibratedAt time.Time `json:"calibrated_at"`
}

// StudyStore keeps what study features need beyond attempts: the results
// history and calibrated item parameters.
type StudyStore interface {
	// Results returns a user's results on an exam's items, oldest first.
	Results(ctx context.Context, userID int64, examID string) ([]Result, error)
	// ExamResults returns every user's results on an exam, oldest first,
	// keyed by user id (for calibration).
	ExamResults(ctx context.Context, examID string) (map[int64][]Result, error)
	ItemParams(ctx context.Context, examID string) (map[string]ItemParams, error)
	// SaveItemParams replaces the stored parameters of the given items.
	SaveItemParams(ctx context.Context, examID string, params []ItemParams) error
}
