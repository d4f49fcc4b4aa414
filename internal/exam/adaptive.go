package exam

import (
	"context"
	"encoding/json"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/item"
)

// resolvePractice turns the study options of a practice request into a
// plain item selection.
func (e *Engine) resolvePractice(ctx context.Context, u *certlab.User, ex *certlab.Exam, opts PracticeOptions) (PracticeOptions, error) {
	for _, id := range opts.Items {
		it, ok := ex.Item(id)
		if !ok {
			return opts, certlab.Errorf(certlab.EINVALID, "exam %s has no item %q", ex.ID, id)
		}
		if it.Pool != certlab.PoolPractice {
			return opts, certlab.Errorf(certlab.EINVALID, "item %s is in the secure exam pool: practice uses only practice-pool items", id)
		}
	}
	if opts.Due {
		if e.Due == nil {
			return opts, certlab.Errorf(certlab.EINVALID, "review scheduling is not available on this server")
		}
		due, err := e.Due(ctx, u.ID, ex.ID)
		if err != nil {
			return opts, err
		}
		if len(due) == 0 {
			return opts, certlab.Errorf(certlab.EINVALID, "nothing is due for review today")
		}
		opts.Items = due
	}
	if opts.Adaptive {
		if e.Adaptive == nil {
			return opts, certlab.Errorf(certlab.EINVALID, "adaptive practice is not available on this server")
		}
		if opts.Count <= 0 {
			opts.Count = 20
		}
		if opts.Count > 100 {
			return opts, certlab.Errorf(certlab.EINVALID, "an adaptive set has at most 100 items")
		}
	}
	return opts, nil
}

// adaptiveForm is the empty form of an adaptive practice set; questions are
// appended one at a time.
func adaptiveForm(ex *certlab.Exam, opts PracticeOptions, seed int64) *certlab.Form {
	o := ex.Current()
	return &certlab.Form{ExamID: ex.ID, OutlineVersion: o.Version, Seed: seed, Adaptive: opts.Count,
		Sections: []*certlab.FormSection{{Kind: certlab.SectionGeneral, Title: "Adaptive practice"}}}
}

// appendAdaptive adds the next adaptive item once every question so far is
// answered, until the set is complete.
func (e *Engine) appendAdaptive(ctx context.Context, a *certlab.Attempt, ex *certlab.Exam) error {
	fresh, err := e.Store.Attempt(ctx, a.ID)
	if err != nil {
		return err
	}
	qs := fresh.Form.Questions()
	if len(qs) >= fresh.Form.Adaptive {
		return nil
	}
	rs, err := e.Store.Responses(ctx, a.ID)
	if err != nil {
		return err
	}
	values := map[string]json.RawMessage{}
	for _, r := range rs {
		values[r.Key] = r.Value
	}
	correct := map[string]bool{}
	for _, q := range qs {
		v, ok := values[q.Key]
		if !ok || string(v) == "null" {
			return nil // wait for the open question
		}
		it, ok := ex.Item(q.ItemID)
		if !ok {
			continue
		}
		correct[q.Key] = item.Score(it, q.Statement, v) == item.MaxPoints(it, q.Statement)
	}
	id, err := e.Adaptive(ctx, fresh, correct)
	if err != nil || id == "" {
		return err
	}
	it, ok := ex.Item(id)
	if !ok {
		return certlab.Errorf(certlab.EINTERNAL, "adaptive selection chose unknown item %s", id)
	}
	for _, q := range questionsOf(ex.Current(), it, a.Seed) {
		if err := e.Store.AppendQuestion(ctx, a.ID, q); err != nil {
			return err
		}
	}
	return nil
}
