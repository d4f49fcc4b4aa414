package certlab

import (
	"context"
	"time"
)

// ItemStatus is what authors decided about one item: a flag with its note
// (a problem to look at) and retirement (the item leaves new forms;
// attempts that already hold it are unchanged). It is kept in the
// database, keyed by the item's exam and id (item ids are unique within a
// pack), so it stays with the item whatever happens to the content files.
type ItemStatus struct {
	ExamID    string     `json:"exam"`
	ItemID    string     `json:"item"`
	Flagged   bool       `json:"flagged"`
	FlagNote  string     `json:"flag_note,omitempty"`
	FlaggedBy int64      `json:"flagged_by,omitempty"`
	FlaggedAt *time.Time `json:"flagged_at,omitempty"`
	Retired   bool       `json:"retired"`
	// RetireReason is why the item was retired (or reinstated).
	RetireReason string     `json:"retire_reason,omitempty"`
	RetiredBy    int64      `json:"retired_by,omitempty"`
	RetiredAt    *time.Time `json:"retired_at,omitempty"`
	UpdatedAt    time.Time  `json:"updated_at,omitzero"` // zero: never flagged nor retired
}

// ItemRef names an item: its exam (the exam whose bank holds it) and id.
type ItemRef struct {
	ExamID string `json:"exam"`
	ItemID string `json:"item"`
}

// Calibration run states.
const (
	RunRunning = "running"
	RunDone    = "done"
	RunFailed  = "failed"
)

// CalibrationRun is one item analysis and IRT calibration of an exam's
// items from the stored results, run in the background: its progress
// while it runs, and its result (JSON, see internal/authoring) once done.
type CalibrationRun struct {
	ID        int64     `json:"id"`
	ExamID    string    `json:"exam"`
	Model     string    `json:"model"`
	Status    string    `json:"status"`
	Phase     string    `json:"phase"` // what it is doing now, in words
	Cycle     int       `json:"cycle"`
	MaxCycles int       `json:"max_cycles"`
	Change    float64   `json:"change"` // largest parameter change of the last EM step
	Progress  float64   `json:"progress"`
	Message   string    `json:"message,omitempty"` // the error of a failed run
	Items     int       `json:"items"`
	Examinees int       `json:"examinees"`
	StartedBy int64     `json:"started_by"`
	StartedAt time.Time `json:"started_at"`
	// UpdatedAt is the run's last sign of life: a run still "running"
	// that has not reported for a while was interrupted.
	UpdatedAt time.Time  `json:"updated_at"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
	// Result is the analysis of a finished run (JSON); empty until done.
	Result string `json:"-"`
	// AppliedAt is when its parameters were written to the exam's item
	// parameters; nil until then.
	AppliedAt *time.Time `json:"applied_at,omitempty"`
}

// AuthoringStore keeps what authors decide about items and their
// calibration runs.
type AuthoringStore interface {
	// ItemStatuses returns every item status, keyed by ItemRef.
	ItemStatuses(ctx context.Context) (map[ItemRef]*ItemStatus, error)
	// RetiredItems returns the retired items, for form assembly.
	RetiredItems(ctx context.Context) (map[ItemRef]bool, error)
	// FlagItem sets or clears an item's flag and note.
	FlagItem(ctx context.Context, ref ItemRef, flagged bool, note string, by int64, at time.Time) (*ItemStatus, error)
	// RetireItem retires (retired true) or reinstates an item, with the
	// reason; ECONFLICT when it is already in that state.
	RetireItem(ctx context.Context, ref ItemRef, retired bool, reason string, by int64, at time.Time) (*ItemStatus, error)

	CreateCalibrationRun(ctx context.Context, r *CalibrationRun) error
	// UpdateCalibrationRun stores a run's progress, status and result.
	UpdateCalibrationRun(ctx context.Context, r *CalibrationRun) error
	CalibrationRun(ctx context.Context, id int64) (*CalibrationRun, error)
	// CalibrationRuns lists an exam's runs ("" for all), newest first,
	// without their results.
	CalibrationRuns(ctx context.Context, examID string, limit int) ([]*CalibrationRun, error)
	// MarkRunApplied records when a run's parameters were applied;
	// ECONFLICT when they already were.
	MarkRunApplied(ctx context.Context, id int64, at time.Time) error
}
