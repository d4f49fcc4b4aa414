package certlab

import (
	"context"
	"time"
)

// LabSubmission is one graded upload of a lab workspace: for a practice
// lab on its own, or for the lab question (QuestionKey) of an attempt.
// Only uploads that unpack and belong to the lab become submissions; a
// refused upload leaves the earlier ones as they were.
type LabSubmission struct {
	ID          int64     `json:"id"`
	UserID      int64     `json:"user_id"`
	LabID       string    `json:"lab"`
	AttemptID   int64     `json:"attempt_id,omitempty"` // 0: a practice lab outside an attempt
	QuestionKey string    `json:"question,omitempty"`
	Format      string    `json:"format"` // tar.gz, zip or git bundle
	Size        int64     `json:"size"`   // bytes uploaded
	SHA256      string    `json:"sha256"` // of the upload
	Points      float64   `json:"points"`
	MaxPoints   float64   `json:"max_points"` // of the checks graded on the server
	Passed      bool      `json:"passed"`     // every check graded on the server passed
	SubmittedAt time.Time `json:"submitted_at"`
	Duration    float64   `json:"duration_seconds"` // grading time
	// Counted is set when the result was recorded as the response of the
	// attempt's lab question (false when the section had closed meanwhile).
	Counted bool             `json:"counted,omitempty"`
	Checks  []LabCheckResult `json:"checks"`
}

// LabCheckResult is the verdict on one check of a submission.
type LabCheckResult struct {
	TaskID    string  `json:"task"`
	CheckID   string  `json:"id"`
	Type      string  `json:"type"`
	Passed    bool    `json:"passed"`
	Skipped   bool    `json:"skipped,omitempty"` // not graded on the server: it executes the workspace's content
	Points    float64 `json:"points"`
	MaxPoints float64 `json:"max_points"`
	Detail    string  `json:"detail,omitempty"`
	Feedback  string  `json:"feedback,omitempty"`
}

// LabSubmissionFilter selects submissions, newest first.
type LabSubmissionFilter struct {
	UserID      *int64
	LabID       string
	AttemptID   *int64 // 0 selects practice submissions outside attempts
	QuestionKey string
	Limit       int
}

// LabStore keeps graded lab submissions and their results per check.
type LabStore interface {
	// CreateLabSubmission stores s with its check results in one
	// transaction and sets its ID (IDs grow with time).
	CreateLabSubmission(ctx context.Context, s *LabSubmission) error
	// SetLabSubmissionCounted marks a submission as recorded in its attempt.
	SetLabSubmissionCounted(ctx context.Context, id int64) error
	// LabSubmission returns a submission with its check results.
	LabSubmission(ctx context.Context, id int64) (*LabSubmission, error)
	// LabSubmissions lists submissions with their check results, newest first.
	LabSubmissions(ctx context.Context, f LabSubmissionFilter) ([]*LabSubmission, error)
}
