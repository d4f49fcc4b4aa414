package exam

import (
	"context"
	"time"

	"github.com/certlab/certlab"
)

// Timing. The sections of a form without a time of their own share the
// exam's time limit; a section with its own (a lab section) comes after
// them and is timed from when it opens: when the candidate completes the
// section before it, or when the time of the sections before it is up.
// Time left in one block is not carried into the next. Attempt.Deadline is
// always the deadline of the open block.

// blockLimit is the time of the block that starts at section i, before
// the candidate's accommodation.
func blockLimit(a *certlab.Attempt, ex *certlab.Exam, i int) time.Duration {
	if i >= 0 && i < len(a.Form.Sections) && a.Form.Sections[i].TimeLimit.Duration > 0 {
		return a.Form.Sections[i].TimeLimit.Duration
	}
	if a.Mode == certlab.ModeRenewal {
		return a.Form.TimeLimit.Duration
	}
	return ex.Policy.TimeLimit.Duration
}

// accommodated stretches a time by the candidate's extra time.
func accommodated(a *certlab.Attempt, d time.Duration) time.Duration {
	return d * time.Duration(100+a.ExtraTimePct) / 100
}

// nextBlock is the index of the section whose own time starts when the
// open block ends, or -1 when the open block is the last.
func nextBlock(a *certlab.Attempt) int {
	for i := a.Section + 1; i < len(a.Form.Sections); i++ {
		if a.Form.Sections[i].TimeLimit.Duration > 0 {
			return i
		}
	}
	return -1
}

// opensOwnTime reports whether section i starts a block of its own.
func opensOwnTime(a *certlab.Attempt, i int) bool {
	return i > 0 && i < len(a.Form.Sections) && a.Form.Sections[i].TimeLimit.Duration > 0
}

// expire moves a started attempt whose deadline has passed on: into the
// next section with its own time (its deadline counted from the one that
// passed), or, after the last block, submits and scores it. Another
// request that moved the attempt first wins.
func (e *Engine) expire(ctx context.Context, a *certlab.Attempt, ex *certlab.Exam) (*certlab.Attempt, error) {
	for a.Status == certlab.StatusStarted && a.Deadline != nil && !e.now().Before(*a.Deadline) {
		next := nextBlock(a)
		if next < 0 {
			return e.finish(ctx, a, ex, "deadline")
		}
		from := a.Section
		deadline := a.Deadline.Add(accommodated(a, blockLimit(a, ex, next)))
		a.Section, a.Position, a.Deadline = next, 0, &deadline
		if err := e.Store.UpdateAttempt(ctx, a, certlab.StatusStarted, from); err != nil {
			if certlab.ErrorCode(err) != certlab.ECONFLICT {
				return nil, err
			}
			if a, err = e.Store.Attempt(ctx, a.ID); err != nil {
				return nil, err
			}
			continue
		}
		e.Logger.Info("time of the sections before is up: a section with its own time opens", "attempt", a.ID, "section", next+1, "deadline", deadline)
	}
	return a, nil
}
